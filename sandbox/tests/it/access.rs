//! Who may use the partner API: only the configured `X-Cr-Application` (when one
//! is set), and at most `max_streams_per_client` open event streams per client
//! address. Over real HTTP, as a stranger on the demo storefront would call it.

use crate::common;

use common::{PARTNER_ID, Sb, json_of, start_with};
use reqwest::Method;
use sandbox::SandboxConfig;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A valid order of one 10 USD Steam Wallet card, paid in USDC on Solana.
fn order_body() -> Value {
    json!({
        "deliveries": [
            {"kind": "giftcard", "quantity": 1, "deliverable": {
                "brand_name": "Steam Wallet", "country_code": "US", "denomination": "10",
                "beneficiary_account": "buyer@example.com"}},
        ],
        "payment": {"type": "via", "coin": "USDC", "network": "Solana", "payment_via": "USER_WALLET"},
        "user": {"email": "buyer@example.com", "has_accepted_newsletter": false},
        "lang": "en",
    })
}

/// A valid validation of the same card.
fn validation_body() -> Value {
    json!({
        "email": "buyer@example.com",
        "payment": {"type": "via", "coin": "USDC", "payment_via": "USER_WALLET"},
        "deliveries": [{"beneficiary_account": "buyer@example.com", "brand_name": "Steam Wallet",
            "country_code": "US", "denomination": "10 USD"}],
        "lang": "en",
    })
}

/// Creates an order as `application`; answers its id.
async fn create_as(sb: &Sb, application: &str) -> String {
    let r = sb
        .partner_as(application, Method::POST, "/v5/orders")
        .json(&order_body())
        .send()
        .await
        .expect("send");
    let (status, order) = json_of(r).await;
    assert_eq!(status, 201, "{order}");
    order["order_id"].as_str().expect("order_id").to_string()
}

/// Every partner-API endpoint: method, path and body (`Null`: none).
fn endpoints(order_id: &str) -> Vec<(Method, String, Value)> {
    vec![
        (Method::GET, "/v3/payment_vias".into(), Value::Null),
        (Method::GET, "/v2/brands?country_code=US".into(), Value::Null),
        (Method::GET, "/v2/homepage?country_code=US".into(), Value::Null),
        (
            Method::GET,
            "/v5/products/country/US?family_name=steam-wallet&coin=USDC&lang=en".into(),
            Value::Null,
        ),
        (
            Method::GET,
            "/v4/products/price?brand_name=Steam%20Wallet&country_code=US&face_value=10&coin=USDC&network=Solana".into(),
            Value::Null,
        ),
        (Method::POST, "/v5/orders/validations".into(), validation_body()),
        (Method::POST, "/v5/orders".into(), order_body()),
        (Method::GET, format!("/v5/orders/{order_id}"), Value::Null),
        (Method::GET, format!("/v5/orders/{order_id}/subscribe"), Value::Null),
    ]
}

/// Sends one endpoint's request as `application`: status and raw body.
async fn call_as(
    sb: &Sb,
    application: &str,
    (method, path, body): &(Method, String, Value),
) -> (u16, String) {
    let mut req = sb.partner_as(application, method.clone(), path);
    if !body.is_null() {
        req = req.json(body);
    }
    let r = req.send().await.expect("send");
    let status = r.status().as_u16();
    if status == 200 && path.ends_with("/subscribe") {
        // An open stream never ends by itself: its status is enough.
        return (status, String::new());
    }
    (status, r.text().await.expect("body"))
}

#[test]
fn by_default_any_application_is_served_with_32_streams_per_client() {
    let config = SandboxConfig::default();
    assert_eq!(config.partner_id, None);
    assert_eq!(config.max_streams_per_client, 32);
}

