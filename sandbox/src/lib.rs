//! The sandbox: a simulation of the Cryptorefills partner API served over real
//! HTTP. It is the storefront's default upstream (embedded under `/sandbox`, or
//! standalone: `cargo run -p sandbox -- --port 8081`) and every test's. It speaks
//! the upstream's paths and JSON field names from its own tables and depends on
//! nothing of the storefront. Triggers, controls, strictness and dialects:
//! docs/sandbox.md.

mod amount;
mod api;
mod catalogue;
pub mod chain;
mod control;
mod countries;
pub mod dialect;
mod events;
mod faults;
mod hash;
mod logos;
mod orders;
mod payment;
mod pricing;
mod request;
mod shutdown;
mod streams;
mod validation;

pub use shutdown::shutdown_signal;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::json;
use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How the sandbox behaves.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Path prefix it is mounted under (`/sandbox`, or `` standalone); used in logo URLs.
    pub mount_prefix: String,
    /// Time from payment to delivery.
    pub delivery_delay: Duration,
    /// Keep-alive comment interval of event streams.
    pub keep_alive: Duration,
    /// The bearer token control endpoints require (`Authorization: Bearer <token>`).
    pub control_token: String,
    /// How long orders are kept after their creation.
    pub retention: Duration,
    /// The only `X-Cr-Application` the partner API serves (compared in constant
    /// time; others are 401 `UNKNOWN_APPLICATION`); `None` serves any non-empty one.
    pub partner_id: Option<String>,
    /// Open event streams (`/v5/orders/{id}/subscribe`) one client address may hold;
    /// beyond it, 429 `TOO_MANY_STREAMS`.
    pub max_streams_per_client: usize,
    /// Real EVM chains whose token transfers pay orders (`CR_SANDBOX_EVM_RPC`,
    /// `CR_SANDBOX_EVM_TOKEN`); empty: only the control `pay` does.
    pub chains: Vec<chain::ChainWatch>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            mount_prefix: String::new(),
            delivery_delay: Duration::from_secs(2),
            keep_alive: Duration::from_secs(15),
            // Nobody can guess it: tests and operators set their own.
            control_token: format!("{:032x}", rand::random::<u128>()),
            retention: Duration::from_secs(24 * 3600),
            partner_id: None,
            max_streams_per_client: 32,
            chains: Vec::new(),
        }
    }
}

struct Inner {
    config: SandboxConfig,
    store: orders::Store,
    faults: faults::Faults,
    logos: logos::Logos,
    suspended: Mutex<HashSet<String>>,
    dialects: dialect::Dialects,
    stats: Mutex<BTreeMap<String, u64>>,
    clock_offset: AtomicI64,
    streams: streams::Places,
}

/// The sandbox: cheap to clone, all clones share orders, clock and faults.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

/// A JSON error in the upstream's `{status, detail, moreDetails}` form.
fn error(status: StatusCode, detail: &str, more: &str) -> Response {
    (
        status,
        axum::Json(json!({"status": status.as_u16(), "detail": detail, "moreDetails": more})),
    )
        .into_response()
}

impl Sandbox {
    /// A sandbox with no orders, no faults and the default suspension (USDT on Polygon).
    pub fn new(config: SandboxConfig) -> Sandbox {
        Sandbox {
            inner: Arc::new(Inner {
                config,
                store: orders::Store::default(),
                faults: faults::Faults::default(),
                logos: logos::Logos::default(),
                suspended: Mutex::new(payment::default_suspensions()),
                dialects: dialect::Dialects::default(),
                stats: Mutex::new(BTreeMap::new()),
                clock_offset: AtomicI64::new(0),
                streams: streams::Places::default(),
            }),
        }
    }

    /// Starts watching the configured chains (see [`chain`]); each watcher
    /// ends when the last clone of this sandbox is dropped.
    pub fn watch_chains(&self) {
        for c in &self.inner.config.chains {
            tokio::spawn(chain::watch(Arc::downgrade(&self.inner), c.clone()));
        }
    }

    /// The token contract (mint on Solana) an order of `coin` on `network`
    /// pays: the watched chains' own token on every EVM network.
    pub(crate) fn token(&self, coin: &str, network: &str) -> &str {
        let evm = payment::network(network).is_some_and(|n| n.chain_id.is_some());
        match self.inner.config.chains.first() {
            Some(c) if evm => &c.token,
            _ => payment::token(coin, network).unwrap_or_default(),
        }
    }

