//! Metrics a monitoring stack scrapes (Prometheus' text format, through the
//! well-kept `prometheus-client`), served on their own listener
//! (`CR_METRICS_ADDR`, off by default), never on the public port. Names follow
//! Prometheus' conventions (`_total`, `_seconds`, base units) and every label
//! has a small set of values: route and endpoint templates, never an order id,
//! an email or a path as typed.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};
use std::sync::OnceLock;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub route: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct UpstreamLabels {
    pub endpoint: &'static str,
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EndpointLabels {
    pub endpoint: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CacheLabels {
    pub cache: &'static str,
    pub result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LimitLabels {
    pub limit: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FallbackLabels {
    pub what: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ChainLabels {
    pub chain: &'static str,
}

/// The shop's metrics (one set per process).
pub struct Metrics {
    registry: Registry,
    pub http_requests: Family<HttpLabels, Counter>,
    pub http_duration: Family<RouteLabels, Histogram>,
    pub upstream_calls: Family<UpstreamLabels, Counter>,
    pub upstream_duration: Family<EndpointLabels, Histogram>,
    pub orders: Family<OutcomeLabels, Counter>,
    pub cart_orders: Family<OutcomeLabels, Counter>,
    pub live_streams: Gauge,
    pub upstream_streams: Gauge,
    pub fanout_delay: Histogram,
    pub cache_requests: Family<CacheLabels, Counter>,
    pub rate_limit_refusals: Family<LimitLabels, Counter>,
    pub store_errors: Counter,
    pub store_fallbacks: Family<FallbackLabels, Counter>,
    pub wallet_transactions: Family<ChainLabels, Counter>,
}

fn latency() -> Histogram {
    // 1 ms to ~16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// A family of latency histograms, one per label set.
fn latencies<L: Clone + std::hash::Hash + Eq>() -> Family<L, Histogram> {
    Family::new_with_constructor(latency as fn() -> Histogram)
}

/// Registers `metric` under `name` (with its unit, if any) and gives it back.
fn add<M: prometheus_client::registry::Metric + Clone>(
    registry: &mut Registry,
    name: &str,
    help: &str,
    unit: Option<Unit>,
    metric: M,
) -> M {
    match unit {
        Some(unit) => registry.register_with_unit(name, help, unit, metric.clone()),
        None => registry.register(name, help, metric.clone()),
    }
    metric
}

static METRICS: OnceLock<Metrics> = OnceLock::new();

/// The process's metrics.
pub fn metrics() -> &'static Metrics {
    METRICS.get_or_init(|| {
        let mut registry = Registry::default();
        let r = &mut registry;
        let http_requests = add(
            r,
            "storefront_http_requests",
            "HTTP requests answered, by route template and status",
            None,
            Family::<HttpLabels, Counter>::default(),
        );
        let http_duration = add(
            r,
            "storefront_http_request_duration",
            "Time to answer (headers), by route template",
            Some(Unit::Seconds),
            latencies(),
        );
        let upstream_calls = add(
            r,
            "storefront_upstream_calls",
            "Calls to the partner API, by endpoint template and outcome",
            None,
            Family::<UpstreamLabels, Counter>::default(),
        );
        let upstream_duration = add(
            r,
            "storefront_upstream_call_duration",
            "Time of a partner API call, by endpoint template",
            Some(Unit::Seconds),
            latencies(),
        );
        let orders = add(
            r,
            "storefront_orders",
            "Orders asked for, by outcome (placed, refused, uncertain, paused)",
            None,
            Family::<OutcomeLabels, Counter>::default(),
        );
        let cart_orders = add(
            r,
            "storefront_cart_orders",
            "Cart payments asked for (each is also one of storefront_orders), by outcome",
            None,
            Family::<OutcomeLabels, Counter>::default(),
        );
        let live_streams = add(
            r,
            "storefront_live_streams",
            "Browser event streams open now",
            None,
            Gauge::default(),
        );
        let upstream_streams = add(
            r,
            "storefront_upstream_streams",
            "Partner event streams open now (browsers watching one order share one)",
            None,
            Gauge::default(),
        );
        let fanout_delay = add(
            r,
            "storefront_live_fanout_delay",
            "From an upstream event read to its bytes handed to each browser stream",
            Some(Unit::Seconds),
            Histogram::new(exponential_buckets(0.000_1, 2.0, 14)),
        );
        let cache_requests = add(
            r,
            "storefront_cache_requests",
            "Cache lookups by cache and result (hit, miss, stale, bypass)",
            None,
            Family::<CacheLabels, Counter>::default(),
        );
        let rate_limit_refusals = add(
            r,
            "storefront_rate_limit_refusals",
            "Requests refused by a per-client limit, by limit",
            None,
            Family::<LimitLabels, Counter>::default(),
        );
        let store_errors = add(
            r,
            "storefront_shared_store_errors",
            "Shared store (Redis) calls that failed or timed out",
            None,
            Counter::default(),
        );
        let store_fallbacks = add(
            r,
            "storefront_shared_store_fallbacks",
            "Answers given from this instance alone because the shared store failed, by what",
            None,
            Family::<FallbackLabels, Counter>::default(),
        );
        let wallet_transactions = add(
            r,
            "storefront_wallet_transactions_built",
            "Transactions the shop built for a connected wallet to sign and send (Solana), by chain",
            None,
            Family::<ChainLabels, Counter>::default(),
        );
        let build = Info::new(vec![
            ("version", env!("CARGO_PKG_VERSION")),
            ("commit", env!("CR_BUILD_COMMIT")),
        ]);
        registry.register("storefront_build", "The running build", build);
        Metrics {
            registry,
            http_requests,
            http_duration,
            upstream_calls,
            upstream_duration,
            orders,
            cart_orders,
            live_streams,
            upstream_streams,
            fanout_delay,
            cache_requests,
            rate_limit_refusals,
            store_errors,
            store_fallbacks,
            wallet_transactions,
        }
    })
}

/// The text exposition of every metric.
pub fn render() -> String {
    let mut out = String::new();
    let _ = prometheus_client::encoding::text::encode(&mut out, &metrics().registry);
    out
}

/// What a scrape reads besides the process's metrics: this instance's state
/// and its page cache.
#[derive(Clone)]
pub struct Scrape {
    pub state: crate::server::state::AppState,
    pub pages: crate::server::page_cache::PageCache,
}

/// `GET /metrics` on the metrics listener. This instance's own figures are
/// computed now and written into this scrape alone (before the exposition's
/// end), never shared with other listeners of the process: its readiness,
/// its partner quota, and what its caches hold (their pending work is run
/// here, never on a request's path).
pub async fn serve_metrics(axum::extract::State(scrape): axum::extract::State<Scrape>) -> Response {
    let state = &scrape.state;
    let ready = crate::server::readiness::reasons(state).await.is_empty();
    let mut own = format!(
        "# HELP storefront_ready 1 when this instance can take orders (what /readyz says).\n\
         # TYPE storefront_ready gauge\n\
         storefront_ready {}\n\
         # HELP storefront_partner_quota_per_minute The partner's quota of calls a minute for the whole shop (CR_PARTNER_QUOTA_PER_MINUTE; 0: not told).\n\
         # TYPE storefront_partner_quota_per_minute gauge\n\
         storefront_partner_quota_per_minute {}\n\
         # HELP storefront_page_cache_bytes What the rendered-page cache holds (keys and bodies weighed).\n\
         # TYPE storefront_page_cache_bytes gauge\n\
         storefront_page_cache_bytes {}\n\
         # HELP storefront_cache_entries Entries held by each cache.\n\
         # TYPE storefront_cache_entries gauge\n",
        u8::from(ready),
        state.shop.config.partner_quota_per_minute,
        scrape.pages.weighted_bytes(),
    );
    let caches =
        std::iter::once(("pages", scrape.pages.entries())).chain(state.shop.cache_entries());
    for (cache, entries) in caches {
        own.push_str(&format!(
            "storefront_cache_entries{{cache=\"{cache}\"}} {entries}\n"
        ));
    }
    let mut text = render();
    let at = text.rfind("# EOF").unwrap_or(text.len());
    text.insert_str(at, &own);
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// Counts a failed shared-store call.
pub fn store_error() {
    metrics().store_errors.inc();
}

/// Counts a shared-store failure answered from this instance alone.
pub fn store_fallback(what: &'static str) {
    metrics()
        .store_fallbacks
        .get_or_create(&FallbackLabels { what })
        .inc();
}

/// Counts a cache lookup's result (`hit`, `miss`, `stale`, `bypass`).
pub fn cache(cache: &'static str, result: &'static str) {
    metrics()
        .cache_requests
        .get_or_create(&CacheLabels { cache, result })
        .inc();
}

/// Counts a request refused by the per-client limit `limit`.
pub fn refused_by(limit: &'static str) {
    metrics()
        .rate_limit_refusals
        .get_or_create(&LimitLabels { limit })
        .inc();
}

/// Counts a cart payment's outcome (as [`order`] words it).
pub fn cart_order(outcome: &'static str) {
    metrics()
        .cart_orders
        .get_or_create(&OutcomeLabels { outcome })
        .inc();
}

/// The words of an order's outcome, for [`order`] and [`cart_order`].
pub fn outcome_of<T>(result: &Result<T, crate::error::AppError>) -> &'static str {
    use crate::error::AppError;
    match result {
        Ok(_) => "placed",
        Err(AppError::Uncertain) => "uncertain",
        Err(AppError::OrdersPaused) => "paused",
        Err(AppError::Unavailable) => "unavailable",
        Err(_) => "refused",
    }
}

/// Counts a transaction built for a wallet on `chain`.
pub fn wallet_transaction(chain: &'static str) {
    metrics()
        .wallet_transactions
        .get_or_create(&ChainLabels { chain })
        .inc();
}

/// Counts an order's outcome.
pub fn order(outcome: &'static str) {
    metrics()
        .orders
        .get_or_create(&OutcomeLabels { outcome })
        .inc();
}

/// The first (at most five) segments of a path, without allocating: the
/// templates below look at no more.
fn segments(path: &str) -> ([&str; 5], usize) {
    let mut segments = [""; 5];
    let mut n = 0;
    for segment in path.trim_start_matches('/').split('/') {
        if n == segments.len() {
            break;
        }
        segments[n] = segment;
        n += 1;
    }
    (segments, n)
}

/// The route template of a request path: the shop's own few, `other` for the
/// rest (a language prefix is `lang::split`'s, as the locale layer reads it).
pub fn route_template(path: &str) -> &'static str {
    let (segments, n) = segments(crate::lang::split(path).1);
    match &segments[..n] {
        [""] => "/",
        ["brands", _, _] => "/brands/{country}/{family}",
        ["orders", _] => "/orders/{id}",
        ["api", "orders", _, "subscribe"] => "/api/orders/{id}/subscribe",
        ["api", ..] => "/api/{function}",
        ["pkg", ..] => "/pkg/{file}",
        ["sandbox", ..] => "/sandbox/{path}",
        ["cart"] => "/cart",
        ["countries"] => "/countries",
        ["find-order"] => "/find-order",
        ["terms"] => "/terms",
        ["privacy"] => "/privacy",
        ["healthz"] => "/healthz",
        ["readyz"] => "/readyz",
        ["qr.svg"] => "/qr.svg",
        ["lang"] => "/lang",
        ["country"] => "/country",
        _ => "other",
    }
}

/// The upstream endpoint template of a partner API path (order ids out).
pub fn endpoint_template(path: &str) -> &'static str {
    let (segments, n) = segments(path.split('?').next().unwrap_or_default());
    match &segments[..n] {
        ["v5", "orders", "validations"] => "/v5/orders/validations",
        ["v5", "orders"] => "/v5/orders",
        ["v5", "orders", _, "subscribe"] => "/v5/orders/{id}/subscribe",
        ["v5", "orders", _] => "/v5/orders/{id}",
        ["v4", "products", "price"] => "/v4/products/price",
        ["v3", "payment_vias"] => "/v3/payment_vias",
        ["v2", "brands"] => "/v2/brands",
        ["v2", "homepage"] => "/v2/homepage",
        ["v2", "brands", _, "products"] | ["v2", "products", ..] | ["v4", "products", ..] => {
            "/v*/products"
        }
        _ => "other",
    }
}

/// Counts an answer by route template and status, and observes its time
/// (called by the request-id layer, which wraps every request: one layer, not
/// two, as each costs a copy of the layers inside it on every request).
pub fn answered(route: &'static str, status: u16, started: Instant) {
    let m = metrics();
    m.http_requests
        .get_or_create(&HttpLabels { route, status })
        .inc();
    m.http_duration
        .get_or_create(&RouteLabels { route })
        .observe(started.elapsed().as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_endpoints_are_templates_never_ids() {
        assert_eq!(route_template("/"), "/");
        assert_eq!(route_template("/tr"), "/");
        assert_eq!(
            route_template("/vi/brands/US/steam"),
            "/brands/{country}/{family}"
        );
        assert_eq!(route_template("/orders/7d5a37e2-7ca7-4678"), "/orders/{id}");
        assert_eq!(
            route_template("/api/orders/abc/subscribe"),
            "/api/orders/{id}/subscribe"
        );
        assert_eq!(route_template("/api/orders/create"), "/api/{function}");
        assert_eq!(route_template("/buyer@example.com"), "other");
        assert_eq!(route_template("/travel"), "other", "not /tr");
        assert_eq!(
            endpoint_template("/v5/orders/7d5a37e2/subscribe"),
            "/v5/orders/{id}/subscribe"
        );
        assert_eq!(endpoint_template("/v5/orders/7d5a37e2"), "/v5/orders/{id}");
        assert_eq!(endpoint_template("/v5/orders"), "/v5/orders");
        assert_eq!(
            endpoint_template("/v2/brands?country_code=US"),
            "/v2/brands"
        );
    }

    #[test]
    fn the_exposition_names_every_family_by_convention() {
        order("placed");
        let m = metrics();
        m.http_duration
            .get_or_create(&RouteLabels { route: "/" })
            .observe(0.01);
        m.upstream_calls
            .get_or_create(&UpstreamLabels {
                endpoint: "/v2/brands",
                outcome: "ok",
            })
            .inc();
        metrics()
            .http_requests
            .get_or_create(&HttpLabels {
                route: "/",
                status: 200,
            })
            .inc();
        let text = render();
        for name in [
            "storefront_http_requests_total{route=\"/\",status=\"200\"}",
            "storefront_orders_total{outcome=\"placed\"}",
            "# TYPE storefront_http_request_duration_seconds histogram",
            "storefront_upstream_calls_total{endpoint=\"/v2/brands\",outcome=\"ok\"}",
            "storefront_live_streams",
            "storefront_build_info{version=",
        ] {
            assert!(text.contains(name), "{name} in:\n{text}");
        }
    }
}
