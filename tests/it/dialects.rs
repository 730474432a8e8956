//! The storefront against every shape the reference allows (the sandbox's
//! dialects): in each one, problems are read, the payment panel names its coin and
//! network, an unknown state keeps the address, `stop` ends the browser's stream,
//! and an order answer that can't be read never leads to a second order.
#![cfg(feature = "ssr")]

use crate::common;

use common::{Shop, checkout, shop, some_family, stream_text};
use sandbox::dialect::Dialect;
use serde_json::{Value, json};
use std::time::Duration;

async fn speak(s: &Shop, dialects: &[Dialect]) {
    let (st, body) = s.control("/dialect", json!({ "dialects": dialects })).await;
    assert_eq!(st, 200, "{body}");
}

/// Reads an event stream until it ends (or 15 s pass); its text.
async fn read_stream(s: &Shop, id: &str) -> String {
    let resp = s.subscribe(id).await;
    stream_text(resp, Duration::from_secs(15)).await
}

/// The whole journey in one dialect.
async fn journey(dialect: Dialect) {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    speak(&s, &[dialect]).await;
    let what = format!("{dialect:?}");

    // Several problems at once, whatever their shape.
    let mut bad = checkout(&family, &amount, "");
    bad[5] = ("email", "kyc-missing@example.com");
    bad[6] = ("coupon", "EXPIRED");
    let (st, body) = s.call("orders/validate", &bad).await;
    assert_eq!(st, 422, "{what}: {body}");
    let text = body.to_string();
    assert!(text.contains("KYC_MISSING"), "{what}: {body}");
    if dialect == Dialect::ExtraFieldsIgnored {
        // The API ignores the coupon field: no coupon problem, and no discount
        // is ever claimed.
        assert!(!text.contains("COUPON_"), "{what}: {body}");
        let mut welcome = checkout(&family, &amount, "");
        welcome[6] = ("coupon", "WELCOME");
        let (st, quote) = s.call("orders/validate", &welcome).await;
        assert_eq!(st, 200, "{what}: {quote}");
        assert_eq!(quote["coupon"]["applied"], false, "{what}: {quote}");
    } else {
        assert!(text.contains("COUPON_EXPIRED"), "{what}: {body}");
    }
    if dialect == Dialect::Nulls {
        // A brand whose kind is null doesn't empty the lists.
        let (st, home) = s.get("/").await;
        assert_eq!(st, 200, "{what}");
        assert!(
            home.contains("Traveller eSIM"),
            "{what}: the null-kind brand is listed"
        );
    }

    let (st, body) = s
        .call("orders/validate", &checkout(&family, &amount, ""))
        .await;
    assert_eq!(st, 200, "{what}: {body}");

    let key = format!("dialect-{what}-0001");
    let (st, order) = s
        .call("orders/create", &checkout(&family, &amount, &key))
        .await;
    assert_eq!(st, 200, "{what}: {order}");
    let id = order["order_id"].as_str().expect("an order id").to_string();

    let (st, view) = s.call("orders/get", &[("order_id", id.as_str())]).await;
    assert_eq!(st, 200, "{what}: {view}");
    assert_eq!(view["coin"], "USDC", "{what}: {view}");
    assert_eq!(view["network"], "Solana", "{what}: {view}");

    let (st, html) = s.get(&format!("/orders/{id}")).await;
    assert_eq!(st, 200, "{what}");
    let address = view["order"]["wallet_address"].as_str().expect("address");
    assert!(html.contains(address), "{what}: the address is shown");
    assert!(html.contains("on Solana"), "{what}: the network is named");
    // The payment window from created_at, else expires_at, else arrival here.
    assert!(html.contains("data-expires="), "{what}: a countdown");
    assert!(html.contains("Pay before"), "{what}: a deadline");
    if dialect == Dialect::UnknownStates {
        assert!(
            html.contains("PaymentPending"),
            "{what}: the raw state is shown"
        );
    }

    s.control(&format!("/orders/{id}/pay"), json!({})).await;
    if dialect == Dialect::UnknownStates {
        // Paid, in a state the shop doesn't know: never an address to pay again.
        let (_, html) = s.get(&format!("/orders/{id}")).await;
        assert!(html.contains("Settling") || html.contains("Done"), "{what}");
        assert!(
            !html.contains("data-testid=\"wallet-address\""),
            "{what}: paid, no address"
        );
    }
    let text = read_stream(&s, &id).await;
    // Read as a browser's `EventSource` reads it (a standard parser, not the
    // shop's): an event without a data line is never dispatched.
    let events = standard_events(&text);
    let stop = events
        .iter()
        .find(|e| e.event == "stop")
        .unwrap_or_else(|| panic!("{what}: a browser sees no stop in {text:?}"));
    assert!(
        !stop.data.trim().is_empty(),
        "{what}: the stop carries data: {stop:?}"
    );
    assert!(
        std::ptr::eq(stop, events.last().expect("events")),
        "{what}: nothing after stop: {events:?}"
    );
}

