//! Problems the upstream reports when validating or creating an order, in plain
//! words and tied to the form field that caused them.

use crate::i18n::td_string;
use crate::lang::Locale;
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

/// A field-level complaint: the field, and why, in the shop's terms. The view
/// puts it into the shopper's words ([`FieldIssue::message`]), so the checks
/// that find it never read the request's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldIssue {
    pub field: Field,
    pub reason: Reason,
}

impl FieldIssue {
    pub fn new(field: Field, reason: Reason) -> FieldIssue {
        FieldIssue { field, reason }
    }

    /// The issue in the shopper's words.
    pub fn message(&self, l: Locale) -> String {
        self.reason.message(l)
    }
}

/// Why a field was refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Reason {
    /// A problem the upstream reported (or a paused coin's or network's code).
    Problem(Problem),
    /// Longer than this many characters.
    TooLong(usize),
    Contact(crate::model::beneficiary::ContactError),
    Phone(crate::model::beneficiary::PhoneError),
    Amount(crate::model::money::AmountError),
    Cart(crate::model::cart::CartRefusal),
    /// The form's key is missing or malformed: the page is too old to order from.
    FormExpired,
    /// What the browser sent could not be read at all.
    Malformed,
    ChooseAmount,
    /// A typed amount that isn't one of the fixed amounts shown.
    ChooseShownAmount,
    ChoosePay,
    /// A coin and network the shop doesn't offer together.
    PairNotOffered,
    CouponCharacters,
    CartEmpty,
    /// The cart's cookie failed its signature or has expired.
    CartUnreadable,
    /// A quantity outside 1 to the most a line may hold.
    QuantityRange,
    /// The cart changed since its page was shown.
    CartChanged,
    /// A brand of the cart is no longer sold.
    BrandGone,
    /// The upstream's check of the order came back unreadable.
    CheckUnreadable,
    /// The upstream refused a request the shop made (not the shopper's input).
    SupplierRefused,
    NotAnOrderId,
    /// A QR code's text of the wrong length, or too long to draw.
    QrLength,
    QrTooLong,
}

impl Reason {
    /// The reason in the shopper's words.
    pub fn message(&self, l: Locale) -> String {
        match self {
            Reason::Problem(p) => p.message(l),
            Reason::TooLong(limit) => td_string!(l, errors.too_long, limit = *limit),
            Reason::Contact(e) => e.message(l),
            Reason::Phone(e) => e.message(l),
            Reason::Amount(e) => e.message(l),
            Reason::Cart(e) => e.message(l),
            Reason::FormExpired => td_string!(l, errors.form_expired).to_string(),
            Reason::Malformed => td_string!(l, errors.malformed).to_string(),
            Reason::ChooseAmount => td_string!(l, errors.choose_amount).to_string(),
            Reason::ChooseShownAmount => td_string!(l, errors.choose_shown_amount).to_string(),
            Reason::ChoosePay => td_string!(l, errors.choose_pay).to_string(),
            Reason::PairNotOffered => td_string!(l, errors.pair_not_offered).to_string(),
            Reason::CouponCharacters => td_string!(l, errors.coupon_characters).to_string(),
            Reason::CartEmpty => td_string!(l, errors.cart_empty).to_string(),
            Reason::CartUnreadable => td_string!(l, errors.cart_unreadable).to_string(),
            Reason::QuantityRange => td_string!(
                l,
                errors.quantity_range,
                max = crate::model::cart::MAX_QUANTITY
            ),
            Reason::CartChanged => td_string!(l, errors.cart_changed).to_string(),
            Reason::BrandGone => td_string!(l, errors.brand_gone).to_string(),
            Reason::CheckUnreadable => td_string!(l, errors.check_unreadable).to_string(),
            Reason::SupplierRefused => td_string!(l, errors.supplier_refused).to_string(),
            Reason::NotAnOrderId => td_string!(l, errors.not_an_order_id).to_string(),
            Reason::QrLength => td_string!(l, errors.qr_length).to_string(),
            Reason::QrTooLong => td_string!(l, errors.qr_too_long).to_string(),
        }
    }
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