#[tokio::test]
async fn with_a_partner_id_every_endpoint_refuses_another_application() {
    let sb = start_with(SandboxConfig {
        partner_id: Some(PARTNER_ID.into()),
        ..SandboxConfig::default()
    })
    .await;
    let id = create_as(&sb, PARTNER_ID).await;
    let near_misses = [
        "other",
        "test-partne",
        "test-partnerx",
        "TEST-PARTNER",
        "test-partner,other",
    ];
    for endpoint in endpoints(&id) {
        for application in near_misses {
            let (status, body) = call_as(&sb, application, &endpoint).await;
            assert_eq!(status, 401, "{application:?} {} {body}", endpoint.1);
            let body: Value = serde_json::from_str(&body).expect("JSON error");
            assert_eq!(body["status"], 401, "{body}");
            assert_eq!(body["detail"], "UNKNOWN_APPLICATION", "{body}");
            assert!(body["moreDetails"].is_string(), "{body}");
        }
        // The configured one is served.
        let (status, body) = call_as(&sb, PARTNER_ID, &endpoint).await;
        assert!(
            (200..300).contains(&status),
            "{} answered {status} {body}",
            endpoint.1
        );
    }
}

#[tokio::test]
async fn with_a_partner_id_missing_headers_are_still_named_as_missing() {
    let sb = start_with(SandboxConfig {
        partner_id: Some(PARTNER_ID.into()),
        ..SandboxConfig::default()
    })
    .await;
    let r = sb
        .http
        .get(format!("{}/v3/payment_vias", sb.base))
        .header("X-Cr-Version", "1.0")
        .header("X-Country-ISO-Code", "US")
        .header("Content-Type", "application/json")
        .send()
        .await
        .expect("send");
    let (status, body) = json_of(r).await;
    assert_eq!(
        (status, &body["detail"]),
        (401, &json!("MISSING_PARTNER_HEADERS"))
    );
}

#[tokio::test]
async fn without_a_partner_id_any_application_is_served() {
    let sb = start_with(SandboxConfig::default()).await;
    let id = create_as(&sb, "anyone").await;
    for endpoint in endpoints(&id) {
        let (status, body) = call_as(&sb, "someone-else", &endpoint).await;
        assert!(
            (200..300).contains(&status),
            "{} answered {status} {body}",
            endpoint.1
        );
    }
}

#[tokio::test]
async fn logos_and_control_need_no_partner_id() {
    let sb = start_with(SandboxConfig {
        partner_id: Some(PARTNER_ID.into()),
        ..SandboxConfig::default()
    })
    .await;
    let logo = sb
        .http
        .get(format!("{}/logos/steam.webp", sb.base))
        .send()
        .await
        .expect("send");
    assert_eq!(logo.status(), 200);
    let (status, stats) = sb.send(Method::GET, "/control/stats").await;
    assert_eq!(status, 200, "{stats}");
}

#[tokio::test]
async fn refused_applications_are_not_counted() {
    let sb = start_with(SandboxConfig {
        partner_id: Some(PARTNER_ID.into()),
        ..SandboxConfig::default()
    })
    .await;
    let endpoint = (
        Method::GET,
        "/v2/brands?country_code=FR".to_string(),
        Value::Null,
    );
    let (status, _) = call_as(&sb, "other", &endpoint).await;
    assert_eq!(status, 401);
    let (_, stats) = sb.send(Method::GET, "/control/stats").await;
    assert_eq!(stats["requests"], json!({}), "{stats}");
}

#[tokio::test]
async fn a_delivered_code_is_never_shown_to_another_application() {
    let sb = start_with(SandboxConfig {
        partner_id: Some("p".into()),
        delivery_delay: Duration::from_millis(50),
        ..SandboxConfig::default()
    })
    .await;
    let id = create_as(&sb, "p").await;
    let (status, _) = sb
        .control(&format!("/control/orders/{id}/pay"), json!({}))
        .await;
    assert_eq!(status, 200);
    let started = Instant::now();
    let pin = loop {
        let r = sb
            .partner_as("p", Method::GET, &format!("/v5/orders/{id}"))
            .send()
            .await
            .expect("send");
        let (_, o) = json_of(r).await;
        if o["order_state"] == "Done" {
            break o["deliveries"][0]["deliverable"]["pin_code"]
                .as_str()
                .expect("the partner sees the pin")
                .to_string();
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "never Done: {o}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    for path in [
        format!("/v5/orders/{id}"),
        format!("/v5/orders/{id}/subscribe"),
    ] {
        let r = sb
            .partner_as("other", Method::GET, &path)
            .send()
            .await
            .expect("send");
        let status = r.status().as_u16();
        let body = r.text().await.expect("body");
        assert_eq!(status, 401, "{path}: {body}");
        assert!(!body.contains("pin_code"), "{path}: {body}");
        assert!(!body.contains(&pin), "{path}: {body}");
    }
}

/// Opens an event stream on order `id` with `http`: the response, stream still open.
async fn subscribe(sb: &Sb, http: &reqwest::Client, id: &str) -> reqwest::Response {
    http.get(format!("{}/v5/orders/{id}/subscribe", sb.base))
        .header("X-Cr-Application", PARTNER_ID)
        .header("X-Cr-Version", "1.0")
        .header("X-Country-ISO-Code", "US")
        .header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .send()
        .await
        .expect("send")
}

/// Asserts the stream is refused as one too many.
async fn assert_too_many(r: reqwest::Response) {
    // Checked before the body is read: an accepted stream's body never ends.
    assert_eq!(r.status(), 429, "an extra stream was accepted");
    let (status, body) = json_of(r).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["status"], 429, "{body}");
    assert_eq!(body["detail"], "TOO_MANY_STREAMS", "{body}");
}

