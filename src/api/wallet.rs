//! Paying from a connected Solana wallet: the transaction the wallet is asked
//! to sign and send, built on the server (`server::solana_tx`) from the order
//! alone (its address, mint, decimals, what is due now, its Solana Pay
//! `reference`), the payer's public key and a recent blockhash from
//! `CR_SOLANA_RPC_URL`. Refused, in the wallet module's words, when the order
//! is not a Solana order waiting for payment within its window.

use crate::error::AppError;
use leptos::prelude::*;

/// The unsigned transaction, base64, for `payer` (a base58 public key) to pay
/// order `order_id` what is due now.
#[server(prefix = "/api", endpoint = "orders/solana-transfer")]
pub async fn solana_transfer(order_id: String, payer: String) -> Result<String, AppError> {
    use super::ssr::{shopper, state};
    use crate::error::Missing;
    use crate::model::payment_status::PaymentStatus;
    use crate::server::solana_tx::{Transfer, key, reference_of, transaction};
    let state = state()?;
    let who = shopper(&state, None);
    let not_payable = || AppError::NotFound(Missing::Order);
    let id = crate::model::values::OrderId::parse(&order_id).ok_or_else(not_payable)?;
    let payer = key(&payer).ok_or_else(not_payable)?;
    // Not offered here (no Solana RPC): as absent as an unknown order, no 5xx.
    let rpc = state
        .shop
        .config
        .solana_rpc_url
        .clone()
        .ok_or_else(not_payable)?;
    let order = state.shop.order(&who, &id).await?;
    let view = super::orders::view_of(&state, &who, order).await;
    let o = &view.order;
    let due = match PaymentStatus::of(o) {
        PaymentStatus::Awaiting => o
            .coin_amount
            .as_deref()
            .and_then(crate::model::money::Amount::parse),
        PaymentStatus::Partial { due, .. } => due,
        _ => None,
    };
    let open = o
        .expires_at()
        .is_some_and(|e| crate::model::deadline::seconds_until(e).is_some());
    let target = view
        .target
        .as_ref()
        .filter(|t| t.network.eq_ignore_ascii_case("Solana"));
    let (Some(due), Some(target), true) = (due, target, open) else {
        return Err(not_payable());
    };
    let decimals = u8::try_from(target.decimals.unwrap_or(6))
        .ok()
        .filter(|d| *d <= 18)
        .ok_or_else(not_payable)?;
    let units = due
        .atomic(u32::from(decimals))
        .and_then(|u| u64::try_from(u).ok())
        .filter(|u| *u > 0);
    let recipient = o.wallet_address.as_deref().and_then(key);
    let mint = target.token.as_deref().and_then(key);
    let (Some(units), Some(recipient), Some(mint)) = (units, recipient, mint) else {
        return Err(not_payable());
    };
    let recent_blockhash = latest_blockhash(&rpc).await.ok_or(AppError::Unavailable)?;
    let reference = o.qr_text.as_deref().and_then(reference_of);
    let tx = transaction(&Transfer {
        payer,
        recipient,
        mint,
        decimals,
        units,
        reference,
        recent_blockhash,
    })
    .ok_or_else(not_payable)?;
    crate::server::metrics::wallet_transaction("solana");
    use base64::Engine;
    Ok(base64::engine::general_purpose::STANDARD.encode(tx))
}

/// `getLatestBlockhash` of the configured RPC.
#[cfg(feature = "ssr")]
async fn latest_blockhash(rpc: &str) -> Option<crate::server::solana_tx::Key> {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "getLatestBlockhash", "params": [{"commitment": "confirmed"}]});
    // One client for the process (its connection pool reused), with no header
    // of the partner API's client: the RPC is someone else's.
    static RPC: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let client = RPC.get_or_init(reqwest::Client::new);
    let answer: serde_json::Value = client
        .post(rpc)
        .timeout(std::time::Duration::from_secs(5))
        .json(&body)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    crate::server::solana_tx::key(answer["result"]["value"]["blockhash"].as_str()?)
}
