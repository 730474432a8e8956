//! Pages don't preload their islands' code. Leptos's island script loads the
//! code when the browser is idle, after the page's content, but
//! `HydrationScripts` also emits `<link rel="modulepreload">` and
//! `<link rel="preload" as="fetch">` for the same files, which fetch the wasm
//! at high priority beside the page's images: on a slow phone network the
//! largest image waited behind it (simulated mobile LCP on the home page
//! 2.03 s with the links, 1.06 s without; `bench/run`). This layer removes
//! those two links from every HTML answer; the script itself is untouched.
//!
//! It also gives every page its CSP: the hashes of its inline scripts when
//! they are all the build's own (`server::inline_scripts`), else the nonce its
//! scripts carry, read from the page itself. (The shell used to set it through Leptos'
//! `ResponseOptions`, which was once seen lost on an order's 404 page in
//! bench/cluster, one run in about ten, cf. leptos-rs/leptos#3280: the page's
//! scripts were then blocked.)

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use memchr::memmem;

/// Largest page rewritten (larger ones pass as they are).
const MAX_PAGE: usize = 512 * 1024;

/// `html` without the preload links of the islands' files (under `/pkg/`).
pub fn without_island_preloads(html: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = memmem::find(rest, b"<link ") {
        let Some(len) = memchr::memchr(b'>', &rest[start..]).map(|e| e + 1) else {
            break;
        };
        let tag = &rest[start..start + len];
        let preload = memmem::find(tag, b"rel=\"modulepreload\"").is_some()
            || memmem::find(tag, b"rel=\"preload\"").is_some();
        out.extend_from_slice(&rest[..start]);
        if !(preload && memmem::find(tag, b"/pkg/").is_some()) {
            out.extend_from_slice(tag);
        }
        rest = &rest[start + len..];
    }
    out.extend_from_slice(rest);
    out
}

/// Sets the CSP that names the nonce of `html`'s scripts (a page without
/// inline scripts keeps the default policy, set further out).
fn name_the_nonce(headers: &mut axum::http::HeaderMap, html: &[u8]) {
    if let Some(nonce) = crate::server::inline_scripts::nonce(html)
        && let Ok(csp) = axum::http::HeaderValue::from_str(&crate::server::http::csp(Some(nonce)))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
}

/// `html` as sent, with its CSP: the same bytes for every visitor when its
/// inline scripts are all learnt ones (their hashes named,
/// `server::inline_scripts`), else with its nonce named.
fn with_policy(headers: &mut axum::http::HeaderMap, html: Vec<u8>) -> Vec<u8> {
    match crate::server::inline_scripts::hashed(&html) {
        Some(page) => {
            if let Ok(csp) =
                axum::http::HeaderValue::from_str(&crate::server::http::csp_with(&page.sources))
            {
                headers.insert(header::CONTENT_SECURITY_POLICY, csp);
            }
            page.html
        }
        None => {
            name_the_nonce(headers, &html);
            html
        }
    }
}

/// The layer: HTML answers lose the islands' preload links, and their CSP
/// allows exactly their inline scripts.
pub async fn idle_islands(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !html {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(bytes) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            let page = with_policy(&mut parts.headers, without_island_preloads(&bytes));
            Response::from_parts(parts, Body::from(Bytes::from(page)))
        }
        // Unreadable or too big: a short answer that says so, never half a page.
        Err(_) => axum::response::IntoResponse::into_response(crate::error::AppError::Unavailable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_page_whose_csp_lost_its_nonce_gets_one_naming_its_scripts() {
        let page = r#"<html><body><script type="module" nonce="n0nce">go()</script></body></html>"#;
        let app = axum::Router::new()
            .route(
                "/",
                axum::routing::get(move || async move {
                    (
                        [
                            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                            (
                                header::CONTENT_SECURITY_POLICY,
                                "default-src 'self'; script-src 'self'",
                            ),
                        ],
                        page,
                    )
                }),
            )
            .layer(axum::middleware::from_fn(idle_islands));
        let resp = tower::ServiceExt::oneshot(
            app,
            Request::builder()
                .uri("/")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
        let csp = resp.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("csp");
        assert!(csp.contains("'nonce-n0nce'"), "{csp}");
    }

    #[test]
    fn only_the_islands_preloads_go() {
        let page = concat!(
            r#"<head><link rel="icon" href="/favicon.svg"><link id="leptos" rel="stylesheet" href="/pkg/s.css">"#,
            r#"<link rel="modulepreload" href="/pkg/s.abc.js" crossorigin="n">"#,
            r#"<link rel="preload" href="/pkg/s.abc.wasm" as="fetch" type="application/wasm" crossorigin="n">"#,
            r#"<link rel="preload" href="/logos/a.webp" as="image"></head>"#,
            r#"<body><script type="module" nonce="n">go("/pkg/s.abc.js")</script></body>"#
        );
        let out = String::from_utf8(without_island_preloads(page.as_bytes())).unwrap_or_default();
        assert_eq!(
            out,
            concat!(
                r#"<head><link rel="icon" href="/favicon.svg"><link id="leptos" rel="stylesheet" href="/pkg/s.css">"#,
                r#"<link rel="preload" href="/logos/a.webp" as="image"></head>"#,
                r#"<body><script type="module" nonce="n">go("/pkg/s.abc.js")</script></body>"#
            )
        );
    }

    #[test]
    fn a_page_without_links_or_with_a_broken_tag_is_kept() {
        for page in ["<p>hi</p>", "<p>a</p><link rel=\"preload\" href=\"/pkg/x"] {
            assert_eq!(without_island_preloads(page.as_bytes()), page.as_bytes());
        }
    }
}
