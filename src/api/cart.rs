//! Cart server functions: add a card from a brand page, change or remove lines,
//! see the cart with its exact price, and pay for it in one order. The cart
//! lives in a signed cookie (`server::cart_cookie`): nothing is kept on the
//! server, and every function works as a plain form post too.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::Draft;
use crate::model::cart::CartCheckout;
use crate::model::checkout::{CheckoutForm, Quote};
use crate::model::order::Order;
use crate::model::payment::PayOption;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One line of the cart as shown: what the catalogue calls it and its price.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CartLine {
    pub family: String,
    pub brand: String,
    /// The amount as the catalogue words it (`$10`, `10 USD`).
    pub label: String,
    pub beneficiary: String,
    pub quantity: u32,
    /// Price of one card in the cart's coin, when it could be asked.
    pub unit_price: Option<String>,
}

/// The cart page's data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CartPage {
    pub country: String,
    pub lines: Vec<CartLine>,
    /// Why the cart couldn't be read, when its cookie was refused.
    pub notice: Option<String>,
    pub options: Vec<PayOption>,
    /// The coin + network choice, the email and coupon last typed.
    pub pay: String,
    pub email: String,
    pub coupon: String,
    /// The idempotency key of paying for this cart.
    pub key: String,
    /// The exact price of every line, when each could be priced.
    pub total: Option<Quote>,
    /// A refused plain-form payment: why (the typed values are above).
    pub error: Option<AppError>,
}

