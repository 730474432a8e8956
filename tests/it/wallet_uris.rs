//! The open-in-wallet link of every coin and network, written out in full from the
//! token table of the API digest (`../shared/upstream-api.md`, "Paying: tokens and
//! payment URIs"): the token contract (EVM) or mint (Solana), the chain id, and the
//! amount in the token's six decimals as the literal integer (`uint256`) or in
//! units (Solana Pay). Every expected link is a literal string: nothing here
//! computes one with the shop's code (its `Amount` only reads the input).

use crate::common;

use common::shop;
use serde_json::{Value, json};
use storefront::model::money::Amount;
use storefront::model::payment::PayTarget;

/// The digest's token table, written out: `(coin, the upstream's network name,
/// chain id, token contract or mint)`. Checked against the digest below.
const TOKENS: [(&str, &str, Option<i64>, &str); 10] = [
    (
        "USDC",
        "Mainnet",
        Some(1),
        "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
    ),
    (
        "USDT",
        "Mainnet",
        Some(1),
        "0xdAC17F958D2ee523a2206206994597C13D831ec7",
    ),
    (
        "USDC",
        "Base",
        Some(8453),
        "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
    ),
    (
        "USDT",
        "Base",
        Some(8453),
        "0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2",
    ),
    (
        "USDC",
        "Arbitrum",
        Some(42161),
        "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
    ),
    (
        "USDT",
        "Arbitrum",
        Some(42161),
        "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9",
    ),
    (
        "USDC",
        "Polygon (Matic)",
        Some(137),
        "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359",
    ),
    (
        "USDT",
        "Polygon (Matic)",
        Some(137),
        "0xc2132D05D31c914a87C6611C10748AEb04B58e8F",
    ),
    (
        "USDC",
        "Solana",
        None,
        "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
    ),
    (
        "USDT",
        "Solana",
        None,
        "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB",
    ),
];

/// The link for 25.58 to `RecipientWallet1`, for each coin and network.
const LINKS_25_58: [(&str, &str, &str); 10] = [
    (
        "USDC",
        "Mainnet",
        "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer?address=RecipientWallet1&uint256=25580000",
    ),
    (
        "USDT",
        "Mainnet",
        "ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=RecipientWallet1&uint256=25580000",
    ),
    (
        "USDC",
        "Base",
        "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?address=RecipientWallet1&uint256=25580000",
    ),
    (
        "USDT",
        "Base",
        "ethereum:0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2@8453/transfer?address=RecipientWallet1&uint256=25580000",
    ),
    (
        "USDC",
        "Arbitrum",
        "ethereum:0xaf88d065e77c8cC2239327C5EDb3A432268e5831@42161/transfer?address=RecipientWallet1&uint256=25580000",
    ),
    (
        "USDT",
        "Arbitrum",
        "ethereum:0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9@42161/transfer?address=RecipientWallet1&uint256=25580000",
    ),
    (
        "USDC",
        "Polygon (Matic)",
        "ethereum:0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359@137/transfer?address=RecipientWallet1&uint256=25580000",
    ),
    (
        "USDT",
        "Polygon (Matic)",
        "ethereum:0xc2132D05D31c914a87C6611C10748AEb04B58e8F@137/transfer?address=RecipientWallet1&uint256=25580000",
    ),
    (
        "USDC",
        "Solana",
        "solana:RecipientWallet1?amount=25.58&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
    ),
    (
        "USDT",
        "Solana",
        "solana:RecipientWallet1?amount=25.58&spl-token=Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB",
    ),
];

/// Other amounts, on one EVM chain and on Solana: `(amount typed, USDC on
/// Ethereum, USDC on Solana)`: the smallest unit, a whole number, a trailing zero.
const AMOUNTS: [(&str, &str, &str); 4] = [
    (
        "0.000001",
        "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer?address=RecipientWallet1&uint256=1",
        "solana:RecipientWallet1?amount=0.000001&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
    ),
    (
        "1000",
        "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer?address=RecipientWallet1&uint256=1000000000",
        "solana:RecipientWallet1?amount=1000&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
    ),
    (
        "101.70",
        "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer?address=RecipientWallet1&uint256=101700000",
        "solana:RecipientWallet1?amount=101.7&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
    ),
    (
        "12345.678901",
        "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer?address=RecipientWallet1&uint256=12345678901",
        "solana:RecipientWallet1?amount=12345.678901&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
    ),
];

