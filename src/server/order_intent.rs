//! What the shopper asked for when an order was placed here, kept beside the
//! order in the shared store for a day: when it arrived (the payment window's
//! start if the upstream names no time), what became of a coupon, and the
//! details "Order again with the same details" fills the form with.

use crate::model::checkout::{CheckoutForm, CouponOutcome};
use crate::server::shared_store::SharedStore;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long an order's intent is kept.
const KEPT_FOR: Duration = Duration::from_secs(24 * 3600);

/// One line as the shopper chose it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IntentLine {
    /// The brand family's slug.
    pub family: String,
    /// The amount choice as the form sends it (a product's choice key or a typed amount).
    pub amount: String,
    pub beneficiary: String,
    pub quantity: u32,
}

/// An order's intent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderIntent {
    /// When this shop received the order (epoch seconds).
    pub received_at: i64,
    pub country: String,
    pub coin: String,
    pub network: String,
    pub email: String,
    pub lines: Vec<IntentLine>,
    /// What became of a typed coupon, judged when the order was validated.
    pub coupon: Option<CouponOutcome>,
}

impl OrderIntent {
    /// The one-card checkout form of the same details under no key (the page
    /// gives a fresh one), or `None` for a cart's order.
    pub fn checkout_form(&self) -> Option<CheckoutForm> {
        let [line] = self.lines.as_slice() else {
            return None;
        };
        Some(CheckoutForm {
            country: self.country.clone(),
            family: line.family.clone(),
            amount: line.amount.clone(),
            pay: crate::model::values::PayChoice::new(&self.coin, &self.network).form_value(),
            beneficiary: line.beneficiary.clone(),
            email: self.email.clone(),
            coupon: String::new(),
            idempotency_key: String::new(),
        })
    }
}

fn key(order_id: &str) -> String {
    format!("order:intent:{order_id}")
}

/// Keeps `intent` for order `order_id` (a store failure loses only the extras).
pub async fn keep(store: &dyn SharedStore, order_id: &str, intent: &OrderIntent) {
    if let Ok(value) = serde_json::to_string(intent) {
        let _ = store.put(&key(order_id), &value, KEPT_FOR).await;
    }
}

/// The intent of order `order_id`, if this shop placed it within a day.
pub async fn find(store: &dyn SharedStore, order_id: &str) -> Option<OrderIntent> {
    let held = store.get(&key(order_id)).await.ok()??;
    serde_json::from_str(&held).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_one_card_order_fills_the_checkout() {
        let line = IntentLine {
            family: "steam".into(),
            amount: "10".into(),
            beneficiary: "friend@example.com".into(),
            quantity: 1,
        };
        let mut intent = OrderIntent {
            received_at: 1,
            country: "US".into(),
            coin: "USDC".into(),
            network: "Solana".into(),
            email: "buyer@example.com".into(),
            lines: vec![line.clone()],
            coupon: None,
        };
        let form = intent.checkout_form().expect("a form");
        assert_eq!(
            (
                form.family.as_str(),
                form.pay.as_str(),
                form.idempotency_key.as_str()
            ),
            ("steam", "USDC|Solana", "")
        );
        intent.lines.push(line);
        assert!(intent.checkout_form().is_none());
    }
}
