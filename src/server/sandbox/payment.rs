//! Payment vias: USDC and USDT on five networks, suspensions switchable.

use serde_json::{Value, json};
use std::collections::HashSet;

/// (network name, chain id, base token, engine, USDC contract, USDT contract)
pub const NETWORKS: &[(&str, Option<u64>, &str, &str, &str, &str)] = &[
    (
        "Solana",
        None,
        "SOL",
        "SVM",
        "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB",
    ),
    (
        "Mainnet",
        Some(1),
        "ETH",
        "EVM",
        "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
        "0xdAC17F958D2ee523a2206206994597C13D831ec7",
    ),
    (
        "Base",
        Some(8453),
        "ETH",
        "EVM",
        "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        "0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2",
    ),
    (
        "Arbitrum",
        Some(42161),
        "ETH",
        "EVM",
        "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
        "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9",
    ),
    (
        "Polygon (Matic)",
        Some(137),
        "POL",
        "EVM",
        "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359",
        "0xc2132D05D31c914a87C6611C10748AEb04B58e8F",
    ),
];

/// The coins offered.
pub const COINS: &[&str] = &["USDC", "USDT"];

/// The one payment via orders may use.
pub const USER_WALLET: &str = "USER_WALLET";

/// A network's row.
pub fn network(
    name: &str,
) -> Option<&'static (
    &'static str,
    Option<u64>,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
)> {
    NETWORKS.iter().find(|n| n.0 == name)
}

/// The token contract of a coin on a network.
pub fn token(coin: &str, net: &str) -> Option<&'static str> {
    let n = network(net)?;
    match coin {
        "USDC" => Some(n.4),
        "USDT" => Some(n.5),
        _ => None,
    }
}

/// Suspension keys: `"USDT"` (a whole coin) or `"USDT|Polygon (Matic)"`.
pub fn default_suspensions() -> HashSet<String> {
    HashSet::from(["USDT|Polygon (Matic)".to_string()])
}

/// Is the coin (or coin on network) suspended?
pub fn suspended(s: &HashSet<String>, coin: &str, net: Option<&str>) -> Option<&'static str> {
    if s.contains(coin) {
        return Some("SUSPENDED_COIN");
    }
    match net {
        Some(n) if s.contains(&format!("{coin}|{n}")) || s.contains(&format!("*|{n}")) => {
            Some("SUSPENDED_NETWORK")
        }
        _ => None,
    }
}

/// `/v3/payment_vias`.
pub fn vias_json(s: &HashSet<String>, logo_base: &str) -> Value {
    let currencies: Vec<Value> = COINS
        .iter()
        .map(|coin| {
            let networks: Vec<Value> = NETWORKS
                .iter()
                .map(|(name, chain, base, engine, usdc, usdt)| {
                    let mut n = json!({
                        "name": name,
                        "is_suspended": suspended(s, coin, Some(name)) == Some("SUSPENDED_NETWORK"),
                        "base_token": base,
                        "threshold": "0.5",
                        "smart_contract": {"engine": engine, "address": if *coin == "USDC" { usdc } else { usdt }, "decimals": 6, "symbol": coin},
                    });
                    if let Some(c) = chain {
                        n["chain_id"] = json!(c);
                    }
                    n
                })
                .collect();
            json!({
                "name": coin,
                "is_suspended": s.contains(*coin),
                "logo_url": format!("{logo_base}/{}.webp", coin.to_lowercase()),
                "networks": networks,
            })
        })
        .collect();
    json!([{ "name": USER_WALLET, "available": true, "logo_url": Value::Null, "currencies": currencies }])
}

/// The supported pairs, for `UNSUPPORTED_PROTOCOL_COIN_COMBINATION`'s moreDetails.
pub fn pairs() -> Value {
    Value::Array(
        COINS
            .iter()
            .flat_map(|c| {
                NETWORKS
                    .iter()
                    .map(move |n| json!({"coin": c, "network": n.0}))
            })
            .collect(),
    )
}
