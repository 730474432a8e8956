//! A property-based sweep over every server function and plain route: arbitrary
//! strings, unicode, huge and empty values, wrong types and missing fields. Every
//! answer must be a success or a 4xx that says something: never a 5xx, never a
//! dropped connection (a panic).
#![cfg(feature = "ssr")]

use crate::common;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// The server functions and their argument names.
const FUNCTIONS: &[(&str, &[&str])] = &[
    ("catalog/storefront", &[]),
    ("catalog/payment_options", &[]),
    ("catalog/brands", &["country"]),
    ("catalog/homepage", &["country"]),
    ("catalog/products", &["country", "family"]),
    ("pricing/quote", &["country", "family", "amount", "pay"]),
    (
        "orders/validate",
        &[
            "country",
            "family",
            "amount",
            "pay",
            "beneficiary",
            "email",
            "coupon",
        ],
    ),
    (
        "orders/create",
        &[
            "country",
            "family",
            "amount",
            "pay",
            "beneficiary",
            "email",
            "coupon",
            "idempotency_key",
        ],
    ),
    ("orders/draft", &[]),
    ("orders/get", &["order_id"]),
];

/// Values a hostile visitor sends: plausible ones, unicode, control characters,
/// empty, huge.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("US".to_string()),
        Just("USDC|Solana".to_string()),
        Just("25".to_string()),
        Just("friend@example.com".to_string()),
        Just("0123456789abcdef0123456789abcdef".to_string()),
        "[a-zA-Z0-9|@._ -]{0,40}",
        any::<String>().prop_map(|s| s.chars().take(60).collect()),
        "\\PC{0,30}",
        "[\\x00-\\x1f\\\\/%]{1,20}",
        (0usize..20_000).prop_map(|n| "9".repeat(n)),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
    ]
}

/// How the body is sent: the right form, a field missing, or the wrong shape.
#[derive(Clone, Debug)]
enum Shape {
    Form,
    MissingField(usize),
    Json,
    Garbage(Vec<u8>),
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        6 => Just(Shape::Form),
        1 => (0usize..8).prop_map(Shape::MissingField),
        1 => Just(Shape::Json),
        1 => proptest::collection::vec(any::<u8>(), 0..200).prop_map(Shape::Garbage),
    ]
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

static ASKED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn check(status: u16, body: &str, what: &str) -> Result<(), TestCaseError> {
    ASKED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    prop_assert!(status < 500, "{what}: {status} {body:.300}");
    if status >= 400 {
        prop_assert!(
            !body.trim().is_empty(),
            "{what}: {status} without a message"
        );
    }
    Ok(())
}

#[test]
fn no_input_makes_a_5xx_or_a_panic() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let s = rt.block_on(common::shop(&[]));
    // A fresh runner per endpoint: a runner counts its cases across runs.
    let runner = || {
        TestRunner::new(Config {
            cases: 40,
            failure_persistence: None,
            ..Config::default()
        })
    };
    for (endpoint, args) in FUNCTIONS {
        let strategy = (proptest::collection::vec(value(), args.len()), shape());
        runner()
            .run(&strategy, |(values, shape)| {
                let url = format!("{}/api/{endpoint}", s.base);
                let pairs: Vec<(&str, String)> =
                    args.iter().copied().zip(values.iter().cloned()).collect();
                let req = s.http.post(&url).header("accept", "application/json");
                let req = match &shape {
                    Shape::Form => req.form(&pairs),
                    Shape::MissingField(i) => {
                        let mut p = pairs.clone();
                        if !p.is_empty() {
                            p.remove(i % p.len());
                        }
                        req.form(&p)
                    }
                    Shape::Json => req.json(&serde_json::json!({"country": 1, "family": [true]})),
                    Shape::Garbage(bytes) => req
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(bytes.clone()),
                };
                let (status, body) = rt.block_on(async {
                    let resp = req
                        .send()
                        .await
                        .map_err(|e| TestCaseError::fail(format!("{endpoint}: {e}")))?;
                    let status = resp.status().as_u16();
                    Ok::<_, TestCaseError>((status, resp.text().await.unwrap_or_default()))
                })?;
                check(status, &body, &format!("{endpoint} {shape:?} {values:?}"))
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let routes: &[fn(&str, &str) -> String] = &[
        |a, b| format!("/country?country={}&next={}", urlencode(a), urlencode(b)),
        |a, _| format!("/qr.svg?text={}", urlencode(a)),
        |a, _| format!("/api/orders/{}/subscribe", urlencode(a)),
        |a, b| format!("/brands/{}/{}", urlencode(a), urlencode(b)),
        |a, _| format!("/orders/{}", urlencode(a)),
        |a, b| format!("/{}?{}", urlencode(a), urlencode(b)),
    ];
    for route in routes {
        runner()
            .run(&(value(), value()), |(a, b)| {
                let path = route(&a, &b);
                let (status, body) = rt.block_on(async {
                    let resp = s
                        .http
                        .get(format!("{}{path}", s.base))
                        .timeout(std::time::Duration::from_secs(10))
                        .send()
                        .await
                        .map_err(|e| TestCaseError::fail(format!("{path}: {e}")))?;
                    let status = resp.status().as_u16();
                    // Event streams stay open: the status and headers are enough.
                    if resp
                        .headers()
                        .get("content-type")
                        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"))
                    {
                        return Ok::<_, TestCaseError>((status, "stream".to_string()));
                    }
                    Ok((status, resp.text().await.unwrap_or_default()))
                })?;
                check(status, &body, &format!("GET {path:.200}"))
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let asked = ASKED.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        asked >= 40 * (FUNCTIONS.len() + routes.len()),
        "only {asked} requests"
    );
}
