//! Where money moves (issue 22): one order per intent after an unclear answer,
//! counted at the sandbox; the shopper's own pages, read as a browser would.
#![cfg(feature = "ssr")]

use crate::common;

use common::{
    Shop, checkout, location, new_order, pay_cart, set_cookies, shop, some_family, two_card_cart,
};
use serde_json::json;

/// Orders the sandbox was asked to create.
async fn creates(s: &Shop) -> u64 {
    s.hits_exact("/v5/orders").await
}

/// The value of the first `name="{name}" value="…"` of a page.
fn field(html: &str, name: &str) -> Option<String> {
    let rest = html.split(&format!(r#"name="{name}" value=""#)).nth(1)?;
    Some(rest.split('"').next()?.to_string())
}

/// Posts a checkout as a browser's plain form does (HTML wanted, redirects not
/// followed): the status, where it sends the shopper and the cookies it sets.
async fn post_form(s: &Shop, form: &[(&str, &str)], cookie: &str) -> (u16, String, Vec<String>) {
    let mut req = s
        .http
        .post(format!("{}/api/orders/create", s.base))
        .header("accept", "text/html")
        .form(form);
    if !cookie.is_empty() {
        req = req.header("cookie", cookie);
    }
    let resp = req.send().await.expect("post");
    (resp.status().as_u16(), location(&resp), set_cookies(&resp))
}

/// The page at `path` with `cookie`.
async fn page(s: &Shop, path: &str, cookie: &str) -> String {
    s.http
        .get(format!("{}{path}", s.base))
        .header("cookie", cookie)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text")
}

#[tokio::test]
async fn after_an_unclear_answer_the_form_sent_again_places_no_second_order() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    s.control(
        "/faults",
        json!({"match": "/v5/orders", "exact": true, "kind": "lost_answer", "times": 1}),
    )
    .await;
    s.reset_stats().await;
    let form = checkout(&family, &amount, "unclear-answer-0001");
    let (st, back, cookies) = post_form(&s, &form, "").await;
    assert_eq!(st, 302, "a refused form goes back to its page");
    assert!(back.contains("draft=1"), "{back}");
    assert_eq!(creates(&s).await, 1);

    // The page the shopper lands on: what it says and what it sends next.
    let cookie = cookies.join("; ");
    let html = page(&s, &back, &cookie).await;
    let key = field(&html, "idempotency_key").expect("the form's key");
    // The attempt's key as this visitor's (`server::checkout_key`): sent
    // again, from here or from another address, it is answered from its outcome.
    assert!(
        key.starts_with("s-") && key != "unclear-answer-0001",
        "the form keeps the attempt's own key: {key}"
    );
    assert!(
        html.contains("check your email"),
        "the page says what to do: {}",
        html.len()
    );

    // Place order again, as the page's form sends it: answered, not ordered.
    let mut again = form.clone();
    again[7] = ("idempotency_key", key.as_str());
    let (st, back2, _) = post_form(&s, &again, &cookie).await;
    assert_eq!(st, 302);
    assert!(back2.contains("draft=1"), "told the same again: {back2}");
    assert_eq!(creates(&s).await, 1, "no second order by pressing again");

    // The deliberate way forward: "I checked my email, order again".
    let fresh = field(&html, "again").expect("an order-again button with its own key");
    assert_ne!(fresh, key);
    let mut deliberate = again.clone();
    deliberate.push(("again", fresh.as_str()));
    let (st, to, _) = post_form(&s, &deliberate, &cookie).await;
    assert_eq!(st, 302);
    assert!(to.starts_with("/orders/"), "a new order: {to}");
    assert_eq!(creates(&s).await, 2);
    // ...and pressing that twice is still one more order.
    let (_, to2, _) = post_form(&s, &deliberate, &cookie).await;
    assert_eq!(to2, to);
    assert_eq!(creates(&s).await, 2);
}

/// A checkout form of `country` for a top-up of `family` to `number`.
pub(crate) fn top_up<'a>(
    country: &'a str,
    family: &'a str,
    amount: &'a str,
    number: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("country", country),
        ("family", family),
        ("amount", amount),
        ("pay", "USDC|Solana"),
        ("beneficiary", number),
        ("email", "buyer@example.com"),
        ("coupon", ""),
        ("idempotency_key", ""),
    ]
}

