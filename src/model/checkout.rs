//! What the checkout form sends, and what pricing and validation answer.

use serde::{Deserialize, Serialize};

/// The checkout form, as posted (all text, checked on the server).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckoutForm {
    pub country: String,
    pub family: String,
    /// The face value: a fixed denomination's value or a typed custom amount.
    pub amount: String,
    /// The coin and network, as `COIN|Network` (see [`pay_value`]).
    pub pay: String,
    pub beneficiary: String,
    pub email: String,
    #[serde(default)]
    pub coupon: String,
    /// Same key, same form: one order however often it is submitted.
    #[serde(default)]
    pub idempotency_key: String,
}

/// The form value of a coin + network choice.
pub fn pay_value(coin: &str, network: &str) -> String {
    format!("{coin}|{network}")
}

/// Splits a coin + network choice.
pub fn parse_pay(value: &str) -> Option<(String, String)> {
    let (coin, network) = value.split_once('|')?;
    let ok = |s: &str| !s.is_empty() && s.len() <= 40 && !s.chars().any(char::is_control);
    (ok(coin) && ok(network)).then(|| (coin.to_string(), network.to_string()))
}

/// True for a coupon code the shop will pass on (letters, digits, `-`, `_`).
pub fn is_valid_coupon(code: &str) -> bool {
    code.len() <= 40
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// True for an idempotency key: 8–64 of `[A-Za-z0-9-]`.
pub fn is_valid_idempotency_key(key: &str) -> bool {
    (8..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The exact stablecoin price of a face value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub coin: String,
    pub network: String,
    pub coin_amount: String,
    pub face_value: String,
    pub currency: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pay_choice_round_trips() {
        let v = pay_value("USDT", "Polygon (Matic)");
        assert_eq!(
            parse_pay(&v),
            Some(("USDT".into(), "Polygon (Matic)".into()))
        );
        assert_eq!(parse_pay("USDC"), None);
        assert_eq!(parse_pay("|Solana"), None);
    }

    #[test]
    fn coupons_and_keys() {
        assert!(is_valid_coupon("WELCOME-5"));
        assert!(is_valid_coupon(""));
        assert!(!is_valid_coupon("a b"));
        assert!(is_valid_idempotency_key("0f3a9c2e-77"));
        assert!(!is_valid_idempotency_key("short"));
    }
}
