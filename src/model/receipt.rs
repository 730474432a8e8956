//! What the order page keeps once the money has arrived: how much was sent,
//! in which coin and on which network, the transaction (with its block
//! explorer's page when the shop knows the chain), and any amount sent over
//! the price. The reference names no field for the amount paid or the
//! transaction: [`Order::amount_paid`] and [`Order::tx_hash`] read the likely
//! spellings, and the receipt leaves out what the upstream doesn't say.

use crate::model::money::Amount;
use crate::model::order::Order;
use crate::model::payment::known_chain_id;

/// The payment of an order that is paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// What arrived: the upstream's amount paid, else the order's price.
    pub paid: Amount,
    /// What arrived beyond the price, when more did.
    pub over: Option<Amount>,
    /// The transaction, as the upstream wrote it (checked to be an id).
    pub tx: Option<String>,
    /// The transaction's page on its chain's block explorer.
    pub explorer: Option<Explorer>,
}

/// A block explorer's page of a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explorer {
    /// The explorer's name (`Solscan`).
    pub name: &'static str,
    pub url: String,
}

impl Receipt {
    /// The receipt of `order` paid on `network` (`None` without a price to
    /// show: an order whose amount the upstream never gave).
    pub fn of(order: &Order, network: &str) -> Option<Receipt> {
        let price = order.coin_amount.as_deref().and_then(Amount::parse);
        let paid = order.paid_amount().filter(|p| !p.is_zero()).or(price)?;
        let over = price
            .and_then(|p| paid.checked_sub(p))
            .filter(|o| !o.is_zero());
        let tx = order
            .tx_hash
            .as_deref()
            .map(str::trim)
            .filter(|t| is_tx_id(t));
        Some(Receipt {
            paid,
            over,
            tx: tx.map(str::to_string),
            explorer: tx.and_then(|t| explorer(network, t)),
        })
    }
}

/// A transaction id the page may show and link: 16–128 letters and digits
/// (a `0x` hash, a base58 signature), nothing else.
fn is_tx_id(t: &str) -> bool {
    (16..=128).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The explorer of the chains the shop knows (USDC and USDT's five).
fn explorer(network: &str, tx: &str) -> Option<Explorer> {
    let evm = |name, host: &str| {
        let hash = tx.len() == 66
            && tx.starts_with("0x")
            && tx[2..].chars().all(|c| c.is_ascii_hexdigit());
        hash.then(|| Explorer {
            name,
            url: format!("https://{host}/tx/{tx}"),
        })
    };
    match known_chain_id(network) {
        Some(1) => evm("Etherscan", "etherscan.io"),
        Some(8453) => evm("BaseScan", "basescan.org"),
        Some(42161) => evm("Arbiscan", "arbiscan.io"),
        Some(137) => evm("PolygonScan", "polygonscan.com"),
        Some(_) => None,
        None if network.eq_ignore_ascii_case("solana") => {
            let signature = (64..=90).contains(&tx.len()) && bs58_alphabet(tx);
            signature.then(|| Explorer {
                name: "Solscan",
                url: format!("https://solscan.io/tx/{tx}"),
            })
        }
        None => None,
    }
}

/// Only base58's letters and digits (no `0`, `O`, `I` or `l`).
fn bs58_alphabet(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() && !matches!(c, '0' | 'O' | 'I' | 'l'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(json: &str) -> Order {
        serde_json::from_str(json).expect("order")
    }

    const EVM_TX: &str = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060";

    #[test]
    fn a_paid_order_says_what_arrived_and_what_was_over() {
        let exact = order(r#"{"order_id":"a","coin_amount":"7.56"}"#);
        let r = Receipt::of(&exact, "Solana").expect("a receipt");
        assert_eq!((r.paid.to_string(), r.over), ("7.56".to_string(), None));
        let over = order(r#"{"order_id":"a","coin_amount":"7.56","amount_paid":"8.5"}"#);
        let r = Receipt::of(&over, "Solana").expect("a receipt");
        assert_eq!(r.paid.to_string(), "8.5");
        assert_eq!(r.over.map(|o| o.to_string()).as_deref(), Some("0.94"));
        assert_eq!(Receipt::of(&order(r#"{"order_id":"a"}"#), "Solana"), None);
    }

    #[test]
    fn a_transaction_links_to_its_chains_explorer() {
        let on = |network: &str, tx: &str| {
            let o = order(&format!(
                r#"{{"order_id":"a","coin_amount":"1","tx_hash":"{tx}"}}"#
            ));
            Receipt::of(&o, network).expect("receipt")
        };
        let r = on("Base", EVM_TX);
        assert_eq!(r.tx.as_deref(), Some(EVM_TX));
        assert_eq!(
            r.explorer.map(|e| e.url),
            Some(format!("https://basescan.org/tx/{EVM_TX}"))
        );
        assert_eq!(
            on("Mainnet", EVM_TX).explorer.map(|e| e.name),
            Some("Etherscan")
        );
        assert_eq!(
            on("Polygon (Matic)", EVM_TX).explorer.map(|e| e.name),
            Some("PolygonScan")
        );
        let sig = "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";
        assert_eq!(
            on("Solana", sig).explorer.map(|e| e.url),
            Some(format!("https://solscan.io/tx/{sig}"))
        );
        // An EVM hash on Solana, a signature on Base, or anything not an id:
        // shown (when it is an id) but not linked to the wrong chain.
        assert_eq!(on("Solana", EVM_TX).explorer, None);
        assert_eq!(on("Base", sig).explorer, None);
        assert_eq!(on("Tron", EVM_TX).explorer, None);
        let odd = on("Base", "<script>alert(1)</script>");
        assert_eq!((odd.tx, odd.explorer), (None, None));
        let alias = order(&format!(
            r#"{{"order_id":"a","coin_amount":"1","transaction_hash":"{EVM_TX}"}}"#
        ));
        assert_eq!(
            Receipt::of(&alias, "Base").and_then(|r| r.tx).as_deref(),
            Some(EVM_TX)
        );
    }
}
