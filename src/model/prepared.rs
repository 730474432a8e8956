//! An order that passed the shop's own checks: each line in the catalogue's
//! own terms (its brand name, denomination and product id, echoed upstream as
//! given), the payment choice and contacts read. The upstream's request bodies
//! are built from it (`server::upstream::requests`).

use crate::model::catalog::Kind;
use crate::model::money::Amount;
use crate::model::values::{Beneficiary, CountryCode, Email, PayChoice};

/// One line of an order that passed its local checks, ready for the upstream.
#[derive(Clone, Debug)]
pub struct PreparedLine {
    /// The brand family's slug and the amount choice, as the form sent them.
    pub family: String,
    pub amount: String,
    pub brand_name: String,
    pub kind: Kind,
    pub face_value: Amount,
    pub currency: String,
    /// The catalogue's own spelling (`"100 USD"`), or `"range"` for a custom amount.
    pub denomination: String,
    /// The catalogue's `localized_denomination`, when it gave one.
    pub localized: Option<String>,
    /// The catalogue's product id, when it gave one.
    pub product_id: Option<String>,
    pub is_range: bool,
    pub beneficiary: Beneficiary,
    /// Cards of this line (1 for the one-card checkout).
    pub quantity: u32,
}

/// An order (one card from the checkout, or a cart's lines) ready for the upstream.
#[derive(Clone, Debug)]
pub struct PreparedOrder {
    pub country: CountryCode,
    pub lines: Vec<PreparedLine>,
    pub pay: PayChoice,
    pub email: Email,
    pub coupon: Option<String>,
}
