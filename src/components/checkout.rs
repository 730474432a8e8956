//! The checkout: amount, coin and network, recipient, email, coupon; the exact
//! price refreshed as choices change; every problem shown next to its field.
//! A server action with JavaScript, a plain form post without.

use crate::api::cart::AddToCart;
use crate::api::catalog::BrandPage;
#[cfg(feature = "hydrate")]
use crate::api::orders::validate_order;
use crate::api::orders::{CreateOrder, Draft};
#[cfg(feature = "hydrate")]
use crate::api::pricing::get_quote;
use crate::error::AppError;
use crate::model::catalog::Kind;
use crate::model::checkout::{Quote, pay_value};
use crate::model::money::AmountRule;
use crate::model::payment::{PayOption, default_option, network_label};
use crate::model::problem::Field;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

/// What the checkout island needs, and nothing more: its props travel in the
/// page, so the brand's description and terms stay in the markup only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckoutSetup {
    pub country: String,
    pub family: String,
    pub kind: Kind,
    /// One `(choice, label)` per fixed product; empty for a custom amount.
    pub fixed: Vec<(String, String)>,
    pub rule: Option<AmountRule>,
    pub default_amount: String,
    pub default_pay: String,
    pub options: Vec<PayOption>,
    pub checkout_key: String,
    /// The price of the preselected amount and coin.
    pub quote: Option<Result<Quote, AppError>>,
    pub out_of_stock: bool,
}

impl CheckoutSetup {
    /// The checkout of a brand page.
    pub fn of(data: BrandPage) -> Self {
        let fam = data.family;
        // One choice per product: products of equal face value (eSIM plans) stay apart.
        let fixed: Vec<(String, String)> = fam
            .fixed_products()
            .into_iter()
            .filter(|p| p.fixed_value().is_some())
            .map(|p| {
                // The catalogue's own words first; the plan only where they don't say it.
                let said = p
                    .localized_denomination
                    .as_deref()
                    .is_some_and(|l| !l.is_empty());
                let label = match p.benefits_label() {
                    Some(b) if !said => format!("{} · {b}", p.label()),
                    _ => p.label(),
                };
                (p.choice(), label)
            })
            .collect();
        let rule = if fixed.is_empty() {
            fam.range_product().and_then(|p| p.amount_rule())
        } else {
            None
        };
        let default_pay = default_option(&data.options)
            .map(|o| pay_value(&o.coin, &o.network))
            .unwrap_or_default();
        Self {
            country: data.country,
            default_amount: fam.default_amount(),
            family: fam.family,
            kind: fam.kind,
            fixed,
            rule,
            default_pay,
            options: data.options,
            checkout_key: data.checkout_key,
            quote: data.quote,
            out_of_stock: fam.is_out_of_stock,
        }
    }
}

