//! Catalogue pages (home, brand) rendered once per path, query and country and
//! kept for a few minutes: a hit costs a copy instead of a render. Nothing per
//! visitor is kept: every answer gets its own CSP nonce and checkout key, put in
//! place of the ones of the render; a visitor whose page is their own (a cart,
//! recent orders, a refused form) is never served from, or stored in, the cache.

use crate::server::shopper;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use std::sync::Arc;
use std::time::Duration;

/// The header that says what the cache did (`hit`, `miss`, `bypass`).
pub const CACHE_HEADER: &str = "x-page-cache";
/// Cookies that make a visitor's page their own.
const OWN_COOKIES: [&str; 3] = ["cart", "recent", "draft"];
/// Largest page kept.
const MAX_PAGE: usize = 512 * 1024;

/// A rendered page and what must change in each copy of it.
struct Cached {
    body: Bytes,
    content_type: HeaderValue,
    nonce: String,
    key: Option<String>,
}

/// The cached pages: home pages for the catalogue TTL, brand pages (which show a
/// price) for the quote TTL. One reference count to clone: axum clones a
/// middleware's state on every request.
#[derive(Clone)]
pub struct PageCache(Arc<Pages>);

struct Pages {
    home: moka::sync::Cache<String, Arc<Cached>>,
    brand: moka::sync::Cache<String, Arc<Cached>>,
    default_country: Arc<str>,
}

/// Which cacheable page a path is.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Home,
    Brand,
}

fn kind(path: &str) -> Option<Kind> {
    if path == "/" {
        return Some(Kind::Home);
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    (parts.len() == 3 && parts[0] == "brands" && parts.iter().all(|p| !p.is_empty()))
        .then_some(Kind::Brand)
}

impl PageCache {
    /// A cache of at most `max_pages` pages of each kind.
    pub fn new(
        home_ttl: Duration,
        brand_ttl: Duration,
        max_pages: u64,
        default_country: &str,
    ) -> Self {
        let build = |ttl: Duration| {
            moka::sync::Cache::builder()
                .max_capacity(max_pages)
                .time_to_live(ttl.max(Duration::from_millis(1)))
                .build()
        };
        PageCache(Arc::new(Pages {
            home: build(home_ttl),
            brand: build(brand_ttl),
            default_country: default_country.into(),
        }))
    }

    fn pages(&self, kind: Kind) -> &moka::sync::Cache<String, Arc<Cached>> {
        match kind {
            Kind::Home => &self.0.home,
            Kind::Brand => &self.0.brand,
        }
    }
}

/// A fresh nonce: 16 random bytes, base64url.
fn fresh_nonce() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

/// `body` with every `from` replaced by `to` (pairs applied in order).
fn replace_all(body: &[u8], pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = body.to_vec();
    for (from, to) in pairs {
        if from.is_empty() {
            continue;
        }
        let mut next = Vec::with_capacity(out.len() + 64);
        let mut last = 0;
        for at in memchr::memmem::find_iter(&out, from.as_bytes()) {
            next.extend_from_slice(&out[last..at]);
            next.extend_from_slice(to.as_bytes());
            last = at + from.len();
        }
        next.extend_from_slice(&out[last..]);
        out = next;
    }
    out
}

fn with_header(mut resp: Response, what: &'static str) -> Response {
    resp.headers_mut()
        .insert(CACHE_HEADER, HeaderValue::from_static(what));
    resp
}

/// The copy of a cached page for one answer.
fn serve(page: &Cached) -> Response {
    let nonce = fresh_nonce();
    let key = page.key.as_ref().map(|_| crate::server::ids::new_id());
    let mut pairs = vec![(page.nonce.as_str(), nonce.as_str())];
    if let (Some(old), Some(new)) = (&page.key, &key) {
        pairs.push((old.as_str(), new.as_str()));
    }
    let body = replace_all(&page.body, &pairs);
    let mut resp = Response::new(Body::from(body));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, page.content_type.clone());
    if let Ok(csp) = HeaderValue::from_str(&crate::server::http::csp(Some(&nonce))) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    with_header(resp, "hit")
}

/// The checkout key a brand page was rendered with.
fn checkout_key(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let rest = text.split(r#"name="idempotency_key" value=""#).nth(1)?;
    let key = rest.split('"').next()?;
    crate::model::checkout::is_valid_idempotency_key(key).then(|| key.to_string())
}

/// The middleware: serves hits, stores what it may, marks the rest.
pub async fn page_cache(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    let Some(kind) = kind(req.uri().path()).filter(|_| req.method() == Method::GET) else {
        return next.run(req).await;
    };
    let headers = req.headers();
    let own = OWN_COOKIES
        .iter()
        .any(|c| shopper::cookie(headers, c).is_some_and(|v| !v.is_empty()))
        || req.uri().query().is_some_and(|q| q.contains("draft"));
    if own {
        return with_header(next.run(req).await, "bypass");
    }
    let country = shopper::country(headers, &cache.0.default_country);
    let key = format!(
        "{}?{}|{country}",
        req.uri().path(),
        req.uri().query().unwrap_or_default()
    );
    let pages = cache.pages(kind);
    if let Some(page) = pages.get(&key) {
        return serve(&page);
    }
    let resp = next.run(req).await;
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let nonce = resp
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(|csp| csp.split("'nonce-").nth(1))
        .and_then(|r| r.split('\'').next())
        .map(str::to_string);
    let storable = resp.status() == StatusCode::OK
        && html
        && !resp.headers().contains_key(header::SET_COOKIE)
        && nonce.is_some();
    if !storable {
        return with_header(resp, "miss");
    }
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE).await else {
        // Too big to keep (or broken): nothing is sent twice, say it failed.
        return with_header(
            axum::response::IntoResponse::into_response(crate::error::AppError::Unavailable),
            "miss",
        );
    };
    let page = Cached {
        key: (kind == Kind::Brand)
            .then(|| checkout_key(&bytes))
            .flatten(),
        body: bytes.clone(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .cloned()
            .unwrap_or_else(|| HeaderValue::from_static("text/html; charset=utf-8")),
        nonce: nonce.unwrap_or_default(),
    };
    // A brand page without a readable key would hand one key to everyone: not kept.
    if kind == Kind::Home || page.key.is_some() {
        pages.insert(key, Arc::new(page));
    }
    with_header(Response::from_parts(parts, Body::from(bytes)), "miss")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_home_and_brand_pages_are_cacheable() {
        assert!(kind("/") == Some(Kind::Home));
        assert!(kind("/brands/US/steam") == Some(Kind::Brand));
        for other in [
            "/cart",
            "/orders/abc",
            "/brands/US",
            "/brands/US/steam/x",
            "/api/x",
        ] {
            assert!(kind(other).is_none(), "{other}");
        }
    }

    #[test]
    fn every_occurrence_is_replaced() {
        let out = replace_all(b"a N b N c K", &[("N", "nn"), ("K", "kk")]);
        assert_eq!(out, b"a nn b nn c kk");
    }
}
