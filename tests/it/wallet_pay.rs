//! "Pay with your wallet" as the server renders it: the one transfer a wallet
//! is asked for (chain, token contract, exact atomic amount, calldata written
//! out literally), the wallet module named by this block alone, a token
//! contract that differs from the shop's stopping it in words, and no block
//! (nor module) where a wallet can't pay.

use crate::common;

use common::{Shop, new_order_paid_with, shop};

/// Places a one-card order paid with `pay` (`USDC|Base`); answers its page
/// and the order's JSON.
async fn order_page(s: &Shop, pay: &str, key: &str) -> (String, String) {
    let o = new_order_paid_with(s, pay, key).await;
    let id = o["order_id"].as_str().expect("order id");
    let (st, page) = s.get(&format!("/orders/{id}")).await;
    assert_eq!(st, 200);
    (page, o.to_string())
}

/// The value of `attr="…"` in `html`.
fn attr<'a>(html: &'a str, attr: &str) -> Option<&'a str> {
    let start = html.find(&format!("{attr}=\""))? + attr.len() + 2;
    html[start..].split('"').next()
}

#[tokio::test]
async fn an_evm_order_asks_the_wallet_for_exactly_one_transfer_of_the_exact_amount() {
    let s = shop(&[]).await;
    let (page, order) = order_page(&s, "USDC|Base", "wallet-pay-key-0001").await;
    let order: serde_json::Value = serde_json::from_str(&order).expect("json");
    let to = order["wallet_address"]
        .as_str()
        .expect("address")
        .to_lowercase();
    // The sandbox's USDC at 10.35 for a $10 card; any amount reads the same way.
    let amount = order["coin_amount"].as_str().expect("amount");
    let (whole, cents) = amount.split_once('.').unwrap_or((amount, ""));
    let units: u64 = format!("{whole}{cents:0<6}").parse().expect("units");
    assert_eq!(attr(&page, "data-chain"), Some("0x2105"));
    assert_eq!(
        attr(&page, "data-token"),
        Some("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
    );
    assert_eq!(attr(&page, "data-units"), Some(units.to_string().as_str()));
    let call = format!(
        "0xa9059cbb000000000000000000000000{}{units:064x}",
        to.trim_start_matches("0x")
    );
    assert_eq!(attr(&page, "data-call"), Some(call.as_str()));
    assert_eq!(
        attr(&page, "data-explorer"),
        Some("https://basescan.org/tx/")
    );
    // The wallet module, by an address that changes with its files.
    let src = attr(&page, "src")
        .filter(|s| s.starts_with("/pkg/wallet_evm.js?v="))
        .map(str::to_string);
    let src = src.expect("the page names the wallet module (run scripts/build first)");
    let (st, js) = s.get(&src).await;
    assert_eq!(st, 200);
    assert!(js.contains("wallet_evm_bg.wasm"), "{js:.200}");
}

#[tokio::test]
async fn a_token_contract_unlike_the_shops_stops_the_wallet_payment_in_words() {
    // The shop is told another contract for USDC on Base than the upstream's.
    let s = shop(&[(
        "CR_EVM_TOKENS",
        "USDC@8453=0x0000000000000000000000000000000000000001",
    )])
    .await;
    let (page, _) = order_page(&s, "USDC|Base", "wallet-pay-key-0002").await;
    assert!(!page.contains("data-wallet-pay"), "no wallet block");
    assert!(!page.contains("/pkg/wallet_evm.js"), "no wallet module");
    assert!(page.contains("data-testid=\"wallet-mismatch\""));
    assert!(page.contains("is not the one we know"), "said in words");
    // The copyable details and the wallet link stay.
    assert!(page.contains("data-testid=\"wallet-address\""));
}

#[tokio::test]
async fn pages_where_no_wallet_can_pay_carry_no_wallet_code() {
    let s = shop(&[]).await;
    let (solana, _) = order_page(&s, "USDC|Solana", "wallet-pay-key-0003").await;
    assert!(!solana.contains("data-wallet-pay"));
    for path in [
        "/",
        "/brands/US/steam",
        "/cart",
        "/find-order",
        "/tr/",
        "/vi/brands/US/steam",
    ] {
        let (_, page) = s.get(path).await;
        assert!(
            !page.contains("/pkg/wallet"),
            "{path} names the wallet module"
        );
    }
    assert!(
        !solana.contains("/pkg/wallet"),
        "a Solana order names the wallet module"
    );
}

/// A Solana RPC that answers `getLatestBlockhash` (32 bytes of 5) on a free port.
async fn solana_rpc() -> String {
    use axum::routing::post;
    let app = axum::Router::new().route(
        "/",
        post(|| async {
            axum::Json(serde_json::json!({"jsonrpc": "2.0", "id": 1, "result": {
                "context": {"slot": 1},
                "value": {"blockhash": "LbUiWL3xVV8hTFYBVdbTNrpDo41NKS6o3LHHuDzjfcY", "lastValidBlockHeight": 9}}}))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// The payer of these tests: 32 bytes of 3.
const PAYER: &str = "CktRuQ2mttgRGkXJtyksdKHjUdc2C4TgDzyB98oEzy8";

#[tokio::test]
async fn a_solana_order_gets_its_transaction_from_the_server_and_nothing_else_does() {
    use base64::Engine;
    let rpc = solana_rpc().await;
    let s = shop(&[("CR_SOLANA_RPC_URL", rpc.as_str())]).await;
    let (page, order) = order_page(&s, "USDC|Solana", "wallet-pay-key-0004").await;
    let order: serde_json::Value = serde_json::from_str(&order).expect("json");
    let id = order["order_id"].as_str().expect("id");
    assert!(page.contains("data-solana"), "the Solana block");
    assert!(attr(&page, "src").is_some_and(|s| s.starts_with("/pkg/wallet_solana.js?v=")));
    assert_eq!(
        attr(&page, "data-endpoint"),
        Some("/api/orders/solana-transfer")
    );
    let (st, tx) = s
        .call(
            "orders/solana-transfer",
            &[("order_id", id), ("payer", PAYER)],
        )
        .await;
    assert_eq!(st, 200, "{tx}");
    let tx = base64::engine::general_purpose::STANDARD
        .decode(tx.as_str().expect("base64"))
        .expect("bytes");
    // One empty signature, a legacy message: 1 signer, 6 read-only accounts,
    // 8 accounts (no reference), the payer first, then the blockhash.
    assert_eq!(tx[0], 1);
    assert!(tx[1..65].iter().all(|b| *b == 0));
    assert_eq!(&tx[65..69], &[1, 0, 5, 8]);
    assert_eq!(&tx[69..101], &[3u8; 32]);
    assert_eq!(
        &tx[69 + 8 * 32..69 + 9 * 32],
        &[5u8; 32],
        "the RPC's blockhash"
    );
    let units = {
        let amount = order["coin_amount"].as_str().expect("amount");
        let (whole, cents) = amount.split_once('.').unwrap_or((amount, ""));
        format!("{whole}{cents:0<6}").parse::<u64>().expect("units")
    };
    let mut data = vec![12u8];
    data.extend_from_slice(&units.to_le_bytes());
    data.push(6);
    assert!(tx.ends_with(&data), "transferChecked of the exact amount");

    // Nothing for a key that isn't one, or an order that isn't Solana's.
    let (st, _) = s
        .call(
            "orders/solana-transfer",
            &[("order_id", id), ("payer", "0xnot")],
        )
        .await;
    assert_eq!(st, 404);
    let (_, base) = order_page(&s, "USDC|Base", "wallet-pay-key-0005").await;
    let base: serde_json::Value = serde_json::from_str(&base).expect("json");
    let base_id = base["order_id"].as_str().expect("id");
    let (st, _) = s
        .call(
            "orders/solana-transfer",
            &[("order_id", base_id), ("payer", PAYER)],
        )
        .await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn without_a_solana_rpc_solana_orders_keep_the_link_and_qr_only() {
    let s = shop(&[]).await;
    let (page, order) = order_page(&s, "USDC|Solana", "wallet-pay-key-0006").await;
    assert!(!page.contains("data-wallet-pay"));
    assert!(page.contains("data-testid=\"open-wallet\""));
    let order: serde_json::Value = serde_json::from_str(&order).expect("json");
    let id = order["order_id"].as_str().expect("id");
    let (st, _) = s
        .call(
            "orders/solana-transfer",
            &[("order_id", id), ("payer", PAYER)],
        )
        .await;
    assert_eq!(st, 404, "not offered here: no 5xx");
}
