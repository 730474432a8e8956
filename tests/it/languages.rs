//! The shop in English, Turkish and Vietnamese: each language's pages at its
//! own address (`/`, `/tr/…`, `/vi/…`), the first visit following the browser,
//! the choice remembered, every answer in the shopper's words, and the
//! language sent to the upstream.

use crate::common;

use common::{Shop, checkout, shop, some_family};

async fn get(s: &Shop, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = s.http.get(format!("{}{path}", s.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("get")
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn each_language_has_its_own_addresses_and_says_so() {
    let s = shop(&[]).await;
    for (path, lang, words) in [
        ("/", "en", "Gift cards, top-ups and eSIMs in United States"),
        ("/tr", "tr", "Amerika Birleşik Devletleri"),
        ("/vi", "vi", "Hoa Kỳ"),
        ("/tr/cart", "tr", "Sepet"),
        ("/vi/countries", "vi", "Đức (DE)"),
    ] {
        let resp = get(&s, path, &[]).await;
        assert_eq!(resp.status(), 200, "{path}");
        let html = resp.text().await.expect("html");
        assert!(html.contains(&format!(r#"<html lang="{lang}""#)), "{path}");
        assert!(html.contains(words), "{path}: {words}");
        // Every language's address of this page, English as the default.
        let bare = path.trim_start_matches("/tr").trim_start_matches("/vi");
        let bare = if bare.is_empty() { "/" } else { bare };
        assert!(
            html.contains(&format!(
                r#"<link href="{bare}" hreflang="en" rel="alternate">"#
            )),
            "{path}: {}",
            &html[..html.find("<body").unwrap_or(0)]
        );
        for l in ["tr", "vi"] {
            let there = if bare == "/" {
                format!("/{l}")
            } else {
                format!("/{l}{bare}")
            };
            assert!(
                html.contains(&format!(
                    r#"<link href="{there}" hreflang="{l}" rel="alternate">"#
                )),
                "{path}"
            );
        }
        assert!(html.contains(r#"hreflang="x-default""#), "{path}");
    }
    let (st, html) = s.get("/tr/no-such-page").await;
    assert_eq!(st, 404);
    assert!(html.contains(r#"<html lang="tr""#), "{html}");
    assert!(!html.contains("Not found"), "{html}");
}

#[tokio::test]
async fn the_first_visit_follows_the_browser_then_the_choice() {
    let s = shop(&[]).await;
    // A Turkish browser is sent to the Turkish page, the query kept.
    let resp = get(
        &s,
        "/?q=steam",
        &[("accept-language", "tr-TR,tr;q=0.9,en;q=0.5")],
    )
    .await;
    assert!(resp.status().is_redirection(), "{}", resp.status());
    assert_eq!(header(&resp, "location"), "/tr?q=steam");
    assert!(header(&resp, "vary").contains("Accept-Language"));
    // A language the shop doesn't speak: English.
    let resp = get(&s, "/", &[("accept-language", "de-DE,fr;q=0.8")]).await;
    assert_eq!(resp.status(), 200);
    // The remembered choice wins over the browser.
    let resp = get(
        &s,
        "/cart",
        &[("accept-language", "tr"), ("cookie", "lang=en")],
    )
    .await;
    assert_eq!(resp.status(), 200);
    let resp = get(&s, "/orders/abc", &[("cookie", "lang=vi")]).await;
    assert_eq!(header(&resp, "location"), "/vi/orders/abc");
    // An address with a language is that language, whatever the browser says.
    let resp = get(
        &s,
        "/vi",
        &[("accept-language", "tr"), ("cookie", "lang=tr")],
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.text()
            .await
            .expect("html")
            .contains(r#"<html lang="vi""#)
    );
    // Functions and files are never redirected.
    let resp = get(&s, "/healthz", &[("accept-language", "tr")]).await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn the_switcher_remembers_the_choice_without_javascript() {
    let s = shop(&[]).await;
    let resp = get(&s, "/lang?to=vi&next=/cart", &[]).await;
    assert!(resp.status().is_redirection());
    assert_eq!(header(&resp, "location"), "/vi/cart");
    assert!(header(&resp, "set-cookie").starts_with("lang=vi;"));
    let resp = get(&s, "/lang?to=en&next=/brands/US/steam?x=1", &[]).await;
    assert_eq!(header(&resp, "location"), "/brands/US/steam?x=1");
    assert!(header(&resp, "set-cookie").starts_with("lang=en;"));
    // Nowhere but this site; an unknown language changes nothing.
    let resp = get(&s, "/lang?to=tr&next=//evil.example", &[]).await;
    assert_eq!(header(&resp, "location"), "/tr");
    let resp = get(&s, "/lang?to=xx&next=/cart", &[]).await;
    assert_eq!(header(&resp, "location"), "/cart");
    assert_eq!(header(&resp, "set-cookie"), "");
    // The page offers the other languages as plain links.
    let (_, html) = s.get("/tr/cart").await;
    assert!(
        html.contains(r#"href="/lang?to=en&amp;next=%2Fcart""#),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/lang?to=vi&amp;next=%2Fcart""#),
        "{html}"
    );
}

#[tokio::test]
async fn a_cached_page_is_kept_per_language() {
    let s = shop(&[]).await;
    for _ in 0..2 {
        for (path, lang) in [("/", "en"), ("/tr", "tr"), ("/vi", "vi")] {
            let (st, html) = s.get(path).await;
            assert_eq!(st, 200);
            assert!(html.contains(&format!(r#"<html lang="{lang}""#)), "{path}");
        }
    }
}

#[tokio::test]
async fn the_upstream_is_asked_in_the_shoppers_language() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    s.reset_stats().await;
    let (st, _) = s.get(&format!("/tr/brands/US/{family}")).await;
    assert_eq!(st, 200);
    assert_eq!(s.hits("lang=tr").await, 1, "{}", s.stats().await);
    // Each language is its own catalogue entry (the answer's words depend on it).
    let (st, _) = s.get(&format!("/vi/brands/US/{family}")).await;
    assert_eq!(st, 200);
    assert_eq!(s.hits("lang=vi").await, 1, "{}", s.stats().await);
    let (st, _) = s.get(&format!("/tr/brands/US/{family}?again")).await;
    assert_eq!(st, 200);
    assert_eq!(s.hits("lang=tr").await, 1, "cached: {}", s.stats().await);

    // An order placed from a Vietnamese page: validated and created in Vietnamese.
    let form = checkout(&family, &amount, "lang-test-key-0001");
    let resp = s
        .http
        .post(format!("{}/vi/api/orders/create", s.base))
        .header("accept", "application/json")
        .form(&form)
        .send()
        .await
        .expect("create");
    assert_eq!(
        resp.status(),
        200,
        "{}",
        resp.text().await.unwrap_or_default()
    );
    assert_eq!(s.hits("lang=vi POST /v5/orders/validations").await, 1);
    assert_eq!(
        s.hits("lang=vi POST /v5/orders").await,
        2,
        "validation and order"
    );
    assert_eq!(s.hits("lang=en POST").await, 0);
}

#[tokio::test]
async fn refusals_are_in_the_shoppers_words() {
    let s = shop(&[]).await;
    let (family, amount) = some_family(&s, "US").await;
    let mut form = checkout(&family, &amount, "refusal-in-words-0001");
    form.retain(|(k, _)| *k != "beneficiary");
    form.push(("beneficiary", "not-an-email"));
    let said = [
        ("", "Enter an email address, like name@example.com."),
        (
            "/tr",
            "Geçerli bir e-posta adresi girin, örneğin name@example.com.",
        ),
        (
            "/vi",
            "Hãy nhập địa chỉ email hợp lệ, ví dụ name@example.com.",
        ),
    ];
    for (prefix, words) in said {
        // The app gets the refusal typed: the field and why, in no language.
        let resp = s
            .http
            .post(format!("{}{prefix}/api/orders/validate", s.base))
            .header("accept", "application/json")
            .form(&form)
            .send()
            .await
            .expect("validate");
        assert_eq!(resp.status(), 422, "{prefix}");
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(
            body["Invalid"][0],
            serde_json::json!({"field": "Beneficiary", "reason": {"Contact": "Email"}}),
            "{prefix}: {body}"
        );
        // A plain form post goes back to its form, which says it in the page's language.
        let resp = s
            .http
            .post(format!("{}{prefix}/api/orders/create", s.base))
            .header("accept", "text/html")
            .form(&form)
            .send()
            .await
            .expect("create");
        assert_eq!(resp.status(), 302, "{prefix}");
        let to = header(&resp, "location");
        assert!(
            to.starts_with(&format!("{prefix}/brands/US/")),
            "{prefix}: {to}"
        );
        let cookie = common::set_cookies(&resp).join("; ");
        let html = get(&s, &to, &[("cookie", &cookie)])
            .await
            .text()
            .await
            .expect("page");
        assert!(html.contains(words), "{prefix}: the form says {words:?}");
    }
}

/// A gift card sold by custom amount only, from at most `min` to at least
/// `max` in steps of 1.
async fn range_gift_card(s: &Shop, min: f64, max: f64) -> String {
    let number = |v: &serde_json::Value| v.as_str().and_then(|n| n.parse::<f64>().ok());
    let (_, dir) = s.call("catalog/brands", &[("country", "US")]).await;
    for b in dir["all_brands"].as_array().expect("brands") {
        if b["kind"] != "giftcard" || b["is_out_of_stock"] == true {
            continue;
        }
        let family = b["family"].as_str().unwrap_or_default().to_string();
        let (_, page) = s
            .call(
                "catalog/products",
                &[("country", "US"), ("family", &family)],
            )
            .await;
        let products = page["family"]["products"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let fits = !products.is_empty()
            && products.iter().all(|p| {
                p["is_dynamic"] == true
                    && number(&p["range"]["min"]).is_some_and(|m| m <= min)
                    && number(&p["range"]["max"]).is_some_and(|m| m >= max)
                    && number(&p["range"]["step_size"]) == Some(1.0)
            });
        if fits {
            return family;
        }
    }
    panic!("a gift card sold from {min} to {max} in steps of 1");
}

/// A Turkish or Vietnamese shopper writes `12,5` for twelve and a half (and
/// `1.000` for a thousand): the amount they type is read their way, and what
/// goes upstream is the plain decimal.
#[tokio::test]
async fn a_typed_amount_is_read_as_the_shoppers_language_writes_it() {
    let s = shop(&[]).await;
    let family = range_gift_card(&s, 12.0, 1000.0).await;
    // (language, typed, what the price line or the amount's problem says)
    for (lang, typed, said) in [
        ("tr", "1.000", "1.000 USD"),
        ("vi", "1.000", "1.000 USD"),
        ("tr", "12,5", "artış"),
        ("vi", "12,5", "bước"),
        ("en", "1,000", "1,000 USD"),
        ("en", "12.5", "in steps of"),
    ] {
        let (st, v) = s
            .call(
                "checkout/price",
                &[
                    ("country", "US"),
                    ("family", &family),
                    ("amount", typed),
                    ("pay", "USDC|Solana"),
                    ("lang", lang),
                ],
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let html = v.as_str().unwrap_or_default();
        assert!(html.contains(said), "{lang} {typed}: {html}");
        assert!(!html.contains("125 USD"), "{lang} {typed}: {html}");
    }
}

/// An amount in the cart is read once, as it was typed: `1,000` typed on an
/// English page is a thousand on the Vietnamese cart page too (not `1.000`
/// read again as one), and `1.000` typed on a Turkish page is a thousand on
/// the English one.
#[tokio::test]
async fn a_cart_amount_keeps_its_value_in_every_language() {
    let s = shop(&[]).await;
    let family = range_gift_card(&s, 10.0, 1000.0).await;
    for (typed_on, typed, shown_on, label) in [
        ("", "1,000", "/vi", "1.000 USD"),
        ("/tr", "1.000", "", "1,000 USD"),
    ] {
        let resp = s
            .http
            .post(format!("{}{typed_on}/api/cart/add", s.base))
            .header("accept", "application/json")
            .header("origin", s.base.clone())
            .form(&[
                ("country", "US"),
                ("family", family.as_str()),
                ("amount", typed),
                ("beneficiary", "friend@example.com"),
            ])
            .send()
            .await
            .expect("add");
        assert_eq!(resp.status(), 200, "{typed}");
        let cookie = common::set_cookies(&resp)
            .into_iter()
            .find(|c| c.starts_with("cart="))
            .expect("a cart cookie");
        let resp = s
            .http
            .get(format!("{}{shown_on}/cart", s.base))
            .header("cookie", cookie)
            .send()
            .await
            .expect("cart");
        let html = resp.text().await.expect("html");
        assert!(
            html.contains(label),
            "{typed} → {shown_on}/cart: {label}\n{html}"
        );
        assert!(
            html.contains(r#"data-testid="cart-total""#),
            "priced: {html}"
        );
    }
}

#[tokio::test]
async fn hreflang_links_are_absolute_from_the_public_url() {
    let plain = common::shop(&[]).await;
    let (_, html) = plain.get("/").await;
    assert!(
        html.contains(r#"<link href="/tr" hreflang="tr" rel="alternate">"#),
        "site-relative without a public URL"
    );
    let public = common::shop(&[("CR_PUBLIC_URL", "https://shop.example")]).await;
    let (_, html) = public.get("/brands/US/steam").await;
    assert!(
        html.contains(
            r#"<link href="https://shop.example/tr/brands/US/steam" hreflang="tr" rel="alternate">"#
        ),
        "absolute from CR_PUBLIC_URL, never from Host"
    );
    assert!(
        html.contains(r#"<link href="https://shop.example/brands/US/steam" hreflang="x-default""#)
    );
}

#[tokio::test]
async fn the_canonical_link_is_absolute_from_the_public_url_without_the_query() {
    let plain = common::shop(&[]).await;
    let (_, html) = plain.get("/brands/US/steam").await;
    assert!(
        !html.contains(r#"rel="canonical""#),
        "a site-relative canonical link is no canonical link: none without a public URL"
    );
    let public = common::shop(&[("CR_PUBLIC_URL", "https://shop.example")]).await;
    for (path, canonical) in [
        (
            "/brands/US/steam?utm_source=x",
            "https://shop.example/brands/US/steam",
        ),
        (
            "/tr/brands/US/steam",
            "https://shop.example/tr/brands/US/steam",
        ),
        ("/vi?q=steam&category=gaming", "https://shop.example/vi"),
        ("/", "https://shop.example/"),
    ] {
        let (st, html) = public.get(path).await;
        assert_eq!(st, 200, "{path}");
        let link = format!(r#"<link href="{canonical}" rel="canonical">"#);
        assert_eq!(html.matches(r#"rel="canonical""#).count(), 1, "{path}");
        assert!(html.contains(&link), "{path}: no {link}");
    }
}

#[tokio::test]
async fn a_long_query_is_never_written_into_a_page() {
    let s = common::shop(&[]).await;
    let junk = "z".repeat(5_000);
    for path in [
        format!("/?q={junk}"),
        format!("/?utm={junk}"),
        format!("/brands/US/steam?x={junk}"),
    ] {
        let (st, html) = s.get(&path).await;
        assert_eq!(st, 200);
        assert!(
            !html.contains(&"z".repeat(200)),
            "{}: the query is written into the page",
            &path[..20]
        );
    }
}

/// The amount to send is written one way on the order page, in every language:
/// as wallets read it (a dot, no grouping), in the heading as in the copy field,
/// never as Turkish or Vietnamese write prices (`10,35`, where `10.35` would
/// read as 1035).
#[tokio::test]
async fn the_amount_to_send_is_written_one_way_in_every_language() {
    let s = shop(&[]).await;
    let id = common::new_order(&s, "wallet-writing-0001").await;
    for prefix in ["", "/tr", "/vi"] {
        let html = get(&s, &format!("{prefix}/orders/{id}"), &[])
            .await
            .text()
            .await
            .expect("page");
        let amount = html
            .split(r#"data-testid="coin-amount">"#)
            .nth(1)
            .and_then(|r| r.split('<').next())
            .expect("the copy field's amount")
            .to_string();
        assert!(
            amount.contains('.') && !amount.contains(','),
            "{prefix}: {amount}"
        );
        let heading = html
            .split(r#"id="pay-title">"#)
            .nth(1)
            .and_then(|r| r.split("</h2>").next())
            .expect("the pay card's heading");
        assert!(
            heading.contains(&format!("{amount} USDC")),
            "{prefix}: {heading:?} says {amount}"
        );
        let card = html
            .split(r#"class="payment panel pay-now""#)
            .nth(1)
            .and_then(|r| r.split("</section>").next())
            .expect("the pay card");
        assert!(
            !card.contains(&amount.replace('.', ",")),
            "{prefix}: never written the language's way on the pay card"
        );
        assert!(
            html.contains(r#"data-testid="wallet-writing""#),
            "{prefix}: and says so"
        );
    }
}