    /// Every problem code the shop words itself (any other gets `unknown`).
    pub const KNOWN: [&'static str; 32] = [
        "AMOUNT_LESS_THEN_MINIMUM_ALLOWED",
        "MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED",
        "DAILY_SPENDING_LIMIT_EXCEEDED",
        "MONTHLY_SPENDING_LIMIT_EXCEEDED",
        "PRODUCT_COUNT_EXCEEDED",
        "MULTIPLE_LIMITED_PRODUCT_SAME_ORDER",
        "NOT_AVAILABLE_PRODUCT",
        "OUT_OF_STOCK",
        "NOT_ACTIVE",
        "INVALID_BENEFICIARY_ACCOUNT",
        "NOT_ALLOWED_PAYMENT_VIA",
        "UNSUPPORTED_PROTOCOL_COIN_COMBINATION",
        "LOGIN_REQUIRED",
        "COUPON_REQUIRES_LOGIN",
        "COUPON_NOT_FOUND",
        "COUPON_NOT_ACTIVE",
        "COUPON_ALREADY_SPENT",
        "COUPON_MAX_USAGE_REACHED",
        "COUPON_EXPIRED",
        "COUPON_BELOW_MIN_AMOUNT",
        "COUPON_NOT_VALID_FOR_USER",
        "COUPON_NOT_VALID_FOR_CATEGORY",
        "COUPON_NOT_VALID_FOR_KIND",
        "COUPON_NOT_VALID_FOR_BRAND",
        "COUPON_NOT_VALID_FOR_COUNTRY",
        "COUPON_NOT_VALID_FOR_STORE",
        "SUSPENDED_COIN",
        "SUSPENDED_NETWORK",
        "KYC_MISSING",
        "KYC_PENDING",
        "VERIFICATION_REQUIRED",
        "FULLNAME_MISSING",
    ];

    /// The problem in the shopper's words, with the upstream's details where they help.
    pub fn message(&self, l: Locale) -> String {
        let base = match self.problem.as_str() {
            "AMOUNT_LESS_THEN_MINIMUM_ALLOWED" => {
                td_string!(l, problems.amount_less_then_minimum_allowed)
            }
            "MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED" => {
                td_string!(l, problems.maximum_amount_per_order_exceeded)
            }
            "DAILY_SPENDING_LIMIT_EXCEEDED" => {
                td_string!(l, problems.daily_spending_limit_exceeded)
            }
            "MONTHLY_SPENDING_LIMIT_EXCEEDED" => {
                td_string!(l, problems.monthly_spending_limit_exceeded)
            }
            "PRODUCT_COUNT_EXCEEDED" => td_string!(l, problems.product_count_exceeded),
            "MULTIPLE_LIMITED_PRODUCT_SAME_ORDER" => {
                td_string!(l, problems.multiple_limited_product_same_order)
            }
            "NOT_AVAILABLE_PRODUCT" => td_string!(l, problems.not_available_product),
            "OUT_OF_STOCK" => td_string!(l, problems.out_of_stock),
            "NOT_ACTIVE" => td_string!(l, problems.not_active),
            "INVALID_BENEFICIARY_ACCOUNT" => td_string!(l, problems.invalid_beneficiary_account),
            "NOT_ALLOWED_PAYMENT_VIA" => td_string!(l, problems.not_allowed_payment_via),
            "UNSUPPORTED_PROTOCOL_COIN_COMBINATION" => {
                td_string!(l, problems.unsupported_protocol_coin_combination)
            }
            "LOGIN_REQUIRED" => td_string!(l, problems.login_required),
            "COUPON_REQUIRES_LOGIN" => td_string!(l, problems.coupon_requires_login),
            "COUPON_NOT_FOUND" => td_string!(l, problems.coupon_not_found),
            "COUPON_NOT_ACTIVE" => td_string!(l, problems.coupon_not_active),
            "COUPON_ALREADY_SPENT" => td_string!(l, problems.coupon_already_spent),
            "COUPON_MAX_USAGE_REACHED" => td_string!(l, problems.coupon_max_usage_reached),
            "COUPON_EXPIRED" => td_string!(l, problems.coupon_expired),
            "COUPON_BELOW_MIN_AMOUNT" => td_string!(l, problems.coupon_below_min_amount),
            "COUPON_NOT_VALID_FOR_USER" => td_string!(l, problems.coupon_not_valid_for_user),
            "COUPON_NOT_VALID_FOR_CATEGORY" => {
                td_string!(l, problems.coupon_not_valid_for_category)
            }
            "COUPON_NOT_VALID_FOR_KIND" => td_string!(l, problems.coupon_not_valid_for_kind),
            "COUPON_NOT_VALID_FOR_BRAND" => td_string!(l, problems.coupon_not_valid_for_brand),
            "COUPON_NOT_VALID_FOR_COUNTRY" => td_string!(l, problems.coupon_not_valid_for_country),
            "COUPON_NOT_VALID_FOR_STORE" => td_string!(l, problems.coupon_not_valid_for_store),
            "SUSPENDED_COIN" => td_string!(l, problems.suspended_coin),
            "SUSPENDED_NETWORK" => td_string!(l, problems.suspended_network),
            "KYC_MISSING" => td_string!(l, problems.kyc_missing),
            "KYC_PENDING" => td_string!(l, problems.kyc_pending),
            "VERIFICATION_REQUIRED" => td_string!(l, problems.verification_required),
            "FULLNAME_MISSING" => td_string!(l, problems.fullname_missing),
            _ => td_string!(l, problems.unknown),
        };
        match self.details_text(l) {
            Some(d) => format!("{base} ({d})"),
            None => base.to_string(),
        }
    }

