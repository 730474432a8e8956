//! The shop's server-side service: checks checkout input, prices, validates and
//! creates orders through the upstream. Price quotes are reused for a few seconds
//! (the order fixes the final price); validations and orders are never cached.

mod checks;
mod lookup;
mod placing;
mod prepare;
mod pricing;
mod validation;

pub use crate::model::prepared::{PreparedLine, PreparedOrder};
pub use checks::check_country;
use pricing::PriceAnswer;

use crate::error::AppError;
use crate::model::catalog::{ProductFamily, is_valid_family};
use crate::model::order::Order;
use crate::model::payment::{PayOption, pay_options};
use crate::server::cart_cookie::CartSigner;
use crate::server::config::Config;
use crate::server::draft_cookie::DraftSigner;
use crate::server::idempotency::Idempotency;
use crate::server::order_intent::{self, OrderIntent};
use crate::server::order_ledger::OrderLedger;
use crate::server::ratelimit::Limiter;
use crate::server::shared_store::SharedStore;
use crate::server::upstream::cache::Cache;
use crate::server::upstream::catalogue::Catalogue;
use crate::server::upstream::{Shopper, UpstreamClient, UpstreamError};
use std::sync::Arc;
use std::time::Duration;

/// The server's shop: configuration, upstream client and catalogue.
pub struct Shop {
    pub config: Config,
    pub client: UpstreamClient,
    pub catalogue: Catalogue,
    /// What is known of order ids (guards the partner's quota).
    pub ledger: OrderLedger,
    /// Seals refused no-JavaScript forms into a cookie.
    pub drafts: DraftSigner,
    /// Seals carts into a cookie.
    pub carts: CartSigner,
    /// Price answers by brand, country, face value, coin and network, for
    /// `quote_ttl` (single-flight: one upstream call per key per TTL).
    quotes: Cache<PriceAnswer>,
    /// Orders that reached a final state (they no longer change), by id.
    finished: moka::sync::Cache<String, Order>,
    /// Orders by idempotency key + form, for [`IDEMPOTENCY_WINDOW`], in `store`.
    placed: Idempotency,
    /// What the instances of this shop share (in process by default): idempotency
    /// keys, known order ids, pay choices, rate-limit buckets.
    pub store: Arc<dyn SharedStore>,
}

/// How long the coin and network of an order are remembered.
const PAY_CHOICE_FOR: Duration = Duration::from_secs(7 * 24 * 3600);

/// How long a placed order answers repeats of its idempotency key.
const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(60 * 60);

impl Shop {
    /// A shop talking to the upstream at `base`.
    pub fn new(config: Config, base: &str) -> Result<Shop, String> {
        let client = UpstreamClient::new(
            base,
            &config.partner_id,
            &config.app_version,
            config.connect_timeout,
            config.request_timeout,
        )?;
        let store = crate::server::shared_store::from_config(
            config.redis_url.as_deref(),
            config.idempotency_max_keys,
            config.redis_timeout,
        )?;
        let client = client.with_quota(Arc::new(Limiter::new(
            "upstream",
            config.upstream_rate_per_minute,
            store.clone(),
        )));
        let catalogue = Catalogue::new(client.clone(), config.cache_ttl, config.cache_stale);
        Ok(Shop {
            drafts: DraftSigner::new(&config.cookie_secret),
            carts: CartSigner::new(&config.cookie_secret),
            quotes: Cache::new("quotes", config.quote_ttl, Duration::ZERO),
            finished: moka::sync::Cache::builder()
                .max_capacity(config.idempotency_max_keys)
                .time_to_live(Duration::from_secs(3600))
                .build(),
            // A repeat waits for the validation and the order call (each within
            // the request timeout) of the first submission.
            placed: Idempotency::new(
                store.clone(),
                IDEMPOTENCY_WINDOW,
                config.request_timeout * 2 + config.redis_timeout * 4,
            ),
            ledger: OrderLedger::new(store.clone()),
            store,
            config,
            client,
            catalogue,
        })
    }

    /// The coin + network choices, suspended ones marked.
    pub async fn pay_options(&self, shopper: &Shopper) -> Result<Vec<PayOption>, AppError> {
        Ok(pay_options(&self.catalogue.payment_vias(shopper).await?))
    }

    /// A product family of the shopper's country (input checked first).
    pub async fn family(
        &self,
        shopper: &Shopper,
        family: &str,
    ) -> Result<Arc<ProductFamily>, AppError> {
        check_country(&shopper.country)?;
        if !is_valid_family(family) {
            return Err(AppError::NotFound(crate::error::Missing::Brand));
        }
        // A family the country's (cached) directory doesn't list costs no upstream call.
        if let Ok(dir) = self.catalogue.brands(shopper).await
            && !dir
                .all_brands
                .iter()
                .any(|b| b.family.eq_ignore_ascii_case(family))
        {
            return Err(AppError::NotFound(crate::error::Missing::Brand));
        }
        self.catalogue
            .family(shopper, family)
            .await
            .map_err(|e| match e {
                UpstreamError::NotFound => AppError::NotFound(crate::error::Missing::Brand),
                other => other.into(),
            })
    }

    /// The coin and network the shopper chose for an order placed by this shop, if known.
    pub async fn pay_choice(&self, order_id: &str) -> Option<(String, String)> {
        let held = self.store.get(&pay_choice_key(order_id)).await.ok()??;
        serde_json::from_str(&held).ok()
    }

    /// What the shopper asked for when order `order_id` was placed here, if it was.
    pub async fn intent(&self, order_id: &str) -> Option<OrderIntent> {
        order_intent::find(self.store.as_ref(), order_id).await
    }

    /// Entries held per visitor in this process: idempotency keys, known order
    /// ids, pay choices (drafts and carts live in cookies; 0 with Redis).
    pub fn held_entries(&self) -> usize {
        usize::try_from(self.store.local_entries()).unwrap_or(usize::MAX)
    }

    /// Runs pending evictions of the bounded stores now (tests, reports).
    pub fn run_pending_maintenance(&self) {
        self.store.local_entries();
    }
}

/// Where the coin and network of an order are kept.
fn pay_choice_key(order_id: &str) -> String {
    format!("order:pay:{order_id}")
}

impl Shop {
    /// Each cache's name and entries, the price quotes' included (the metrics
    /// scrape: it runs the caches' pending work first).
    pub fn cache_entries(&self) -> Vec<(&'static str, u64)> {
        let mut all = self.catalogue.entries().to_vec();
        all.push(self.quotes.entries());
        all
    }
}
