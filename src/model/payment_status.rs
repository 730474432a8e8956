//! Every payment state in words: what happened to the shopper's money and what
//! they should do next. Read from the order's `order_state` first, then its
//! `payment_state` and paid/due amounts (names the reference doesn't fix: see
//! [`Order::amount_paid`]).

use crate::i18n::td_string;
use crate::lang::Locale;
use crate::model::money::Amount;
use crate::model::order::{Order, OrderState};

/// Where the shopper's payment stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Nothing has arrived yet.
    Awaiting,
    /// A payment was seen on the chain and is waiting for confirmations.
    Seen,
    /// Part of the amount arrived. `due` when the upstream says it or it can be
    /// worked out from the total and what was paid.
    Partial {
        paid: Option<Amount>,
        due: Option<Amount>,
    },
    /// The whole amount arrived.
    Paid,
    /// The payment failed or could not be set up.
    Failed,
    /// The window closed; `paid` when part of the money had arrived by then.
    Expired { paid: Option<Amount> },
    /// The money was sent back.
    Refunded,
    /// The order was canceled.
    Canceled,
    /// A state this shop has no words for: only its raw name is shown.
    Unknown,
}

/// True when the upstream's payment_state names a partial payment.
fn says_partial(payment_state: &str) -> bool {
    let s = payment_state.to_ascii_lowercase();
    s.contains("partial")
        || s.contains("underpaid")
        || s.contains("partly")
        || s.contains("insufficient")
}

impl PaymentStatus {
    /// The payment status of an order.
    pub fn of(order: &Order) -> PaymentStatus {
        use OrderState::*;
        let payment_state = order.payment_state.as_deref().unwrap_or_default();
        let paid = order.paid_amount();
        let some_paid = paid.is_some_and(|p| !p.is_zero());
        match &order.order_state {
            Refunded => PaymentStatus::Refunded,
            _ if payment_state.eq_ignore_ascii_case("Refunded") => PaymentStatus::Refunded,
            Expired => PaymentStatus::Expired {
                paid: (some_paid || says_partial(payment_state))
                    .then_some(paid)
                    .flatten(),
            },
            PaymentFailed | PaymentSetupFailed => PaymentStatus::Failed,
            Canceled => PaymentStatus::Canceled,
            PartialPaymentStarted => PaymentStatus::Partial {
                paid,
                due: order.due_amount(),
            },
            Created | WaitingForPayment if says_partial(payment_state) || some_paid => {
                PaymentStatus::Partial {
                    paid,
                    due: order.due_amount(),
                }
            }
            PaymentStarted => PaymentStatus::Seen,
            Created | WaitingForPayment => PaymentStatus::Awaiting,
            PaymentReceived | WaitingForDelivery | WaitingForManualAction | Done => {
                PaymentStatus::Paid
            }
            Other(_) => PaymentStatus::Unknown,
        }
    }

    /// Whether the shopper partly paid and an expired-order notice should say so.
    pub fn expired_after_partial(&self) -> bool {
        matches!(self, PaymentStatus::Expired { paid: Some(_) })
    }

    /// Whether [`PaymentStatus::next_step`] tells the shopper to contact the
    /// shop (then the page gives the address beside it).
    pub fn asks_to_contact_us(&self) -> bool {
        matches!(
            self,
            PaymentStatus::Partial { .. }
                | PaymentStatus::Failed
                | PaymentStatus::Expired { paid: Some(_) }
                | PaymentStatus::Refunded
                | PaymentStatus::Canceled
                | PaymentStatus::Unknown
        )
    }