/// `(chain, chain id, USDC, USDT)` rows of the digest's token table, as written there.
fn digest_table() -> Vec<(String, Option<i64>, String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/upstream-api.md");
    let text = std::fs::read_to_string(path).expect("../shared/upstream-api.md beside the project");
    let rows: Vec<_> = text
        .lines()
        .skip_while(|l| !l.starts_with("| chain | id | USDC | USDT |"))
        .take_while(|l| l.starts_with('|'))
        .filter(|l| l.contains('`'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let code = |s: &str| s.trim_matches('`').to_string();
            (
                cells[0].to_string(),
                cells[1].parse::<i64>().ok(),
                code(cells[2]),
                code(cells[3]),
            )
        })
        .collect();
    assert_eq!(rows.len(), 5, "five chains in the table");
    rows
}

fn token_of(coin: &str, network: &str) -> (Option<i64>, &'static str) {
    TOKENS
        .iter()
        .find(|t| t.0 == coin && t.1 == network)
        .map(|t| (t.2, t.3))
        .unwrap_or_else(|| panic!("{coin} on {network} is in the table"))
}

#[test]
fn the_written_out_table_is_the_digests() {
    let mut from_digest = Vec::new();
    for (chain, id, usdc, usdt) in digest_table() {
        // The upstream's network names for the digest's chains.
        let network = match chain.as_str() {
            "Ethereum" => "Mainnet",
            "Polygon" => "Polygon (Matic)",
            other => other,
        }
        .to_string();
        from_digest.push(("USDC".to_string(), network.clone(), id, usdc));
        from_digest.push(("USDT".to_string(), network, id, usdt));
    }
    let written: Vec<_> = TOKENS
        .iter()
        .map(|t| (t.0.to_string(), t.1.to_string(), t.2, t.3.to_string()))
        .collect();
    assert_eq!(written, from_digest);
}

#[test]
fn every_chain_gets_its_uri_from_the_table() {
    let amount = Amount::parse("25.58").expect("amount");
    for (coin, network, want) in LINKS_25_58 {
        let (id, token) = token_of(coin, network);
        // The chain id as the upstream gives it, and as the shop knows it when left out.
        for given in [id, None] {
            let target = PayTarget {
                network: network.to_string(),
                chain_id: given,
                token: Some(token.to_string()),
                decimals: Some(6),
                known_token: None,
            };
            let uri = target.uri("RecipientWallet1", amount);
            assert_eq!(uri.as_deref(), Some(want), "{coin} on {network}");
        }
    }
    for (typed, ethereum, solana) in AMOUNTS {
        let amount = Amount::parse(typed).expect("amount");
        for (network, id, token, want) in [
            (
                "Mainnet",
                Some(1),
                "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
                ethereum,
            ),
            (
                "Solana",
                None,
                "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
                solana,
            ),
        ] {
            let target = PayTarget {
                network: network.to_string(),
                chain_id: id,
                token: Some(token.to_string()),
                decimals: Some(6),
                known_token: None,
            };
            let uri = target.uri("RecipientWallet1", amount);
            assert_eq!(uri.as_deref(), Some(want), "{typed} on {network}");
        }
    }
}

/// The options the sandbox suspends from its start (`sandbox/src/payment.rs`,
/// `default_suspensions`: USDT on Polygon, so that a shopper meets a paused
/// network): each is offered, marked paused, refused with the network's
/// suspension, and once lifted gets its link like any other.
const SUSPENDED_AT_START: [(&str, &str); 1] = [("USDT", "Polygon (Matic)")];

