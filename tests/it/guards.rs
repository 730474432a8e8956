//! Guards that had no test of their own (issue 24): an idempotency key given
//! back after a definite refusal, one cart paid twice, the lifetime of every
//! Redis key the shop writes, order pages and the live view while Redis is
//! down, and the caps on catalogue slots and finished streams. Each was watched
//! failing against a deliberately broken copy of the code.
#![cfg(feature = "ssr")]

use crate::common;

use common::redis::RedisServer;
use common::{Shop, checkout, new_order, pay_cart, shop, some_family, two_card_cart};
use futures::StreamExt;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use storefront::server::sse::Hub;
use storefront::server::upstream::Shopper;

const SECRET: &str = "one-cookie-secret-for-the-guards-tests-0123";

/// Orders the sandbox holds: every order placed, however it was asked for.
async fn orders_held(s: &Shop) -> u64 {
    s.stats().await["orders"]
        .as_u64()
        .expect("the sandbox's order count")
}

/// A refusal the shop knows to be definite (the upstream said no, nothing was
/// placed) gives the key back: the same form under the same key, sent again,
/// places the order, once. Refused at each of the two upstream steps: the
/// validation, and the order itself (a 4xx).
#[tokio::test]
async fn the_same_key_after_a_definite_refusal_places_the_order() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    let mut placed = orders_held(&s).await;
    for (step, path, key) in [
        (
            "validation",
            "/v5/orders/validations",
            "refused-validation-0001",
        ),
        ("order", "/v5/orders", "refused-at-the-order-01"),
    ] {
        let (st, rule) = s
            .control(
                "/faults",
                json!({"match": path, "exact": true, "kind": "status", "status": 400, "times": 1}),
            )
            .await;
        assert_eq!(st, 201, "{step}: {rule}");
        let form = checkout(&family, &amount, key);
        let (st, refused) = s.call("orders/create", &form).await;
        assert_eq!(
            st, 422,
            "{step}: a definite refusal, in words (not 'uncertain'): {refused}"
        );
        assert_eq!(orders_held(&s).await, placed, "{step}: nothing placed");

        let (st, order) = s.call("orders/create", &form).await;
        assert_eq!(
            st, 200,
            "{step}: the same key and form, sent again, orders: {order}"
        );
        let id = order["order_id"].as_str().expect("an order id").to_string();
        placed += 1;
        assert_eq!(orders_held(&s).await, placed, "{step}: one order");

        // The key now holds that order: a third send is answered from it.
        let (st, again) = s.call("orders/create", &form).await;
        assert_eq!((st, again["order_id"].as_str()), (200, Some(id.as_str())));
        assert_eq!(orders_held(&s).await, placed, "{step}: still one order");
    }
}

/// One cart, paid twice (two submissions at once, then once more with the
/// cookie the browser still held), is one upstream order: every answer is that
/// order.
#[tokio::test]
async fn paying_one_cart_twice_is_one_order() {
    let s = shop(&[]).await;
    let (jar, _, key) = two_card_cart(&s).await;
    let before = orders_held(&s).await;
    let ((st1, first), (st2, second)) =
        tokio::join!(pay_cart(&s, &jar, &key), pay_cart(&s, &jar, &key));
    assert_eq!((st1, st2), (200, 200), "{first} / {second}");
    let id = first["order_id"].as_str().expect("an order id");
    assert_eq!(second["order_id"].as_str(), Some(id), "the same order");
    let (st, third) = pay_cart(&s, &jar, &key).await;
    assert_eq!((st, third["order_id"].as_str()), (200, Some(id)));
    assert_eq!(
        orders_held(&s).await,
        before + 1,
        "one upstream order for one cart"
    );
}

