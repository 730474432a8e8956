//! The plain axum routes beside the Leptos ones: health, country choice, QR codes
//! and the live order stream.

use crate::error::AppError;
use crate::model::countries;
use crate::model::problem::{Field, Reason};
use crate::server::client_addr::ClientAddr;
use crate::server::shopper::{self, COUNTRY_COOKIE};
use crate::server::state::AppState;
use axum::Extension;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use serde::Deserialize;

/// One route: its path and how it is answered.
pub type Route = (&'static str, fn() -> MethodRouter<AppState>);

/// The plain routes registered before the Leptos ones (all under the request
/// time limit): the router is built from this table, and the property sweep
/// fuzzes every path in it.
pub static PLAIN: &[Route] = &[
    ("/healthz", || get(healthz)),
    ("/readyz", || get(crate::server::readiness::readyz)),
    ("/country", || get(choose_country)),
    ("/lang", || get(choose_language)),
    ("/qr.svg", || get(qr_svg)),
];

/// The live order streams: long-lived, so outside the request time limit.
pub static STREAMS: &[Route] = &[("/api/orders/{order_id}/subscribe", || get(subscribe))];

/// The plain routes, from [`PLAIN`].
pub fn routes() -> Router<AppState> {
    table(PLAIN)
}

/// The live order streams, from [`STREAMS`].
pub fn streams() -> Router<AppState> {
    table(STREAMS)
}

fn table(routes: &[Route]) -> Router<AppState> {
    routes
        .iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler())
        })
}

async fn healthz() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({"status": "ok"})),
    )
}

#[derive(Deserialize)]
struct CountryChoice {
    #[serde(default)]
    country: String,
    #[serde(default)]
    next: Option<String>,
}

/// Only same-site paths are followed after a choice (no open redirect): a path
/// that starts with one `/`, with no control character, whitespace or backslash
/// anywhere (browsers drop tabs and newlines and read `\` as `/`) and only
/// ASCII (it goes into a `Location` header as is), else `/`.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.len() < 512
                && n.is_ascii()
                && !n
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || c == '\\') =>
        {
            n
        }
        _ => "/",
    }
}

#[derive(Deserialize)]
struct LanguageChoice {
    #[serde(default)]
    to: String,
    #[serde(default)]
    next: Option<String>,
}

/// `GET /lang?to=tr&next=/cart`: remembers the language in a cookie and goes
/// to `next` in it (a plain link: the switcher works without JavaScript). An
/// unknown language changes nothing.
async fn choose_language(Query(q): Query<LanguageChoice>) -> Response {
    let next = safe_next(q.next.as_deref());
    let Some(l) = crate::lang::parse(&q.to) else {
        return Redirect::to(next).into_response();
    };
    let mut resp = Redirect::to(&crate::lang::href(l, next)).into_response();
    if let Ok(v) = HeaderValue::from_str(&crate::server::locale::remember(l)) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

/// `GET /country?country=Germany (DE)&next=/`: remembers the choice in a cookie.
async fn choose_country(Query(q): Query<CountryChoice>) -> Response {
    let next = safe_next(q.next.as_deref());
    let Some(c) = countries::parse_choice(&q.country) else {
        let sep = if next.contains('?') { '&' } else { '?' };
        return Redirect::to(&format!("{next}{sep}unknown_country=1")).into_response();
    };
    let cookie = crate::server::signed_cookie::set_cookie(COUNTRY_COOKIE, c.code, 365 * 24 * 3600);
    let mut resp = Redirect::to(next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Deserialize)]
struct QrText {
    text: String,
}

/// `GET /qr.svg?text=`: a QR code of a payment URI, as SVG.
async fn qr_svg(Query(q): Query<QrText>) -> Response {
    if q.text.is_empty() || q.text.len() > 1024 {
        return AppError::invalid(Field::Order, Reason::QrLength).into_response();
    }
    match qrcode::QrCode::new(q.text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(240, 240)
                .quiet_zone(true)
                .build();
            (
                [
                    (header::CONTENT_TYPE, "image/svg+xml"),
                    (header::CACHE_CONTROL, "public, max-age=86400, immutable"),
                ],
                svg,
            )
                .into_response()
        }
        Err(_) => AppError::invalid(Field::Order, Reason::QrTooLong).into_response(),
    }
}

async fn subscribe(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
) -> Response {
    let country = shopper::country(&headers, &state.shop.config.default_country);
    let who = shopper::shopper(&headers, &country, client.map(|c| c.0));
    let last = crate::server::sse::last_event_id(&headers);
    state.hub.subscribe(&order_id, &who, last.as_deref()).await
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn no_open_redirects() {
        assert_eq!(safe_next(Some("/brands/US/steam")), "/brands/US/steam");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        for evil in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/\\evil.example",
            "/x\u{2028}/y",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil:?}");
        }
    }
}
