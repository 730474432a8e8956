//! A real EVM chain behind the sandbox (`CR_SANDBOX_EVM_RPC`, `CR_SANDBOX_EVM_TOKEN`):
//! each EVM order already has its own address; a watcher per RPC polls the
//! token's `Transfer` logs and pays the order an arriving transfer is addressed
//! to, exactly as the control `pay` does (partial, full, over). Transfers of
//! another token, to another address or on another chain than the order's
//! network count for nothing. Without the configuration nothing runs.

use super::orders::Payment;
use super::payment;
use super::{Inner, Sandbox};
use serde_json::{Value, json};
use std::sync::Weak;
use std::time::Duration;

/// `keccak256("Transfer(address,address,uint256)")`.
pub const TRANSFER_TOPIC: &str =
    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

/// How often the chain is asked for new blocks.
const POLL: Duration = Duration::from_millis(250);

/// One chain the sandbox watches.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainWatch {
    /// The node's JSON-RPC URL (anvil's, in tests).
    pub rpc: String,
    /// The token contract whose transfers pay orders (lowercase hex).
    pub token: String,
}

/// The watched chains from `CR_SANDBOX_EVM_RPC` (URLs, comma-separated) and
/// `CR_SANDBOX_EVM_TOKEN` (the token contract on each): both or neither.
pub fn from_env(rpc: Option<&str>, token: Option<&str>) -> Result<Vec<ChainWatch>, String> {
    let urls: Vec<&str> = rpc
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .collect();
    let token = token.map(str::trim).filter(|t| !t.is_empty());
    match (urls.is_empty(), token) {
        (true, None) => Ok(Vec::new()),
        (true, Some(_)) => Err("CR_SANDBOX_EVM_TOKEN needs CR_SANDBOX_EVM_RPC".into()),
        (false, None) => {
            Err("CR_SANDBOX_EVM_RPC needs CR_SANDBOX_EVM_TOKEN (the token contract)".into())
        }
        (false, Some(t)) => {
            let hex = t.strip_prefix("0x").unwrap_or_default();
            if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!(
                    "CR_SANDBOX_EVM_TOKEN must be a 0x-prefixed 20-byte address (got {t:?})"
                ));
            }
            if let Some(bad) = urls
                .iter()
                .find(|u| !u.starts_with("http://") && !u.starts_with("https://"))
            {
                return Err(format!(
                    "CR_SANDBOX_EVM_RPC must be http(s) URLs (got {bad:?})"
                ));
            }
            Ok(urls
                .into_iter()
                .map(|rpc| ChainWatch {
                    rpc: rpc.to_string(),
                    token: t.to_ascii_lowercase(),
                })
                .collect())
        }
    }
}

/// A JSON-RPC call; `None` when the node doesn't answer or answers an error.
async fn call(client: &reqwest::Client, rpc: &str, method: &str, params: Value) -> Option<Value> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let answer: Value = client
        .post(rpc)
        .json(&body)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    answer.get("result").cloned()
}

/// A hex quantity (`0x1a`) as a number.
fn quantity(v: &Value) -> Option<u64> {
    u64::from_str_radix(v.as_str()?.strip_prefix("0x")?, 16).ok()
}

/// A 32-byte word's value in micro-units, saturating (no order is owed more).
fn amount(data: &str) -> Option<u64> {
    let hex = data.strip_prefix("0x")?;
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let significant = hex.trim_start_matches('0');
    if significant.len() > 16 {
        return Some(u64::MAX);
    }
    u64::from_str_radix(
        if significant.is_empty() {
            "0"
        } else {
            significant
        },
        16,
    )
    .ok()
}

/// The address in a topic (its last 20 bytes), lowercase with `0x`.
fn topic_address(topic: &str) -> Option<String> {
    let hex = topic.strip_prefix("0x")?;
    (hex.len() == 64).then(|| format!("0x{}", hex[24..].to_ascii_lowercase()))
}

/// What one `Transfer` log pays: (recipient, micro-units, transaction).
pub fn transfer(log: &Value, token: &str) -> Option<(String, u64, Option<String>)> {
    let from_token = log["address"].as_str()?.eq_ignore_ascii_case(token);
    let topics = log["topics"].as_array()?;
    if !from_token || topics.len() != 3 || topics[0].as_str()? != TRANSFER_TOPIC {
        return None;
    }
    let to = topic_address(topics[2].as_str()?)?;
    let value = amount(log["data"].as_str()?)?;
    let tx = log["transactionHash"].as_str().map(str::to_string);
    Some((to, value, tx))
}

