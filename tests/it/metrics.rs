//! Metrics on their own listener (`CR_METRICS_ADDR`), never on the public
//! port: what a journey moved, by route and endpoint templates, and no order
//! id, email or partner id anywhere in them.

use crate::common;

use common::{new_order, shop};

#[tokio::test]
async fn metrics_are_served_on_their_own_listener_and_move_with_an_order() {
    let s = shop(&[
        ("CR_METRICS_ADDR", "127.0.0.1:0"),
        ("CR_PARTNER_ID", "metrics-canary-partner"),
    ])
    .await;
    let at = s.running.metrics_addr.expect("a metrics listener");
    assert_ne!(at, s.running.addr);
    let (st, _) = s.get("/metrics").await;
    assert_eq!(st, 404, "never on the public port");

    let id = new_order(&s, "metrics-key-000001").await;
    let (st, _) = s.get(&format!("/orders/{id}")).await;
    assert_eq!(st, 200);
    let text = reqwest::get(format!("http://{at}/metrics"))
        .await
        .expect("scrape")
        .text()
        .await
        .expect("text");
    for family in [
        "storefront_orders_total{outcome=\"placed\"}",
        "storefront_upstream_calls_total{endpoint=\"/v5/orders\",outcome=\"ok\"}",
        "storefront_upstream_call_duration_seconds_count{endpoint=\"/v5/orders\"}",
        "storefront_http_requests_total{route=\"/api/{function}\",status=\"200\"}",
        "storefront_http_requests_total{route=\"/orders/{id}\",status=\"200\"}",
        "storefront_http_request_duration_seconds_count{route=\"/orders/{id}\"}",
        "storefront_live_streams",
        "storefront_ready 1",
        "storefront_build_info",
    ] {
        assert!(text.contains(family), "{family} missing in:\n{text}");
    }
    for secret in [
        id.as_str(),
        "buyer@example.com",
        "friend@example.com",
        "metrics-canary-partner",
    ] {
        assert!(!text.contains(secret), "{secret} in the metrics");
    }
}

#[tokio::test]
async fn no_metrics_listener_unless_asked() {
    let s = shop(&[]).await;
    assert_eq!(s.running.metrics_addr, None);
}
