//! Static assets are served as built: the precompressed brotli or gzip file the
//! browser accepts (never compressed again on the fly), with hashed names cached
//! for a year as immutable.

use crate::common;

use common::shop_at;

#[tokio::test]
async fn precompressed_assets_are_served_as_they_are_and_cached_for_good() {
    let site = std::env::temp_dir().join(format!("storefront-site-{}", std::process::id()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg dir");
    let raw = vec![0u8; 40_000];
    std::fs::write(pkg.join("storefront.0a1b2c.wasm"), &raw).expect("raw");
    std::fs::write(pkg.join("storefront.0a1b2c.wasm.br"), b"brotli bytes").expect("br");
    std::fs::write(pkg.join("storefront.0a1b2c.wasm.gz"), b"gzip bytes").expect("gz");
    let s = shop_at(&[], site.to_str().expect("utf-8 path")).await;
    let url = format!("{}/pkg/storefront.0a1b2c.wasm", s.base);

    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), b"brotli bytes".to_vec()),
        ("gzip", Some("gzip"), b"gzip bytes".to_vec()),
        ("identity", None, raw.clone()),
    ] {
        let resp = s
            .http
            .get(&url)
            .header("accept-encoding", accept)
            .send()
            .await
            .expect("get");
        assert_eq!(resp.status(), 200, "{accept}");
        let h = resp.headers().clone();
        assert_eq!(
            h.get("content-encoding").and_then(|v| v.to_str().ok()),
            encoding,
            "{accept}"
        );
        assert_eq!(
            h.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/wasm")
        );
        assert_eq!(
            h.get("cache-control").and_then(|v| v.to_str().ok()),
            Some("public, max-age=31536000, immutable"),
            "{accept}"
        );
        assert_eq!(resp.bytes().await.expect("body").to_vec(), body, "{accept}");
    }
    let missing = s
        .http
        .get(format!("{}/pkg/nothing.js", s.base))
        .send()
        .await
        .expect("get");
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .headers()
            .get("cache-control")
            .is_none_or(|v| v != "public, max-age=31536000, immutable")
    );
    let _ = std::fs::remove_dir_all(&site);
}

/// The 233-country list costs no page its 11 KB: the home page has an empty
/// suggestions list and a link to the countries page; the suggestions come from
/// their own cacheable address, and the countries page lists every country.
#[tokio::test]
async fn the_country_list_is_fetched_apart_not_carried_by_every_page() {
    let s = common::shop(&[]).await;
    let (status, home) = s.get("/").await;
    assert_eq!(status, 200);
    let list = home
        .split(r#"<datalist id="country-list">"#)
        .nth(1)
        .and_then(|rest| rest.split("</datalist>").next())
        .expect("the picker's datalist");
    assert!(!list.contains("<option"), "{list}");
    assert!(!home.contains("France (FR)"));
    assert!(home.contains(r#"href="/countries""#));

    let resp = s
        .http
        .get(format!("{}/api/catalog/country_options?lang=en", s.base))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=86400")
    );
    let options: String = resp.json().await.expect("a JSON string");
    assert_eq!(options.matches("<option").count(), 233, "{options}");
    assert!(!options.contains("<script"));

    let (status, page) = s.get("/countries").await;
    assert_eq!(status, 200);
    assert_eq!(page.matches(r#"<a href="/country?country="#).count(), 233);
    assert_eq!(page.matches("<option").count(), 233);
}

/// The islands' code loads when the browser is idle, after the page's images:
/// no page preloads it (it competed with the largest image), the island script
/// is still there. Cached and uncached answers alike.
#[tokio::test]
async fn no_page_preloads_the_islands_code() {
    let s = common::shop(&[]).await;
    let (family, _) = common::some_family(&s, "US").await;
    for path in [
        "/".to_string(),
        "/".to_string(),
        format!("/brands/US/{family}"),
        "/cart".into(),
        "/countries".into(),
        "/no-such-page".into(),
    ] {
        let (_, html) = s.get(&path).await;
        assert!(!html.contains("modulepreload"), "{path}: {html}");
        assert!(!html.contains(r#"rel="preload""#), "{path}: {html}");
        assert!(html.contains(r#"<script type="module""#), "{path}: {html}");
    }
}
