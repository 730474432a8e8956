//! Starts the whole storefront (with its embedded sandbox) on a free loopback port
//! and speaks HTTP to it, as a browser would.
#![allow(dead_code)]

pub mod redis;

use leptos::config::LeptosOptions;
use serde_json::Value;
use std::collections::HashMap;
use storefront::server::config::Config;
use storefront::server::run::{Running, start};

/// The sandbox control token every test shop uses (unless a test sets its own).
pub const CONTROL_TOKEN: &str = "test-control-token";

/// A running storefront and an HTTP client for it.
pub struct Shop {
    pub running: Running,
    pub base: String,
    pub http: reqwest::Client,
}

impl Drop for Shop {
    fn drop(&mut self) {
        self.running.shutdown.cancel();
    }
}

/// Starts a storefront with the given environment (sandbox unless CR_API_URL is set).
pub async fn shop(env: &[(&str, &str)]) -> Shop {
    shop_at(env, "target/site").await
}

/// Like [`shop`], serving static files from `site_root`.
pub async fn shop_at(env: &[(&str, &str)], site_root: &str) -> Shop {
    // `TEST_LOG=warn` (a tracing filter) shows the servers' logs of a failing test.
    if let Ok(filter) = std::env::var("TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    }
    let mut map: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    map.entry("CR_SANDBOX_DELIVERY_DELAY_MS".into())
        .or_insert_with(|| "150".into());
    map.entry("CR_ORDER_RATE_PER_MINUTE".into())
        .or_insert_with(|| "10000".into());
    map.entry("CR_CHECK_RATE_PER_MINUTE".into())
        .or_insert_with(|| "10000".into());
    map.entry("CR_UPSTREAM_RATE_PER_MINUTE".into())
        .or_insert_with(|| "100000".into());
    map.entry("CR_SANDBOX_CONTROL_TOKEN".into())
        .or_insert_with(|| CONTROL_TOKEN.into());
    let config = Config::from_lookup(|k| map.get(k).cloned()).expect("config");
    let options = LeptosOptions::builder()
        .output_name("storefront")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let running = start(config, options, listener).await.expect("start");
    let base = format!("http://{}", running.addr);
    // Idle connections are dropped well before the shop closes them (its header
    // read timeout, 10 s by default): reusing one just as the shop closes it
    // fails the request with no answer at all, a race a browser retries and
    // a loaded machine makes likely (seen once in `scripts/under-load`).
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(std::time::Duration::from_secs(4))
        .build()
        .expect("client");
    Shop {
        running,
        base,
        http,
    }
}

impl Shop {
    /// Opens an order's event stream (`GET /api/orders/{id}/subscribe`), as a
    /// plain client would: the answer, whatever its status.
    pub async fn subscribe(&self, id: &str) -> reqwest::Response {
        self.http
            .get(format!("{}/api/orders/{id}/subscribe", self.base))
            .send()
            .await
            .expect("subscribe")
    }

    /// Calls a server function the way the browser's client does (URL-encoded form, JSON back).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> (u16, Value) {
        self.call_with(endpoint, form, &[]).await
    }

    /// Like [`Shop::call`], with extra request headers.
    pub async fn call_with(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("accept", "application/json")
            .form(form);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("send");
        let status = resp.status().as_u16();
        let body = resp.text().await.expect("body");
        let json = serde_json::from_str(&body).unwrap_or(Value::String(body));
        (status, json)
    }

    /// Calls a server function with a `Cookie` header (`""` for none); the status,
    /// the answer and the `Set-Cookie` values (`name=value` only).
    pub async fn call_cookies(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        cookie: &str,
    ) -> (u16, Value, Vec<String>) {
        let mut req = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("accept", "application/json")
            .form(form);
        if !cookie.is_empty() {
            req = req.header("cookie", cookie);
        }
        let resp = req.send().await.expect("send");
        let status = resp.status().as_u16();
        let set = set_cookies(&resp);
        let body = resp.text().await.expect("body");
        let json = serde_json::from_str(&body).unwrap_or(Value::String(body));
        (status, json, set)
    }

    /// `GET path` on the storefront; status and text.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("get");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("text"))
    }

    /// `POST` JSON to a sandbox control endpoint.
    pub async fn control(&self, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}/sandbox/control{path}", self.base))
            .bearer_auth(CONTROL_TOKEN)
            .json(&body)
            .send()
            .await
            .expect("control");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Clears every sandbox fault rule.
    pub async fn clear_faults(&self) {
        self.http
            .delete(format!("{}/sandbox/control/faults", self.base))
            .bearer_auth(CONTROL_TOKEN)
            .send()
            .await
            .expect("clear faults");
    }

    /// How many upstream requests the sandbox saw on exactly `path` (ids as `{id}`, any query).
    pub async fn hits_exact(&self, path: &str) -> u64 {
        let stats = self.stats().await;
        stats["requests"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| {
                        let k = k.trim_start_matches("/sandbox");
                        k.split('?').next() == Some(path)
                    })
                    .filter_map(|(_, v)| v.as_u64())
                    .sum()
            })
            .unwrap_or(0)
    }

    /// Upstream requests whose path (and query) contains `part`.
    pub async fn hits(&self, part: &str) -> u64 {
        let stats = self.stats().await;
        stats["requests"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| k.contains(part))
                    .filter_map(|(_, v)| v.as_u64())
                    .sum()
            })
            .unwrap_or(0)
    }

    /// Zeroes the sandbox's request counts.
    pub async fn reset_stats(&self) {
        let st = self
            .http
            .post(format!("{}/sandbox/control/stats/reset", self.base))
            .bearer_auth(CONTROL_TOKEN)
            .send()
            .await
            .expect("reset stats")
            .status();
        assert!(st.is_success(), "reset stats: {st}");
    }

    /// The sandbox's request counts.
    pub async fn stats(&self) -> Value {
        self.http
            .get(format!("{}/sandbox/control/stats", self.base))
            .bearer_auth(CONTROL_TOKEN)
            .send()
            .await
            .expect("stats")
            .json()
            .await
            .expect("stats json")
    }
}

