//! `/orders/{id}`: payment instructions, countdown, live status and the code.
//! Server-rendered first; after hydration the live view keeps it current.

use crate::api::orders::{OrderView, get_order};
use crate::components::error_panel::ErrorPanel;
use crate::components::order_status::{OrderItems, StatusTimeline};
use crate::components::payment_panel::PaymentPanel;
#[cfg(feature = "hydrate")]
use crate::model::order::Order;
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

/// The island of the order page: status, payment and cards, kept current.
#[island]
pub fn LiveOrder(view: OrderView) -> impl IntoView {
    let order = RwSignal::new(view.order.clone());
    let (now, set_now) = signal(None::<i64>);
    let live = RwSignal::new(if view.order.order_state.is_terminal() {
        ""
    } else {
        "Refresh the page to update the status."
    });
    #[cfg(feature = "hydrate")]
    {
        let id = view.order.order_id.clone();
        let terminal = view.order.order_state.is_terminal();
        Effect::new(move |_| {
            set_now.set(Some(crate::live::now_secs()));
            let clock = send_wrapper::SendWrapper::new(gloo_timers::callback::Interval::new(
                1_000,
                move || set_now.set(Some(crate::live::now_secs())),
            ));
            let watcher = (!terminal).then(|| {
                send_wrapper::SendWrapper::new(crate::live::watch_order(
                    &id,
                    move |o: Order| order.set(o),
                    move |m| live.set(m),
                ))
            });
            on_cleanup(move || {
                drop(clock);
                drop(watcher);
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_now;
    let id = view.order.order_id.clone();
    let title = order_title(&view.order);
    let pay_view = view.clone();
    view! {
        <h1>{title}</h1>
        <p class="muted">"Order "<code>{id.clone()}</code></p>
        <StatusTimeline order=order.into() live=live.into() coin=view.coin.clone().unwrap_or_default() />
        {move || {
            let o = order.get();
            let pay = o.shows_payment(now.get()).then(|| {
                let mut v = pay_view.clone();
                v.order = o.clone();
                view! { <PaymentPanel view=v now=now /> }
            });
            view! { {pay}<OrderItems order=o /> }
        }}
        <p><a href=format!("/orders/{id}") rel="nofollow">"Refresh status"</a>" · "<a href="/">"Back to the shop"</a></p>
    }
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
