//! The cart over HTTP: cards from several brands become one upstream order with
//! several deliveries and quantities; the reference's limits land on the line
//! that brings them; the cart cookie is signed and a changed one is refused.

use crate::common;

use common::{Shop, shop};
use serde_json::Value;

/// A browser's cookies, kept from `Set-Cookie` answers.
#[derive(Default)]
struct Jar(Vec<(String, String)>);

impl Jar {
    fn keep(&mut self, set: &[String]) {
        for pair in set {
            let (name, value) = pair.split_once('=').expect("name=value");
            self.0.retain(|(n, _)| n != name);
            if !value.is_empty() {
                self.0.push((name.to_string(), value.to_string()));
            }
        }
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

async fn call(s: &Shop, jar: &mut Jar, endpoint: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let (st, v, set) = s.call_cookies(endpoint, form, &jar.header()).await;
    jar.keep(&set);
    (st, v)
}

async fn add(s: &Shop, jar: &mut Jar, family: &str, amount: &str, to: &str) -> (u16, Value) {
    call(
        s,
        jar,
        "cart/add",
        &[
            ("country", "US"),
            ("family", family),
            ("amount", amount),
            ("beneficiary", to),
        ],
    )
    .await
}

async fn pay(s: &Shop, jar: &mut Jar) -> (u16, Value) {
    let (_, cart) = call(s, jar, "cart/get", &[]).await;
    let key = cart["key"].as_str().unwrap_or_default().to_string();
    call(
        s,
        jar,
        "cart/pay",
        &[
            ("pay", "USDC|Solana"),
            ("email", "buyer@example.com"),
            ("coupon", ""),
            ("idempotency_key", &key),
        ],
    )
    .await
}

/// The upstream's problem codes an error puts on one cart line.
fn line_problems(error: &Value, line: u64) -> Vec<String> {
    error["Invalid"]
        .as_array()
        .map(|issues| {
            issues
                .iter()
                .filter(|i| i["field"]["Item"] == line)
                .filter_map(|i| {
                    i["reason"]["Problem"]["problem"]
                        .as_str()
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn three_cards_from_two_brands_are_one_upstream_order_with_three_codes() {
    let s = shop(&[]).await;
    let mut jar = Jar::default();
    assert_eq!(
        add(&s, &mut jar, "steam", "10", "ann@example.com").await.0,
        200
    );
    assert_eq!(
        add(&s, &mut jar, "steam", "10", "ann@example.com").await.0,
        200
    );
    let (st, count) = add(&s, &mut jar, "roblox", "25", "bob@example.com").await;
    assert_eq!((st, count.as_u64()), (200, Some(3)));
    let (_, cart) = call(&s, &mut jar, "cart/get", &[]).await;
    let lines = cart["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 2, "{cart}");
    assert_eq!(lines[0]["quantity"], 2);
    assert_eq!(lines[0]["brand"], "Steam Wallet");
    // The total is the lines' prices times their quantities.
    let unit = |l: &Value| {
        l["unit_price"]
            .as_str()
            .expect("price")
            .parse::<f64>()
            .expect("n")
    };
    let total: f64 = cart["total"]["coin_amount"]
        .as_str()
        .expect("total")
        .parse()
        .expect("n");
    assert!(
        (total - (2.0 * unit(&lines[0]) + unit(&lines[1]))).abs() < 1e-6,
        "{cart}"
    );

    s.reset_stats().await;
    let (st, order) = pay(&s, &mut jar).await;
    assert_eq!(st, 200, "{order}");
    assert_eq!(s.hits_exact("/v5/orders").await, 1, "one upstream order");
    assert_eq!(jar.get("cart"), None, "a paid cart is emptied");
    let id = order["order_id"].as_str().expect("id");
    let (_, view) = s.call("orders/get", &[("order_id", id)]).await;
    let paid: f64 = view["order"]["coin_amount"]
        .as_str()
        .expect("a")
        .parse()
        .expect("n");
    assert!(
        (paid - total).abs() < 1e-6,
        "the order costs the cart's total"
    );

    s.control(&format!("/orders/{id}/pay"), serde_json::json!({}))
        .await;
    let codes: Vec<(String, String)> = common::order_at_done(&s, id)
        .await
        .map(|order| {
            order["deliveries"]
                .as_array()
                .expect("deliveries")
                .iter()
                .map(|d| {
                    (
                        d["brand_name"].as_str().unwrap_or_default().to_string(),
                        d["deliverable"]["pin_code"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(codes.len(), 3, "three codes at Done: {codes:?}");
    let brands: Vec<&str> = codes.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(brands, ["Steam Wallet", "Steam Wallet", "Roblox"]);
    assert!(codes.iter().all(|(_, c)| !c.is_empty()));
}

#[tokio::test]
async fn the_reference_limits_land_on_the_line_that_brings_them() {
    let s = shop(&[]).await;

    // Two limited products: the second Razer Gold line.
    let mut jar = Jar::default();
    add(&s, &mut jar, "razer-gold", "10", "ann@example.com").await;
    add(&s, &mut jar, "steam", "10", "ann@example.com").await;
    add(&s, &mut jar, "razer-gold", "20", "ann@example.com").await;
    let (st, e) = pay(&s, &mut jar).await;
    assert_eq!(st, 422, "{e}");
    assert!(
        line_problems(&e, 0).is_empty() && line_problems(&e, 1).is_empty(),
        "{e}"
    );
    assert!(
        line_problems(&e, 2) == ["MULTIPLE_LIMITED_PRODUCT_SAME_ORDER"],
        "{e}"
    );

    // More than five cards: the line whose quantity goes over.
    let mut jar = Jar::default();
    add(&s, &mut jar, "steam", "10", "ann@example.com").await;
    add(&s, &mut jar, "roblox", "10", "ann@example.com").await;
    let (_, cart) = call(&s, &mut jar, "cart/get", &[]).await;
    assert_eq!(cart["lines"].as_array().map(Vec::len), Some(2));
    call(
        &s,
        &mut jar,
        "cart/update",
        &[("line", "0"), ("quantity", "3")],
    )
    .await;
    call(
        &s,
        &mut jar,
        "cart/update",
        &[("line", "1"), ("quantity", "3")],
    )
    .await;
    let (st, e) = pay(&s, &mut jar).await;
    assert_eq!(st, 422, "{e}");
    assert!(line_problems(&e, 0).is_empty(), "{e}");
    assert!(line_problems(&e, 1) == ["PRODUCT_COUNT_EXCEEDED"], "{e}");

    // Over the amount per order: the line that passes it.
    let mut jar = Jar::default();
    add(&s, &mut jar, "binance", "1000", "ann@example.com").await;
    call(
        &s,
        &mut jar,
        "cart/update",
        &[("line", "0"), ("quantity", "2")],
    )
    .await;
    add(&s, &mut jar, "binance", "600", "ann@example.com").await;
    s.reset_stats().await;
    let (st, e) = pay(&s, &mut jar).await;
    assert_eq!(st, 422, "{e}");
    assert!(line_problems(&e, 0).is_empty(), "{e}");
    assert!(
        line_problems(&e, 1) == ["MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED"],
        "{e}"
    );
    assert_eq!(s.hits_exact("/v5/orders").await, 0, "nothing ordered");
    assert!(
        s.hits_exact("/v5/orders/validations").await <= 2,
        "at most one extra validation per line"
    );
}

#[tokio::test]
async fn a_changed_cart_cookie_is_refused_with_a_clear_message() {
    let s = shop(&[]).await;
    let mut jar = Jar::default();
    add(&s, &mut jar, "steam", "10", "ann@example.com").await;
    let sealed = jar.get("cart").expect("cart cookie");
    // The shopper (or anyone) edits the cookie: a different amount, same signature.
    let (payload, tag) = sealed.rsplit_once('.').expect("signed");
    let mut bytes = payload.as_bytes().to_vec();
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let forged = format!("cart={}.{tag}", String::from_utf8(bytes).expect("ascii"));

    let (st, cart, _) = s.call_cookies("cart/get", &[], &forged).await;
    assert_eq!(st, 200, "{cart}");
    assert_eq!(cart["lines"].as_array().map(Vec::len), Some(0));
    assert!(
        cart["notice"]
            .as_str()
            .is_some_and(|n| n.contains("couldn't be read")),
        "{cart}"
    );
    s.reset_stats().await;
    let (st, e, _) = s
        .call_cookies(
            "cart/pay",
            &[
                ("pay", "USDC|Solana"),
                ("email", "buyer@example.com"),
                ("idempotency_key", "0123456789abcdef"),
            ],
            &forged,
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(
        e,
        serde_json::json!({"Invalid": [{"field": "Order", "reason": "CartUnreadable"}]})
    );
    assert_eq!(s.hits_exact("/v5/orders").await, 0);
    // The untouched cookie still works: nothing was lost.
    let (_, cart, _) = s
        .call_cookies("cart/get", &[], &format!("cart={sealed}"))
        .await;
    assert_eq!(cart["lines"].as_array().map(Vec::len), Some(1), "{cart}");
}

#[tokio::test]
async fn a_card_that_fails_its_checks_stays_out_of_the_cart() {
    let s = shop(&[]).await;
    let mut jar = Jar::default();
    let (st, e) = add(&s, &mut jar, "steam", "10", "not an email").await;
    assert_eq!(st, 422, "{e}");
    assert!(jar.get("cart").is_none());
    add(&s, &mut jar, "steam", "10", "ann@example.com").await;
    let (st, e) = call(
        &s,
        &mut jar,
        "cart/add",
        &[
            ("country", "DE"),
            ("family", "steam"),
            ("amount", "10"),
            ("beneficiary", "ann@example.com"),
        ],
    )
    .await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(
        e["Invalid"][0]["reason"],
        serde_json::json!({"Cart": {"OtherCountry": "US"}}),
        "{e}"
    );
    let (st, e) = call(
        &s,
        &mut jar,
        "cart/update",
        &[("line", "7"), ("quantity", "1")],
    )
    .await;
    assert_eq!(st, 422, "{e}");
}

#[tokio::test]
async fn another_site_cannot_change_the_cart_or_the_recent_orders() {
    let s = shop(&[]).await;
    for (endpoint, form) in [
        (
            "cart/add",
            vec![
                ("country", "US"),
                ("family", "steam"),
                ("amount", "10"),
                ("beneficiary", "ann@example.com"),
            ],
        ),
        ("cart/update", vec![("line", "all")]),
        ("orders/recent/forget", vec![]),
    ] {
        for (name, value) in [
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ] {
            let resp = s
                .http
                .post(format!("{}/api/{endpoint}", s.base))
                .header("accept", "application/json")
                .header(name, value)
                .form(&form)
                .send()
                .await
                .expect("send");
            assert_eq!(resp.status().as_u16(), 403, "{endpoint} {name}");
            assert!(
                resp.headers().get("set-cookie").is_none(),
                "{endpoint} {name}: no cookie set"
            );
        }
    }
    // The shop's own pages (same origin) still work.
    let (st, _, set) = s
        .call_cookies(
            "cart/add",
            &[
                ("country", "US"),
                ("family", "steam"),
                ("amount", "10"),
                ("beneficiary", "ann@example.com"),
            ],
            "",
        )
        .await;
    assert_eq!(st, 200);
    assert!(set.iter().any(|c| c.starts_with("cart=")));
}

#[tokio::test]
async fn a_bad_quantity_is_refused_clearly_and_the_line_is_kept() {
    let s = shop(&[]).await;
    let mut jar = Jar::default();
    add(&s, &mut jar, "steam", "10", "ann@example.com").await;
    for bad in ["", "abc", "11", "-1"] {
        let (st, e) = call(
            &s,
            &mut jar,
            "cart/update",
            &[("line", "0"), ("quantity", bad)],
        )
        .await;
        assert_eq!(st, 422, "{bad:?}: {e}");
        let (_, cart) = call(&s, &mut jar, "cart/get", &[]).await;
        assert_eq!(
            cart["lines"].as_array().map(Vec::len),
            Some(1),
            "{bad:?}: nothing lost"
        );
    }
    // Without JavaScript: back to the cart, with the reason shown there.
    let resp = s
        .http
        .post(format!("{}/api/cart/update", s.base))
        .header("accept", "text/html")
        .header("cookie", jar.header())
        .form(&[("line", "0"), ("quantity", "")])
        .send()
        .await
        .expect("post");
    assert!(resp.status().is_redirection(), "{}", resp.status());
    assert_eq!(resp.headers()["location"], "/cart");
    jar.keep(&common::set_cookies(&resp));
    let (_, cart) = call(&s, &mut jar, "cart/get", &[]).await;
    assert_eq!(cart["lines"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        cart["error"],
        serde_json::json!({"Invalid": [{"field": {"Item": 0}, "reason": "QuantityRange"}]}),
        "said on the line it is about: {cart}"
    );
}

#[tokio::test]
async fn a_bad_email_is_said_once_and_not_blamed_on_the_supplier() {
    let s = shop(&[]).await;
    let mut jar = Jar::default();
    add(&s, &mut jar, "steam", "10", "ann@example.com").await;
    let (_, cart) = call(&s, &mut jar, "cart/get", &[]).await;
    let key = cart["key"].as_str().unwrap_or_default().to_string();
    let (st, e) = call(
        &s,
        &mut jar,
        "cart/pay",
        &[
            ("pay", "USDC|Solana"),
            ("email", ""),
            ("idempotency_key", &key),
        ],
    )
    .await;
    assert_eq!(
        (st, &e),
        (
            422,
            &serde_json::json!({"Invalid": [{"field": "Email", "reason": {"Contact": "Email"}}]})
        ),
        "said once, on the email, and not blamed on the supplier"
    );
    let (family, amount) = common::some_family(&s, "US").await;
    let mut form = common::checkout(&family, &amount, "bad-email-key-01");
    form[5] = ("email", "");
    let (st, e) = s.call("orders/create", &form).await;
    assert_eq!(st, 422, "{e}");
    assert!(!e.to_string().contains("SupplierRefused"), "{e}");
}
