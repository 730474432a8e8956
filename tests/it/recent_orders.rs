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

/// A plain form post of "Find my order": its status, `Location` and cookies.
async fn find(s: &common::Shop, id: &str, email: &str) -> (u16, String, Vec<String>) {
    let resp = s
        .http
        .post(format!("{}/api/orders/find", s.base))
        .header("accept", "text/html")
        .form(&[("order_id", id), ("email", email)])
        .send()
        .await
        .expect("find");
    (
        resp.status().as_u16(),
        common::location(&resp),
        common::set_cookies(&resp),
    )
}

/// On another device (no cookie): the order's number and the email it was
/// placed with open it and list it there; a wrong email or number gets one
/// same answer; a script gets the same 404 for both; guessing is rate-limited.
#[tokio::test]
async fn an_order_is_found_on_another_device_by_its_number_and_email() {
    let s = shop(&[]).await;
    let id = common::new_order(&s, "find-key-0001").await;

    let (st, to, cookies) = find(&s, &format!(" {id} "), " Buyer@Example.com ").await;
    assert_eq!((st, to.as_str()), (302, format!("/orders/{id}").as_str()));
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("recent=") && c.contains(&id)),
        "listed on this device: {cookies:?}"
    );

    let (st, wrong_email, _) = find(&s, &id, "someone@example.com").await;
    assert_eq!(st, 302);
    assert_eq!(wrong_email, format!("/find-order?not_found=1&id={id}"));
    let other = "00000000-0000-4000-8000-000000000000";
    let (_, wrong_id, _) = find(&s, other, "buyer@example.com").await;
    assert_eq!(wrong_id, format!("/find-order?not_found=1&id={other}"));
    let (_, bad_input, _) = find(&s, "../etc", "not an email").await;
    assert_eq!(bad_input, "/find-order?not_found=1");

    let as_script = |id: String, email: &'static str| {
        let s = &s;
        async move {
            s.call(
                "orders/find",
                &[("order_id", id.as_str()), ("email", email)],
            )
            .await
        }
    };
    let a = as_script(id.clone(), "someone@example.com").await;
    let b = as_script(other.to_string(), "buyer@example.com").await;
    assert_eq!(a.0, 404, "{}", a.1);
    assert_eq!(a, b, "the same answer whichever is wrong");

    // Ten tries a minute per client, then a 429 that says when to come back.
    let mut refused = None;
    for _ in 0..12 {
        let (st, _, _) = find(&s, &id, "someone@example.com").await;
        if st == 429 {
            refused = Some(st);
            break;
        }
    }
    assert_eq!(refused, Some(429), "guessing is rate-limited");
}
