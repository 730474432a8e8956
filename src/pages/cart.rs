//! `/cart`: the cards chosen so far, each with its recipient, quantity and
//! price; the exact total; one payment for all. Server HTML with plain form
//! posts, with or without JavaScript; one small island reprices the total when
//! another coin is chosen.

use crate::api::cart::{CartLine, CartPage as CartData, PayCart, UpdateCart, get_cart};
use crate::components::checkout::{FieldErrors, FormSummary};
use crate::components::error_panel::ErrorPanel;
use crate::error::Refusal;
use crate::i18n::td_string;
use crate::lang;
use crate::model::checkout::Quote;
use crate::model::payment::network_label;
use crate::model::problem::Field;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// The cart page.
#[component]
pub fn CartPage() -> impl IntoView {
    let l = lang::locale();
    let data = Resource::new_blocking(|| (), |_| get_cart(String::new()));
    view! {
        <Title text=td_string!(l, cart.title) />
        <h1>{td_string!(l, cart.title)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, cart.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Cart data=d /> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Cart(data: CartData) -> impl IntoView {
    let l = lang::locale();
    let notice = data
        .notice
        .clone()
        .map(|n| view! { <p class="form-summary" role="alert">{n}</p> });
    if data.lines.is_empty() {
        return view! {
            {notice}
            <p role="status">{td_string!(l, cart.empty)}</p>
            <p>{td_string!(l, cart.empty_hint)}</p>
            <p><a class="button" href=lang::href(l, "/")>{td_string!(l, cart.browse)}</a></p>
        }
        .into_any();
    }
    // Server HTML: a refusal comes back as this page, with the typed values
    // and the problems (the draft), with or without JavaScript.
    let error = data.error.clone();
    let messages = |field: Field| {
        error
            .as_ref()
            .map(|e| e.messages_for(field, l))
            .unwrap_or_default()
    };
    let count = data.card_count();
    let coin = data.coin();
    let lines = data
        .lines
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, line)| {
            let field = Field::Item(u8::try_from(i).unwrap_or(u8::MAX));
            view! { <Line index=i line=line coin=coin.clone() messages=messages(field) /> }
        })
        .collect_view();
    let choices: Vec<(String, String, bool)> = data
        .options
        .iter()
        .map(|o| (o.choice().form_value(), o.label(l), o.suspended))
        .collect();
    view! {
        {notice}
        <ul class="cart-lines" aria-label=td_string!(l, cart.lines_label)>{lines}</ul>
        <section class="panel cart-pay" aria-labelledby="pay-cart-title">
            <h2 id="pay-cart-title">{td_string!(l, cart.pay_all)}</h2>
            <TotalLine total=data.total.clone() count=count />
            <form id="pay-cart" method="post" action=lang::href(l, PayCart::url()) novalidate>
                <input type="hidden" name="idempotency_key" value=data.key.clone() />
                <FormSummary error=error.clone() />
                <div class="field">
                    <label for="pay">{td_string!(l, checkout.pay_with)}</label>
                    <PayChoice choices=choices selected=data.pay.clone() />
                    <FieldErrors field=Field::Payment messages=messages(Field::Payment) />
                </div>
                <div class="field">
                    <label for="email">{td_string!(l, checkout.receipt_email)}</label>
                    <input id="email" name="email" type="email" autocomplete="email" value=data.email.clone()
                        aria-describedby="email-error" required />
                    <FieldErrors field=Field::Email messages=messages(Field::Email) />
                </div>
                <details class="field coupon" open=!data.coupon.is_empty()>
                    <summary>{td_string!(l, checkout.have_coupon)}</summary>
                    <label for="coupon">{td_string!(l, checkout.coupon_code)}</label>
                    <input id="coupon" name="coupon" type="text" autocomplete="off" value=data.coupon.clone()
                        aria-describedby="coupon-error" />
                    <FieldErrors field=Field::Coupon messages=messages(Field::Coupon) />
                </details>
                <FieldErrors field=Field::Order messages=messages(Field::Order) />
                <button type="submit" class="primary">
                    {if count == 1 { td_string!(l, cart.pay_for_one).to_string() } else { td_string!(l, cart.pay_for, count) }}
                </button>
                <p class="hint">{td_string!(l, cart.pay_hint)}</p>
            </form>
        </section>
        <form method="post" action=lang::href(l, UpdateCart::url())>
            <input type="hidden" name="line" value="all" />
            <button type="submit" class="link">{td_string!(l, cart.empty_cart)}</button>
        </form>
        <p><a href=lang::href(l, "/")>{td_string!(l, cart.keep_shopping)}</a></p>
    }
    .into_any()
}

/// Everything on the cart page that is priced in the chosen coin: each line's
/// unit price and the total. `PayChoice` swaps these elements by id.
#[component]
pub fn Prices(
    lines: Vec<CartLine>,
    coin: String,
    total: Option<Quote>,
    count: u32,
) -> impl IntoView {
    let prices = lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| view! { <LinePrice index=i price=line.unit_price coin=coin.clone() /> })
        .collect_view();
    view! { {prices}<TotalLine total=total count=count /> }
}

