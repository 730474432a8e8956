//! The reference's own examples (tests/it/fixtures/reference/, from both seed pages):
//! the client produces every field of each request example and reads each answer,
//! stream and error example.
#![cfg(feature = "ssr")]

use serde_json::Value;
use storefront::model::order::{Order, OrderState};
use storefront::server::sse::Parser;
use storefront::server::upstream::UpstreamError;
use storefront::server::upstream::error::problems_of;
use storefront::server::upstream::requests::{
    Acquisition, Deliverable, OrderDelivery, OrderRequest, Payment, User, ValidationDelivery,
    ValidationPayment, ValidationRequest,
};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/it/fixtures/reference/{name}")).expect("fixture")
}

fn json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).expect("fixture json")
}

/// `ours` has exactly the fields of `example`, no more, with its values
/// (placeholders aside): requests go out in the shape of the reference's examples.
fn assert_same_shape(example: &Value, ours: &Value, path: &str) {
    assert_covers(example, ours, path);
    assert_covers(ours, example, path);
}

/// Every field of `example` is in `ours` with the same value (placeholders aside).
fn assert_covers(example: &Value, ours: &Value, path: &str) {
    match example {
        Value::Object(map) => {
            for (k, v) in map {
                let mine = ours
                    .get(k)
                    .unwrap_or_else(|| panic!("{path}.{k} is missing from {ours}"));
                assert_covers(v, mine, &format!("{path}.{k}"));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                assert_covers(v, &ours[i], &format!("{path}[{i}]"));
            }
        }
        Value::String(s) if s == "END_USER_EMAIL" || s == "your_platform" => {
            assert!(ours.is_string(), "{path}: a string")
        }
        Value::String(_)
            if ours
                .as_str()
                .is_some_and(|o| o == "END_USER_EMAIL" || o == "your_platform") => {}
        other => assert_eq!(other, ours, "{path}"),
    }
}

#[test]
fn our_validation_request_is_the_example_field_for_field() {
    let ours = ValidationRequest {
        email: "buyer@example.com".into(),
        payment: ValidationPayment::via_wallet("USDC"),
        deliveries: vec![ValidationDelivery {
            beneficiary_account: "friend@example.com".into(),
            brand_name: "Airbnb".into(),
            country_code: "US".into(),
            denomination: "100 USD".into(),
            localized_denomination: Some("$100".into()),
            product_value: None,
        }],
        lang: "en".into(),
        coupon: None,
    };
    let ours = serde_json::to_value(&ours).expect("serialise");
    assert_same_shape(&json("validation_request.json"), &ours, "");
    assert!(
        ours.get("coupon").is_none(),
        "absent optional fields are not sent"
    );
}

#[test]
fn our_order_request_is_both_examples_field_for_field() {
    let ours = OrderRequest {
        deliveries: vec![OrderDelivery {
            kind: "giftcard".into(),
            quantity: 1,
            deliverable: Deliverable {
                brand_name: "Airbnb".into(),
                country_code: "US".into(),
                denomination: "100".into(),
                beneficiary_account: "friend@example.com".into(),
                product_value: None,
            },
        }],
        payment: Payment::via_wallet("USDC", "Solana"),
        user: User {
            email: "buyer@example.com".into(),
            has_accepted_newsletter: true,
        },
        lang: "en".into(),
        acquisition: Acquisition {
            utm_source: "storefront",
        },
        coupon: None,
    };
    let ours = serde_json::to_value(&ours).expect("serialise");
    // The Vietnamese page (the newer revision) adds `beneficiary_account` to the
    // Turkish page's example: ours is the newer one field for field.
    assert_covers(
        &json("order_request_tr.json"),
        &ours,
        "order_request_tr.json",
    );
    assert_same_shape(
        &json("order_request_vi.json"),
        &ours,
        "order_request_vi.json",
    );
}

#[test]
fn an_order_answer_with_only_what_the_reference_promises_is_read() {
    let order: Order = serde_json::from_value(json("order_answer.json")).expect("parses");
    let order = order.normalized();
    assert_eq!(
        order.wallet_address.as_deref(),
        Some("Fv5u31LYhnnDnp9vFt5poqCZC8Lb1UY5QkcS8ais3ob4")
    );
    assert_eq!(order.coin_amount.as_deref(), Some("101.70"));
    assert!(
        order.order_id.is_empty(),
        "no id: the shop treats the order as uncertain"
    );
}

#[test]
fn the_example_stream_reads_to_done_and_stop() {
    let frames = Parser::default().push(fixture("stream.txt").as_bytes());
    let states: Vec<OrderState> = frames
        .iter()
        .filter(|f| f.event.is_none())
        .filter_map(|f| Order::from_event(&f.data))
        .map(|o| o.order_state)
        .collect();
    assert_eq!(
        states,
        [
            OrderState::WaitingForPayment,
            OrderState::WaitingForDelivery,
            OrderState::Done
        ]
    );
    let last = frames.last().expect("a last event");
    assert_eq!(
        last.event.as_deref(),
        Some("stop"),
        "stop, even with empty data"
    );
    // The shop's parser reads the example as a standard one does (a browser's
    // `EventSource`, here `eventsource-stream`): the same events, names and data.
    let standard = standard_events(fixture("stream.txt").as_bytes());
    let ours: Vec<(String, String)> = frames
        .iter()
        .map(|f| {
            let name = f.event.clone().unwrap_or_else(|| "message".into());
            (name, f.data.clone())
        })
        .collect();
    let theirs: Vec<(String, String)> = standard
        .iter()
        .map(|(e, d, _)| (e.clone(), d.clone()))
        .collect();
    assert_eq!(ours, theirs);
    // Ids: each event's own (ours), the last one seen (a browser's `lastEventId`).
    let ids: Vec<Option<&str>> = frames.iter().map(|f| f.id.as_deref()).collect();
    assert_eq!(ids, [Some("1"), Some("2"), Some("3"), None]);
    let last_ids: Vec<&str> = standard.iter().map(|(_, _, id)| id.as_str()).collect();
    assert_eq!(last_ids, ["1", "2", "3", "3"]);
}

/// `(event, data, last event id)` of each event a standard reader dispatches
/// from `bytes` (fed one byte at a time: events split anywhere still read whole).
fn standard_events(bytes: &[u8]) -> Vec<(String, String, String)> {
    use eventsource_stream::Eventsource;
    use futures::StreamExt;
    let chunks = bytes
        .iter()
        .map(|b| Ok::<_, std::convert::Infallible>(vec![*b]))
        .collect::<Vec<_>>();
    futures::executor::block_on(
        futures::stream::iter(chunks)
            .eventsource()
            .map(|e| {
                let e = e.expect("a valid event stream");
                (e.event, e.data, e.id)
            })
            .collect(),
    )
}

#[test]
fn the_example_errors_are_read() {
    let errors = json("errors.json");
    let problems = problems_of(&errors).expect("problems");
    let codes: Vec<&str> = problems.iter().map(|p| p.problem.as_str()).collect();
    assert_eq!(codes, ["COUPON_EXPIRED", "NOT_ALLOWED_PAYMENT_VIA"]);
    let bare = problems_of(&errors["problems"]).expect("a bare list too");
    assert_eq!(bare.len(), 2);
    let http = serde_json::to_vec(&errors["http_level"]).expect("bytes");
    assert!(matches!(
        UpstreamError::from_status(422, None, &http),
        UpstreamError::Suspended(code) if code == "SUSPENDED_NETWORK"
    ));
}