/// A gift-card family of `country` with a fixed amount: (family, amount).
pub async fn some_family(s: &Shop, country: &str) -> (String, String) {
    let (_, dir) = s.call("catalog/brands", &[("country", country)]).await;
    for b in dir["all_brands"].as_array().expect("brands") {
        let family = b["family"].as_str().unwrap_or_default().to_string();
        if b["kind"] != "giftcard" || b["is_out_of_stock"] == true {
            continue;
        }
        let (st, page) = s
            .call(
                "catalog/products",
                &[("country", country), ("family", &family)],
            )
            .await;
        let amount = page["family"]["products"]
            .as_array()
            .and_then(|p| {
                p.iter()
                    .find(|p| p["is_dynamic"] != true && p["is_out_of_stock"] != true)
            })
            .and_then(|p| {
                p["face_value"]["amount"]["price"]
                    .as_str()
                    .map(str::to_string)
            });
        if let (200, Some(a)) = (st, amount) {
            return (family, a);
        }
    }
    panic!("no brand");
}

/// The `Set-Cookie` values of an answer (`name=value` only).
pub fn set_cookies(resp: &reqwest::Response) -> Vec<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .collect()
}

/// Places an order with idempotency key `key`; its id.
pub async fn new_order(s: &Shop, key: &str) -> String {
    let o = new_order_paid_with(s, "USDC|Solana", key).await;
    o["order_id"].as_str().expect("order id").to_string()
}

/// The order as `orders/get` reads it once it is Done (asked every 100 ms,
/// 50 times at most); `None` when it never got there.
pub async fn order_at_done(s: &Shop, id: &str) -> Option<Value> {
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (_, v) = s.call("orders/get", &[("order_id", id)]).await;
        if v["order"]["order_state"] == "Done" {
            return Some(v["order"].clone());
        }
    }
    None
}

