//! Cross-cutting HTTP layers: who the client is, security headers with a
//! per-response CSP, body and time limits, `no-store` for orders, compression
//! (never for event streams) and request tracing.

use crate::error::{AppError, Refusal};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::server::client_addr::{ClientAddr, TrustedProxies};

/// Largest request body accepted (server functions and forms): then 413.
pub const MAX_BODY: usize = 16 * 1024;

/// The Content-Security-Policy. Scripts: our own files, inline ones only with
/// this response's `nonce`, and WebAssembly compilation.
pub fn csp(nonce: Option<&str>) -> String {
    csp_with(&nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default())
}

/// The Content-Security-Policy whose scripts are our own files, the inline
/// ones `sources` names (` 'nonce-…'` or ` 'sha256-…'`, each with a leading
/// space), and WebAssembly compilation. Loopback and `ws:` sources (the reload
/// socket of `cargo leptos watch`, a local sandbox's logos) only in debug builds.
pub fn csp_with(sources: &str) -> String {
    let (dev_img, dev_connect) = if cfg!(debug_assertions) {
        (
            " http://127.0.0.1:* http://localhost:*",
            " ws://127.0.0.1:* ws://localhost:*",
        )
    } else {
        ("", "")
    };
    format!(
        "default-src 'self'; script-src 'self'{sources} 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data: https:{dev_img}; \
connect-src 'self'{dev_connect}; font-src 'self'; object-src 'none'; \
base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// True for the paths that show or stream an order (a delivered code, an address).
fn is_order_path(path: &str) -> bool {
    path.starts_with("/orders/") || path.starts_with("/api/orders/")
}

/// Order pages, order functions and order streams are never stored by anyone.
async fn no_store_for_orders(req: Request, next: Next) -> Response {
    let order = is_order_path(req.uri().path());
    let mut resp = next.run(req).await;
    if order {
        let streaming = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        let value = if streaming {
            "no-store, no-transform"
        } else {
            "no-store"
        };
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    resp
}

/// Built assets (`/pkg`, hashed names, precompressed by the release build) are
/// cached by browsers for a year: a new build has new names.
pub async fn immutable_assets(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    if resp.status().is_success() || resp.status() == StatusCode::NOT_MODIFIED {
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    resp
}

/// The one place a server function's error becomes its HTTP status. Every
/// server function answers an error (an `AppError` or a `Refusal`, whether the
/// function returned it or the framework raised it, such as for unreadable
/// arguments) as its JSON, marked with a `serverfnerror` header, and with a
/// status the framework picks: 500, or for a plain form post a redirect. This
/// layer gives the 500 the error's own status (`AppError::status`) and a rate
/// limit's `Retry-After`, as `AppError`'s `IntoResponse` does for the routes
/// that aren't server functions. A redirect stays one: a plain form post's
/// browser follows it to a page that says what happened (the form with its
/// problems, through the signed draft), where a status would show it JSON.
async fn server_fn_status(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    // `AppError`'s own answers say `app-error` and already carry their status.
    let server_fn_error = resp
        .headers()
        .get("serverfnerror")
        .is_some_and(|v| v.as_bytes() != b"app-error");
    if !api || !server_fn_error || resp.status().is_redirection() {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let head = match serde_json::from_slice::<AppError>(&bytes) {
        Ok(e) => Some(e.http_head()),
        Err(_) => serde_json::from_slice::<Refusal>(&bytes).ok().map(|r| {
            let status =
                StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, None)
        }),
    };
    if let Some((status, retry)) = head {
        parts.status = status;
        if let Some(retry) = retry {
            parts.headers.insert(header::RETRY_AFTER, retry);
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Ends any request that takes longer than the limit with a 503 that says so.
async fn time_limit(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            tracing::warn!("request timed out after {limit:?}");
            AppError::Unavailable.into_response()
        }
    }
}

/// Wraps everything but event streams in the per-request time limit.
pub fn with_time_limit<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    limit: Duration,
) -> Router<S> {
    router.layer(middleware::from_fn_with_state(limit, time_limit))
}

/// Behind https (`CR_PUBLIC_URL` is https, or a trusted proxy says so in
/// `X-Forwarded-Proto`), every cookie the shop sets is `Secure`: one place for
/// all of them (carts, drafts, recent orders, language, country).
pub async fn secure_cookies(
    axum::extract::State((configured, trusted)): axum::extract::State<(bool, TrustedProxies)>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let secure = configured
        || req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .is_some_and(|peer| trusted.says_https(peer.0.ip(), req.headers()));
    let mut resp = next.run(req).await;
    if !secure {
        return resp;
    }
    let cookies: Vec<HeaderValue> = resp
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    resp.headers_mut().remove(header::SET_COOKIE);
    for cookie in cookies {
        let value = match cookie.to_str() {
            Ok(text) if !text.contains("; Secure") => {
                HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(cookie)
            }
            _ => cookie,
        };
        resp.headers_mut().append(header::SET_COOKIE, value);
    }
    resp
}

/// Wraps the router in the shop's standard layers (outermost last).
pub fn layers(router: Router, trusted: TrustedProxies) -> Router {
    let compress = CompressionLayer::new().compress_when(
        DefaultPredicate::new().and(NotForContentType::const_new("text/event-stream")),
    );
    let header =
        |name: HeaderName, value: HeaderValue| SetResponseHeaderLayer::if_not_present(name, value);
    let default_csp = HeaderValue::from_str(&csp(None))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    router
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn(no_store_for_orders))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        // Before any budget is spent or any body read: nothing another website
        // sends changes state, and it is told why (not "too large").
        .layer(middleware::from_fn(
            crate::server::cross_site::same_site_only,
        ))
        .layer(compress)
        .layer(header(header::CONTENT_SECURITY_POLICY, default_csp))
        .layer(header(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(header(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(header(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(TraceLayer::new_for_http())
        // Outermost: every log line of the request, the trace layer's too, is
        // written in the span that names its id.
        .layer(middleware::from_fn_with_state(trusted, frame_request))
}

/// The outermost layer, one for three jobs (each layer copies every layer
/// inside it on every request, so they share one): who the client is (a
/// [`ClientAddr`] extension, resolved once), the request's id and span
/// (`request_id`), and the answer counted by route and status (`metrics`).
pub async fn frame_request(
    State(trusted): State<TrustedProxies>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = crate::server::client_addr::peer(&req);
    let client = trusted.resolve(peer, req.headers());
    req.extensions_mut().insert(ClientAddr(client));
    let id = crate::server::request_id::choose(&trusted, peer, req.headers());
    let route = crate::server::metrics::route_template(req.uri().path());
    let started = std::time::Instant::now();
    let resp = crate::server::request_id::run_within(id, req, next).await;
    crate::server::metrics::answered(route, resp.status().as_u16(), started);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csp_allows_inline_scripts_only_by_nonce() {
        let with = csp(Some("abc123"));
        let script = with
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap_or_default();
        assert!(script.contains("'nonce-abc123'"), "{script}");
        assert!(!script.contains("unsafe-inline"), "{script}");
        assert!(!csp(None).contains("nonce"));
        assert!(
            csp_with(" 'sha256-x'").contains("script-src 'self' 'sha256-x' 'wasm-unsafe-eval';")
        );
    }

    #[test]
    fn dev_only_sources_only_in_debug_builds() {
        let policy = csp(None);
        assert_eq!(policy.contains("ws://"), cfg!(debug_assertions));
        assert_eq!(policy.contains("127.0.0.1"), cfg!(debug_assertions));
    }

    #[test]
    fn order_paths_are_recognised() {
        assert!(is_order_path("/orders/abc"));
        assert!(is_order_path("/api/orders/get"));
        assert!(is_order_path("/api/orders/abc/subscribe"));
        assert!(!is_order_path("/brands/US/steam"));
    }
}
