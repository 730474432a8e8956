//! Catalogue pages (home, brand) rendered once per language, path, query and
//! country and kept for a few minutes, compressed once (brotli and gzip) when
//! they are kept: a hit hands out shared bytes, before any other layer runs.
//! A kept page is the same for every visitor: its inline scripts are allowed by
//! hash, not by a per-answer nonce (`server::inline_scripts`), and its checkout
//! key is the page's, which the shop scopes to each visitor when the form comes
//! back (`server::checkout_key`). A visitor whose page is their own (a cart,
//! recent orders, a refused form) is never served from, or stored in, the cache.

use crate::server::client_addr::TrustedProxies;
use crate::server::shopper;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use futures::future::{BoxFuture, Either, Ready, ready};
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

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
/// Response headers that are not the page's own: set for each answer.
const PER_ANSWER: [&str; 4] = [
    "content-length",
    "content-encoding",
    crate::server::request_id::HEADER,
    CACHE_HEADER,
];

/// A kept page: its headers, and its bytes as each encoding sends them.
struct Cached {
    headers: HeaderMap,
    identity: Bytes,
    gzip: Bytes,
    br: Bytes,
}

/// How an answer's body is encoded.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Encoding {
    Identity,
    Gzip,
    Br,
}

impl Cached {
    /// What a kept page weighs: its key, headers and bodies, in bytes.
    fn weight(&self, key: &str) -> u32 {
        let headers: usize = self
            .headers
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 32)
            .sum();
        let bytes =
            key.len() + headers + self.identity.len() + self.gzip.len() + self.br.len() + 256;
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }

    fn body(&self, encoding: Encoding) -> (Bytes, Option<&'static str>) {
        match encoding {
            Encoding::Br => (self.br.clone(), Some("br")),
            Encoding::Gzip => (self.gzip.clone(), Some("gzip")),
            Encoding::Identity => (self.identity.clone(), None),
        }
    }

    /// The page, compressed once (off the runtime's threads: brotli at its
    /// best takes a few milliseconds a page).
    async fn keep(headers: HeaderMap, identity: Bytes) -> Option<Cached> {
        let page = identity.clone();
        let (gzip, br) = tokio::task::spawn_blocking(move || (gzip(&page), brotli(&page)))
            .await
            .ok()?;
        Some(Cached {
            headers,
            identity,
            gzip: Bytes::from(gzip?),
            br: Bytes::from(br?),
        })
    }
}

fn gzip(page: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    out.write_all(page).ok()?;
    out.finish().ok()
}

fn brotli(page: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(page).ok()?;
        w.flush().ok()?;
    }
    Some(out)
}

