//! Control endpoints for tests and demos (no partner headers needed):
//! pay, fail or refund an order, move the clock, fault rules, suspensions, request counts.

use super::faults::Rule;
use super::orders::{ControlError, Payment};
use super::{Sandbox, amount, error};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

fn control_result(r: Result<serde_json::Value, ControlError>) -> Response {
    match r {
        Ok(o) => Json(o).into_response(),
        Err(ControlError::NotFound) => {
            error(StatusCode::NOT_FOUND, "ORDER_NOT_FOUND", "no such order")
        }
        Err(ControlError::Conflict(why)) => error(StatusCode::CONFLICT, "INVALID_STATE", &why),
    }
}

/// The fields `pay` reads from its body.
const PAY_FIELDS: [&str; 3] = ["amount", "unconfirmed", "tx"];

/// Why a `pay` body was refused (a 400): its `detail` code and explanation.
struct BadPayment(&'static str, String);

impl BadPayment {
    /// A body that is not `{"amount"?: "4.10", "unconfirmed"?: true, "tx"?: "0x…"}`.
    fn request(why: &str) -> BadPayment {
        BadPayment(
            "INVALID_REQUEST",
            format!(
                "{why}; the body is optional: {{\"amount\"?: \"4.10\", \"unconfirmed\"?: true}}"
            ),
        )
    }
}

impl IntoResponse for BadPayment {
    fn into_response(self) -> Response {
        error(StatusCode::BAD_REQUEST, self.0, &self.1)
    }
}

/// `amount` of a `pay` body: absent or null (the rest), or a positive decimal string.
fn amount_of(v: Option<&Value>) -> Result<Option<u64>, BadPayment> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => amount::parse(s)
            .map(Some)
            .map_err(|why| BadPayment("INVALID_AMOUNT", why)),
        Some(_) => Err(BadPayment(
            "INVALID_AMOUNT",
            "amount must be a string holding a positive decimal, such as \"4.10\"".into(),
        )),
    }
}

/// Reads the optional body of `pay`: none, empty, `{}`, or `{"amount", "unconfirmed", "tx"}`.
fn payment_of(body: &[u8]) -> Result<Payment, BadPayment> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Payment::default());
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| BadPayment("INVALID_JSON", format!("body is not JSON: {e}")))?;
    let Some(fields) = v.as_object() else {
        return Err(BadPayment::request("the body must be a JSON object"));
    };
    if let Some(k) = fields.keys().find(|k| !PAY_FIELDS.contains(&k.as_str())) {
        return Err(BadPayment::request(&format!("unknown field {k:?}")));
    }
    let unconfirmed = match fields.get("unconfirmed") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(BadPayment::request("unconfirmed must be true or false")),
    };
    let tx = match fields.get("tx") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) if !t.is_empty() && t.len() <= 128 => Some(t.clone()),
        Some(_) => {
            return Err(BadPayment::request(
                "tx must be a transaction id (1-128 characters)",
            ));
        }
    };
    Ok(Payment {
        amount: amount_of(fields.get("amount"))?,
        unconfirmed,
        tx,
    })
}

/// `POST /control/orders/{id}/pay {"amount"?, "unconfirmed"?, "tx"?}`: a payment,
/// in full unless `amount` says otherwise; confirmed unless `unconfirmed`; its
/// transaction shown as the order's `tx_hash` when `tx` names one. Once the total is
/// paid and confirmed, the order is delivered after the configured delay.
pub async fn pay(State(sb): State<Sandbox>, Path(id): Path<String>, body: Bytes) -> Response {
    let payment = match payment_of(&body) {
        Ok(p) => p,
        Err(bad) => return bad.into_response(),
    };
    control_result(pay_order(&sb, &id, payment))
}

/// A payment arriving for order `id` (from the control `pay` or a watched
/// chain): the order moves, and once paid in full and confirmed its cards are
/// delivered after the configured delay.
pub(crate) fn pay_order(
    sb: &Sandbox,
    id: &str,
    payment: crate::orders::Payment,
) -> Result<serde_json::Value, crate::orders::ControlError> {
    sb.inner.store.expire(sb.now());
    let result = sb.inner.store.pay(id, payment);
    let confirmed = result
        .as_ref()
        .is_ok_and(|o| o["order_state"] == "WaitingForDelivery");
    if confirmed {
        let cards = result
            .as_ref()
            .ok()
            .and_then(|o| o["deliveries"].as_array().map(Vec::len))
            .unwrap_or(0)
            .max(1);
        let (inner, delay, id) = (
            sb.inner.clone(),
            sb.inner.config.delivery_delay,
            id.to_string(),
        );
        // Card by card: card i (from 0) of n at delivery_delay × (i + 1) / n.
        tokio::spawn(async move {
            let start = tokio::time::Instant::now();
            for i in 0..cards {
                let due = delay.mul_f64((i + 1) as f64 / cards as f64);
                tokio::time::sleep_until(start + due).await;
                if !inner.store.deliver_card(&id, i) {
                    break;
                }
            }
        });
    }
    result
}

