//! The sandbox on a real local chain: anvil (from the npm registry, installed
//! by `scripts/setup` into `end2end/node_modules`) started here on a free port,
//! our 6-decimal ERC-20 (`end2end/chain/Token.sol`, compiled by the npm `solc`)
//! deployed by the test, and transfers sent from anvil's funded accounts. What
//! arrives at an order's address in the watched token moves the order as the
//! control `pay` does; another token, another address or another chain count
//! for nothing. Missing tools fail these tests: they never skip.

use crate::common::{Sb, start_with};
use sandbox::SandboxConfig;
use sandbox::chain::ChainWatch;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// anvil's first two dev accounts (unlocked: `eth_sendTransaction` signs).
pub const DEPLOYER: &str = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
pub const SHOPPER: &str = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A local chain, killed when dropped.
pub struct Anvil {
    pub url: String,
    child: Child,
    http: reqwest::Client,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Anvil {
    /// anvil with `chain_id` on a free loopback port, answering.
    pub async fn start(chain_id: u64) -> Anvil {
        let bin = repo().join("end2end/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
        assert!(
            bin.exists(),
            "anvil is missing at {}: run scripts/setup",
            bin.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(bin)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--chain-id",
                &chain_id.to_string(),
                "--silent",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("anvil starts");
        let anvil = Anvil {
            url: format!("http://127.0.0.1:{port}"),
            child,
            http: reqwest::Client::new(),
        };
        let started = Instant::now();
        while anvil.try_rpc("eth_chainId", json!([])).await.is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "anvil never answered"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anvil
    }

    async fn try_rpc(&self, method: &str, params: Value) -> Option<Value> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let r = self.http.post(&self.url).json(&body).send().await.ok()?;
        r.json::<Value>().await.ok()
    }

    /// A JSON-RPC call's result (an error fails the test).
    pub async fn rpc(&self, method: &str, params: Value) -> Value {
        let answer = self.try_rpc(method, params).await.expect("anvil answers");
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    /// Sends a transaction from an unlocked account; answers its receipt (mined at once).
    pub async fn send(&self, from: &str, to: Option<&str>, data: &str) -> Value {
        let mut tx = json!({"from": from, "data": data});
        if let Some(to) = to {
            tx["to"] = json!(to);
        }
        let hash = self.rpc("eth_sendTransaction", json!([tx])).await;
        let started = Instant::now();
        loop {
            let receipt = self.rpc("eth_getTransactionReceipt", json!([hash])).await;
            if !receipt.is_null() {
                assert_eq!(receipt["status"], "0x1", "{receipt}");
                return receipt;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{hash} never mined"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Deploys a fresh Token (the deployer holds its supply); answers its address.
    pub async fn deploy_token(&self) -> String {
        let receipt = self.send(DEPLOYER, None, &token_bytecode()).await;
        receipt["contractAddress"]
            .as_str()
            .expect("a contract")
            .to_string()
    }

    /// `token.transfer(to, units)` from `from`; answers the transaction hash.
    pub async fn transfer(&self, token: &str, from: &str, to: &str, units: u64) -> String {
        let data = format!(
            "0xa9059cbb{:0>64}{units:064x}",
            to.trim_start_matches("0x").to_lowercase()
        );
        let receipt = self.send(from, Some(token), &data).await;
        receipt["transactionHash"]
            .as_str()
            .expect("a hash")
            .to_string()
    }
}

/// The Token's creation bytecode, compiled now by the npm `solc`.
pub fn token_bytecode() -> String {
    let out = Command::new("node")
        .arg(repo().join("end2end/chain/compile.mjs"))
        .output()
        .expect("node runs end2end/chain/compile.mjs (scripts/setup installs solc)");
    assert!(
        out.status.success(),
        "solc: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let compiled: Value = serde_json::from_slice(&out.stdout).expect("compiled JSON");
    compiled["bytecode"].as_str().expect("bytecode").to_string()
}

/// A sandbox watching `anvils` for transfers of `token`.
async fn sandbox_on(anvils: &[&Anvil], token: &str) -> Sb {
    start_with(SandboxConfig {
        delivery_delay: Duration::from_secs(3600),
        chains: anvils
            .iter()
            .map(|a| ChainWatch {
                rpc: a.url.clone(),
                token: token.to_lowercase(),
            })
            .collect(),
        ..SandboxConfig::default()
    })
    .await
}

/// An order of one $10 Steam card (10.35 in coin) on `network`.
async fn order(sb: &Sb, coin: &str, network: &str) -> Value {
    let body = json!({
        "deliveries": [{"kind": "giftcard", "quantity": 1, "deliverable": {
            "brand_name": "Steam Wallet", "country_code": "US", "denomination": "10",
            "beneficiary_account": "buyer@example.com"}}],
        "payment": {"type": "via", "coin": coin, "network": network, "payment_via": "USER_WALLET"},
        "user": {"email": "buyer@example.com", "has_accepted_newsletter": false},
        "lang": "en",
    });
    let (status, order) = sb.post("/v5/orders", &body).await;
    assert!(status == 200 || status == 201, "{status} {order}");
    order
}

/// The order once `check` holds (10 s at most), else the test fails.
async fn until(sb: &Sb, id: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let (_, o) = sb.get(&format!("/v5/orders/{id}")).await;
        if check(&o) {
            return o;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never {what}: {o}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The order after the watcher has certainly seen `blocks` more blocks.
async fn settled(sb: &Sb, anvil: &Anvil, id: &str) -> Value {
    // Two more blocks and a few polls: anything that was going to count has.
    for _ in 0..2 {
        anvil.rpc("evm_mine", json!([])).await;
    }
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    sb.get(&format!("/v5/orders/{id}")).await.1
}

#[tokio::test]
async fn transfers_of_the_token_to_an_orders_address_pay_it_in_parts_and_others_count_for_nothing()
{
    let base = Anvil::start(8453).await;
    let token = base.deploy_token().await;
    let other_token = base.deploy_token().await;
    let sb = sandbox_on(&[&base], &token).await;
    // The shop is told the watched token for every EVM network.
    let (_, vias) = sb.get("/v3/payment_vias").await;
    let base_usdc = vias[0]["currencies"][0]["networks"]
        .as_array()
        .and_then(|n| n.iter().find(|n| n["name"] == "Base"))
        .cloned()
        .expect("USDC on Base");
    assert_eq!(base_usdc["smart_contract"]["address"], token.to_lowercase());
    let o = order(&sb, "USDC", "Base").await;
    let (id, address) = (
        o["order_id"].as_str().expect("id").to_string(),
        o["wallet_address"].as_str().expect("address").to_string(),
    );
    assert!(
        o["qr_text"]
            .as_str()
            .is_some_and(|q| q.contains(&token.to_lowercase())),
        "{o}"
    );

    // Another token to the order's address, and the token to another address: nothing.
    base.transfer(&other_token, DEPLOYER, &address, 10_350_000)
        .await;
    base.transfer(&token, DEPLOYER, SHOPPER, 10_350_000).await;
    let o = settled(&sb, &base, &id).await;
    assert_eq!(o["order_state"], "WaitingForPayment", "{o}");

    // A part, then the rest: the order follows, and shows the last transaction.
    base.transfer(&token, DEPLOYER, &address, 4_000_000).await;
    let o = until(&sb, &id, "partly paid", |o| {
        o["order_state"] == "PartialPaymentStarted"
    })
    .await;
    assert_eq!(
        (o["amount_paid"].as_str(), o["amount_due"].as_str()),
        (Some("4.00"), Some("6.35")),
        "{o}"
    );
    let tx = base.transfer(&token, DEPLOYER, &address, 6_350_000).await;
    let o = until(&sb, &id, "paid", |o| {
        o["order_state"] == "WaitingForDelivery"
    })
    .await;
    assert_eq!(o["tx_hash"], tx.as_str(), "{o}");
    assert_eq!(o["amount_paid"], "10.35");
}

#[tokio::test]
async fn a_transfer_on_another_chain_than_the_orders_network_counts_for_nothing_and_over_payment_shows()
 {
    let (ethereum, base) = (Anvil::start(1).await, Anvil::start(8453).await);
    // The same deployer at the same nonce: the same token address on both chains.
    let token = ethereum.deploy_token().await;
    assert_eq!(base.deploy_token().await, token);
    let sb = sandbox_on(&[&ethereum, &base], &token).await;
    let on_ethereum = order(&sb, "USDT", "Mainnet").await;
    let (id, address) = (
        on_ethereum["order_id"].as_str().expect("id").to_string(),
        on_ethereum["wallet_address"]
            .as_str()
            .expect("address")
            .to_string(),
    );
    base.transfer(&token, DEPLOYER, &address, 10_350_000).await;
    let o = settled(&sb, &base, &id).await;
    assert_eq!(
        o["order_state"], "WaitingForPayment",
        "a Base transfer paid an Ethereum order: {o}"
    );
    ethereum
        .transfer(&token, DEPLOYER, &address, 12_000_000)
        .await;
    let o = until(&sb, &id, "paid", |o| {
        o["order_state"] == "WaitingForDelivery"
    })
    .await;
    assert_eq!(
        (o["amount_paid"].as_str(), o["amount_due"].as_str()),
        (Some("12.00"), Some("0.00")),
        "{o}"
    );
}
