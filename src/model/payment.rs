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
    /// The coin itself is paused (on every network), not only this network.
    #[serde(default)]
    pub coin_suspended: bool,
    pub chain_id: Option<i64>,
    pub token_address: Option<String>,
    /// The token's decimals (six for USDC and USDT), when the upstream says.
    #[serde(default)]
    pub decimals: Option<i64>,
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
                    coin_suspended: c.is_suspended,
                    chain_id: n.chain_id.or_else(|| known_chain_id(&n.name)),
                    token_address: n.smart_contract.as_ref().and_then(|s| s.address.clone()),
                    decimals: n.smart_contract.as_ref().and_then(|s| s.decimals),
                })
            })
        })
        .collect()
}

impl PayOption {
    /// The coin and network this option pays with.
    pub fn choice(&self) -> crate::model::values::PayChoice {
        crate::model::values::PayChoice::new(&self.coin, &self.network)
    }

    /// The upstream's code for why this option is paused: the coin, or the network.
    pub fn suspension(&self) -> &'static str {
        if self.coin_suspended {
            "SUSPENDED_COIN"
        } else {
            "SUSPENDED_NETWORK"
        }
    }

    /// How a choice reads in a list: `USDC on Solana`, `(paused)` when suspended.
    pub fn label(&self, l: crate::lang::Locale) -> String {
        use crate::i18n::td_string;
        let (coin, network) = (&self.coin, network_label(&self.network));
        if self.suspended {
            td_string!(l, checkout.pay_option_paused, coin, network)
        } else {
            td_string!(l, checkout.pay_option, coin, network)
        }
    }
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

/// The EVM chain id of a network the shop knows by name, for answers that
/// leave `chain_id` out (Solana has none).
pub fn known_chain_id(network: &str) -> Option<i64> {
    let key: String = network
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    match key.as_str() {
        "mainnet" | "ethereum" | "eth" | "erc20" => Some(1),
        "base" => Some(8453),
        "arbitrum" | "arbitrumone" => Some(42161),
        "polygon" | "polygonmatic" | "matic" => Some(137),
        _ => None,
    }
}

/// Where a payment goes: what a wallet needs besides the address and amount.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PayTarget {
    /// The upstream's network name (`Solana`, `Mainnet`, `Base`, …).
    pub network: String,
    pub chain_id: Option<i64>,
    /// Token contract (EVM) or mint (Solana).
    pub token: Option<String>,
    /// The token's decimals; six (USDC, USDT) when the upstream doesn't say.
    pub decimals: Option<i64>,
    /// The contract the shop itself knows for this coin and chain (its table,
    /// or `CR_EVM_TOKENS`), checked against the upstream's before a wallet pays.
    #[serde(default)]
    pub known_token: Option<String>,
}

impl PayTarget {
    /// A wallet payment URI for `amount` to `recipient`: Solana Pay for Solana,
    /// EIP-681 for EVM chains. `None` when the network, token or chain is unknown
    /// (the copyable details still work).
    pub fn uri(&self, recipient: &str, amount: Amount) -> Option<String> {
        let token = self.token.as_deref().filter(|t| is_uri_safe(t))?;
        if recipient.is_empty() || !is_uri_safe(recipient) || amount.is_zero() {
            return None;
        }
        if self.network.eq_ignore_ascii_case("Solana") {
            return Some(format!(
                "solana:{recipient}?amount={amount}&spl-token={token}"
            ));
        }
        let chain = self.chain_id.or_else(|| known_chain_id(&self.network))?;
        let decimals = u32::try_from(self.decimals.unwrap_or(6))
            .ok()
            .filter(|d| *d <= 30)?;
        let units = amount.atomic(decimals)?;
        Some(format!(
            "ethereum:{token}@{chain}/transfer?address={recipient}&uint256={units}"
        ))
    }
}

/// Addresses and mints are base58 or hex: nothing that could break out of a URI.
fn is_uri_safe(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.chars().all(|c| c.is_ascii_alphanumeric())
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
    fn options_read_as_coin_on_network_and_say_when_paused() {
        let labels: Vec<String> = pay_options(&vias())
            .iter()
            .map(|o| o.label(crate::lang::Locale::en))
            .collect();
        assert!(
            labels.contains(&"USDC on Ethereum".to_string()),
            "{labels:?}"
        );
        assert!(labels.contains(&"USDC on Solana".to_string()), "{labels:?}");
        assert!(
            labels
                .iter()
                .any(|l| l.starts_with("USDT on Polygon") && l.ends_with(" (paused)")),
            "{labels:?}"
        );
    }

    #[test]
    fn a_paused_coin_is_said_to_be_the_coin_not_the_network() {
        let vias: Vec<PaymentVia> = serde_json::from_value(json!([{ "name": "USER_WALLET",
            "available": true, "currencies": [
            {"name": "USDT", "is_suspended": true, "networks": [{"name": "Solana"}]},
            {"name": "USDC", "networks": [{"name": "Solana", "is_suspended": true}]}]}]))
        .expect("vias");
        let opts = pay_options(&vias);
        assert_eq!(opts[0].suspension(), "SUSPENDED_COIN");
        assert_eq!(opts[1].suspension(), "SUSPENDED_NETWORK");
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

    fn target(network: &str, chain_id: Option<i64>, token: Option<&str>) -> PayTarget {
        PayTarget {
            network: network.into(),
            chain_id,
            token: token.map(str::to_string),
            decimals: None,
            known_token: None,
        }
    }

    #[test]
    fn payment_uris() {
        let amt = Amount::parse("10.5").expect("amount");
        assert_eq!(
            target("Solana", None, Some("EPjF"))
                .uri("Wallet1", amt)
                .as_deref(),
            Some("solana:Wallet1?amount=10.5&spl-token=EPjF")
        );
        assert_eq!(
            target("Base", Some(8453), Some("0x8335"))
                .uri("0xabc", amt)
                .as_deref(),
            Some("ethereum:0x8335@8453/transfer?address=0xabc&uint256=10500000")
        );
        // A network known by name gets its chain id when the answer leaves it out.
        assert_eq!(
            target("Arbitrum", None, Some("0xaf88"))
                .uri("0xabc", amt)
                .as_deref(),
            Some("ethereum:0xaf88@42161/transfer?address=0xabc&uint256=10500000")
        );
        assert_eq!(target("Tron", None, Some("T1")).uri("T2", amt), None);
        assert_eq!(target("Solana", None, None).uri("W", amt), None);
        // Decimals as the token says.
        let eighteen = PayTarget {
            decimals: Some(18),
            ..target("Base", Some(8453), Some("0xd"))
        };
        assert_eq!(
            eighteen.uri("0xabc", amt).as_deref(),
            Some("ethereum:0xd@8453/transfer?address=0xabc&uint256=10500000000000000000")
        );
        let two = PayTarget {
            decimals: Some(2),
            ..target("Base", Some(8453), Some("0xd"))
        };
        assert_eq!(
            two.uri("0xabc", Amount::parse("10.505").expect("a")),
            None,
            "not exact"
        );
        // Nothing that could break out of the URI.
        assert_eq!(
            target("Solana", None, Some("EPjF")).uri("W&amount=999", amt),
            None
        );
        assert_eq!(
            target("Solana", None, Some("EPjF")).uri("W", Amount::default()),
            None
        );
    }
}
