//! The dialects a client must cope with, over real HTTP: brands without a kind and
//! orders without a state (`nulls`), orders without `created_at` (`expires_at_only`)
//! or without either time (`no_times`), payment options by country (`vias_by_country`).

use crate::common;

use common::{Sb, start};
use sandbox::dialect::Dialect;
use serde_json::{Value, json};

impl Sb {
    /// A request with the partner headers and `country` as the shopper's country.
    fn partner_in(
        &self,
        method: reqwest::Method,
        path: &str,
        country: &str,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("X-Cr-Application", "test-partner")
            .header("X-Cr-Version", "1.0")
            .header("X-Country-ISO-Code", country)
            .header("Content-Type", "application/json")
    }

    async fn json_from(&self, r: reqwest::RequestBuilder) -> (u16, Value) {
        let r = r.send().await.expect("send");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

fn order_body(coin: &str, network: &str) -> Value {
    json!({
        "deliveries": [{"kind": "giftcard", "quantity": 1, "deliverable": {
            "brand_name": "Steam Wallet", "country_code": "US", "denomination": "10",
            "beneficiary_account": "buyer@example.com"}}],
        "payment": {"type": "via", "coin": coin, "network": network, "payment_via": "USER_WALLET"},
        "user": {"email": "buyer@example.com", "has_accepted_newsletter": false},
        "lang": "en",
        "acquisition": {"utm_source": "test"},
    })
}

/// The brands with `"kind": null` anywhere in an answer.
fn kindless(v: &Value, found: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if map.contains_key("brand") && map.get("kind") == Some(&Value::Null) {
                found.push(map["brand"].as_str().unwrap_or_default().to_string());
            }
            map.values().for_each(|x| kindless(x, found));
        }
        Value::Array(items) => items.iter().for_each(|x| kindless(x, found)),
        _ => {}
    }
}

#[tokio::test]
async fn every_dialect_is_named_and_can_be_set() {
    let sb = start().await;
    let names: Vec<Value> = Dialect::ALL
        .iter()
        .map(|d| serde_json::to_value(d).expect("name"))
        .collect();
    for new in [
        "extra_fields_ignored",
        "expires_at_only",
        "no_times",
        "vias_by_country",
    ] {
        assert!(names.contains(&json!(new)), "{new} in {names:?}");
    }
    let (status, answer) = sb
        .control("/control/dialect", json!({ "dialects": names }))
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer["dialects"], json!(names));
}

#[tokio::test]
async fn with_nulls_one_brand_has_no_kind_and_an_unpaid_order_no_state() {
    let sb = start().await;
    sb.dialects(&["nulls"]).await;
    for cc in ["US", "VN", "AQ"] {
        let (_, brands) = sb.get(&format!("/v2/brands?country_code={cc}")).await;
        let mut all = Vec::new();
        kindless(&brands["all_brands"], &mut all);
        assert_eq!(all.len(), 1, "{cc}: one brand in all_brands: {all:?}");
        let mut in_categories = Vec::new();
        kindless(&brands["categories"], &mut in_categories);
        assert_eq!(in_categories, all, "{cc}: the same one in categories");
        let (_, home) = sb.get(&format!("/v2/homepage?country_code={cc}")).await;
        let mut on_home = Vec::new();
        kindless(&home["sections"], &mut on_home);
        assert_eq!(on_home, all, "{cc}: the same one on the homepage");
    }
    let (status, order) = sb.post("/v5/orders", &order_body("USDC", "Solana")).await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["order_state"], Value::Null, "{order}");
    assert_eq!(order["payment_state"], "PaymentRequested");
    let id = order["order_id"].as_str().expect("id").to_string();
    let (_, fetched) = sb.get(&format!("/v5/orders/{id}")).await;
    assert_eq!(fetched["order_state"], Value::Null);
    let (_, paid) = sb
        .control(&format!("/control/orders/{id}/pay"), json!({}))
        .await;
    assert_eq!(paid["payment_state"], "PaymentReceived", "{paid}");
    let (_, fetched) = sb.get(&format!("/v5/orders/{id}")).await;
    assert!(fetched["order_state"].is_string(), "{fetched}");
    // Without the dialect, every brand has its kind and the state is said.
    sb.dialects(&[]).await;
    let (_, brands) = sb.get("/v2/brands?country_code=US").await;
    let mut none = Vec::new();
    kindless(&brands, &mut none);
    assert!(none.is_empty(), "{none:?}");
    let (_, order) = sb.post("/v5/orders", &order_body("USDC", "Solana")).await;
    assert_eq!(order["order_state"], "WaitingForPayment");
}

