//! `/orders/{id}`: payment instructions, countdown, live status and the code.
//! Server HTML; a small island keeps it current.

use crate::api::orders::{OrderView, get_order};
use crate::components::error_panel::ErrorPanel;
use crate::components::order_status::{OrderItems, StatusTimeline};
use crate::components::payment_panel::PaymentPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The order page.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new_blocking(id, get_order);
    view! {
        <Title text="Your order" />
        <Suspense fallback=|| view! { <p class="loading">"Loading your order…"</p> }>
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
    let id = view.order.order_id.clone();
    let title = order_title(&view.order);
    let terminal = view.order.order_state.is_terminal();
    view! {
        <h1>{title}</h1>
        <p class="muted">"Order "<code>{id.clone()}</code></p>
        <LiveUpdates order_id=id.clone() terminal=terminal />
        <OrderRegion view=view />
        <p><a href=format!("/orders/{id}") rel="nofollow">"Refresh status"</a>" · "<a href="/">"Back to the shop"</a></p>
    }
}

/// Status, payment and cards: what changes while the order goes live.
#[component]
pub fn OrderRegion(view: OrderView) -> impl IntoView {
    let o = view.order.clone();
    let terminal = o.order_state.is_terminal();
    #[cfg(feature = "ssr")]
    let now = i64::try_from(crate::server::signed_cookie::now()).ok();
    #[cfg(not(feature = "ssr"))]
    let now = None;
    let pay = o
        .shows_payment(now)
        .then(|| view! { <PaymentPanel view=view.clone() /> });
    view! {
        <div id="live-region" data-terminal=terminal.to_string()>
            <StatusTimeline order=o.clone() coin=view.coin.clone().unwrap_or_default() />
            {pay}
            <OrderItems order=o />
        </div>
    }
}

/// The island of the order page: says how the page stays current, follows the
/// order's stream (polling when it fails), swaps the region, runs the countdown
/// and the copy buttons.
#[island]
fn LiveUpdates(order_id: String, terminal: bool) -> impl IntoView {
    let mode = RwSignal::new(if terminal {
        ""
    } else {
        "Refresh the page to update the status."
    });
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let page = crate::live::LivePage::start(&order_id, terminal, move |m| mode.set(m));
        let page = send_wrapper::SendWrapper::new(page);
        on_cleanup(move || drop(page));
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = &order_id;
    view! { <p class="live-mode muted" role="status">{move || mode.get()}</p> }
}

/// `Your Steam Wallet order`, or `Your order of 3 cards` for several.
fn order_title(order: &crate::model::order::Order) -> String {
    let cards = order.card_count();
    match order.deliveries.first().and_then(|d| d.brand_name.clone()) {
        Some(brand) if cards <= 1 => format!("Your {brand} order"),
        _ if cards > 1 => format!("Your order of {cards} cards"),
        _ => "Your order".to_string(),
    }
}
