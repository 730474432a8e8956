//! Orders: what the shopper pays, where, and what is delivered.

use crate::model::lenient;
use serde::{Deserialize, Serialize};

/// The payment window of every order, in seconds.
pub const PAYMENT_WINDOW_SECS: i64 = 30 * 60;

/// Where an order is in its life. Unknown states are kept, not refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
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

/// The three steps of the timeline a shopper sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Payment,
    Delivery,
    Done,
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

    /// Which timeline step the state belongs to.
    pub fn step(&self) -> Step {
        use OrderState::*;
        match self {
            Created | WaitingForPayment | PaymentStarted | PartialPaymentStarted => Step::Payment,
            Done => Step::Done,
            _ => Step::Delivery,
        }
    }

    /// The state in plain words.
    pub fn describe(&self) -> &str {
        use OrderState::*;
        match self {
            Created | WaitingForPayment => "Waiting for your payment",
            PaymentStarted => "Payment seen, waiting for confirmations",
            PartialPaymentStarted => "Part of the payment arrived; the full amount is still due",
            PaymentReceived => "Payment received",
            WaitingForDelivery => "Payment received, preparing your code",
            WaitingForManualAction => "Payment received, our team is checking the order",
            Done => "Delivered",
            Expired => "Expired: the 30-minute payment window ended before a payment arrived",
            PaymentFailed => "The payment failed",
            PaymentSetupFailed => "The payment could not be set up",
            Refunded => "Refunded",
            Canceled => "Canceled",
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
    #[serde(default)]
    pub deliverable: Option<Deliverable>,
}

/// An order as the upstream reports it (creation answer, GET and SSE events).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Order {
    #[serde(deserialize_with = "lenient::string")]
    pub order_id: String,
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
    #[serde(default, deserialize_with = "lenient::list")]
    pub deliveries: Vec<Delivery>,
}

impl Order {
    /// Parses an order pushed by the live view; `None` for anything that is not
    /// an order (no id), so invalid events are dropped.
    pub fn from_event(data: &str) -> Option<Order> {
        serde_json::from_str::<Order>(data)
            .ok()
            .filter(|o| is_valid_order_id(&o.order_id))
    }

    /// When the payment window closes (epoch seconds), if the creation time is known.
    pub fn expires_at(&self) -> Option<i64> {
        self.created_at.map(|c| {
            // created_at may be in milliseconds.
            let secs = if c > 100_000_000_000 { c / 1000 } else { c };
            secs + PAYMENT_WINDOW_SECS
        })
    }
}

/// True for an order id the shop will look up: 1–64 of `[A-Za-z0-9_-]`.
pub fn is_valid_order_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(OrderState::WaitingForDelivery.step(), Step::Delivery);
    }

    #[test]
    fn events_are_validated() {
        assert!(Order::from_event(r#"{"order_id":"abc","order_state":"Done"}"#).is_some());
        assert!(Order::from_event(r#"{"order_state":"Done"}"#).is_none());
        assert!(Order::from_event(r#"{"order_id":"../x"}"#).is_none());
        assert!(Order::from_event("not json").is_none());
    }

    #[test]
    fn order_ids() {
        assert!(is_valid_order_id("0b7c-19f_A"));
        assert!(!is_valid_order_id(""));
        assert!(!is_valid_order_id("a/b"));
        assert!(!is_valid_order_id(&"a".repeat(65)));
    }
}
