//! Several instances of the shop against one upstream and one Redis (a real
//! redis-server started here on a free port): they act as one shop.
#![cfg(feature = "ssr")]

use crate::common;

use common::redis::{RedisServer, free_port};
use common::{Shop, checkout, shop, some_family};

const SECRET: &str = "one-cookie-secret-for-every-instance-0123";
const PARTNER: &str = "instances-test-partner";

/// Two instances sharing `redis_url`; the first embeds the sandbox both use.
async fn two_instances(redis_url: &str, extra: &[(&str, &str)]) -> (Shop, Shop) {
    let mut env = vec![
        ("CR_REDIS_URL", redis_url),
        ("CR_COOKIE_SECRET", SECRET),
        ("CR_PARTNER_ID", PARTNER),
    ];
    env.extend_from_slice(extra);
    let a = shop(&env).await;
    let upstream = format!("{}/sandbox", a.base);
    env.push(("CR_API_URL", &upstream));
    let b = shop(&env).await;
    (a, b)
}

#[tokio::test]
async fn the_same_checkout_sent_at_once_to_two_instances_places_one_order() {
    let redis = RedisServer::start();
    let (a, b) = two_instances(&redis.url(), &[]).await;
    let (family, amount) = some_family(&a, "US").await;
    let key = "0123456789abcdef0123456789abcdef";
    a.reset_stats().await;
    let f = checkout(&family, &amount, key);
    let (first, second) = tokio::join!(a.call("orders/create", &f), b.call("orders/create", &f));
    assert_eq!(first.0, 200, "{}", first.1);
    assert_eq!(second.0, 200, "{}", second.1);
    assert_eq!(first.1["order_id"], second.1["order_id"], "the same order");
    assert_eq!(a.hits_exact("/v5/orders").await, 1, "one upstream order");
    // And again later, on either instance: still that order.
    let (st, again) = b.call("orders/create", &f).await;
    assert_eq!((st, &again["order_id"]), (200, &first.1["order_id"]));
    assert_eq!(a.hits_exact("/v5/orders").await, 1);
}

#[tokio::test]
async fn the_order_rate_limit_is_one_limit_across_instances() {
    let redis = RedisServer::start();
    let (a, b) = two_instances(&redis.url(), &[("CR_ORDER_RATE_PER_MINUTE", "4")]).await;
    let f = checkout("x", "1", "");
    let mut allowed = 0;
    for i in 0..8 {
        let s = if i % 2 == 0 { &a } else { &b };
        if s.call("orders/validate", &f).await.0 != 429 {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 4, "4 a minute in total, not 4 per instance");
}

#[tokio::test]
async fn an_order_placed_on_one_instance_is_known_to_the_other() {
    let redis = RedisServer::start();
    let (a, b) = two_instances(&redis.url(), &[]).await;
    let id = common::new_order(&a, "fedcba9876543210fedcba9876543210").await;
    assert_eq!(
        b.running.state.shop.pay_choice(&id).await,
        Some(("USDC".to_string(), "Solana".to_string())),
        "the coin and network chosen on the first"
    );
    // Known ids cost no discovery budget (10 a minute per client) on the other.
    for i in 0..15 {
        let (st, body) = b.get(&format!("/orders/{id}")).await;
        assert_eq!(st, 200, "look {i}: {}", &body[..body.len().min(300)]);
    }
}

#[tokio::test]
async fn a_refused_plain_form_keeps_its_values_on_another_instance() {
    let redis = RedisServer::start();
    let (a, b) = two_instances(&redis.url(), &[]).await;
    let (family, amount) = some_family(&a, "US").await;
    let mut f = checkout(&family, &amount, "0123456789abcdef0123456789abcdef");
    f[4] = ("beneficiary", "typed-on-instance-a");
    let (html, _) = refused_form(&a, &b, &f).await;
    assert!(
        html.contains("typed-on-instance-a"),
        "the form comes back filled"
    );
}

#[tokio::test]
async fn without_redis_no_order_is_placed_and_the_shopper_is_told_why() {
    let dead = format!("redis://127.0.0.1:{}", free_port());
    let s = shop(&[
        ("CR_REDIS_URL", &dead),
        ("CR_COOKIE_SECRET", SECRET),
        ("CR_ORDER_RATE_PER_MINUTE", "3"),
    ])
    .await;
    let (family, amount) = some_family(&s, "US").await;
    s.reset_stats().await;
    let (st, body) = s
        .call(
            "orders/create",
            &checkout(&family, &amount, "0123456789abcdef0123456789abcdef"),
        )
        .await;
    assert_eq!((st, body), (503, serde_json::json!("OrdersPaused")));
    // Without JavaScript: back to the form, which says why in words.
    let (html, _) = refused_form(
        &s,
        &s,
        &checkout(&family, &amount, "0123456789abcdef0123456789abcdee"),
    )
    .await;
    assert!(
        html.contains("take orders for a moment, so nothing was ordered"),
        "{}",
        html.len()
    );
    assert_eq!(s.hits_exact("/v5/orders").await, 0, "no upstream order");
    // The rate limit falls back to this instance's own buckets: still a limit.
    let f = checkout("x", "1", "");
    let mut last = 0;
    for _ in 0..4 {
        last = s.call("orders/validate", &f).await.0;
    }
    assert_eq!(last, 429, "limited per instance while Redis is away");
}

/// Posts `form` to `to` as a plain HTML form, expects to be sent back, and
/// follows the redirect on `then` with the draft cookie: the page and its path.
async fn refused_form(to: &Shop, then: &Shop, form: &[(&str, &str)]) -> (String, String) {
    let resp = to
        .http
        .post(format!("{}/api/orders/create", to.base))
        .header("accept", "text/html")
        .form(form)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16() / 100, 3, "refused, sent back");
    let location = resp.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let draft = common::set_cookies(&resp)
        .into_iter()
        .find(|c| c.starts_with("draft="))
        .expect("draft cookie");
    let html = then
        .http
        .get(format!("{}{location}", then.base))
        .header("cookie", draft)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    (html, location)
}
