//! Pages, headers and the order event-stream proxy over real HTTP, against the
//! embedded sandbox: statuses, headers, pass-through, stop, fan-out, disconnect,
//! shutdown, and the partner id never reaching a browser.
#![cfg(feature = "ssr")]

use crate::common;

use common::{Shop, new_order, shop, some_family};
use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;
use storefront::error::AppError;

/// An open event stream, read as a browser's `EventSource` reads it: by a
/// third-party parser that follows the HTML standard (`eventsource-stream`), never
/// the shop's own `sse::Parser`, so a bug in ours can't hide in the test. It
/// dispatches only what a browser dispatches (no event without a data line), names
/// unnamed events `message`, and keeps the last id, as `lastEventId` does.
struct Events {
    body: futures::stream::BoxStream<'static, Result<Event, EventStreamError<reqwest::Error>>>,
}

impl Events {
    async fn open(s: &Shop, id: &str, last_event_id: Option<&str>) -> (reqwest::Response, u16) {
        let mut req = s
            .http
            .get(format!("{}/api/orders/{id}/subscribe", s.base))
            .header("accept", "text/event-stream");
        if let Some(l) = last_event_id {
            req = req.header("last-event-id", l);
        }
        let resp = req.send().await.expect("subscribe");
        let st = resp.status().as_u16();
        (resp, st)
    }

    fn new(resp: reqwest::Response) -> Events {
        Events {
            body: resp.bytes_stream().eventsource().boxed(),
        }
    }

    /// The next event, or `None` when the stream ended (or the connection was
    /// cut); panics after 10 s, or on bytes that are no event stream.
    async fn next(&mut self) -> Option<Event> {
        match tokio::time::timeout(Duration::from_secs(10), self.body.next())
            .await
            .expect("event in time")
        {
            Some(Ok(event)) => Some(event),
            Some(Err(EventStreamError::Transport(_))) | None => None,
            Some(Err(e)) => panic!("not an event stream: {e}"),
        }
    }
}

fn is_stop(e: &Event) -> bool {
    e.event == "stop"
}

