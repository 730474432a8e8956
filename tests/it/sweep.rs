//! A property-based sweep over every endpoint the shop serves, listed from the
//! shop itself so that a new one is swept without anyone adding it here: every
//! registered server function (server_fn's registry), every page route (the
//! app's route list) and every plain route (`server::routes`' tables). Arbitrary
//! field names and values, unicode, huge and empty values, wrong shapes, and
//! arbitrary or forged cookies (the cart, draft and recent-order readers
//! included). Every answer must be a success or a 4xx that says something: never
//! a 5xx, never a dropped connection (a panic). Every POST sent from another
//! website (or a sibling subdomain, or a `null` origin) is refused with a 403
//! that says why.
#![cfg(feature = "ssr")]

use crate::common;

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Field names the shop's forms use (arbitrary names are sent too).
const FIELDS: &[&str] = &[
    "again",
    "amount",
    "beneficiary",
    "country",
    "coupon",
    "email",
    "family",
    "idempotency_key",
    "lang",
    "line",
    "order_id",
    "pay",
    "polling",
    "quantity",
    "shown_total",
    "q",
    "kind",
    "category",
    "draft",
    "next",
    "to",
    "text",
    "unknown_country",
];

/// Cookie names the shop reads (arbitrary names are sent too).
const COOKIES: &[&str] = &["cart", "draft", "recent", "lang", "country"];

/// Requests per endpoint and per kind of variation.
const CASES: u32 = 30;

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

/// A field's name: one the shop knows, or anything.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(FIELDS).prop_map(str::to_string),
        1 => "[a-zA-Z_\\[\\]]{1,16}",
    ]
}

/// A request's fields: any number of names and values.
fn fields() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((field(), value()), 0..10)
}

/// A cookie header: the shop's own names with forged values (a signed-looking
/// value with a wrong signature, junk, a huge one), and strangers' names.
fn cookies() -> impl Strategy<Value = Option<String>> {
    let name = prop_oneof![
        4 => select(COOKIES).prop_map(str::to_string),
        1 => "[a-zA-Z_]{1,12}",
    ];
    let value = prop_oneof![
        Just(String::new()),
        "[A-Za-z0-9_-]{10,80}\\.[A-Za-z0-9_-]{10,60}",
        "[!#-+\\--:<-~]{0,120}",
        "tr|vi|en|US|TR|VN|xx",
        (0usize..6_000).prop_map(|n| "A".repeat(n)),
    ];
    proptest::option::of(
        proptest::collection::vec((name, value), 1..5).prop_map(|pairs| {
            pairs
                .into_iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        }),
    )
}

/// How the body is sent: a form, JSON of the wrong types, or garbage.
#[derive(Clone, Debug)]
enum Shape {
    Form,
    Json,
    Garbage(Vec<u8>),
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        6 => Just(Shape::Form),
        1 => Just(Shape::Json),
        1 => proptest::collection::vec(any::<u8>(), 0..200).prop_map(Shape::Garbage),
    ]
}

