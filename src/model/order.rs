//! Orders: what the shopper pays, where, and what is delivered.

use crate::i18n::td_string;
use crate::lang::Locale;
use crate::model::lenient;
use crate::model::money::Amount;
use serde::{Deserialize, Serialize};

/// The payment window of every order, in seconds.
pub const PAYMENT_WINDOW_SECS: i64 = 30 * 60;

/// Where an order is in its life. Unknown states are kept, not refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Option<String>", into = "String")]
pub enum OrderState {
    #[default]
    Created,
    WaitingForPayment,
    PaymentStarted,
    PartialPaymentStarted,
    PaymentReceived,
    WaitingForDelivery,
    WaitingForManualAction,
    Done,
    Expired,
    PaymentFailed,
    PaymentSetupFailed,
    Refunded,
    Canceled,
    Other(String),
}

impl From<Option<String>> for OrderState {
    /// `null` is no state: as if the field were missing.
    fn from(s: Option<String>) -> Self {
        s.map(OrderState::from).unwrap_or_default()
    }
}

impl From<String> for OrderState {
    fn from(s: String) -> Self {
        use OrderState::*;
        match s.as_str() {
            "Created" => Created,
            "WaitingForPayment" => WaitingForPayment,
            "PaymentStarted" => PaymentStarted,
            "PartialPaymentStarted" => PartialPaymentStarted,
            "PaymentReceived" => PaymentReceived,
            "WaitingForDelivery" => WaitingForDelivery,
            "WaitingForManualAction" => WaitingForManualAction,
            "Done" => Done,
            "Expired" => Expired,
            "PaymentFailed" => PaymentFailed,
            "PaymentSetupFailed" => PaymentSetupFailed,
            "Refunded" => Refunded,
            "Canceled" | "Cancelled" => Canceled,
            _ => Other(s),
        }
    }
}

impl From<OrderState> for String {
    fn from(s: OrderState) -> String {
        s.as_str().to_string()
    }
}

/// Where one step of the order's timeline stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepMark {
    /// Not reached.
    Pending,
    /// Under way now.
    Current,
    /// It happened.
    Done,
    /// It was reached and failed (or lapsed).
    Failed,
}

impl StepMark {
    /// The timeline item's CSS class.
    pub fn class(self) -> &'static str {
        match self {
            StepMark::Pending => "step",
            StepMark::Current => "step current",
            StepMark::Done => "step done",
            StepMark::Failed => "step failed",
        }
    }
}

impl OrderState {
    /// The upstream's name of the state.
    pub fn as_str(&self) -> &str {
        use OrderState::*;
        match self {
            Created => "Created",
            WaitingForPayment => "WaitingForPayment",
            PaymentStarted => "PaymentStarted",
            PartialPaymentStarted => "PartialPaymentStarted",
            PaymentReceived => "PaymentReceived",
            WaitingForDelivery => "WaitingForDelivery",
            WaitingForManualAction => "WaitingForManualAction",
            Done => "Done",
            Expired => "Expired",
            PaymentFailed => "PaymentFailed",
            PaymentSetupFailed => "PaymentSetupFailed",
            Refunded => "Refunded",
            Canceled => "Canceled",
            Other(s) => s,
        }
    }

    /// No further change will come: the live view stops.
    pub fn is_terminal(&self) -> bool {
        use OrderState::*;
        matches!(
            self,
            Done | Expired | PaymentFailed | PaymentSetupFailed | Refunded | Canceled
        )
    }

    /// The order failed or lapsed without delivery.
    pub fn is_failure(&self) -> bool {
        self.is_terminal() && *self != OrderState::Done
    }

    /// The shopper still has to pay (the address and countdown matter).
    pub fn awaits_payment(&self) -> bool {
        use OrderState::*;
        matches!(
            self,
            Created | WaitingForPayment | PaymentStarted | PartialPaymentStarted
        )
    }

    /// A state this shop has no words for (shown by its raw name).
    pub fn is_unknown(&self) -> bool {
        matches!(self, OrderState::Other(_))
    }

