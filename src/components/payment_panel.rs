//! Where and what to pay: network and token named loudly, address and exact
//! amount copyable, a QR code, and the 30-minute countdown.

use crate::api::orders::OrderView;
use crate::components::copy_button::CopyButton;
use crate::i18n::td_string;
use crate::lang::{self, Locale};
use crate::model::deadline::utc_clock;
use crate::model::payment::network_label;
use crate::model::payment_status::PaymentStatus;
use leptos::prelude::*;

/// The payment instructions of an order awaiting payment: on a phone, a link
/// that opens the wallet app with address and amount filled in comes first; on
/// a desktop, the QR code. After a partial payment, what is still due.
#[component]
pub fn PaymentPanel(view: OrderView) -> AnyView {
    let l = lang::locale();
    let o = view.order.clone();
    let address = o.wallet_address.clone().unwrap_or_default();
    let (Some(coin), Some(network)) = (
        view.coin.clone().filter(|c| !c.is_empty()),
        view.network.clone().filter(|n| !n.is_empty()),
    ) else {
        return no_address(l, td_string!(l, order.no_network)).into_any();
    };
    if address.is_empty() {
        return no_address(l, td_string!(l, order.no_address)).into_any();
    }
    let network = network_label(&network);
    let status = PaymentStatus::of(&o);
    // What to send now: the rest after a partial payment (when known), else the
    // total. Written one way wherever it is to be sent, the heading too: as
    // wallets read it (`1234.56`, a dot and no grouping), not as the language
    // writes prices (`1.234,56` in Turkish, where `7.56` reads as 756).
    let wallet_amount = |a: &str| format!("{a} {coin}");
    let (amount, heading) = match &status {
        PaymentStatus::Partial { due: Some(due), .. } => (
            due.to_string(),
            td_string!(
                l,
                order.send_remaining,
                amount = wallet_amount(&due.to_string()),
                network = network.clone()
            ),
        ),
        PaymentStatus::Partial { due: None, .. } => (
            String::new(),
            td_string!(
                l,
                order.send_rest,
                coin = coin.clone(),
                network = network.clone()
            ),
        ),
        _ => {
            let total = o.coin_amount.clone().unwrap_or_default();
            let heading = td_string!(
                l,
                order.send_exactly,
                amount = wallet_amount(&total),
                network = network.clone()
            );
            (total, heading)
        }
    };
    let expires = o.expires_at();
    let uri = view.wallet_uri(&o);
    let wallet = uri.clone().map(|href| {
        view! {
            <p class="wallet-link">
                <a class="button primary" href=href data-testid="open-wallet">{td_string!(l, order.open_wallet)}</a>
                <span class="hint">{td_string!(l, order.open_wallet_hint)}</span>
            </p>
        }
    });
    let qr = uri.map(|uri| {
        let src = format!("/qr.svg?text={}", encode_query(&uri));
        let alt = if amount.is_empty() {
            td_string!(
                l,
                order.qr_address,
                coin = coin.clone(),
                network = network.clone()
            )
        } else {
            td_string!(
                l,
                order.qr_pay,
                amount = wallet_amount(&amount),
                network = network.clone()
            )
        };
        view! {
            <figure class="qr">
                <img src=src width="240" height="240" fetchpriority="high" alt=alt />
                <figcaption>{td_string!(l, order.qr_caption)}</figcaption>
            </figure>
        }
    });
    let amount_row = (!amount.is_empty()).then(|| {
        view! {
            <dt>{if matches!(status, PaymentStatus::Partial { .. }) { td_string!(l, order.still_due) } else { td_string!(l, order.amount) }}</dt>
            // The exact amount as wallets read it (`25.58`), whatever the language.
            <dd><code data-testid="coin-amount">{amount.clone()}</code>" "{coin.clone()}<CopyButton value=amount.clone() label=td_string!(l, order.copy_amount) /></dd>
        }
    });
    let paid_row = match &status {
        PaymentStatus::Partial {
            paid: Some(paid), ..
        } => Some(view! {
            <dt>{td_string!(l, order.received)}</dt>
            <dd data-testid="amount-paid">{td_string!(l, order.paid_of, paid = lang::money(l, paid, &coin), total = lang::money(l, o.coin_amount.clone().unwrap_or_default(), &coin))}</dd>
        }),
        _ => None,
    };
    let coupon = view.coupon.as_ref().map(|c| {
        let (applied, words) = crate::components::checkout::coupon_words(l, c, &coin);
        view! { <p class=if applied { "coupon-applied" } else { "coupon-not-applied" } data-testid="coupon-outcome">{words}</p> }
    });
    let countdown = expires.map(|exp| {
        // "Pay before 16:09 UTC": the time in an element of its own, which
        // the page's island rewrites in the shopper's own time zone.
        let sentence = td_string!(l, order.pay_before, time = "\u{1}");
        let (before, after) = sentence.split_once('\u{1}').unwrap_or((sentence.as_str(), ""));
        let (before, after) = (before.to_string(), after.to_string());
        view! {
            <p class="countdown" data-testid="countdown">
                {before}<time class="deadline" data-epoch=exp.to_string()>{utc_clock(exp)}</time>{after}
                // Replaced by the live countdown once the island runs.
                {crate::model::deadline::seconds_until(exp).and_then(|s| lang::relative(l, s)).map(|r| view! { <span class="relative">{format!(" ({r})")}</span> })}
                // Filled in and kept current by the page's island (`live::tick`),
                // in the page's words (`{t}`: the time left).
                <span role="timer" aria-live="off" data-expires=exp.to_string()
                    data-left=td_string!(l, order.time_left, time = "{t}") data-up=td_string!(l, order.time_up) hidden></span>
            </p>
        }
    });
    // Paying from a connected wallet: exactly what is due now, to this address.
    let from_wallet = view
        .target
        .as_ref()
        .zip(crate::model::money::Amount::parse(&amount))
        .and_then(|(t, due)| {
            let pay = crate::model::evm::evm_pay(
                t.chain_id,
                t.token.as_deref(),
                t.known_token.as_deref(),
                t.decimals,
                &address,
                due,
            );
            crate::components::wallet_pay::wallet_pay(l, pay, &amount, &coin, &network, expires)
        })
        .or_else(|| {
            // Solana: the mint's decimals (six when unsaid), an exact amount.
            let t = view
                .target
                .as_ref()
                .filter(|t| t.network.eq_ignore_ascii_case("Solana"))?;
            let decimals = u32::try_from(t.decimals.unwrap_or(6))
                .ok()
                .filter(|d| *d <= 18)?;
            let due = crate::model::money::Amount::parse(&amount)?;
            let units = due
                .atomic(decimals)
                .and_then(|u| u64::try_from(u).ok())
                .filter(|u| *u > 0)?;
            t.token.as_ref()?;
            let pay = crate::components::wallet_pay::SolanaPay {
                order_id: &o.order_id,
                to: &address,
                units,
                amount: &amount,
                coin: &coin,
                expires,
            };
            crate::components::wallet_pay::solana_pay(l, pay)
        });
    view! {
        // `pay-now`: withdrawn by the live countdown when the time is up.
        <section class="payment panel pay-now" aria-labelledby="pay-title">
            <h2 id="pay-title">{heading}</h2>
            {(!amount.is_empty()).then(|| view! { <p class="hint" data-testid="wallet-writing">{td_string!(l, order.wallet_writing)}</p> })}
            {coupon}
            // What to send, on which network, to which address and by when come
            // first (a phone's first screen); the wallet link and the QR code
            // follow, the QR code beside them on a wide screen.
            <div class="pay-grid">
                <div class="pay-main">
                    <dl class="pay-details">
                        {paid_row}
                        {amount_row}
                        <dt>{td_string!(l, order.network)}</dt>
                        <dd class="network" data-testid="pay-network">{network.clone()}</dd>
                        <dt>{td_string!(l, order.token)}</dt>
                        <dd>{coin.clone()}{view.target.as_ref().and_then(|t| t.token.clone()).map(|t| view! { <span class="contract">{format!(" · {}", td_string!(l, order.contract, address = t))}</span> })}</dd>
                        <dt>{td_string!(l, order.address)}</dt>
                        <dd><code class="address" data-testid="wallet-address">{address.clone()}</code><CopyButton value=address.clone() label=td_string!(l, order.copy_address) /></dd>
                    </dl>
                    {countdown}
                    {from_wallet}
                    <p class="warning" role="note">
                        {td_string!(l, order.only_send, coin = coin.clone(), network = network.clone())}
                    </p>
                    {wallet}
                </div>
                {qr}
            </div>
        </section>
    }
    .into_any()
}

