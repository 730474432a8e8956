//! Readiness apart from liveness: `/healthz` says the process answers;
//! `/readyz` says whether this instance can take orders now, for the balancer.
//! 503, with the reasons in the body, while the shared store is configured but
//! doesn't answer (no order could be placed: `AppError::OrdersPaused`), or the
//! upstream's calls have all failed for longer than
//! `CR_READY_UPSTREAM_FAILING_SECS`.

use crate::server::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Why this instance can't take orders now (none: ready).
pub async fn reasons(state: &AppState) -> Vec<String> {
    let mut why = Vec::new();
    if state.shop.store.kind() != "memory" && state.shop.store.ping().await.is_err() {
        why.push("the shared store (Redis) does not answer".to_string());
    }
    let threshold = state.shop.config.ready_upstream_failing;
    if let Some(failing) = state.shop.client.health().failing_for()
        && failing >= threshold
    {
        why.push(format!(
            "every upstream call has failed for {} s",
            failing.as_secs()
        ));
    }
    why
}

/// `GET /readyz`.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let why = reasons(&state).await;
    let (status, body) = if why.is_empty() {
        (StatusCode::OK, serde_json::json!({"status": "ready"}))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({"status": "not ready", "reasons": why}),
        )
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(body),
    )
        .into_response()
}