/// A line's unit price in the chosen coin (`#line-{index}-price`; empty when
/// the line couldn't be priced).
#[component]
fn LinePrice(index: usize, price: Option<String>, coin: String) -> impl IntoView {
    let l = lang::locale();
    view! {
        <span id=format!("line-{index}-price")>{price.map(|p| format!(" · {}", td_string!(l, cart.each, price = lang::money(l, &p, &coin))))}</span>
    }
}

/// The cart's total in the chosen coin (`#cart-total`; present, hidden, when a
/// line couldn't be priced, so the next choice can fill it).
#[component]
pub fn TotalLine(total: Option<Quote>, count: u32) -> impl IntoView {
    let l = lang::locale();
    let hidden = total.is_none();
    let line = total.map(|t| {
        let coupon = t.coupon.as_ref().map(|c| {
            let (applied, words) = crate::components::checkout::coupon_words(l, c, &t.coin);
            view! { <span class=if applied { "coupon-applied" } else { "coupon-not-applied" } data-testid="coupon-outcome">" "{words}</span> }
        });
        view! {
            {td_string!(l, cart.total)}" "<strong data-testid="cart-total">{lang::money(l, &t.coin_amount, &t.coin)}</strong>" "
            {if count == 1 {
                td_string!(l, cart.on_network_one, network = network_label(&t.network))
            } else {
                td_string!(l, cart.on_network_for, network = network_label(&t.network), count)
            }}
            {coupon}
            // The total this page shows, sent with the payment: a different
            // price for the whole order is shown before anything is ordered.
            <input type="hidden" name="shown_total" value=t.coin_amount.clone() form="pay-cart" />
        }
    });
    view! { <p class="total" id="cart-total" hidden=hidden>{line}</p> }
}

/// The cart's prices (each line's and the total) in another coin and network,
/// as HTML (the cart page's `PayChoice` swaps them in by id).
#[server(prefix = "/api", endpoint = "cart/prices")]
pub async fn cart_prices(
    #[server(default)] pay: String,
    #[server(default)] lang: String,
) -> Result<String, Refusal> {
    crate::lang::provide(&lang);
    let cart = get_cart(pay).await?;
    let count = cart.card_count();
    let coin = cart.coin();
    Ok(Owner::new().with(|| {
        view! { <Prices lines=cart.lines total=cart.total coin=coin count=count /> }.to_html()
    }))
}