/// Every key the shop writes to Redis has the lifetime the README gives it:
/// idempotency keys one hour, known order ids and an order's intent a day,
/// missing ids 60 s, an order's coin and network 7 days, the keyed hash that
/// finds an order by its number and email 180 days, rate-limit buckets at
/// most the minute they count (+1 s); none lives forever.
#[tokio::test]
async fn every_redis_key_the_shop_writes_has_its_documented_lifetime() {
    const HOUR: i64 = 3_600_000;
    const DAY: i64 = 24 * HOUR;
    // How far below its full lifetime a key may be when it is read.
    const SLACK: i64 = 120_000;
    let redis = RedisServer::start();
    let s = shop(&[("CR_REDIS_URL", &redis.url()), ("CR_COOKIE_SECRET", SECRET)]).await;
    let id = new_order(&s, "ttl-of-every-key-0001").await;
    let (st, _) = s.get("/orders/no-such-order-anywhere").await;
    assert_eq!(st, 404);

    let client = redis::Client::open(redis.url()).expect("client");
    let mut con = client
        .get_multiplexed_async_connection()
        .await
        .expect("connection");
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut con)
        .await
        .expect("keys");
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut wrong = Vec::new();
    for key in &keys {
        let ttl: i64 = redis::cmd("PTTL")
            .arg(key)
            .query_async(&mut con)
            .await
            .expect("pttl");
        let (kind, range) = if key.starts_with("storefront:idem:") {
            ("idempotency key", Some(HOUR - SLACK..=HOUR))
        } else if key == &format!("storefront:order:known:{id}") {
            ("known order id", Some(DAY - SLACK..=DAY))
        } else if key == "storefront:order:missing:no-such-order-anywhere" {
            ("missing order id", Some(60_000 - SLACK / 4..=60_000))
        } else if key == &format!("storefront:order:pay:{id}") {
            ("coin and network", Some(7 * DAY - SLACK..=7 * DAY))
        } else if key == &format!("storefront:order:intent:{id}") {
            ("order intent", Some(DAY - SLACK..=DAY))
        } else if key.starts_with("storefront:order:owner:") {
            ("order owner proof", Some(180 * DAY - SLACK..=180 * DAY))
        } else if key.starts_with("storefront:limit:") {
            ("rate-limit bucket", Some(1..=61_000))
        } else {
            // A key the README gives no lifetime to.
            ("undocumented", None)
        };
        *seen.entry(kind).or_default() += 1;
        if !range.as_ref().is_some_and(|r| r.contains(&ttl)) {
            wrong.push(format!("{key} ({kind}): PTTL {ttl} ms, expected {range:?}"));
        }
    }
    assert!(wrong.is_empty(), "keys with the wrong lifetime: {wrong:#?}");
    for kind in [
        "idempotency key",
        "known order id",
        "missing order id",
        "coin and network",
        "order intent",
        "order owner proof",
        "rate-limit bucket",
    ] {
        assert!(seen.contains_key(kind), "no {kind} was written: {keys:?}");
    }
}

/// While Redis is down, an order's page and its live view still answer (the
/// order is read from the upstream; only orders, which need the key's claim,
/// wait for Redis): the page shows the order, the stream's first event is it.
#[tokio::test]
async fn order_pages_and_the_live_view_answer_while_redis_is_down() {
    let mut redis = RedisServer::start();
    let s = shop(&[("CR_REDIS_URL", &redis.url()), ("CR_COOKIE_SECRET", SECRET)]).await;
    let id = new_order(&s, "redis-down-order-0001").await;
    let (st, up) = s.get(&format!("/orders/{id}")).await;
    assert_eq!(st, 200);
    assert!(up.contains("Waiting for your payment"), "{}", up.len());
    redis.stop();

    for attempt in 0..3 {
        let (st, page) = s.get(&format!("/orders/{id}")).await;
        assert_eq!(
            st,
            200,
            "attempt {attempt}: {}",
            &page[page.find("<main").unwrap_or(0)..][..400.min(page.len())]
        );
        assert!(page.contains(&id), "the page is the order's");
        assert!(
            page.contains("Waiting for your payment"),
            "and shows its state"
        );
        let (st, region) = s
            .call_with(
                "orders/region",
                &[("order_id", &id), ("polling", "true"), ("lang", "en")],
                &[("accept", "text/html")],
            )
            .await;
        assert_eq!(st, 200, "the live view's region: {region}");
    }

    let resp = s.subscribe(&id).await;
    assert_eq!(resp.status().as_u16(), 200, "the live view answers");
    assert_eq!(
        resp.headers()["content-type"].to_str().ok(),
        Some("text/event-stream")
    );
    let wanted = format!("\"order_id\":\"{id}\"");
    let text = read_until(resp, &wanted, Duration::from_secs(30)).await;
    assert!(
        text.contains(&wanted),
        "the first event is the order: {text}"
    );
}

