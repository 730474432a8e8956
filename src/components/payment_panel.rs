//! Where and what to pay: network and token named loudly, address and exact
//! amount copyable, a QR code, and the 30-minute countdown.

use crate::api::orders::OrderView;
use crate::components::copy_button::CopyButton;
use crate::model::payment::network_label;
use crate::model::payment_status::PaymentStatus;
use leptos::prelude::*;

/// `HH:MM UTC` of an epoch second (same text on server and browser).
pub fn utc_clock(epoch: i64) -> String {
    let secs = epoch.rem_euclid(86_400);
    format!("{:02}:{:02} UTC", secs / 3600, (secs % 3600) / 60)
}

/// What the countdown says at `now`.
pub fn countdown(expires_at: i64, now: i64) -> String {
    match time_left(expires_at, now) {
        Some(left) => format!(" · {left} left"),
        None => " · time is up".to_string(),
    }
}

/// `mm:ss` left, or `None` when the time is up.
pub fn time_left(expires_at: i64, now: i64) -> Option<String> {
    let left = expires_at - now;
    (left > 0).then(|| format!("{:02}:{:02}", left / 60, left % 60))
}

/// The payment instructions of an order awaiting payment: on a phone, a link
/// that opens the wallet app with address and amount filled in comes first; on
/// a desktop, the QR code. After a partial payment, what is still due.
#[component]
pub fn PaymentPanel(view: OrderView) -> AnyView {
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
    let status = PaymentStatus::of(&o);
    // What to send now: the rest after a partial payment (when known), else the total.
    let (amount, heading) = match &status {
        PaymentStatus::Partial { due: Some(due), .. } => (
            due.to_string(),
            format!("Send the remaining {due} {coin} on {network}"),
        ),
        PaymentStatus::Partial { due: None, .. } => (
            String::new(),
            format!("Send the rest of the amount in {coin} on {network}"),
        ),
        _ => {
            let total = o.coin_amount.clone().unwrap_or_default();
            let heading = format!("Send exactly {total} {coin} on {network}");
            (total, heading)
        }
    };
    let expires = o.expires_at();
    let uri = view.wallet_uri(&o);
    let wallet = uri.clone().map(|href| {
        view! {
            <p class="wallet-link">
                <a class="button primary" href=href data-testid="open-wallet">"Open in wallet app"</a>
                <span class="hint">"Opens the wallet on this device with the address and amount filled in. Check both, and the network, before you confirm."</span>
            </p>
        }
    });
    let qr = uri.map(|uri| {
        let src = format!("/qr.svg?text={}", encode_query(&uri));
        let alt = if amount.is_empty() {
            format!("QR code of the address to pay in {coin} on {network}")
        } else {
            format!("QR code to pay {amount} {coin} on {network}")
        };
        view! {
            <figure class="qr">
                <img src=src width="240" height="240" fetchpriority="high" alt=alt />
                <figcaption>"Scan with a wallet that supports it, or copy the details."</figcaption>
            </figure>
        }
    });
    let amount_row = (!amount.is_empty()).then(|| {
        view! {
            <dt>{if matches!(status, PaymentStatus::Partial { .. }) { "Still due" } else { "Amount" }}</dt>
            <dd><code data-testid="coin-amount">{amount.clone()}</code>" "{coin.clone()}<CopyButton value=amount.clone() what="amount" /></dd>
        }
    });
    let paid_row = match &status {
        PaymentStatus::Partial {
            paid: Some(paid), ..
        } => Some(view! {
            <dt>"Received"</dt>
            <dd data-testid="amount-paid">{format!("{paid} {coin} of {} {coin}", o.coin_amount.clone().unwrap_or_default())}</dd>
        }),
        _ => None,
    };
    view! {
        <section class="payment panel" aria-labelledby="pay-title">
            <h2 id="pay-title">{heading}</h2>
            {wallet}
            <p class="warning" role="note">
                {format!("Only send {coin} on the {network} network. Other tokens or networks are lost. Send the exact amount after any exchange withdrawal fee.")}
            </p>
            <dl class="pay-details">
                <dt>"Network"</dt>
                <dd class="network">{network.clone()}</dd>
                <dt>"Token"</dt>
                <dd>{coin.clone()}{view.target.as_ref().and_then(|t| t.token.clone()).map(|t| view! { <span class="contract">{format!(" · contract {t}")}</span> })}</dd>
                {paid_row}
                {amount_row}
                <dt>"Address"</dt>
                <dd><code class="address" data-testid="wallet-address">{address.clone()}</code><CopyButton value=address.clone() what="address" /></dd>
            </dl>
            {qr}
            {expires.map(|exp| view! {
                <p class="countdown">
                    {format!("Pay before {}", utc_clock(exp))}
                    // Filled in and kept current by the page's island (`live::tick`).
                    <span role="timer" aria-live="off" data-expires=exp.to_string() hidden></span>
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
        assert_eq!(countdown(100, 40), " · 01:00 left");
        assert_eq!(countdown(100, 101), " · time is up");
        assert_eq!(
            encode_query("solana:A?amount=1&x=y"),
            "solana%3AA%3Famount%3D1%26x%3Dy"
        );
    }
}
