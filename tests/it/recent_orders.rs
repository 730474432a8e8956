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

/// A forged cookie's ids cost at most the discovery budget (10 unknown ids a
/// minute per client, `server/order_ledger.rs`). One cookie holds 10 ids at
/// most, as many as the budget: it could not tell the budget from none. Three
/// cookies of ten fresh ids are 30 unknown ids from one client: 10 are asked
/// upstream (and dropped from the cookie), the other 20 are answered without
/// asking (listed as unavailable now, and kept).
#[tokio::test]
async fn a_forged_list_costs_no_more_than_the_discovery_budget() {
    let s = shop(&[]).await;
    s.reset_stats().await;
    let started = std::time::Instant::now();
    let mut cookies = Vec::new();
    let mut unavailable = 0;
    for round in 0..3 {
        let forged: Vec<String> = (0..10)
            .map(|n| format!("no-such-order-{round}-{n}"))
            .collect();
        let cookie = format!("recent={}", forged.join("."));
        let (st, list, _) = s.call_cookies("orders/recent", &[], &cookie).await;
        assert_eq!(st, 200, "{list}");
        for entry in list.as_array().expect("list") {
            assert_eq!(
                entry["state"], "Status unavailable right now",
                "only ids beyond the budget are listed, as unreadable now: {entry}"
            );
            unavailable += 1;
        }
        cookies.push(cookie);
    }
    let asked = s.hits_exact("/v5/orders/{id}").await;
    // The budget refills one id every 6 s: a slow machine may have earned some.
    let refilled = started.elapsed().as_secs() / 6 + 1;
    assert!(
        (10..=10 + refilled).contains(&asked),
        "30 unknown ids: {asked} asked upstream, the budget is 10 (+{refilled} refilled)"
    );
    assert_eq!(
        unavailable + asked,
        30,
        "every id beyond the budget is answered without asking"
    );

    // The first cookie again: its ids were found missing, so they are answered
    // locally (no upstream call), not listed, and dropped from the cookie.
    let (_, again, set) = s.call_cookies("orders/recent", &[], &cookies[0]).await;
    assert_eq!(
        again,
        serde_json::json!([]),
        "unknown orders are not listed"
    );
    assert!(
        set.iter().any(|c| c == "recent="),
        "and are dropped from the cookie: {set:?}"
    );
    assert_eq!(
        s.hits_exact("/v5/orders/{id}").await,
        asked,
        "ids found missing cost nothing"
    );
}
