//! The shopper's recent orders on this device (from a cookie of order ids), with
//! a button that forgets them. Shown only when there are some.

use crate::api::orders::{ForgetRecent, RecentOrder, recent_orders};
use leptos::prelude::*;

/// The list of recent orders, newest first.
#[component]
pub fn RecentOrders() -> impl IntoView {
    let forget = ServerAction::<ForgetRecent>::new();
    let list = Resource::new_blocking(move || forget.version().get(), |_| recent_orders());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let orders = list.await.unwrap_or_default();
                (!orders.is_empty()).then(|| view! { <RecentList orders=orders forget=forget /> })
            })}
        </Suspense>
    }
}

#[component]
fn RecentList(orders: Vec<RecentOrder>, forget: ServerAction<ForgetRecent>) -> impl IntoView {
    view! {
        <section class="recent panel" aria-labelledby="recent-title">
            <h2 id="recent-title">"Your recent orders"</h2>
            <ul class="recent-list">
                {orders.into_iter().map(|o| view! {
                    <li>
                        <a href=format!("/orders/{}", o.order_id)>{o.title.clone()}</a>
                        {o.amount.map(|a| view! { <span class="muted">{format!(" · {a}")}</span> })}
                        <span class="recent-state">{format!(" · {}", o.state)}</span>
                    </li>
                }).collect_view()}
            </ul>
            <ActionForm action=forget>
                <button type="submit" class="link">"Forget these orders on this device"</button>
            </ActionForm>
            <p class="hint">"Kept only in this browser, as order numbers; anyone with this device can open them."</p>
        </section>
    }
}
