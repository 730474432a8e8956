//! Builds the router and serves it, with graceful shutdown.

use crate::app::{App, shell};
use crate::server::client_addr::TrustedProxies;
use crate::server::config::{Config, Upstream};
use crate::server::http::{layers, with_time_limit};
use crate::server::listener::{ConnectionLimits, serve};
use crate::server::page_cache::{PageCache, PageCacheLayer};
use crate::server::ratelimit::{Limiter, RateLimitLayer};
use crate::server::shop::Shop;
use crate::server::sse::Hub;
use crate::server::state::AppState;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use sandbox::{Sandbox, SandboxConfig};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// A started server.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    pub shutdown: CancellationToken,
    pub task: JoinHandle<std::io::Result<()>>,
    /// The kept catalogue pages (tests and reports read their weight).
    pub pages: PageCache,
    /// Where `/metrics` is served, when `CR_METRICS_ADDR` asks for it.
    pub metrics_addr: Option<SocketAddr>,
}

impl Running {
    /// Bytes of catalogue pages kept now.
    pub fn page_cache_bytes(&self) -> u64 {
        self.pages.weighted_bytes()
    }
}

/// Bytes of kept pages of each kind (home, brand) at most: 32 MiB.
const PAGE_CACHE_BYTES: u64 = 32 * 1024 * 1024;

/// The server-function paths the per-client order rate limit guards.
pub const RATE_LIMITED_PATHS: [&str; 3] = [
    "/api/orders/create",
    "/api/orders/validate",
    "/api/cart/pay",
];

/// Every way a client makes the shop ask the upstream for a validation (the
/// checkout's live checks, and validations, which spend the order budget too):
/// one budget of upstream validations per client.
pub const CHECK_PATHS: [&str; 2] = ["/api/checkout/check", "/api/orders/validate"];

/// "Find my order" attempts a client may make a minute: enough for typos,
/// too few to guess an order's email.
pub const FINDS_PER_MINUTE: u32 = 10;

/// The app's routes, listed once per process. Listing them renders the app with
/// resource loading suppressed through a process-wide flag (leptos_server's
/// `SuppressResourceLoad`, set by `RouteList::generate`): a resource of any page
/// another server of this process renders meanwhile would wait forever (until the
/// time limit's 503). Listed once, before any server of the process can serve,
/// nothing renders while the flag is up (leptos-rs/leptos#4773).
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the whole router: custom routes, Leptos routes and server functions
/// (all under the per-request time limit), the order streams and the sandbox when
/// it is the upstream, then the standard layers.
pub fn router(state: AppState, sandbox: Option<Sandbox>, page_cache: PageCache) -> Router {
    let routes = route_list();
    let config = &state.shop.config;
    let secure_cookies = config.secure_cookies();
    let limiter = Arc::new(Limiter::new(
        "orders",
        config.order_rate_per_minute,
        state.shop.store.clone(),
    ));
    let checks = Arc::new(Limiter::new(
        "checks",
        config.check_rate_per_minute,
        state.shop.store.clone(),
    ));
    let finds = Arc::new(Limiter::new(
        "finds",
        FINDS_PER_MINUTE,
        state.shop.store.clone(),
    ));
    let trusted = TrustedProxies::new(config.trusted_proxies.clone());
    let time_limit = config.handler_timeout;
    // Held once: every request clones the routes' handlers, and with them
    // what they hold (a whole `LeptosOptions` was copied for each, hits too).
    let options = state.leptos_options.clone();
    crate::server::inline_scripts::learn(&options);
    let pkg = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let assets = Router::new()
        .nest_service(
            &format!("/{}", options.site_pkg_dir),
            tower_http::services::ServeDir::new(pkg)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(axum::middleware::from_fn(
            crate::server::http::immutable_assets,
        ));
    let pages: Router = crate::server::routes::routes()
        .leptos_routes(&state, routes, move || shell((*options).clone()))
        .merge(assets)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state.clone())
        .layer(axum::middleware::from_fn(
            crate::server::idle_islands::idle_islands,
        ));
    let mut app = with_time_limit(pages, time_limit)
        .merge(crate::server::routes::streams().with_state(state));
    if let Some(sandbox) = sandbox {
        app = app.nest("/sandbox", sandbox.router());
    }
    let app = app
        .layer(RateLimitLayer::new(
            limiter,
            RATE_LIMITED_PATHS.iter().map(|p| p.to_string()).collect(),
        ))
        .layer(RateLimitLayer::new(
            checks,
            CHECK_PATHS.iter().map(|p| p.to_string()).collect(),
        ))
        .layer(RateLimitLayer::new(
            finds,
            vec!["/api/orders/find".to_string()],
        ))
        .layer(axum::middleware::from_fn_with_state(
            (secure_cookies, trusted.clone()),
            crate::server::http::secure_cookies,
        ));
    // The language is read (and its prefix taken off) before any routing.
    let app = tower::Layer::layer(
        &axum::middleware::from_fn(crate::server::locale::locale),
        layers(app, trusted.clone()),
    );
    // Outermost: a kept page is answered before anything else runs.
    let app = tower::Layer::layer(
        &PageCacheLayer {
            cache: page_cache,
            trusted,
            secure_cookies,
        },
        app,
    );
    Router::new().fallback_service(app)
}