#[tokio::test]
async fn orders_may_come_with_expires_at_only_or_no_times() {
    let sb = start().await;
    let (_, plain) = sb.post("/v5/orders", &order_body("USDC", "Solana")).await;
    let created = plain["created_at"].as_i64().expect("created_at");
    assert_eq!(plain["expires_at"].as_i64(), Some(created + 1800));
    sb.dialects(&["expires_at_only"]).await;
    let (_, order) = sb.post("/v5/orders", &order_body("USDC", "Solana")).await;
    assert!(order.get("created_at").is_none(), "{order}");
    let expires = order["expires_at"].as_i64().expect("expires_at");
    assert!(
        (expires - created - 1800).abs() < 60,
        "{expires} vs {created}"
    );
    let id = order["order_id"].as_str().expect("id");
    let (_, fetched) = sb.get(&format!("/v5/orders/{id}")).await;
    assert!(fetched.get("created_at").is_none() && fetched["expires_at"].is_i64());
    sb.dialects(&["no_times"]).await;
    let (_, order) = sb.post("/v5/orders", &order_body("USDC", "Solana")).await;
    assert!(
        order.get("created_at").is_none() && order.get("expires_at").is_none(),
        "{order}"
    );
    // The window still runs on the sandbox's clock.
    let id = order["order_id"].as_str().expect("id").to_string();
    sb.control("/control/clock/advance", json!({"seconds": 1800}))
        .await;
    let (_, fetched) = sb.get(&format!("/v5/orders/{id}")).await;
    assert_eq!(fetched["order_state"], "Expired");
}

/// The network names offered for `coin` in an answer of `/v3/payment_vias`.
fn networks(vias: &Value, coin: &str) -> Vec<String> {
    vias[0]["currencies"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == coin))
        .and_then(|c| c["networks"].as_array())
        .map(|n| {
            n.iter()
                .filter_map(|n| n["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn with_vias_by_country_vietnam_has_no_usdt_on_polygon() {
    let sb = start().await;
    let polygon = "Polygon (Matic)".to_string();
    let vias = |cc: &'static str| {
        let r = sb.partner_in(reqwest::Method::GET, "/v3/payment_vias", cc);
        sb.json_from(r)
    };
    // Without the dialect, every country has it.
    assert!(networks(&vias("VN").await.1, "USDT").contains(&polygon));
    sb.dialects(&["vias_by_country"]).await;
    let (_, vn) = vias("VN").await;
    assert!(!networks(&vn, "USDT").contains(&polygon), "{vn}");
    assert!(networks(&vn, "USDC").contains(&polygon), "{vn}");
    assert_eq!(networks(&vn, "USDT").len(), 4);
    assert!(networks(&vias("US").await.1, "USDT").contains(&polygon));
    // Ordering the pair from Vietnam: not a combination offered there.
    let create = |cc: &'static str, coin: &'static str| {
        let r = sb
            .partner_in(reqwest::Method::POST, "/v5/orders", cc)
            .json(&order_body(coin, "Polygon (Matic)"));
        sb.json_from(r)
    };
    let (status, answer) = create("VN", "USDT").await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(
        answer["problems"][0]["problem"], "UNSUPPORTED_PROTOCOL_COIN_COMBINATION",
        "{answer}"
    );
    let listed = answer["problems"][0]["moreDetails"].to_string();
    assert!(
        !listed.contains(r#"{"coin":"USDT","network":"Polygon (Matic)"}"#),
        "{listed}"
    );
    // Elsewhere it is the suspension it always was; USDC on Polygon is fine in Vietnam.
    let (status, answer) = create("US", "USDT").await;
    assert_eq!(
        (status, &answer["detail"]),
        (422, &json!("SUSPENDED_NETWORK"))
    );
    assert_eq!(create("VN", "USDC").await.0, 201);
}
