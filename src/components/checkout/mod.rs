//! The checkout: amount, coin and network, recipient, email, coupon; the exact
//! price; every problem next to its field. Server HTML posted as a plain form,
//! with or without JavaScript. The `LiveForm` island around it asks the server,
//! as the shopper types, for the price and the problems, rendered as HTML in the
//! shopper's words: no catalogue, price or message logic ships to the browser.

use crate::api::cart::AddToCart;
use crate::api::catalog::BrandPage;
use crate::api::orders::{CreateOrder, Reprice, SwitchLanguage};
use crate::error::{AppError, Draft};
use crate::i18n::td_string;
use crate::lang::{self, Locale};
use crate::model::catalog::{Kind, ProductFamily as Family};
use crate::model::payment::default_option;
use crate::model::problem::Field;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// One `(choice, label)` per fixed product: products of equal face value (eSIM
/// plans) stay apart.
fn fixed_choices(fam: &Family, l: Locale) -> Vec<(String, String)> {
    fam.fixed_products()
        .into_iter()
        .filter(|p| p.fixed_value().is_some())
        .map(|p| {
            // The catalogue's own words first; the plan only where they don't say it.
            let said = p
                .localized_denomination
                .as_deref()
                .is_some_and(|l| !l.is_empty());
            // Long numbers grouped as the language writes them (`100.000₫`).
            let label = match p.benefits_label(l) {
                Some(b) if !said => format!("{} · {b}", lang::grouped(l, &p.label())),
                _ => lang::grouped(l, &p.label()),
            };
            (p.choice(), label)
        })
        .collect()
}

