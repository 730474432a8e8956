//! Orders over real HTTP: creation, payment addresses and URIs, the state
//! machine (pay, deliver, fail, expire by clock), and the order event stream
//! parsed from the raw bytes.

use crate::common;

use common::{CONTROL_TOKEN, Sb, start_with};
use futures::StreamExt;
use sandbox::SandboxConfig;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A sandbox with a short delivery delay and frequent keep-alives.
async fn start() -> Sb {
    start_with(SandboxConfig {
        delivery_delay: Duration::from_millis(150),
        keep_alive: Duration::from_millis(100),
        ..SandboxConfig::default()
    })
    .await
}

impl Sb {
    /// Creates a valid order paid with `coin` on `network`; answers it.
    async fn order(&self, coin: &str, network: &str) -> Value {
        let (status, order) = self.post("/v5/orders", &order_body(coin, network)).await;
        assert!(status == 200 || status == 201, "{status} {order}");
        order
    }

    /// Creates the order of [`order_body`] (112.05 USDC on Solana); answers its id.
    async fn order_id(&self) -> String {
        let order = self.order("USDC", "Solana").await;
        assert_eq!(order["coin_amount"], "112.05", "10.35 + 101.70");
        order["order_id"].as_str().expect("order_id").to_string()
    }

    /// `POST /control/orders/{id}/pay` with a JSON body.
    async fn pay(&self, id: &str, body: Value) -> (u16, Value) {
        self.control(&format!("/control/orders/{id}/pay"), body)
            .await
    }

    /// `POST /control/orders/{id}/refund`.
    async fn refund(&self, id: &str) -> (u16, Value) {
        self.control(&format!("/control/orders/{id}/refund"), json!({}))
            .await
    }

    /// The order as `GET /v5/orders/{id}` answers it.
    async fn fetch(&self, id: &str) -> Value {
        let (status, order) = self.get(&format!("/v5/orders/{id}")).await;
        assert_eq!(status, 200, "{order}");
        order
    }

    /// Polls the order until its `order_state` is `state` (3 s at most); answers it.
    async fn until(&self, id: &str, state: &str) -> Value {
        let started = Instant::now();
        loop {
            let o = self.fetch(id).await;
            if o["order_state"] == state {
                return o;
            }
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "never {state}: {o}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    async fn subscribe(&self, id: &str, last_event_id: Option<&str>) -> Events {
        let mut req = self
            .partner(reqwest::Method::GET, &format!("/v5/orders/{id}/subscribe"))
            .header("Accept", "text/event-stream");
        if let Some(l) = last_event_id {
            req = req.header("Last-Event-ID", l);
        }
        let r = req.send().await.expect("send");
        assert_eq!(r.status(), 200);
        let ct = r.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .to_string();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        Events {
            stream: Box::pin(r.bytes_stream()),
            buf: String::new(),
            comments: 0,
        }
    }
}

fn order_body(coin: &str, network: &str) -> Value {
    json!({
        "deliveries": [
            {"kind": "giftcard", "quantity": 1, "deliverable": {
                "brand_name": "Steam Wallet", "country_code": "US", "denomination": "10",
                "beneficiary_account": "buyer@example.com"}},
            {"kind": "giftcard", "quantity": 1, "deliverable": {
                "brand_name": "Airbnb", "country_code": "US", "denomination": "100",
                "beneficiary_account": "buyer@example.com"}},
        ],
        "payment": {"type": "via", "coin": coin, "network": network, "payment_via": "USER_WALLET"},
        "user": {"email": "buyer@example.com", "has_accepted_newsletter": true},
        "lang": "en",
        "acquisition": {"utm_source": "test"},
    })
}

/// One server-sent event.
#[derive(Debug, Default)]
struct Event {
    id: Option<String>,
    event: Option<String>,
    data: String,
}

type ByteStream =
    std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>;

/// An event-stream parser over the raw response bytes.
struct Events {
    stream: ByteStream,
    buf: String,
    comments: usize,
}

impl Events {
    /// The next event, or None when the stream ended. Panics after 5 s of silence.
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut ev = Event::default();
                let mut fields = 0;
                for line in block.lines().filter(|l| !l.is_empty()) {
                    if line.starts_with(':') {
                        self.comments += 1;
                        continue;
                    }
                    let (k, v) = line.split_once(':').unwrap_or((line, ""));
                    let v = v.strip_prefix(' ').unwrap_or(v);
                    fields += 1;
                    match k {
                        "id" => ev.id = Some(v.to_string()),
                        "event" => ev.event = Some(v.to_string()),
                        "data" if ev.data.is_empty() => ev.data = v.to_string(),
                        "data" => ev.data = format!("{}\n{v}", ev.data),
                        _ => {}
                    }
                }
                if fields > 0 {
                    return Some(ev);
                }
                continue;
            }
            match tokio::time::timeout(Duration::from_secs(5), self.stream.next()).await {
                Ok(Some(Ok(bytes))) => self
                    .buf
                    .push_str(&String::from_utf8_lossy(&bytes).replace('\r', "")),
                Ok(_) => return None,
                Err(_) => panic!("no event within 5 s; buffered: {:?}", self.buf),
            }
        }
    }

    /// The next event, which must be an order message; answers its JSON.
    async fn message(&mut self) -> (u64, Value) {
        let ev = self.next().await.expect("a message");
        assert_eq!(
            ev.event.as_deref().unwrap_or("message"),
            "message",
            "{ev:?}"
        );
        let id = ev
            .id
            .as_deref()
            .and_then(|i| i.parse().ok())
            .unwrap_or_else(|| panic!("numeric id in {ev:?}"));
        (id, serde_json::from_str(&ev.data).expect("order JSON"))
    }

    /// Messages until the order is Done (cards are delivered one at a time: the
    /// ones before are WaitingForDelivery); answers the Done one.
    async fn done(&mut self) -> (u64, Value) {
        loop {
            let (v, o) = self.message().await;
            if o["order_state"] == "Done" {
                return (v, o);
            }
            assert_eq!(o["order_state"], "WaitingForDelivery", "{o}");
        }
    }

    /// The named stop event, then the end of the stream.
    async fn stop_and_end(&mut self) {
        let ev = self.next().await.expect("stop");
        assert_eq!(ev.event.as_deref(), Some("stop"), "{ev:?}");
        assert!(self.next().await.is_none(), "the stream ends after stop");
    }
}

