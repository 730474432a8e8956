//! Starts the sandbox alone on a free loopback port and speaks HTTP to it, as a
//! partner would.
#![allow(dead_code)]

use sandbox::{SandboxConfig, serve_standalone};
use serde_json::Value;

/// The control token every test sandbox uses.
pub const CONTROL_TOKEN: &str = "test-control-token";

/// The `X-Cr-Application` the helpers send.
pub const PARTNER_ID: &str = "test-partner";

/// A running standalone sandbox and a client for it.
pub struct Sb {
    pub base: String,
    pub http: reqwest::Client,
    _task: tokio::task::JoinHandle<()>,
}

/// Starts a sandbox with the default configuration.
pub async fn start() -> Sb {
    start_with(SandboxConfig::default()).await
}

/// Starts a sandbox with the given configuration (its control token is the tests' one).
pub async fn start_with(config: SandboxConfig) -> Sb {
    let config = SandboxConfig {
        control_token: CONTROL_TOKEN.into(),
        ..config
    };
    let (addr, task) = serve_standalone(config).await.expect("serve");
    Sb {
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
        _task: task,
    }
}

/// Status and JSON body of a response (Null when not JSON).
pub async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let bytes = r.bytes().await.expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

impl Sb {
    /// Switches the sandbox to the named dialects.
    pub async fn dialects(&self, names: &[&str]) {
        let (status, answer) = self
            .control("/control/dialect", serde_json::json!({ "dialects": names }))
            .await;
        assert_eq!(status, 200, "{answer}");
    }

    /// A request with the partner headers, not yet sent.
    pub fn partner(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.partner_as(PARTNER_ID, method, path)
    }

    /// A request with the partner headers naming `application`, not yet sent.
    pub fn partner_as(
        &self,
        application: &str,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("X-Cr-Application", application)
            .header("X-Cr-Version", "1.0")
            .header("X-Country-ISO-Code", "US")
            .header("Content-Type", "application/json")
    }

    /// GET with the partner headers: status and raw body.
    pub async fn get_raw(&self, path: &str) -> (u16, String) {
        let r = self
            .partner(reqwest::Method::GET, path)
            .send()
            .await
            .expect("send");
        (r.status().as_u16(), r.text().await.expect("body"))
    }

    /// GET with the partner headers: status and JSON (Null when not JSON).
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .partner(reqwest::Method::GET, path)
            .send()
            .await
            .expect("send");
        json_of(r).await
    }

    /// POST JSON with the partner headers: status and JSON (Null when not JSON).
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .partner(reqwest::Method::POST, path)
            .json(body)
            .send()
            .await
            .expect("send");
        json_of(r).await
    }

    /// POST a raw body as JSON with the partner headers: status and JSON (Null when not JSON).
    pub async fn post_raw(&self, path: &str, body: String) -> (u16, Value) {
        let r = self
            .partner(reqwest::Method::POST, path)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .expect("send");
        json_of(r).await
    }

    /// POST JSON to a control endpoint, with the control token and without partner headers.
    pub async fn control(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(CONTROL_TOKEN)
            .json(&body)
            .send()
            .await
            .expect("send");
        json_of(r).await
    }

    /// A request with neither partner headers nor body (control listings,
    /// deletions and resets): status and JSON (Null when not JSON).
    pub async fn send(&self, method: reqwest::Method, path: &str) -> (u16, Value) {
        let r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(CONTROL_TOKEN)
            .send()
            .await
            .expect("send");
        json_of(r).await
    }
}
