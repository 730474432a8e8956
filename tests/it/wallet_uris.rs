//! The open-in-wallet link of every coin and network, checked against the token
//! table of the API digest (`../shared/upstream-api.md`): token contract or mint,
//! chain id and decimals (six, so `uint256` is the amount in millionths).

use crate::common;

use common::shop;
use storefront::model::money::Amount;
use storefront::model::payment::PayTarget;

/// `(chain, chain id, USDC, USDT)` rows of the digest's token table.
fn token_table() -> Vec<(String, Option<i64>, String, String)> {
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

/// The upstream's network name of a chain the digest names.
fn network_of(chain: &str) -> &str {
    match chain {
        "Ethereum" => "Mainnet",
        "Polygon" => "Polygon (Matic)",
        other => other,
    }
}

#[test]
fn every_chain_gets_its_uri_from_the_table() {
    let amount = Amount::parse("25.58").expect("amount");
    for (chain, id, usdc, usdt) in token_table() {
        for token in [usdc, usdt] {
            // The chain id as the upstream gives it, and as the shop knows it when left out.
            for given in [id, None] {
                let target = PayTarget {
                    network: network_of(&chain).to_string(),
                    chain_id: given,
                    token: Some(token.clone()),
                    decimals: Some(6),
                };
                let uri = target.uri("RecipientWallet1", amount).expect(&chain);
                let want = match id {
                    None => format!("solana:RecipientWallet1?amount=25.58&spl-token={token}"),
                    Some(id) => format!(
                        "ethereum:{token}@{id}/transfer?address=RecipientWallet1&uint256=25580000"
                    ),
                };
                assert_eq!(uri, want, "{chain}");
            }
        }
    }
}

#[tokio::test]
async fn the_shop_offers_the_tables_tokens_and_each_order_links_its_wallet() {
    let s = shop(&[]).await;
    let (_, options) = s.call("catalog/payment_options", &[]).await;
    let options = options.as_array().expect("options").clone();
    let (family, amount) = common::some_family(&s, "US").await;
    for (n, (chain, id, usdc, usdt)) in token_table().into_iter().enumerate() {
        let network = network_of(&chain);
        for (coin, token) in [("USDC", usdc), ("USDT", usdt)] {
            let o = options
                .iter()
                .find(|o| o["coin"] == coin && o["network"] == network)
                .expect("offered");
            assert_eq!(o["token_address"], token.as_str(), "{coin} on {chain}");
            assert_eq!(o["chain_id"].as_i64(), id, "{coin} on {chain}");
            assert_eq!(o["decimals"], 6, "{coin} on {chain}");
            if o["suspended"] == true {
                continue;
            }
            let pay = format!("{coin}|{network}");
            let key = format!("wallet-uri-{n}-{coin}");
            let mut form = common::checkout(&family, &amount, &key);
            form[3] = ("pay", pay.as_str());
            let (st, order) = s.call("orders/create", &form).await;
            assert_eq!(st, 200, "{order}");
            let (_, view) = s
                .call(
                    "orders/get",
                    &[("order_id", order["order_id"].as_str().expect("id"))],
                )
                .await;
            let address = view["order"]["wallet_address"].as_str().expect("address");
            let due = Amount::parse(view["order"]["coin_amount"].as_str().expect("amount"))
                .expect("amount");
            let want = match id {
                None => format!("solana:{address}?amount={due}&spl-token={token}"),
                Some(id) => format!(
                    "ethereum:{token}@{id}/transfer?address={address}&uint256={}",
                    due.micros()
                ),
            };
            assert_eq!(view["payment_uri"], want.as_str(), "{coin} on {chain}");
        }
    }
}
