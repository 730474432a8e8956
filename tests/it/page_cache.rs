//! Catalogue pages (home, brand) rendered once per country and TTL, and served
//! from memory after that: the same bytes for every visitor (their inline
//! script allowed by its hash, their checkout key the page's), compressed
//! once, and never for a visitor whose page is their own (a cart, recent
//! orders or a refused form in their cookies).

use crate::common;

use common::{Shop, checkout, shop};

struct Page {
    cache: String,
    csp: String,
    encoding: Option<String>,
    /// `Content-Length`, when the answer was not sent in chunks.
    length: Option<String>,
    /// How many `Vary` values name `Accept-Encoding`.
    vary_encoding: usize,
    key: Option<String>,
    body: Vec<u8>,
}

impl Page {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn page_as(s: &Shop, path: &str, headers: &[(&str, &str)]) -> Page {
    let mut req = s.http.get(format!("{}{path}", s.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.expect("get");
    assert_eq!(resp.status(), 200, "{path}");
    let h = resp.headers().clone();
    let text = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let vary_encoding = h
        .get_all("vary")
        .iter()
        .filter(|v| {
            v.to_str()
                .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
        })
        .count();
    let body = resp.bytes().await.expect("body").to_vec();
    let key = String::from_utf8_lossy(&body)
        .split(r#"name="idempotency_key" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(str::to_string);
    Page {
        cache: text("x-page-cache").unwrap_or_else(|| "none".into()),
        csp: text("content-security-policy").expect("csp"),
        encoding: text("content-encoding"),
        length: text("content-length"),
        vary_encoding,
        key,
        body,
    }
}

async fn page(s: &Shop, path: &str, cookie: &str) -> Page {
    page_as(s, path, &[("cookie", cookie)]).await
}

#[tokio::test]
async fn a_kept_page_is_the_same_bytes_for_every_visitor_and_its_script_is_allowed_by_hash() {
    let s = shop(&[]).await;
    let first = page(&s, "/brands/US/steam", "country=US").await;
    assert_eq!(first.cache, "miss");
    s.reset_stats().await;
    let second = page(&s, "/brands/US/steam", "country=US").await;
    assert_eq!(second.cache, "hit");
    assert_eq!(
        s.stats().await["requests"],
        serde_json::json!({}),
        "no upstream call"
    );
    assert_eq!(first.body, second.body, "the same bytes");
    assert_eq!(first.csp, second.csp, "the same policy");
    assert!(first.key.is_some(), "the page's checkout key");
    // The islands' loader runs by its hash; no nonce is named or written.
    assert!(
        !first.csp.contains("'nonce-") && !first.csp.contains("unsafe-inline"),
        "{}",
        first.csp
    );
    let script = first
        .text()
        .split("<script type=\"module\">")
        .nth(1)
        .and_then(|r| r.split("</script>").next())
        .map(str::to_string)
        .expect("the islands' loader, without a nonce");
    assert!(
        first
            .csp
            .contains(&storefront::server::inline_scripts::source(
                script.as_bytes()
            )),
        "{}",
        first.csp
    );
    assert!(!first.text().contains(" nonce="), "no nonce in the page");
}

#[tokio::test]
async fn a_kept_page_is_handed_out_compressed_as_the_browser_asks() {
    use std::io::Read;
    let s = shop(&[]).await;
    let plain = page(&s, "/", "country=US").await;
    let mut seen = Vec::new();
    for (accept, coding) in [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
    ] {
        let p = page_as(
            &s,
            "/",
            &[("cookie", "country=US"), ("accept-encoding", accept)],
        )
        .await;
        assert_eq!(p.cache, "hit", "{accept}");
        assert_eq!(p.encoding.as_deref(), Some(coding), "{accept}");
        // Shared bytes of a known length: sent whole, not in chunks; and said
        // once to vary by encoding.
        assert_eq!(p.length, Some(p.body.len().to_string()), "{accept}");
        assert_eq!(p.vary_encoding, 1, "{accept}");
        let mut out = Vec::new();
        match coding {
            "br" => brotli::Decompressor::new(&p.body[..], 4096).read_to_end(&mut out),
            _ => flate2::read::GzDecoder::new(&p.body[..]).read_to_end(&mut out),
        }
        .expect("decompresses");
        assert_eq!(out, plain.body, "{accept}: the same page");
        assert!(
            p.body.len() * 4 < plain.body.len(),
            "{accept}: {} bytes",
            p.body.len()
        );
        seen.push(p.body);
    }
    // Made once: the same compressed bytes for the next visitor.
    let again = page_as(
        &s,
        "/",
        &[("cookie", "country=US"), ("accept-encoding", "br")],
    )
    .await;
    assert_eq!(again.body, seen[0]);
    // A page never kept is compressed as ever.
    let own = page_as(
        &s,
        "/",
        &[("cookie", "cart=x.y"), ("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(
        (own.cache.as_str(), own.encoding.as_deref()),
        ("bypass", Some("gzip"))
    );
    // The first visitor of a page gets it compressed too.
    let first = page_as(
        &s,
        "/?q=steam",
        &[("cookie", "country=US"), ("accept-encoding", "br")],
    )
    .await;
    assert_eq!(
        (first.cache.as_str(), first.encoding.as_deref()),
        ("miss", Some("br"))
    );
}

#[tokio::test]
async fn two_visitors_of_one_kept_page_place_two_orders_and_each_of_them_one() {
    let s = shop(&[("CR_TRUSTED_PROXIES", "127.0.0.0/8")]).await;
    let _ = page(&s, "/brands/US/amazon", "country=US").await;
    let kept = page(&s, "/brands/US/amazon", "country=US").await;
    assert_eq!(kept.cache, "hit");
    let key = kept.key.expect("the page's key");
    s.reset_stats().await;
    let order_as = |visitor: &'static str, cookie: &'static str| {
        let (s, key) = (&s, key.clone());
        async move {
            let f = checkout("amazon", "25", &key);
            let (st, o) = s
                .call_with(
                    "orders/create",
                    &f,
                    &[("x-forwarded-for", visitor), ("cookie", cookie)],
                )
                .await;
            assert_eq!(st, 200, "{o}");
            o["order_id"].as_str().expect("order id").to_string()
        }
    };
    let order = |visitor: &'static str| order_as(visitor, "country=US");
    let (a, a_again) = tokio::join!(order("198.51.100.7"), order("198.51.100.7"));
    assert_eq!(a, a_again, "one visitor's form sent twice is one order");
    assert_eq!(a, order("198.51.100.7").await, "and sent again later");
    let b = order("203.0.113.9").await;
    assert_ne!(
        a, b,
        "another visitor of the same page has an order of their own"
    );
    // Two browsers behind one address, told apart by their `visitor` cookie.
    let one = "visitor=0123456789abcdef0123456789abcdef";
    let two = "visitor=fedcba9876543210fedcba9876543210";
    let c = order_as("192.0.2.50", one).await;
    assert_eq!(
        c,
        order_as("192.0.2.50", one).await,
        "one browser, one order"
    );
    let d = order_as("192.0.2.50", two).await;
    assert!(![&a, &b, &c].contains(&&d), "the other browser's own order");
    assert_eq!(
        s.hits_exact("/v5/orders").await,
        4,
        "four orders placed upstream, counted at the sandbox"
    );
}

#[tokio::test]
async fn pages_are_cached_per_country_and_never_for_a_visitor_with_their_own() {
    let s = shop(&[]).await;
    assert_eq!(page(&s, "/", "country=US").await.cache, "miss");
    assert_eq!(page(&s, "/", "country=US").await.cache, "hit");
    assert_eq!(
        page(&s, "/", "country=DE").await.cache,
        "miss",
        "another country"
    );
    assert!(page(&s, "/", "country=DE").await.text().contains("Germany"));
    for own in ["country=US; recent=abc123", "cart=x.y", "draft=x.y"] {
        assert_eq!(page(&s, "/", own).await.cache, "bypass", "{own}");
    }
    assert_eq!(
        page(&s, "/brands/US/steam?draft=1", "country=US")
            .await
            .cache,
        "bypass"
    );
    // Order pages and the cart are never cached.
    assert_eq!(page(&s, "/cart", "").await.cache, "none");
}

#[tokio::test]
async fn a_page_asked_with_a_stranger_s_query_is_never_kept() {
    let s = shop(&[]).await;
    // The parameters the home page reads, short: kept.
    assert_eq!(page(&s, "/?q=steam", "").await.cache, "miss");
    assert_eq!(page(&s, "/?q=steam", "").await.cache, "hit");
    // Anything else is rendered for its asker and forgotten.
    let long = format!("/?q={}", "a".repeat(60_000));
    for path in ["/?utm_source=x", "/?q=steam&junk=1", long.as_str()] {
        assert_eq!(
            page(&s, path, "").await.cache,
            "bypass",
            "{}",
            &path[..40.min(path.len())]
        );
        assert_eq!(page(&s, path, "").await.cache, "bypass");
    }
    for i in 0..200 {
        let _ = page(&s, &format!("/?junk{i}={}", "b".repeat(2_000)), "").await;
    }
    assert!(
        s.running.page_cache_bytes() < 2_000_000,
        "{} bytes kept after 200 junk queries",
        s.running.page_cache_bytes()
    );
}