    /// The state in plain words, with what the payment status adds (an order that
    /// expired after part of the money arrived says so).
    pub fn headline(order: &Order, l: Locale) -> String {
        match crate::model::payment_status::PaymentStatus::of(order) {
            crate::model::payment_status::PaymentStatus::Expired { paid: Some(_) } => {
                td_string!(l, order.state_expired_partial).to_string()
            }
            _ => order.order_state.describe(l).to_string(),
        }
    }

    /// The state in plain words (an unknown state by its own name).
    pub fn describe(&self, l: Locale) -> &str {
        use OrderState::*;
        match self {
            Created | WaitingForPayment => td_string!(l, order.state_waiting),
            PaymentStarted => td_string!(l, order.state_seen),
            PartialPaymentStarted => td_string!(l, order.state_partial),
            PaymentReceived => td_string!(l, order.state_received),
            WaitingForDelivery => td_string!(l, order.state_preparing),
            WaitingForManualAction => td_string!(l, order.state_manual),
            Done => td_string!(l, order.state_done),
            Expired => td_string!(l, order.state_expired),
            PaymentFailed => td_string!(l, order.state_failed),
            PaymentSetupFailed => td_string!(l, order.state_setup_failed),
            Refunded => td_string!(l, order.state_refunded),
            Canceled => td_string!(l, order.state_canceled),
            Other(s) => s,
        }
    }
}

/// What was delivered (the code appears when the order is Done).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Deliverable {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pin_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pin_serial: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub redeem_instructions: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub how_to_redeem: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub beneficiary_account: Option<String>,
}

impl Deliverable {
    /// A code that is a link (redemption URL) rather than a pin.
    pub fn code_is_link(&self) -> bool {
        self.pin_code
            .as_deref()
            .is_some_and(|c| c.starts_with("https://") || c.starts_with("http://"))
    }
}

/// One delivery of an order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub delivery_state: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub brand_name: Option<String>,
    /// The card's face value as the upstream spells it (`"10 USD"`), when given.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub denomination: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub quantity: Option<i64>,
    #[serde(default)]
    pub deliverable: Option<Deliverable>,
}

/// An order as the upstream reports it (creation answer, GET and SSE events).
/// The reference promises only `wallet_address` and `coin_amount`: everything
/// else may be missing, `null`, or (the id) under another key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Order {
    #[serde(default, deserialize_with = "lenient::string")]
    pub order_id: String,
    /// The id under the other key some answers use; folded into `order_id` by
    /// [`Order::normalized`].
    #[serde(
        default,
        rename = "id",
        skip_serializing,
        deserialize_with = "lenient::opt_string"
    )]
    pub other_id: Option<String>,
    #[serde(default)]
    pub order_state: OrderState,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub payment_state: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub wallet_address: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub coin: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub network: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub coin_amount: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub payment_method: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub qr_text: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub created_at: Option<i64>,
    /// When the payment window closes, if the upstream says so instead of
    /// `created_at` (not in the reference: read when given).
    #[serde(
        default,
        rename = "expires_at",
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub given_expiry: Option<i64>,
    /// When this shop received the order (epoch seconds): the window's start
    /// when the upstream gives neither `created_at` nor `expires_at`.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub shop_received_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient::list")]
    pub deliveries: Vec<Delivery>,
    /// What has been paid so far, when the upstream says (the reference names no
    /// field: the sandbox's `amount_paid` and two likely spellings are read).
    #[serde(
        default,
        alias = "paid_amount",
        alias = "coin_amount_paid",
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_paid: Option<String>,
    /// What is still due, when the upstream says (same caveat).
    #[serde(
        default,
        alias = "remaining_amount",
        alias = "coin_amount_due",
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_due: Option<String>,
    /// The payment's transaction on its chain, when the upstream names it (the
    /// reference names no field: these are guesses; see `model::receipt`).
    #[serde(
        default,
        alias = "transaction_hash",
        alias = "transaction_id",
        alias = "txid",
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub tx_hash: Option<String>,
}