/// What an order of 100 USD (Airbnb, US) costs in each coin at the sandbox's
/// fixed rates, and the same in the token's smallest units.
fn due_for_100_usd(coin: &str) -> (&'static str, &'static str) {
    match coin {
        "USDC" => ("101.70", "101700000"),
        "USDT" => ("101.80", "101800000"),
        other => panic!("no price for {other}"),
    }
}

/// How the order's link is made: the upstream's own (`qr_text`, passed on as
/// sent), or built by the shop from the order.
#[derive(Clone, Copy, Debug)]
enum Link {
    Upstreams,
    Shops,
}

/// The wallet link an order of 100 USD paid with `coin` on `network` must
/// carry, to `address` (the sandbox makes a fresh one per order). On Solana the
/// amount is in units: the upstream writes it as its `coin_amount` (`101.70`), the
/// shop in its shortest form (`101.7`); both mean the same to a wallet.
fn order_link(coin: &str, network: &str, address: &str, link: Link) -> String {
    let want = match (coin, network, link) {
        ("USDC", "Solana", Link::Upstreams) => {
            "solana:ADDRESS?amount=101.70&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"
        }
        ("USDT", "Solana", Link::Upstreams) => {
            "solana:ADDRESS?amount=101.80&spl-token=Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB"
        }
        ("USDC", "Mainnet", _) => {
            "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer?address=ADDRESS&uint256=101700000"
        }
        ("USDT", "Mainnet", _) => {
            "ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=ADDRESS&uint256=101800000"
        }
        ("USDC", "Base", _) => {
            "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?address=ADDRESS&uint256=101700000"
        }
        ("USDT", "Base", _) => {
            "ethereum:0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2@8453/transfer?address=ADDRESS&uint256=101800000"
        }
        ("USDC", "Arbitrum", _) => {
            "ethereum:0xaf88d065e77c8cC2239327C5EDb3A432268e5831@42161/transfer?address=ADDRESS&uint256=101700000"
        }
        ("USDT", "Arbitrum", _) => {
            "ethereum:0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9@42161/transfer?address=ADDRESS&uint256=101800000"
        }
        ("USDC", "Polygon (Matic)", _) => {
            "ethereum:0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359@137/transfer?address=ADDRESS&uint256=101700000"
        }
        ("USDT", "Polygon (Matic)", _) => {
            "ethereum:0xc2132D05D31c914a87C6611C10748AEb04B58e8F@137/transfer?address=ADDRESS&uint256=101800000"
        }
        ("USDC", "Solana", Link::Shops) => {
            "solana:ADDRESS?amount=101.7&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"
        }
        ("USDT", "Solana", Link::Shops) => {
            "solana:ADDRESS?amount=101.8&spl-token=Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB"
        }
        other => panic!("no link written for {other:?}"),
    };
    want.replace("ADDRESS", address)
}

/// An order of 100 USD of Airbnb (US) paid with `coin` on `network`: the
/// shop's answer.
async fn order(s: &common::Shop, coin: &str, network: &str, key: &str) -> (u16, Value) {
    let pay = format!("{coin}|{network}");
    let mut form = common::checkout("airbnb", "100", key);
    form[3] = ("pay", pay.as_str());
    s.call("orders/create", &form).await
}

