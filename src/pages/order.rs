//! `/orders/{id}`: payment instructions, countdown, live status and the code.
//! Server HTML; a small island keeps it current.

use crate::api::orders::{OrderView, get_order};
use crate::components::error_panel::ErrorPanel;
use crate::components::order_region::OrderRegion;
use crate::i18n::td_string;
use crate::lang::{self, Locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The order page.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let l = lang::locale();
    let data = Resource::new_blocking(id, get_order);
    view! {
        <Title text=td_string!(l, order.your_order) />
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, order.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <LiveOrder view=v /> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The order: server HTML. Its island keeps the region current (`order_region`
/// renders it again on each change) without shipping the order's model and
/// views to the browser.
#[component]
fn LiveOrder(view: OrderView) -> impl IntoView {
    let l = lang::locale();
    let id = view.order.order_id.clone();
    let title = order_title(&view.order, l);
    let terminal = view.order.order_state.is_terminal();
    view! {
        <h1>{title}</h1>
        <p class="muted">{td_string!(l, order.order)}" "<code>{id.clone()}</code></p>
        <LiveUpdates order_id=id.clone() terminal=terminal words=[
            td_string!(l, order.mode_manual),
            td_string!(l, order.mode_live),
            td_string!(l, order.mode_polling),
            td_string!(l, order.mode_reconnecting),
        ].map(String::from).to_vec() />
        <OrderRegion view=view />
        <p class="page-links"><a href=lang::href(l, &format!("/orders/{id}")) rel="nofollow">{td_string!(l, order.refresh)}</a>" · "<a href=lang::href(l, "/")>{td_string!(l, common.back_to_shop)}</a></p>
    }
}

/// The island of the order page: says how the page stays current, follows the
/// order's stream (polling when it fails), swaps the region, runs the countdown
/// and the copy buttons.
/// `words`: how the page stays current, in the page's language: without
/// JavaScript, live, polling, reconnecting.
#[island]
fn LiveUpdates(order_id: String, terminal: bool, words: Vec<String>) -> impl IntoView {
    let word = move |i: usize| words.get(i).cloned().unwrap_or_default();
    let mode = RwSignal::new(if terminal { String::new() } else { word(0) });
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use crate::live::Mode;
        let word = word.clone();
        let page = crate::live::LivePage::start(&order_id, terminal, move |m| {
            mode.set(match m {
                Mode::Off => String::new(),
                Mode::Live => word(1),
                Mode::Polling => word(2),
                Mode::Reconnecting => word(3),
            })
        });
        let page = send_wrapper::SendWrapper::new(page);
        on_cleanup(move || drop(page));
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = &order_id;
    view! { <p class="live-mode muted" role="status">{move || mode.get()}</p> }
}

/// `Your Steam Wallet order`, or `Your order of 3 cards` for several.
fn order_title(order: &crate::model::order::Order, l: Locale) -> String {
    let cards = order.card_count();
    match order.deliveries.first().and_then(|d| d.brand_name.clone()) {
        Some(brand) if cards <= 1 => td_string!(l, order.your_brand_order, brand),
        _ if cards > 1 => td_string!(l, order.your_order_of, count = cards),
        _ => td_string!(l, order.your_order).to_string(),
    }
}