#[tokio::test]
async fn a_new_order_says_where_and_how_much_to_pay_on_solana() {
    let sb = start().await;
    let order = sb.order("USDC", "Solana").await;
    let id = order["order_id"].as_str().expect("order_id");
    assert!(
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase() || c == '-'),
        "{id}"
    );
    assert_eq!(order["order_state"], "WaitingForPayment");
    assert_eq!(order["payment_state"], "PaymentRequested");
    assert_eq!(order["coin"], "USDC");
    assert_eq!(order["network"], "Solana");
    assert!(order["payment_method"].is_string());
    let wallet = order["wallet_address"].as_str().expect("wallet");
    assert!((32..=44).contains(&wallet.len()), "{wallet}");
    assert!(
        wallet
            .chars()
            .all(|c| c.is_ascii_alphanumeric() && !"0OIl".contains(c)),
        "{wallet}"
    );
    let amount = order["coin_amount"].as_str().expect("coin_amount");
    let ui: f64 = amount.parse().expect("decimal");
    assert!(ui > 110.0 && ui < 115.0, "10 + 100 USD plus fees: {ui}");
    assert_eq!(
        order["qr_text"],
        format!(
            "solana:{wallet}?amount={amount}&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"
        )
    );
    let created = order["created_at"].as_i64().expect("epoch seconds");
    assert_eq!(order["expires_at"].as_i64(), Some(created + 1800));
    let deliveries = order["deliveries"].as_array().expect("deliveries");
    assert_eq!(deliveries.len(), 2);
    for d in deliveries {
        assert_eq!(d["kind"], "giftcard");
        assert!(d["delivery_state"].is_string());
        assert_eq!(d["quantity"], 1);
        assert_eq!(d["deliverable"]["beneficiary_account"], "buyer@example.com");
        assert_eq!(d["deliverable"]["pin_code"], Value::Null);
        assert_eq!(d["deliverable"]["pin_serial"], Value::Null);
    }
    assert_eq!(deliveries[1]["brand_name"], "Airbnb");
    // The same order again by id; two orders never share id or wallet.
    let (status, again) = sb.get(&format!("/v5/orders/{id}")).await;
    assert_eq!((status, &again), (200, &order));
    let other = sb.order("USDC", "Solana").await;
    assert_ne!(other["order_id"], order["order_id"]);
    assert_ne!(other["wallet_address"], order["wallet_address"]);
}

#[tokio::test]
async fn evm_orders_carry_an_eip681_uri() {
    let sb = start().await;
    let order = sb.order("USDT", "Base").await;
    let wallet = order["wallet_address"].as_str().expect("wallet");
    assert_eq!(wallet.len(), 42);
    assert!(wallet.starts_with("0x") && wallet[2..].chars().all(|c| c.is_ascii_hexdigit()));
    let amount: f64 = order["coin_amount"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .expect("amount");
    let atomic = (amount * 1e6).round() as u64;
    assert_eq!(
        order["qr_text"],
        format!(
            "ethereum:0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2@8453/transfer?address={wallet}&uint256={atomic}"
        )
    );
}

#[tokio::test]
async fn unknown_orders_are_404_json() {
    let sb = start().await;
    for path in [
        "/v5/orders/00000000-0000-4000-8000-000000000000",
        "/v5/orders/nope/subscribe",
    ] {
        let (status, body) = sb.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["status"], 404);
    }
    for action in ["pay", "fail", "refund"] {
        let (status, _) = sb
            .control(&format!("/control/orders/nope/{action}"), json!({}))
            .await;
        assert_eq!(status, 404, "{action}");
    }
}