/// The encoding a request's `Accept-Encoding` prefers among ours (brotli,
/// then gzip, then none; `q=0` refuses one).
fn encoding(headers: &HeaderMap) -> Encoding {
    let Some(accept) = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Encoding::Identity;
    };
    let accepted = |name: &str| {
        accept.split(',').any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            coding.eq_ignore_ascii_case(name) && !refused
        })
    };
    if accepted("br") {
        Encoding::Br
    } else if accepted("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
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

/// What the cache does with a request.
enum Decision {
    /// A kept page answers it.
    Hit(Arc<Cached>),
    /// The layers inside answer it.
    Render(Render),
}

/// Why a request is rendered.
enum Render {
    /// Not a cacheable page: the cache stays out of it.
    Pass,
    /// A cacheable page that is this visitor's own, or asked in a way never kept.
    Bypass,
    /// A cacheable page not kept yet (under this key).
    Miss(Kind, String),
}

impl PageCache {
    /// What the cache does with `req`: a kept page, or why the layers inside
    /// render it. Its language is read as the locale layer reads it: named by
    /// the path, else English (a request that prefers another language without
    /// naming it is redirected by that layer, never kept).
    fn decide(&self, req: &Request) -> Decision {
        if req.method() != Method::GET {
            return Decision::Render(Render::Pass);
        }
        let (named, path) = crate::lang::split(req.uri().path());
        let Some(kind) = kind(path) else {
            return Decision::Render(Render::Pass);
        };
        let headers = req.headers();
        let locale = match named {
            Some(l) => l,
            None => match crate::server::locale::preferred(headers) {
                crate::lang::Locale::en => crate::lang::Locale::en,
                _ => return Decision::Render(Render::Pass),
            },
        };
        let query = req.uri().query();
        let own = OWN_COOKIES
            .iter()
            .any(|c| shopper::cookie(headers, c).is_some_and(|v| !v.is_empty()))
            || query.is_some_and(|q| q.contains("draft"));
        if own || !keepable_query(query) {
            return Decision::Render(Render::Bypass);
        }
        let country = shopper::country(headers, &self.0.default_country);
        let key = format!(
            "{}|{path}?{}|{country}",
            crate::lang::code(locale),
            query.unwrap_or_default()
        );
        match self.pages(kind).get(&key) {
            Some(page) => Decision::Hit(page),
            None => Decision::Render(Render::Miss(kind, key)),
        }
    }

    /// Keeps the answer of a missed page when it is one to keep: a 200 HTML
    /// page, setting no cookie, the same for every visitor (its policy names
    /// no nonce). Returns the kept page, or the answer as it came.
    async fn store(
        &self,
        kind: Kind,
        key: String,
        resp: Response,
    ) -> Result<Arc<Cached>, Response> {
        let h = resp.headers();
        let same_for_all = h
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|csp| !csp.contains("'nonce-"));
        let storable = resp.status() == StatusCode::OK
            && h.get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
            && !h.contains_key(header::SET_COOKIE)
            && !h.contains_key(header::CONTENT_ENCODING)
            && same_for_all;
        if !storable {
            return Err(resp);
        }
        let (parts, body) = resp.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE).await else {
            // Too big to keep (or broken): nothing is sent twice, say it failed.
            return Err(axum::response::IntoResponse::into_response(
                crate::error::AppError::Unavailable,
            ));
        };
        let mut headers = parts.headers.clone();
        for name in PER_ANSWER {
            headers.remove(name);
        }
        // Every answer of a kept page is chosen by its encoding: said once,
        // here (the compression layer inside says it already, as a rule).
        let says_it = headers.get_all(header::VARY).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
        });
        if !says_it {
            headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        match Cached::keep(headers, bytes.clone()).await {
            Some(page) => {
                let page = Arc::new(page);
                self.pages(kind).insert(key, page.clone());
                Ok(page)
            }
            None => Err(Response::from_parts(parts, Body::from(bytes))),
        }
    }
}

/// Marks the answer with what the cache did, and counts it (metrics).
fn with_header(mut resp: Response, what: &'static str) -> Response {
    crate::server::metrics::cache("pages", what);
    resp.headers_mut()
        .insert(CACHE_HEADER, HeaderValue::from_static(what));
    resp
}

/// A kept page as one answer: shared bytes in `encoding`, with the page's headers.
fn answer(page: &Cached, encoding: Encoding) -> Response {
    let (body, coding) = page.body(encoding);
    let mut resp = Response::new(Body::from(body));
    let h = resp.headers_mut();
    h.clone_from(&page.headers);
    if let Some(coding) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    resp
}

/// The layer, outermost: a hit is answered before any other layer runs (with
/// its request id, and counted, as `server::http::frame_request` does for the
/// rest); a miss is rendered uncompressed by the layers inside, then kept.
#[derive(Clone)]
pub struct PageCacheLayer {
    pub cache: PageCache,
    pub trusted: TrustedProxies,
    /// Cookies are `Secure` (`CR_PUBLIC_URL` is https).
    pub secure_cookies: bool,
}

impl<S> tower::Layer<S> for PageCacheLayer {
    type Service = PageCacheService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        PageCacheService {
            inner,
            cache: self.cache.clone(),
            trusted: self.trusted.clone(),
            secure_cookies: self.secure_cookies,
        }
    }
}

/// See [`PageCacheLayer`].
#[derive(Clone)]
pub struct PageCacheService<S> {
    inner: S,
    cache: PageCache,
    trusted: TrustedProxies,
    secure_cookies: bool,
}

impl<S> PageCacheService<S> {
    /// The `visitor` cookie a kept page's answer gives a browser without one
    /// (`server::checkout_key`), `Secure` behind https.
    fn visitor_cookie(&self, req: &Request) -> Option<HeaderValue> {
        let headers = req.headers();
        if !crate::server::checkout_key::lacks_cookie(headers) {
            return None;
        }
        let peer = crate::server::client_addr::peer(req);
        let secure = self.secure_cookies || self.trusted.says_https(peer, headers);
        HeaderValue::from_str(&crate::server::checkout_key::new_cookie(secure)).ok()
    }

