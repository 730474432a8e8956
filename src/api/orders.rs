//! Order server functions: validate, create (idempotent), read, and the draft a
//! plain (no-JavaScript) form post returns to when the order was refused.

use crate::error::{AppError, Draft};
use crate::model::checkout::{CheckoutForm, Quote};
use crate::model::money::Amount;
use crate::model::order::Order;
use crate::model::payment::PayTarget;
use crate::model::payment_status::PaymentStatus;
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
    /// Network, chain, token contract (EVM) or mint (Solana) and decimals of the
    /// coin on the order's network, when the shop knows them.
    pub target: Option<PayTarget>,
    /// The wallet link of the order as it was read (see [`OrderView::wallet_uri`]).
    pub payment_uri: Option<String>,
    /// What became of a coupon typed for this order, when it was placed here.
    #[serde(default)]
    pub coupon: Option<crate::model::checkout::CouponOutcome>,
    /// The order was placed here as one card: "Order again with the same
    /// details" can fill the brand page's form.
    #[serde(default)]
    pub can_order_again: bool,
}

impl OrderView {
    /// The wallet link (and QR code) for what is due now: after a partial payment,
    /// Solana Pay / EIP-681 for the rest (the upstream's `qr_text` asks for the
    /// whole amount), and none when the rest is unknown; otherwise the upstream's
    /// `qr_text` when it is a wallet URI, else one built from the order.
    pub fn wallet_uri(&self, order: &Order) -> Option<String> {
        let recipient = order.wallet_address.as_deref()?.trim();
        let target = self.target.as_ref();
        if let PaymentStatus::Partial { due, .. } = PaymentStatus::of(order) {
            return target?.uri(recipient, due?);
        }
        let given = order
            .qr_text
            .as_deref()
            .map(str::trim)
            .filter(|q| is_wallet_uri(q))
            .map(str::to_string);
        given.or_else(|| target?.uri(recipient, Amount::parse(order.coin_amount.as_deref()?)?))
    }
}

/// Only wallet schemes become links: an upstream `qr_text` of any other scheme
/// (`javascript:`, `https:`) is never put in an `href`.
pub fn is_wallet_uri(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    (lower.starts_with("solana:") || lower.starts_with("ethereum:"))
        && uri.len() <= 1024
        && !uri
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '"' || c == '<' || c == '>')
}

/// Checks an order with the upstream without creating it: the price, or every problem.

#[server(prefix = "/api", endpoint = "orders/validate")]
pub async fn validate_order(#[server(flatten)] form: CheckoutForm) -> Result<Quote, AppError> {
    check(form).await
}

/// The upstream's check of a form as typed (no order is made).
#[cfg(feature = "ssr")]
pub(crate) async fn check(form: CheckoutForm) -> Result<Quote, AppError> {
    use super::ssr::{shopper, state};
    let state = state()?;
    let who = shopper(&state, Some(&form.country));
    state.shop.validate(&who, &form).await
}

/// Validates and creates the order, then sends the shopper to its page. A plain
/// form post that fails returns to the form with what was typed and the problems.

