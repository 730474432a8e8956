//! The order's live status as a timeline, and the delivered code.

use crate::components::copy_button::CopyButton;
use crate::components::site_footer::ContactAboutOrder;
use crate::i18n::td_string;
use crate::lang;
use crate::model::order::{Order, OrderState, StepMark};
use crate::model::payment_status::PaymentStatus;
use leptos::prelude::*;

/// WaitingForPayment → WaitingForDelivery → Done, with failures said plainly.
#[component]
pub fn StatusTimeline(order: Order, coin: String) -> impl IntoView {
    let l = lang::locale();
    let state = order.order_state.clone();
    let status = PaymentStatus::of(&order);
    let names = [
        td_string!(l, order.step_payment),
        td_string!(l, order.step_delivery),
        if order.is_all_top_ups() {
            td_string!(l, order.step_credited)
        } else {
            td_string!(l, order.step_done)
        },
    ];
    // Each step says where it stands in words too (not only in colour).
    let steps = order
        .steps()
        .into_iter()
        .zip(names)
        .map(|(mark, name)| {
            let said = match mark {
                StepMark::Done => td_string!(l, order.step_is_done),
                StepMark::Current => td_string!(l, order.step_is_current),
                StepMark::Failed => td_string!(l, order.step_is_failed),
                StepMark::Pending => td_string!(l, order.step_is_pending),
            };
            view! { <li class=mark.class()>{name}<span class="sr-only">{format!(" ({said})")}</span></li> }
        })
        .collect_view();
    view! {
        <section class="status panel" aria-labelledby="status-title">
            <h2 id="status-title">{td_string!(l, order.status)}</h2>
            <p class="state" role="status" data-testid="order-state" data-state=state.as_str().to_string()>
                {OrderState::headline(&order, l)}
            </p>
            <p class="next-step" data-testid="next-step">
                {status.next_step(&order, &coin, l)}
            </p>
            {status.asks_to_contact_us().then(|| view! { <ContactAboutOrder order_id=order.order_id.clone() /> })}
            <ol class="timeline" aria-label=td_string!(l, order.progress)>{steps}</ol>
        </section>
    }
}

/// The cards of an order, each with its code (or redemption link) once delivered.
#[component]
pub fn OrderItems(order: Order) -> impl IntoView {
    let l = lang::locale();
    let several = order.deliveries.len() > 1;
    let all_top_ups = order.is_all_top_ups();
    let paid = matches!(PaymentStatus::of(&order), PaymentStatus::Paid);
    // An order that failed or lapsed: its cards wait for nothing any more.
    let failed = order.order_state.is_failure();
    let items = order
        .deliveries
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let x = d.deliverable.clone().unwrap_or_default();
            let brand = d.brand_name.clone().unwrap_or_default();
            let title_id = format!("item-{i}");
            let labelled_by = title_id.clone();
            let title = match (&d.denomination, several) {
                (Some(amount), _) => format!("{brand} {amount}"),
                (None, _) => brand.clone(),
            };
            let to = x.beneficiary_account.clone();
            // This card's own state: in an order of several, each arrives in its time.
            let card_state = d
                .delivery_state
                .clone()
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    let words = match s.as_str() {
                        "Done" | "Delivered" => td_string!(l, order.card_delivered).to_string(),
                        _ if failed => td_string!(l, order.card_failed).to_string(),
                        "WaitingForDelivery" | "Processing" | "InProgress" => {
                            td_string!(l, order.card_preparing).to_string()
                        }
                        "Pending" | "Created" | "WaitingForPayment" => {
                            td_string!(l, order.card_pending).to_string()
                        }
                        "Failed" | "Refunded" | "Canceled" | "Cancelled" => {
                            td_string!(l, order.card_failed).to_string()
                        }
                        other => other.to_string(),
                    };
                    view! { <p data-testid="card-state" data-state=s.clone() class="card-state muted">{words}</p> }
                });
            let top_up = d.kind.as_deref() == Some("mobile_recharge");
            let delivered = x.pin_code.is_some()
                || matches!(d.delivery_state.as_deref(), Some("Done" | "Delivered"));
            // A top-up has no code to keep: the number is credited.
            let number = to.clone().unwrap_or_default();
            let body = match x.pin_code.clone() {
                _ if top_up => {
                    let (class, words) = if delivered {
                        ("credited", td_string!(l, order.credited_to, number = number.clone()))
                    } else if failed {
                        ("muted", td_string!(l, order.top_up_failed, number = number.clone()))
                    } else if paid {
                        ("muted", td_string!(l, order.top_up_soon, number = number.clone()))
                    } else {
                        ("muted", td_string!(l, order.top_up_after_payment, number = number.clone()))
                    };
                    view! { <p class=class data-testid="top-up-state">{words}</p> }.into_any()
                }
                Some(code) => {
                    let is_link = x.code_is_link();
                    let how = x.how_to_redeem.clone().or(x.redeem_instructions.clone());
                    view! {
                        {if is_link {
                            view! { <p><a class="button primary" href=code.clone() rel="noopener noreferrer" target="_blank">{td_string!(l, order.redeem_now)}</a></p> }.into_any()
                        } else {
                            view! { <p class="code"><code data-testid="pin-code">{code.clone()}</code></p> }.into_any()
                        }}
                        <CopyButton value=code label=td_string!(l, order.copy_code) />
                        {x.pin_serial.map(|s| view! { <p>{td_string!(l, order.serial)}" "<code>{s}</code></p> })}
                        {how.map(|h| view! { <h3>{td_string!(l, common.how_to_redeem)}</h3><p>{h}</p> })}
                    }
                    .into_any()
                }
                None if failed => view! { <p class="muted">{td_string!(l, order.no_code_failed)}</p> }.into_any(),
                None if paid => view! { <p class="muted">{td_string!(l, order.code_soon)}</p> }.into_any(),
                None => view! { <p class="muted">{td_string!(l, order.code_after_payment)}</p> }.into_any(),
            };
            view! {
                <li class="order-item panel" aria-labelledby=labelled_by data-testid="order-item">
                    <h2 id=title_id>{title}</h2>
                    {to.map(|b| view! { <p class="muted">{td_string!(l, cart.for_recipient, recipient = b)}</p> })}
                    {card_state}
                    {body}
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="order-items" aria-label=td_string!(l, order.cards_label)>{items}</ul>
        <p class="muted">{if all_top_ups { td_string!(l, order.keep_address_top_up) } else { td_string!(l, order.keep_address) }}</p>
    }
}