impl Order {
    /// Parses an order pushed by the live view; `None` for anything that is not
    /// an order (no id), so invalid events are dropped.
    pub fn from_event(data: &str) -> Option<Order> {
        serde_json::from_str::<Order>(data)
            .ok()
            .map(Order::normalized)
            .filter(|o| crate::model::values::is_order_id(&o.order_id))
    }

    /// Whether the address and countdown are shown: while the order awaits payment,
    /// and, in a state the shop doesn't know, while the window is open, nothing is
    /// delivered and no payment has been seen (never an invitation to pay twice).
    /// `now` is unknown before the browser's clock runs: the window counts as open.
    pub fn shows_payment(&self, now: Option<i64>) -> bool {
        if self.order_state == OrderState::PaymentStarted {
            // The payment was seen: nothing more to send.
            return false;
        }
        let open = self.expires_at().is_none_or(|e| now.is_none_or(|n| n < e));
        if self.order_state.awaits_payment() {
            // Past the deadline the address is withdrawn, whatever the state says.
            return open;
        }
        let delivered = self
            .deliveries
            .iter()
            .any(|d| d.deliverable.as_ref().is_some_and(|x| x.pin_code.is_some()));
        let paid = self.payment_received();
        self.order_state.is_unknown()
            && !delivered
            && !paid
            && self.expires_at().is_some_and(|e| now.is_none_or(|n| n < e))
    }

    /// The payment state says the money arrived (`PaymentReceived`, or a
    /// `…Paid` of an API that words it so).
    pub fn payment_received(&self) -> bool {
        self.payment_state
            .as_deref()
            .is_some_and(|p| p.contains("Received") || p.contains("Paid"))
    }

    /// The window to pay has closed with nothing received: expired (or failed
    /// to set up), or still waiting past its deadline (`now` known).
    pub fn lapsed_unpaid(&self, now: Option<i64>) -> bool {
        let received = self.payment_received();
        let past = match (self.expires_at(), now) {
            (Some(e), Some(n)) => n >= e,
            _ => false,
        };
        let waiting = self.order_state.awaits_payment() || self.order_state.is_unknown();
        !received
            && self.order_state != OrderState::PaymentStarted
            && (matches!(
                self.order_state,
                OrderState::Expired | OrderState::PaymentSetupFailed
            ) || (waiting && past))
    }

    /// The order with its id where the shop looks for it (`order_id`, else `id`).
    pub fn normalized(mut self) -> Order {
        if self.order_id.is_empty()
            && let Some(id) = self.other_id.take()
        {
            self.order_id = id;
        }
        self.other_id = None;
        self
    }

