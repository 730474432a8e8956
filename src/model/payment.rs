//! Payment vias (coins and networks) and the payment URIs wallets understand.

use crate::model::lenient;
use crate::model::money::Amount;
use serde::{Deserialize, Serialize};

/// `/v3/payment_vias` entry: a way of paying (the shop uses `USER_WALLET`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PaymentVia {
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
    #[serde(default = "yes", deserialize_with = "lenient::bool")]
    pub available: bool,
    #[serde(default, deserialize_with = "lenient::list")]
    pub currencies: Vec<Coin>,
}

fn yes() -> bool {
    true
}

/// A coin (USDC, USDT) and the networks it can be paid on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Coin {
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient::bool")]
    pub is_suspended: bool,
    #[serde(default, deserialize_with = "lenient::list")]
    pub networks: Vec<Network>,
}

/// A network a coin can be paid on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Network {
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient::bool")]
    pub is_suspended: bool,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub chain_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub base_token: Option<String>,
    #[serde(default)]
    pub smart_contract: Option<SmartContract>,
}

/// The token contract (EVM) or mint (Solana) of a coin on a network.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SmartContract {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub engine: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub decimals: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub symbol: Option<String>,
}

/// The via the shop pays through.
pub const USER_WALLET: &str = "USER_WALLET";
/// The recommended coin and network (lowest fees, fastest settlement).
pub const RECOMMENDED: (&str, &str) = ("USDC", "Solana");

/// A coin + network pair the shopper can choose, with its availability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PayOption {
    pub coin: String,
    pub network: String,
    pub suspended: bool,
    pub chain_id: Option<i64>,
    pub token_address: Option<String>,
}

/// Flattens the user-wallet vias into coin + network options.
pub fn pay_options(vias: &[PaymentVia]) -> Vec<PayOption> {
    vias.iter()
        .filter(|v| v.name == USER_WALLET || v.name.is_empty())
        .flat_map(|v| {
            v.currencies.iter().flat_map(move |c| {
                c.networks.iter().map(move |n| PayOption {
                    coin: c.name.clone(),
                    network: n.name.clone(),
                    suspended: !v.available || c.is_suspended || n.is_suspended,
                    chain_id: n.chain_id,
                    token_address: n.smart_contract.as_ref().and_then(|s| s.address.clone()),
                })
            })
        })
        .collect()
}

/// The option preselected for a shopper: USDC on Solana when open, else the first open one.
pub fn default_option(options: &[PayOption]) -> Option<&PayOption> {
    options
        .iter()
        .find(|o| !o.suspended && o.coin == RECOMMENDED.0 && o.network == RECOMMENDED.1)
        .or_else(|| options.iter().find(|o| !o.suspended))
}

/// The network's name as shoppers know it (`Mainnet` is Ethereum).
pub fn network_label(network: &str) -> String {
    match network {
        "Mainnet" => "Ethereum".to_string(),
        "Polygon (Matic)" => "Polygon".to_string(),
        other => other.to_string(),
    }
}

/// A payment URI for a QR code: Solana Pay for Solana, EIP-681 for EVM chains.
/// `None` when the network or token is unknown (the copyable text still works).
pub fn payment_uri(
    network: &str,
    chain_id: Option<i64>,
    token: Option<&str>,
    recipient: &str,
    amount: Amount,
) -> Option<String> {
    let token = token.filter(|t| !t.is_empty())?;
    if recipient.is_empty() {
        return None;
    }
    if network.eq_ignore_ascii_case("Solana") {
        return Some(format!(
            "solana:{recipient}?amount={amount}&spl-token={token}"
        ));
    }
    let chain = chain_id?;
    Some(format!(
        "ethereum:{token}@{chain}/transfer?address={recipient}&uint256={}",
        amount.micros()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vias() -> Vec<PaymentVia> {
        serde_json::from_value(
            json!([{ "name": "USER_WALLET", "available": true, "currencies": [
                {"name": "USDT", "is_suspended": false, "networks": [
                    {"name": "Polygon (Matic)", "is_suspended": true, "chain_id": "137"}]},
                {"name": "USDC", "is_suspended": false, "networks": [
                    {"name": "Mainnet", "chain_id": 1, "smart_contract": {"address": "0xA0b8"}},
                    {"name": "Solana", "smart_contract": {"address": "EPjF"}}]}
            ]}]),
        )
        .expect("vias")
    }

    #[test]
    fn usdc_on_solana_is_preselected_and_suspended_ones_marked() {
        let opts = pay_options(&vias());
        assert_eq!(opts.len(), 3);
        assert!(opts[0].suspended);
        let d = default_option(&opts).expect("default");
        assert_eq!((d.coin.as_str(), d.network.as_str()), ("USDC", "Solana"));
        assert_eq!(opts[0].chain_id, Some(137));
    }

    #[test]
    fn payment_uris() {
        let amt = Amount::parse("10.5").expect("amount");
        assert_eq!(
            payment_uri("Solana", None, Some("EPjF"), "Wallet1", amt).as_deref(),
            Some("solana:Wallet1?amount=10.5&spl-token=EPjF")
        );
        assert_eq!(
            payment_uri("Base", Some(8453), Some("0x8335"), "0xabc", amt).as_deref(),
            Some("ethereum:0x8335@8453/transfer?address=0xabc&uint256=10500000")
        );
        assert_eq!(
            payment_uri("Base", None, Some("0x8335"), "0xabc", amt),
            None
        );
        assert_eq!(payment_uri("Solana", None, None, "W", amt), None);
    }
}
