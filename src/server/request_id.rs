//! Logs that follow a request. Every request gets an id: the `X-Request-Id` a
//! trusted proxy (`CR_TRUSTED_PROXIES`) sent, when it is well-formed, else a new
//! one (anybody else's is replaced: a visitor can't choose the id of their log
//! lines). It is returned in the answer's `X-Request-Id`, names the tracing span
//! every log line of the request is written in, and goes upstream as
//! `X-Request-Id` (`server::upstream::client`), so the partner can quote it.

use crate::server::client_addr::TrustedProxies;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::net::IpAddr;
use tracing::Instrument;

/// The header, both ways.
pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request this task is answering, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// 8–64 letters, digits, `-`, `_` or `.`: nothing that could forge a log line.
fn well_formed(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// The request's id: a trusted proxy's well-formed one, else a new one.
pub fn choose(trusted: &TrustedProxies, peer: IpAddr, headers: &HeaderMap) -> String {
    headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| trusted.trusts(peer) && well_formed(id))
        .map(str::to_string)
        .unwrap_or_else(crate::server::ids::new_id)
}

/// Runs the request in the span and task-local of its `id` and returns the id
/// in the answer (the outermost layer, `server::http::frame_request`, calls it).
pub async fn run_within(id: String, req: Request, next: Next) -> Response {
    let span =
        tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
    let header = HeaderValue::from_str(&id);
    let mut resp = CURRENT.scope(id, next.run(req)).instrument(span).await;
    if let Ok(v) = header {
        resp.headers_mut().insert(HEADER, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_id(id: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(HEADER, HeaderValue::from_str(id).expect("value"));
        h
    }

    #[test]
    fn only_a_trusted_proxys_well_formed_id_is_kept() {
        let trusted = TrustedProxies::new(vec!["10.0.0.1/32".parse().expect("net")]);
        let proxy: IpAddr = "10.0.0.1".parse().expect("ip");
        let stranger: IpAddr = "203.0.113.9".parse().expect("ip");
        assert_eq!(
            choose(&trusted, proxy, &with_id("req-1234abcd")),
            "req-1234abcd"
        );
        assert_ne!(
            choose(&trusted, stranger, &with_id("req-1234abcd")),
            "req-1234abcd"
        );
        for forged in [
            "short",
            "has space in it",
            "line\\nbreak-forged",
            &"x".repeat(65),
        ] {
            let h = HeaderValue::from_str(forged).map(|v| {
                let mut h = HeaderMap::new();
                h.insert(HEADER, v);
                h
            });
            if let Ok(h) = h {
                assert_ne!(choose(&trusted, proxy, &h), forged, "{forged}");
            }
        }
        let made = choose(&trusted, stranger, &HeaderMap::new());
        assert!(well_formed(&made), "{made}");
        assert_ne!(
            made,
            choose(&trusted, stranger, &HeaderMap::new()),
            "a new one each time"
        );
    }
}