#[tokio::test]
async fn paying_delivers_codes_after_the_delay() {
    let sb = start().await;
    let order = sb.order("USDC", "Solana").await;
    let id = order["order_id"].as_str().expect("id");
    let (status, paid) = sb
        .control(&format!("/control/orders/{id}/pay"), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(paid["order_state"], "WaitingForDelivery");
    assert_eq!(paid["payment_state"], "PaymentReceived");
    let (_, now) = sb.get(&format!("/v5/orders/{id}")).await;
    assert_eq!(now["order_state"], "WaitingForDelivery");
    // Paying twice is a conflict.
    let (status, body) = sb
        .control(&format!("/control/orders/{id}/pay"), json!({}))
        .await;
    assert_eq!((status, body["status"].clone()), (409, json!(409)));
    let started = Instant::now();
    let done = loop {
        let (_, o) = sb.get(&format!("/v5/orders/{id}")).await;
        if o["order_state"] == "Done" {
            break o;
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "never delivered: {o}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(done["payment_state"], "PaymentReceived");
    let d = &done["deliveries"];
    let steam = &d[0]["deliverable"];
    assert_eq!(d[0]["delivery_state"], "Done");
    let pin = steam["pin_code"].as_str().expect("pin");
    let groups: Vec<&str> = pin.split('-').collect();
    assert!(
        groups.len() >= 3
            && groups
                .iter()
                .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_alphanumeric())),
        "{pin}"
    );
    assert!(steam["pin_serial"].is_string());
    assert!(steam["how_to_redeem"].is_string());
    assert!(steam["redeem_instructions"].is_string());
    // Airbnb is delivered as a redemption link.
    assert!(
        d[1]["deliverable"]["pin_code"]
            .as_str()
            .is_some_and(|p| p.starts_with("https://"))
    );
    // A delivered order can no longer fail.
    let (status, _) = sb
        .control(&format!("/control/orders/{id}/fail"), json!({}))
        .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn failing_a_payment() {
    let sb = start().await;
    let order = sb.order("USDC", "Arbitrum").await;
    let id = order["order_id"].as_str().expect("id");
    let (status, failed) = sb
        .control(&format!("/control/orders/{id}/fail"), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(failed["order_state"], "PaymentFailed");
    let (status, _) = sb
        .control(&format!("/control/orders/{id}/pay"), json!({}))
        .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn the_clock_expires_unpaid_orders_after_thirty_minutes() {
    let sb = start().await;
    let order = sb.order("USDC", "Solana").await;
    let id = order["order_id"].as_str().expect("id");
    let (status, _) = sb
        .control("/control/clock/advance", json!({"seconds": 1799}))
        .await;
    assert_eq!(status, 200);
    let (_, o) = sb.get(&format!("/v5/orders/{id}")).await;
    assert_eq!(o["order_state"], "WaitingForPayment");
    let mut events = sb.subscribe(id, None).await;
    let (_, first) = events.message().await;
    assert_eq!(first["order_state"], "WaitingForPayment");
    sb.control("/control/clock/advance", json!({"seconds": 1}))
        .await;
    // The subscriber sees it promptly, well before the 1 s ticker could.
    let seen = Instant::now();
    let (_, expired) = events.message().await;
    assert!(seen.elapsed() < Duration::from_millis(500));
    assert_eq!(expired["order_state"], "Expired");
    assert_eq!(expired["payment_state"], "Expired");
    events.stop_and_end().await;
    let (_, o) = sb.get(&format!("/v5/orders/{id}")).await;
    assert_eq!(o["order_state"], "Expired");
    let (status, _) = sb
        .control(&format!("/control/orders/{id}/pay"), json!({}))
        .await;
    assert_eq!(status, 409);
    let (status, _) = sb
        .control("/control/clock/advance", json!({"seconds": "soon"}))
        .await;
    assert!((400..500).contains(&status));
}

#[tokio::test]
async fn the_event_stream_follows_an_order_to_done_then_stops() {
    // Its two cards are delivered 200 ms apart: keep-alives flow in between.
    let sb = start_with(SandboxConfig {
        delivery_delay: Duration::from_millis(400),
        keep_alive: Duration::from_millis(100),
        ..SandboxConfig::default()
    })
    .await;
    let order = sb.order("USDC", "Solana").await;
    let id = order["order_id"].as_str().expect("id").to_string();
    let mut events = sb.subscribe(&id, None).await;
    let (v1, first) = events.message().await;
    assert_eq!(first, order, "the full order on connect");
    sb.control(&format!("/control/orders/{id}/pay"), json!({}))
        .await;
    let (v2, paid) = events.message().await;
    assert_eq!(paid["order_state"], "WaitingForDelivery");
    let (v3, done) = events.done().await;
    assert_eq!(done["order_state"], "Done");
    assert!(done["deliveries"][0]["deliverable"]["pin_code"].is_string());
    assert!(v1 < v2 && v2 < v3, "{v1} {v2} {v3}");
    events.stop_and_end().await;
    // Keep-alive comments flowed while waiting for the delivery.
    assert!(events.comments >= 1, "keep-alives");
    // A terminal order: the final state, stop, end, even with a Last-Event-ID.
    let mut late = sb.subscribe(&id, Some(&v3.to_string())).await;
    let (v, again) = late.message().await;
    assert_eq!((v, again), (v3, done));
    late.stop_and_end().await;
}

#[tokio::test]
async fn many_subscribers_see_the_same_changes() {
    // Fifty streams from one address: more than a client may hold by default.
    let sb = start_with(SandboxConfig {
        delivery_delay: Duration::from_millis(150),
        keep_alive: Duration::from_millis(100),
        max_streams_per_client: 50,
        ..SandboxConfig::default()
    })
    .await;
    let order = sb.order("USDC", "Solana").await;
    let id = order["order_id"].as_str().expect("id").to_string();
    let mut streams = Vec::new();
    for _ in 0..50 {
        streams.push(sb.subscribe(&id, Some("1")).await);
    }
    sb.control(&format!("/control/orders/{id}/fail"), json!({}))
        .await;
    for s in &mut streams {
        let (_, first) = s.message().await;
        let state = first["order_state"].clone();
        if state == "WaitingForPayment" {
            let (_, failed) = s.message().await;
            assert_eq!(failed["order_state"], "PaymentFailed");
        } else {
            assert_eq!(state, "PaymentFailed");
        }
        s.stop_and_end().await;
    }
}

/// The order's states and amounts, for comparing in one assertion.
fn money(o: &Value) -> Value {
    json!([
        o["order_state"],
        o["payment_state"],
        o["amount_paid"],
        o["amount_due"]
    ])
}

#[tokio::test]
async fn paying_without_a_body_or_with_an_empty_one_pays_in_full() {
    let sb = start().await;
    let full = json!(["WaitingForDelivery", "PaymentReceived", "112.05", "0.00"]);
    // No body at all (as `curl -X POST` sends), an empty body, `{}`, and `null` fields.
    let id = sb.order_id().await;
    let (status, paid) = sb
        .send(reqwest::Method::POST, &format!("/control/orders/{id}/pay"))
        .await;
    assert_eq!((status, money(&paid)), (200, full.clone()), "{paid}");
    let id = sb.order_id().await;
    let r = sb
        .http
        .post(format!("{}/control/orders/{id}/pay", sb.base))
        .bearer_auth(CONTROL_TOKEN)
        .header("Content-Type", "application/json")
        .body("")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let paid: Value = r.json().await.expect("json");
    assert_eq!(money(&paid), full, "{paid}");
    for body in [json!({}), json!({"amount": null, "unconfirmed": null})] {
        let id = sb.order_id().await;
        let (status, paid) = sb.pay(&id, body.clone()).await;
        assert_eq!((status, money(&paid)), (200, full.clone()), "{body}");
        assert_eq!(sb.until(&id, "Done").await["amount_paid"], "112.05");
    }
}

#[tokio::test]
async fn a_partial_payment_then_the_rest() {
    let sb = start().await;
    let id = sb.order_id().await;
    let mut events = sb.subscribe(&id, None).await;
    events.message().await;
    let (status, o) = sb.pay(&id, json!({"amount": "4.10"})).await;
    let partial = json!(["PartialPaymentStarted", "PartiallyPaid", "4.10", "107.95"]);
    assert_eq!((status, money(&o)), (200, partial.clone()), "{o}");
    assert_eq!(money(&sb.fetch(&id).await), partial);
    assert_eq!(money(&events.message().await.1), partial, "published");
    // Still due: a second part, then the rest (no amount).
    let (_, o) = sb.pay(&id, json!({"amount": "7.95"})).await;
    let partial = json!(["PartialPaymentStarted", "PartiallyPaid", "12.05", "100.00"]);
    assert_eq!(money(&o), partial, "{o}");
    assert_eq!(money(&events.message().await.1), partial);
    // A partial order is not delivered.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(money(&sb.fetch(&id).await), partial);
    let (_, o) = sb.pay(&id, json!({})).await;
    let full = json!(["WaitingForDelivery", "PaymentReceived", "112.05", "0.00"]);
    assert_eq!(money(&o), full, "{o}");
    assert_eq!(money(&events.message().await.1), full);
    let (_, done) = events.done().await;
    assert_eq!(
        money(&done),
        json!(["Done", "PaymentReceived", "112.05", "0.00"])
    );
    events.stop_and_end().await;
}

#[tokio::test]
async fn a_payment_reaching_the_total_pays_and_more_is_shown() {
    let sb = start().await;
    // Exactly the rest, given as an amount.
    let id = sb.order_id().await;
    sb.pay(&id, json!({"amount": "100"})).await;
    let (_, o) = sb.pay(&id, json!({"amount": "12.05"})).await;
    let full = json!(["WaitingForDelivery", "PaymentReceived", "112.05", "0.00"]);
    assert_eq!(money(&o), full, "{o}");
    // Overpaid, at once or after a part.
    let id = sb.order_id().await;
    let (_, o) = sb.pay(&id, json!({"amount": "200"})).await;
    let over = json!(["WaitingForDelivery", "PaymentReceived", "200.00", "0.00"]);
    assert_eq!(money(&o), over, "{o}");
    let id = sb.order_id().await;
    sb.pay(&id, json!({"amount": "0.000001"})).await;
    let (_, o) = sb.pay(&id, json!({"amount": "112.050001"})).await;
    let over = json!([
        "WaitingForDelivery",
        "PaymentReceived",
        "112.050002",
        "0.00"
    ]);
    assert_eq!(money(&o), over, "{o}");
    assert_eq!(sb.until(&id, "Done").await["amount_paid"], "112.050002");
}

#[tokio::test]
async fn an_unconfirmed_payment_is_seen_not_delivered_until_confirmed() {
    let sb = start().await;
    let seen = json!(["PaymentStarted", "PaymentSeen", "112.05", "0.00"]);
    for body in [
        json!({"unconfirmed": true}),
        json!({"amount": "112.05", "unconfirmed": true}),
    ] {
        let id = sb.order_id().await;
        let mut events = sb.subscribe(&id, None).await;
        events.message().await;
        let (status, o) = sb.pay(&id, body.clone()).await;
        assert_eq!((status, money(&o)), (200, seen.clone()), "{body}: {o}");
        assert_eq!(money(&events.message().await.1), seen);
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(money(&sb.fetch(&id).await), seen, "not delivered");
        // A plain pay confirms it.
        let (status, o) = sb.pay(&id, json!({})).await;
        let full = json!(["WaitingForDelivery", "PaymentReceived", "112.05", "0.00"]);
        assert_eq!((status, money(&o)), (200, full.clone()), "{o}");
        assert_eq!(money(&events.message().await.1), full);
        assert_eq!(events.done().await.1["order_state"], "Done");
        events.stop_and_end().await;
    }
    // Unconfirmed and short of the total: a partial payment.
    let id = sb.order_id().await;
    let (_, o) = sb
        .pay(&id, json!({"amount": "12.05", "unconfirmed": true}))
        .await;
    assert_eq!(
        money(&o),
        json!(["PartialPaymentStarted", "PartiallyPaid", "12.05", "100.00"])
    );
    // The rest unconfirmed: seen; then confirmed.
    let (_, o) = sb.pay(&id, json!({"unconfirmed": true})).await;
    assert_eq!(money(&o), seen, "{o}");
    let (_, o) = sb.pay(&id, json!({})).await;
    assert_eq!(o["order_state"], "WaitingForDelivery", "{o}");
}

#[tokio::test]
async fn bad_payment_bodies_are_400_and_change_nothing() {
    let sb = start().await;
    let id = sb.order_id().await;
    for amount in [
        json!("-1"),
        json!("0"),
        json!("0.00"),
        json!("abc"),
        json!(""),
        json!("4,10"),
        json!("1e3"),
        json!("4.1234567"),
        json!("1".repeat(100)),
        json!("99999999999999999999"),
        json!(4.1),
        json!(true),
        json!({"value": "4.10"}),
    ] {
        let (status, answer) = sb.pay(&id, json!({"amount": amount})).await;
        assert_eq!(
            (status, &answer["detail"]),
            (400, &json!("INVALID_AMOUNT")),
            "{amount}: {answer}"
        );
        assert_eq!(answer["status"], 400);
        assert!(answer["moreDetails"].is_string(), "{answer}");
    }
    // A misspelt field would otherwise pay in full without a word.
    for body in [
        json!({"unconfirmed": "yes"}),
        json!({"amout": "4.10"}),
        json!([]),
        json!("4.10"),
    ] {
        let (status, answer) = sb.pay(&id, body.clone()).await;
        assert_eq!(
            (status, &answer["detail"]),
            (400, &json!("INVALID_REQUEST")),
            "{body}: {answer}"
        );
    }
    let r = sb
        .http
        .post(format!("{}/control/orders/{id}/pay", sb.base))
        .bearer_auth(CONTROL_TOKEN)
        .header("Content-Type", "application/json")
        .body("{")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 400);
    let answer: Value = r.json().await.expect("json");
    assert_eq!(answer["detail"], "INVALID_JSON");
    let o = sb.fetch(&id).await;
    assert_eq!(
        money(&o),
        json!(["WaitingForPayment", "PaymentRequested", null, null])
    );
}

#[tokio::test]
async fn paying_is_refused_once_the_order_is_paid_or_over() {
    let sb = start().await;
    let id = sb.order_id().await;
    sb.pay(&id, json!({})).await;
    for body in [
        json!({}),
        json!({"amount": "1"}),
        json!({"unconfirmed": true}),
    ] {
        let (status, answer) = sb.pay(&id, body.clone()).await;
        assert_eq!(
            (status, &answer["detail"]),
            (409, &json!("INVALID_STATE")),
            "{body}"
        );
    }
    sb.until(&id, "Done").await;
    assert_eq!(sb.pay(&id, json!({"amount": "1"})).await.0, 409);
    let id = sb.order_id().await;
    sb.pay(&id, json!({"amount": "1"})).await;
    sb.control(&format!("/control/orders/{id}/fail"), json!({}))
        .await;
    assert_eq!(sb.pay(&id, json!({"amount": "1"})).await.0, 409);
    assert_eq!(
        sb.pay(
            "00000000-0000-4000-8000-000000000000",
            json!({"amount": "1"})
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn a_partly_paid_order_expires_keeping_what_arrived() {
    let sb = start().await;
    let id = sb.order_id().await;
    sb.pay(&id, json!({"amount": "4.10"})).await;
    let mut events = sb.subscribe(&id, None).await;
    events.message().await;
    sb.control("/control/clock/advance", json!({"seconds": 1799}))
        .await;
    assert_eq!(sb.fetch(&id).await["order_state"], "PartialPaymentStarted");
    let (_, answer) = sb
        .control("/control/clock/advance", json!({"seconds": 1}))
        .await;
    assert_eq!(answer["expired"], 1, "{answer}");
    let expired = json!(["Expired", "PartiallyPaid", "4.10", "107.95"]);
    assert_eq!(money(&events.message().await.1), expired);
    events.stop_and_end().await;
    assert_eq!(money(&sb.fetch(&id).await), expired);
    assert_eq!(sb.pay(&id, json!({})).await.0, 409);
}

#[tokio::test]
async fn a_payment_seen_in_time_does_not_expire() {
    let sb = start().await;
    let id = sb.order_id().await;
    sb.pay(&id, json!({"unconfirmed": true})).await;
    let (_, answer) = sb
        .control("/control/clock/advance", json!({"seconds": 3600}))
        .await;
    assert_eq!(answer["expired"], 0, "{answer}");
    let seen = json!(["PaymentStarted", "PaymentSeen", "112.05", "0.00"]);
    assert_eq!(money(&sb.fetch(&id).await), seen);
    // Confirmed late, it is delivered.
    let (status, _) = sb.pay(&id, json!({})).await;
    assert_eq!(status, 200);
    sb.until(&id, "Done").await;
}

#[tokio::test]
async fn orders_that_received_money_can_be_refunded() {
    let sb = start().await;
    let refunded = |paid: &str, due: &str| json!(["Refunded", "Refunded", paid, due]);
    // Partly paid; the subscriber sees the refund, then the stream stops.
    let id = sb.order_id().await;
    sb.pay(&id, json!({"amount": "4.10"})).await;
    let mut events = sb.subscribe(&id, None).await;
    events.message().await;
    let (status, o) = sb.refund(&id).await;
    assert_eq!(
        (status, money(&o)),
        (200, refunded("4.10", "107.95")),
        "{o}"
    );
    assert_eq!(money(&events.message().await.1), refunded("4.10", "107.95"));
    events.stop_and_end().await;
    assert_eq!(money(&sb.fetch(&id).await), refunded("4.10", "107.95"));
    // Refunded once only, and never paid again.
    assert_eq!(sb.refund(&id).await.0, 409);
    assert_eq!(sb.pay(&id, json!({})).await.0, 409);
    // Expired after a partial payment.
    let id = sb.order_id().await;
    sb.pay(&id, json!({"amount": "12.05"})).await;
    sb.control("/control/clock/advance", json!({"seconds": 1800}))
        .await;
    let (status, o) = sb.refund(&id).await;
    assert_eq!(
        (status, money(&o)),
        (200, refunded("12.05", "100.00")),
        "{o}"
    );
    // Seen but not confirmed.
    let id = sb.order_id().await;
    sb.pay(&id, json!({"unconfirmed": true})).await;
    let (status, o) = sb.refund(&id).await;
    assert_eq!(
        (status, money(&o)),
        (200, refunded("112.05", "0.00")),
        "{o}"
    );
    // Delivered: the codes stay as they were.
    let id = sb.order_id().await;
    sb.pay(&id, json!({})).await;
    let done = sb.until(&id, "Done").await;
    let (status, o) = sb.refund(&id).await;
    assert_eq!(
        (status, money(&o)),
        (200, refunded("112.05", "0.00")),
        "{o}"
    );
    assert_eq!(o["deliveries"], done["deliveries"]);
    // Partly paid, then the payment failed: the part that arrived goes back.
    let id = sb.order_id().await;
    sb.pay(&id, json!({"amount": "1"})).await;
    sb.control(&format!("/control/orders/{id}/fail"), json!({}))
        .await;
    let (status, o) = sb.refund(&id).await;
    assert_eq!(
        (status, money(&o)),
        (200, refunded("1.00", "111.05")),
        "{o}"
    );
}

#[tokio::test]
async fn a_paid_order_can_be_refunded_before_its_delivery() {
    let sb = start_with(SandboxConfig {
        delivery_delay: Duration::from_secs(60),
        ..SandboxConfig::default()
    })
    .await;
    let id = sb.order_id().await;
    let (_, paid) = sb.pay(&id, json!({})).await;
    assert_eq!(paid["order_state"], "WaitingForDelivery");
    let (status, o) = sb.refund(&id).await;
    assert_eq!(
        (status, money(&o)),
        (200, json!(["Refunded", "Refunded", "112.05", "0.00"])),
        "{o}"
    );
    assert_eq!(o["deliveries"][0]["deliverable"]["pin_code"], Value::Null);
}

#[tokio::test]
async fn orders_that_received_no_money_cannot_be_refunded() {
    let sb = start().await;
    let waiting = sb.order_id().await;
    let failed = sb.order_id().await;
    sb.control(&format!("/control/orders/{failed}/fail"), json!({}))
        .await;
    for id in [&waiting, &failed] {
        let (status, answer) = sb.refund(id).await;
        assert_eq!(
            (status, &answer["detail"]),
            (409, &json!("INVALID_STATE")),
            "{answer}"
        );
    }
    sb.control("/control/clock/advance", json!({"seconds": 1800}))
        .await;
    assert_eq!(sb.fetch(&waiting).await["order_state"], "Expired");
    assert_eq!(sb.refund(&waiting).await.0, 409);
    assert_eq!(sb.fetch(&waiting).await["payment_state"], "Expired");
    // The control token is required, as everywhere under /control.
    let r = sb
        .http
        .post(format!("{}/control/orders/{waiting}/refund", sb.base))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
}

/// An order delivery of `quantity` cards: fixed (`"10"`) or, for `"range:<value>"`,
/// a range product of that value.
fn cards(brand: &str, denomination: &str, quantity: u32, beneficiary: &str) -> Value {
    let mut deliverable = json!({"brand_name": brand, "country_code": "US",
        "denomination": denomination, "beneficiary_account": beneficiary});
    if let Some(value) = denomination.strip_prefix("range:") {
        deliverable["denomination"] = json!("range");
        deliverable["product_value"] = json!(value);
    }
    json!({"kind": "giftcard", "quantity": quantity, "deliverable": deliverable})
}

/// The order body of [`order_body`] with these deliveries.
fn order_with(deliveries: Vec<Value>) -> Value {
    let mut body = order_body("USDC", "Solana");
    body["deliveries"] = json!(deliveries);
    body
}

/// The validation body asking about the same cards as an order body (US cards):
/// one delivery per card, fixed denominations as the catalogue spells them, and
/// a payment without network, as the reference's validation example.
fn validation_of(order: &Value) -> Value {
    let deliveries: Vec<Value> = order["deliveries"]
        .as_array()
        .map(|list| {
            list.iter()
                .flat_map(|d| {
                    let mut flat = d["deliverable"].clone();
                    if flat["denomination"] != "range" {
                        flat["denomination"] = json!(format!(
                            "{} USD",
                            flat["denomination"].as_str().unwrap_or_default()
                        ));
                    }
                    let n = d["quantity"].as_u64().unwrap_or(1) as usize;
                    std::iter::repeat_n(flat, n)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut payment = order["payment"].clone();
    if let Some(p) = payment.as_object_mut() {
        p.remove("network");
    }
    json!({"email": order["user"]["email"], "payment": payment,
        "lang": order["lang"], "deliveries": deliveries})
}

/// The problem codes of an answer, in order.
fn problem_codes(answer: &Value) -> Vec<String> {
    answer["problems"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|x| x["problem"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn each_card_is_its_own_delivery_in_the_request_order() {
    let sb = start().await;
    let body = order_with(vec![
        cards("Steam Wallet", "10", 2, "a@example.com"),
        cards("Airbnb", "100", 2, "b@example.com"),
        cards("Steam Wallet", "20", 1, "c@example.com"),
    ]);
    let (status, order) = sb.post("/v5/orders", &body).await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(
        order["coin_amount"], "244.60",
        "2 × 10.35 + 2 × 101.70 + 20.50"
    );
    let shown = |o: &Value| -> Vec<Value> {
        o["deliveries"]
            .as_array()
            .expect("deliveries")
            .iter()
            .map(|d| {
                json!([
                    d["brand_name"],
                    d["kind"],
                    d["denomination"],
                    d["quantity"],
                    d["deliverable"]["beneficiary_account"]
                ])
            })
            .collect()
    };
    let expected = vec![
        json!(["Steam Wallet", "giftcard", "10 USD", 1, "a@example.com"]),
        json!(["Steam Wallet", "giftcard", "10 USD", 1, "a@example.com"]),
        json!(["Airbnb", "giftcard", "100 USD", 1, "b@example.com"]),
        json!(["Airbnb", "giftcard", "100 USD", 1, "b@example.com"]),
        json!(["Steam Wallet", "giftcard", "20 USD", 1, "c@example.com"]),
    ];
    assert_eq!(shown(&order), expected, "{order}");
    let id = order["order_id"].as_str().expect("id");
    sb.pay(id, json!({})).await;
    let done = sb.until(id, "Done").await;
    assert_eq!(shown(&done), expected, "{done}");
    let pins: Vec<&str> = done["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .map(|d| {
            assert_eq!(d["delivery_state"], "Done", "{d}");
            d["deliverable"]["pin_code"].as_str().expect("pin_code")
        })
        .collect();
    let distinct: std::collections::HashSet<&&str> = pins.iter().collect();
    assert_eq!(distinct.len(), 5, "one code per card: {pins:?}");
    assert!(pins[2].starts_with("https://") && pins[3].starts_with("https://"));
    assert!(!pins[0].starts_with("https://"));
}

#[tokio::test]
async fn the_limits_count_every_card_on_both_endpoints() {
    let sb = start().await;
    let refused = [
        (
            "PRODUCT_COUNT_EXCEEDED",
            vec![
                cards("Steam Wallet", "10", 3, "a@example.com"),
                cards("Steam Wallet", "20", 3, "b@example.com"),
            ],
        ),
        (
            "MULTIPLE_LIMITED_PRODUCT_SAME_ORDER",
            vec![
                cards("Steam Wallet", "10", 1, "a@example.com"),
                cards("Razer Gold", "10", 2, "b@example.com"),
            ],
        ),
        (
            "MULTIPLE_LIMITED_PRODUCT_SAME_ORDER",
            vec![
                cards("Razer Gold", "10", 1, "a@example.com"),
                cards("Steam Wallet", "10", 1, "a@example.com"),
                cards("Razer Gold", "20", 1, "b@example.com"),
            ],
        ),
        (
            "MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED",
            vec![
                cards("Binance Gift Card", "range:1000", 2, "a@example.com"),
                cards("Binance Gift Card", "range:600", 1, "b@example.com"),
            ],
        ),
    ];
    for (code, deliveries) in refused {
        let body = order_with(deliveries);
        let (status, answer) = sb
            .post("/v5/orders/validations", &validation_of(&body))
            .await;
        assert_eq!(status, 200, "{code}: {answer}");
        assert_eq!(problem_codes(&answer), [code], "{answer}");
        let (status, answer) = sb.post("/v5/orders", &body).await;
        assert_eq!(
            (status, &answer["detail"]),
            (400, &json!("VALIDATION_FAILED")),
            "{code}: {answer}"
        );
        assert_eq!(problem_codes(&answer), [code], "{answer}");
    }
    // Up to the limits is fine: 5 cards, one Razer Gold among others, 2,500 USD.
    let fine = [
        vec![
            cards("Steam Wallet", "10", 3, "a@example.com"),
            cards("Steam Wallet", "20", 2, "b@example.com"),
        ],
        vec![
            cards("Razer Gold", "10", 1, "a@example.com"),
            cards("Steam Wallet", "10", 2, "b@example.com"),
        ],
        vec![
            cards("Binance Gift Card", "range:1000", 2, "a@example.com"),
            cards("Binance Gift Card", "range:500", 1, "b@example.com"),
        ],
    ];
    for deliveries in fine {
        let body = order_with(deliveries);
        let count: u64 = body["deliveries"]
            .as_array()
            .expect("deliveries")
            .iter()
            .filter_map(|d| d["quantity"].as_u64())
            .sum();
        let (status, answer) = sb
            .post("/v5/orders/validations", &validation_of(&body))
            .await;
        assert_eq!(
            (status, &answer["problems"]),
            (200, &Value::Null),
            "{answer}"
        );
        let (status, order) = sb.post("/v5/orders", &body).await;
        assert_eq!(status, 201, "{order}");
        assert_eq!(
            order["deliveries"].as_array().map(Vec::len),
            Some(count as usize)
        );
    }
}

#[tokio::test]
async fn the_cards_of_an_order_are_delivered_one_at_a_time() {
    let sb = start_with(SandboxConfig {
        delivery_delay: Duration::from_millis(300),
        keep_alive: Duration::from_secs(5),
        ..SandboxConfig::default()
    })
    .await;
    let body = order_with(vec![
        cards("Steam Wallet", "10", 2, "a@example.com"),
        cards("Steam Wallet", "20", 1, "b@example.com"),
    ]);
    let (status, order) = sb.post("/v5/orders", &body).await;
    assert_eq!(status, 201, "{order}");
    let id = order["order_id"].as_str().expect("id").to_string();
    let mut events = sb.subscribe(&id, None).await;
    let (_, first) = events.message().await;
    assert_eq!(first["order_state"], "WaitingForPayment");
    sb.pay(&id, json!({})).await;
    // Each event: the order's state and each card's own state.
    let states = |o: &Value| -> (String, Vec<String>) {
        let cards = o["deliveries"]
            .as_array()
            .expect("deliveries")
            .iter()
            .map(|d| d["delivery_state"].as_str().unwrap_or_default().to_string())
            .collect();
        (
            o["order_state"].as_str().unwrap_or_default().to_string(),
            cards,
        )
    };
    let mut seen = Vec::new();
    loop {
        let (_, o) = events.message().await;
        seen.push(states(&o));
        if o["order_state"] == "Done" {
            break;
        }
    }
    let (w, d) = ("WaitingForDelivery", "Done");
    let expected: Vec<(String, Vec<String>)> = [
        (w, [w, w, w]),
        (w, [d, w, w]),
        (w, [d, d, w]),
        (d, [d, d, d]),
    ]
    .iter()
    .map(|(o, c)| (o.to_string(), c.iter().map(|s| s.to_string()).collect()))
    .collect();
    assert_eq!(seen, expected);
    events.stop_and_end().await;
}