/// Places a one-card order (US) paid with `pay` (`USDC|Base`); answers the order.
pub async fn new_order_paid_with(s: &Shop, pay: &str, key: &str) -> Value {
    let (family, amount) = some_family(s, "US").await;
    let f = [
        ("country", "US"),
        ("family", family.as_str()),
        ("amount", amount.as_str()),
        ("pay", pay),
        ("beneficiary", "friend@example.com"),
        ("email", "buyer@example.com"),
        ("coupon", ""),
        ("idempotency_key", key),
    ];
    let (st, o) = s.call("orders/create", &f).await;
    assert_eq!(st, 200, "{o}");
    o
}

/// A cart of one card of `family` at `amount` (US) for each recipient: its cookie.
pub async fn cart_of(s: &Shop, family: &str, amount: &str, to: &[&str]) -> String {
    let mut jar = String::new();
    for to in to {
        let (st, body, set) = s
            .call_cookies(
                "cart/add",
                &[
                    ("country", "US"),
                    ("family", family),
                    ("amount", amount),
                    ("beneficiary", to),
                ],
                &jar,
            )
            .await;
        assert_eq!(st, 200, "{body}");
        if let Some(cart) = set.iter().find(|c| c.starts_with("cart=")) {
            jar = cart.clone();
        }
    }
    jar
}

/// A cart of two cards of one US brand (for ann@ and bob@): its cookie, the
/// cart as `cart/get` reads it, and its idempotency key.
pub async fn two_card_cart(s: &Shop) -> (String, Value, String) {
    let (family, amount) = some_family(s, "US").await;
    let jar = cart_of(s, &family, &amount, &["ann@example.com", "bob@example.com"]).await;
    let (_, cart, _) = s.call_cookies("cart/get", &[], &jar).await;
    let key = cart["key"].as_str().expect("the cart's key").to_string();
    (jar, cart, key)
}

/// Pays for the cart in `cookie` under `key` (USDC on Solana, no coupon): the
/// status and the answer.
pub async fn pay_cart(s: &Shop, cookie: &str, key: &str) -> (u16, Value) {
    let (st, answer, _) = s
        .call_cookies(
            "cart/pay",
            &[
                ("pay", "USDC|Solana"),
                ("email", "buyer@example.com"),
                ("coupon", ""),
                ("idempotency_key", key),
            ],
            cookie,
        )
        .await;
    (st, answer)
}

/// The `Location` of a plain form post's answer (empty without one).
pub fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A complete US checkout form for `family` and `amount` (a plain key: `""` for validations).
pub fn checkout<'a>(family: &'a str, amount: &'a str, key: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("country", "US"),
        ("family", family),
        ("amount", amount),
        ("pay", "USDC|Solana"),
        ("beneficiary", "friend@example.com"),
        ("email", "buyer@example.com"),
        ("coupon", ""),
        ("idempotency_key", key),
    ]
}

/// The text of an event stream until it ends, or `within` passes (or no byte
/// comes for 5 s).
pub async fn stream_text(mut resp: reqwest::Response, within: std::time::Duration) -> String {
    let mut text = String::new();
    let deadline = std::time::Instant::now() + within;
    while std::time::Instant::now() < deadline {
        match tokio::time::timeout(std::time::Duration::from_secs(5), resp.chunk()).await {
            Ok(Ok(Some(bytes))) => text.push_str(&String::from_utf8_lossy(&bytes)),
            _ => break,
        }
    }
    text
}

/// An upstream that remembers the `X-Request-Id` of every call and answers 503.
pub async fn recording_upstream() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let seen: std::sync::Arc<std::sync::Mutex<Vec<String>>> = std::sync::Arc::default();
    let app = axum::Router::new().fallback({
        let seen = seen.clone();
        move |headers: axum::http::HeaderMap| {
            let seen = seen.clone();
            async move {
                let id = headers
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                seen.lock().expect("lock").push(id);
                axum::http::StatusCode::SERVICE_UNAVAILABLE
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen)
}
