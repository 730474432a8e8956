//! The shopper's recent orders on this device (from a cookie of order ids), with
//! a button that forgets them. Shown only when there are some.

use crate::api::orders::{ForgetRecent, RecentOrder, recent_orders};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The list of recent orders, newest first.
#[component]
pub fn RecentOrders() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| recent_orders());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let orders = list.await.unwrap_or_default();
                (!orders.is_empty()).then(|| view! { <RecentList orders=orders /> })
            })}
        </Suspense>
    }
}

#[component]
fn RecentList(orders: Vec<RecentOrder>) -> impl IntoView {
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
            // Server HTML: the plain post comes back to this page, with or without JavaScript.
            <form method="post" action=ForgetRecent::url()>
                <button type="submit" class="link">"Forget these orders on this device"</button>
            </form>
            <p class="hint">"Kept only in this browser, as order numbers; anyone with this device can open them."</p>
        </section>
    }
}
