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
/// The query parameters a cacheable page reads (the home page's filter and
/// country notice), each with the longest value kept. A page asked with any
/// other parameter, a longer value or a query over [`MAX_QUERY`] is rendered but
/// never kept: the cache's keys and pages can't grow with what a stranger adds.
const PAGE_PARAMS: [(&str, usize); 4] = [
    ("kind", 32),
    ("category", 64),
    ("q", 100),
    ("unknown_country", 8),
];
/// Longest query of a kept page.
const MAX_QUERY: usize = 256;

/// A rendered page and what must change in each copy of it.
struct Cached {
    body: Bytes,
    /// The body as text runs and the places of its nonce and checkout key,
    /// found once when the page is kept: each answer is one copy.
    pieces: Vec<Piece>,
    content_type: HeaderValue,
    key: Option<String>,
}

/// A run of the kept body, or a place for the answer's own value.
#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Text(std::ops::Range<usize>),
    Nonce,
    Key,
}

/// The cached pages: home pages for the catalogue TTL, brand pages (which show a
/// price) for the quote TTL, each kind within a budget in bytes (keys and
/// bodies weighed). One reference count to clone: axum clones a middleware's
/// state on every request.
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
    /// A cache of at most `max_bytes` of pages of each kind.
    pub fn new(
        home_ttl: Duration,
        brand_ttl: Duration,
        max_bytes: u64,
        default_country: &str,
    ) -> Self {
        let build = |ttl: Duration| {
            moka::sync::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|key: &String, page: &Arc<Cached>| page.weight(key))
                .time_to_live(ttl.max(Duration::from_millis(1)))
                .build()
        };
        PageCache(Arc::new(Pages {
            home: build(home_ttl),
            brand: build(brand_ttl),
            default_country: default_country.into(),
        }))
    }

    /// Bytes held now, both kinds (pending evictions run first).
    pub fn weighted_bytes(&self) -> u64 {
        self.0.home.run_pending_tasks();
        self.0.brand.run_pending_tasks();
        self.0.home.weighted_size() + self.0.brand.weighted_size()
    }

    /// Pages held now, both kinds (pending evictions run first: for the
    /// metrics scrape and tests, never on a request's path).
    pub fn entries(&self) -> u64 {
        self.0.home.run_pending_tasks();
        self.0.brand.run_pending_tasks();
        self.0.home.entry_count() + self.0.brand.entry_count()
    }

    fn pages(&self, kind: Kind) -> &moka::sync::Cache<String, Arc<Cached>> {
        match kind {
            Kind::Home => &self.0.home,
            Kind::Brand => &self.0.brand,
        }
    }
}

impl Cached {
    /// What a kept page weighs: its key, body and pieces, in bytes.
    fn weight(&self, key: &str) -> u32 {
        let bytes = key.len()
            + self.body.len()
            + self.pieces.len() * std::mem::size_of::<Piece>()
            + self.key.as_ref().map_or(0, String::len)
            + 256;
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }
}

/// Whether a page asked with `query` may be kept: only the parameters pages
/// read, each within its length, in a short query.
fn keepable_query(query: Option<&str>) -> bool {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return true;
    };
    query.len() <= MAX_QUERY
        && query.split('&').all(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            PAGE_PARAMS
                .iter()
                .any(|(known, longest)| *known == name && value.len() <= *longest)
        })
}

/// A fresh nonce: 16 random bytes, base64url.
fn fresh_nonce() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

/// `body` cut at every occurrence of `nonce` and `key` (neither may be empty).
fn pieces(body: &[u8], nonce: &str, key: Option<&str>) -> Vec<Piece> {
    let mut places: Vec<(usize, usize, Piece)> = Vec::new();
    for (what, piece) in [(Some(nonce), Piece::Nonce), (key, Piece::Key)] {
        let Some(what) = what.filter(|w| !w.is_empty()) else {
            continue;
        };
        places.extend(
            memchr::memmem::find_iter(body, what.as_bytes())
                .map(|at| (at, what.len(), piece.clone())),
        );
    }
    places.sort_by_key(|(at, _, _)| *at);
    let mut out = Vec::with_capacity(places.len() * 2 + 1);
    let mut last = 0;
    for (at, len, piece) in places {
        if at < last {
            continue;
        }
        out.push(Piece::Text(last..at));
        out.push(piece);
        last = at + len;
    }
    out.push(Piece::Text(last..body.len()));
    out
}