/// The checkout form of a brand page: the island of that page (the rest is
/// server HTML).
#[island]
pub fn Checkout(setup: CheckoutSetup, draft: Option<Draft>) -> impl IntoView {
    let CheckoutSetup {
        country,
        family,
        kind,
        fixed,
        rule,
        default_amount,
        default_pay,
        options,
        checkout_key,
        quote,
        out_of_stock,
    } = setup;
    let (draft_form, draft_error) = match draft {
        Some(d) => (Some(d.form), Some(d.error)),
        None => (None, None),
    };
    let initial = |pick: fn(&crate::model::checkout::CheckoutForm) -> &String, default: String| {
        draft_form
            .as_ref()
            .map(|f| pick(f).clone())
            .filter(|v| !v.is_empty())
            .unwrap_or(default)
    };
    let amount = RwSignal::new(initial(|f| &f.amount, default_amount.clone()));
    let pay = RwSignal::new(initial(|f| &f.pay, default_pay.clone()));
    let beneficiary = RwSignal::new(initial(|f| &f.beneficiary, String::new()));
    let email = RwSignal::new(initial(|f| &f.email, String::new()));
    let coupon = RwSignal::new(initial(|f| &f.coupon, String::new()));
    // Once a field is left, the whole form is checked with the upstream (debounced)
    // and every problem of the fields left so far is shown at once.
    let touched = RwSignal::new(vec![Field::Amount, Field::Payment, Field::Order]);
    let checked = RwSignal::new(None::<AppError>);

    let rule_for_check = rule.clone();
    let amount_issue = Memo::new(move |_| {
        rule_for_check
            .as_ref()
            .and_then(|r| r.check(&amount.get()).err().map(|e| e.to_string()))
    });
    let (qc, qf) = (country.clone(), family.clone());
    // The page arrives with the price of its preselected amount and coin; the
    // browser asks again only when the shopper changes them.
    let preselected = (amount.get_untracked(), pay.get_untracked());
    let price = RwSignal::new(
        if preselected == (default_amount.clone(), default_pay.clone()) {
            quote
        } else {
            None
        },
    );
    #[cfg(feature = "hydrate")]
    {
        let asked = StoredValue::new(0u64);
        Effect::new(move |previous: Option<(String, String)>| {
            let key = (amount.get(), pay.get());
            let ok = amount_issue.get().is_none() && !key.0.is_empty() && !key.1.is_empty();
            if previous.as_ref() == Some(&key)
                || (previous.is_none() && price.get_untracked().is_some())
            {
                return key;
            }
            if !ok {
                price.set(None);
                return key;
            }
            asked.update_value(|n| *n += 1);
            let ticket = asked.get_value();
            let (c, f, (a, p)) = (qc.clone(), qf.clone(), key.clone());
            leptos::task::spawn_local(async move {
                let answer = get_quote(c, f, a, p).await;
                // Only the answer to the latest question is shown.
                if asked.get_value() == ticket {
                    price.set(Some(answer));
                }
            });
            key
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (&qc, &qf);

    let coupon_open = !coupon.get_untracked().is_empty()
        || draft_error
            .as_ref()
            .is_some_and(|e| !e.messages_for(Field::Coupon).is_empty());
    // Both buttons post the form as it is, with or without JavaScript: "Place
    // order" to the order, "Add to cart" (its formaction) to the cart. A refusal
    // comes back as this page with the values and the problems (a draft); the
    // checks while typing catch most problems before that. Code that posted in
    // place would weigh the browser's download (issue 11) for no gain the shopper sees.
    let error = Memo::new(move |_| draft_error.clone());
    let order_url = <CreateOrder as ServerFn>::url();
    let add_url = <AddToCart as ServerFn>::url();
    // Which button was pressed, until the next page arrives.
    let sending = RwSignal::new(None::<Sent>);
    let busy = move || sending.get().is_some();
    // A page brought back by the Back button is usable again.
    #[cfg(feature = "hydrate")]
    let _ = window_event_listener(leptos::ev::pageshow, move |_| sending.set(None));
    let messages = move |f: Field| match error.get() {
        Some(e) => e.messages_for(f),
        None if touched.with(|t| t.contains(&f)) => {
            checked.get().map(|e| e.messages_for(f)).unwrap_or_default()
        }
        None => Vec::new(),
    };
    let left = {
        let (country, family) = (country.clone(), family.clone());
        move |field: Field| {
            touched.try_update(|t| {
                if !t.contains(&field) {
                    t.push(field);
                }
            });
            #[cfg(feature = "hydrate")]
            {
                let asked = check_ticket();
                let (c, f) = (country.clone(), family.clone());
                leptos::task::spawn_local(async move {
                    gloo_timers::future::TimeoutFuture::new(400).await;
                    if asked != CHECKS.with(|n| n.get()) {
                        return;
                    }
                    // The shopper may have left the page meanwhile (the form is gone).
                    let values = (|| {
                        Some((
                            amount.try_get_untracked()?,
                            pay.try_get_untracked()?,
                            beneficiary.try_get_untracked()?,
                            email.try_get_untracked()?,
                            coupon.try_get_untracked()?,
                        ))
                    })();
                    let Some((a, p, b, e, co)) = values else {
                        return;
                    };
                    let answer = validate_order(c, f, a, p, b, e, co).await;
                    if asked != CHECKS.with(|n| n.get()) {
                        return;
                    }
                    match answer {
                        Ok(_) => {
                            checked.try_set(None);
                        }
                        Err(
                            e @ (AppError::Invalid(_)
                            | AppError::Rejected(_)
                            | AppError::Suspended(_)),
                        ) => {
                            checked.try_set(Some(e));
                        }
                        // Busy or unreachable: the check at submission will say so.
                        Err(_) => {}
                    }
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&country, &family);
        }
    };
    let (left_b, left_e, left_c, left_a) = (left.clone(), left.clone(), left.clone(), left);

    view! {
        <section class="checkout panel" id="checkout" aria-labelledby="checkout-title">
            <h2 id="checkout-title">"Buy"</h2>
            <form method="post" action=order_url novalidate
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    let add = ev.submitter().and_then(|b| b.get_attribute("formaction")).is_some();
                    sending.set(Some(if add { Sent::ToCart } else { Sent::Order }));
                }>
                <input type="hidden" name="country" value=country.clone() />
                <input type="hidden" name="family" value=family.clone() />
                <input type="hidden" name="idempotency_key" value=checkout_key.clone() />
                <FormSummary error=error />

                <fieldset>
                    <legend>"Amount"</legend>
                    {if !fixed.is_empty() {
                        view! {
                            <div class="denominations">
                                {fixed.into_iter().map(|(value, label)| {
                                    let v = value.clone();
                                    let id = format!(
                                        "amount-{}",
                                        value.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
                                    );
                                    let checked = amount.get_untracked() == value;
                                    let for_id = id.clone();
                                    view! {
                                        <label class="denomination" for=for_id>
                                            <input type="radio" id=id name="amount" value=value
                                                checked=checked
                                                on:change=move |_| amount.set(v.clone()) />
                                            <span>{label}</span>
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                        }.into_any()
                    } else if let Some(r) = rule.clone() {
                        let hint = match r.step {
                            Some(s) if !s.is_zero() => format!("From {} to {} {}, in steps of {}", r.min, r.max, r.currency, s),
                            _ => format!("From {} to {} {}", r.min, r.max, r.currency),
                        };
                        view! {
                            <label for="amount">{format!("Amount in {}", r.currency)}</label>
                            <input id="amount" name="amount" type="text" inputmode="decimal" autocomplete="off"
                                value=amount.get_untracked()
                                on:input=move |ev| amount.set(event_target_value(&ev))
                                on:focusout=move |_| left_a(Field::Amount)
                                aria-describedby="amount-hint amount-error" />
                            <p class="hint" id="amount-hint">{hint}</p>
                            <Show when=move || amount_issue.get().is_some()>
                                <p class="field-error" role="alert">{move || amount_issue.get().unwrap_or_default()}</p>
                            </Show>
                        }.into_any()
                    } else {
                        view! { <p class="field-error">"This brand has no amounts on sale right now."</p> }.into_any()
                    }}
                    <FieldErrors id="amount-error" messages=Signal::derive(move || messages(Field::Amount)) />
                </fieldset>

                <div class="field">
                    <label for="pay">"Pay with"</label>
                    <select id="pay" name="pay" aria-describedby="pay-hint pay-error" on:change=move |ev| pay.set(event_target_value(&ev))>
                        {options.iter().map(|o| {
                            let v = pay_value(&o.coin, &o.network);
                            let selected = pay.get_untracked() == v;
                            let label = o.label();
                            view! { <option value=v selected=selected disabled=o.suspended>{label}</option> }
                        }).collect_view()}
                    </select>
                    <p class="hint" id="pay-hint">"Lowest fees: USDC on Solana. Pay only on the network you pick."</p>
                    <FieldErrors id="pay-error" messages=Signal::derive(move || messages(Field::Payment)) />
                </div>

                <div class="field">
                    <label for="beneficiary">{kind.beneficiary_label()}</label>
                    <input id="beneficiary" name="beneficiary"
                        type=if kind == Kind::MobileRecharge { "tel" } else { "email" }
                        autocomplete=if kind == Kind::MobileRecharge { "tel" } else { "email" }
                        value=beneficiary.get_untracked()
                        on:input=move |ev| beneficiary.set(event_target_value(&ev))
                        on:focusout=move |_| left_b(Field::Beneficiary)
                        aria-describedby="beneficiary-hint beneficiary-error" required />
                    <p class="hint" id="beneficiary-hint">{if kind == Kind::MobileRecharge {
                        "International format: + then country code and number, e.g. +14155551234"
                    } else {
                        "The code goes to this address: check it twice."
                    }}</p>
                    <FieldErrors id="beneficiary-error" messages=Signal::derive(move || messages(Field::Beneficiary)) />
                </div>

                <div class="field">
                    <label for="email">"Your email (for the receipt)"</label>
                    <input id="email" name="email" type="email" autocomplete="email" value=email.get_untracked()
                        on:input=move |ev| email.set(event_target_value(&ev))
                        on:focusout=move |_| left_e(Field::Email)
                        aria-describedby="email-error" required />
                    <FieldErrors id="email-error" messages=Signal::derive(move || messages(Field::Email)) />
                </div>

                <details class="field coupon" open=coupon_open>
                    <summary>"Have a coupon?"</summary>
                    <label for="coupon">"Coupon code (optional)"</label>
                    <input id="coupon" name="coupon" type="text" autocomplete="off" value=coupon.get_untracked()
                        on:input=move |ev| coupon.set(event_target_value(&ev))
                        on:focusout=move |_| left_c(Field::Coupon)
                        aria-describedby="coupon-error" />
                    <FieldErrors id="coupon-error" messages=Signal::derive(move || messages(Field::Coupon)) />
                </details>

                <div class="summary" aria-live="polite">
                    {move || view! { <PriceLine quote=price.get() /> }}
                    <p>{move || {
                        let b = beneficiary.get();
                        if b.trim().is_empty() { String::new() } else { format!("Delivered to: {}", b.trim()) }
                    }}</p>
                </div>
                <FieldErrors id="order-error" messages=Signal::derive(move || messages(Field::Order)) />
                <div class="buy-buttons">
                    <button type="submit" class="primary" disabled=move || busy() || out_of_stock>
                        {move || if sending.get() == Some(Sent::Order) { "Placing order…" } else { "Place order" }}
                    </button>
                    <button type="submit" class="secondary" formaction=add_url disabled=move || busy() || out_of_stock>
                        {move || if sending.get() == Some(Sent::ToCart) { "Adding…" } else { "Add to cart" }}
                    </button>
                </div>
                <p class="hint">"Next you get a wallet address and the exact amount: 30 minutes to pay. Or add it to your cart and pay for several cards at once."</p>
            </form>
        </section>
    }
}

/// Which button sent the form.
#[derive(Clone, Copy, PartialEq)]
enum Sent {
    Order,
    ToCart,
}

#[component]
fn PriceLine(quote: Option<Result<Quote, AppError>>) -> impl IntoView {
    match quote {
        None => view! { <p class="price muted">"Choose an amount to see the price."</p> }.into_any(),
        Some(Ok(q)) => view! {
            <p class="price">
                "You pay "<strong data-testid="price">{format!("{} {}", q.coin_amount, q.coin)}</strong>
                {format!(" on {} for {} {}", network_label(&q.network), q.face_value, q.currency)}
            </p>
        }
        .into_any(),
        Some(Err(e)) => {
            let msg = match &e {
                AppError::Invalid(issues) => issues.iter().map(|i| i.message.clone()).collect::<Vec<_>>().join(" "),
                other => other.to_string(),
            };
            view! { <p class="price field-error">{format!("No price yet: {msg}")}</p> }.into_any()
        }
    }
}

/// The top-of-form summary of a refused order (role=alert).
#[component]
pub fn FormSummary(error: Memo<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let extra = match &e {
                AppError::Rejected(p) if p.len() > 1 => {
                    format!(" {} problems need fixing.", p.len())
                }
                _ => String::new(),
            };
            view! { <div class="form-summary" role="alert"><p>{format!("{e}{extra}")}</p></div> }
        })
    }
}

/// The messages of one field.
#[component]
pub fn FieldErrors(#[prop(into)] id: String, messages: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <div id=id class="field-errors">
            {move || messages.get().into_iter().map(|m| view! { <p class="field-error">{m}</p> }).collect_view()}
        </div>
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// The number of the latest background check: only its answer is shown.
    static CHECKS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Starts a new background check; its number.
#[cfg(feature = "hydrate")]
fn check_ticket() -> u64 {
    CHECKS.with(|n| {
        n.set(n.get() + 1);
        n.get()
    })
}