#[server(prefix = "/api", endpoint = "orders/create")]
pub async fn create_order(
    #[server(flatten)] form: CheckoutForm,
    #[server(default)] again: String,
) -> Result<Order, AppError> {
    use super::ssr::{is_plain_form_post, shopper, state};
    let state = state()?;
    let who = shopper(&state, Some(&form.country));
    // "I checked my email: order again" after an unclear answer: a deliberate new
    // attempt under that button's own key (pressed twice, still one order).
    let key = if again.trim().is_empty() {
        form.idempotency_key.clone()
    } else {
        again
    };
    // The page's key, which a kept page gives every visitor, as this visitor's.
    let form = CheckoutForm {
        idempotency_key: crate::server::checkout_key::scoped(
            &key,
            &crate::server::checkout_key::visitor(&super::ssr::headers(), who.client),
            &state.shop.config.cookie_secret,
        ),
        ..form
    };
    // The amount as the shopper's language writes it (`12,5`), read once here;
    // a refused form goes back with what was typed.
    let plain = form.amount_read_in(crate::lang::locale());
    match state.shop.create(&who, &plain).await {
        Ok(order) => {
            super::ssr::remember_recent(&order.order_id);
            super::ssr::go(&format!("/orders/{}", order.order_id));
            Ok(order)
        }
        Err(e) if is_plain_form_post() => {
            back_to_form(&state, form, e.clone());
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Sends a refused plain form post back to its brand page, with what was typed
/// and why in a signed cookie: nothing is kept on the server. A 302 (not the
/// error's status): the browser follows it.
#[cfg(feature = "ssr")]
pub(crate) fn back_to_form(
    state: &crate::server::state::AppState,
    form: CheckoutForm,
    error: AppError,
) {
    let back = if crate::server::shop::check_country(&form.country).is_ok()
        && crate::model::catalog::is_valid_family(&form.family)
    {
        // A field at fault takes the focus (`autofocus`, which browsers skip
        // when the address names a fragment): then no `#checkout`.
        let l = crate::lang::locale();
        let on_a_field = crate::model::problem::Field::CHECKOUT
            .iter()
            .filter(|f| **f != crate::model::problem::Field::Order)
            .any(|f| !error.messages_for(*f, l).is_empty());
        let fragment = if on_a_field { "" } else { "#checkout" };
        format!("/brands/{}/{}?draft=1{fragment}", form.country, form.family)
    } else {
        "/".to_string()
    };
    back_with(
        state,
        Draft {
            form,
            error: Some(error),
            quote: None,
        },
        &back,
    );
}

/// Sets the draft's cookie and sends a plain form post on to `path`.
#[cfg(feature = "ssr")]
fn back_with(state: &crate::server::state::AppState, draft: Draft, path: &str) {
    super::ssr::set_cookie(&state.shop.drafts.seal(draft));
    super::ssr::go(path);
}

/// "Update price" on a page without JavaScript: the form comes back to its
/// brand page with the exact price of the amount and coin it now names (or
/// why there is none), everything typed kept. Nothing is ordered or checked
/// beyond the price: the recipient and email may still be empty.
#[server(prefix = "/api", endpoint = "orders/reprice")]
pub async fn reprice(#[server(flatten)] form: CheckoutForm) -> Result<(), AppError> {
    use super::ssr::{same_site, state};
    same_site()?;
    let state = state()?;
    crate::server::shop::check_country(&form.country)?;
    match price_as_typed(&state, &form).await {
        Ok(quote) => {
            let back = draft_page(&form);
            let draft = Draft {
                form,
                error: None,
                quote: Some(quote),
            };
            back_with(&state, draft, &back);
            Ok(())
        }
        Err(e) => {
            back_to_form(&state, form, e.clone());
            Err(e)
        }
    }
}

/// The price of the amount and coin a form names, its amount read as the
/// shopper's language writes it ("Update price", a language switch).
#[cfg(feature = "ssr")]
async fn price_as_typed(
    state: &crate::server::state::AppState,
    form: &CheckoutForm,
) -> Result<Quote, AppError> {
    let who = super::ssr::shopper(state, Some(&form.country));
    let plain = form.amount_read_in(crate::lang::locale());
    state
        .shop
        .quote(&who, &plain.family, &plain.amount, &plain.pay)
        .await
}

/// The brand page a form's draft comes back to, at its checkout.
#[cfg(feature = "ssr")]
fn draft_page(form: &CheckoutForm) -> String {
    format!("/brands/{}/{}?draft=1#checkout", form.country, form.family)
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

/// "Order again with the same details" (an expired or lapsed order): the brand
/// page's form filled with what this order was placed with, under the page's
/// fresh key, through the signed draft cookie. Only for a one-card order placed
/// by this shop within a day; nothing is ordered until the shopper sends the form.
#[server(prefix = "/api", endpoint = "orders/again")]
pub async fn order_again(order_id: String) -> Result<(), AppError> {
    use super::ssr::{same_site, state};
    same_site()?;
    let state = state()?;
    let form = match crate::model::values::OrderId::parse(&order_id) {
        Some(id) => state.shop.intent(id.as_str()).await,
        None => None,
    }
    .and_then(|i| i.checkout_form());
    let Some(form) = form else {
        return Err(AppError::NotFound(crate::error::Missing::Order));
    };
    let back = draft_page(&form);
    let draft = Draft {
        form,
        error: None,
        quote: None,
    };
    back_with(&state, draft, &back);
    Ok(())
}

/// Another language for a brand page without JavaScript, keeping the checkout
/// as typed: the form's own language buttons send it here; the language is
/// remembered and the page opens in it with the form filled in (the signed
/// draft cookie, as "Update price"). With JavaScript the header's links carry
/// the form themselves (`components/checkout/kept.rs`).
#[server(prefix = "/api", endpoint = "checkout/language")]
pub async fn switch_language(
    to: String,
    #[server(flatten)] form: CheckoutForm,
) -> Result<(), AppError> {
    use super::ssr::{same_site, set_cookie, state};
    use crate::error::Missing;
    same_site()?;
    let state = state()?;
    let Some(l) = crate::lang::parse(&to) else {
        return Err(AppError::NotFound(Missing::Page));
    };
    crate::server::shop::check_country(&form.country)?;
    if !crate::model::catalog::is_valid_family(&form.family) {
        return Err(AppError::NotFound(Missing::Brand));
    }
    let path = draft_page(&form);
    // Priced as typed (the amount read as the page it came from writes it).
    let quote = price_as_typed(&state, &form).await.ok();
    set_cookie(&crate::server::locale::remember(l));
    set_cookie(&state.shop.drafts.seal(Draft {
        form,
        error: None,
        quote,
    }));
    leptos_axum::redirect(&crate::lang::href(l, &path));
    Ok(())
}

/// "Find my order": opens an order from its number and the email it was
/// placed with, on any device (and adds it to this device's recent orders).
/// A wrong number and a wrong email get the same answer: back to the page
/// with "no order matches" (a 404 to a script). Rate-limited per client.
#[server(prefix = "/api", endpoint = "orders/find")]
pub async fn find_order(order_id: String, email: String) -> Result<(), AppError> {
    use super::ssr::{go, remember_recent, same_site, state};
    use crate::model::values::{Email, OrderId};
    same_site()?;
    let state = state()?;
    let id = OrderId::parse(order_id.trim());
    let found = match (&id, Email::parse(&email)) {
        (Some(id), Ok(email)) => state.shop.placed_by(id, &email).await,
        _ => false,
    };
    match id {
        Some(id) if found => {
            remember_recent(id.as_str());
            go(&format!("/orders/{id}"));
            Ok(())
        }
        _ => {
            let typed = id.map(|id| format!("&id={id}")).unwrap_or_default();
            go(&format!("/find-order?not_found=1{typed}"));
            Err(AppError::NotFound(crate::error::Missing::Order))
        }
    }
}

/// An order and its payment details, by id.
#[server(prefix = "/api", endpoint = "orders/get")]
pub async fn get_order(order_id: String) -> Result<OrderView, AppError> {
    use super::ssr::{shopper, state};
    let state = state()?;
    let who = shopper(&state, None);
    let Some(id) = crate::model::values::OrderId::parse(&order_id) else {
        return Err(AppError::NotFound(crate::error::Missing::Order));
    };
    let order = state.shop.order(&who, &id).await?;
    super::ssr::remember_recent(&order.order_id);
    Ok(view_of(&state, &who, order).await)
}

/// What the payment panel needs beside the order: its coin and network (the
/// order's own words, else the shopper's choice kept with it) and their token.
#[cfg(feature = "ssr")]
pub(crate) async fn view_of(
    state: &crate::server::state::AppState,
    who: &crate::server::upstream::Shopper,
    mut order: Order,
) -> OrderView {
    use crate::model::payment::pay_options;
    let intent = state.shop.intent(&order.order_id).await;
    if order.expires_at().is_none() {
        order.shop_received_at = intent.as_ref().map(|i| i.received_at);
    }
    let options = match state.shop.catalogue.payment_vias(who).await {
        Ok(vias) => pay_options(&vias),
        Err(_) => Vec::new(),
    };
    let pair = pay_pair(state, &options, &order).await;
    let target = pair.as_ref().map(|(coin, network)| {
        let option = options
            .iter()
            .find(|o| &o.coin == coin && &o.network == network);
        let chain_id = option
            .and_then(|o| o.chain_id)
            .or_else(|| crate::model::payment::known_chain_id(network));
        PayTarget {
            network: network.clone(),
            chain_id,
            token: option.and_then(|o| o.token_address.clone()),
            decimals: option.and_then(|o| o.decimals),
            known_token: chain_id.and_then(|id| {
                crate::model::evm::known_token(coin, id, &state.shop.config.evm_tokens)
            }),
        }
    });
    let mut view = OrderView {
        coin: pair.as_ref().map(|p| p.0.clone()),
        network: pair.map(|p| p.1),
        order,
        target,
        payment_uri: None,
        coupon: intent.as_ref().and_then(|i| i.coupon.clone()),
        can_order_again: intent.is_some_and(|i| i.checkout_form().is_some()),
    };
    view.payment_uri = view.wallet_uri(&view.order);
    view
}

/// The coin and network of an order: its own words (`coin` and `network`, else
/// its `payment_method` read against the networks of `options`), else the
/// shopper's choice kept when it was placed here. Never guessed.
#[cfg(feature = "ssr")]
async fn pay_pair(
    state: &crate::server::state::AppState,
    options: &[crate::model::payment::PayOption],
    order: &Order,
) -> Option<(String, String)> {
    match order.payment_pair(options.iter().map(|o| o.network.as_str())) {
        Some(pair) => Some(pair),
        None => state.shop.pay_choice(&order.order_id).await,
    }
}

/// One of the shopper's recent orders, as the home page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecentOrder {
    pub order_id: String,
    /// `Steam Wallet 10 USD`, or `3 cards` for several.
    pub title: String,
    /// `10.35 USDC`, when known.
    pub amount: Option<String>,
    /// The state in words, or that it couldn't be read now.
    pub state: String,
}

/// The orders of this device's recent-orders cookie (newest first), each read
/// from the upstream: nothing about them is stored. Orders the upstream no
/// longer knows are dropped from the cookie.
#[server(prefix = "/api", endpoint = "orders/recent")]
pub async fn recent_orders() -> Result<Vec<RecentOrder>, AppError> {
    use super::ssr::{headers, set_cookie, shopper, state};
    use crate::server::recent_orders;
    let state = state()?;
    let ids = recent_orders::read(&headers());
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let who = shopper(&state, None);
    let answers = futures::future::join_all(ids.iter().map(|id| state.shop.order(&who, id))).await;
    let options = match state.shop.catalogue.payment_vias(&who).await {
        Ok(vias) => crate::model::payment::pay_options(&vias),
        Err(_) => Vec::new(),
    };
    let mut kept = Vec::new();
    let mut list = Vec::new();
    for (id, answer) in ids.iter().zip(answers) {
        match answer {
            Ok(order) => {
                kept.push(id.clone());
                // `10.35 USDC · Solana`, however the order names its coin and network.
                let pair = pay_pair(&state, &options, &order).await;
                let l = crate::lang::locale();
                list.push(RecentOrder {
                    order_id: id.to_string(),
                    title: recent_title(&order),
                    amount: order
                        .coin_amount
                        .clone()
                        .filter(|a| !a.is_empty())
                        .map(|a| {
                            let coin = pair.as_ref().map(|p| p.0.as_str()).unwrap_or_default();
                            let money = crate::lang::money(l, a, coin).trim().to_string();
                            match &pair {
                                Some((_, network)) => format!(
                                    "{money} · {}",
                                    crate::model::payment::network_label(network)
                                ),
                                None => money,
                            }
                        }),
                    state: crate::model::order::OrderState::headline(&order, crate::lang::locale()),
                });
            }
            Err(AppError::NotFound(_)) => {}
            Err(_) => {
                kept.push(id.clone());
                list.push(RecentOrder {
                    order_id: id.to_string(),
                    title: crate::i18n::td_string!(crate::lang::locale(), order.order).to_string(),
                    amount: None,
                    state: crate::i18n::td_string!(
                        crate::lang::locale(),
                        errors.status_unavailable
                    )
                    .to_string(),
                });
            }
        }
    }
    if kept.len() != ids.len() {
        set_cookie(&recent_orders::cookie(&kept));
    }
    Ok(list)
}

/// What a recent order was: its brand and amount, or how many cards.
#[cfg(feature = "ssr")]
fn recent_title(order: &Order) -> String {
    let cards = order.card_count();
    match order.deliveries.first() {
        Some(d) if cards <= 1 => format!(
            "{} {}",
            d.brand_name.clone().unwrap_or_default(),
            d.denomination.clone().unwrap_or_default()
        )
        .trim()
        .to_string(),
        _ if cards > 1 => {
            crate::i18n::td_string!(crate::lang::locale(), order.n_cards, count = cards)
        }
        _ => crate::i18n::td_string!(crate::lang::locale(), order.order).to_string(),
    }
}

/// Forgets this device's recent orders (the cookie is deleted).
#[server(prefix = "/api", endpoint = "orders/recent/forget")]
pub async fn forget_recent() -> Result<(), AppError> {
    use super::ssr::{is_plain_form_post, same_site, set_cookie};
    same_site()?;
    set_cookie(&crate::server::recent_orders::cleared());
    if is_plain_form_post() {
        super::ssr::go("/");
    }
    Ok(())
}