    /// `moreDetails` as short readable text (lists joined, objects flattened).
    pub fn details_text(&self, l: Locale) -> Option<String> {
        fn flat(l: Locale, v: &serde_json::Value, out: &mut Vec<String>) {
            use serde_json::Value;
            match v {
                Value::String(s) if !s.is_empty() => out.push(s.clone()),
                Value::Number(n) => out.push(n.to_string()),
                Value::Array(items) => items.iter().for_each(|i| flat(l, i, out)),
                Value::Object(map) => {
                    let text =
                        |k: &str| map.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
                    if let (Some(coin), Some(network), 2) =
                        (text("coin"), text("network"), map.len())
                    {
                        out.push(td_string!(l, problems.coin_on_network, coin, network));
                        return;
                    }
                    let parts: Vec<String> = map
                        .values()
                        .filter_map(|x| match x {
                            Value::String(s) => Some(s.clone()),
                            Value::Number(n) => Some(n.to_string()),
                            _ => None,
                        })
                        .collect();
                    if !parts.is_empty() {
                        out.push(parts.join(" · "));
                    }
                }
                _ => {}
            }
        }
        let mut parts = Vec::new();
        flat(l, self.more_details.as_ref()?, &mut parts);
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
            p.message(Locale::en)
                .contains("USDC on Solana, USDT on Base"),
            "{}",
            p.message(Locale::en)
        );
        assert_eq!(Problem::new("COUPON_EXPIRED").field(), Field::Coupon);
        assert_eq!(
            Problem::new("INVALID_BENEFICIARY_ACCOUNT").field(),
            Field::Beneficiary
        );
        assert!(
            Problem::new("SOMETHING_NEW")
                .message(Locale::en)
                .contains("can't be placed")
        );
    }

    #[test]
    fn every_problem_code_has_its_own_words_in_every_language() {
        use crate::lang::ALL;
        for l in ALL {
            let unknown = Problem::new("SOMETHING_NEW").message(l);
            for code in Problem::KNOWN {
                let m = Problem::new(code).message(l);
                assert!(!m.is_empty() && m != unknown, "{code} in {l}: {m}");
            }
        }
        for code in Problem::KNOWN {
            let [en, tr, vi] = ALL.map(|l| Problem::new(code).message(l));
            assert!(
                en != tr && en != vi && tr != vi,
                "{code}: {en} / {tr} / {vi}"
            );
        }
    }
}
