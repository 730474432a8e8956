//! Logs that follow a request: every answer names its request's id; a trusted
//! proxy's id is kept, anybody else's replaced; the upstream receives the id
//! of the request that caused its call.

use crate::common;

use common::{recording_upstream, shop};

fn id_of(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn every_answer_names_its_own_request_id_and_a_strangers_is_replaced() {
    let s = shop(&[]).await;
    let client = reqwest::Client::new();
    let a = client
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .expect("send");
    let b = client
        .get(format!("{}/nowhere", s.base))
        .send()
        .await
        .expect("send");
    let (a, b) = (id_of(&a), id_of(&b));
    assert!(a.len() >= 8 && b.len() >= 8, "{a} {b}");
    assert_ne!(a, b);
    // The test client is not a trusted proxy here: its id is not taken.
    let c = client
        .get(format!("{}/healthz", s.base))
        .header("x-request-id", "chosen-by-a-visitor")
        .send()
        .await
        .expect("send");
    assert_ne!(id_of(&c), "chosen-by-a-visitor");
}

#[tokio::test]
async fn a_trusted_proxys_id_is_kept_and_sent_upstream() {
    let (upstream, seen) = recording_upstream().await;
    let s = shop(&[
        ("CR_API_URL", upstream.as_str()),
        ("CR_PARTNER_ID", "request-id-test"),
        ("CR_TRUSTED_PROXIES", "127.0.0.1/32"),
    ])
    .await;
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{}/api/catalog/brands", s.base))
        .header("x-request-id", "edge-7f3a9c01")
        .header("accept", "application/json")
        .form(&[("country", "US")])
        .send()
        .await
        .expect("send");
    assert_eq!(id_of(&r), "edge-7f3a9c01");
    let seen = seen.lock().expect("lock").clone();
    assert!(!seen.is_empty(), "the upstream was called");
    assert!(seen.iter().all(|id| id == "edge-7f3a9c01"), "{seen:?}");
    // A malformed one, even from the proxy, is replaced.
    let r = client
        .get(format!("{}/healthz", s.base))
        .header("x-request-id", "bad id")
        .send()
        .await
        .expect("send");
    assert_ne!(id_of(&r), "bad id");
}

/// The release binary (built by `scripts/build`), run as an operator would.
fn binary() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_storefront"))
}

#[tokio::test]
async fn json_logs_carry_the_request_id_of_each_line() {
    use std::io::{BufRead, BufReader};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut child = std::process::Command::new(binary())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CR_LOG_FORMAT", "json")
        .env("RUST_LOG", "info,tower_http=debug")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("CR_SANDBOX_CONTROL_TOKEN", "log-test-token")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the storefront starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = std::time::Instant::now();
    let id = loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
            break id_of(&r);
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "never answered"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let _ = child.kill();
    let out = child.stdout.take().expect("stdout");
    let lines: Vec<String> = BufReader::new(out).lines().map_while(Result::ok).collect();
    let _ = child.wait();
    let parsed: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(parsed.len(), lines.len(), "every line is JSON: {lines:?}");
    let of_request: Vec<&serde_json::Value> = parsed
        .iter()
        .filter(|l| {
            l["spans"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["id"] == id.as_str()))
        })
        .collect();
    assert!(
        !of_request.is_empty(),
        "no line names request {id}: {lines:?}"
    );
}