/// Places an order of 100 USD with `coin` on `network` and checks its link,
/// as the order answers it and as the order page shows it.
async fn check_order_link(s: &common::Shop, coin: &str, network: &str, key: &str, link: Link) {
    let what = format!("{link:?} link");
    let (st, placed) = order(s, coin, network, key).await;
    assert_eq!(st, 200, "{what}: {coin} on {network}: {placed}");
    let id = placed["order_id"].as_str().expect("id");
    let (_, view) = s.call("orders/get", &[("order_id", id)]).await;
    let (due, _) = due_for_100_usd(coin);
    assert_eq!(view["order"]["coin_amount"], due, "{what}: {view}");
    let address = view["order"]["wallet_address"]
        .as_str()
        .expect("address")
        .to_string();
    // The sandbox's addresses: 0x and 40 hex digits on EVM chains, base58 on Solana.
    if network == "Solana" {
        assert!(
            (32..=44).contains(&address.len())
                && address
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() && !"0OIl".contains(c)),
            "{what}: {address}"
        );
    } else {
        assert!(
            address.len() == 42
                && address.starts_with("0x")
                && address[2..].chars().all(|c| c.is_ascii_hexdigit()),
            "{what}: {address}"
        );
    }
    let want = order_link(coin, network, &address, link);
    assert_eq!(
        view["payment_uri"],
        want.as_str(),
        "{what}: {coin} on {network}"
    );
    let (_, page) = s.get(&format!("/orders/{id}")).await;
    assert!(
        page.contains(&format!("href=\"{}\"", want.replace('&', "&amp;"))),
        "{what}: the order page links {want}"
    );
}

/// Makes the sandbox send its own link (`qr_text`), or not: the
/// `no_payment_fields` dialect sends no `qr_text`, nor the order's coin and
/// network, so the shop builds the link from what it knows of the order (placed
/// here, with the form's coin and network).
async fn speak(s: &common::Shop, link: Link) {
    let dialects = match link {
        Link::Upstreams => json!([]),
        Link::Shops => json!(["no_payment_fields"]),
    };
    let (st, body) = s.control("/dialect", json!({ "dialects": dialects })).await;
    assert_eq!(st, 200, "{body}");
}

#[tokio::test]
async fn the_shop_offers_the_tables_tokens_and_each_order_links_its_wallet() {
    let s = shop(&[]).await;
    let (_, options) = s.call("catalog/payment_options", &[]).await;
    let options = options.as_array().expect("options").clone();
    let mut suspended = Vec::new();
    for (coin, network, id, token) in TOKENS {
        let o = options
            .iter()
            .find(|o| o["coin"] == coin && o["network"] == network)
            .unwrap_or_else(|| panic!("{coin} on {network} is offered"));
        assert_eq!(o["token_address"], token, "{coin} on {network}");
        assert_eq!(o["chain_id"].as_i64(), id, "{coin} on {network}");
        assert_eq!(o["decimals"], 6, "{coin} on {network}");
        if o["suspended"] == true {
            suspended.push((coin, network));
        }
    }
    assert_eq!(
        suspended, SUSPENDED_AT_START,
        "exactly the sandbox's suspensions at start are paused"
    );

    // The ready-made link the upstream sends, passed on; then the shop's own.
    for (n, link) in [Link::Upstreams, Link::Shops].into_iter().enumerate() {
        speak(&s, link).await;
        for (coin, network, _, _) in TOKENS {
            if SUSPENDED_AT_START.contains(&(coin, network)) {
                continue;
            }
            let key = format!("wallet-uri-{n}-{coin}-{}", &network[..4]);
            check_order_link(&s, coin, network, &key, link).await;
        }
    }
}

#[tokio::test]
async fn a_suspended_option_is_refused_then_linked_once_lifted() {
    for (i, (coin, network)) in SUSPENDED_AT_START.into_iter().enumerate() {
        let s = shop(&[]).await;
        let (st, refused) = order(&s, coin, network, &format!("suspended-{i}-0001")).await;
        assert_eq!(
            (st, refused),
            (
                422,
                json!({"Invalid": [{"field": "Payment", "reason":
                    {"Problem": {"problem": "SUSPENDED_NETWORK"}}}]})
            ),
            "{coin} on {network} is refused, on the payment field"
        );
        // Lifted before this shop reads the options (they are cached).
        let s = shop(&[]).await;
        let (st, _) = s
            .control(
                "/suspensions",
                json!({"coin": coin, "network": network, "suspended": false}),
            )
            .await;
        assert_eq!(st, 200);
        for (n, link) in [Link::Upstreams, Link::Shops].into_iter().enumerate() {
            speak(&s, link).await;
            let key = format!("suspended-{i}-{n}-lift");
            check_order_link(&s, coin, network, &key, link).await;
        }
    }
}
