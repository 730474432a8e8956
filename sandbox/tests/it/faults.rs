//! The sandbox's fault switches and request counts over real HTTP: latency,
//! 5xx, malformed JSON, missing fields, dropped event streams, rule scoping and
//! expiry, and per-path hit counts.

use crate::common;

use common::{Sb, start};
use futures::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

impl Sb {
    /// Adds a fault rule; answers its id.
    async fn fault(&self, rule: Value) -> u64 {
        let (status, body) = self.control("/control/faults", rule).await;
        assert!(status == 200 || status == 201, "{status} {body}");
        body["id"].as_u64().expect("rule id")
    }

    async fn new_order(&self) -> String {
        let body = json!({
            "deliveries": [{"kind": "giftcard", "quantity": 1, "deliverable": {
                "brand_name": "Steam Wallet", "country_code": "US", "denomination": "10",
                "beneficiary_account": "buyer@example.com"}}],
            "payment": {"type": "via", "coin": "USDC", "network": "Solana", "payment_via": "USER_WALLET"},
            "user": {"email": "buyer@example.com", "has_accepted_newsletter": false},
            "lang": "en",
        });
        let (_, order) = self.post("/v5/orders", &body).await;
        order["order_id"].as_str().expect("order_id").to_string()
    }
}

#[tokio::test]
async fn latency_is_added_to_matching_requests_only() {
    let sb = start().await;
    // Long enough that a loaded machine's own slowness can't pass for it.
    let latency = Duration::from_millis(2_000);
    sb.fault(json!({"match": "country_code=GB", "kind": "latency", "latency_ms": 2_000}))
        .await;
    let t = Instant::now();
    assert_eq!(sb.get("/v2/brands?country_code=GB").await.0, 200);
    assert!(t.elapsed() >= latency, "{:?}", t.elapsed());
    let t = Instant::now();
    assert_eq!(sb.get("/v2/brands?country_code=US").await.0, 200);
    assert!(t.elapsed() < latency, "{:?}", t.elapsed());
}

#[tokio::test]
async fn status_faults_expire_after_their_times() {
    let sb = start().await;
    sb.fault(json!({"match": "country_code=FR", "kind": "status", "status": 503, "times": 2}))
        .await;
    for _ in 0..2 {
        let (status, body) = sb.get("/v2/brands?country_code=FR").await;
        assert_eq!(status, 503);
        assert_eq!(body["status"], 503);
    }
    assert_eq!(sb.get("/v2/brands?country_code=FR").await.0, 200);
    assert_eq!(sb.get("/v2/brands?country_code=DE").await.0, 200);
    // The rule is gone from the list.
    let (_, rules) = sb.send(Method::GET, "/control/faults").await;
    assert_eq!(rules, json!([]));
}

#[tokio::test]
async fn malformed_json_and_missing_fields() {
    let sb = start().await;
    sb.fault(json!({"match": "/v3/payment_vias", "kind": "malformed_json"}))
        .await;
    let (status, body) = sb.get_raw("/v3/payment_vias").await;
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");

    let id = sb.new_order().await;
    sb.fault(json!({"match": id, "kind": "missing_fields"}))
        .await;
    let (status, order) = sb.get(&format!("/v5/orders/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(order["order_state"], "WaitingForPayment");
    assert!(order.get("order_id").is_none(), "{order}");
    assert!(order.get("coin_amount").is_none(), "{order}");

    sb.fault(json!({"match": "family_name=steam", "kind": "missing_fields"}))
        .await;
    let (_, family) = sb.get("/v5/products/country/US?family_name=steam").await;
    assert!(family[0].get("brand").is_none(), "{family}");
    // Other requests are untouched.
    let (_, family) = sb.get("/v5/products/country/US?family_name=roblox").await;
    assert!(family[0]["brand"].is_string());
}

#[tokio::test]
async fn event_streams_can_be_dropped_without_stop() {
    let sb = start().await;
    let id = sb.new_order().await;
    sb.fault(json!({"match": format!("{id}/subscribe"), "kind": "drop_sse", "after_events": 1, "times": 1})).await;
    let r = sb
        .partner(Method::GET, &format!("/v5/orders/{id}/subscribe"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let mut stream = r.bytes_stream();
    let mut text = String::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), stream.next()).await {
            Ok(Some(Ok(b))) => text.push_str(&String::from_utf8_lossy(&b)),
            Ok(_) => break,
            Err(_) => panic!("the stream was not dropped: {text:?}"),
        }
    }
    assert_eq!(text.matches("data:").count(), 1, "{text}");
    assert!(
        !text.contains("event: stop") && !text.contains("event:stop"),
        "{text}"
    );
}

#[tokio::test]
async fn rules_are_listed_removed_and_checked() {
    let sb = start().await;
    let a = sb
        .fault(json!({"match": "/v2/brands", "kind": "status", "status": 500}))
        .await;
    let b = sb
        .fault(json!({"match": "/v2/homepage", "kind": "latency", "latency_ms": 10}))
        .await;
    assert_ne!(a, b);
    let (_, rules) = sb.send(Method::GET, "/control/faults").await;
    let listed = rules.as_array().expect("list");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["match"], "/v2/brands");
    assert_eq!(listed[0]["kind"], "status");
    assert_eq!(sb.get("/v2/brands?country_code=US").await.0, 500);
    let (status, _) = sb
        .send(Method::DELETE, &format!("/control/faults/{a}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(sb.get("/v2/brands?country_code=US").await.0, 200);
    let (status, _) = sb.send(Method::DELETE, "/control/faults").await;
    assert_eq!(status, 200);
    let (_, rules) = sb.send(Method::GET, "/control/faults").await;
    assert_eq!(rules, json!([]));
    for bad in [
        json!({"match": "x", "kind": "explode"}),
        json!({"match": "x", "kind": "status", "status": 200}),
        json!({"kind": "latency"}),
    ] {
        let (status, _) = sb.control("/control/faults", bad.clone()).await;
        assert!((400..500).contains(&status), "{bad} gave {status}");
    }
}

#[tokio::test]
async fn stats_count_upstream_hits_per_path_and_query() {
    let sb = start().await;
    sb.get("/v2/brands?country_code=US").await;
    let (status, _) = sb.send(Method::POST, "/control/stats/reset").await;
    assert!((200..300).contains(&status));
    sb.get("/v2/brands?country_code=US").await;
    sb.get("/v2/brands?country_code=US").await;
    sb.get("/v3/payment_vias").await;
    // Refused requests and logos are not upstream hits.
    sb.http
        .get(format!("{}/v2/brands?country_code=GB", sb.base))
        .send()
        .await
        .expect("send");
    sb.http
        .get(format!("{}/logos/steam.jpg", sb.base))
        .send()
        .await
        .expect("send");
    let (_, stats) = sb.send(Method::GET, "/control/stats").await;
    let requests = &stats["requests"];
    assert_eq!(requests["/v2/brands?country_code=US"], 2, "{stats}");
    assert_eq!(requests["/v3/payment_vias"], 1, "{stats}");
    assert_eq!(requests.as_object().map(|m| m.len()), Some(2), "{stats}");
}