/// Follows one chain until the sandbox is gone: learns its chain id (and so
/// the network orders name it by), then pays orders from each new block's
/// transfers of the token.
pub(crate) async fn watch(sandbox: Weak<Inner>, chain: ChainWatch) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default();
    let (network, mut next) = loop {
        if sandbox.strong_count() == 0 {
            return;
        }
        let id = call(&client, &chain.rpc, "eth_chainId", json!([])).await;
        let head = call(&client, &chain.rpc, "eth_blockNumber", json!([])).await;
        if let (Some(id), Some(head)) = (
            id.as_ref().and_then(quantity),
            head.as_ref().and_then(quantity),
        ) {
            match payment::NETWORKS.iter().find(|n| n.chain_id == Some(id)) {
                Some(n) => break (n.name, head),
                None => {
                    tracing::warn!(
                        "sandbox chain {}: chain id {id} is none of the shop's networks",
                        chain.rpc
                    );
                    return;
                }
            }
        }
        tokio::time::sleep(POLL).await;
    };
    tracing::info!(
        "sandbox watches {} ({network}) for transfers of {}",
        chain.rpc,
        chain.token
    );
    loop {
        tokio::time::sleep(POLL).await;
        let Some(inner) = sandbox.upgrade() else {
            return;
        };
        let sb = Sandbox { inner };
        let Some(head) = call(&client, &chain.rpc, "eth_blockNumber", json!([]))
            .await
            .as_ref()
            .and_then(quantity)
        else {
            continue;
        };
        if head < next {
            continue;
        }
        let filter = json!([{
            "fromBlock": format!("0x{next:x}"),
            "toBlock": format!("0x{head:x}"),
            "address": chain.token,
            "topics": [TRANSFER_TOPIC],
        }]);
        let Some(Value::Array(logs)) = call(&client, &chain.rpc, "eth_getLogs", filter).await
        else {
            continue;
        };
        for log in &logs {
            let Some((to, value, tx)) = transfer(log, &chain.token) else {
                continue;
            };
            let Some(id) = sb.inner.store.find_by_wallet(network, &to) else {
                continue;
            };
            let payment = Payment {
                amount: Some(value),
                unconfirmed: false,
                tx,
            };
            let paid = super::control::pay_order(&sb, &id, payment);
            if let Err(e) = paid {
                tracing::info!("sandbox: a transfer to order {id} counts for nothing: {e:?}");
            }
        }
        next = head + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

    fn log(address: &str, to: &str, data: &str) -> Value {
        json!({
            "address": address,
            "topics": [TRANSFER_TOPIC, format!("0x{:0>64}", "f39fd6e51aad88f6f4ce6ab8827279cfffb92266"), format!("0x{:0>64}", to)],
            "data": data,
            "transactionHash": "0xabc",
        })
    }

    #[test]
    fn a_transfer_of_the_token_pays_its_recipient_its_value() {
        let l = log(
            TOKEN,
            "AbCdEf0000000000000000000000000000000001",
            "0x00000000000000000000000000000000000000000000000000000000017d7840",
        );
        assert_eq!(
            transfer(&l, TOKEN),
            Some((
                "0xabcdef0000000000000000000000000000000001".into(),
                25_000_000,
                Some("0xabc".into())
            ))
        );
    }

    #[test]
    fn another_tokens_transfer_or_a_malformed_log_pays_nothing() {
        let other = log("0x0000000000000000000000000000000000000bad", "ab", "0x01");
        assert_eq!(transfer(&other, TOKEN), None);
        let mut no_to = log(TOKEN, "ab", "0x01");
        no_to["topics"].as_array_mut().map(|t| t.pop());
        assert_eq!(transfer(&no_to, TOKEN), None);
        assert_eq!(transfer(&log(TOKEN, "ab", "0xzz"), TOKEN), None);
    }

    #[test]
    fn the_chains_come_with_their_token_or_not_at_all() {
        assert_eq!(from_env(None, None), Ok(vec![]));
        let both = from_env(
            Some("http://127.0.0.1:8545, http://127.0.0.1:8546"),
            Some("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
        );
        assert_eq!(
            both.map(|c| c
                .iter()
                .map(|c| (c.rpc.clone(), c.token.clone()))
                .collect::<Vec<_>>()),
            Ok(vec![
                ("http://127.0.0.1:8545".into(), TOKEN.into()),
                ("http://127.0.0.1:8546".into(), TOKEN.into()),
            ])
        );
        assert!(from_env(Some("http://x"), None).is_err());
        assert!(from_env(None, Some(TOKEN)).is_err());
        assert!(from_env(Some("http://x"), Some("0x12")).is_err());
        assert!(from_env(Some("ftp://x"), Some(TOKEN)).is_err());
    }

    #[test]
    fn amounts_beyond_u64_saturate() {
        assert_eq!(amount(&format!("0x{}", "f".repeat(64))), Some(u64::MAX));
        assert_eq!(amount("0x0"), Some(0));
        assert_eq!(amount("0x"), None);
    }
}
