//! Catalogue server functions: payment options, brands, homepage, product families.

use crate::error::AppError;
use crate::model::catalog::{BrandDirectory, Homepage, ProductFamily};
use crate::model::checkout::Quote;
use crate::model::payment::PayOption;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the home page shows for a country.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Storefront {
    pub country: String,
    pub directory: BrandDirectory,
    pub homepage: Homepage,
}

/// A brand page: the family's products and how one can pay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BrandPage {
    pub country: String,
    pub family: ProductFamily,
    pub options: Vec<PayOption>,
    /// A fresh idempotency key for this page's checkout form.
    pub checkout_key: String,
    /// The exact price of the preselected amount and coin (a quote reused for `CR_QUOTE_TTL_SECS`).
    pub quote: Option<Result<Quote, AppError>>,
    /// For a top-up: a mobile number of the page's country, written
    /// internationally (`+84 91 234 56 78`), the recipient field's example.
    #[serde(default)]
    pub phone_example: Option<String>,
}

/// The home page data for the shopper's country (cookie, language or default).
#[server(prefix = "/api", endpoint = "catalog/storefront")]
pub async fn load_storefront() -> Result<Storefront, AppError> {
    use super::ssr::{shopper, state};
    let state = state()?;
    let who = shopper(&state, None);
    let cat = &state.shop.catalogue;
    let (directory, homepage) = futures::join!(cat.brands(&who), cat.homepage(&who));
    let directory = match directory {
        Ok(d) => d,
        Err(e) => return Err(e.into()),
    };
    // The curated feed is optional: the brand grid still works without it.
    let homepage = homepage.map(|h| (*h).clone()).unwrap_or_default();
    Ok(Storefront {
        country: who.country,
        directory: (*directory).clone(),
        homepage,
    })
}

/// The coin + network choices (`/v3/payment_vias`), suspended ones marked.
#[server(prefix = "/api", endpoint = "catalog/payment_options")]
pub async fn get_payment_options() -> Result<Vec<PayOption>, AppError> {
    use super::ssr::{shopper, state};
    let state = state()?;
    let who = shopper(&state, None);
    state.shop.pay_options(&who).await
}

/// Every brand of a country (`/v2/brands`).
#[server(prefix = "/api", endpoint = "catalog/brands")]
pub async fn get_brands(country: String) -> Result<BrandDirectory, AppError> {
    use super::ssr::{shopper, state};
    crate::server::shop::check_country(&country)?;
    let state = state()?;
    let who = shopper(&state, Some(&country));
    match state.shop.catalogue.brands(&who).await {
        Ok(d) => Ok((*d).clone()),
        Err(e) => Err(e.into()),
    }
}

/// The curated homepage feed of a country (`/v2/homepage`).
#[server(prefix = "/api", endpoint = "catalog/homepage")]
pub async fn get_homepage(country: String) -> Result<Homepage, AppError> {
    use super::ssr::{shopper, state};
    crate::server::shop::check_country(&country)?;
    let state = state()?;
    let who = shopper(&state, Some(&country));
    match state.shop.catalogue.homepage(&who).await {
        Ok(h) => Ok((*h).clone()),
        Err(e) => Err(e.into()),
    }
}

/// A brand family's products in a country, with the payment options.
#[server(prefix = "/api", endpoint = "catalog/products")]
pub async fn get_products(country: String, family: String) -> Result<BrandPage, AppError> {
    use super::ssr::{shopper, state};
    crate::server::shop::check_country(&country)?;
    if !crate::model::catalog::is_valid_family(&family) {
        return Err(AppError::NotFound(crate::error::Missing::Brand));
    }
    let state = state()?;
    let who = shopper(&state, Some(&country));
    let (fam, options) = futures::join!(
        state.shop.family(&who, &family),
        state.shop.pay_options(&who)
    );
    match (fam, options) {
        (Ok(f), Ok(o)) => {
            let amount = f.default_amount();
            let pay = crate::model::payment::default_option(&o).map(|p| p.choice().form_value());
            let quote = match pay {
                Some(pay) if !amount.is_empty() => {
                    Some(state.shop.quote(&who, &family, &amount, &pay).await)
                }
                _ => None,
            };
            let phone_example = (f.kind == crate::model::catalog::Kind::MobileRecharge)
                .then(|| crate::server::phone::example(&country))
                .flatten();
            Ok(BrandPage {
                country,
                family: (*f).clone(),
                options: o,
                checkout_key: crate::server::ids::new_id(),
                quote,
                phone_example,
            })
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}