/// What another website's request carries: each alone is enough to refuse it.
fn foreign() -> impl Strategy<Value = (&'static str, &'static str)> {
    select(
        &[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-site", "same-site"),
            ("origin", "https://evil.example"),
            ("origin", "null"),
        ][..],
    )
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

fn query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A route's path with each parameter (`{name}`, `:name`, `*name`) filled in.
fn fill(route: &str, values: &[String]) -> String {
    let mut values = values.iter().cycle();
    route
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') || seg.starts_with(':') || seg.starts_with('*') {
                urlencode(values.next().map(String::as_str).unwrap_or(""))
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

static ASKED: AtomicUsize = AtomicUsize::new(0);

fn check(status: u16, body: &str, what: &str) -> Result<(), TestCaseError> {
    ASKED.fetch_add(1, Ordering::Relaxed);
    prop_assert!(status < 500, "{what}: {status} {body:.300}");
    if status >= 400 {
        prop_assert!(
            !body.trim().is_empty(),
            "{what}: {status} without a message"
        );
    }
    Ok(())
}

/// A transport error with its causes (reqwest's own words are only "error
/// sending request": a reset, a closed connection and a timeout look alike).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// Sends `req`; an event stream's status and headers are enough (it stays open).
///
/// A request that gets no answer is sent once more: a handler that panics or
/// drops the connection does so again for the same input and fails the sweep,
/// while a pooled connection closed just as it was reused (a keep-alive race
/// of a loaded machine, seen once in CI with an ordinary request) does not.
/// Both tries' errors are printed whole.
async fn answer(req: reqwest::RequestBuilder, what: &str) -> Result<(u16, String), TestCaseError> {
    let req = req.timeout(std::time::Duration::from_secs(10));
    let again = req.try_clone();
    let resp = match req.send().await {
        Ok(resp) => resp,
        Err(first) => {
            let first = chain(&first);
            eprintln!("{what:.200}: no answer ({first}); sending it once more");
            let again = again.ok_or_else(|| TestCaseError::fail(format!("{what}: {first}")))?;
            again.send().await.map_err(|e| {
                TestCaseError::fail(format!("{what}: {first}; and again: {}", chain(&e)))
            })?
        }
    };
    let status = resp.status().as_u16();
    if resp
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"))
    {
        return Ok((status, "stream".to_string()));
    }
    Ok((status, resp.text().await.unwrap_or_default()))
}

/// A fresh runner per endpoint: a runner counts its cases across runs.
fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn no_input_makes_a_5xx_or_a_panic() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let s = rt.block_on(common::shop(&[]));
    let functions: Vec<(&str, bool)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path, method == axum::http::Method::GET))
        .collect();
    for known in ["/api/orders/create", "/api/cart/pay", "/api/checkout/check"] {
        assert!(
            functions.iter().any(|(p, _)| *p == known),
            "the registry misses {known}: {functions:?}"
        );
    }
    for &(path, get) in &functions {
        runner()
            .run(
                &(fields(), shape(), cookies()),
                |(pairs, shape, cookies)| {
                    let url = format!("{}{path}", s.base);
                    let mut req = if get {
                        s.http.get(format!("{url}?{}", query(&pairs)))
                    } else {
                        let req = s.http.post(&url);
                        match &shape {
                            Shape::Form => req.form(&pairs),
                            Shape::Json => {
                                req.json(&serde_json::json!({"country": 1, "family": [true]}))
                            }
                            Shape::Garbage(bytes) => req
                                .header("content-type", "application/x-www-form-urlencoded")
                                .body(bytes.clone()),
                        }
                    };
                    req = req.header("accept", "application/json");
                    if let Some(c) = &cookies {
                        req = req.header("cookie", c);
                    }
                    let what = format!("{path} {shape:?} {pairs:?} cookies {cookies:?}");
                    let (status, body) = rt.block_on(answer(req, &what))?;
                    check(status, &body, &what)
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
        if get {
            continue;
        }
        // Another website's post: refused before anything is read, in words.
        runner()
            .run(
                &(fields(), foreign(), any::<bool>()),
                |(pairs, (header, value), html)| {
                    let accept = if html {
                        "text/html"
                    } else {
                        "application/json"
                    };
                    let req = s
                        .http
                        .post(format!("{}{path}", s.base))
                        .header("accept", accept)
                        .header(header, value)
                        .form(&pairs);
                    let what = format!("{path} {header}: {value}");
                    let (status, body) = rt.block_on(answer(req, &what))?;
                    ASKED.fetch_add(1, Ordering::Relaxed);
                    prop_assert_eq!(status, 403, "{}: {:.300}", what, body);
                    prop_assert!(!body.trim().is_empty(), "{}: 403 without a message", what);
                    Ok(())
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let posts = functions.iter().filter(|(_, get)| !get).count();

    // Page routes (the app's own list) and plain routes (the router's tables),
    // in every language, with arbitrary queries and cookies.
    let mut routes: Vec<String> = storefront::server::run::route_list()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    routes.extend(
        storefront::server::routes::PLAIN
            .iter()
            .chain(storefront::server::routes::STREAMS)
            .map(|(path, _)| path.to_string()),
    );
    for route in [
        "/brands/{country}/{family}",
        "/orders/{id}",
        "/lang",
        "/qr.svg",
    ] {
        assert!(
            routes
                .iter()
                .any(|r| r.replace(':', "{") == route || r == route),
            "{route} is missing from the listed routes: {routes:?}"
        );
    }
    for route in &routes {
        runner()
            .run(
                &(
                    select(&["", "/tr", "/vi"][..]),
                    proptest::collection::vec(value(), 2),
                    fields(),
                    cookies(),
                ),
                |(prefix, params, pairs, cookies)| {
                    let path = format!("{prefix}{}?{}", fill(route, &params), query(&pairs));
                    let mut req = s.http.get(format!("{}{path}", s.base));
                    if let Some(c) = &cookies {
                        req = req.header("cookie", c);
                    }
                    let what = format!("GET {path:.200} cookies {cookies:.200?}");
                    let (status, body) = rt.block_on(answer(req, &what))?;
                    check(status, &body, &what)
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
    }
    eprintln!(
        "swept {} server functions ({posts} posts, cross-site too) and {} routes",
        functions.len(),
        routes.len()
    );
    let asked = ASKED.load(Ordering::Relaxed);
    let expected = CASES as usize * (functions.len() + posts + routes.len());
    assert!(asked >= expected, "only {asked} of {expected} requests");
}