    /// A hit, with what `frame_request` gives every other answer: its request
    /// id, and its count and time in the metrics.
    fn hit(&self, req: &Request, page: &Cached) -> Response {
        let started = Instant::now();
        let peer = crate::server::client_addr::peer(req);
        let id = crate::server::request_id::choose(&self.trusted, peer, req.headers());
        let mut resp = with_header(answer(page, encoding(req.headers())), "hit");
        if let Some(cookie) = self.visitor_cookie(req) {
            resp.headers_mut().insert(header::SET_COOKIE, cookie);
        }
        if let Ok(v) = HeaderValue::from_str(&id) {
            resp.headers_mut()
                .insert(crate::server::request_id::HEADER, v);
        }
        crate::server::metrics::answered(
            crate::server::metrics::route_template(req.uri().path()),
            200,
            started,
        );
        resp
    }
}

impl<S> tower::Service<Request> for PageCacheService<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<
        Ready<Result<Response, Infallible>>,
        BoxFuture<'static, Result<Response, Infallible>>,
    >;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let render = match self.cache.decide(&req) {
            Decision::Hit(page) => return Either::Left(ready(Ok(self.hit(&req, &page)))),
            Decision::Render(render) => render,
        };
        // The inner service, ready or not, is taken as tower's clone-and-swap does.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let cache = self.cache.clone();
        let cookie = match render {
            Render::Miss(..) => self.visitor_cookie(&req),
            _ => None,
        };
        Either::Right(Box::pin(async move {
            let (kind, key) = match render {
                Render::Pass => return tower::ServiceExt::oneshot(inner, req).await,
                Render::Bypass => {
                    let resp = tower::ServiceExt::oneshot(inner, req).await?;
                    return Ok(with_header(resp, "bypass"));
                }
                Render::Miss(kind, key) => (kind, key),
            };
            // Rendered uncompressed: the cache compresses it once, when it keeps it.
            let wants = encoding(req.headers());
            req.headers_mut().remove(header::ACCEPT_ENCODING);
            let resp = tower::ServiceExt::oneshot(inner, req).await?;
            let id = resp
                .headers()
                .get(crate::server::request_id::HEADER)
                .cloned();
            let mut resp = match cache.store(kind, key, resp).await {
                Ok(page) => {
                    let mut resp = answer(&page, wants);
                    if let Some(cookie) = cookie {
                        resp.headers_mut().insert(header::SET_COOKIE, cookie);
                    }
                    resp
                }
                Err(resp) => resp,
            };
            if let Some(id) = id {
                resp.headers_mut()
                    .insert(crate::server::request_id::HEADER, id);
            }
            Ok(with_header(resp, "miss"))
        }))
    }
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
                    headers: HeaderMap::new(),
                    identity: body.clone(),
                    gzip: Bytes::new(),
                    br: Bytes::new(),
                }),
            );
        }
        let held = cache.weighted_bytes();
        assert!(held <= 1_000_000, "{held} bytes held for a budget of 1 MB");
        assert!(held >= 500_000, "{held}: the budget is used");
    }

    #[test]
    fn the_encoding_is_the_best_the_request_accepts() {
        let asks = |accept: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(accept).expect("value"),
            );
            encoding(&h)
        };
        assert_eq!(encoding(&HeaderMap::new()), Encoding::Identity);
        assert_eq!(asks("gzip, deflate, br, zstd"), Encoding::Br);
        assert_eq!(asks("gzip"), Encoding::Gzip);
        assert_eq!(asks("br;q=0, gzip;q=0.5"), Encoding::Gzip);
        assert_eq!(asks("BR"), Encoding::Br);
        assert_eq!(asks("identity, brotli"), Encoding::Identity);
        assert_eq!(asks("gzip;q=0"), Encoding::Identity);
    }

    #[test]
    fn a_kept_page_is_compressed_once_into_what_decompresses_to_it() {
        use std::io::Read;
        let page = "<p>the same for everyone</p>".repeat(200);
        let gz = gzip(page.as_bytes()).expect("gzip");
        let br = brotli(page.as_bytes()).expect("br");
        assert!(gz.len() < page.len() / 10 && br.len() < page.len() / 10);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut out)
            .expect("gunzip");
        assert_eq!(out, page);
        let mut out = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut out)
            .expect("unbrotli");
        assert_eq!(out, page);
    }
}