    /// What the shopper should do now, in one or two sentences. `coin` names the
    /// coin when known (`USDC`).
    pub fn next_step(&self, order: &Order, coin: &str, l: Locale) -> String {
        let coin = if coin.is_empty() {
            td_string!(l, order.coins)
        } else {
            coin
        };
        let money = |a: &Amount| crate::lang::money(l, a, coin);
        match self {
            PaymentStatus::Awaiting => td_string!(l, order.next_awaiting, coin),
            PaymentStatus::Seen => td_string!(l, order.next_seen).to_string(),
            PaymentStatus::Partial { paid, due } => {
                let got = paid
                    .map(|p| format!("{} ", td_string!(l, order.arrived, amount = money(&p))))
                    .unwrap_or_default();
                match due {
                    Some(d) => format!(
                        "{got}{}",
                        td_string!(l, order.next_partial_due, amount = money(d))
                    ),
                    None => format!("{got}{}", td_string!(l, order.next_partial)),
                }
            }
            PaymentStatus::Paid => match order.order_state {
                OrderState::Done if order.is_all_top_ups() => td_string!(l, order.next_done_top_up),
                OrderState::Done => td_string!(l, order.next_done),
                OrderState::WaitingForManualAction => td_string!(l, order.next_manual),
                _ => td_string!(l, order.next_paid),
            }
            .to_string(),
            PaymentStatus::Failed => td_string!(l, order.next_failed).to_string(),
            PaymentStatus::Expired { paid: Some(p) } => {
                td_string!(l, order.next_expired_partial, amount = money(p))
            }
            PaymentStatus::Expired { paid: None } => td_string!(l, order.next_expired).to_string(),
            PaymentStatus::Refunded => td_string!(l, order.next_refunded).to_string(),
            PaymentStatus::Canceled => td_string!(l, order.next_canceled).to_string(),
            PaymentStatus::Unknown => td_string!(l, order.next_unknown).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(json: &str) -> Order {
        serde_json::from_str::<Order>(json).expect("order")
    }

    fn a(s: &str) -> Amount {
        Amount::parse(s).expect("amount")
    }

    #[test]
    fn each_state_has_its_status() {
        let cases = [
            (
                r#"{"order_state":"WaitingForPayment","payment_state":"PaymentRequested"}"#,
                PaymentStatus::Awaiting,
            ),
            (
                r#"{"order_state":"PaymentStarted","payment_state":"PaymentSeen"}"#,
                PaymentStatus::Seen,
            ),
            (
                r#"{"order_state":"WaitingForDelivery","payment_state":"PaymentReceived"}"#,
                PaymentStatus::Paid,
            ),
            (r#"{"order_state":"Done"}"#, PaymentStatus::Paid),
            (r#"{"order_state":"PaymentFailed"}"#, PaymentStatus::Failed),
            (
                r#"{"order_state":"PaymentSetupFailed"}"#,
                PaymentStatus::Failed,
            ),
            (
                r#"{"order_state":"Expired","payment_state":"Expired"}"#,
                PaymentStatus::Expired { paid: None },
            ),
            (r#"{"order_state":"Refunded"}"#, PaymentStatus::Refunded),
            (
                r#"{"order_state":"WaitingForDelivery","payment_state":"Refunded"}"#,
                PaymentStatus::Refunded,
            ),
            (r#"{"order_state":"Canceled"}"#, PaymentStatus::Canceled),
            (r#"{"order_state":"Teleported"}"#, PaymentStatus::Unknown),
        ];
        for (json, want) in cases {
            assert_eq!(PaymentStatus::of(&order(json)), want, "{json}");
        }
    }

    #[test]
    fn a_partial_payment_says_how_much_is_due() {
        let told = order(
            r#"{"order_state":"PartialPaymentStarted","payment_state":"PartiallyPaid","coin_amount":"10.35","amount_paid":"4.1","amount_due":"6.25"}"#,
        );
        let status = PaymentStatus::of(&told);
        assert_eq!(
            status,
            PaymentStatus::Partial {
                paid: Some(a("4.1")),
                due: Some(a("6.25"))
            }
        );
        let words = status.next_step(&told, "USDC", Locale::en);
        assert!(words.contains("remaining 6.25 USDC"), "{words}");
        assert!(words.contains("4.1 USDC arrived"), "{words}");

        // Only what was paid: the rest is worked out from the total.
        let worked = order(
            r#"{"order_state":"PartialPaymentStarted","coin_amount":"10.35","paid_amount":"10"}"#,
        );
        assert_eq!(
            PaymentStatus::of(&worked),
            PaymentStatus::Partial {
                paid: Some(a("10")),
                due: Some(a("0.35"))
            }
        );

        // Nothing said: no number invented.
        let silent = order(r#"{"order_state":"PartialPaymentStarted","coin_amount":"10.35"}"#);
        let status = PaymentStatus::of(&silent);
        assert_eq!(
            status,
            PaymentStatus::Partial {
                paid: None,
                due: None
            }
        );
        assert!(
            status
                .next_step(&silent, "USDC", Locale::en)
                .contains("Send the rest")
        );

        // A partial payment_state on a waiting order is a partial payment too.
        let waiting = order(
            r#"{"order_state":"WaitingForPayment","payment_state":"PartiallyPaid","coin_amount":"5","amount_due":"1"}"#,
        );
        assert!(matches!(
            PaymentStatus::of(&waiting),
            PaymentStatus::Partial { due: Some(_), .. }
        ));
    }

    #[test]
    fn an_order_that_expired_after_a_partial_payment_says_so() {
        let o = order(
            r#"{"order_state":"Expired","payment_state":"PartiallyPaid","coin_amount":"10","amount_paid":"3.5","amount_due":"6.5"}"#,
        );
        let status = PaymentStatus::of(&o);
        assert_eq!(
            status,
            PaymentStatus::Expired {
                paid: Some(a("3.5"))
            }
        );
        assert!(status.expired_after_partial());
        let words = status.next_step(&o, "USDT", Locale::en);
        assert!(
            words.contains("3.5 USDT arrived") && words.contains("contact us"),
            "{words}"
        );
    }

    #[test]
    fn every_status_says_what_to_do_next() {
        for json in [
            r#"{"order_state":"WaitingForPayment"}"#,
            r#"{"order_state":"PaymentStarted"}"#,
            r#"{"order_state":"PartialPaymentStarted"}"#,
            r#"{"order_state":"WaitingForDelivery"}"#,
            r#"{"order_state":"WaitingForManualAction"}"#,
            r#"{"order_state":"Done"}"#,
            r#"{"order_state":"PaymentFailed"}"#,
            r#"{"order_state":"Expired"}"#,
            r#"{"order_state":"Refunded"}"#,
            r#"{"order_state":"Canceled"}"#,
            r#"{"order_state":"Teleported"}"#,
        ] {
            let o = order(json);
            let words = PaymentStatus::of(&o).next_step(&o, "USDC", Locale::en);
            assert!(words.len() > 20 && words.ends_with('.'), "{json}: {words}");
        }
    }

    #[test]
    fn a_delivered_top_up_has_no_code_to_keep() {
        let done = |kind: &str| {
            order(&format!(
                r#"{{"order_id":"a","order_state":"Done","payment_state":"PaymentReceived","deliveries":[{{"kind":"{kind}"}}]}}"#
            ))
        };
        let top_up = done("mobile_recharge");
        let words = PaymentStatus::of(&top_up).next_step(&top_up, "USDC", Locale::en);
        assert!(words.contains("credit was added"), "{words}");
        assert!(!words.contains("code"), "{words}");
        let card = done("giftcard");
        let words = PaymentStatus::of(&card).next_step(&card, "USDC", Locale::en);
        assert!(words.contains("code is below"), "{words}");
    }
}
