//! The bodies the shop sends upstream, typed and named after the reference's
//! fields (`POST /v5/orders/validations`, `POST /v5/orders`). Values the catalogue
//! gave (brand name, denomination, localized denomination, product id) are echoed
//! exactly as given, never rebuilt.

use serde::Serialize;

/// The payment kind every request names: pay from the shopper's own wallet.
pub const USER_WALLET: &str = "USER_WALLET";

/// `payment` of both requests.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Payment {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub payment_via: &'static str,
    pub coin: String,
    pub network: String,
}

impl Payment {
    /// Paying `coin` on `network` from the shopper's wallet.
    pub fn via_wallet(coin: &str, network: &str) -> Payment {
        Payment {
            kind: "via",
            payment_via: USER_WALLET,
            coin: coin.to_string(),
            network: network.to_string(),
        }
    }
}

/// One line of a validation: what, where, for whom.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValidationDelivery {
    pub beneficiary_account: String,
    pub brand_name: String,
    pub country_code: String,
    /// As the catalogue spells it (`"100 USD"`), or `"range"` for a custom amount.
    pub denomination: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub localized_denomination: Option<String>,
    /// The custom amount of a range product.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_value: Option<String>,
    /// The catalogue's product id, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
}

/// `POST /v5/orders/validations`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValidationRequest {
    pub email: String,
    pub payment: Payment,
    pub deliveries: Vec<ValidationDelivery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coupon: Option<String>,
    pub lang: String,
}

/// What one order line delivers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deliverable {
    pub brand_name: String,
    pub country_code: String,
    /// As the catalogue spells it (`"100 USD"`), or `"range"` for a custom amount.
    pub denomination: String,
    pub beneficiary_account: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
}

/// One order line: kind, how many, what.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrderDelivery {
    pub kind: String,
    pub quantity: u32,
    pub deliverable: Deliverable,
}

/// `user` of an order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct User {
    pub email: String,
    pub has_accepted_newsletter: bool,
}

/// `acquisition` of an order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Acquisition {
    pub utm_source: &'static str,
}

/// `POST /v5/orders`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrderRequest {
    pub deliveries: Vec<OrderDelivery>,
    pub payment: Payment,
    pub user: User,
    pub lang: String,
    pub acquisition: Acquisition,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coupon: Option<String>,
}
