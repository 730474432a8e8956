//! The shop's own values, parsed once where they come in (a form, a URL, a
//! cookie) and passed on typed to the upstream: a value of one of these types
//! has been checked, so nothing downstream checks it again.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What the shopper pays with: a coin on a network. A form carries it as one
/// value, `COIN|Network` (`USDT|Polygon (Matic)`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PayChoice {
    pub coin: String,
    pub network: String,
}

impl PayChoice {
    pub fn new(coin: &str, network: &str) -> PayChoice {
        PayChoice {
            coin: coin.to_string(),
            network: network.to_string(),
        }
    }

    /// Reads a form's `COIN|Network`: both parts present, at most 40
    /// characters each, no control characters.
    pub fn parse(value: &str) -> Option<PayChoice> {
        let (coin, network) = value.split_once('|')?;
        let ok = |s: &str| !s.is_empty() && s.len() <= 40 && !s.chars().any(char::is_control);
        (ok(coin) && ok(network)).then(|| PayChoice::new(coin, network))
    }

    /// The value a form carries (what [`PayChoice::parse`] reads back).
    pub fn form_value(&self) -> String {
        format!("{}|{}", self.coin, self.network)
    }
}

/// An order id the shop will look up or link to: 1–64 of `[A-Za-z0-9_-]`, so
/// it is safe in a path, a cookie and a log line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OrderId(String);

impl OrderId {
    pub fn parse(id: &str) -> Option<OrderId> {
        is_order_id(id).then(|| OrderId(id.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// True for what [`OrderId::parse`] takes.
pub fn is_order_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl<'de> Deserialize<'de> for OrderId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<OrderId, D::Error> {
        let s = String::deserialize(d)?;
        OrderId::parse(&s).ok_or_else(|| serde::de::Error::custom("not an order id"))
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The key that makes one order of one intent, however often its form is sent:
/// 8–64 of `[A-Za-z0-9-]` (surrounding spaces dropped).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(key: &str) -> Option<IdempotencyKey> {
        let key = key.trim();
        ((8..=64).contains(&key.len())
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then(|| IdempotencyKey(key.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for IdempotencyKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<IdempotencyKey, D::Error> {
        let s = String::deserialize(d)?;
        IdempotencyKey::parse(&s).ok_or_else(|| serde::de::Error::custom("not a checkout key"))
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pay_choice_round_trips_through_its_form_value() {
        let v = PayChoice::new("USDT", "Polygon (Matic)").form_value();
        assert_eq!(v, "USDT|Polygon (Matic)");
        assert_eq!(
            PayChoice::parse(&v),
            Some(PayChoice::new("USDT", "Polygon (Matic)"))
        );
        assert_eq!(PayChoice::parse("USDC"), None);
        assert_eq!(PayChoice::parse("|Solana"), None);
        assert_eq!(PayChoice::parse("USDC|"), None);
        assert_eq!(PayChoice::parse("USDC|Sol\nana"), None);
        assert_eq!(PayChoice::parse(&format!("USDC|{}", "x".repeat(41))), None);
    }

    #[test]
    fn order_ids_are_safe_in_paths_cookies_and_logs() {
        assert!(OrderId::parse("0b7c-19f_A").is_some());
        assert!(OrderId::parse("").is_none());
        assert!(OrderId::parse("a/b").is_none());
        assert!(
            OrderId::parse("a.b").is_none(),
            "the recent-orders cookie's separator"
        );
        assert!(OrderId::parse(&"a".repeat(64)).is_some());
        assert!(OrderId::parse(&"a".repeat(65)).is_none());
        let id: Result<OrderId, _> = serde_json::from_str(r#""../etc""#);
        assert!(id.is_err(), "deserializing checks too");
    }

    #[test]
    fn checkout_keys() {
        assert_eq!(
            IdempotencyKey::parse(" 0f3a9c2e-77 ").map(|k| k.to_string()),
            Some("0f3a9c2e-77".into())
        );
        assert!(IdempotencyKey::parse("short").is_none());
        assert!(IdempotencyKey::parse("0f3a9c2e_77").is_none());
        assert!(IdempotencyKey::parse(&"a".repeat(65)).is_none());
    }
}
