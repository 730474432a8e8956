//! "Pay with your wallet": server HTML that the wallet module (`wallet/`, its
//! own small wasm, loaded by this block alone) brings to life when the browser
//! has an EVM wallet (EIP-6963, else `window.ethereum`). Everything the wallet is asked for is computed here, on
//! the server (`model::evm`): the chain, the token contract, the recipient, the
//! exact atomic amount and the calldata; the browser adds only the shopper's
//! account. Without JavaScript or without a wallet the block stays hidden and
//! the QR code, copy buttons and wallet link are the way to pay.

use crate::i18n::td_string;
use crate::lang::Locale;
use crate::model::evm::{EvmPay, NoWalletPay};
use leptos::prelude::*;

/// The block for `pay` (what is due now), or the warning of a contract mismatch.
pub fn wallet_pay(
    l: Locale,
    pay: Result<EvmPay, NoWalletPay>,
    amount: &str,
    coin: &str,
    network: &str,
    expires: Option<i64>,
) -> Option<AnyView> {
    let pay = match pay {
        Ok(pay) => pay,
        Err(NoWalletPay::Mismatch) => {
            let words = td_string!(
                l,
                order.wallet_mismatch,
                coin = coin.to_string(),
                network = network.to_string()
            );
            return Some(
                view! { <p class="warning" role="note" data-testid="wallet-mismatch">{words}</p> }
                    .into_any(),
            );
        }
        Err(_) => return None,
    };
    let amount = format!("{amount} {coin}");
    let network = network.to_string();
    // Loaded here only: no other page carries the wallet's code.
    let module = crate::api::wallet_module(false)
        .map(|src| view! { <script type="module" src=src></script> });
    Some(
        view! {
            // Hidden until a wallet is found (`wallet::reveal`).
            <div class="wallet-pay" hidden data-wallet-pay=""
                data-chain=format!("0x{:x}", pay.chain_id)
                data-token=pay.token
                data-to=pay.to
                data-units=pay.units.to_string()
                data-call=pay.calldata
                data-add-chain=pay.add_chain
                data-explorer=pay.explorer_tx
                data-explorer-name=pay.explorer_name.clone()
                data-pay-until=expires.map(|e| e.to_string())
                data-named=td_string!(l, order.wallet_pay_named, wallet = "{wallet}")
                data-w-confirm=td_string!(l, order.wallet_confirm)
                data-w-rejected=td_string!(l, order.wallet_rejected)
                data-w-switch=td_string!(l, order.wallet_switch_refused, network = network.clone())
                data-w-token=td_string!(l, order.wallet_no_token, amount = amount.clone(), network = network.clone())
                data-w-fees=td_string!(l, order.wallet_no_fees, gas = pay.gas, network = network.clone())
                data-w-account=td_string!(l, order.wallet_wrong_account)
                data-w-failed=td_string!(l, order.wallet_failed)
                data-w-closed=td_string!(l, order.wallet_closed)
                data-w-sent=td_string!(l, order.wallet_sent)
                data-w-see=td_string!(l, order.receipt_explorer, explorer = pay.explorer_name)>
                <p class="wallet-buttons" data-wallet-buttons="">
                    <button type="button" class="button primary" data-wallet-button="">{td_string!(l, order.wallet_pay)}</button>
                </p>
                <p class="hint">{td_string!(l, order.wallet_pay_hint, amount = amount.clone())}</p>
                <p class="wallet-status" role="status" aria-live="polite" data-wallet-status=""></p>
                {module}
            </div>
        }
        .into_any(),
    )
}

/// What a Solana wallet pays: `units` of the order's mint to `to`.
pub struct SolanaPay<'a> {
    pub order_id: &'a str,
    pub to: &'a str,
    pub units: u64,
    /// What is due now, as wallets write it.
    pub amount: &'a str,
    pub coin: &'a str,
    pub expires: Option<i64>,
}

/// The block for a Solana order: the wallet signs and sends the transaction
/// the server builds (`api::wallet::solana_transfer`); shown only with
/// `CR_SOLANA_RPC_URL`.
pub fn solana_pay(l: Locale, p: SolanaPay<'_>) -> Option<AnyView> {
    use crate::api::wallet::SolanaTransfer;
    use leptos::server_fn::ServerFn;
    if !crate::api::solana_wallets() {
        return None;
    }
    let module = crate::api::wallet_module(true)
        .map(|src| view! { <script type="module" src=src></script> });
    let amount = format!("{} {}", p.amount, p.coin);
    let endpoint = <SolanaTransfer as ServerFn>::url();
    Some(
        view! {
            <div class="wallet-pay" hidden data-wallet-pay="" data-solana=""
                data-order=p.order_id.to_string()
                data-to=p.to.to_string()
                data-units=p.units.to_string()
                data-endpoint=endpoint
                data-explorer="https://solscan.io/tx/"
                data-pay-until=p.expires.map(|e| e.to_string())
                data-named=td_string!(l, order.wallet_pay_named, wallet = "{wallet}")
                data-w-confirm=td_string!(l, order.wallet_confirm)
                data-w-rejected=td_string!(l, order.wallet_rejected)
                data-w-account=td_string!(l, order.wallet_wrong_account)
                data-w-failed=td_string!(l, order.wallet_failed)
                data-w-closed=td_string!(l, order.wallet_closed)
                data-w-sent=td_string!(l, order.wallet_sent)
                data-w-see=td_string!(l, order.receipt_explorer, explorer = "Solscan")>
                <p class="wallet-buttons" data-wallet-buttons="">
                    <button type="button" class="button primary" data-wallet-button="">{td_string!(l, order.wallet_pay)}</button>
                </p>
                <p class="hint">{td_string!(l, order.wallet_pay_hint, amount = amount)}</p>
                <p class="wallet-status" role="status" aria-live="polite" data-wallet-status=""></p>
                {module}
            </div>
        }
        .into_any(),
    )
}