fn state_of(e: &Event) -> String {
    serde_json::from_str::<Value>(&e.data)
        .map(|v| v["order_state"].as_str().unwrap_or_default().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn health_headers_and_compression() {
    let s = shop(&[]).await;
    let resp = s
        .http
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .expect("health");
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .expect("csp")
            .contains("'wasm-unsafe-eval'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.contains_key("referrer-policy"));
    let resp = s
        .http
        .get(format!("{}/", s.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("home");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn pages_render_with_real_statuses() {
    let s = shop(&[]).await;
    let (st, html) = s.get("/").await;
    assert_eq!(st, 200);
    assert!(
        html.contains("All brands in United States"),
        "home lists the country's brands"
    );
    let (family, _) = some_family(&s, "US").await;
    let (st, html) = s.get(&format!("/brands/US/{family}")).await;
    assert_eq!(st, 200);
    assert!(html.contains("Place order"));
    assert_eq!(s.get("/no/such/page").await.0, 404);
    assert_eq!(s.get("/brands/US/no-such-brand").await.0, 404);
    assert_eq!(s.get("/brands/ZZ/steam").await.0, 404);
    assert_eq!(
        s.get("/orders/00000000-0000-0000-0000-000000000000")
            .await
            .0,
        404
    );
    let id = new_order(&s, "page-order-0001").await;
    let (st, html) = s.get(&format!("/orders/{id}")).await;
    assert_eq!(st, 200);
    assert!(html.contains("Waiting for your payment"));
}

#[tokio::test]
async fn country_choice_sets_a_cookie_and_never_redirects_off_site() {
    let s = shop(&[]).await;
    let resp = s
        .http
        .get(format!("{}/country?country=Germany%20(DE)&next=/", s.base))
        .send()
        .await
        .expect("choose");
    assert_eq!(resp.status().as_u16() / 100, 3);
    assert!(
        resp.headers()["set-cookie"]
            .to_str()
            .expect("cookie")
            .starts_with("country=DE;")
    );
    let resp = s
        .http
        .get(format!(
            "{}/country?country=Atlantis&next=//evil.example",
            s.base
        ))
        .send()
        .await
        .expect("bad");
    assert_eq!(resp.headers()["location"], "/?unknown_country=1");
    assert!(resp.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn country_choice_reads_other_names_without_javascript() {
    let s = shop(&[]).await;
    // What a shopper types into the picker, as the no-JavaScript form sends it.
    for (typed, code) in [
        ("Turkey", "TR"),
        ("T%C3%BCrkiye", "TR"),
        ("tr", "TR"),
        ("Viet%20Nam", "VN"),
        ("Vi%E1%BB%87t%20Nam", "VN"),
        ("Ivory%20Coast", "CI"),
        ("C%C3%B4te%20d%E2%80%99Ivoire", "CI"),
        ("Deutschland", "DE"),
    ] {
        let resp = s
            .http
            .get(format!("{}/country?country={typed}&next=/", s.base))
            .send()
            .await
            .expect("choose");
        assert_eq!(resp.headers()["location"], "/", "{typed}");
        let cookie = resp.headers()["set-cookie"].to_str().expect("cookie");
        assert!(
            cookie.starts_with(&format!("country={code};")),
            "{typed}: {cookie}"
        );
    }
}

#[tokio::test]
async fn subscribe_rejects_malformed_ids_before_any_upstream_call() {
    let s = shop(&[]).await;
    let before = s.stats().await;
    for id in ["a%2Fb", "..%2F..", &"x".repeat(65), "a%20b"] {
        let (resp, st) = Events::open(&s, id, None).await;
        assert_eq!(st, 400, "{id}");
        let body: AppError = resp.json().await.expect("the shop's error");
        assert!(!body.to_string().is_empty());
    }
    assert_eq!(s.stats().await, before);
    let (_, st) = Events::open(&s, "00000000-0000-0000-0000-000000000000", None).await;
    assert_eq!(st, 404, "the upstream's status is passed on");
}

#[tokio::test]
async fn events_stream_through_until_stop() {
    let s = shop(&[]).await;
    let id = new_order(&s, "sse-order-0001").await;
    let (resp, st) = Events::open(&s, &id, Some("0")).await;
    assert_eq!(st, 200);
    let h = resp.headers();
    assert_eq!(h["content-type"], "text/event-stream");
    assert_eq!(h["cache-control"], "no-store, no-transform");
    assert_eq!(h["x-accel-buffering"], "no");
    assert!(
        h.get("content-encoding").is_none(),
        "event streams are never compressed"
    );
    let mut ev = Events::new(resp);
    let first = ev.next().await.expect("first event");
    assert_eq!(state_of(&first), "WaitingForPayment");
    assert_eq!(first.event, "message", "order states are unnamed events");
    assert!(!first.id.is_empty(), "event ids pass through");
    let (st, _) = s.control(&format!("/orders/{id}/pay"), json!({})).await;
    assert!(st < 300);
    let mut states = Vec::new();
    let mut stopped = false;
    while let Some(f) = ev.next().await {
        if is_stop(&f) {
            stopped = true;
            continue;
        }
        assert_eq!(f.event, "message", "{f:?}");
        assert!(!stopped, "nothing after stop");
        states.push(state_of(&f));
    }
    assert!(stopped, "stop passed through: {states:?}");
    assert_eq!(
        states.last().map(String::as_str),
        Some("Done"),
        "{states:?}"
    );
}

#[tokio::test]
async fn browsers_watching_one_order_share_one_upstream_stream() {
    let s = shop(&[]).await;
    let id = new_order(&s, "fanout-order-01").await;
    s.reset_stats().await;
    let mut streams = Vec::new();
    // Browsers arriving at the same moment share one stream too.
    let opened = futures::future::join_all((0..3).map(|_| Events::open(&s, &id, None))).await;
    for (resp, st) in opened {
        assert_eq!(st, 200);
        let mut ev = Events::new(resp);
        assert_eq!(
            state_of(&ev.next().await.expect("replayed state")),
            "WaitingForPayment"
        );
        streams.push(ev);
    }
    assert_eq!(s.running.state.hub.open_upstreams(), 1);
    assert_eq!(
        s.hits("/subscribe").await,
        1,
        "three browsers, one upstream stream"
    );
    drop(streams);
    let mut open = 1;
    for _ in 0..50 {
        open = s.running.state.hub.open_upstreams();
        if open == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        open, 0,
        "the upstream stream closes when the last browser leaves"
    );
}

/// Reads from `conn` until `until` is in what was read, it closes, or 10 s pass.
async fn read_until(conn: &mut tokio::net::TcpStream, text: &mut String, until: &str) -> bool {
    use tokio::io::AsyncReadExt;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut buf = [0u8; 4096];
    while !text.contains(until) && std::time::Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(10), conn.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => text.push_str(&String::from_utf8_lossy(&buf[..n])),
            _ => return false,
        }
    }
    text.contains(until)
}

#[tokio::test]
async fn a_browser_s_stream_has_its_connection_to_itself_and_ends_with_it() {
    use tokio::io::AsyncWriteExt;
    let s = shop(&[]).await;
    let id = new_order(&s, "bare-stream-001").await;
    let addr = s.base.trim_start_matches("http://").to_string();
    let request = format!(
        "GET /api/orders/{id}/subscribe HTTP/1.1\r\nHost: shop\r\nAccept: text/event-stream\r\nLast-Event-ID: 0\r\n\r\n"
    );
    // The connection's first request: served on the bare connection.
    let mut conn = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    conn.write_all(request.as_bytes()).await.expect("send");
    let mut text = String::new();
    assert!(
        read_until(&mut conn, &mut text, "WaitingForPayment").await,
        "{text}"
    );
    let head = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200 ok\r\n"), "{head}");
    for line in [
        "content-type: text/event-stream",
        "cache-control: no-store, no-transform",
        "x-accel-buffering: no",
        "connection: close",
        "x-request-id: ",
    ] {
        assert!(head.contains(line), "{line} in {head}");
    }
    assert!(!head.contains("transfer-encoding"), "{head}");
    // After a request on the same connection: hyper serves it, as before.
    let mut reused = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    reused
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: shop\r\n\r\n")
        .await
        .expect("send");
    let mut first = String::new();
    assert!(read_until(&mut reused, &mut first, "ok").await, "{first}");
    reused.write_all(request.as_bytes()).await.expect("send");
    let mut other = String::new();
    assert!(
        read_until(&mut reused, &mut other, "WaitingForPayment").await,
        "{other}"
    );
    assert!(
        other
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{other}"
    );
    // Both follow the order to its end, and the bare one is closed after it.
    let (st, _) = s.control(&format!("/orders/{id}/pay"), json!({})).await;
    assert!(st < 300);
    assert!(
        read_until(&mut conn, &mut text, "event: stop").await,
        "{text}"
    );
    assert!(
        !read_until(&mut conn, &mut text, "never sent").await,
        "closed after the stream"
    );
    assert!(
        read_until(&mut reused, &mut other, "event: stop").await,
        "{other}"
    );
}

#[tokio::test]
async fn a_broken_stream_request_is_refused_and_closed() {
    use tokio::io::AsyncWriteExt;
    let s = shop(&[("CR_HEADER_READ_TIMEOUT_MS", "500")]).await;
    let addr = s.base.trim_start_matches("http://").to_string();
    for (request, status) in [
        (
            "GET /api/orders/abc/subscribe HTTP/1.1\r\nNo colon here\r\n\r\n",
            "400",
        ),
        (
            "GET /api/orders/abc/subscribe HTTP/1.1\r\nContent-Length: 2\r\n\r\nab",
            "400",
        ),
    ] {
        let mut conn = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect");
        conn.write_all(request.as_bytes()).await.expect("send");
        let mut text = String::new();
        read_until(&mut conn, &mut text, "never sent").await;
        assert!(
            text.starts_with(&format!("HTTP/1.1 {status} ")),
            "{request:?}: {text}"
        );
    }
    // A head that never ends is closed at the header-read timeout.
    let mut conn = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    conn.write_all(b"GET /api/orders/abc/subscribe HTTP/1.1\r\nX-Slow: 1\r\n")
        .await
        .expect("send");
    let mut text = String::new();
    read_until(&mut conn, &mut text, "never sent").await;
    assert!(text.starts_with("HTTP/1.1 408 "), "{text}");
}

#[tokio::test]
async fn shutdown_ends_open_streams() {
    let s = shop(&[]).await;
    let id = new_order(&s, "shutdown-order1").await;
    let (resp, _) = Events::open(&s, &id, None).await;
    let mut ev = Events::new(resp);
    ev.next().await.expect("first");
    s.running.shutdown.cancel();
    assert!(ev.next().await.is_none(), "stream ended by shutdown");
}

#[tokio::test]
async fn unreachable_upstream_is_502_and_upstream_errors_pass_through() {
    let down = shop(&[
        ("CR_API_URL", "http://127.0.0.1:9"),
        ("CR_PARTNER_ID", "p"),
        ("CR_CONNECT_TIMEOUT_MS", "500"),
    ])
    .await;
    let (resp, st) = Events::open(&down, "abc-123", None).await;
    assert_eq!(st, 502);
    assert!(
        resp.json::<AppError>().await.is_ok(),
        "the shop's one error answer"
    );
    let (st, e) = down.call("catalog/brands", &[("country", "US")]).await;
    assert_eq!(st, 503, "{e}");

    let s = shop(&[]).await;
    let id = new_order(&s, "passthru-order1").await;
    s.control(
        "/faults",
        json!({"match": format!("{id}/subscribe"), "kind": "status", "status": 500}),
    )
    .await;
    let (_, st) = Events::open(&s, &id, None).await;
    assert_eq!(st, 500);
}

#[tokio::test]
async fn the_partner_id_never_reaches_a_browser() {
    const SECRET: &str = "PARTNER-SECRET-7c1e";
    let s = shop(&[("CR_PARTNER_ID", SECRET)]).await;
    let (family, amount) = some_family(&s, "US").await;
    let id = new_order(&s, "secret-order-01").await;
    let mut bodies = Vec::new();
    for path in [
        "/".to_string(),
        format!("/brands/US/{family}"),
        format!("/orders/{id}"),
        "/healthz".into(),
        "/nope".into(),
    ] {
        bodies.push(s.get(&path).await.1);
    }
    for (endpoint, form) in [
        ("catalog/storefront", vec![]),
        ("catalog/payment_options", vec![]),
        ("catalog/brands", vec![("country", "US")]),
        ("catalog/homepage", vec![("country", "US")]),
        (
            "catalog/products",
            vec![("country", "US"), ("family", family.as_str())],
        ),
        (
            "pricing/quote",
            vec![
                ("country", "US"),
                ("family", family.as_str()),
                ("amount", amount.as_str()),
                ("pay", "USDC|Solana"),
            ],
        ),
        ("orders/get", vec![("order_id", id.as_str())]),
        ("orders/get", vec![("order_id", "nope")]),
    ] {
        bodies.push(s.call(endpoint, &form).await.1.to_string());
    }
    let (resp, _) = Events::open(&s, &id, None).await;
    let mut ev = Events::new(resp);
    bodies.push(ev.next().await.expect("event").data);
    for b in &bodies {
        assert!(
            !b.contains(SECRET),
            "partner id leaked: {}",
            &b[..b.len().min(200)]
        );
    }
}

/// The browser's code as built (`target/site/pkg`: wasm, JS, CSS), fetched from
/// the shop as a browser fetches it, holds no partner id: neither the one this
/// shop runs with nor the one compiled into the server (the sandbox's), nor the
/// header or variable that carries it (their presence would mean the browser's
/// code could call the partner API itself). The built site must be there: this
/// test fails, never skips, without it (`scripts/test` builds it first).
#[tokio::test]
async fn the_built_wasm_and_js_hold_no_partner_id() {
    const SECRET: &str = "PARTNER-SECRET-7c1e";
    const SITE: &str = "target/site";
    let pkg = std::path::Path::new(SITE).join("pkg");
    let dir = std::fs::read_dir(&pkg).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}): the partner-id scan of the browser's wasm and JS needs \
             the built site; run `bash scripts/build` first",
            pkg.display()
        )
    });
    // The files as built; `.br`/`.gz` are the same bytes compressed.
    let mut names: Vec<String> = dir
        .flatten()
        .map(|f| f.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".br") && !n.ends_with(".gz"))
        .collect();
    names.sort();
    for kind in [".wasm", ".js"] {
        assert!(
            names.iter().any(|n| n.ends_with(kind)),
            "no {kind} file in {}: {names:?}; run `bash scripts/build` first",
            pkg.display()
        );
    }
    let s = common::shop_at(&[("CR_PARTNER_ID", SECRET)], SITE).await;
    for name in &names {
        let resp = s
            .http
            .get(format!("{}/pkg/{name}", s.base))
            .send()
            .await
            .expect("pkg file");
        assert_eq!(resp.status(), 200, "/pkg/{name} is served");
        let bytes = resp.bytes().await.expect("body");
        assert!(!bytes.is_empty(), "/pkg/{name} is empty");
        // Any case: a header name is case-insensitive.
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        for needle in [
            SECRET,
            storefront::server::config::SANDBOX_PARTNER_ID,
            "x-cr-application",
            "CR_PARTNER_ID",
        ] {
            assert!(
                !text.contains(&needle.to_ascii_lowercase()),
                "/pkg/{name} holds {needle:?}: the partner id reaches browsers"
            );
        }
    }
}

