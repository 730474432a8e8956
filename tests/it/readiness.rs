//! Readiness apart from liveness: `/healthz` answers while the process does;
//! `/readyz` says 503, with its reasons, while this instance can't take orders
//! (Redis configured but not answering; the upstream failing for longer than
//! the threshold), and 200 again once it can.

use crate::common;

use common::{recording_upstream, shop};
use std::time::Duration;

async fn status_and_body(s: &common::Shop, path: &str) -> (u16, serde_json::Value) {
    let (st, body) = s.get(path).await;
    (st, serde_json::from_str(&body).unwrap_or_default())
}

#[tokio::test]
async fn a_healthy_instance_is_ready() {
    let s = shop(&[]).await;
    assert_eq!(
        status_and_body(&s, "/readyz").await,
        (200, serde_json::json!({"status": "ready"}))
    );
}

#[tokio::test]
async fn an_unreachable_redis_makes_the_instance_not_ready_but_alive() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("redis://127.0.0.1:{port}");
    let s = shop(&[
        ("CR_REDIS_URL", url.as_str()),
        (
            "CR_COOKIE_SECRET",
            "a-cookie-secret-of-at-least-32-characters",
        ),
        ("CR_REDIS_TIMEOUT_MS", "200"),
    ])
    .await;
    let (st, body) = status_and_body(&s, "/readyz").await;
    assert_eq!(st, 503, "{body}");
    assert!(
        body["reasons"].to_string().contains("shared store"),
        "{body}"
    );
    assert_eq!(s.get("/healthz").await.0, 200, "alive all the same");
}

#[tokio::test]
async fn an_upstream_failing_longer_than_the_threshold_makes_it_not_ready_until_it_answers() {
    let (upstream, seen) = recording_upstream().await;
    let s = shop(&[
        ("CR_API_URL", upstream.as_str()),
        ("CR_PARTNER_ID", "readiness-test"),
        ("CR_READY_UPSTREAM_FAILING_SECS", "1"),
    ])
    .await;
    let (st, _) = s.call("catalog/brands", &[("country", "US")]).await;
    assert_eq!(st, 503);
    assert_eq!(
        status_and_body(&s, "/readyz").await.0,
        200,
        "one failure is not an outage yet"
    );
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let _ = s.call("catalog/brands", &[("country", "FR")]).await;
    let (st, body) = status_and_body(&s, "/readyz").await;
    assert_eq!(st, 503, "{body}");
    assert!(body["reasons"].to_string().contains("upstream"), "{body}");
    assert!(seen.lock().expect("lock").len() >= 2);
}
