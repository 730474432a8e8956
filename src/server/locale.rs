//! Which language a request speaks. A `/tr` or `/vi` prefix names it (and is
//! taken off the path before routing, so every route exists once); without one,
//! the shopper's remembered choice (the `lang` cookie), then the browser's
//! `Accept-Language`, then English. A page asked for without a prefix in
//! another language than English is redirected to that language's address, so
//! every page anyone sees has a URL that says its language.

use crate::lang::{self, Locale};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// The language remembered in the `lang` cookie, if any.
pub fn from_cookie(headers: &HeaderMap) -> Option<Locale> {
    crate::server::shopper::cookie(headers, lang::COOKIE).and_then(lang::parse)
}

/// The language of a request without a prefix.
pub fn preferred(headers: &HeaderMap) -> Locale {
    from_cookie(headers)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// The pages (what a shopper reads at an address); not functions, files or streams.
fn is_page(path: &str) -> bool {
    path == "/"
        || path == "/cart"
        || path == "/countries"
        || path == "/terms"
        || path == "/find-order"
        || path == "/privacy"
        || path.starts_with("/brands/")
        || path.starts_with("/orders/")
}

/// `uri` with `path` in place of its path.
fn with_path(uri: &Uri, path: &str) -> Option<Uri> {
    let pq = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    Uri::builder().path_and_query(pq).build().ok()
}

/// The locale layer (outermost: it runs before routing).
pub async fn locale(mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let (named, rest) = lang::split(&path);
    let locale = match named {
        Some(l) => l,
        None => {
            let l = preferred(req.headers());
            let reading = matches!(*req.method(), Method::GET | Method::HEAD);
            if l != Locale::en && reading && is_page(&path) {
                let target = match req.uri().query() {
                    Some(q) => lang::href(l, &format!("{path}?{q}")),
                    None => lang::href(l, &path),
                };
                let mut resp = Redirect::to(&target).into_response();
                vary(&mut resp);
                return resp;
            }
            l
        }
    };
    if named.is_some()
        && let Some(uri) = with_path(req.uri(), rest)
    {
        *req.uri_mut() = uri;
    }
    req.extensions_mut().insert(locale);
    let page = is_page(&path);
    let mut resp = next.run(req).await;
    // Only a page without a prefix depends on the cookie and the browser's
    // language: built files and functions stay cacheable as they are.
    if named.is_none() && page {
        vary(&mut resp);
    }
    resp
}

/// An answer chosen by cookie and `Accept-Language` says so to caches.
fn vary(resp: &mut Response) {
    resp.headers_mut().append(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
}

/// The `Set-Cookie` value that remembers `l` for a year.
pub fn remember(l: Locale) -> String {
    crate::server::signed_cookie::set_cookie(lang::COOKIE, lang::code(l), 365 * 24 * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_cookie_wins_over_the_browser() {
        let h = headers(&[("cookie", "cart=x; lang=en"), ("accept-language", "tr")]);
        assert_eq!(preferred(&h), Locale::en);
        let h = headers(&[("accept-language", "vi-VN,vi;q=0.9")]);
        assert_eq!(preferred(&h), Locale::vi);
        let h = headers(&[("cookie", "lang=xx"), ("accept-language", "de")]);
        assert_eq!(preferred(&h), Locale::en);
        assert_eq!(from_cookie(&headers(&[("cookie", "language=tr")])), None);
    }

    /// Only pages depend on the cookie and the browser's language: built
    /// files and functions stay cacheable as they are.
    #[tokio::test]
    async fn only_pages_vary_by_language() {
        use axum::body::Body;
        use tower::ServiceExt;
        let app = axum::Router::new()
            .route("/", axum::routing::get(|| async { "home" }))
            .route("/pkg/app.wasm", axum::routing::get(|| async { "wasm" }))
            .layer(axum::middleware::from_fn(locale));
        for (path, varies) in [("/", true), ("/pkg/app.wasm", false), ("/tr", false)] {
            let resp = app
                .clone()
                .oneshot(
                    axum::http::Request::get(path)
                        .body(Body::empty())
                        .expect("request"),
                )
                .await
                .expect("answer");
            assert_eq!(resp.headers().contains_key(header::VARY), varies, "{path}");
        }
    }

    #[test]
    fn pages_are_told_apart_from_functions_and_files() {
        assert!(is_page("/"));
        assert!(is_page("/brands/DE/steam"));
        assert!(is_page("/orders/abc"));
        assert!(is_page("/terms") && is_page("/privacy") && is_page("/find-order"));
        assert!(!is_page("/api/orders/create"));
        assert!(!is_page("/pkg/storefront.js"));
        assert!(!is_page("/qr.svg"));
    }
}