/// Serves on `listener` until `shutdown` is cancelled. With no upstream
/// configured, the sandbox is mounted under `/sandbox` and used through HTTP.
pub async fn start(
    config: Config,
    options: LeptosOptions,
    listener: TcpListener,
) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let (base, sandbox) = match &config.upstream {
        Upstream::Sandbox => {
            let token = if config.sandbox_control_token.is_empty() {
                let token = crate::server::ids::new_id();
                // Printed, not logged: the operator needs it to pay demo orders.
                println!("sandbox control token: {token}");
                token
            } else {
                config.sandbox_control_token.clone()
            };
            let sandbox = Sandbox::new(SandboxConfig {
                mount_prefix: "/sandbox".into(),
                delivery_delay: config.sandbox_delivery_delay,
                control_token: token,
                // The demo's partner API answers only this shop (a stranger
                // reads no order, no code, and opens no stream).
                partner_id: Some(config.partner_id.clone()),
                // Every order this shop follows is one stream from this very
                // address (loopback): as many as it may serve connections.
                max_streams_per_client: config.max_connections,
                chains: config.sandbox_chains.clone(),
                ..SandboxConfig::default()
            });
            sandbox.watch_chains();
            (format!("http://{addr}/sandbox"), Some(sandbox))
        }
        Upstream::Remote(url) => (url.clone(), None),
    };
    let shutdown = CancellationToken::new();
    let limits = ConnectionLimits {
        header_read_timeout: config.header_read_timeout,
        max_connections: config.max_connections,
        max_per_client: config.max_connections_per_client,
        write_stall: config.write_stall,
        trusted: TrustedProxies::new(config.trusted_proxies.clone()),
    };
    let shop = Arc::new(Shop::new(config, &base).map_err(std::io::Error::other)?);
    let hub = Arc::new(Hub::new(
        shop.clone(),
        shutdown.clone(),
        Duration::from_secs(15),
    ));
    let state = AppState {
        leptos_options: Arc::new(options),
        shop,
        hub,
    };
    let config = &state.shop.config;
    let pages = PageCache::new(
        config.cache_ttl,
        config.quote_ttl,
        PAGE_CACHE_BYTES,
        &config.default_country,
    );
    let metrics_addr = match config.metrics_addr {
        Some(at) => {
            let scrape = crate::server::metrics::Scrape {
                state: state.clone(),
                pages: pages.clone(),
            };
            Some(serve_metrics(at, scrape, shutdown.clone()).await?)
        }
        None => None,
    };
    let app = router(state.clone(), sandbox, pages.clone());
    let stop = shutdown.clone();
    let task = tokio::spawn(serve(listener, app, limits, stop));
    Ok(Running {
        addr,
        state,
        shutdown,
        task,
        pages,
        metrics_addr,
    })
}

/// Serves `/metrics` alone on `at` (its own listener, never the shop's port)
/// until `stop`; answers the address bound.
async fn serve_metrics(
    at: SocketAddr,
    scrape: crate::server::metrics::Scrape,
    stop: CancellationToken,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(at).await?;
    let bound = listener.local_addr()?;
    let app = Router::new()
        .route(
            "/metrics",
            axum::routing::get(crate::server::metrics::serve_metrics),
        )
        .with_state(scrape);
    tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await;
        if let Err(e) = served {
            tracing::error!("metrics listener stopped: {e}");
        }
    });
    tracing::info!("metrics on http://{bound}/metrics");
    Ok(bound)
}

/// Runs until SIGTERM or ctrl-c, then stops accepting, ends open event streams
/// and waits (at most 10 s) for requests in flight.
pub async fn run(config: Config, options: LeptosOptions) -> std::io::Result<()> {
    let addr = options.site_addr;
    let listener = TcpListener::bind(addr).await?;
    let upstream = config.upstream.for_logs();
    let running = start(config, options, listener).await?;
    tracing::info!(
        "storefront listening on http://{} with upstream {upstream}, shared state in {}",
        running.addr,
        running.state.shop.store.kind()
    );
    sandbox::shutdown_signal().await;
    tracing::info!("shutting down");
    running.shutdown.cancel();
    match tokio::time::timeout(Duration::from_secs(10), running.task).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(std::io::Error::other(join)),
        Err(_) => {
            tracing::warn!("requests still open after 10 s; exiting anyway");
            Ok(())
        }
    }
}
