//! Dialects: the alternative shapes the reference allows or leaves open, switched
//! on by `POST /control/dialect`, so that a client's tests meet each of them
//! before the real API springs one on its shoppers.

use crate::request::Reading;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::{PoisonError, RwLock};

/// One alternative shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    /// Validation answers its problems as a bare array (`[{problem}]`, 200).
    ProblemsArray,
    /// Validation answers problems with a 4xx (`400 {status, detail, problems}`).
    Problems4xx,
    /// The `stop` event carries no data.
    StopEmpty,
    /// Orders carry no `network` and `coin`, only `payment_method` (`USDC-SOLANA`).
    PaymentMethodOnly,
    /// Orders carry none of `network`, `coin`, `payment_method`.
    NoPaymentFields,
    /// The order id comes as `id` instead of `order_id`.
    IdKey,
    /// Order states the client does not know (`PaymentPending` for
    /// `WaitingForPayment`, `Settling` for `WaitingForDelivery`).
    UnknownStates,
    /// `null` in every optional field that has no value.
    Nulls,
    /// Unknown extra fields in every object.
    ExtraFields,
    /// Requests: every field not in the reference's examples is accepted and
    /// ignored (`coupon`, a validation's `payment.network` and `quantity`, an
    /// order's `localized_denomination`, `product_id`); fixed denominations in
    /// either spelling (`"100"`, `"100 USD"`) on both requests.
    ExtraFieldsIgnored,
    /// Orders carry `expires_at` and no `created_at`.
    ExpiresAtOnly,
    /// Orders carry neither `created_at` nor `expires_at`.
    NoTimes,
    /// `/v3/payment_vias` depends on `X-Country-ISO-Code`: in `VN`, USDT has no
    /// `Polygon (Matic)` (validations and orders of that pair there get
    /// `UNSUPPORTED_PROTOCOL_COIN_COMBINATION`).
    ViasByCountry,
}

impl Dialect {
    /// Every dialect, for suites that run in each.
    pub const ALL: [Dialect; 13] = [
        Dialect::ProblemsArray,
        Dialect::Problems4xx,
        Dialect::StopEmpty,
        Dialect::PaymentMethodOnly,
        Dialect::NoPaymentFields,
        Dialect::IdKey,
        Dialect::UnknownStates,
        Dialect::Nulls,
        Dialect::ExtraFields,
        Dialect::ExtraFieldsIgnored,
        Dialect::ExpiresAtOnly,
        Dialect::NoTimes,
        Dialect::ViasByCountry,
    ];
}

/// The dialects in force (none: the digest's shapes).
#[derive(Default)]
pub struct Dialects(RwLock<Vec<Dialect>>);

