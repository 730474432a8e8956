//! Problems the upstream reports when validating or creating an order, in plain
//! words and tied to the form field that caused them.

use crate::model::lenient;
use serde::{Deserialize, Serialize};

/// One problem as the upstream sends it: `{problem, moreDetails?}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(deserialize_with = "lenient::string")]
    pub problem: String,
    #[serde(
        default,
        rename = "moreDetails",
        skip_serializing_if = "Option::is_none"
    )]
    pub more_details: Option<serde_json::Value>,
}

/// The checkout field a problem belongs to, so it is shown next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Amount,
    Beneficiary,
    Email,
    Coupon,
    Payment,
    Order,
    /// A line of the cart, by its position.
    Item(u8),
}

impl Field {
    /// The fields of a brand page's checkout, in the order they appear.
    pub const CHECKOUT: [Field; 6] = [
        Field::Amount,
        Field::Payment,
        Field::Beneficiary,
        Field::Email,
        Field::Coupon,
        Field::Order,
    ];

    /// The id of the element that holds this field's messages (what the
    /// inputs' `aria-describedby` name, and what islands swap).
    pub fn error_id(self) -> String {
        match self {
            Field::Amount => "amount-error".into(),
            Field::Beneficiary => "beneficiary-error".into(),
            Field::Email => "email-error".into(),
            Field::Coupon => "coupon-error".into(),
            Field::Payment => "pay-error".into(),
            Field::Order => "order-error".into(),
            Field::Item(i) => format!("line-{i}-error"),
        }
    }
}

impl Problem {
    /// A problem with no details (used for checks done before the upstream).
    pub fn new(code: &str) -> Problem {
        Problem {
            problem: code.to_string(),
            more_details: None,
        }
    }

    /// Which field the problem is about.
    pub fn field(&self) -> Field {
        let p = self.problem.as_str();
        match p {
            "AMOUNT_LESS_THEN_MINIMUM_ALLOWED"
            | "MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED"
            | "NOT_AVAILABLE_PRODUCT"
            | "OUT_OF_STOCK"
            | "NOT_ACTIVE" => Field::Amount,
            "INVALID_BENEFICIARY_ACCOUNT" => Field::Beneficiary,
            "NOT_ALLOWED_PAYMENT_VIA"
            | "UNSUPPORTED_PROTOCOL_COIN_COMBINATION"
            | "SUSPENDED_COIN"
            | "SUSPENDED_NETWORK" => Field::Payment,
            "COUPON_REQUIRES_LOGIN" => Field::Coupon,
            _ if p.starts_with("COUPON_") => Field::Coupon,
            "DAILY_SPENDING_LIMIT_EXCEEDED"
            | "MONTHLY_SPENDING_LIMIT_EXCEEDED"
            | "LOGIN_REQUIRED"
            | "KYC_MISSING"
            | "KYC_PENDING"
            | "VERIFICATION_REQUIRED"
            | "FULLNAME_MISSING" => Field::Email,
            _ => Field::Order,
        }
    }