/// `POST /control/orders/{id}/refund`: the money received goes back (409 when none came).
pub async fn refund(State(sb): State<Sandbox>, Path(id): Path<String>) -> Response {
    sb.inner.store.expire(sb.now());
    control_result(sb.inner.store.refund(&id))
}

/// `POST /control/orders/{id}/fail`: the payment failed.
pub async fn fail(State(sb): State<Sandbox>, Path(id): Path<String>) -> Response {
    control_result(sb.inner.store.fail(&id))
}

#[derive(Deserialize)]
pub struct Advance {
    seconds: i64,
}

/// `POST /control/clock/advance {"seconds": n}`: moves the sandbox clock; expires orders.
pub async fn advance(State(sb): State<Sandbox>, Json(a): Json<Advance>) -> Response {
    if !(0..=365 * 86_400).contains(&a.seconds) {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_SECONDS",
            "seconds must be 0 to one year",
        );
    }
    sb.inner
        .clock_offset
        .fetch_add(a.seconds, std::sync::atomic::Ordering::SeqCst);
    let expired = sb.inner.store.expire(sb.now());
    Json(json!({"now": sb.now(), "expired": expired})).into_response()
}

/// `POST /control/faults`: adds a rule.
pub async fn add_fault(State(sb): State<Sandbox>, Json(rule): Json<Rule>) -> Response {
    match sb.inner.faults.add(rule) {
        Ok(id) => (StatusCode::CREATED, Json(json!({"id": id}))).into_response(),
        Err(why) => error(StatusCode::BAD_REQUEST, "INVALID_RULE", &why),
    }
}

/// `GET /control/faults`.
pub async fn list_faults(State(sb): State<Sandbox>) -> Response {
    Json(sb.inner.faults.list()).into_response()
}

/// `DELETE /control/faults`: clears every rule.
pub async fn clear_faults(State(sb): State<Sandbox>) -> Response {
    Json(json!({"removed": sb.inner.faults.remove(None)})).into_response()
}

/// `DELETE /control/faults/{id}`.
pub async fn remove_fault(State(sb): State<Sandbox>, Path(id): Path<u64>) -> Response {
    Json(json!({"removed": sb.inner.faults.remove(Some(id))})).into_response()
}

#[derive(Deserialize)]
pub struct Suspension {
    coin: String,
    #[serde(default)]
    network: Option<String>,
    suspended: bool,
}

/// `POST /control/suspensions {"coin", "network"?, "suspended"}`.
pub async fn suspend(State(sb): State<Sandbox>, Json(s): Json<Suspension>) -> Response {
    let key = match &s.network {
        Some(n) => format!("{}|{n}", s.coin),
        None => s.coin.clone(),
    };
    let mut set = sb
        .inner
        .suspended
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if s.suspended {
        set.insert(key);
    } else {
        set.remove(&key);
    }
    let mut list: Vec<&String> = set.iter().collect();
    list.sort();
    Json(json!({"suspended": list})).into_response()
}

/// `GET /control/stats`: requests per upstream path+query.
pub async fn stats(State(sb): State<Sandbox>) -> Response {
    let s = sb
        .inner
        .stats
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    Json(json!({"requests": s, "orders": sb.inner.store.len()})).into_response()
}

#[derive(Deserialize)]
pub struct DialectChoice {
    #[serde(default)]
    dialects: Vec<super::dialect::Dialect>,
}

/// `POST /control/dialect {"dialects": ["problems_array", …]}`: the shapes to answer
/// in (an empty list: the digest's shapes).
pub async fn set_dialect(State(sb): State<Sandbox>, Json(d): Json<DialectChoice>) -> Response {
    sb.inner.dialects.set(d.dialects);
    Json(json!({"dialects": sb.inner.dialects.list()})).into_response()
}

/// `GET /control/dialect`.
pub async fn get_dialect(State(sb): State<Sandbox>) -> Response {
    Json(json!({"dialects": sb.inner.dialects.list()})).into_response()
}

/// `POST /control/stats/reset`.
pub async fn reset_stats(State(sb): State<Sandbox>) -> Response {
    sb.inner
        .stats
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clear();
    StatusCode::NO_CONTENT.into_response()
}