/// The coin and network to pay with; once hydrated, the total follows the
/// choice (asked from the server). Without JavaScript the order states the
/// exact amount in the chosen coin.
#[island]
fn PayChoice(choices: Vec<(String, String, bool)>, selected: String) -> impl IntoView {
    let changed = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let pay = event_target_value(&ev);
            leptos::task::spawn_local(async move {
                if let Ok(html) = cart_prices(pay, crate::lang::of_page()).await {
                    crate::dom::swap_by_id(&html, |_| true);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <select id="pay" name="pay" aria-describedby="pay-error" on:change=changed>
            {choices.into_iter().map(|(value, label, suspended)| {
                let is = selected == value;
                view! { <option value=value selected=is disabled=suspended>{label}</option> }
            }).collect_view()}
        </select>
    }
}

/// One line of the cart with its quantity form, remove button and problems.
#[component]
fn Line(index: usize, line: CartLine, coin: String, messages: Vec<String>) -> impl IntoView {
    let l = lang::locale();
    let name = format!("{} {}", line.brand, line.label);
    let title_id = format!("line-{index}");
    let labelled = title_id.clone();
    let qty_id = format!("qty-{index}");
    let qty_for = qty_id.clone();
    let field = Field::Item(u8::try_from(index).unwrap_or(u8::MAX));
    view! {
        <li class="cart-line panel" aria-labelledby=labelled data-testid="cart-line">
            <h2 id=title_id>{name.clone()}</h2>
            <p>{td_string!(l, cart.for_recipient, recipient = line.beneficiary.clone())}<LinePrice index=index price=line.unit_price.clone() coin=coin /></p>
            <div class="line-actions">
                // `novalidate`: a quantity out of range is refused by the shop, in
                // the page's words on this line, not by the browser's own bubble.
                <form method="post" action=lang::href(l, UpdateCart::url()) novalidate>
                    <input type="hidden" name="line" value=index.to_string() />
                    <label for=qty_for>{td_string!(l, cart.cards)}</label>
                    <input id=qty_id name="quantity" type="number" inputmode="numeric" min="1" max="10" value=line.quantity.to_string()
                        aria-describedby=field.error_id() aria-invalid=(!messages.is_empty()).then_some("true") />
                    <button type="submit">{td_string!(l, cart.update)}</button>
                </form>
                <form method="post" action=lang::href(l, UpdateCart::url())>
                    <input type="hidden" name="line" value=index.to_string() />
                    <input type="hidden" name="quantity" value="0" />
                    <button type="submit" aria-label=td_string!(l, cart.remove_named, name = name.clone())>{td_string!(l, cart.remove)}</button>
                </form>
            </div>
            <FieldErrors field=field messages=messages />
        </li>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_total_line_is_there_to_swap_even_without_a_total() {
        // `PayChoice` replaces `#cart-total`: a coin that couldn't be priced must
        // leave the element in place for the next choice to fill.
        let html = Owner::new().with(|| view! { <TotalLine total=None count=2 /> }.to_html());
        assert!(html.contains(r#"id="cart-total""#), "{html}");
        assert!(!html.contains("Total "), "{html}");
    }

    #[test]
    fn the_prices_are_each_line_and_the_total_in_the_chosen_coin() {
        // `PayChoice` swaps these by id: every priced thing on the page is here.
        let line = |price: Option<&str>| CartLine {
            family: "steam".into(),
            brand: "Steam".into(),
            label: "10 USD".into(),
            beneficiary: "ann@example.com".into(),
            quantity: 1,
            unit_price: price.map(str::to_string),
        };
        // Without the empty-view markers (`<!>`) a build with erased components
        // writes where its views are empty.
        let html = Owner::new()
            .with(|| {
                view! { <Prices lines=vec![line(Some("10.41")), line(None)] coin="USDT".into() total=None count=2 /> }
                    .to_html()
            })
            .replace("<!>", "");
        assert!(
            html.contains(r#"<span id="line-0-price"> · 10.41 USDT each</span>"#),
            "{html}"
        );
        assert!(html.contains(r#"<span id="line-1-price">"#), "{html}");
        assert_eq!(html.matches(" each").count(), 1, "{html}");
        assert!(html.contains(r#"id="cart-total""#), "{html}");
    }
}