    /// The problem in plain words, with the upstream's details where they help.
    pub fn message(&self) -> String {
        let base = match self.problem.as_str() {
            "AMOUNT_LESS_THEN_MINIMUM_ALLOWED" => {
                "This amount is below the minimum we can process. Choose a larger amount."
            }
            "MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED" => {
                "This amount is above the maximum for one order. Choose a smaller amount."
            }
            "DAILY_SPENDING_LIMIT_EXCEEDED" => {
                "This email has reached its daily spending limit. Try again tomorrow or choose a smaller amount."
            }
            "MONTHLY_SPENDING_LIMIT_EXCEEDED" => {
                "This email has reached its monthly spending limit."
            }
            "PRODUCT_COUNT_EXCEEDED" => "The order has more products than one order allows.",
            "MULTIPLE_LIMITED_PRODUCT_SAME_ORDER" => {
                "Only one of these limited products can be in an order."
            }
            "NOT_AVAILABLE_PRODUCT" => {
                "This product is no longer available. Choose another amount or brand."
            }
            "OUT_OF_STOCK" => {
                "This product is out of stock right now. Choose another amount or brand."
            }
            "NOT_ACTIVE" => "This product is paused for now. Choose another brand.",
            "INVALID_BENEFICIARY_ACCOUNT" => {
                "We can't deliver to this recipient. Check the email or phone number."
            }
            "NOT_ALLOWED_PAYMENT_VIA" => "This way of paying is not allowed for this order.",
            "UNSUPPORTED_PROTOCOL_COIN_COMBINATION" => {
                "This coin can't be paid on this network. Choose another coin or network."
            }
            "LOGIN_REQUIRED" => {
                "This product needs a Cryptorefills account. Choose another product."
            }
            "COUPON_REQUIRES_LOGIN" => {
                "This coupon needs a Cryptorefills account. Remove it to continue."
            }
            "COUPON_NOT_FOUND" => {
                "We don't know this coupon code. Check it or leave the field empty."
            }
            "COUPON_NOT_ACTIVE" => "This coupon is not active yet.",
            "COUPON_ALREADY_SPENT" => "This coupon has already been used.",
            "COUPON_MAX_USAGE_REACHED" => "This coupon has reached its usage limit.",
            "COUPON_EXPIRED" => "This coupon has expired.",
            "COUPON_BELOW_MIN_AMOUNT" => "The order is below this coupon's minimum amount.",
            "COUPON_NOT_VALID_FOR_USER" => "This coupon is not valid for this email.",
            "COUPON_NOT_VALID_FOR_CATEGORY" => "This coupon is not valid for this category.",
            "COUPON_NOT_VALID_FOR_KIND" => "This coupon is not valid for this kind of product.",
            "COUPON_NOT_VALID_FOR_BRAND" => "This coupon is not valid for this brand.",
            "COUPON_NOT_VALID_FOR_COUNTRY" => "This coupon is not valid in this country.",
            "COUPON_NOT_VALID_FOR_STORE" => "This coupon is not valid in this store.",
            "SUSPENDED_COIN" => "Payments in this coin are paused right now. Choose another coin.",
            "SUSPENDED_NETWORK" => {
                "Payments on this network are paused right now. Choose another network."
            }
            "KYC_MISSING" => "This purchase needs an identity check on Cryptorefills first.",
            "KYC_PENDING" => "Your identity check is still pending; try again when it is approved.",
            "VERIFICATION_REQUIRED" => "This purchase needs account verification first.",
            "FULLNAME_MISSING" => {
                "This purchase needs your full name on your Cryptorefills account."
            }
            _ => "The order can't be placed as it is. Check the details and try again.",
        };
        match self.details_text() {
            Some(d) => format!("{base} ({d})"),
            None => base.to_string(),
        }
    }

    /// `moreDetails` as short readable text (lists joined, objects flattened).
    pub fn details_text(&self) -> Option<String> {
        fn flat(v: &serde_json::Value, out: &mut Vec<String>) {
            use serde_json::Value;
            match v {
                Value::String(s) if !s.is_empty() => out.push(s.clone()),
                Value::Number(n) => out.push(n.to_string()),
                Value::Array(items) => items.iter().for_each(|i| flat(i, out)),
                Value::Object(map) => {
                    let parts: Vec<String> = map
                        .values()
                        .filter_map(|x| match x {
                            Value::String(s) => Some(s.clone()),
                            Value::Number(n) => Some(n.to_string()),
                            _ => None,
                        })
                        .collect();
                    if !parts.is_empty() {
                        out.push(parts.join(" on "));
                    }
                }
                _ => {}
            }
        }
        let mut parts = Vec::new();
        flat(self.more_details.as_ref()?, &mut parts);
        parts.truncate(12);
        let text = parts.join(", ");
        (!text.is_empty() && text.len() <= 300).then_some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_words_and_fields() {
        let p: Problem = serde_json::from_value(json!({
            "problem": "UNSUPPORTED_PROTOCOL_COIN_COMBINATION",
            "moreDetails": [{"coin": "USDC", "network": "Solana"}, {"coin": "USDT", "network": "Base"}]
        }))
        .expect("problem");
        assert_eq!(p.field(), Field::Payment);
        assert!(
            p.message().contains("USDC on Solana, USDT on Base"),
            "{}",
            p.message()
        );
        assert_eq!(Problem::new("COUPON_EXPIRED").field(), Field::Coupon);
        assert_eq!(
            Problem::new("INVALID_BENEFICIARY_ACCOUNT").field(),
            Field::Beneficiary
        );
        assert!(
            Problem::new("SOMETHING_NEW")
                .message()
                .contains("can't be placed")
        );
    }
}