/// The first fixed amount of `family` in `country`.
pub(crate) async fn first_amount(s: &Shop, country: &str, family: &str) -> String {
    let (st, page) = s
        .call(
            "catalog/products",
            &[("country", country), ("family", family)],
        )
        .await;
    assert_eq!(st, 200, "{page}");
    page["family"]["products"]
        .as_array()
        .and_then(|p| {
            p.iter()
                .find(|p| p["is_dynamic"] != true && p["is_out_of_stock"] != true)
        })
        .and_then(|p| p["face_value"]["amount"]["price"].as_str())
        .expect("a fixed amount")
        .to_string()
}

#[tokio::test]
async fn a_top_up_goes_only_to_a_number_of_the_brands_country() {
    let s = shop(&[]).await;
    let amount = first_amount(&s, "VN", "viettel").await;
    s.reset_stats().await;
    let (st, body) = s
        .call(
            "orders/validate",
            &top_up("VN", "viettel", &amount, "+14155551234"),
        )
        .await;
    assert_eq!(st, 422, "a US number for a Vietnamese top-up: {body}");
    assert_eq!(
        body["Invalid"][0]["reason"],
        json!({"Phone": {"NotOfCountry": "VN"}}),
        "{body}"
    );

    // The local form is read as a Vietnamese number and sent as E.164.
    let mut form = top_up("VN", "viettel", &amount, "0912 345 678");
    form[7] = ("idempotency_key", "top-up-local-0001");
    let (st, order) = s.call("orders/create", &form).await;
    assert_eq!(st, 200, "{order}");
    assert_eq!(
        order["deliveries"][0]["deliverable"]["beneficiary_account"], "+84912345678",
        "{order}"
    );
    assert_eq!(creates(&s).await, 1, "the US number never reached an order");

    // The brand page's example is a number of its country.
    let (_, html) = s.get("/brands/VN/viettel").await;
    assert!(html.contains("+84 "), "a Vietnamese example on the page");
    assert!(
        !html.contains("+14155551234"),
        "no US example on a Vietnamese top-up"
    );
}

#[tokio::test]
async fn a_coupon_is_said_to_apply_only_when_the_upstream_price_shows_it() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    let mut form = checkout(&family, &amount, "");
    form[6] = ("coupon", "WELCOME");
    let (st, quote) = s.call("orders/validate", &form).await;
    assert_eq!(st, 200, "{quote}");
    let coupon = &quote["coupon"];
    assert_eq!(
        coupon["applied"], true,
        "the sandbox takes 10% off: {quote}"
    );
    let (paid, full) = (
        quote["coin_amount"]
            .as_str()
            .and_then(|a| a.parse::<f64>().ok()),
        coupon["full_price"]
            .as_str()
            .and_then(|a| a.parse::<f64>().ok()),
    );
    assert!(
        matches!((paid, full), (Some(p), Some(f)) if p < f),
        "{quote}"
    );

    // Where the API ignores the field, the price is unchanged: no discount claimed.
    let (st, _) = s
        .control("/dialect", json!({ "dialects": ["extra_fields_ignored"] }))
        .await;
    assert_eq!(st, 200);
    let (st, quote) = s.call("orders/validate", &form).await;
    assert_eq!(st, 200, "{quote}");
    assert_eq!(quote["coupon"]["applied"], false, "{quote}");
    assert_eq!(quote["coupon"]["code"], "WELCOME");

    // The checkout's own check says so in words.
    let mut check = form.clone();
    check.truncate(7);
    check.push(("lang", "en"));
    let (st, html) = s.call("checkout/check", &check).await;
    assert_eq!(st, 200, "{html}");
    let html = html.as_str().unwrap_or_default().to_string();
    assert!(html.contains("was not applied"), "{html}");
    assert!(
        !html.contains(r#"class="coupon-applied""#),
        "no claim of a discount: {html}"
    );
}