    /// Coin and network as the order names them: its `coin` and `network`, else
    /// its `payment_method` (`USDC-SOLANA`) read against `networks`, the network
    /// names the shop knows.
    pub fn payment_pair<'n>(
        &self,
        networks: impl IntoIterator<Item = &'n str>,
    ) -> Option<(String, String)> {
        let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        if let (Some(coin), Some(network)) = (nonempty(&self.coin), nonempty(&self.network)) {
            return Some((coin, network));
        }
        let method = nonempty(&self.payment_method)?;
        let (coin, chain) = method.split_once(['-', '_', ' '])?;
        let key = |s: &str| {
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_uppercase()
        };
        let chain = key(chain);
        let network = networks.into_iter().find(|n| {
            let n = key(n);
            !chain.is_empty() && (n == chain || n.starts_with(&chain) || chain.starts_with(&n))
        })?;
        Some((
            nonempty(&self.coin).unwrap_or_else(|| coin.to_ascii_uppercase()),
            network.to_string(),
        ))
    }

    /// What has been paid so far, when the upstream says.
    pub fn paid_amount(&self) -> Option<Amount> {
        Amount::parse(self.amount_paid.as_deref()?)
    }

    /// What is still due: as the upstream says, else the total less what was
    /// paid (when both are known and the payment falls short).
    pub fn due_amount(&self) -> Option<Amount> {
        if let Some(due) = self.amount_due.as_deref().and_then(Amount::parse) {
            return Some(due);
        }
        let total = Amount::parse(self.coin_amount.as_deref()?)?;
        total
            .checked_sub(self.paid_amount()?)
            .filter(|d| !d.is_zero())
    }

    /// True when every line of the order is a mobile top-up (credit for a
    /// number: no code to keep).
    pub fn is_all_top_ups(&self) -> bool {
        !self.deliveries.is_empty()
            && self
                .deliveries
                .iter()
                .all(|d| d.kind.as_deref() == Some("mobile_recharge"))
    }

    /// Cards in the order: each delivery's quantity (1 when not given).
    pub fn card_count(&self) -> i64 {
        self.deliveries
            .iter()
            .map(|d| d.quantity.unwrap_or(1).max(1))
            .sum()
    }

    /// How far the order got, step by step (payment, delivery, code): a step is
    /// done only when it happened. An expired, failed or canceled order was not
    /// paid unless its payment state says the money arrived; a refund means it had.
    pub fn steps(&self) -> [StepMark; 3] {
        use StepMark::{Current, Failed, Pending};
        let paid = self.payment_received();
        match &self.order_state {
            OrderState::Done => [StepMark::Done; 3],
            OrderState::PaymentReceived
            | OrderState::WaitingForDelivery
            | OrderState::WaitingForManualAction => [StepMark::Done, Current, Pending],
            OrderState::Refunded => [StepMark::Done, Failed, Pending],
            s if s.is_failure() && paid => [StepMark::Done, Failed, Pending],
            s if s.is_failure() => [Failed, Pending, Pending],
            OrderState::Other(_) if paid => [StepMark::Done, Current, Pending],
            _ => [Current, Pending, Pending],
        }
    }

    /// When the payment window closes (epoch seconds): 30 minutes from
    /// `created_at`, else the upstream's `expires_at`, else 30 minutes from when
    /// this shop received the order.
    pub fn expires_at(&self) -> Option<i64> {
        // Times may come in milliseconds.
        let secs = |t: i64| if t > 100_000_000_000 { t / 1000 } else { t };
        self.created_at
            .map(|c| secs(c) + PAYMENT_WINDOW_SECS)
            .or_else(|| self.given_expiry.map(secs))
            .or_else(|| self.shop_received_at.map(|r| secs(r) + PAYMENT_WINDOW_SECS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_deadline_the_address_is_withdrawn() {
        let order = |json: &str| serde_json::from_str::<Order>(json).expect("order");
        let waiting =
            order(r#"{"order_id":"a","order_state":"WaitingForPayment","created_at":1000}"#);
        assert!(waiting.shows_payment(Some(1000 + PAYMENT_WINDOW_SECS - 1)));
        assert!(!waiting.shows_payment(Some(1000 + PAYMENT_WINDOW_SECS)));
        assert!(waiting.shows_payment(None), "before the clock runs");
    }

    #[test]
    fn the_window_comes_from_created_at_else_expires_at_else_arrival() {
        let order = |json: &str| serde_json::from_str::<Order>(json).expect("order");
        assert_eq!(
            order(r#"{"order_id":"a","created_at":1000,"expires_at":5000}"#).expires_at(),
            Some(1000 + PAYMENT_WINDOW_SECS)
        );
        assert_eq!(
            order(r#"{"order_id":"a","expires_at":"5000000"}"#).expires_at(),
            Some(5_000_000)
        );
        assert_eq!(
            order(r#"{"order_id":"a","expires_at":5000000000000}"#).expires_at(),
            Some(5_000_000_000),
            "milliseconds"
        );
        let mut none = order(r#"{"order_id":"a"}"#);
        assert_eq!(none.expires_at(), None);
        none.shop_received_at = Some(2000);
        assert_eq!(none.expires_at(), Some(2000 + PAYMENT_WINDOW_SECS));
    }

    #[test]
    fn an_order_lapses_unpaid_only_when_nothing_arrived() {
        let order = |json: &str| serde_json::from_str::<Order>(json).expect("order");
        let at = 1000 + PAYMENT_WINDOW_SECS;
        let waiting =
            order(r#"{"order_id":"a","order_state":"WaitingForPayment","created_at":1000}"#);
        assert!(!waiting.lapsed_unpaid(Some(at - 1)));
        assert!(waiting.lapsed_unpaid(Some(at)));
        assert!(!waiting.lapsed_unpaid(None), "the browser's clock decides");
        assert!(order(r#"{"order_id":"a","order_state":"Expired"}"#).lapsed_unpaid(None));
        let seen = order(r#"{"order_id":"a","order_state":"PaymentStarted","created_at":1000}"#);
        assert!(!seen.lapsed_unpaid(Some(at)), "a payment on its way");
        let paid =
            order(r#"{"order_id":"a","order_state":"Expired","payment_state":"PaymentReceived"}"#);
        assert!(!paid.lapsed_unpaid(None));
        let done = order(r#"{"order_id":"a","order_state":"Done","created_at":1000}"#);
        assert!(!done.lapsed_unpaid(Some(at)));
    }

    #[test]
    fn a_null_state_is_read_as_no_state() {
        let o: Order = serde_json::from_str(r#"{"order_id":"a","order_state":null}"#)
            .expect("a null state must not break the order");
        assert_eq!(o.order_state, OrderState::default());
    }

    #[test]
    fn a_step_is_done_only_when_it_happened() {
        use StepMark::{Current, Failed, Pending};
        let done = StepMark::Done;
        let o = |state: &str, payment: Option<&str>| Order {
            order_id: "a".into(),
            order_state: OrderState::from(state.to_string()),
            payment_state: payment.map(str::to_string),
            ..Order::default()
        };
        assert_eq!(
            o("WaitingForPayment", None).steps(),
            [Current, Pending, Pending]
        );
        assert_eq!(
            o("PaymentStarted", None).steps(),
            [Current, Pending, Pending]
        );
        assert_eq!(
            o("Expired", None).steps(),
            [Failed, Pending, Pending],
            "nothing was paid"
        );
        assert_eq!(
            o("Expired", Some("Expired")).steps(),
            [Failed, Pending, Pending]
        );
        assert_eq!(o("PaymentFailed", None).steps(), [Failed, Pending, Pending]);
        assert_eq!(o("Canceled", None).steps(), [Failed, Pending, Pending]);
        assert_eq!(
            o("Canceled", Some("PaymentReceived")).steps(),
            [done, Failed, Pending]
        );
        assert_eq!(o("Refunded", None).steps(), [done, Failed, Pending]);
        assert_eq!(o("PaymentReceived", None).steps(), [done, Current, Pending]);
        assert_eq!(
            o("WaitingForDelivery", None).steps(),
            [done, Current, Pending]
        );
        assert_eq!(o("Done", None).steps(), [done, done, done]);
        // States the shop doesn't know: paid only when the payment state says so.
        assert_eq!(
            o("PaymentPending", None).steps(),
            [Current, Pending, Pending]
        );
        assert_eq!(
            o("Settling", Some("PaymentReceived")).steps(),
            [done, Current, Pending]
        );
        assert_eq!(
            o("", None).steps(),
            [Current, Pending, Pending],
            "no state at all"
        );
    }

    #[test]
    fn the_id_may_come_under_another_key() {
        let o = Order::from_event(r#"{"id":"ord_abc123xyz","wallet_address":"w"}"#).expect("order");
        assert_eq!(o.order_id, "ord_abc123xyz");
        let both: Order = serde_json::from_str(r#"{"order_id":"a1","id":"zz"}"#).expect("both");
        assert_eq!(both.normalized().order_id, "a1");
        assert!(
            Order::from_event(r#"{"wallet_address":"w"}"#).is_none(),
            "no id: dropped"
        );
    }

    #[test]
    fn an_unknown_state_shows_the_payment_only_while_open_and_unpaid() {
        let order = |json: &str| serde_json::from_str::<Order>(json).expect("order");
        let waiting = order(r#"{"order_id":"a","order_state":"PaymentPending","created_at":1000}"#);
        assert!(waiting.shows_payment(None), "before the clock runs");
        assert!(waiting.shows_payment(Some(1000 + 60)));
        assert!(
            !waiting.shows_payment(Some(1000 + PAYMENT_WINDOW_SECS)),
            "window closed"
        );
        let paid = order(
            r#"{"order_id":"a","order_state":"Settling","payment_state":"PaymentReceived","created_at":1000}"#,
        );
        assert!(
            !paid.shows_payment(Some(1060)),
            "never an invitation to pay twice"
        );
        let known =
            order(r#"{"order_id":"a","order_state":"WaitingForDelivery","created_at":1000}"#);
        assert!(!known.shows_payment(Some(1060)));
        let waiting_known = order(r#"{"order_id":"a","order_state":"WaitingForPayment"}"#);
        assert!(waiting_known.shows_payment(Some(1060)));
        let seen = order(r#"{"order_id":"a","order_state":"PaymentStarted","created_at":1000}"#);
        assert!(
            !seen.shows_payment(Some(1060)),
            "a seen payment: nothing more to send"
        );
        let partial =
            order(r#"{"order_id":"a","order_state":"PartialPaymentStarted","created_at":1000}"#);
        assert!(partial.shows_payment(Some(1060)), "the rest is still due");
    }

    #[test]
    fn coin_and_network_from_the_order_or_its_payment_method() {
        let nets = ["Solana", "Mainnet", "Base", "Polygon (Matic)"];
        let named: Order =
            serde_json::from_str(r#"{"order_id":"a","coin":"USDT","network":"Base"}"#).expect("o");
        assert_eq!(
            named.payment_pair(nets),
            Some(("USDT".into(), "Base".into()))
        );
        let method: Order = serde_json::from_str(
            r#"{"order_id":"a","payment_method":"USDC-POLYGON","network":null}"#,
        )
        .expect("o");
        assert_eq!(
            method.payment_pair(nets),
            Some(("USDC".into(), "Polygon (Matic)".into()))
        );
        let none: Order = serde_json::from_str(r#"{"order_id":"a"}"#).expect("o");
        assert_eq!(none.payment_pair(nets), None);
        let odd: Order =
            serde_json::from_str(r#"{"order_id":"a","payment_method":"USDC-TRON"}"#).expect("o");
        assert_eq!(
            odd.payment_pair(nets),
            None,
            "an unknown chain is not guessed"
        );
    }

    #[test]
    fn unknown_states_kept_and_terminals_known() {
        let o: Order = serde_json::from_str(
            r#"{"order_id":"ab-1","order_state":"Teleported","created_at":"1700000000"}"#,
        )
        .expect("order");
        assert_eq!(o.order_state, OrderState::Other("Teleported".into()));
        assert!(!o.order_state.is_terminal());
        assert_eq!(o.expires_at(), Some(1_700_000_000 + 1800));
        assert!(OrderState::Expired.is_failure());
        assert!(!OrderState::Done.is_failure());
    }

    #[test]
    fn cards_are_counted_by_quantity() {
        let o: Order = serde_json::from_str(
            r#"{"order_id":"a","deliveries":[{"quantity":2},{},{"quantity":null}]}"#,
        )
        .expect("order");
        assert_eq!(o.card_count(), 4);
        assert_eq!(Order::default().card_count(), 0);
    }

    #[test]
    fn events_are_validated() {
        assert!(Order::from_event(r#"{"order_id":"abc","order_state":"Done"}"#).is_some());
        assert!(Order::from_event(r#"{"order_state":"Done"}"#).is_none());
        assert!(Order::from_event(r#"{"order_id":"../x"}"#).is_none());
        assert!(Order::from_event("not json").is_none());
    }
}
