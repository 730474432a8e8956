//! Catalogue pages (home, brand) rendered once per country and TTL, and served
//! from memory after that: with a fresh CSP nonce and a fresh checkout key in
//! every answer, and never for a visitor whose page is their own (a cart, recent
//! orders or a refused form in their cookies).

use crate::common;

use common::{Shop, shop};

struct Page {
    cache: String,
    nonce: String,
    key: Option<String>,
    body: String,
}

async fn page(s: &Shop, path: &str, cookie: &str) -> Page {
    let resp = s
        .http
        .get(format!("{}{path}", s.base))
        .header("cookie", cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), 200, "{path}");
    let h = resp.headers().clone();
    let csp = h["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a nonce")
        .to_string();
    let body = resp.text().await.expect("body");
    let key = body
        .split(r#"name="idempotency_key" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(str::to_string);
    Page {
        cache: h
            .get("x-page-cache")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none")
            .to_string(),
        nonce,
        key,
        body,
    }
}

#[tokio::test]
async fn a_brand_page_is_rendered_once_and_each_answer_gets_its_own_nonce_and_key() {
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
    assert_ne!(first.nonce, second.nonce, "a nonce per answer");
    assert!(second.body.contains(&format!("nonce=\"{}\"", second.nonce)));
    assert!(
        !second.body.contains(&first.nonce),
        "the cached nonce never shows"
    );
    let (k1, k2) = (
        first.key.clone().expect("key"),
        second.key.clone().expect("key"),
    );
    assert_ne!(k1, k2, "a checkout key per answer");
    assert!(!second.body.contains(&k1));
    // Otherwise the same page.
    let normal = |p: &Page, key: &str| p.body.replace(&p.nonce, "N").replace(key, "K");
    assert_eq!(normal(&first, &k1), normal(&second, &k2));
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
    assert!(page(&s, "/", "country=DE").await.body.contains("Germany"));
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