#[tokio::test]
async fn after_the_window_the_order_offers_to_order_again_not_to_pay() {
    let s = shop(&[]).await;
    let (family, _) = some_family(&s, "US").await;
    // `new_order` orders the same first gift card (`some_family`).
    let id = new_order(&s, "expired-order-0001").await;
    let (st, _) = s
        .control("/clock/advance", json!({ "seconds": 31 * 60 }))
        .await;
    assert_eq!(st, 200);

    let (st, html) = s.get(&format!("/orders/{id}")).await;
    assert_eq!(st, 200);
    assert!(html.contains(r#"data-state="Expired""#), "expired");
    assert!(
        !html.contains(r#"data-testid="wallet-address""#),
        "no address after the window"
    );
    assert!(
        !html.contains("step done"),
        "nothing was paid: no step is done"
    );
    assert!(html.contains("The time to pay is over"));
    assert!(
        html.contains(">Not delivered<") && !html.contains(">Waiting for payment<"),
        "the card of a lapsed order is not waiting for anything"
    );
    assert!(html.contains("Order again with the same details"));

    // Order again: the brand page's form, filled in, under a fresh key.
    let resp = s
        .http
        .post(format!("{}/api/orders/again", s.base))
        .header("accept", "text/html")
        .form(&[("order_id", id.as_str())])
        .send()
        .await
        .expect("again");
    assert_eq!(resp.status().as_u16(), 302);
    let to = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        to.starts_with(&format!("/brands/US/{family}?draft=1")),
        "{to}"
    );
    let cookie = set_cookies(&resp).join("; ");
    let page_html = page(&s, &to, &cookie).await;
    assert!(
        page_html.contains(r#"value="friend@example.com""#),
        "the recipient is filled in"
    );
    let key = field(&page_html, "idempotency_key").expect("a key");
    assert_ne!(key, "expired-order-0001", "a new order gets a new key");
    assert!(
        !page_html.contains(r#"role="alert""#),
        "nothing was refused"
    );

    // From another website: refused.
    let (st, _) = s
        .call_with(
            "orders/again",
            &[("order_id", id.as_str())],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(st, 403);
}

#[tokio::test]
async fn recent_orders_name_coin_and_network_from_the_payment_method() {
    let s = shop(&[]).await;
    let (st, _) = s
        .control("/dialect", json!({ "dialects": ["payment_method_only"] }))
        .await;
    assert_eq!(st, 200);
    let id = new_order(&s, "recent-pm-0001").await;
    let (st, list, _) = s
        .call_cookies("orders/recent", &[], &format!("recent={id}"))
        .await;
    assert_eq!(st, 200, "{list}");
    let amount = list[0]["amount"].as_str().unwrap_or_default();
    assert!(
        amount.contains("USDC") && amount.contains("Solana"),
        "{list}"
    );
}

#[tokio::test]
async fn payment_options_follow_the_shoppers_country() {
    let s = shop(&[]).await;
    let (st, _) = s
        .control("/dialect", json!({ "dialects": ["vias_by_country"] }))
        .await;
    assert_eq!(st, 200);
    let (family, _) = some_family(&s, "US").await;
    let offers = |page: &serde_json::Value| {
        page["options"]
            .as_array()
            .map(|o| {
                o.iter()
                    .any(|o| o["coin"] == "USDT" && o["network"] == "Polygon (Matic)")
            })
            .unwrap_or(false)
    };
    let (st, us) = s
        .call(
            "catalog/products",
            &[("country", "US"), ("family", family.as_str())],
        )
        .await;
    assert_eq!(st, 200, "{us}");
    assert!(offers(&us), "the US is offered USDT on Polygon: {us}");
    let (st, vn) = s
        .call(
            "catalog/products",
            &[("country", "VN"), ("family", "viettel")],
        )
        .await;
    assert_eq!(st, 200, "{vn}");
    assert!(
        !offers(&vn),
        "Vietnam is not (the answer differs by country): {vn}"
    );
}

#[tokio::test]
async fn each_card_of_an_order_shows_its_own_delivery_state() {
    let s = shop(&[("CR_SANDBOX_DELIVERY_DELAY_MS", "4000")]).await;
    let (jar, _, key) = two_card_cart(&s).await;
    let (st, order) = pay_cart(&s, &jar, &key).await;
    assert_eq!(st, 200, "{order}");
    let id = order["order_id"].as_str().expect("id").to_string();
    s.control(&format!("/orders/{id}/pay"), json!({})).await;
    // The first card is delivered at half the delay, the second at the end.
    let mut seen = None;
    for _ in 0..60 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (_, html) = s.get(&format!("/orders/{id}")).await;
        if html.contains(r#"data-testid="pin-code""#) {
            seen = Some(html);
            break;
        }
    }
    let html = seen.expect("a first code within 6 s");
    let states: Vec<&str> = html
        .split(r#"data-testid="card-state" data-state=""#)
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .collect();
    assert_eq!(
        states,
        ["Done", "WaitingForDelivery"],
        "each card its own state"
    );
    assert!(html.contains("Delivered") && html.contains("Preparing this card"));
}

#[tokio::test]
async fn a_cart_is_paid_at_the_total_of_the_whole_order_as_shown() {
    let s = shop(&[]).await;
    let (jar, cart, key) = two_card_cart(&s).await;
    let shown = cart["total"]["coin_amount"]
        .as_str()
        .expect("a total")
        .to_string();
    s.reset_stats().await;
    let pay = |total: String| {
        vec![
            ("pay".to_string(), "USDC|Solana".to_string()),
            ("email".to_string(), "buyer@example.com".to_string()),
            ("coupon".to_string(), "WELCOME".to_string()),
            ("idempotency_key".to_string(), key.clone()),
            ("shown_total".to_string(), total),
        ]
    };
    let form = pay(shown.clone());
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (st, body, _) = s.call_cookies("cart/pay", &form, &jar).await;
    assert_eq!(st, 409, "the coupon's price was not the one shown: {body}");
    let whole = body["TotalChanged"]["total"]
        .as_str()
        .expect("the whole order's price")
        .to_string();
    assert_ne!(whole, shown);
    assert_eq!(
        creates(&s).await,
        0,
        "nothing ordered before the shopper saw it"
    );

    // The cart page now shows that price (the draft of a plain form post).
    let mut html_form = form.clone();
    html_form.retain(|_| true);
    let resp = s
        .http
        .post(format!("{}/api/cart/pay", s.base))
        .header("accept", "text/html")
        .header("cookie", &jar)
        .form(&html_form)
        .send()
        .await
        .expect("pay");
    assert_eq!(resp.status().as_u16(), 302);
    let cookie = format!("{jar}; {}", set_cookies(&resp).join("; "));
    let html = page(&s, "/cart", &cookie).await;
    assert_eq!(
        field(&html, "shown_total").as_deref(),
        Some(whole.as_str()),
        "the total shown is the whole order's"
    );
    assert!(
        html.contains("Coupon WELCOME applied"),
        "the coupon is said to apply: the price shows it"
    );

    // Paying that total places the order at it.
    let form = pay(whole.clone());
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (st, order, _) = s.call_cookies("cart/pay", &form, &jar).await;
    assert_eq!(st, 200, "{order}");
    assert_eq!(order["coin_amount"].as_str(), Some(whole.as_str()));
    assert_eq!(creates(&s).await, 1);
}

/// "Update price" as a browser without JavaScript sends it.
async fn reprice(s: &Shop, form: &[(&str, &str)]) -> reqwest::Response {
    s.http
        .post(format!("{}/api/orders/reprice", s.base))
        .header("accept", "text/html")
        .form(form)
        .send()
        .await
        .expect("reprice")
}

/// Without JavaScript the price can't follow the coin: "Update price" prices
/// the coin the form now names and brings the form back as typed (an empty
/// email is no problem yet); a coin the shop doesn't offer comes back refused.
/// Nothing is ordered.
#[tokio::test]
async fn update_price_prices_the_chosen_coin_and_keeps_the_form() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    let mut form = checkout(&family, &amount, "reprice-key-0001");
    form[3] = ("pay", "USDT|Solana");
    form[5] = ("email", "");
    let resp = reprice(&s, &form).await;
    assert_eq!(resp.status().as_u16(), 302);
    let to = location(&resp);
    assert_eq!(to, format!("/brands/US/{family}?draft=1#checkout"));
    let html = page(&s, &to, &set_cookies(&resp).join("; ")).await;
    // The price's text (Leptos marks its holes with `<!>`).
    let text = html.replace("<!>", "");
    let price = text
        .split_once(r#"data-testid="price">"#)
        .map(|(_, rest)| &rest[..rest.find("</").unwrap_or(rest.len())])
        .expect("a price");
    assert!(
        price.ends_with(" USDT"),
        "the price of the chosen coin: {price}"
    );
    assert!(
        html.contains(r#"value="USDT|Solana" selected"#),
        "the coin kept"
    );
    assert!(
        html.contains(r#"value="friend@example.com""#),
        "the recipient kept"
    );
    assert!(!html.contains(r#"role="alert""#), "nothing refused");

    form[3] = ("pay", "DOGE|Moon");
    let resp = reprice(&s, &form).await;
    assert_eq!(resp.status().as_u16(), 302);
    let html = page(&s, &location(&resp), &set_cookies(&resp).join("; ")).await;
    assert!(
        html.contains(r#"role="alert""#),
        "an unknown coin is refused"
    );
    assert!(
        html.contains(r#"value="friend@example.com""#),
        "the recipient kept"
    );
    assert_eq!(
        s.stats().await["orders"],
        serde_json::json!(0),
        "nothing ordered"
    );
}
