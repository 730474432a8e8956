//! What the checkout form sends, and what pricing and validation answer.

use crate::model::problem::Field;
use crate::model::problem::{FieldIssue, Reason};
use serde::{Deserialize, Serialize};

/// Longest accepted email and beneficiary (an email address's limit).
pub const MAX_CONTACT: usize = 254;
/// Longest coupon code.
pub const MAX_COUPON: usize = 64;
/// Longest amount choice: a product id (a UUID is 36) or an amount as typed.
pub const MAX_AMOUNT: usize = 64;
/// Longest coin + network choice.
pub const MAX_PAY: usize = 96;
/// Longest country or family.
const MAX_NAME: usize = 64;

/// One issue per field longer than its limit, checked before anything else.
pub fn length_issues(fields: &[(Field, &str, usize)]) -> Vec<FieldIssue> {
    fields
        .iter()
        .filter(|(_, value, limit)| value.chars().count() > *limit)
        .map(|(field, _, limit)| FieldIssue::new(*field, Reason::TooLong(*limit)))
        .collect()
}

/// The checkout form, as posted (all text, checked on the server): the one
/// argument of the server functions its form posts to, under the inputs' own
/// names (`#[server(flatten)]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckoutForm {
    pub country: String,
    pub family: String,
    /// The face value: a fixed denomination's value or a typed custom amount.
    pub amount: String,
    /// The coin and network, as `COIN|Network` (see [`PayChoice`](crate::model::values::PayChoice)).
    #[serde(default)]
    pub pay: String,
    pub beneficiary: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub coupon: String,
    /// Same key, same form: one order however often it is submitted.
    #[serde(default)]
    pub idempotency_key: String,
}

impl CheckoutForm {
    /// The form with its amount read as `l` writes numbers (`12,5` is `12.5`
    /// in Turkish and Vietnamese), the one spelling the checks and the
    /// upstream read; what was typed stays in `self` for a form sent back.
    pub fn amount_read_in(&self, l: crate::lang::Locale) -> CheckoutForm {
        CheckoutForm {
            amount: crate::lang::plain_decimal(l, &self.amount),
            ..self.clone()
        }
    }

    /// Every field over its length limit (the idempotency key is checked by format).
    pub fn length_issues(&self) -> Vec<FieldIssue> {
        length_issues(&[
            (Field::Order, &self.country, MAX_NAME),
            (Field::Order, &self.family, MAX_NAME),
            (Field::Amount, &self.amount, MAX_AMOUNT),
            (Field::Payment, &self.pay, MAX_PAY),
            (Field::Beneficiary, &self.beneficiary, MAX_CONTACT),
            (Field::Email, &self.email, MAX_CONTACT),
            (Field::Coupon, &self.coupon, MAX_COUPON),
        ])
    }
}

/// True for a coupon code the shop will pass on (letters, digits, `-`, `_`).
pub fn is_valid_coupon(code: &str) -> bool {
    code.len() <= MAX_COUPON
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The exact stablecoin price of a face value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub coin: String,
    pub network: String,
    pub coin_amount: String,
    pub face_value: String,
    pub currency: String,
    /// What became of a typed coupon, when the price is the upstream's
    /// validation of the whole order (none for a plain price quote).
    #[serde(default)]
    pub coupon: Option<CouponOutcome>,
}

/// A typed coupon, judged by the upstream's own numbers: applied only when the
/// validated price is below the full price of the same order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CouponOutcome {
    /// The code as sent.
    pub code: String,
    /// The order's price without a coupon, when the shop could learn it.
    pub full_price: Option<String>,
    /// The validated price is lower than `full_price`.
    pub applied: bool,
}

impl CouponOutcome {
    /// The outcome of `code` for a validated price and the full price, if known.
    pub fn judge(code: &str, validated: &str, full: Option<&str>) -> CouponOutcome {
        use crate::model::money::Amount;
        let applied = match (Amount::parse(validated), full.and_then(Amount::parse)) {
            (Some(v), Some(f)) => v < f,
            _ => false,
        };
        CouponOutcome {
            code: code.to_string(),
            full_price: full.map(str::to_string),
            applied,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coupon_is_applied_only_when_the_upstream_price_is_lower() {
        assert!(CouponOutcome::judge("WELCOME", "7.11", Some("7.90")).applied);
        assert!(!CouponOutcome::judge("WELCOME", "7.90", Some("7.90")).applied);
        assert!(
            !CouponOutcome::judge("WELCOME", "7.90", None).applied,
            "unknown: no claim"
        );
        assert!(!CouponOutcome::judge("WELCOME", "", Some("7.90")).applied);
    }

    #[test]
    fn coupons() {
        assert!(is_valid_coupon("WELCOME-5"));
        assert!(is_valid_coupon(""));
        assert!(!is_valid_coupon("a b"));
    }

    #[test]
    fn every_field_has_a_length_limit() {
        let long = "x".repeat(300);
        let form = CheckoutForm {
            beneficiary: long.clone(),
            email: long.clone(),
            coupon: long.clone(),
            amount: long.clone(),
            ..CheckoutForm::default()
        };
        let fields: Vec<Field> = form.length_issues().iter().map(|i| i.field).collect();
        assert_eq!(
            fields,
            [
                Field::Amount,
                Field::Beneficiary,
                Field::Email,
                Field::Coupon
            ]
        );
        assert!(CheckoutForm::default().length_issues().is_empty());
        // Characters, not bytes: 254 accented letters are fine.
        let accents = CheckoutForm {
            beneficiary: "é".repeat(254),
            ..CheckoutForm::default()
        };
        assert!(accents.length_issues().is_empty());
        // The amount choice may be a product id: a UUID fits.
        let product = CheckoutForm {
            amount: "0b7c19fa-2d4e-4f6a-9c1b-3e5d7f9a1b2c".into(),
            ..CheckoutForm::default()
        };
        assert!(product.length_issues().is_empty());
    }
}