#[tokio::test]
async fn a_dropped_upstream_stream_ends_the_browsers_stream_without_stop() {
    let s = shop(&[]).await;
    let id = new_order(&s, "dropped-order01").await;
    s.control("/faults", json!({"match": format!("{id}/subscribe"), "kind": "drop_sse", "after_events": 1, "times": 1}))
        .await;
    let (resp, st) = Events::open(&s, &id, None).await;
    assert_eq!(st, 200);
    let mut ev = Events::new(resp);
    assert_eq!(
        state_of(&ev.next().await.expect("first")),
        "WaitingForPayment"
    );
    assert!(
        ev.next().await.is_none(),
        "ended, and no stop: the browser will reconnect"
    );
    // The reconnect opens a fresh upstream stream that works.
    let (resp, st) = Events::open(&s, &id, Some("1")).await;
    assert_eq!(st, 200);
    let mut ev = Events::new(resp);
    assert_eq!(
        state_of(&ev.next().await.expect("state again")),
        "WaitingForPayment"
    );
}

#[tokio::test]
async fn a_brand_page_view_asks_the_price_once_per_quote_ttl_and_the_catalogue_not_again() {
    let s = shop(&[]).await;
    let (family, _) = some_family(&s, "US").await;
    assert_eq!(s.get(&format!("/brands/US/{family}")).await.0, 200);
    s.reset_stats().await;
    let (st, html) = s.get(&format!("/brands/US/{family}")).await;
    assert_eq!(st, 200);
    assert!(html.contains("You pay"), "the price is in the page");
    assert_eq!(
        s.stats().await["requests"],
        serde_json::json!({}),
        "a repeat view within the quote TTL asks nothing"
    );
    // Without quote reuse, each view asks the price once, and only the price.
    let s = shop(&[("CR_QUOTE_TTL_SECS", "0")]).await;
    assert_eq!(s.get(&format!("/brands/US/{family}")).await.0, 200);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    s.reset_stats().await;
    let (st, html) = s.get(&format!("/brands/US/{family}")).await;
    assert_eq!(st, 200);
    assert!(html.contains("You pay"));
    assert_eq!(s.hits("/v4/products/price").await, 1, "one quote per view");
    assert_eq!(
        s.hits("/v5/products").await + s.hits("/v3/payment_vias").await,
        0,
        "catalogue from the cache"
    );
}

