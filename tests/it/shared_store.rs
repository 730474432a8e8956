//! The shared store's contract, run against both implementations: in process
//! (the default) and Redis (a real redis-server this test starts on a free port).
#![cfg(feature = "ssr")]

use crate::common;

use common::redis::{RedisServer, free_port};
use std::sync::Arc;
use std::time::{Duration, Instant};
use storefront::server::shared_store::{MemoryStore, RedisStore, SharedStore};

const TIMEOUT: Duration = Duration::from_millis(500);

/// Long enough that the checks made while a key is held finish within it on a
/// loaded machine; expiry is then awaited, not slept for.
const TTL: Duration = Duration::from_secs(2);

/// Waits until `key` is gone (at most `TTL` + 10 s) and says when, counted from `since`.
async fn gone_after(store: &Arc<dyn SharedStore>, key: &str, since: Instant) -> Duration {
    let deadline = since + TTL + Duration::from_secs(10);
    while store.get(key).await.expect("get").is_some() {
        assert!(Instant::now() < deadline, "{key} never expired");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    since.elapsed()
}

/// Runs `$body` with `$store` bound to each implementation in turn.
macro_rules! for_both_stores {
    (|$store:ident| $body:block) => {{
        let $store: Arc<dyn SharedStore> = Arc::new(MemoryStore::new(10_000));
        $body
        let redis = RedisServer::start();
        let $store: Arc<dyn SharedStore> =
            Arc::new(RedisStore::new(&redis.url(), TIMEOUT).expect("redis store"));
        $body
    }};
}

#[tokio::test]
async fn a_claim_is_taken_once_until_it_expires() {
    for_both_stores!(|store| {
        let kind = store.kind();
        let claimed = Instant::now();
        assert!(
            store.claim("c:1", "first", TTL).await.expect("claim"),
            "{kind}"
        );
        assert!(
            !store.claim("c:1", "second", TTL).await.expect("claim"),
            "{kind}"
        );
        assert_eq!(
            store.get("c:1").await.expect("get").as_deref(),
            Some("first"),
            "{kind}: the first claim stays"
        );
        let expired = gone_after(&store, "c:1", claimed).await;
        assert!(expired >= TTL, "{kind}: expired early, after {expired:?}");
        assert!(
            store.claim("c:1", "third", TTL).await.expect("claim"),
            "{kind}"
        );
    });
}

#[tokio::test]
async fn concurrent_claims_have_exactly_one_winner() {
    for_both_stores!(|store| {
        let attempts = (0..32).map(|i| {
            let store = store.clone();
            async move {
                store
                    .claim("race", &format!("claimant {i}"), Duration::from_secs(10))
                    .await
                    .expect("claim")
            }
        });
        let won = futures::future::join_all(attempts)
            .await
            .into_iter()
            .filter(|w| *w)
            .count();
        assert_eq!(won, 1, "{}", store.kind());
    });
}

#[tokio::test]
async fn put_overwrites_and_expires() {
    for_both_stores!(|store| {
        let kind = store.kind();
        store
            .put("p", "one", Duration::from_secs(5))
            .await
            .expect("put");
        let put = Instant::now();
        store.put("p", "two", TTL).await.expect("put");
        assert_eq!(
            store.get("p").await.expect("get").as_deref(),
            Some("two"),
            "{kind}"
        );
        let expired = gone_after(&store, "p", put).await;
        assert!(
            expired >= TTL,
            "{kind}: the new TTL, not the old 5 s, and not early: {expired:?}"
        );
        assert!(expired < Duration::from_secs(5), "{kind}: {expired:?}");
        assert_eq!(store.get("never").await.expect("get"), None, "{kind}");
    });
}

#[tokio::test]
async fn release_removes_only_the_holders_claim() {
    for_both_stores!(|store| {
        let kind = store.kind();
        let ttl = Duration::from_secs(10);
        assert!(store.claim("r", "mine", ttl).await.expect("claim"));
        assert!(
            !store.release("r", "yours").await.expect("release"),
            "{kind}"
        );
        assert_eq!(
            store.get("r").await.expect("get").as_deref(),
            Some("mine"),
            "{kind}"
        );
        assert!(store.release("r", "mine").await.expect("release"), "{kind}");
        assert_eq!(store.get("r").await.expect("get"), None, "{kind}");
        assert!(
            store.claim("r", "again", ttl).await.expect("claim"),
            "{kind}"
        );
    });
}

#[tokio::test]
async fn a_bucket_allows_its_burst_then_says_how_long_to_wait() {
    for_both_stores!(|store| {
        let kind = store.kind();
        for i in 0..3 {
            assert_eq!(
                store.take("b:1", 3).await.expect("take"),
                Ok(()),
                "{kind} {i}"
            );
        }
        let wait = store
            .take("b:1", 3)
            .await
            .expect("take")
            .expect_err("refused");
        assert!((1..=20).contains(&wait), "{kind}: {wait}");
        assert_eq!(
            store.take("b:2", 3).await.expect("take"),
            Ok(()),
            "{kind}: other keys"
        );
    });
}

#[tokio::test]
async fn a_bucket_refills_at_its_rate() {
    for_both_stores!(|store| {
        let kind = store.kind();
        // 60 a minute: one token a second, so a loaded machine's slow round
        // trips (was: 600 takes inside one 100 ms refill) can't refill it unseen.
        let mut burst = 0;
        while store.take("fill", 60).await.expect("take").is_ok() {
            burst += 1;
            assert!(burst <= 62, "{kind}: the bucket never empties");
        }
        assert!((60..=62).contains(&burst), "{kind}: a burst of {burst}");
        tokio::time::sleep(Duration::from_millis(2_500)).await;
        let mut refilled = 0;
        while store.take("fill", 60).await.expect("take").is_ok() {
            refilled += 1;
            assert!(refilled <= 10, "{kind}: never empty again");
        }
        assert!(
            (2..=3).contains(&refilled),
            "{kind}: {refilled} tokens after 2.5 s"
        );
    });
}

#[tokio::test]
async fn redis_that_is_not_there_fails_fast_and_is_used_once_it_comes_up() {
    let port = free_port();
    let store = RedisStore::new(&format!("redis://127.0.0.1:{port}"), TIMEOUT).expect("store");
    let started = Instant::now();
    assert!(store.claim("k", "v", Duration::from_secs(5)).await.is_err());
    assert!(store.take("b", 5).await.is_err());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let _redis = RedisServer::start_on(port);
    // The manager reconnects in the background: used once Redis is up, without
    // a restart (awaited with a generous bound, not slept for).
    let up = Instant::now();
    loop {
        match store.claim("k", "v", Duration::from_secs(5)).await {
            Ok(claimed) => {
                assert!(claimed, "a fresh Redis holds no claim");
                break;
            }
            Err(e) => assert!(up.elapsed() < Duration::from_secs(15), "never used: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn redis_that_goes_away_mid_run_answers_with_errors_within_the_time_limit() {
    let mut redis = RedisServer::start();
    let store = RedisStore::new(&redis.url(), TIMEOUT).expect("store");
    assert!(
        store
            .claim("k", "v", Duration::from_secs(5))
            .await
            .expect("claim")
    );
    redis.stop();
    let started = Instant::now();
    assert!(store.get("k").await.is_err());
    assert!(
        store
            .claim("k2", "v", Duration::from_secs(5))
            .await
            .is_err()
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_redis_that_never_answers_costs_one_time_limit_then_fails_at_once_for_a_while() {
    // Accepts connections and never says a word.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((conn, _)) = silent.accept().await {
            open.push(conn);
        }
    });
    let store = RedisStore::new(&format!("redis://127.0.0.1:{port}"), TIMEOUT).expect("store");
    let started = Instant::now();
    assert!(store.get("k").await.is_err());
    let first = started.elapsed();
    assert!(first >= TIMEOUT && first < TIMEOUT * 4, "{first:?}");
    let again = Instant::now();
    for _ in 0..10 {
        assert!(store.take("b", 5).await.is_err());
    }
    // Each would take the whole timeout if it waited again (5 s for ten).
    assert!(again.elapsed() < TIMEOUT, "{:?}", again.elapsed());
    held.abort();
}

#[test]
fn a_redis_url_that_is_not_one_is_refused_at_start() {
    assert!(RedisStore::new("not a url", TIMEOUT).is_err());
}
