//! Paying from a connected EVM wallet: the token table (the real USDC and USDT
//! contracts per chain, which configuration may replace for a local chain), the
//! chains' parameters a wallet needs to add one, and the one transaction the
//! shop ever asks a wallet for: an ERC-20 `transfer(order address, exact
//! atomic amount)` to the token contract. Computed on the server; the browser
//! only carries it to the wallet (`wallet`). No private keys, no approvals.

use crate::model::money::Amount;
use serde::{Deserialize, Serialize};

/// `transfer(address,uint256)`'s selector.
pub const TRANSFER: &str = "a9059cbb";
/// `balanceOf(address)`'s selector.
pub const BALANCE_OF: &str = "70a08231";

/// The real token contracts (six decimals each), from the digest's table.
pub const TOKENS: &[(&str, i64, &str)] = &[
    ("USDC", 1, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"),
    ("USDT", 1, "0xdAC17F958D2ee523a2206206994597C13D831ec7"),
    ("USDC", 8453, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
    ("USDT", 8453, "0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2"),
    ("USDC", 42161, "0xaf88d065e77c8cC2239327C5EDb3A432268e5831"),
    ("USDT", 42161, "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9"),
    ("USDC", 137, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"),
    ("USDT", 137, "0xc2132D05D31c914a87C6611C10748AEb04B58e8F"),
];

/// What a wallet needs to add a chain it doesn't know (EIP-3085).
pub struct Chain {
    pub id: i64,
    pub name: &'static str,
    /// The gas token's symbol.
    pub gas: &'static str,
    pub rpc: &'static str,
    /// The explorer's origin; a transaction's page is `{explorer}/tx/{hash}`.
    pub explorer: &'static str,
    pub explorer_name: &'static str,
}

/// The EVM chains the shop takes payments on.
pub const CHAINS: &[Chain] = &[
    Chain {
        id: 1,
        name: "Ethereum",
        gas: "ETH",
        rpc: "https://ethereum-rpc.publicnode.com",
        explorer: "https://etherscan.io",
        explorer_name: "Etherscan",
    },
    Chain {
        id: 8453,
        name: "Base",
        gas: "ETH",
        rpc: "https://mainnet.base.org",
        explorer: "https://basescan.org",
        explorer_name: "BaseScan",
    },
    Chain {
        id: 42161,
        name: "Arbitrum One",
        gas: "ETH",
        rpc: "https://arb1.arbitrum.io/rpc",
        explorer: "https://arbiscan.io",
        explorer_name: "Arbiscan",
    },
    Chain {
        id: 137,
        name: "Polygon",
        gas: "POL",
        rpc: "https://polygon-rpc.com",
        explorer: "https://polygonscan.com",
        explorer_name: "PolygonScan",
    },
];

/// A chain by id.
pub fn chain(id: i64) -> Option<&'static Chain> {
    CHAINS.iter().find(|c| c.id == id)
}

/// `0x` and 20 bytes of hex.
pub fn is_address(s: &str) -> bool {
    s.len() == 42 && s.starts_with("0x") && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The token contract of `coin` on chain `id`: `overrides` (configuration:
/// `(coin, chain, contract)`) first, else the table.
pub fn known_token(coin: &str, id: i64, overrides: &[(String, i64, String)]) -> Option<String> {
    overrides
        .iter()
        .find(|(c, i, _)| c.eq_ignore_ascii_case(coin) && *i == id)
        .map(|(_, _, a)| a.clone())
        .or_else(|| {
            TOKENS
                .iter()
                .find(|(c, i, _)| c.eq_ignore_ascii_case(coin) && *i == id)
                .map(|(_, _, a)| (*a).to_string())
        })
}

/// A 32-byte ABI word of an address.
fn address_word(address: &str) -> String {
    format!("{:0>64}", address[2..].to_ascii_lowercase())
}

/// `transfer(to, units)`'s calldata.
pub fn transfer_calldata(to: &str, units: u128) -> Option<String> {
    is_address(to).then(|| format!("0x{TRANSFER}{}{units:064x}", address_word(to)))
}

/// Why a connected-wallet payment is not offered (the QR code, the copy
/// buttons and the wallet link stay in every case).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NoWalletPay {
    /// Not an EVM chain the shop knows (Solana, an unknown network).
    NotEvm,
    /// No token contract known for this coin on this chain.
    UnknownToken,
    /// The upstream names a token contract other than the one the shop knows:
    /// one of them is wrong, so nothing is sent (said on the page).
    Mismatch,
    /// The order's address is not an EVM address, or the amount is nothing or
    /// not exact in the token's decimals.
    NotExact,
}

/// The one transfer a wallet is asked to send.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvmPay {
    pub chain_id: i64,
    /// The token contract the transfer is sent to.
    pub token: String,
    /// The order's address (the transfer's recipient).
    pub to: String,
    /// The exact amount in the token's smallest units.
    pub units: u128,
    /// `transfer(to, units)`.
    pub calldata: String,
    /// EIP-3085 parameters of the chain, as JSON.
    pub add_chain: String,
    /// `{explorer}/tx/`: where a sent transaction is shown.
    pub explorer_tx: String,
    pub explorer_name: String,
    /// The chain's gas token (for "too little ETH for the fee").
    pub gas: String,
}

/// What to ask a wallet for, to send `amount` (what is due now) to `to` on
/// `chain_id`: the upstream's contract (`given`) wins, the shop's own
/// (`known`) stands in when the upstream names none, and two that differ stop it.
pub fn evm_pay(
    chain_id: Option<i64>,
    given: Option<&str>,
    known: Option<&str>,
    decimals: Option<i64>,
    to: &str,
    amount: Amount,
) -> Result<EvmPay, NoWalletPay> {
    let chain = chain_id.and_then(chain).ok_or(NoWalletPay::NotEvm)?;
    let token = match (given.filter(|g| !g.is_empty()), known) {
        (Some(g), Some(k)) if !g.eq_ignore_ascii_case(k) => return Err(NoWalletPay::Mismatch),
        (Some(g), _) => g,
        (None, Some(k)) => k,
        (None, None) => return Err(NoWalletPay::UnknownToken),
    };
    if !is_address(token) {
        return Err(NoWalletPay::UnknownToken);
    }
    let decimals = u32::try_from(decimals.unwrap_or(6))
        .ok()
        .filter(|d| *d <= 30)
        .ok_or(NoWalletPay::NotExact)?;
    let units = amount
        .atomic(decimals)
        .and_then(|u| u128::try_from(u).ok())
        .filter(|u| *u > 0)
        .ok_or(NoWalletPay::NotExact)?;
    let calldata = transfer_calldata(to, units).ok_or(NoWalletPay::NotExact)?;
    let add_chain = serde_json::json!({
        "chainId": format!("0x{:x}", chain.id),
        "chainName": chain.name,
        "nativeCurrency": {"name": chain.gas, "symbol": chain.gas, "decimals": 18},
        "rpcUrls": [chain.rpc],
        "blockExplorerUrls": [chain.explorer],
    })
    .to_string();
    Ok(EvmPay {
        chain_id: chain.id,
        token: token.to_string(),
        to: to.to_string(),
        units,
        calldata,
        add_chain,
        explorer_tx: format!("{}/tx/", chain.explorer),
        explorer_name: chain.explorer_name.to_string(),
        gas: chain.gas.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO: &str = "0x1111111111111111111111111111111111111111";

    fn amount(s: &str) -> Amount {
        Amount::parse(s).expect("an amount")
    }

    /// Every coin × chain: the contract the transfer goes to, the atomic
    /// amount and the calldata, against literal expectations.
    #[test]
    fn every_coin_on_every_chain_pays_the_exact_atomic_amount_to_its_contract() {
        let cases = [
            ("USDC", 1, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"),
            ("USDT", 1, "0xdAC17F958D2ee523a2206206994597C13D831ec7"),
            ("USDC", 8453, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
            ("USDT", 8453, "0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2"),
            ("USDC", 42161, "0xaf88d065e77c8cC2239327C5EDb3A432268e5831"),
            ("USDT", 42161, "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9"),
            ("USDC", 137, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"),
            ("USDT", 137, "0xc2132D05D31c914a87C6611C10748AEb04B58e8F"),
        ];
        for (coin, chain, contract) in cases {
            let known = known_token(coin, chain, &[]);
            assert_eq!(known.as_deref(), Some(contract), "{coin} on {chain}");
            let pay = evm_pay(
                Some(chain),
                None,
                known.as_deref(),
                Some(6),
                TO,
                amount("25.58"),
            )
            .expect("a payment");
            assert_eq!(
                (pay.chain_id, pay.token.as_str(), pay.units),
                (chain, contract, 25_580_000)
            );
            assert_eq!(
                pay.calldata,
                "0xa9059cbb\
                 0000000000000000000000001111111111111111111111111111111111111111\
                 00000000000000000000000000000000000000000000000000000000018651e0"
            );
        }
    }

    #[test]
    fn amounts_are_scaled_by_the_tokens_decimals_or_refused_when_not_exact() {
        let units = |a: &str, d: i64| {
            evm_pay(Some(8453), Some(TOKENS[2].2), None, Some(d), TO, amount(a)).map(|p| p.units)
        };
        assert_eq!(units("0.000001", 6), Ok(1));
        assert_eq!(units("1", 18), Ok(1_000_000_000_000_000_000));
        assert_eq!(units("1234.5", 2), Ok(123_450));
        assert_eq!(units("0.001", 2), Err(NoWalletPay::NotExact));
        assert_eq!(units("0", 6), Err(NoWalletPay::NotExact));
        assert_eq!(units("1", 31), Err(NoWalletPay::NotExact));
        assert_eq!(
            transfer_calldata(TO, 1_000_000_000_000_000_000).as_deref(),
            Some(
                "0xa9059cbb00000000000000000000000011111111111111111111111111111111111111110000000000000000000000000000000000000000000000000de0b6b3a7640000"
            )
        );
    }

    #[test]
    fn the_upstreams_contract_wins_and_a_different_one_stops_the_payment() {
        let base_usdc = TOKENS[2].2;
        let local = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
        let pay = |given: Option<&str>, known: Option<&str>| {
            evm_pay(Some(8453), given, known, None, TO, amount("5")).map(|p| p.token)
        };
        assert_eq!(pay(Some(local), None), Ok(local.to_string()));
        assert_eq!(pay(None, Some(base_usdc)), Ok(base_usdc.to_string()));
        assert_eq!(
            pay(Some(&base_usdc.to_lowercase()), Some(base_usdc)),
            Ok(base_usdc.to_lowercase())
        );
        assert_eq!(
            pay(Some(local), Some(base_usdc)),
            Err(NoWalletPay::Mismatch)
        );
        assert_eq!(pay(None, None), Err(NoWalletPay::UnknownToken));
        assert_eq!(pay(Some("0xnot"), None), Err(NoWalletPay::UnknownToken));
        let overrides = [("USDC".to_string(), 8453, local.to_string())];
        assert_eq!(
            known_token("usdc", 8453, &overrides).as_deref(),
            Some(local)
        );
        assert_eq!(
            known_token("USDT", 8453, &overrides).as_deref(),
            Some(TOKENS[3].2)
        );
    }

    #[test]
    fn solana_unknown_chains_and_non_evm_addresses_get_no_wallet_payment() {
        let usdc = Some(TOKENS[0].2);
        assert_eq!(
            evm_pay(None, usdc, None, None, TO, amount("5")),
            Err(NoWalletPay::NotEvm)
        );
        assert_eq!(
            evm_pay(Some(56), usdc, None, None, TO, amount("5")),
            Err(NoWalletPay::NotEvm)
        );
        let solana_address = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
        assert_eq!(
            evm_pay(Some(1), usdc, None, None, solana_address, amount("5")),
            Err(NoWalletPay::NotExact)
        );
    }

    #[test]
    fn a_chain_unknown_to_the_wallet_is_added_with_its_parameters() {
        let pay =
            evm_pay(Some(8453), Some(TOKENS[2].2), None, None, TO, amount("5")).expect("a payment");
        let add: serde_json::Value = serde_json::from_str(&pay.add_chain).expect("json");
        assert_eq!(add["chainId"], "0x2105");
        assert_eq!(add["rpcUrls"][0], "https://mainnet.base.org");
        assert_eq!(pay.explorer_tx, "https://basescan.org/tx/");
    }
}