/// What an event stream sends until `wanted` appears (or `within` passes).
async fn read_until(mut resp: reqwest::Response, wanted: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    let mut text = String::new();
    while !text.contains(wanted) && Instant::now() < deadline {
        match tokio::time::timeout_at(deadline.into(), resp.chunk()).await {
            Ok(Ok(Some(bytes))) => text.push_str(&String::from_utf8_lossy(&bytes)),
            _ => break,
        }
    }
    text
}

/// A partner API that knows every order (each one Done: its stream is the
/// order, then `stop`) and every product family (a brand without products):
/// enough to fill the shop's memories. Counts the order streams it opens.
async fn upstream_of_everything(pause: Duration) -> (String, Arc<AtomicUsize>) {
    use axum::extract::{Path, Query};
    use axum::http::header;
    use axum::routing::get;
    let streams = Arc::new(AtomicUsize::new(0));
    let counted = streams.clone();
    let app = axum::Router::new()
        .route(
            "/v5/orders/{id}/subscribe",
            get(move |Path(id): Path<String>| {
                counted.fetch_add(1, Ordering::SeqCst);
                async move {
                    let order = json!({"order_id": id, "order_state": "Done"});
                    let events = format!("id: 1\ndata: {order}\n\nevent: stop\ndata: {{}}\n\n");
                    // The events `pause` after the answer's head (none: at once).
                    let body = futures::stream::once(async move {
                        tokio::time::sleep(pause).await;
                        Ok::<_, std::convert::Infallible>(events)
                    });
                    (
                        [(header::CONTENT_TYPE, "text/event-stream")],
                        axum::body::Body::from_stream(body),
                    )
                }
            }),
        )
        .route(
            "/v5/products/country/{cc}",
            get(|Query(q): Query<HashMap<String, String>>| async move {
                let family = q.get("family_name").cloned().unwrap_or_default();
                axum::Json(json!([{"family": family, "brand": format!("Brand {family}")}]))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), streams)
}

/// Subscribes to each of `ids` through the hub (`concurrency` at once) and reads
/// each stream to its end, as a browser would: every ended stream must hold
/// `ended_with`; returns how many had not ended after 10 s.
async fn never_ending(
    hub: &Arc<Hub>,
    shopper: &Shopper,
    ids: &[String],
    concurrency: usize,
    ended_with: &str,
) -> usize {
    let unended = AtomicUsize::new(0);
    futures::stream::iter(ids)
        .for_each_concurrent(concurrency, |id| {
            let unended = &unended;
            async move {
                let resp = hub.subscribe(id, shopper, None).await;
                assert_eq!(resp.status().as_u16(), 200, "{id}");
                let read = tokio::time::timeout(
                    Duration::from_secs(10),
                    axum::body::to_bytes(resp.into_body(), 1 << 20),
                )
                .await;
                match read {
                    Ok(body) => assert!(
                        String::from_utf8_lossy(&body.expect("events")).contains(ended_with),
                        "{id}: no {ended_with} before the end"
                    ),
                    Err(_) => {
                        unended.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        })
        .await;
    unended.load(Ordering::SeqCst)
}

/// A stream whose upstream says everything and `stop` at once (before the
/// browser's subscription is attached to the shared feed) still ends for that
/// browser: it was left open with keep-alives only, holding its place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_whose_upstream_finishes_at_once_still_ends() {
    let (upstream, _) = upstream_of_everything(Duration::ZERO).await;
    let s = shop(&[("CR_API_URL", &upstream), ("CR_PARTNER_ID", "guards")]).await;
    let hub = s.running.state.hub.clone();
    let shopper = Shopper::in_country("US");
    let ids: Vec<String> = (0..300).map(|i| format!("at-once-{i:04}")).collect();
    let unended = never_ending(&hub, &shopper, &ids, 32, "Done").await;
    assert_eq!(
        unended, 0,
        "of 300 streams whose upstream finished at once, some never ended"
    );
}

/// The README's caps: finished streams 10,000, catalogue slots 10,000 per kind.
const CAP: usize = 10_000;
/// Entries offered: well beyond the cap.
const OFFERED: usize = 11_000;

/// The last state and `stop` of finished orders' streams are remembered (a
/// stream asked again is replayed without the upstream) for at most 10,000
/// orders: 11,000 finished streams leave at most that many remembered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_streams_are_remembered_up_to_their_cap() {
    let (upstream, streams) = upstream_of_everything(Duration::from_millis(20)).await;
    let s = shop(&[("CR_API_URL", &upstream), ("CR_PARTNER_ID", "guards")]).await;
    let hub = s.running.state.hub.clone();
    let ids: Vec<String> = (0..OFFERED).map(|i| format!("done-{i:05}")).collect();
    let shopper = Shopper::in_country("US");
    // Each stream read to its end, as a browser would (the hub remembers an
    // order when its stream says `stop`); each must end (see
    // `a_stream_whose_upstream_finishes_at_once_still_ends`).
    let unended = never_ending(&hub, &shopper, &ids, 64, "event: stop").await;
    assert_eq!(unended, 0, "every stream ended");
    assert_eq!(
        streams.load(Ordering::SeqCst),
        OFFERED,
        "each one opened once"
    );
    let remembered: Vec<&String> = ids.iter().filter(|id| hub.latest(id).is_some()).collect();
    assert!(
        remembered.len() <= CAP,
        "{} of {OFFERED} finished streams remembered: the cap is {CAP} ({} streams never ended)",
        remembered.len(),
        unended
    );
    assert!(
        remembered.len() >= CAP / 2,
        "and they are remembered: {}",
        remembered.len()
    );
    // What is remembered is used: replayed, not reopened upstream.
    let again = remembered[remembered.len() / 2];
    let resp = hub.subscribe(again, &shopper, None).await;
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .expect("events");
    assert!(String::from_utf8_lossy(&body).contains("event: stop"));
    assert_eq!(
        streams.load(Ordering::SeqCst),
        OFFERED,
        "replayed from memory"
    );
}

/// The catalogue keeps at most 10,000 slots per kind: 11,000 product families
/// read leave at most that many held in memory (a value is held while its slot is).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogue_slots_are_capped_per_kind() {
    let (upstream, _) = upstream_of_everything(Duration::from_millis(20)).await;
    let s = shop(&[("CR_API_URL", &upstream), ("CR_PARTNER_ID", "guards")]).await;
    let catalogue = &s.running.state.shop.catalogue;
    let shopper = Shopper::in_country("US");
    let held: Vec<_> = futures::stream::iter(0..OFFERED)
        .map(|i| {
            let shopper = &shopper;
            async move {
                let family = catalogue
                    .family(shopper, &format!("family-{i:05}"))
                    .await
                    .expect("a family");
                Arc::downgrade(&family)
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    // The cache evicts in batches, on later reads and writes (never scanning
    // under a request's lock): read on until the batch has run.
    let last = format!("family-{:05}", OFFERED - 1);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut alive = held.iter().filter(|w| w.strong_count() > 0).count();
    while alive > CAP && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        for _ in 0..100 {
            let _ = catalogue.family(&shopper, &last).await;
        }
        alive = held.iter().filter(|w| w.strong_count() > 0).count();
    }
    assert!(
        alive <= CAP,
        "{alive} of {OFFERED} product families held: the cap is {CAP}"
    );
    assert!(alive >= CAP / 2, "and they are kept: {alive}");
}