/// One answer's copy of a kept body, with its own nonce and key.
fn fill(body: &[u8], pieces: &[Piece], nonce: &str, key: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 64);
    for p in pieces {
        match p {
            Piece::Text(run) => out.extend_from_slice(body.get(run.clone()).unwrap_or_default()),
            Piece::Nonce => out.extend_from_slice(nonce.as_bytes()),
            Piece::Key => out.extend_from_slice(key.as_bytes()),
        }
    }
    out
}

/// Marks the answer with what the cache did, and counts it (metrics).
fn with_header(mut resp: Response, what: &'static str) -> Response {
    crate::server::metrics::cache("pages", what);
    resp.headers_mut()
        .insert(CACHE_HEADER, HeaderValue::from_static(what));
    resp
}

/// The copy of a cached page for one answer.
fn serve(page: &Cached) -> Response {
    let nonce = fresh_nonce();
    let key = page
        .key
        .as_ref()
        .map(|_| crate::server::ids::new_id())
        .unwrap_or_default();
    let body = fill(&page.body, &page.pieces, &nonce, &key);
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
    crate::model::values::IdempotencyKey::parse(key).map(|k| k.to_string())
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
    if own || !keepable_query(req.uri().query()) {
        return with_header(next.run(req).await, "bypass");
    }
    let country = shopper::country(headers, &cache.0.default_country);
    let locale = req
        .extensions()
        .get::<crate::lang::Locale>()
        .copied()
        .unwrap_or_default();
    let key = format!(
        "{}|{}?{}|{country}",
        crate::lang::code(locale),
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
    let checkout = (kind == Kind::Brand)
        .then(|| checkout_key(&bytes))
        .flatten();
    let page = Cached {
        pieces: pieces(
            &bytes,
            nonce.as_deref().unwrap_or_default(),
            checkout.as_deref(),
        ),
        key: checkout,
        body: bytes.clone(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .cloned()
            .unwrap_or_else(|| HeaderValue::from_static("text/html; charset=utf-8")),
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
    fn only_the_parameters_pages_read_are_kept_within_their_lengths() {
        assert!(keepable_query(None));
        assert!(keepable_query(Some("")));
        assert!(keepable_query(Some("q=steam&kind=giftcard")));
        assert!(keepable_query(Some("unknown_country=1")));
        assert!(!keepable_query(Some("utm_source=x")), "unknown parameter");
        assert!(
            !keepable_query(Some(&format!("q={}", "a".repeat(101)))),
            "too long"
        );
        assert!(
            !keepable_query(Some(&"q=a&".repeat(100))),
            "too long a query"
        );
    }

    #[test]
    fn the_cache_is_bounded_in_bytes_not_pages() {
        let cache = PageCache::new(
            Duration::from_secs(60),
            Duration::from_secs(60),
            1_000_000,
            "US",
        );
        let body = Bytes::from(vec![b'x'; 100_000]);
        for i in 0..50 {
            cache.pages(Kind::Home).insert(
                format!("en|/?q={i}|US"),
                Arc::new(Cached {
                    pieces: pieces(&body, "N", None),
                    body: body.clone(),
                    content_type: HeaderValue::from_static("text/html"),
                    key: None,
                }),
            );
        }
        let held = cache.weighted_bytes();
        assert!(held <= 1_000_000, "{held} bytes held for a budget of 1 MB");
        assert!(held >= 500_000, "{held}: the budget is used");
    }

    #[test]
    fn every_occurrence_is_replaced() {
        let body = b"N a NN b K c N";
        let p = pieces(body, "N", Some("K"));
        assert_eq!(fill(body, &p, "nn", "kk"), b"nn a nnnn b kk c nn");
        // Without a key, the key's places are none.
        let p = pieces(b"a K N", "N", None);
        assert_eq!(fill(b"a K N", &p, "nn", ""), b"a K nn");
    }
}
