//! The order page's changing region (status, payment, cards): one component,
//! and the server function that renders it again for the live view, so the
//! browser needs neither the order's model nor its views.

use crate::api::orders::OrderView;
use crate::components::order_status::{OrderItems, StatusTimeline};
use crate::components::payment_panel::{PaymentPanel, TimeUp};
use crate::components::receipt::PaymentReceipt;
use crate::error::Refusal;
use leptos::prelude::*;

/// Status, payment and cards: what changes while the order goes live.
#[component]
pub fn OrderRegion(view: OrderView) -> impl IntoView {
    let o = view.order.clone();
    let terminal = o.order_state.is_terminal();
    #[cfg(feature = "ssr")]
    let now = i64::try_from(crate::model::deadline::now()).ok();
    #[cfg(not(feature = "ssr"))]
    let now = None;
    // While the window is open: where to pay (and, hidden, what the live
    // countdown shows at zero). After it, unpaid: nothing to send, order again.
    let (id, again) = (o.order_id.clone(), view.can_order_again);
    let pay = if o.shows_payment(now) {
        Some(
            view! {
                <PaymentPanel view=view.clone() />
                <TimeUp order_id=id can_order_again=again hidden=true />
            }
            .into_any(),
        )
    } else if o.lapsed_unpaid(now) {
        Some(view! { <TimeUp order_id=id can_order_again=again hidden=false /> }.into_any())
    } else {
        None
    };
    // While the shopper is to pay, the payment card comes first (a phone's
    // first screen); after, the status leads.
    let (pay_first, pay_after) = if o.shows_payment(now) {
        (pay, None)
    } else {
        (None, pay)
    };
    view! {
        <div id="live-region" data-terminal=terminal.to_string()>
            {pay_first}
            <StatusTimeline order=o.clone() coin=view.coin.clone().unwrap_or_default() />
            {pay_after}
            <PaymentReceipt view=view.clone() />
            <OrderItems order=o />
        </div>
    }
}

/// The order page's changing region (status, payment, cards) as HTML, rendered
/// by the same components as the page: the live view swaps it in on each change,
/// so the browser needs neither the order's model nor its views.
#[server(prefix = "/api", endpoint = "orders/region")]
pub async fn order_region(
    order_id: String,
    polling: bool,
    #[server(default)] lang: String,
) -> Result<String, Refusal> {
    use crate::api::orders::view_of;
    use crate::api::ssr::{shopper, state};
    crate::lang::provide(&lang);
    let state = state()?;
    // After an event: the state the order's stream last told (shared by all its
    // watchers), so a change seen by 10,000 pages costs the upstream nothing more.
    // Polling (the stream keeps failing) or no stream: the upstream is asked.
    let latest = (!polling).then(|| state.hub.latest(&order_id)).flatten();
    let view = match latest {
        Some(order) => view_of(&state, &shopper(&state, None), order).await,
        None => crate::api::orders::get_order(order_id).await?,
    };
    Ok(Owner::new().with(|| view! { <OrderRegion view=view /> }.to_html()))
}
