//! Order server functions: validate, create (idempotent), read, and the draft a
//! plain (no-JavaScript) form post returns to when the order was refused.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use crate::model::checkout::{CheckoutForm, Quote};
use crate::model::order::Order;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An order with what the payment panel needs beside it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    pub order: Order,
    /// The coin to pay with: the order's, else read from its payment method, else
    /// the shopper's choice when the order was placed here.
    pub coin: Option<String>,
    /// The network to pay on, found the same way. Never guessed.
    pub network: Option<String>,
    /// The token contract (EVM) or mint (Solana) of the coin on the order's network.
    pub token_address: Option<String>,
    pub chain_id: Option<i64>,
    /// What the QR code encodes: the upstream's `qr_text`, else Solana Pay / EIP-681.
    pub payment_uri: Option<String>,
}

/// A refused plain form post: what was typed and why it was refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub form: CheckoutForm,
    pub error: AppError,
}

/// Checks an order with the upstream without creating it: the price, or every problem.

#[server(prefix = "/api", endpoint = "orders/validate")]
pub async fn validate_order(
    country: String,
    family: String,
    amount: String,
    pay: String,
    beneficiary: String,
    email: String,
    #[server(default)] coupon: String,
) -> Result<Quote, AppError> {
    use super::ssr::{fail, shopper, state};
    let state = state()?;
    let who = shopper(&state, Some(&country));
    let form = CheckoutForm {
        country,
        family,
        amount,
        pay,
        beneficiary,
        email,
        coupon,
        idempotency_key: String::new(),
    };
    state.shop.validate(&who, &form).await.or_else(fail)
}

/// Validates and creates the order, then sends the shopper to its page. A plain
/// form post that fails returns to the form with what was typed and the problems.

#[server(prefix = "/api", endpoint = "orders/create")]
pub async fn create_order(
    country: String,
    family: String,
    amount: String,
    pay: String,
    beneficiary: String,
    email: String,
    #[server(default)] coupon: String,
    idempotency_key: String,
) -> Result<Order, AppError> {
    use super::ssr::{fail, is_plain_form_post, shopper, state};
    let state = state()?;
    let who = shopper(&state, Some(&country));
    let form = CheckoutForm {
        country,
        family,
        amount,
        pay,
        beneficiary,
        email,
        coupon,
        idempotency_key,
    };
    match state.shop.create(&who, &form).await {
        Ok(order) => {
            leptos_axum::redirect(&format!("/orders/{}", order.order_id));
            Ok(order)
        }
        Err(e) if is_plain_form_post() => {
            // Back to the form with what was typed and why, in a signed cookie:
            // nothing is kept on the server. A 302 (not the error's status): the
            // browser follows it.
            let back = if crate::server::shop::check_country(&form.country).is_ok()
                && crate::model::catalog::is_valid_family(&form.family)
            {
                format!("/brands/{}/{}?draft=1#checkout", form.country, form.family)
            } else {
                "/".to_string()
            };
            let cookie = state.shop.drafts.seal(Draft {
                form,
                error: e.clone(),
            });
            if let (Some(res), Ok(v)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                axum::http::HeaderValue::from_str(&cookie),
            ) {
                res.append_header(axum::http::header::SET_COOKIE, v);
            }
            leptos_axum::redirect(&back);
            Err(e)
        }
        Err(e) => fail(e),
    }
}

/// The refused form a plain post left behind for this brand page (from its
/// signed cookie; nothing is kept on the server).
#[server(prefix = "/api", endpoint = "orders/draft")]
pub async fn checkout_draft(
    #[server(default)] country: String,
    #[server(default)] family: String,
) -> Result<Option<Draft>, AppError> {
    let state = super::ssr::state()?;
    Ok(state
        .shop
        .drafts
        .open(&super::ssr::headers())
        .filter(|d| d.form.country == country && d.form.family == family))
}

/// An order and its payment details, by id.
#[server(prefix = "/api", endpoint = "orders/get")]
pub async fn get_order(order_id: String) -> Result<OrderView, AppError> {
    use super::ssr::{fail, shopper, state};
    use crate::model::money::Amount;
    use crate::model::payment::{pay_options, payment_uri};
    let state = state()?;
    let who = shopper(&state, None);
    let order = state.shop.order(&who, &order_id).await.or_else(fail)?;
    let options = match state.shop.catalogue.payment_vias(&who).await {
        Ok(vias) => pay_options(&vias),
        Err(_) => Vec::new(),
    };
    let pair = order
        .payment_pair(options.iter().map(|o| o.network.as_str()))
        .or_else(|| state.shop.pay_choice(&order.order_id));
    let (coin, network) = match &pair {
        Some((c, n)) => (c.clone(), n.clone()),
        None => (String::new(), String::new()),
    };
    let option = options
        .into_iter()
        .find(|o| o.coin == coin && o.network == network);
    let token_address = option.as_ref().and_then(|o| o.token_address.clone());
    let chain_id = option.as_ref().and_then(|o| o.chain_id);
    let computed = || {
        let amount = Amount::parse(order.coin_amount.as_deref()?)?;
        payment_uri(
            &network,
            chain_id,
            token_address.as_deref(),
            order.wallet_address.as_deref()?,
            amount,
        )
    };
    let payment_uri = order
        .qr_text
        .clone()
        .filter(|q| !q.is_empty())
        .or_else(computed);
    Ok(OrderView {
        coin: pair.as_ref().map(|p| p.0.clone()),
        network: pair.map(|p| p.1),
        order,
        token_address,
        chain_id,
        payment_uri,
    })
}
