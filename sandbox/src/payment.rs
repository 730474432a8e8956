//! Payment vias: USDC and USDT on five networks, suspensions switchable.

use serde_json::{Value, json};
use std::collections::HashSet;

/// A chain the coins are offered on.
pub struct Network {
    /// The upstream's network name.
    pub name: &'static str,
    /// EVM chain id; none for Solana.
    pub chain_id: Option<u64>,
    /// The chain's gas token.
    pub base_token: &'static str,
    /// `SVM` or `EVM`.
    pub engine: &'static str,
    /// USDC's token contract (mint on Solana).
    pub usdc: &'static str,
    /// USDT's token contract (mint on Solana).
    pub usdt: &'static str,
}

/// The networks, with the real token contracts.
pub const NETWORKS: &[Network] = &[
    Network {
        name: "Solana",
        chain_id: None,
        base_token: "SOL",
        engine: "SVM",
        usdc: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        usdt: "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB",
    },
    Network {
        name: "Mainnet",
        chain_id: Some(1),
        base_token: "ETH",
        engine: "EVM",
        usdc: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
        usdt: "0xdAC17F958D2ee523a2206206994597C13D831ec7",
    },
    Network {
        name: "Base",
        chain_id: Some(8453),
        base_token: "ETH",
        engine: "EVM",
        usdc: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        usdt: "0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2",
    },
    Network {
        name: "Arbitrum",
        chain_id: Some(42161),
        base_token: "ETH",
        engine: "EVM",
        usdc: "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
        usdt: "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9",
    },
    Network {
        name: "Polygon (Matic)",
        chain_id: Some(137),
        base_token: "POL",
        engine: "EVM",
        usdc: "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359",
        usdt: "0xc2132D05D31c914a87C6611C10748AEb04B58e8F",
    },
];

/// The coins offered.
pub const COINS: &[&str] = &["USDC", "USDT"];

/// The one payment via orders may use.
pub const USER_WALLET: &str = "USER_WALLET";

/// A network by its upstream name.
pub fn network(name: &str) -> Option<&'static Network> {
    NETWORKS.iter().find(|n| n.name == name)
}

/// The token contract of a coin on a network.
pub fn token(coin: &str, net: &str) -> Option<&'static str> {
    let n = network(net)?;
    match coin {
        "USDC" => Some(n.usdc),
        "USDT" => Some(n.usdt),
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

/// `/v3/payment_vias`, less the `unavailable` coin and network pairs; with
/// `evm_token` (a watched local chain), that contract on every EVM network.
pub fn vias_json(
    s: &HashSet<String>,
    logo_base: &str,
    unavailable: &[(&str, &str)],
    evm_token: Option<&str>,
) -> Value {
    let currencies: Vec<Value> = COINS
        .iter()
        .map(|coin| {
            let networks: Vec<Value> = NETWORKS
                .iter()
                .filter(|net| !unavailable.contains(&(*coin, net.name)))
                .map(|net| {
                    let address = match evm_token {
                        Some(t) if net.chain_id.is_some() => t,
                        _ if *coin == "USDC" => net.usdc,
                        _ => net.usdt,
                    };
                    let mut n = json!({
                        "name": net.name,
                        "is_suspended": suspended(s, coin, Some(net.name)) == Some("SUSPENDED_NETWORK"),
                        "base_token": net.base_token,
                        "threshold": "0.5",
                        "smart_contract": {"engine": net.engine, "address": address, "decimals": 6, "symbol": coin},
                    });
                    if let Some(c) = net.chain_id {
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

/// The supported pairs (less the `unavailable` ones), for
/// `UNSUPPORTED_PROTOCOL_COIN_COMBINATION`'s moreDetails.
pub fn pairs(unavailable: &[(&str, &str)]) -> Value {
    Value::Array(
        COINS
            .iter()
            .flat_map(|c| {
                NETWORKS
                    .iter()
                    .filter(move |n| !unavailable.contains(&(*c, n.name)))
                    .map(move |n| json!({"coin": c, "network": n.name}))
            })
            .collect(),
    )
}

/// The Polygon network's upstream name.
pub const POLYGON: &str = "Polygon (Matic)";

/// Coin and network pairs not offered in a country (the `vias_by_country`
/// dialect): in Vietnam, USDT has no Polygon.
pub fn unavailable_in(country: &str) -> &'static [(&'static str, &'static str)] {
    match country {
        "VN" => &[("USDT", POLYGON)],
        _ => &[],
    }
}
