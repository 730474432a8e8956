//! The order's live status as a timeline, and the delivered code.

use crate::components::copy_button::CopyButton;
use crate::model::order::{Order, OrderState, Step};
use leptos::prelude::*;

/// WaitingForPayment → WaitingForDelivery → Done, with failures said plainly.
#[component]
pub fn StatusTimeline(order: Signal<Order>, live: Signal<&'static str>) -> impl IntoView {
    let state = move || order.with(|o| o.order_state.clone());
    let step_class = move |s: Step| {
        let st = state();
        let cur = st.step();
        let rank = |s: Step| match s {
            Step::Payment => 0,
            Step::Delivery => 1,
            Step::Done => 2,
        };
        if st.is_failure() && rank(s) >= rank(cur) {
            "step failed"
        } else if rank(s) < rank(cur) || st == OrderState::Done {
            "step done"
        } else if s == cur {
            "step current"
        } else {
            "step"
        }
    };
    view! {
        <section class="status panel" aria-labelledby="status-title">
            <h2 id="status-title">"Order status"</h2>
            <p class="state" role="status" data-testid="order-state" data-state=move || state().as_str().to_string()>
                {move || state().describe().to_string()}
            </p>
            <ol class="timeline">
                <li class=move || step_class(Step::Payment)>"Payment"</li>
                <li class=move || step_class(Step::Delivery)>"Delivery"</li>
                <li class=move || step_class(Step::Done)>"Code ready"</li>
            </ol>
            <p class="live-mode muted">{move || live.get()}</p>
        </section>
    }
}

/// The code (or redemption link) of a delivered order, with how to redeem it.
#[component]
pub fn Delivered(order: Order) -> impl IntoView {
    order
        .deliveries
        .into_iter()
        .filter_map(|d| d.deliverable.map(|x| (d.brand_name, x)))
        .filter(|(_, x)| x.pin_code.is_some())
        .map(|(brand, x)| {
            let code = x.pin_code.clone().unwrap_or_default();
            let is_link = x.code_is_link();
            let how = x.how_to_redeem.clone().or(x.redeem_instructions.clone());
            view! {
                <section class="delivered panel" aria-labelledby="code-title">
                    <h2 id="code-title">{format!("Your {} code", brand.unwrap_or_default())}</h2>
                    {if is_link {
                        view! { <p><a class="button primary" href=code.clone() rel="noopener noreferrer" target="_blank">"Redeem now"</a></p> }.into_any()
                    } else {
                        view! { <p class="code"><code data-testid="pin-code">{code.clone()}</code></p> }.into_any()
                    }}
                    <CopyButton value=code what="code" />
                    {x.pin_serial.map(|s| view! { <p>"Serial: "<code>{s}</code></p> })}
                    {how.map(|h| view! { <h3>"How to redeem"</h3><p>{h}</p> })}
                    {x.beneficiary_account.map(|b| view! { <p class="muted">{format!("Also sent to {b}.")}</p> })}
                    <p class="muted">"Keep this page's address: it shows your code again."</p>
                </section>
            }
        })
        .collect_view()
}
