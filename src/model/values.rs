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

/// One of the 233 countries the shop sells in, by its code as the catalogue
/// writes it (`US`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CountryCode(String);

impl CountryCode {
    /// The code exactly as the country list writes it (`us` is not `US`).
    pub fn parse(code: &str) -> Option<CountryCode> {
        crate::model::countries::find(code)
            .filter(|c| c.code == code)
            .map(|c| CountryCode(c.code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CountryCode, D::Error> {
        let s = String::deserialize(d)?;
        CountryCode::parse(&s).ok_or_else(|| serde::de::Error::custom("not a country code"))
    }
}

/// The shopper's email address as the checks read it (trimmed; one `@`, a
/// dotted domain), or as typed where the form already has a problem of its
/// own: the upstream is still asked about the rest, and such an order is
/// never placed (its problems refuse it first).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, crate::model::beneficiary::ContactError> {
        crate::model::beneficiary::parse_email(input).map(Email)
    }

    /// What was typed (trimmed), for a form refused on this field already.
    pub fn as_typed(input: &str) -> Email {
        Email(input.trim().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a line is delivered: an email address, or for a top-up a number in
/// E.164 that the server's check found valid in the line's country; or, as for
/// [`Email`], as typed where that check already refused it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Beneficiary(String);

impl Beneficiary {
    /// A recipient the line's check accepted (`server::shop::checks`).
    pub fn checked(value: String) -> Beneficiary {
        Beneficiary(value)
    }

    /// What was typed (trimmed), for a line refused on this field already.
    pub fn as_typed(input: &str) -> Beneficiary {
        Beneficiary(input.trim().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! display_as_str {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
display_as_str!(CountryCode, Email, Beneficiary);

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

    #[test]
    fn country_codes_are_the_lists_own() {
        assert_eq!(
            CountryCode::parse("TR").map(|c| c.to_string()),
            Some("TR".into())
        );
        assert!(
            CountryCode::parse("tr").is_none(),
            "written as the list writes it"
        );
        assert!(CountryCode::parse("XX").is_none());
        assert!(CountryCode::parse(" TR").is_none());
        let c: Result<CountryCode, _> = serde_json::from_str(r#""ZZ""#);
        assert!(c.is_err(), "deserializing checks too");
    }

    #[test]
    fn emails_are_read_once() {
        assert_eq!(
            Email::parse(" a@example.com ").map(|e| e.to_string()),
            Ok("a@example.com".into())
        );
        assert!(Email::parse("a@example").is_err());
        assert_eq!(Email::as_typed(" a@example ").as_str(), "a@example");
    }
}