/// Retries a subscription until it is accepted (5 s at most: the server notices
/// a closed stream at its next write, keep-alives included).
async fn until_accepted(sb: &Sb, http: &reqwest::Client, id: &str) -> reqwest::Response {
    let started = Instant::now();
    loop {
        let r = subscribe(sb, http, id).await;
        match r.status().as_u16() {
            200 => return r,
            429 => {}
            other => panic!("subscribe answered {other}"),
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the freed place was never given back"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A sandbox allowing `cap` streams per client, with frequent keep-alives.
async fn capped(cap: usize) -> Sb {
    start_with(SandboxConfig {
        max_streams_per_client: cap,
        keep_alive: Duration::from_millis(50),
        ..SandboxConfig::default()
    })
    .await
}

#[tokio::test]
async fn a_client_holds_at_most_its_streams_and_a_closed_one_frees_its_place() {
    let sb = capped(3).await;
    let a = create_as(&sb, PARTNER_ID).await;
    let b = create_as(&sb, PARTNER_ID).await;
    // Streams of different orders count together: the cap is per client.
    let mut open = Vec::new();
    for id in [&a, &b, &a] {
        let r = subscribe(&sb, &sb.http, id).await;
        assert_eq!(r.status(), 200);
        open.push(r);
    }
    assert_too_many(subscribe(&sb, &sb.http, &b).await).await;
    // Refusals hold no place.
    assert_too_many(subscribe(&sb, &sb.http, &a).await).await;
    // The client goes away from one stream: its place is given back, and only it.
    drop(open.remove(0));
    open.push(until_accepted(&sb, &sb.http, &b).await);
    assert_too_many(subscribe(&sb, &sb.http, &a).await).await;
}

#[tokio::test]
async fn a_stream_that_ends_frees_its_place() {
    let sb = capped(1).await;
    let id = create_as(&sb, PARTNER_ID).await;
    let first = subscribe(&sb, &sb.http, &id).await;
    assert_eq!(first.status(), 200);
    assert_too_many(subscribe(&sb, &sb.http, &id).await).await;
    let (status, _) = sb
        .control(&format!("/control/orders/{id}/fail"), json!({}))
        .await;
    assert_eq!(status, 200);
    // The order is over: the stream says stop and ends.
    let rest = tokio::time::timeout(Duration::from_secs(5), first.text())
        .await
        .expect("the stream ends")
        .expect("body");
    assert!(rest.contains("event: stop"), "{rest}");
    let again = until_accepted(&sb, &sb.http, &id).await;
    assert_eq!(again.status(), 200);
}

#[tokio::test]
async fn another_client_address_has_its_own_places() {
    let sb = capped(1).await;
    let id = create_as(&sb, PARTNER_ID).await;
    let mine = subscribe(&sb, &sb.http, &id).await;
    assert_eq!(mine.status(), 200);
    assert_too_many(subscribe(&sb, &sb.http, &id).await).await;
    // 127.0.0.2 is loopback too (Linux routes all of 127/8 there).
    let elsewhere = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .expect("client");
    let theirs = subscribe(&sb, &elsewhere, &id).await;
    assert_eq!(theirs.status(), 200);
    assert_too_many(subscribe(&sb, &elsewhere, &id).await).await;
}
