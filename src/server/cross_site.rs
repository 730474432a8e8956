//! Same-site only for whatever changes state or spends the partner's quota: one
//! layer refuses every unsafe request (a POST, PUT, PATCH or DELETE) that another
//! website made the shopper's browser send: `Sec-Fetch-Site` other than
//! `same-origin` or `none` (a sibling subdomain's `same-site` included), else an
//! `Origin` that is `null` or another host than ours. The shopper is told in
//! words; nothing is ordered, validated or changed. The sandbox's partner API
//! (server to server, no cookies) is not the shop's and is left alone.

use crate::error::AppError;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

/// True when the request came from another website than ours.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (text(header::ORIGIN.as_str()), text(header::HOST.as_str())) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
            !origin_host.eq_ignore_ascii_case(host)
        }
        (Some(_), None) => true,
        // No Origin and no Sec-Fetch-Site: not a browser's cross-site request
        // (browsers send one of them on every cross-site POST).
        (None, _) => false,
    }
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The layer: refuses a cross-site unsafe request with 403 and the reason in
/// the shopper's words (a page for a plain form post, JSON for the app).
pub async fn same_site_only(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let exempt = path.starts_with("/sandbox/");
    if exempt || !is_unsafe(req.method()) || !is_cross_site(req.headers()) {
        return next.run(req).await;
    }
    let wants_page = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let l = req
        .extensions()
        .get::<crate::lang::Locale>()
        .copied()
        .unwrap_or_default();
    tracing::warn!(%path, "cross-site request refused");
    if wants_page {
        let words = html_escape(&AppError::CrossSite.message(l));
        let home = crate::lang::href(l, "/");
        let back = html_escape(crate::i18n::td_string!(l, common.back_to_shop));
        let page = format!(
            "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{words}</title><main><h1>{words}</h1><p><a href=\"{home}\">{back}</a></p></main></html>",
            crate::lang::code(l)
        );
        return (StatusCode::FORBIDDEN, Html(page)).into_response();
    }
    AppError::CrossSite.into_response()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_our_own_pages_count_as_same_site() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(
            is_cross_site(&headers(&[("sec-fetch-site", "same-site")])),
            "a sibling subdomain is another website"
        );
        let ours = [("origin", "https://shop.example"), ("host", "shop.example")];
        assert!(!is_cross_site(&headers(&ours)));
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "shop.example")
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("host", "shop.example")
        ])));
        assert!(
            !is_cross_site(&headers(&[])),
            "no browser's cross-site request"
        );
    }
}