impl Dialects {
    /// Replaces the dialects in force.
    pub fn set(&self, list: Vec<Dialect>) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = list;
    }

    /// The dialects in force.
    pub fn list(&self) -> Vec<Dialect> {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// True when `d` is in force.
    pub fn on(&self, d: Dialect) -> bool {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&d)
    }

    /// How request bodies are read.
    pub fn reading(&self) -> Reading {
        if self.on(Dialect::ExtraFieldsIgnored) {
            Reading::IgnoreExtras
        } else {
            Reading::Strict
        }
    }

    /// The coin and network pairs not offered in `country`.
    pub fn unavailable_in(&self, country: &str) -> &'static [(&'static str, &'static str)] {
        if self.on(Dialect::ViasByCountry) {
            crate::payment::unavailable_in(country)
        } else {
            &[]
        }
    }

    /// A list of brands as the dialects in force would send it: with `nulls`,
    /// one brand (Traveller eSIM) has `"kind": null`.
    pub fn brands(&self, mut v: Value) -> Value {
        if self.on(Dialect::Nulls) {
            null_kind(&mut v);
        }
        self.finish(v)
    }

    /// An order as the dialects in force would send it.
    pub fn order(&self, order: &Value) -> Value {
        let mut o = order.clone();
        // Before the renaming below: the state waiting for payment is what is
        // null (unless `unknown_states` gives it another name: that one wins).
        if self.on(Dialect::Nulls)
            && !self.on(Dialect::UnknownStates)
            && o["order_state"] == "WaitingForPayment"
        {
            o["order_state"] = Value::Null;
        }
        if self.on(Dialect::UnknownStates)
            && let Some(state) = o.get("order_state").and_then(Value::as_str)
        {
            let renamed = match state {
                "WaitingForPayment" => Some("PaymentPending"),
                "WaitingForDelivery" => Some("Settling"),
                _ => None,
            };
            if let Some(r) = renamed {
                o["order_state"] = json!(r);
            }
        }
        if let Some(map) = o.as_object_mut() {
            if self.on(Dialect::PaymentMethodOnly) || self.on(Dialect::NoPaymentFields) {
                map.remove("network");
                map.remove("coin");
            }
            if self.on(Dialect::NoPaymentFields) {
                map.remove("payment_method");
                // The ready-made URI names the chain too: a client must not need it.
                map.remove("qr_text");
            }
            if self.on(Dialect::IdKey)
                && let Some(id) = map.remove("order_id")
            {
                map.insert("id".into(), id);
            }
            if self.on(Dialect::ExpiresAtOnly) || self.on(Dialect::NoTimes) {
                map.remove("created_at");
            }
            if self.on(Dialect::NoTimes) {
                map.remove("expires_at");
            }
        }
        self.finish(o)
    }

    /// Any answer as the dialects in force would send it (nulls, extra fields).
    pub fn finish(&self, mut v: Value) -> Value {
        if self.on(Dialect::Nulls) {
            add_nulls(&mut v);
        }
        if self.on(Dialect::ExtraFields) {
            add_extras(&mut v);
        }
        v
    }
}

/// Optional fields a real answer may send as `null`.
const NULLABLE: [&str; 8] = [
    "qr_text",
    "localized_denomination",
    "logo_base_url",
    "moreDetails",
    "pin_serial",
    "redeem_instructions",
    "default_denomination",
    "coupon",
];

fn add_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for key in NULLABLE {
                let empty = match map.get(key) {
                    None => true,
                    Some(Value::String(s)) => s.is_empty(),
                    Some(_) => false,
                };
                if empty {
                    map.insert(key.to_string(), Value::Null);
                }
            }
            map.values_mut().for_each(add_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(add_nulls),
        _ => {}
    }
}

/// The family whose brand has `"kind": null` in brand lists (`nulls`).
pub const NULL_KIND_FAMILY: &str = "traveller-esim";

fn null_kind(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.get("family").and_then(Value::as_str) == Some(NULL_KIND_FAMILY)
                && map.contains_key("brand")
            {
                map.insert("kind".into(), Value::Null);
            }
            map.values_mut().for_each(null_kind);
        }
        Value::Array(items) => items.iter_mut().for_each(null_kind),
        _ => {}
    }
}

fn add_extras(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.values_mut().for_each(add_extras);
            map.insert("x_trace".into(), json!({"span": "7f3a", "n": [1, 2]}));
            map.insert("new_feature_flag".into(), json!(true));
        }
        Value::Array(items) => items.iter_mut().for_each(add_extras),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_change_shape_per_dialect() {
        let d = Dialects::default();
        let order = json!({"order_id": "a1", "order_state": "WaitingForPayment",
            "coin": "USDC", "network": "Solana", "payment_method": "USDC-SOLANA", "qr_text": "solana:x"});
        assert_eq!(d.order(&order), order, "no dialect: unchanged");
        d.set(vec![
            Dialect::IdKey,
            Dialect::PaymentMethodOnly,
            Dialect::UnknownStates,
        ]);
        let o = d.order(&order);
        assert_eq!(o["id"], "a1");
        assert!(o.get("order_id").is_none() && o.get("network").is_none());
        assert_eq!(o["payment_method"], "USDC-SOLANA");
        assert_eq!(o["order_state"], "PaymentPending");
        d.set(vec![
            Dialect::NoPaymentFields,
            Dialect::Nulls,
            Dialect::ExtraFields,
        ]);
        let o = d.order(&order);
        assert!(o.get("payment_method").is_none());
        assert_eq!(o["qr_text"], Value::Null);
        assert_eq!(o["new_feature_flag"], true);
    }
}
