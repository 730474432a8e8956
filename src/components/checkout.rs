//! The checkout: amount, coin and network, recipient, email, coupon; the exact
//! price; every problem next to its field. Server HTML posted as a plain form,
//! with or without JavaScript. The `LiveForm` island around it asks the server,
//! as the shopper types, for the price and the problems, rendered as HTML in the
//! shopper's words: no catalogue, price or message logic ships to the browser.

use crate::api::cart::AddToCart;
use crate::api::catalog::BrandPage;
use crate::api::orders::{CreateOrder, Draft};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::{self, Locale};
use crate::model::catalog::{Kind, ProductFamily as Family};
use crate::model::checkout::{Quote, pay_value};
use crate::model::money::AmountRule;
use crate::model::payment::{default_option, network_label};
use crate::model::problem::Field;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The amount rule of a family sold by custom amount (none when it has fixed
/// denominations).
pub fn custom_amount_rule(fam: &Family) -> Option<AmountRule> {
    if fam
        .fixed_products()
        .iter()
        .all(|p| p.fixed_value().is_none())
    {
        fam.range_product().and_then(|p| p.amount_rule())
    } else {
        None
    }
}

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
            let label = match p.benefits_label(l) {
                Some(b) if !said => format!("{} · {b}", p.label()),
                _ => p.label(),
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
    let rule = custom_amount_rule(fam);
    let (kind, out_of_stock) = (fam.kind.clone(), fam.is_out_of_stock);
    let (country, family) = (data.country.clone(), fam.family.clone());
    let default_pay = default_option(&data.options)
        .map(|o| pay_value(&o.coin, &o.network))
        .unwrap_or_default();
    let (form, error) = match draft {
        Some(d) => (Some(d.form), d.error),
        None => (None, None),
    };
    // After an unclear answer the form keeps that attempt's key: sent again, it
    // is answered from the key's outcome and never orders twice. Ordering anew
    // is a deliberate second button, with this page's fresh key.
    let (key, again) = match (&form, &error) {
        (Some(f), Some(AppError::Uncertain))
            if crate::model::checkout::is_valid_idempotency_key(&f.idempotency_key) =>
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
    // The page's price is the preselected amount's; a draft's values are priced
    // by the order's own answer (its problems), so none is shown for them.
    let quote = (amount == fam.default_amount() && pay == default_pay)
        .then(|| data.quote.clone())
        .flatten();
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

    let amount_field = if !fixed.is_empty() {
        view! {
            <div class="denominations">
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
            let v = pay_value(&o.coin, &o.network);
            let selected = pay == v;
            view! { <option value=v selected=selected disabled=o.suspended>{o.label(l)}</option> }
        })
        .collect_view();
    let phone = kind == Kind::MobileRecharge;
    let (order_url, add_url) = (
        <CreateOrder as ServerFn>::url(),
        <AddToCart as ServerFn>::url(),
    );

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
                // Without JavaScript the price line can't follow the field: it
                // says whose price it is, and the next page fixes the price.
                <noscript><p class="hint">{td_string!(l, checkout.price_without_js)}</p></noscript>
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
    // What was typed before this code arrived (a slow phone) is priced and
    // checked as soon as it runs: the price never describes another amount.
    #[cfg(feature = "hydrate")]
    Effect::new(|_| live::catch_up());
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
                AppError::Invalid(issues) => issues.iter().map(|i| i.message.clone()).collect::<Vec<_>>().join(" "),
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

/// The island's browser side: reads the form, asks the server, swaps its HTML in.
#[cfg(feature = "hydrate")]
mod live {
    use crate::api::orders::checkout_check;
    use crate::api::pricing::checkout_price;
    use crate::dom::{document, swap_by_id};
    use crate::model::problem::Field;
    use gloo_timers::future::TimeoutFuture;
    use std::cell::{Cell, RefCell};
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlFormElement};

    thread_local! {
        /// The number of the latest price question and form check: only the
        /// latest answer of each is shown.
        static PRICES: Cell<u64> = const { Cell::new(0) };
        static CHECKS: Cell<u64> = const { Cell::new(0) };
        /// The field messages a check may show: the fields left so far, and
        /// those about the amount, the coin and the order as a whole.
        static SHOWN: RefCell<Vec<String>> = RefCell::new(
            [Field::Amount, Field::Payment, Field::Order].map(Field::error_id).to_vec(),
        );
    }

    fn next(counter: &'static std::thread::LocalKey<Cell<u64>>) -> u64 {
        counter.with(|n| {
            n.set(n.get() + 1);
            n.get()
        })
    }

    fn latest(counter: &'static std::thread::LocalKey<Cell<u64>>, ticket: u64) -> bool {
        counter.with(|n| n.get()) == ticket
    }

    fn target(ev: &web_sys::Event) -> Option<Element> {
        ev.target()?.dyn_into::<Element>().ok()
    }

    /// The form's current values of `names` (read once).
    fn values<const N: usize>(names: [&str; N]) -> [String; N] {
        let data = document()
            .and_then(|d| d.get_element_by_id("checkout-form"))
            .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
            .and_then(|f| web_sys::FormData::new_with_form(&f).ok());
        names.map(|n| {
            data.as_ref()
                .and_then(|d| d.get(n).as_string())
                .unwrap_or_default()
        })
    }

    /// A field changed: the price follows the amount and the coin; the
    /// recipient line follows the recipient.
    pub fn typed(ev: &web_sys::Event) {
        if let Some(name) = target(ev).and_then(|t| t.get_attribute("name")) {
            follow(&name);
        }
    }

    fn follow(name: &str) {
        match name {
            "amount" | "pay" => reprice(),
            "beneficiary" => {
                if let Some(line) = document().and_then(|d| d.get_element_by_id("delivered-to")) {
                    let [typed] = values(["beneficiary"]);
                    let typed = typed.trim();
                    // The page's words, `{r}` standing for the recipient.
                    let label = line.get_attribute("data-label").unwrap_or_default();
                    line.set_text_content(Some(&if typed.is_empty() {
                        String::new()
                    } else {
                        label.replace("{r}", typed)
                    }));
                }
            }
            _ => {}
        }
    }

    /// The price for the amount and coin as they are now. Until it comes, the
    /// price line says it is being updated: it never shows another amount's price.
    fn reprice() {
        let ticket = next(&PRICES);
        let doc = document();
        let updating = doc
            .as_ref()
            .and_then(|d| d.query_selector("#checkout-form .summary").ok().flatten())
            .and_then(|s| s.get_attribute("data-updating"));
        if let (Some(line), Some(words)) = (
            doc.as_ref().and_then(|d| d.get_element_by_id("price-line")),
            updating,
        ) {
            line.set_class_name("price muted");
            line.set_inner_html("");
            if let Some(p) = doc.as_ref().and_then(|d| d.create_element("p").ok()) {
                p.set_text_content(Some(&words));
                let _ = line.append_child(&p);
            }
        }
        leptos::task::spawn_local(async move {
            TimeoutFuture::new(150).await;
            if !latest(&PRICES, ticket) {
                return;
            }
            let [country, family, amount, pay] = values(["country", "family", "amount", "pay"]);
            let answer = checkout_price(country, family, amount, pay, crate::lang::of_page()).await;
            if let Ok(html) = answer
                && latest(&PRICES, ticket)
            {
                swap_by_id(&html, |_| true);
                mark_invalid();
            }
        });
    }

    /// Each field whose messages (its `aria-describedby` error region) are not
    /// empty is marked invalid; the others are not.
    fn mark_invalid() {
        let Some(doc) = document() else { return };
        for f in Field::CHECKOUT {
            let id = f.error_id();
            let bad = doc
                .get_element_by_id(&id)
                .is_some_and(|e| e.child_element_count() > 0);
            let Ok(fields) = doc.query_selector_all(&format!("[aria-describedby~=\"{id}\"]"))
            else {
                continue;
            };
            for i in 0..fields.length() {
                if let Some(el) = fields.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    if bad {
                        let _ = el.set_attribute("aria-invalid", "true");
                    } else {
                        let _ = el.remove_attribute("aria-invalid");
                    }
                }
            }
        }
    }

    /// The island has started: whatever was typed or chosen before it could
    /// run (the form differs from what the server rendered) is priced and
    /// checked now, as if it had been typed and left now.
    pub fn catch_up() {
        let Some(form) = document()
            .and_then(|d| d.get_element_by_id("checkout-form"))
            .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        let elements = form.elements();
        let mut changed: Vec<String> = Vec::new();
        for i in 0..elements.length() {
            let Some(el) = elements.item(i) else { continue };
            let differs = if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                match input.type_().as_str() {
                    "radio" | "checkbox" => input.checked() != input.default_checked(),
                    "hidden" | "submit" => false,
                    _ => input.value() != input.default_value(),
                }
            } else if let Some(select) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
                let options = select.options();
                (0..options.length()).any(|j| {
                    options
                        .item(j)
                        .and_then(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
                        .is_some_and(|o| o.selected() != o.default_selected())
                })
            } else {
                false
            };
            if differs
                && let Some(name) = el.get_attribute("name")
                && !changed.contains(&name)
            {
                changed.push(name);
            }
        }
        for name in &changed {
            follow(name);
        }
        let typed: Vec<String> = changed
            .iter()
            .filter_map(|n| shown_field(n))
            .map(Field::error_id)
            .collect();
        if !typed.is_empty() {
            SHOWN.with(|s| {
                let mut s = s.borrow_mut();
                for id in typed {
                    if !s.contains(&id) {
                        s.push(id);
                    }
                }
            });
            check();
        }
    }

    /// The field whose messages show once a form field of this name is left.
    fn shown_field(name: &str) -> Option<Field> {
        Some(match name {
            "amount" => Field::Amount,
            "beneficiary" => Field::Beneficiary,
            "email" => Field::Email,
            "coupon" => Field::Coupon,
            _ => return None,
        })
    }

    /// A field was left: its problems may show from now on, and the whole form
    /// is checked with the supplier (debounced).
    pub fn left(ev: &web_sys::Event) {
        let Some(name) = target(ev).and_then(|t| t.get_attribute("name")) else {
            return;
        };
        let Some(shown) = shown_field(&name).map(Field::error_id) else {
            return;
        };
        SHOWN.with(|s| {
            let mut s = s.borrow_mut();
            if !s.contains(&shown) {
                s.push(shown);
            }
        });
        check();
    }

    /// The whole form checked with the supplier (debounced): the messages of
    /// the fields left so far, and the validated price.
    fn check() {
        let ticket = next(&CHECKS);
        leptos::task::spawn_local(async move {
            TimeoutFuture::new(400).await;
            if !latest(&CHECKS, ticket) {
                return;
            }
            let [country, family, amount, pay, beneficiary, email, coupon] = values([
                "country",
                "family",
                "amount",
                "pay",
                "beneficiary",
                "email",
                "coupon",
            ]);
            let answer = checkout_check(
                country,
                family,
                amount,
                pay,
                beneficiary,
                email,
                coupon,
                crate::lang::of_page(),
            )
            .await;
            // Busy or unreachable: the check at submission will say so.
            if let Ok(html) = answer
                && latest(&CHECKS, ticket)
            {
                // The validated price (with what became of a coupon) and the
                // messages of the fields left so far.
                SHOWN.with(|s| {
                    swap_by_id(&html, |id| {
                        id == "price-line" || s.borrow().iter().any(|x| x == id)
                    })
                });
                mark_invalid();
            }
        });
    }

    fn buttons(mut f: impl FnMut(&Element)) {
        if let Some(list) =
            document().and_then(|d| d.query_selector_all(".buy-buttons button").ok())
        {
            for i in 0..list.length() {
                if let Some(b) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    f(&b);
                }
            }
        }
    }

    /// The form is on its way: the pressed button says what is happening and
    /// neither can be pressed again until the next page.
    pub fn sent(ev: &web_sys::SubmitEvent) {
        let pressed = ev.submitter();
        buttons(|b| {
            if pressed
                .as_ref()
                .is_some_and(|p| AsRef::<Element>::as_ref(p) == b)
                && let Some(busy) = b.get_attribute("data-busy")
            {
                b.set_text_content(Some(&busy));
            }
            // After the browser has taken the form (a disabled submitter sends nothing).
            let b = b.clone();
            gloo_timers::callback::Timeout::new(0, move || {
                let _ = b.set_attribute("disabled", "");
                let _ = b.set_attribute("data-sent", "");
            })
            .forget();
        });
    }

    /// A page brought back by the Back button is usable again.
    pub fn idle() {
        buttons(|b| {
            if b.has_attribute("data-sent") {
                let _ = b.remove_attribute("data-sent");
                let _ = b.remove_attribute("disabled");
                if let Some(idle) = b.get_attribute("data-idle") {
                    b.set_text_content(Some(&idle));
                }
            }
        });
    }
}
