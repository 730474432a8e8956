//! The shopper's recent orders on this device (from a cookie of order ids), with
//! a button that forgets them. Shown only when there are some.

use crate::api::orders::{ForgetRecent, RecentOrder, recent_orders};
use crate::i18n::td_string;
use crate::lang;
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
    let l = lang::locale();
    view! {
        <section class="recent panel" aria-labelledby="recent-title">
            <h2 id="recent-title">{td_string!(l, order.recent)}</h2>
            <ul class="recent-list">
                {orders.into_iter().map(|o| view! {
                    <li>
                        <a href=lang::href(l, &format!("/orders/{}", o.order_id))>{o.title.clone()}</a>
                        {o.amount.map(|a| view! { <span class="muted">{format!(" · {a}")}</span> })}
                        <span class="recent-state">{format!(" · {}", o.state)}</span>
                    </li>
                }).collect_view()}
            </ul>
            // Server HTML: the plain post comes back to this page, with or without JavaScript.
            <form method="post" action=lang::href(l, ForgetRecent::url())>
                <button type="submit" class="link">{td_string!(l, order.forget)}</button>
            </form>
            <p class="hint">{td_string!(l, order.recent_hint)}</p>
        </section>
    }
}