impl CartPage {
    /// The cards in the cart: every line's quantity.
    pub fn card_count(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// The coin the cart is priced in (empty when it couldn't be priced).
    pub fn coin(&self) -> String {
        self.total
            .as_ref()
            .map(|t| t.coin.clone())
            .unwrap_or_default()
    }
}

/// How many cards the shopper's cart holds (0 without a cart).
#[server(prefix = "/api", endpoint = "cart/count")]
pub async fn cart_count() -> Result<u32, AppError> {
    let state = super::ssr::state()?;
    Ok(state
        .shop
        .carts
        .open(&super::ssr::headers())
        .valid()
        .map(|c| c.count())
        .unwrap_or_default())
}

/// Puts a card from a brand page's checkout in the cart (brand, amount and
/// recipient checked first), then goes to the cart. Refused, a plain form post
/// returns to the brand page with what was typed and why.
#[server(prefix = "/api", endpoint = "cart/add")]
pub async fn add_to_cart(#[server(flatten)] form: CheckoutForm) -> Result<u32, AppError> {
    use super::ssr::{is_plain_form_post, same_site, set_cookie, shopper, state};
    same_site()?;
    let state = state()?;
    let who = shopper(&state, Some(&form.country));
    // As the shopper's language writes numbers (`12,5`): read once, here, and
    // kept plain in the cart (which may be read in another language).
    let plain = form.amount_read_in(crate::lang::locale());
    match add_line(&state, &who, &plain).await {
        Ok((cookie, count)) => {
            set_cookie(&cookie);
            super::ssr::go("/cart");
            Ok(count)
        }
        Err(e) if is_plain_form_post() => {
            super::orders::back_to_form(&state, form, e.clone());
            Err(e)
        }
        Err(e) => Err(e),
    }
}

#[cfg(feature = "ssr")]
async fn add_line(
    state: &crate::server::state::AppState,
    who: &crate::server::upstream::Shopper,
    form: &CheckoutForm,
) -> Result<(String, u32), AppError> {
    use crate::model::cart::{Cart, CartItem};
    use crate::model::problem::{Field, Reason};
    use crate::server::signed_cookie::Opened;
    crate::server::shop::check_country(&form.country)?;
    state
        .shop
        .check_line(who, &form.family, &form.amount, &form.beneficiary)
        .await?;
    // A refused (changed) cookie is not built upon: a new cart starts.
    let mut cart = match state.shop.carts.open(&super::ssr::headers()) {
        Opened::Valid(c) => c,
        _ => Cart::default(),
    };
    cart.add(
        &form.country,
        CartItem {
            family: form.family.clone(),
            amount: form.amount.trim().to_string(),
            beneficiary: form.beneficiary.trim().to_string(),
            quantity: 1,
        },
    )
    .map_err(|e| AppError::invalid(Field::Order, Reason::Cart(e)))?;
    if !form.pay.is_empty() {
        cart.pay = form.pay.clone();
    }
    if !form.email.trim().is_empty() {
        cart.email = form.email.trim().to_string();
    }
    // A changed cart is a new purchase: a new key.
    cart.key = crate::server::ids::new_id();
    let cookie = state.shop.carts.seal(&cart).ok_or_else(|| {
        AppError::invalid(
            Field::Order,
            Reason::Cart(crate::model::cart::CartRefusal::Full),
        )
    })?;
    Ok((cookie, cart.count()))
}

/// Sends a refused plain form post back to the cart, with what was typed and
/// why in the signed draft cookie (a draft without a family is the cart's).
#[cfg(feature = "ssr")]
fn back_to_cart(state: &crate::server::state::AppState, form: CheckoutForm, error: AppError) {
    super::ssr::set_cookie(&state.shop.drafts.seal(Draft {
        form,
        error: Some(error),
        quote: None,
    }));
    super::ssr::go("/cart");
}

/// Changes a line's quantity (`0` removes it; `line` = `all` empties the cart).
#[server(prefix = "/api", endpoint = "cart/update")]
pub async fn update_cart(
    line: String,
    #[server(default)] quantity: String,
) -> Result<u32, AppError> {
    use super::ssr::{is_plain_form_post, same_site, set_cookie, state};
    use crate::model::cart::Cart;
    use crate::model::problem::{Field, Reason};
    same_site()?;
    let state = state()?;
    let mut cart = state
        .shop
        .carts
        .open(&super::ssr::headers())
        .valid()
        .unwrap_or_else(Cart::default);
    let changed = if line == "all" {
        cart.items.clear();
        true
    } else {
        // An emptied field is a mistake, not a removal (Remove sends 0).
        let quantity = quantity.trim().parse::<u32>().ok();
        match (line.parse::<usize>().ok(), quantity) {
            (Some(index), Some(q)) => cart.set_quantity(index, q),
            _ => false,
        }
    };
    if !changed {
        // Said on the line it is about (the whole cart when the line is unknown).
        let field = match line.parse::<u8>() {
            Ok(index) if usize::from(index) < cart.items.len() => Field::Item(index),
            _ => Field::Order,
        };
        let e = AppError::invalid(field, Reason::QuantityRange);
        if is_plain_form_post() {
            // The cart itself is unchanged.
            let form = crate::model::checkout::CheckoutForm {
                country: cart.country.clone(),
                ..Default::default()
            };
            back_to_cart(&state, form, e.clone());
            return Err(e);
        }
        return Err(e);
    }
    cart.key = crate::server::ids::new_id();
    if let Some(cookie) = state.shop.carts.seal(&cart) {
        set_cookie(&cookie);
    }
    if is_plain_form_post() {
        super::ssr::go("/cart");
    }
    Ok(cart.count())
}

/// The cart with names, prices and the pay form's last values.
#[server(prefix = "/api", endpoint = "cart/get")]
pub async fn get_cart(#[server(default)] pay: String) -> Result<CartPage, AppError> {
    use super::ssr::{shopper, state};
    use crate::server::signed_cookie::Opened;
    let state = state()?;
    let headers = super::ssr::headers();
    let (cart, notice) = match state.shop.carts.open(&headers) {
        Opened::Valid(c) => (c, None),
        Opened::Absent => (Default::default(), None),
        Opened::Refused => (
            Default::default(),
            Some(
                crate::i18n::td_string!(crate::lang::locale(), errors.cart_unreadable_notice)
                    .to_string(),
            ),
        ),
    };
    let draft: Option<Draft> = state
        .shop
        .drafts
        .open(&headers)
        .filter(|d| d.form.family.is_empty() && d.form.country == cart.country);
    let country = if cart.country.is_empty() {
        crate::server::shopper::country(&headers, &state.shop.config.default_country)
    } else {
        cart.country.clone()
    };
    let who = shopper(&state, Some(&country));
    let options = state.shop.pay_options(&who).await.unwrap_or_default();
    let chosen = Some(pay).filter(|p| options.iter().any(|o| &o.choice().form_value() == p));
    let pay = chosen
        .or_else(|| draft.as_ref().map(|d| d.form.pay.clone()))
        .filter(|p| !p.is_empty())
        .or_else(|| Some(cart.pay.clone()).filter(|p| !p.is_empty()))
        .or_else(|| {
            crate::model::payment::default_option(&options).map(|o| o.choice().form_value())
        })
        .unwrap_or_default();
    let lines = futures::future::join_all(cart.items.iter().map(|item| {
        let (who, pay) = (who.clone(), pay.clone());
        let shop = state.shop.clone();
        async move {
            let fam = shop.family(&who, &item.family).await.ok();
            let label = fam
                .as_ref()
                .and_then(|f| {
                    f.fixed_products()
                        .into_iter()
                        .find(|p| p.choice() == item.amount)
                        .map(|p| p.label())
                })
                .unwrap_or_else(|| {
                    let currency = fam
                        .as_ref()
                        .and_then(|f| f.range_product())
                        .and_then(|p| p.amount_rule())
                        .map(|r| r.currency)
                        .unwrap_or_default();
                    let l = crate::lang::locale();
                    match crate::model::money::Amount::parse(&item.amount) {
                        Some(a) => crate::lang::money(l, a, &currency).trim().to_string(),
                        None => format!("{} {currency}", item.amount).trim().to_string(),
                    }
                });
            let unit_price = shop
                .quote(&who, &item.family, &item.amount, &pay)
                .await
                .ok();
            (
                CartLine {
                    family: item.family.clone(),
                    brand: fam
                        .map(|f| f.brand.clone())
                        .unwrap_or_else(|| item.family.clone()),
                    label,
                    beneficiary: item.beneficiary.clone(),
                    quantity: item.quantity,
                    unit_price: unit_price.as_ref().map(|q| q.coin_amount.clone()),
                },
                unit_price,
            )
        }
    }))
    .await;
    let mut total = total_of(&lines);
    // The supplier's price for the whole order, when a payment just met it:
    // the total shown (and sent back as the one seen) is that price.
    if let (
        Some(t),
        Some(AppError::TotalChanged {
            total: whole,
            coin,
            coupon,
        }),
    ) = (
        total.as_mut(),
        draft.as_ref().and_then(|d| d.error.as_ref()),
    ) && &t.coin == coin
    {
        t.coin_amount = whole.clone();
        t.coupon = coupon.clone();
    }
    Ok(CartPage {
        country,
        lines: lines.into_iter().map(|(l, _)| l).collect(),
        notice,
        options,
        pay,
        email: draft
            .as_ref()
            .map(|d| d.form.email.clone())
            .unwrap_or(cart.email.clone()),
        coupon: draft
            .as_ref()
            .map(|d| d.form.coupon.clone())
            .unwrap_or_default(),
        key: cart.key.clone(),
        total,
        error: draft.and_then(|d| d.error),
    })
}

/// The sum of every line's price × quantity, when every line has one.
#[cfg(feature = "ssr")]
fn total_of(lines: &[(CartLine, Option<Quote>)]) -> Option<Quote> {
    use crate::model::money::Amount;
    let first = lines.first()?.1.clone()?;
    let mut sum = Amount::default();
    for (line, quote) in lines {
        let unit = Amount::parse(&quote.as_ref()?.coin_amount)?;
        sum = sum.checked_add(unit.checked_mul(i64::from(line.quantity))?)?;
    }
    Some(Quote {
        coin_amount: sum.to_string(),
        ..first
    })
}

/// Pays for the whole cart with one order, then goes to the order's page.
/// Problems come back on the line that has them; a plain form post returns to
/// the cart with what was typed.
#[server(prefix = "/api", endpoint = "cart/pay")]
pub async fn pay_cart(
    #[server(flatten)] checkout: CartCheckout,
    #[server(default)] shown_total: String,
) -> Result<Order, AppError> {
    use super::ssr::{is_plain_form_post, remember_recent, same_site, set_cookie, shopper, state};
    use crate::model::problem::{Field, Reason};
    use crate::server::signed_cookie::Opened;
    same_site()?;
    let state = state()?;
    let headers = super::ssr::headers();
    let opened = state.shop.carts.open(&headers);
    let country = match &opened {
        Opened::Valid(cart) => cart.country.clone(),
        _ => String::new(),
    };
    let result = match opened {
        Opened::Valid(cart) if cart.key != checkout.idempotency_key.trim() => {
            Err(AppError::invalid(Field::Order, Reason::CartChanged))
        }
        Opened::Valid(cart) => {
            let who = shopper(&state, Some(&cart.country));
            // The total the page showed (when it could price every line).
            let shown = crate::model::money::Amount::parse(shown_total.trim());
            state.shop.create_cart(&who, &cart, &checkout, shown).await
        }
        Opened::Absent => Err(AppError::invalid(Field::Order, Reason::CartEmpty)),
        Opened::Refused => Err(AppError::invalid(Field::Order, Reason::CartUnreadable)),
    };
    match result {
        Ok(order) => {
            if let Some(cleared) = state.shop.carts.seal(&Default::default()) {
                set_cookie(&cleared);
            }
            remember_recent(&order.order_id);
            super::ssr::go(&format!("/orders/{}", order.order_id));
            Ok(order)
        }
        Err(e) if is_plain_form_post() => {
            let form = CheckoutForm {
                country,
                pay: checkout.pay,
                email: checkout.email,
                coupon: checkout.coupon,
                ..Default::default()
            };
            back_to_cart(&state, form, e.clone());
            Err(e)
        }
        Err(e) => Err(e),
    }
}