    /// The sandbox clock (epoch seconds): real time plus what tests advanced.
    pub fn now(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        real + self.inner.clock_offset.load(Ordering::SeqCst)
    }

    fn suspensions(&self) -> HashSet<String> {
        self.inner
            .suspended
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// All upstream endpoints, `/logos/*` and `/control/*`, rooted at `/`.
    pub fn router(&self) -> Router {
        self.start_expiry_ticker();
        let upstream = Router::new()
            .route("/v3/payment_vias", get(api::payment_vias))
            .route("/v2/brands", get(api::brands))
            .route("/v2/homepage", get(api::homepage))
            .route("/v5/products/country/{cc}", get(api::products))
            .route("/v4/products/price", get(api::price))
            .route("/v5/orders/validations", post(api::validate))
            .route("/v5/orders", post(api::create))
            .route("/v5/orders/{id}", get(api::order))
            .route("/v5/orders/{id}/subscribe", get(events::subscribe))
            .layer(middleware::from_fn_with_state(self.clone(), faults_layer))
            .layer(middleware::from_fn_with_state(
                self.clone(),
                partner_headers,
            ));
        let control = Router::new()
            .route("/control/orders/{id}/pay", post(control::pay))
            .route("/control/orders/{id}/fail", post(control::fail))
            .route("/control/orders/{id}/refund", post(control::refund))
            .route("/control/clock/advance", post(control::advance))
            .route(
                "/control/faults",
                post(control::add_fault)
                    .get(control::list_faults)
                    .delete(control::clear_faults),
            )
            .route("/control/faults/{id}", delete(control::remove_fault))
            .route("/control/suspensions", post(control::suspend))
            .route("/control/stats", get(control::stats))
            .route("/control/stats/reset", post(control::reset_stats))
            .route(
                "/control/dialect",
                post(control::set_dialect).get(control::get_dialect),
            )
            .layer(middleware::from_fn_with_state(self.clone(), control_token));
        let logos = Router::new().route("/logos/{file}", get(api::logo));
        upstream
            .merge(control)
            .merge(logos)
            .with_state(self.clone())
    }

    /// Expires unpaid orders as real time passes (subscribers see it promptly).
    fn start_expiry_ticker(&self) {
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        rt.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                let Some(inner) = weak.upgrade() else { return };
                let sb = Sandbox { inner };
                let now = sb.now();
                sb.inner.store.expire(now);
                let retention = sb.inner.config.retention.as_secs() as i64;
                sb.inner.store.purge(now, retention);
            }
        });
    }
}

/// Refuses calls without `X-Cr-Application` and `X-Cr-Version`, or (when a partner id
/// is configured) naming another application; counts the rest.
async fn partner_headers(State(sb): State<Sandbox>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let present = ["x-cr-application", "x-cr-version"].iter().all(|h| {
        headers
            .get(*h)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| !v.trim().is_empty())
    });
    if !present {
        return error(
            StatusCode::UNAUTHORIZED,
            "MISSING_PARTNER_HEADERS",
            "X-Cr-Application and X-Cr-Version are required",
        );
    }
    if let Some(expected) = &sb.inner.config.partner_id {
        let mut given = headers.get_all("x-cr-application").iter();
        let known = match (given.next(), given.next()) {
            (Some(only), None) => same_secret(only.as_bytes(), expected.as_bytes()),
            _ => false,
        };
        if !known {
            return error(
                StatusCode::UNAUTHORIZED,
                "UNKNOWN_APPLICATION",
                "X-Cr-Application does not name this sandbox's partner",
            );
        }
    }
    // The reference requires these on every request, GETs included.
    let country = headers
        .get("x-country-iso-code")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if countries::name(country).is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            "MISSING_COUNTRY_HEADER",
            "X-Country-ISO-Code must name a supported country (e.g. US)",
        );
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Content-Type: application/json is required",
        );
    }
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    count(&sb, target);
    next.run(req).await
}

/// Distinct request keys counted at most; the rest are counted together.
const MAX_STAT_KEYS: usize = 1_000;

