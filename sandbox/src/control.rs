//! Control endpoints for tests and demos (no partner headers needed):
//! pay or fail an order, move the clock, fault rules, suspensions, request counts.

use super::faults::Rule;
use super::orders::ControlError;
use super::{Sandbox, error};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

fn control_result(r: Result<serde_json::Value, ControlError>) -> Response {
    match r {
        Ok(o) => Json(o).into_response(),
        Err(ControlError::NotFound) => {
            error(StatusCode::NOT_FOUND, "ORDER_NOT_FOUND", "no such order")
        }
        Err(ControlError::Conflict(why)) => error(StatusCode::CONFLICT, "INVALID_STATE", &why),
    }
}

/// `POST /control/orders/{id}/pay`: paid now, delivered after the configured delay.
pub async fn pay(State(sb): State<Sandbox>, Path(id): Path<String>) -> Response {
    sb.inner.store.expire(sb.now());
    let result = sb.inner.store.pay(&id);
    if result.is_ok() {
        let (inner, delay) = (sb.inner.clone(), sb.inner.config.delivery_delay);
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            inner.store.deliver(&id);
        });
    }
    control_result(result)
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
