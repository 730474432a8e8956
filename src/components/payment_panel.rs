//! Where and what to pay: network and token named loudly, address and exact
//! amount copyable, a QR code, and the 30-minute countdown.

use crate::api::orders::OrderView;
use crate::components::copy_button::CopyButton;
use crate::model::payment::network_label;
use leptos::prelude::*;

/// `HH:MM UTC` of an epoch second (same text on server and browser).
pub fn utc_clock(epoch: i64) -> String {
    let secs = epoch.rem_euclid(86_400);
    format!("{:02}:{:02} UTC", secs / 3600, (secs % 3600) / 60)
}

/// `mm:ss` left, or `None` when the time is up.
pub fn time_left(expires_at: i64, now: i64) -> Option<String> {
    let left = expires_at - now;
    (left > 0).then(|| format!("{:02}:{:02}", left / 60, left % 60))
}

/// The payment instructions of an order awaiting payment.
#[component]
pub fn PaymentPanel(view: OrderView, now: ReadSignal<Option<i64>>) -> AnyView {
    let o = view.order.clone();
    let address = o.wallet_address.clone().unwrap_or_default();
    let (Some(coin), Some(network)) = (
        view.coin.clone().filter(|c| !c.is_empty()),
        view.network.clone().filter(|n| !n.is_empty()),
    ) else {
        return no_address(
            "Our supplier hasn't said which coin and network this order must be paid with, so we don't show an address: a payment on the wrong network is lost.",
        )
        .into_any();
    };
    if address.is_empty() {
        return no_address("Our supplier hasn't given the address to pay to yet.").into_any();
    }
    let network = network_label(&network);
    let amount = o.coin_amount.clone().unwrap_or_default();
    let expires = o.expires_at();
    let qr = view.payment_uri.clone().map(|uri| {
        let src = format!("/qr.svg?text={}", encode_query(&uri));
        view! {
            <figure class="qr">
                <img src=src width="240" height="240" fetchpriority="high" alt=format!("QR code to pay {amount} {coin} on {network}") />
                <figcaption>"Scan with a wallet that supports it, or copy the details."</figcaption>
            </figure>
        }
    });
    view! {
        <section class="payment panel" aria-labelledby="pay-title">
            <h2 id="pay-title">{format!("Send exactly {amount} {coin} on {network}")}</h2>
            <p class="warning" role="note">
                {format!("Only send {coin} on the {network} network. Other tokens or networks are lost. Send the exact amount after any exchange withdrawal fee.")}
            </p>
            <dl class="pay-details">
                <dt>"Network"</dt>
                <dd class="network">{network.clone()}</dd>
                <dt>"Token"</dt>
                <dd>{coin.clone()}{view.token_address.clone().map(|t| view! { <span class="contract">{format!(" · contract {t}")}</span> })}</dd>
                <dt>"Amount"</dt>
                <dd><code data-testid="coin-amount">{amount.clone()}</code>" "{coin.clone()}<CopyButton value=amount.clone() what="amount" /></dd>
                <dt>"Address"</dt>
                <dd><code class="address" data-testid="wallet-address">{address.clone()}</code><CopyButton value=address.clone() what="address" /></dd>
            </dl>
            {qr}
            {expires.map(|exp| view! {
                <p class="countdown">
                    {format!("Pay before {}", utc_clock(exp))}
                    {move || now.get().map(|n| match time_left(exp, n) {
                        Some(left) => view! { <span role="timer" aria-live="off">{format!(" · {left} left")}</span> }.into_any(),
                        None => view! { <span>" · time is up"</span> }.into_any(),
                    })}
                </p>
            })}
        </section>
    }
    .into_any()
}

/// What the panel says instead of an address it can't stand behind.
fn no_address(why: &'static str) -> impl IntoView {
    view! {
        <section class="payment panel" aria-labelledby="pay-title">
            <h2 id="pay-title">"Don't pay yet"</h2>
            <p class="warning" role="alert">{why}</p>
            <p>"Refresh this page in a minute. If it stays like this, contact us with your order number before paying."</p>
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
    fn clock_and_countdown() {
        assert_eq!(utc_clock(1_700_000_000), "22:13 UTC");
        assert_eq!(time_left(100, 40).as_deref(), Some("01:00"));
        assert_eq!(time_left(100, 100), None);
        assert_eq!(
            encode_query("solana:A?amount=1&x=y"),
            "solana%3AA%3Famount%3D1%26x%3Dy"
        );
    }
}
