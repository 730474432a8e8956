//! The exact stablecoin price of a face value.

use crate::error::AppError;
use crate::model::checkout::Quote;
use leptos::prelude::*;

/// Quotes `amount` of a brand family in `country`, paid as `pay` (`COIN|Network`).
#[server(prefix = "/api", endpoint = "pricing/quote")]
pub async fn get_quote(
    country: String,
    family: String,
    amount: String,
    pay: String,
) -> Result<Quote, AppError> {
    use super::ssr::{shopper, state};
    let state = state()?;
    let who = shopper(&state, Some(&country));
    state.shop.quote(&who, &family, &amount, &pay).await
}