/// The live view asks for the order's region on each event: while the order's
/// stream is open, the region comes from that stream's latest event, so any
/// number of watching pages cost the upstream no order call; polling asks the
/// upstream (its stream is the one failing).
#[tokio::test]
async fn the_live_region_comes_from_the_shared_stream_not_the_upstream() {
    let s = shop(&[]).await;
    let id = new_order(&s, "region-key-0001").await;
    let (resp, st) = Events::open(&s, &id, None).await;
    assert_eq!(st, 200);
    let mut events = Events::new(resp);
    let first = events.next().await.expect("the current state");
    assert_eq!(state_of(&first), "WaitingForPayment");

    let region = |polling: &'static str| {
        let (s, id) = (&s, id.clone());
        async move {
            let (st, v) = s
                .call("orders/region", &[("order_id", &id), ("polling", polling)])
                .await;
            assert_eq!(st, 200, "{v}");
            v.as_str().expect("the region's HTML").to_string()
        }
    };
    let before = s.hits_exact("/v5/orders/{id}").await;
    for _ in 0..20 {
        let html = region("false").await;
        assert!(html.contains(r#"data-state="WaitingForPayment""#), "{html}");
        assert!(html.contains(r#"id="live-region""#));
        assert!(html.contains("data-testid=\"wallet-address\""));
    }
    assert_eq!(
        s.hits_exact("/v5/orders/{id}").await,
        before,
        "no upstream call"
    );

    s.control(&format!("/orders/{id}/pay"), json!({})).await;
    let mut seen = Vec::new();
    while let Some(f) = events.next().await {
        seen.push(state_of(&f));
        if is_stop(&f) {
            break;
        }
    }
    let html = region("false").await;
    assert!(html.contains(r#"data-state="Done""#), "{seen:?} {html}");
    assert!(html.contains(r#"data-terminal="true""#));
    assert_eq!(s.hits_exact("/v5/orders/{id}").await, before, "still none");

    let html = region("true").await;
    assert!(html.contains(r#"data-state="Done""#));
    assert!(
        s.hits_exact("/v5/orders/{id}").await <= before + 1,
        "polling asks the upstream at most once"
    );
}

/// A page that shows an error answers with the error's status: the home page of
/// a country whose catalogue the supplier can't give right now is a 503 that
/// says so (a cache or a crawler must not keep it as the page), and a shopper
/// told to wait is told how long.
#[tokio::test]
async fn a_page_showing_an_error_answers_with_its_status() {
    let s = shop(&[]).await;
    let (st, _) = s
        .control(
            "/faults",
            json!({"match": "country_code=AQ", "kind": "status", "status": 503}),
        )
        .await;
    assert_eq!(st, 201, "the fault is registered");
    let resp = s
        .http
        .get(format!("{}/", s.base))
        .header("cookie", "country=AQ")
        .send()
        .await
        .expect("home");
    assert_eq!(resp.status(), 503);
    let html = resp.text().await.expect("html");
    assert!(html.contains("supplier is not answering"), "{html}");
    let (st, html) = s.get("/").await;
    assert_eq!(st, 200, "another country's home page is fine: {html}");
}