/// The events a standard reader (`eventsource-stream`) dispatches from `text`.
fn standard_events(text: &str) -> Vec<eventsource_stream::Event> {
    use eventsource_stream::Eventsource;
    use futures::StreamExt;
    let chunk = Ok::<_, std::convert::Infallible>(text.as_bytes().to_vec());
    futures::executor::block_on(
        futures::stream::iter([chunk])
            .eventsource()
            .map(|e| e.expect("a valid event stream"))
            .collect(),
    )
}

#[tokio::test]
async fn the_journey_holds_in_every_dialect() {
    for dialect in Dialect::ALL {
        journey(dialect).await;
    }
}

#[tokio::test]
async fn the_journey_holds_in_all_dialects_at_once() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    speak(
        &s,
        &[
            Dialect::ProblemsArray,
            Dialect::StopEmpty,
            Dialect::NoPaymentFields,
            Dialect::IdKey,
            Dialect::UnknownStates,
            Dialect::Nulls,
            Dialect::ExtraFields,
        ],
    )
    .await;
    let (st, order) = s
        .call(
            "orders/create",
            &checkout(&family, &amount, "all-dialects-01"),
        )
        .await;
    assert_eq!(st, 200, "{order}");
    let id = order["order_id"].as_str().expect("id").to_string();
    let (_, view) = s.call("orders/get", &[("order_id", id.as_str())]).await;
    assert_eq!(
        (view["coin"].as_str(), view["network"].as_str()),
        (Some("USDC"), Some("Solana")),
        "the shopper's own choice, kept with the order: {view}"
    );
}

#[tokio::test]
async fn without_any_coin_or_network_the_panel_shows_no_address_and_says_why() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    let (_, order) = s
        .call(
            "orders/create",
            &checkout(&family, &amount, "no-network-0001"),
        )
        .await;
    let id = order["order_id"].as_str().expect("id").to_string();
    // A second storefront (as after a restart) knows nothing of the choice.
    let other = shop(&[
        ("CR_API_URL", &format!("{}/sandbox", s.base)),
        // The demo's partner API answers only its own shop's id.
        (
            "CR_PARTNER_ID",
            storefront::server::config::SANDBOX_PARTNER_ID,
        ),
    ])
    .await;
    speak(&s, &[Dialect::NoPaymentFields]).await;
    let (st, html) = other.get(&format!("/orders/{id}")).await;
    assert_eq!(st, 200);
    assert!(
        !html.contains("data-testid=\"wallet-address\""),
        "no address shown without a network"
    );
    assert!(html.contains("pay yet"), "and it says why");
    assert!(html.contains("network is lost"), "{html}");
}

#[tokio::test]
async fn a_lost_order_answer_never_leads_to_a_second_order() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    s.control(
        "/faults",
        json!({"match": "/v5/orders", "exact": true, "kind": "lost_answer", "times": 1}),
    )
    .await;
    s.reset_stats().await;
    let form = checkout(&family, &amount, "lost-answer-0001");
    let (st, body) = s.call("orders/create", &form).await;
    assert_eq!(st, 502, "{body}");
    assert!(body.to_string().contains("Uncertain"), "{body}");
    for _ in 0..3 {
        let (st, body) = s.call("orders/create", &form).await;
        assert_eq!(st, 502, "the retry is told the same: {body}");
    }
    let creates: u64 = s.stats().await["requests"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() == "/v5/orders")
                .filter_map(|(_, v)| v.as_u64())
                .sum()
        })
        .unwrap_or(0);
    assert_eq!(
        creates, 1,
        "one order request however often the shopper retries"
    );
}

#[tokio::test]
async fn an_order_answer_without_an_id_is_uncertain_too() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    s.control(
        "/faults",
        json!({"match": "/v5/orders", "exact": true, "kind": "missing_fields", "times": 1}),
    )
    .await;
    let form = checkout(&family, &amount, "missing-id-00001");
    let (st, body) = s.call("orders/create", &form).await;
    assert_eq!(st, 502, "{body}");
    let (st, _) = s.call("orders/create", &form).await;
    assert_eq!(st, 502, "an uncertain key stays uncertain");
}

#[tokio::test]
async fn an_unreadable_validation_answer_blocks_the_order() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    s.control(
        "/faults",
        json!({"match": "/v5/orders/validations", "kind": "malformed_json", "times": 1}),
    )
    .await;
    s.reset_stats().await;
    let (st, body) = s
        .call(
            "orders/create",
            &checkout(&family, &amount, "unreadable-0001"),
        )
        .await;
    assert_eq!(st, 503, "an unreadable answer is a clear error: {body}");
    let stats: Value = s.stats().await;
    assert!(
        stats["requests"].get("/v5/orders").is_none(),
        "no order without a readable validation: {stats}"
    );
}
