//! Local checks of checkout input, before any upstream call: the country, the
//! amount against the family's products, the coin and network, the recipient,
//! the idempotency key; and where a problem belongs in a cart.

use crate::error::AppError;
use crate::model::beneficiary::parse_beneficiary;
use crate::model::catalog::{Kind, ProductFamily};
use crate::model::money::Amount;
use crate::model::payment::PayOption;
use crate::model::problem::{Field, FieldIssue, Problem, Reason};
use crate::model::values::{Beneficiary, CountryCode, IdempotencyKey, PayChoice};
use crate::server::phone::parse_top_up_number;

/// Problems that belong to one line of a cart rather than to the whole order.
pub(super) fn is_line_problem(p: &Problem) -> bool {
    matches!(p.field(), Field::Amount | Field::Beneficiary)
        || matches!(
            p.problem.as_str(),
            "PRODUCT_COUNT_EXCEEDED" | "MULTIPLE_LIMITED_PRODUCT_SAME_ORDER" | "LOGIN_REQUIRED"
        )
}

/// A local issue of a cart's line `index`: the line's field, whatever the checkout's.
pub(super) fn on_line(index: usize, mut issue: FieldIssue) -> FieldIssue {
    if matches!(
        issue.field,
        Field::Amount | Field::Beneficiary | Field::Order
    ) {
        issue.field = Field::Item(u8::try_from(index).unwrap_or(u8::MAX));
    }
    issue
}

/// The idempotency key of a form, checked.
pub(super) fn checked_key(key: &str) -> Result<IdempotencyKey, AppError> {
    IdempotencyKey::parse(key).ok_or_else(|| AppError::invalid(Field::Order, Reason::FormExpired))
}

pub(super) fn issue(field: Field, reason: Reason) -> FieldIssue {
    FieldIssue::new(field, reason)
}

/// A beneficiary for the product kind: a top-up number valid for its country
/// (libphonenumber, E.164 out), else an email address.
pub(super) fn check_beneficiary(
    kind: &Kind,
    input: &str,
    country: &str,
) -> Result<Beneficiary, Reason> {
    match kind {
        Kind::MobileRecharge => parse_top_up_number(input, country).map_err(Reason::Phone),
        _ => parse_beneficiary(kind, input).map_err(Reason::Contact),
    }
    .map(Beneficiary::checked)
}

/// Refuses a country outside the 233 before any upstream call.
pub fn check_country(cc: &str) -> Result<CountryCode, AppError> {
    CountryCode::parse(cc).ok_or(AppError::NotFound(crate::error::Missing::Country))
}

/// The product a checkout's amount names.
pub(super) struct Picked {
    pub(super) face: Amount,
    pub(super) currency: String,
    pub(super) denomination: String,
    pub(super) localized: Option<String>,
    pub(super) product_id: Option<String>,
    pub(super) is_range: bool,
}

/// Matches the amount choice to a fixed product (by its choice key: product id,
/// else face value) or to the family's range. What the catalogue spelled is kept
/// as it was, to be echoed upstream.
pub(super) fn pick_amount(
    fam: &ProductFamily,
    input: &str,
    issues: &mut Vec<FieldIssue>,
) -> Option<Picked> {
    // Plain decimals (`12.5`, `1,000.5`): the functions that take what a
    // shopper typed read it in their language first (`lang::plain_decimal`).
    let input = input.trim();
    let fixed = fam.fixed_products();
    let chosen = fixed
        .iter()
        .find(|p| !input.is_empty() && p.choice() == input)
        .or_else(|| {
            let wanted = Amount::parse(input)?;
            fixed.iter().find(|p| p.fixed_value() == Some(wanted))
        });
    if let Some(p) = chosen
        && let Some(face) = p.fixed_value()
    {
        let currency = p.currency();
        return Some(Picked {
            face,
            denomination: if p.denomination.trim().is_empty() {
                format!("{face} {currency}")
            } else {
                p.denomination.clone()
            },
            currency,
            localized: p.localized_denomination.clone().filter(|l| !l.is_empty()),
            product_id: Some(p.product_id.clone()).filter(|id| !id.is_empty()),
            is_range: false,
        });
    }
    match fam.range_product() {
        Some(p) => {
            let rule = p.amount_rule()?;
            match rule.check(input) {
                Ok(a) => Some(Picked {
                    face: a,
                    currency: rule.currency.clone(),
                    denomination: "range".to_string(),
                    localized: None,
                    product_id: Some(p.product_id.clone()).filter(|id| !id.is_empty()),
                    is_range: true,
                }),
                Err(e) => {
                    issues.push(issue(Field::Amount, Reason::Amount(e)));
                    None
                }
            }
        }
        None => {
            let reason = if input.is_empty() {
                Reason::ChooseAmount
            } else {
                Reason::ChooseShownAmount
            };
            issues.push(issue(Field::Amount, reason));
            None
        }
    }
}

/// Matches a coin + network choice to an open payment option.
pub(super) fn pick_pay(
    options: &[PayOption],
    value: &str,
    issues: &mut Vec<FieldIssue>,
) -> Option<PayChoice> {
    let Some(choice) = PayChoice::parse(value) else {
        issues.push(issue(Field::Payment, Reason::ChoosePay));
        return None;
    };
    match options
        .iter()
        .find(|o| o.coin == choice.coin && o.network == choice.network)
    {
        None => {
            issues.push(issue(Field::Payment, Reason::PairNotOffered));
            None
        }
        Some(o) if o.suspended => {
            issues.push(issue(
                Field::Payment,
                Reason::Problem(Problem::new(o.suspension())),
            ));
            None
        }
        Some(_) => Some(choice),
    }
}