pub(crate) fn count(sb: &Sandbox, target: String) {
    let key = stat_key(&target);
    let mut stats = sb
        .inner
        .stats
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let key = if stats.len() < MAX_STAT_KEYS || stats.contains_key(&key) {
        key
    } else {
        "(other)".to_string()
    };
    *stats.entry(key).or_default() += 1;
}

/// What stats show of a request: order ids replaced by `{id}`, at most 200 characters.
fn stat_key(target: &str) -> String {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let mut parts: Vec<&str> = path.split('/').collect();
    if let Some(i) = parts.iter().position(|p| *p == "orders")
        && parts
            .get(i + 1)
            .is_some_and(|p| !p.is_empty() && *p != "validations")
    {
        parts[i + 1] = "{id}";
    }
    let mut key = parts.join("/");
    if let Some(q) = query {
        key.push('?');
        key.push_str(q);
    }
    key.chars().take(200).collect()
}

/// Control endpoints answer only with `Authorization: Bearer <control token>`.
async fn control_token(State(sb): State<Sandbox>, req: Request, next: Next) -> Response {
    let expected = sb.inner.config.control_token.as_bytes();
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::as_bytes)
        .unwrap_or_default();
    if expected.is_empty() || !same_secret(given, expected) {
        return error(
            StatusCode::UNAUTHORIZED,
            "CONTROL_TOKEN_REQUIRED",
            "sandbox control needs Authorization: Bearer <CR_SANDBOX_CONTROL_TOKEN>",
        );
    }
    next.run(req).await
}

/// Compares secrets in time that doesn't depend on where they differ (`subtle`).
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    bool::from(subtle::ConstantTimeEq::ct_eq(a, b))
}

/// Applies the fault rules matching the request.
async fn faults_layer(State(sb): State<Sandbox>, req: Request, next: Next) -> Response {
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let f = &sb.inner.faults;
    if let Some(rule) = f.take(&target, "latency") {
        tokio::time::sleep(Duration::from_millis(
            rule.latency_ms.unwrap_or(1000).min(120_000),
        ))
        .await;
    }
    if let Some(rule) = f.take(&target, "status") {
        let status = rule
            .status
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return error(status, "SANDBOX_FAULT", "fault switch");
    }
    if f.take(&target, "malformed_json").is_some() {
        return (
            [(header::CONTENT_TYPE, "application/json")],
            "{\"broken\": [1, 2,",
        )
            .into_response();
    }
    let strip = f.take(&target, "missing_fields").is_some();
    let lose = f.take(&target, "lost_answer").is_some();
    let resp = next.run(req).await;
    if lose {
        // Carried out, but the answer never arrives whole.
        return error(StatusCode::BAD_GATEWAY, "SANDBOX_FAULT", "answer lost");
    }
    // An event stream never ends by itself: it is passed on untouched.
    let streaming = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if !strip || streaming {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let mut value: serde_json::Value =
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    faults::strip_fields(&mut value);
    let mut resp = Response::from_parts(parts, Body::from(value.to_string()));
    resp.headers_mut().remove(header::CONTENT_LENGTH);
    resp
}

/// Serves the sandbox alone on 127.0.0.1 (a free port); runs until aborted.
pub async fn serve_standalone(
    config: SandboxConfig,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        if let Err(e) = serve(listener, config, std::future::pending()).await {
            tracing::error!("sandbox stopped: {e}");
        }
    });
    Ok((addr, task))
}

/// Serves the sandbox, rooted at `/`, on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: SandboxConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let sandbox = Sandbox::new(SandboxConfig {
        mount_prefix: String::new(),
        ..config
    });
    sandbox.watch_chains();
    let app = sandbox.router();
    // The peer's address counts open event streams per client.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_keys_name_no_order_id() {
        assert_eq!(stat_key("/v5/orders/abc-123"), "/v5/orders/{id}");
        assert_eq!(
            stat_key("/v5/orders/abc-123/subscribe"),
            "/v5/orders/{id}/subscribe"
        );
        assert_eq!(stat_key("/v5/orders/validations"), "/v5/orders/validations");
        assert_eq!(
            stat_key("/v2/brands?country_code=US"),
            "/v2/brands?country_code=US"
        );
        assert!(stat_key(&"x".repeat(5_000)).len() <= 200);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"ab", b"abc"));
    }
}
