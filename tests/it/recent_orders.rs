//! Recent orders on this device: a cookie of order ids only, listed newest
//! first on the home page, forgotten on request, and nothing without it.

use crate::common;

use common::{checkout, shop, some_family};

#[tokio::test]
async fn two_purchases_are_listed_newest_first_and_can_be_forgotten() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    let (st, first, set) = s
        .call_cookies(
            "orders/create",
            &checkout(&family, &amount, "recent-key-0001"),
            "",
        )
        .await;
    assert_eq!(st, 200, "{first}");
    let cookie = set
        .iter()
        .find(|c| c.starts_with("recent="))
        .expect("recent cookie")
        .clone();
    let (st, second, set) = s
        .call_cookies(
            "orders/create",
            &checkout(&family, &amount, "recent-key-0002"),
            &cookie,
        )
        .await;
    assert_eq!(st, 200, "{second}");
    let cookie = set
        .iter()
        .find(|c| c.starts_with("recent="))
        .expect("recent cookie")
        .clone();
    let ids: Vec<&str> = cookie.trim_start_matches("recent=").split('.').collect();
    assert_eq!(
        ids,
        [
            second["order_id"].as_str().expect("id"),
            first["order_id"].as_str().expect("id")
        ]
    );

    let (st, list, _) = s.call_cookies("orders/recent", &[], &cookie).await;
    assert_eq!(st, 200);
    let list = list.as_array().expect("list");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["order_id"], second["order_id"]);
    assert_eq!(list[0]["state"], "Waiting for your payment");
    assert!(list[0]["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(
        list[0]["amount"]
            .as_str()
            .is_some_and(|a| a.ends_with("USDC · Solana"))
    );

    // Nothing for a visitor without the cookie; and the home page shows none.
    let (_, none, _) = s.call_cookies("orders/recent", &[], "").await;
    assert_eq!(none, serde_json::json!([]));
    let (_, html) = s.get("/").await;
    assert!(!html.contains("Your recent orders"));

    let (st, _, set) = s.call_cookies("orders/recent/forget", &[], &cookie).await;
    assert_eq!(st, 200);
    assert_eq!(set, ["recent="], "the cookie is deleted");
}

#[tokio::test]
async fn a_forged_list_costs_no_more_than_the_discovery_budget() {
    let s = shop(&[]).await;
    s.reset_stats().await;
    let forged: Vec<String> = (0..10).map(|n| format!("no-such-order-{n}")).collect();
    let cookie = format!("recent={}", forged.join("."));
    let (st, list, set) = s.call_cookies("orders/recent", &[], &cookie).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list, serde_json::json!([]), "unknown orders are not listed");
    assert!(
        set.iter().any(|c| c == "recent="),
        "and are dropped from the cookie: {set:?}"
    );
    // Sent again: still nothing listed.
    let (_, again, _) = s.call_cookies("orders/recent", &[], &cookie).await;
    assert_eq!(again, serde_json::json!([]));
    assert!(
        s.hits_exact("/v5/orders/{id}").await <= 10,
        "the discovery budget holds"
    );
}
