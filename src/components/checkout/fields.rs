//! What the checkout shows beside its fields: the price line, each field's
//! problems and the form's summary, and the two server functions that render
//! them again as the shopper types (`checkout/price`, `checkout/check`).

use crate::error::{AppError, Refusal};
use crate::i18n::td_string;
use crate::lang::{self, Locale};
use crate::model::checkout::{CheckoutForm, Quote};
use crate::model::payment::network_label;
use crate::model::problem::Field;
use leptos::prelude::*;

/// The price line (`#price-line`): the exact price, why there is none, or a prompt.
#[component]
pub fn PriceLine(quote: Option<Result<Quote, AppError>>) -> impl IntoView {
    let l = lang::locale();
    match quote {
        None => view! { <div id="price-line" class="price muted"><p>{td_string!(l, checkout.choose_to_price)}</p></div> }.into_any(),
        Some(Ok(q)) => {
            let coupon = q.coupon.as_ref().map(|c| coupon_words(l, c, &q.coin));
            view! {
                <div id="price-line" class="price">
                    <p>
                        {td_string!(l, checkout.you_pay)}" "<strong data-testid="price">{lang::money(l, &q.coin_amount, &q.coin)}</strong>" "
                        {td_string!(l, checkout.on_network_for, network = network_label(&q.network), face = lang::money(l, &q.face_value, &q.currency))}
                    </p>
                    {coupon.map(|(applied, words)| view! {
                        <p class=if applied { "coupon-applied" } else { "coupon-not-applied" } data-testid="coupon-outcome">{words}</p>
                    })}
                </div>
            }
            .into_any()
        }
        Some(Err(e)) => {
            let msg = match &e {
                AppError::Invalid(issues) => issues.iter().map(|i| i.message(l)).collect::<Vec<_>>().join(" "),
                other => other.message(l),
            };
            view! { <div id="price-line" class="price field-error"><p>{td_string!(l, checkout.no_price_yet, reason = msg)}</p></div> }.into_any()
        }
    }
}

/// What became of a typed coupon, in words: applied (with the full price) only
/// when the upstream's validated price is lower; else plainly not applied.
pub fn coupon_words(
    l: Locale,
    c: &crate::model::checkout::CouponOutcome,
    coin: &str,
) -> (bool, String) {
    match (&c.full_price, c.applied) {
        (Some(full), true) => (
            true,
            td_string!(
                l,
                checkout.coupon_applied,
                code = c.code.clone(),
                full = lang::money(l, full, coin)
            ),
        ),
        _ => (
            false,
            td_string!(l, checkout.coupon_not_applied, code = c.code.clone()),
        ),
    }
}

/// The top-of-form summary of a refused order (role=alert).
#[component]
pub fn FormSummary(error: Option<AppError>) -> impl IntoView {
    let l = lang::locale();
    error.map(|e| {
        let extra = match &e {
            AppError::Rejected(p) if p.len() > 1 => {
                format!(" {}", td_string!(l, errors.problems_to_fix, count = p.len()))
            }
            _ => String::new(),
        };
        view! { <div class="form-summary" role="alert"><p>{format!("{}{extra}", e.message(l))}</p></div> }
    })
}

/// The messages of one field (`Field::error_id`, swapped by islands): a live
/// region, so a problem found as the shopper types is announced.
#[component]
pub fn FieldErrors(field: Field, messages: Vec<String>) -> impl IntoView {
    view! {
        <div id=field.error_id() class="field-errors" aria-live="polite">
            {messages.into_iter().map(|m| view! { <p class="field-error">{m}</p> }).collect_view()}
        </div>
    }
}

/// Every checkout field's messages for `error` (none when `None`), as the
/// `checkout/check` answer the island swaps in.
#[component]
pub fn CheckedFields(error: Option<AppError>) -> impl IntoView {
    let l = lang::locale();
    Field::CHECKOUT
        .into_iter()
        .map(|f| {
            let messages = error
                .as_ref()
                .map(|e| e.messages_for(f, l))
                .unwrap_or_default();
            view! { <FieldErrors field=f messages=messages /> }
        })
        .collect_view()
}

/// Every checkout field's problems for the form as typed, as HTML, from the
/// same check as `validate_order` (the brand page's checkout swaps in those of
/// the fields the shopper has left). Busy or unreachable is an error: the page
/// keeps what it shows, and the order's own check will say so.
#[server(prefix = "/api", endpoint = "checkout/check")]
pub async fn checkout_check(
    #[server(flatten)] form: CheckoutForm,
    #[server(default)] lang: String,
) -> Result<String, Refusal> {
    let l = crate::lang::provide(&lang);
    // As the shopper's language writes numbers (`12,5`): read once, here.
    let checked = crate::api::orders::check(form.amount_read_in(l)).await;
    let (error, validated) = match checked {
        // The validated price is the price to pay (a coupon's effect included).
        Ok(quote) => (None, Some(quote)),
        Err(e @ (AppError::Invalid(_) | AppError::Rejected(_) | AppError::Suspended(_))) => {
            (Some(e), None)
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Owner::new().with(|| {
        let price = validated.map(|q| view! { <PriceLine quote=Some(Ok(q)) /> });
        view! { <CheckedFields error=error />{price} }.to_html()
    }))
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
    use crate::api::ssr::{shopper, state};
    let l = crate::lang::provide(&lang);
    let state = state()?;
    let who = shopper(&state, Some(&country));
    let fam = state.shop.family(&who, &family).await?;
    // Read as the shopper's language writes numbers (`12,5`), as the quote reads it.
    let plain = crate::lang::plain_decimal(l, &amount);
    let issues: Vec<String> = fam
        .custom_amount_rule()
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
