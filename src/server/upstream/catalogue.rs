//! Catalogue reads through the cache: payment vias, brands, homepage, product families.
//! Price quotes are cached briefly in `server::shop`; validations and orders never.

use super::cache::Cache;
use super::{Shopper, UpstreamClient, UpstreamError};
use crate::model::catalog::{BrandDirectory, Homepage, ProductFamily};
use crate::model::payment::PaymentVia;
use std::sync::Arc;
use std::time::Duration;

/// The cached catalogue of the upstream.
pub struct Catalogue {
    client: UpstreamClient,
    vias: Cache<Arc<Vec<PaymentVia>>>,
    brands: Cache<Arc<BrandDirectory>>,
    homepage: Cache<Arc<Homepage>>,
    families: Cache<Arc<ProductFamily>>,
}

/// The coin product lists are asked in (the shop quotes the chosen coin separately).
const LIST_COIN: &str = "USDC";

impl Catalogue {
    /// A catalogue over `client` with the given freshness and stale bound.
    pub fn new(client: UpstreamClient, ttl: Duration, stale: Duration) -> Catalogue {
        Catalogue {
            client,
            vias: Cache::new("payment_vias", ttl, stale),
            brands: Cache::new("brands", ttl, stale),
            homepage: Cache::new("homepage", ttl, stale),
            families: Cache::new("families", ttl, stale),
        }
    }

    /// Each cache's name and entries (the metrics scrape).
    pub fn entries(&self) -> [(&'static str, u64); 4] {
        [
            self.vias.entries(),
            self.brands.entries(),
            self.homepage.entries(),
            self.families.entries(),
        ]
    }

    /// `GET /v3/payment_vias`, kept per shopper country (the answer may differ
    /// by `X-Country-ISO-Code`).
    pub async fn payment_vias(
        &self,
        shopper: &Shopper,
    ) -> Result<Arc<Vec<PaymentVia>>, UpstreamError> {
        self.vias
            .get(shopper.country.as_str(), || async {
                let v: Vec<PaymentVia> = self
                    .client
                    .get_json("/v3/payment_vias", &[], shopper)
                    .await?;
                Ok(Arc::new(v))
            })
            .await
    }

    /// `GET /v2/brands?country_code=`.
    pub async fn brands(&self, shopper: &Shopper) -> Result<Arc<BrandDirectory>, UpstreamError> {
        let cc = shopper.country.as_str();
        self.brands
            .get(cc, || async {
                let d: BrandDirectory = self
                    .client
                    .get_json("/v2/brands", &[("country_code", cc)], shopper)
                    .await?;
                Ok(Arc::new(d))
            })
            .await
    }

    /// `GET /v2/homepage?country_code=`, read leniently as sections of brands.
    pub async fn homepage(&self, shopper: &Shopper) -> Result<Arc<Homepage>, UpstreamError> {
        let cc = shopper.country.as_str();
        self.homepage
            .get(cc, || async {
                let v: serde_json::Value = self
                    .client
                    .get_json("/v2/homepage", &[("country_code", cc)], shopper)
                    .await?;
                Ok(Arc::new(Homepage::from_json(&v)))
            })
            .await
    }

    /// `GET /v5/products/country/{cc}?family_name=`: the family, or `NotFound`.
    pub async fn family(
        &self,
        shopper: &Shopper,
        family: &str,
    ) -> Result<Arc<ProductFamily>, UpstreamError> {
        let cc = shopper.country.as_str();
        // The products' words (denominations, descriptions) are in the asked language.
        let lang = crate::lang::code(shopper.lang);
        let key = format!("{lang}/{cc}/{family}");
        self.families
            .get(&key, || async {
                let path = format!("/v5/products/country/{cc}");
                let list: Vec<ProductFamily> = self
                    .client
                    .get_json(
                        &path,
                        &[("family_name", family), ("coin", LIST_COIN), ("lang", lang)],
                        shopper,
                    )
                    .await?;
                let found = list
                    .iter()
                    .position(|f| f.family.eq_ignore_ascii_case(family))
                    .or(if list.len() == 1 { Some(0) } else { None })
                    .and_then(|i| list.into_iter().nth(i))
                    .filter(|f| !f.products.is_empty() || !f.brand.is_empty())
                    .ok_or(UpstreamError::NotFound)?;
                Ok(Arc::new(found))
            })
            .await
    }
}