/// The payment window has closed: nothing may be sent, and (for a one-card
/// order placed here) the way to order again with the same details. Rendered
/// hidden beside a payment panel, for the live countdown to reveal at zero.
#[component]
pub fn TimeUp(order_id: String, can_order_again: bool, hidden: bool) -> impl IntoView {
    use crate::api::orders::OrderAgain;
    use leptos::server_fn::ServerFn;
    let l = lang::locale();
    let again = can_order_again.then(|| {
        view! {
            <form method="post" action=lang::href(l, <OrderAgain as ServerFn>::url())>
                <input type="hidden" name="order_id" value=order_id.clone() />
                <button type="submit" class="primary">{td_string!(l, order.order_again_same)}</button>
            </form>
        }
    });
    view! {
        <section class="payment panel time-up" aria-labelledby="time-up-title" hidden=hidden data-time-up="">
            <h2 id="time-up-title">{td_string!(l, order.time_up_title)}</h2>
            <p class="warning">{td_string!(l, order.time_up_dont_send)}</p>
            {again}
        </section>
    }
}

/// What the panel says instead of an address it can't stand behind.
fn no_address(l: Locale, why: &'static str) -> impl IntoView {
    view! {
        <section class="payment panel" aria-labelledby="pay-title">
            <h2 id="pay-title">{td_string!(l, order.dont_pay)}</h2>
            <p class="warning" role="alert">{why}</p>
            <p>{td_string!(l, order.refresh_later)}</p>
        </section>
    }
}

/// Percent-encodes a query value.
pub fn encode_query(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wallet_links_are_query_encoded() {
        assert_eq!(
            encode_query("solana:A?amount=1&x=y"),
            "solana%3AA%3Famount%3D1%26x%3Dy"
        );
    }
}
