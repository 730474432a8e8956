//! The exact stablecoin price of a face value.

use crate::error::{AppError, Refusal};
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
    use super::ssr::{fail, shopper, state};
    let state = state()?;
    let who = shopper(&state, Some(&country));
    state
        .shop
        .quote(&who, &family, &amount, &pay)
        .await
        .or_else(fail)
}

/// The checkout's price line and the typed amount's problems, as HTML (the
/// brand page's checkout swaps them in by id as the amount or the coin changes).
#[server(prefix = "/api", endpoint = "checkout/price")]
pub async fn checkout_price(
    country: String,
    family: String,
    amount: String,
    pay: String,
    #[server(default)] lang: String,
) -> Result<String, Refusal> {
    use super::ssr::{shopper, state};
    let l = crate::lang::provide(&lang);
    use crate::components::checkout::{FieldErrors, PriceLine, custom_amount_rule};
    use crate::model::problem::Field;
    let state = state()?;
    let who = shopper(&state, Some(&country));
    let fam = state.shop.family(&who, &family).await?;
    // Read as the shopper's language writes numbers (`12,5`), as the quote reads it.
    let plain = crate::lang::plain_decimal(l, &amount);
    let issues: Vec<String> = custom_amount_rule(&fam)
        .and_then(|r| r.check(&plain).err().map(|e| e.message(l)))
        .into_iter()
        .collect();
    let quote = if issues.is_empty() && !amount.is_empty() && !pay.is_empty() {
        Some(state.shop.quote(&who, &family, &plain, &pay).await)
    } else {
        None
    };
    Ok(Owner::new().with(|| {
        view! { <PriceLine quote=quote /><FieldErrors field=Field::Amount messages=issues /> }
            .to_html()
    }))
}
