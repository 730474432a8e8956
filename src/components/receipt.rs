//! The order page's receipt once the money has arrived: what was sent, in
//! which coin and on which network, the transaction, and any amount over the
//! price in words with what to do about it.

use crate::api::orders::OrderView;
use crate::components::site_footer::ContactAboutOrder;
use crate::i18n::td_string;
use crate::lang;
use crate::model::payment::network_label;
use crate::model::payment_status::PaymentStatus;
use crate::model::receipt::Receipt;
use leptos::prelude::*;

/// The receipt of a paid order (nothing before the payment has arrived).
#[component]
pub fn PaymentReceipt(view: OrderView) -> impl IntoView {
    let l = lang::locale();
    let o = &view.order;
    if PaymentStatus::of(o) != PaymentStatus::Paid {
        return None;
    }
    let (coin, network) = (view.coin.clone()?, view.network.clone()?);
    let r = Receipt::of(o, &network)?;
    let on = network_label(&network);
    let paid = lang::money(l, r.paid, &coin);
    let tx = r.tx.clone().map(|tx| {
        let link = r.explorer.clone().map(|e| {
            view! { " " <a href=e.url rel="noopener noreferrer" target="_blank">{td_string!(l, order.receipt_explorer, explorer = e.name)}</a> }
        });
        view! {
            <dt>{td_string!(l, order.receipt_tx)}</dt>
            <dd><code class="tx" data-testid="receipt-tx">{tx}</code>{link}</dd>
        }
    });
    let over = r.over.map(|extra| {
        view! {
            <p class="over" data-testid="receipt-over">
                {td_string!(l, order.receipt_over, amount = lang::money(l, extra, &coin))}
            </p>
            <ContactAboutOrder order_id=o.order_id.clone() />
        }
    });
    Some(view! {
        <section class="receipt panel" aria-labelledby="receipt-title">
            <h2 id="receipt-title">{td_string!(l, order.receipt_title)}</h2>
            <dl>
                <dt>{td_string!(l, order.receipt_paid)}</dt>
                <dd data-testid="receipt-paid">{paid}</dd>
                <dt>{td_string!(l, order.receipt_network)}</dt>
                <dd>{on}</dd>
                {tx}
            </dl>
            {over}
        </section>
    })
}
