//! The bodies the shop sends upstream, typed and named after the reference's
//! fields (`POST /v5/orders/validations`, `POST /v5/orders`), each in exactly the
//! shape of its reference example: a field the examples don't show is sent only
//! where the README names it as a guess (`coupon`, a range's `product_value`).
//! Values the catalogue gave (brand name, denomination, localized denomination)
//! are echoed exactly as given, never rebuilt.

use crate::model::prepared::PreparedOrder;
use serde::Serialize;

/// The payment kind every request names: pay from the shopper's own wallet.
pub const USER_WALLET: &str = "USER_WALLET";

/// `payment` of a validation, as the reference's example: no network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValidationPayment {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub payment_via: &'static str,
    pub coin: String,
}

impl ValidationPayment {
    /// Paying `coin` from the shopper's wallet.
    pub fn via_wallet(coin: &str) -> ValidationPayment {
        ValidationPayment {
            kind: "via",
            payment_via: USER_WALLET,
            coin: coin.to_string(),
        }
    }
}

/// `payment` of an order, as the reference's example: coin and network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Payment {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub coin: String,
    pub network: String,
    pub payment_via: &'static str,
}

impl Payment {
    /// Paying `coin` on `network` from the shopper's wallet.
    pub fn via_wallet(coin: &str, network: &str) -> Payment {
        Payment {
            kind: "via",
            coin: coin.to_string(),
            network: network.to_string(),
            payment_via: USER_WALLET,
        }
    }
}

/// One line of a validation: what, where, for whom (the reference's five fields).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValidationDelivery {
    pub beneficiary_account: String,
    pub brand_name: String,
    pub country_code: String,
    /// As the catalogue spells it (`"100 USD"`), or `"range"` for a custom amount.
    pub denomination: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub localized_denomination: Option<String>,
    /// The custom amount of a range product (a guess: the reference shows no
    /// range example; see the README).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_value: Option<String>,
}

/// `POST /v5/orders/validations`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValidationRequest {
    pub email: String,
    pub payment: ValidationPayment,
    pub deliveries: Vec<ValidationDelivery>,
    pub lang: String,
    /// Only when the shopper typed one. A guess: the reference names coupon
    /// problems but no field (see the README).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coupon: Option<String>,
}

/// What one order line delivers (the reference's four fields).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deliverable {
    pub brand_name: String,
    pub country_code: String,
    /// The bare face value (`"100"`), as the reference's example, or `"range"`
    /// for a custom amount.
    pub denomination: String,
    pub beneficiary_account: String,
    /// The custom amount of a range product (a guess, as for validations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_value: Option<String>,
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
    /// Only when the shopper typed one (a guess, as for validations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coupon: Option<String>,
}

impl ValidationRequest {
    /// The validation of an order, in `lang` (the reference's language code).
    /// The reference's validation deliveries have no quantity: a line of several
    /// cards is asked about as that many deliveries.
    pub fn of(o: &PreparedOrder, lang: &str) -> ValidationRequest {
        let deliveries = o
            .lines
            .iter()
            .flat_map(|l| {
                let d = ValidationDelivery {
                    beneficiary_account: l.beneficiary.to_string(),
                    brand_name: l.brand_name.clone(),
                    country_code: o.country.to_string(),
                    denomination: l.denomination.clone(),
                    localized_denomination: l.localized.clone(),
                    product_value: l.is_range.then(|| l.face_value.to_string()),
                };
                std::iter::repeat_n(d, l.quantity.max(1) as usize)
            })
            .collect();
        ValidationRequest {
            email: o.email.to_string(),
            payment: ValidationPayment::via_wallet(&o.pay.coin),
            deliveries,
            lang: lang.to_string(),
            coupon: o.coupon.clone(),
        }
    }
}

impl OrderRequest {
    /// The creation of an order, in `lang` (the reference's language code).
    pub fn of(o: &PreparedOrder, lang: &str) -> OrderRequest {
        OrderRequest {
            deliveries: o
                .lines
                .iter()
                .map(|l| OrderDelivery {
                    kind: l.kind.as_str().to_string(),
                    quantity: l.quantity.max(1),
                    deliverable: Deliverable {
                        brand_name: l.brand_name.clone(),
                        country_code: o.country.to_string(),
                        // The reference's create names the face value bare (`"100"`).
                        denomination: if l.is_range {
                            l.denomination.clone()
                        } else {
                            l.face_value.to_string()
                        },
                        beneficiary_account: l.beneficiary.to_string(),
                        product_value: l.is_range.then(|| l.face_value.to_string()),
                    },
                })
                .collect(),
            payment: Payment::via_wallet(&o.pay.coin, &o.pay.network),
            user: User {
                email: o.email.to_string(),
                has_accepted_newsletter: false,
            },
            lang: lang.to_string(),
            acquisition: Acquisition {
                utm_source: "storefront",
            },
            coupon: o.coupon.clone(),
        }
    }
}
