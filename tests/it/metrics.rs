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
    let text = scrape(at).await;
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

/// One sample's value in a scrape (0 when the series isn't there yet).
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.split(' ').next()?.parse().ok())
        .unwrap_or(0.0)
}

async fn scrape(at: std::net::SocketAddr) -> String {
    reqwest::get(format!("http://{at}/metrics"))
        .await
        .expect("scrape")
        .text()
        .await
        .expect("text")
}

#[tokio::test]
async fn caches_limits_carts_and_the_live_view_move_their_metrics() {
    let s = shop(&[
        ("CR_METRICS_ADDR", "127.0.0.1:0"),
        ("CR_CHECK_RATE_PER_MINUTE", "1"),
        ("CR_PARTNER_QUOTA_PER_MINUTE", "600"),
    ])
    .await;
    let at = s.running.metrics_addr.expect("a metrics listener");
    // The metrics are the process's and other tests run beside: each series
    // is read before and after what should move it.
    let before = scrape(at).await;

    // A catalogue page twice: the page cache keeps it, then serves it.
    for _ in 0..2 {
        let (st, _) = s.get("/?kind=giftcard").await;
        assert_eq!(st, 200);
    }
    // Two validations on a budget of one: the second is refused.
    let (family, amount) = common::some_family(&s, "US").await;
    let validate = common::checkout(&family, &amount, "")[..7].to_vec();
    let statuses = [
        s.call("orders/validate", &validate).await.0,
        s.call("orders/validate", &validate).await.0,
    ];
    assert_eq!(statuses, [200, 429]);
    // A cart paid.
    let (jar, _, key) = common::two_card_cart(&s).await;
    let (st, paid) = common::pay_cart(&s, &jar, &key).await;
    assert_eq!(st, 200, "{paid}");
    // A live view open while its order is paid: events fan out to it.
    let id = new_order(&s, "metrics-key-000002").await;
    let stream = s.subscribe(&id).await;
    assert_eq!(stream.status(), 200);
    let during = scrape(at).await;
    s.control(&format!("/orders/{id}/pay"), serde_json::json!({}))
        .await;
    let text = common::stream_text(stream, std::time::Duration::from_secs(3)).await;
    assert!(text.contains("Paid") || text.contains("Done"), "{text}");
    let after = scrape(at).await;

    for series in [
        "storefront_cache_requests_total{cache=\"pages\",result=\"miss\"}",
        "storefront_cache_requests_total{cache=\"pages\",result=\"hit\"}",
        "storefront_cache_requests_total{cache=\"families\",result=\"miss\"}",
        "storefront_rate_limit_refusals_total{limit=\"checks\"}",
        "storefront_cart_orders_total{outcome=\"placed\"}",
        "storefront_live_fanout_delay_seconds_count",
    ] {
        assert!(
            sample(&after, series) > sample(&before, series),
            "{series} didn't move: {} then {}",
            sample(&before, series),
            sample(&after, series)
        );
    }
    assert!(
        sample(&during, "storefront_upstream_streams") >= 1.0,
        "{during}"
    );
    assert!(sample(&after, "storefront_cache_entries{cache=\"pages\"}") >= 1.0);
    assert!(sample(&after, "storefront_page_cache_bytes") > 1_000.0);
    assert_eq!(sample(&after, "storefront_partner_quota_per_minute"), 600.0);
    assert!(
        after.contains("storefront_build_info{version=\"0.1.0\",commit=\""),
        "the build names its commit"
    );
}