/// The checkout of a brand page; `draft` is a refused post coming back with
/// what was typed and why.
#[component]
pub fn Checkout(data: BrandPage, draft: Option<Draft>) -> impl IntoView {
    let l = lang::locale();
    let fam = &data.family;
    let fixed = fixed_choices(fam, l);
    let rule = fam.custom_amount_rule();
    let (kind, out_of_stock) = (fam.kind.clone(), fam.is_out_of_stock);
    let (country, family) = (data.country.clone(), fam.family.clone());
    let default_pay = default_option(&data.options)
        .map(|o| o.choice().form_value())
        .unwrap_or_default();
    let (form, error, repriced) = match draft {
        Some(d) => (Some(d.form), d.error, d.quote),
        None => (None, None, None),
    };
    // After an unclear answer the form keeps that attempt's key: sent again, it
    // is answered from the key's outcome and never orders twice. Ordering anew
    // is a deliberate second button, with this page's fresh key.
    let (key, again) = match (&form, &error) {
        (Some(f), Some(AppError::Uncertain))
            if crate::model::values::IdempotencyKey::parse(&f.idempotency_key).is_some() =>
        {
            (f.idempotency_key.clone(), Some(data.checkout_key.clone()))
        }
        _ => (data.checkout_key.clone(), None),
    };
    let typed = |pick: fn(&crate::model::checkout::CheckoutForm) -> &String, default: String| {
        form.as_ref()
            .map(|f| pick(f).clone())
            .filter(|v| !v.is_empty())
            .unwrap_or(default)
    };
    let amount = typed(|f| &f.amount, fam.default_amount());
    let pay = typed(|f| &f.pay, default_pay.clone());
    let beneficiary = typed(|f| &f.beneficiary, String::new());
    let email = typed(|f| &f.email, String::new());
    let coupon = typed(|f| &f.coupon, String::new());
    // The page's price is the preselected amount's, or the one "Update price"
    // found for the draft's amount and coin; a refused draft's values are
    // priced by the order's own answer (its problems), so none is shown for them.
    let quote = match repriced {
        Some(q) => Some(Ok(q)),
        None => (amount == fam.default_amount() && pay == default_pay)
            .then(|| data.quote.clone())
            .flatten(),
    };
    let messages = |f: Field| {
        error
            .as_ref()
            .map(|e| e.messages_for(f, l))
            .unwrap_or_default()
    };
    let [m_amount, m_pay, m_beneficiary, m_email, m_coupon, m_order] =
        Field::CHECKOUT.map(messages);
    let coupon_open = !coupon.is_empty() || !m_coupon.is_empty();
    let delivered = delivered_to(l, &beneficiary);
    // A refused form: each field with a problem is marked invalid, and the
    // first of them takes the focus (the summary above says to check them).
    let invalid = |m: &Vec<String>| (!m.is_empty()).then_some("true");
    let first_bad = [
        (Field::Amount, &m_amount),
        (Field::Payment, &m_pay),
        (Field::Beneficiary, &m_beneficiary),
        (Field::Email, &m_email),
        (Field::Coupon, &m_coupon),
    ]
    .into_iter()
    .find(|(_, m)| !m.is_empty())
    .map(|(f, _)| f);
    let focus = move |f: Field| first_bad == Some(f);
    let (amount_invalid, amount_focus) = (invalid(&m_amount), focus(Field::Amount));
    let any_checked = fixed.iter().any(|(v, _)| *v == amount);
    let longest = fixed
        .iter()
        .map(|(_, label)| label.chars().count())
        .max()
        .unwrap_or(0);

    let amount_field = if !fixed.is_empty() {
        view! {
            // Each choice at least as wide as the longest label needs, so none
            // is cut (a class: the CSP allows no inline style).
            <div class=match longest {
                0..=6 => "denominations",
                7..=9 => "denominations wide",
                10..=13 => "denominations wider",
                _ => "denominations widest",
            }>
                {fixed.into_iter().enumerate().map(|(i, (value, label))| {
                    let id = format!(
                        "amount-{}",
                        value.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
                    );
                    let checked = amount == value;
                    let autofocus = amount_focus && (checked || (i == 0 && !any_checked));
                    let for_id = id.clone();
                    view! {
                        <label class="denomination" for=for_id>
                            <input type="radio" id=id name="amount" value=value checked=checked
                                aria-describedby="amount-error" aria-invalid=amount_invalid autofocus=autofocus />
                            <span>{label}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        }
        .into_any()
    } else if let Some(r) = rule {
        let (min, max) = (
            lang::number(l, &r.min.to_string()),
            lang::number(l, &r.max.to_string()),
        );
        let currency = r.currency.clone();
        let hint = match r.step {
            Some(s) if !s.is_zero() => td_string!(
                l,
                checkout.range_with_step,
                min,
                max,
                currency,
                step = lang::number(l, &s.to_string())
            ),
            _ => td_string!(l, checkout.range, min, max, currency),
        };
        view! {
            <label for="amount">{td_string!(l, checkout.amount_in, currency = r.currency.clone())}</label>
            <input id="amount" name="amount" type="text" inputmode="decimal" autocomplete="off"
                value=amount aria-describedby="amount-hint amount-error"
                aria-invalid=amount_invalid autofocus=amount_focus />
            <p class="hint" id="amount-hint">{hint}</p>
        }
        .into_any()
    } else {
        view! { <p class="field-error">{td_string!(l, checkout.no_amounts)}</p> }.into_any()
    };
    let options = data
        .options
        .iter()
        .map(|o| {
            let v = o.choice().form_value();
            let selected = pay == v;
            view! { <option value=v selected=selected disabled=o.suspended>{o.label(l)}</option> }
        })
        .collect_view();
    let phone = kind == Kind::MobileRecharge;
    let (order_url, add_url, reprice_url, language_url) = (
        <CreateOrder as ServerFn>::url(),
        <AddToCart as ServerFn>::url(),
        <Reprice as ServerFn>::url(),
        <SwitchLanguage as ServerFn>::url(),
    );
    // Without JavaScript the header's language links can't carry the form:
    // these buttons of the form itself do.
    let other_languages = lang::ALL
        .into_iter()
        .filter(|x| *x != l)
        .map(|x| {
            view! {
                <button type="submit" class="link" formaction=lang::href(l, language_url) formnovalidate=true
                    name="to" value=lang::code(x) lang=lang::code(x)>{lang::own_name(x)}</button>
            }
        })
        .collect_view();

    view! {
        <section class="checkout panel" id="checkout" aria-labelledby="checkout-title">
            <h2 id="checkout-title">{td_string!(l, checkout.buy)}</h2>
            <LiveForm action=lang::href(l, order_url)>
                <input type="hidden" name="country" value=country />
                <input type="hidden" name="family" value=family />
                <input type="hidden" name="idempotency_key" value=key />
                <FormSummary error=error />

                <fieldset>
                    <legend>{td_string!(l, checkout.amount)}</legend>
                    {amount_field}
                    <FieldErrors field=Field::Amount messages=m_amount />
                </fieldset>

                <div class="field">
                    <label for="pay">{td_string!(l, checkout.pay_with)}</label>
                    <select id="pay" name="pay" aria-describedby="pay-hint pay-error"
                        aria-invalid=invalid(&m_pay) autofocus=focus(Field::Payment)>{options}</select>
                    <p class="hint" id="pay-hint">{td_string!(l, checkout.pay_hint)}</p>
                    <FieldErrors field=Field::Payment messages=m_pay />
                </div>

                <div class="field">
                    <label for="beneficiary">{kind.beneficiary_label(l)}</label>
                    <input id="beneficiary" name="beneficiary"
                        type=if phone { "tel" } else { "email" }
                        autocomplete=if phone { "tel" } else { "email" }
                        value=beneficiary
                        aria-describedby="beneficiary-hint beneficiary-error" required
                        aria-invalid=invalid(&m_beneficiary) autofocus=focus(Field::Beneficiary) />
                    <p class="hint" id="beneficiary-hint">{if phone {
                        let country = crate::model::countries::find(&data.country)
                            .map(|c| crate::model::countries::name_in(c, l))
                            .unwrap_or_default();
                        match &data.phone_example {
                            Some(example) => td_string!(l, checkout.phone_hint_of, country, example = example.clone()),
                            None => td_string!(l, checkout.phone_hint).to_string(),
                        }
                    } else {
                        td_string!(l, checkout.email_hint).to_string()
                    }}</p>
                    <FieldErrors field=Field::Beneficiary messages=m_beneficiary />
                </div>

                <div class="field">
                    <label for="email">{td_string!(l, checkout.receipt_email)}</label>
                    <input id="email" name="email" type="email" autocomplete="email" value=email
                        aria-describedby="email-error" required
                        aria-invalid=invalid(&m_email) autofocus=focus(Field::Email) />
                    <FieldErrors field=Field::Email messages=m_email />
                </div>

                <details class="field coupon" open=coupon_open>
                    <summary>{td_string!(l, checkout.have_coupon)}</summary>
                    <label for="coupon">{td_string!(l, checkout.coupon_code)}</label>
                    <input id="coupon" name="coupon" type="text" autocomplete="off" value=coupon
                        aria-describedby="coupon-error"
                        aria-invalid=invalid(&m_coupon) autofocus=focus(Field::Coupon) />
                    <FieldErrors field=Field::Coupon messages=m_coupon />
                </details>

                <div class="summary" aria-live="polite" data-updating=td_string!(l, checkout.updating_price)>
                    <PriceLine quote=quote />
                    <p id="delivered-to" data-label=td_string!(l, checkout.delivered_to, recipient = "{r}")>{delivered}</p>
                </div>
                <FieldErrors field=Field::Order messages=m_order />
                <div class="buy-buttons">
                    <button type="submit" class="primary" disabled=out_of_stock
                        data-idle=td_string!(l, checkout.place_order) data-busy=td_string!(l, checkout.placing_order)>{td_string!(l, checkout.place_order)}</button>
                    <button type="submit" class="secondary" formaction=lang::href(l, add_url) disabled=out_of_stock
                        data-idle=td_string!(l, checkout.add_to_cart) data-busy=td_string!(l, checkout.adding)>{td_string!(l, checkout.add_to_cart)}</button>
                </div>
                // Without JavaScript the price line can't follow the fields: it
                // says whose price it is, and "Update price" prices what they
                // now say (the form comes back with everything typed). After the
                // buy buttons: Enter in a field still presses "Place order".
                <noscript>
                    <p class="hint" id="reprice-hint">{td_string!(l, checkout.price_without_js)}</p>
                    <button type="submit" class="secondary" formaction=lang::href(l, reprice_url)
                        formnovalidate=true aria-describedby="reprice-hint">{td_string!(l, checkout.update_price)}</button>
                    <p class="hint keep-language">{td_string!(l, checkout.other_language)}" "{other_languages}</p>
                </noscript>
                {again.map(|fresh| view! {
                    <div class="order-again">
                        <p id="order-again-hint">{td_string!(l, checkout.order_again_hint)}</p>
                        <div class="buy-buttons">
                            <button type="submit" class="secondary" name="again" value=fresh
                                aria-describedby="order-again-hint"
                                data-idle=td_string!(l, checkout.order_again) data-busy=td_string!(l, checkout.placing_order)>{td_string!(l, checkout.order_again)}</button>
                        </div>
                    </div>
                })}
                <p class="hint">{td_string!(l, checkout.next_hint)}</p>
            </LiveForm>
        </section>
    }
}

/// "Delivered to: …" once a recipient is typed (the island keeps it in step).
fn delivered_to(l: Locale, beneficiary: &str) -> String {
    let b = beneficiary.trim();
    if b.is_empty() {
        String::new()
    } else {
        td_string!(l, checkout.delivered_to, recipient = b)
    }
}

/// The checkout's form. Once hydrated: the price and the amount's problems
/// follow the amount and coin as they change, the whole form is checked with
/// the supplier when a field is left (each left field then shows its problems),
/// the pressed button says what is happening. Everything shown comes from the
/// server as HTML; the form's markup is the server's (`children`).
#[island]
fn LiveForm(action: String, children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let _ = window_event_listener(leptos::ev::pageshow, |_| live::idle());
    // A language link takes the form as typed to the page in that language.
    #[cfg(feature = "hydrate")]
    let _ = window_event_listener(leptos::ev::click, |ev| kept::keep_if_language_link(&ev));
    // What was typed before this code arrived (a slow phone), or on this page
    // in another language, is priced and checked as soon as it runs: the
    // price never describes another amount.
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        live::own_key();
        kept::restore();
        live::catch_up();
    });
    view! {
        <form id="checkout-form" method="post" action=action novalidate
            on:input=move |ev| {
                #[cfg(feature = "hydrate")]
                live::typed(&ev);
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }
            on:focusout=move |ev| {
                #[cfg(feature = "hydrate")]
                live::left(&ev);
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }
            on:submit=move |ev| {
                #[cfg(feature = "hydrate")]
                live::sent(&ev);
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }>
            {children()}
        </form>
    }
}

mod fields;
#[cfg(feature = "hydrate")]
mod kept;
#[cfg(feature = "hydrate")]
mod live;

pub use fields::{CheckedFields, FieldErrors, FormSummary, PriceLine, coupon_words};
