//! Configuration from the environment. Bad values stop start-up with a message
//! that names the variable and what it expects.

use ipnet::IpNet;
use std::net::IpAddr;
use std::time::Duration;

/// Where catalogue, prices and orders come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Upstream {
    /// The embedded sandbox, mounted under `/sandbox` on this server.
    Sandbox,
    /// The real partner API (or any compatible server) at this base URL.
    Remote(String),
}

/// The storefront's settings (the Leptos ones come from Leptos.toml / `LEPTOS_*`).
/// Its `Debug` hides the secrets (partner id, cookie secret, control token).
#[derive(Clone)]
pub struct Config {
    pub upstream: Upstream,
    /// The shop's public origin (`https://shop.example`), when configured:
    /// behind https, every cookie is `Secure`.
    pub public_url: Option<String>,
    /// Where shoppers write for help (`CR_SUPPORT_EMAIL`): in every page's
    /// footer and beside every "contact us". None: no address is shown.
    pub support_email: Option<String>,
    /// `X-Cr-Application`: secret, never sent to a browser.
    pub partner_id: String,
    /// `X-Cr-Version`.
    pub app_version: String,
    /// Country used when the shopper has not chosen one.
    pub default_country: String,
    /// How long catalogue answers are fresh.
    pub cache_ttl: Duration,
    /// How long a stale catalogue answer may still be served while the upstream fails.
    pub cache_stale: Duration,
    /// How long a price quote is reused (at most 30 s: the order fixes the final price).
    pub quote_ttl: Duration,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Order creations (single and cart) + validations allowed per client and minute.
    pub order_rate_per_minute: u32,
    /// The checkout's live checks (each an upstream validation) allowed per
    /// client and minute.
    pub check_rate_per_minute: u32,
    /// Upstream calls a client's requests may cause per minute (cache misses,
    /// prices, order reads, streams).
    pub upstream_rate_per_minute: u32,
    /// The partner's quota of calls a minute for the whole shop, when the
    /// partner said it (0: not told): exported for the quota alert.
    pub partner_quota_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` is believed (empty: nobody's).
    pub trusted_proxies: Vec<IpNet>,
    /// Longest wait for a request's headers, and for the next request on an idle connection.
    pub header_read_timeout: Duration,
    /// Longest time to answer any request but an event stream.
    pub handler_timeout: Duration,
    /// Open connections at most; beyond, a 503.
    pub max_connections: usize,
    /// Open connections of one client address at most (trusted proxies aside);
    /// beyond, a 503 for that address only.
    pub max_connections_per_client: usize,
    /// Longest time an answer may wait for a client that doesn't read it.
    pub write_stall: Duration,
    /// Open event streams per client address at most.
    pub max_streams_per_client: usize,
    /// Idempotency keys remembered at most.
    pub idempotency_max_keys: u64,
    /// Signs the draft cookie of refused no-JavaScript forms.
    pub cookie_secret: Vec<u8>,
    /// Where instances share idempotency keys, limits and known orders (`None`: in process).
    pub redis_url: Option<String>,
    /// Longest wait for any one Redis call.
    pub redis_timeout: Duration,
    /// Sandbox only: delay between payment and delivery.
    pub sandbox_delivery_delay: Duration,
    /// Sandbox only: the bearer token of its control endpoints.
    pub sandbox_control_token: String,
    /// Sandbox only: real EVM chains whose token transfers pay its orders
    /// (`CR_SANDBOX_EVM_RPC`, `CR_SANDBOX_EVM_TOKEN`).
    pub sandbox_chains: Vec<sandbox::chain::ChainWatch>,
    /// Token contracts that replace the built-in table (`CR_EVM_TOKENS`:
    /// `USDC@8453=0x…,USDT@1=0x…`), as `(coin, chain id, contract)`: a local
    /// chain's token, or a contract the table lacks.
    pub evm_tokens: Vec<(String, i64, String)>,
    /// A Solana JSON-RPC (`CR_SOLANA_RPC_URL`) for the recent blockhash of a
    /// wallet payment on Solana; none: Solana orders keep the link and QR only.
    pub solana_rpc_url: Option<String>,
    /// `/readyz` says 503 once every upstream call has failed this long.
    pub ready_upstream_failing: Duration,
    /// Where `/metrics` is served (`CR_METRICS_ADDR`), apart from the shop; none: nowhere.
    pub metrics_addr: Option<std::net::SocketAddr>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("upstream", &self.upstream.for_logs())
            .field("partner_id", &"<hidden>")
            .field("app_version", &self.app_version)
            .field("default_country", &self.default_country)
            .field("cache_ttl", &self.cache_ttl)
            .field("quote_ttl", &self.quote_ttl)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("order_rate_per_minute", &self.order_rate_per_minute)
            .field("check_rate_per_minute", &self.check_rate_per_minute)
            .field("upstream_rate_per_minute", &self.upstream_rate_per_minute)
            .field("partner_quota_per_minute", &self.partner_quota_per_minute)
            .field("cookie_secret", &"<hidden>")
            .field(
                "redis_url",
                &self.redis_url.as_deref().map(redact_credentials),
            )
            .field("sandbox_control_token", &"<hidden>")
            .finish_non_exhaustive()
    }
}

impl Upstream {
    /// The upstream as it may be logged: no user or password in the URL.
    pub fn for_logs(&self) -> String {
        match self {
            Upstream::Sandbox => "the embedded sandbox (/sandbox)".to_string(),
            Upstream::Remote(url) => redact_credentials(url),
        }
    }
}

/// `https://user:pass@host/x` → `https://***@host/x`; what can't be read as a
/// URL is not shown at all (it might hold a password).
pub fn redact_credentials(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            match u.set_password(None).and_then(|()| u.set_username("***")) {
                Ok(()) => u.to_string(),
                Err(()) => "(a URL with credentials)".to_string(),
            }
        }
        Ok(_) => url.to_string(),
        Err(_) => "(not a URL)".to_string(),
    }
}

/// True when the URL's host is this machine.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A random secret (cookie key, control token) when none is configured.
pub fn random_secret(bytes: usize) -> Vec<u8> {
    use rand::RngCore;
    let mut v = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut v);
    v
}

/// A configuration value that can't be used.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {var} {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

/// `url` as an origin (`https://host[:port]`, no trailing slash), if it is
/// one: http or https, a host, and no credentials, path, query or fragment.
fn public_origin(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let origin = matches!(u.scheme(), "http" | "https")
        && u.host().is_some()
        && u.username().is_empty()
        && u.password().is_none()
        && u.path() == "/"
        && u.query().is_none()
        && u.fragment().is_none();
    origin.then(|| u.origin().ascii_serialization())
}

fn bad(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        problem: problem.into(),
    }
}

/// The partner id the sandbox accepts when no real upstream is configured.
pub const SANDBOX_PARTNER_ID: &str = "sandbox-partner-id";

impl Config {
    /// Cookies are `Secure`: the shop is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads settings through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let vars = Vars(lookup);
        let upstream = upstream(vars.get("CR_API_URL"))?;
        let redis_url = redis_url(vars.get("CR_REDIS_URL"))?;
        Ok(Config {
            partner_id: partner_id(&upstream, vars.get("CR_PARTNER_ID"))?,
            upstream,
            public_url: public_url(vars.get("CR_PUBLIC_URL"))?,
            support_email: support_email(vars.get("CR_SUPPORT_EMAIL"))?,
            app_version: app_version(vars.get("CR_APP_VERSION"))?,
            default_country: default_country(vars.get("CR_DEFAULT_COUNTRY"))?,
            cache_ttl: vars.secs("CR_CACHE_TTL_SECS", 300, 1, 86_400)?,
            cache_stale: vars.secs("CR_CACHE_STALE_SECS", 3_600, 0, 604_800)?,
            quote_ttl: vars.secs("CR_QUOTE_TTL_SECS", 20, 0, 30)?,
            connect_timeout: vars.millis("CR_CONNECT_TIMEOUT_MS", 3_000, 50, 60_000)?,
            request_timeout: vars.millis("CR_REQUEST_TIMEOUT_MS", 10_000, 100, 120_000)?,
            order_rate_per_minute: vars.count("CR_ORDER_RATE_PER_MINUTE", 30, 1, 100_000)?,
            check_rate_per_minute: vars.count("CR_CHECK_RATE_PER_MINUTE", 60, 1, 100_000)?,
            upstream_rate_per_minute: vars.count(
                "CR_UPSTREAM_RATE_PER_MINUTE",
                120,
                1,
                1_000_000,
            )?,
            partner_quota_per_minute: vars.count(
                "CR_PARTNER_QUOTA_PER_MINUTE",
                0,
                0,
                100_000_000,
            )?,
            trusted_proxies: trusted_proxies(vars.get("CR_TRUSTED_PROXIES"))?,
            header_read_timeout: vars.millis("CR_HEADER_READ_TIMEOUT_MS", 10_000, 100, 10_000)?,
            handler_timeout: vars.millis("CR_HANDLER_TIMEOUT_MS", 30_000, 100, 300_000)?,
            max_connections: vars.count("CR_MAX_CONNECTIONS", 8_192, 1, 1_000_000)?,
            max_connections_per_client: vars.count(
                "CR_MAX_CONNECTIONS_PER_CLIENT",
                256,
                1,
                1_000_000,
            )?,
            write_stall: vars.millis("CR_WRITE_STALL_MS", 30_000, 100, 300_000)?,
            max_streams_per_client: vars.count("CR_MAX_STREAMS_PER_CLIENT", 16, 1, 1_000_000)?,
            idempotency_max_keys: vars.number("CR_IDEMPOTENCY_MAX_KEYS", 100_000, 1, 10_000_000)?,
            cookie_secret: cookie_secret(vars.get("CR_COOKIE_SECRET"), redis_url.is_some())?,
            redis_url,
            redis_timeout: vars.millis("CR_REDIS_TIMEOUT_MS", 500, 10, 10_000)?,
            sandbox_delivery_delay: vars.millis(
                "CR_SANDBOX_DELIVERY_DELAY_MS",
                3_000,
                0,
                600_000,
            )?,
            sandbox_control_token: control_token(vars.get("CR_SANDBOX_CONTROL_TOKEN"))?,
            sandbox_chains: sandbox::chain::from_env(
                vars.get("CR_SANDBOX_EVM_RPC").as_deref(),
                vars.get("CR_SANDBOX_EVM_TOKEN").as_deref(),
            )
            .map_err(|problem| bad("CR_SANDBOX_EVM_RPC", problem))?,
            evm_tokens: evm_tokens(vars.get("CR_EVM_TOKENS"))?,
            solana_rpc_url: solana_rpc_url(vars.get("CR_SOLANA_RPC_URL"))?,
            ready_upstream_failing: vars.secs("CR_READY_UPSTREAM_FAILING_SECS", 60, 1, 3_600)?,
            metrics_addr: vars
                .get("CR_METRICS_ADDR")
                .map(|a| {
                    a.parse().map_err(|_| {
                        bad(
                            "CR_METRICS_ADDR",
                            format!("must be an address and port like 127.0.0.1:9100 (got {a:?})"),
                        )
                    })
                })
                .transpose()?,
        })
    }
}

/// The environment as the configuration reads it: values trimmed, empty as unset.
struct Vars<F>(F);

impl<F: Fn(&str) -> Option<String>> Vars<F> {
    fn get(&self, var: &str) -> Option<String> {
        (self.0)(var)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// A whole number from `min` to `max`, `default` when unset.
    fn number(
        &self,
        var: &'static str,
        default: u64,
        min: u64,
        max: u64,
    ) -> Result<u64, ConfigError> {
        match self.get(var) {
            None => Ok(default),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    bad(
                        var,
                        format!("must be a whole number from {min} to {max} (got {v:?})"),
                    )
                }),
        }
    }

    /// A count (limits of at most a few million: they fit every integer used).
    fn count<T: TryFrom<u64>>(
        &self,
        var: &'static str,
        default: u64,
        min: u64,
        max: u64,
    ) -> Result<T, ConfigError> {
        let n = self.number(var, default, min, max)?;
        T::try_from(n).map_err(|_| bad(var, format!("{n} is too large here")))
    }

    fn secs(
        &self,
        var: &'static str,
        default: u64,
        min: u64,
        max: u64,
    ) -> Result<Duration, ConfigError> {
        self.number(var, default, min, max).map(Duration::from_secs)
    }

    fn millis(
        &self,
        var: &'static str,
        default: u64,
        min: u64,
        max: u64,
    ) -> Result<Duration, ConfigError> {
        self.number(var, default, min, max)
            .map(Duration::from_millis)
    }
}

/// `CR_API_URL`: the sandbox when unset; else https (http only on loopback).
fn upstream(value: Option<String>) -> Result<Upstream, ConfigError> {
    let Some(url) = value else {
        return Ok(Upstream::Sandbox);
    };
    let url = url.trim_end_matches('/').to_string();
    let parsed = url::Url::parse(&url)
        .ok()
        .filter(|u| u.host().is_some())
        .ok_or_else(|| {
            bad(
                "CR_API_URL",
                "must be a URL like https://api.cryptorefills.com",
            )
        })?;
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) => {}
        "http" => {
            return Err(bad(
                "CR_API_URL",
                "must use https:// (plain http:// only for a server on this machine)",
            ));
        }
        _ => {
            return Err(bad(
                "CR_API_URL",
                format!(
                    "must start with https:// (got {:?})",
                    redact_credentials(&url)
                ),
            ));
        }
    }
    Ok(Upstream::Remote(url))
}

/// `CR_PARTNER_ID`: required for a real upstream; the sandbox has its own.
fn partner_id(upstream: &Upstream, value: Option<String>) -> Result<String, ConfigError> {
    match (upstream, value) {
        (_, Some(id)) if id.chars().any(|c| c.is_control()) => {
            Err(bad("CR_PARTNER_ID", "must not contain control characters"))
        }
        (_, Some(id)) => Ok(id),
        (Upstream::Sandbox, None) => Ok(SANDBOX_PARTNER_ID.to_string()),
        (Upstream::Remote(_), None) => Err(bad(
            "CR_PARTNER_ID",
            "is required when CR_API_URL is set (your partner id from the Cryptorefills account page)",
        )),
    }
}

/// `CR_APP_VERSION`: what the upstream is told we are.
fn app_version(value: Option<String>) -> Result<String, ConfigError> {
    let version =
        value.unwrap_or_else(|| concat!("storefront/", env!("CARGO_PKG_VERSION")).to_string());
    if version.chars().any(|c| c.is_control()) {
        return Err(bad("CR_APP_VERSION", "must not contain control characters"));
    }
    Ok(version)
}

/// `CR_DEFAULT_COUNTRY`: one of the 233 (US when unset).
fn default_country(value: Option<String>) -> Result<String, ConfigError> {
    let cc = value.unwrap_or_else(|| "US".to_string());
    crate::model::countries::find(&cc)
        .map(|c| c.code.to_string())
        .ok_or_else(|| {
            bad(
                "CR_DEFAULT_COUNTRY",
                format!("{cc:?} is not one of the 233 supported country codes"),
            )
        })
}

/// `CR_TRUSTED_PROXIES`: addresses or CIDRs, comma or space separated.
fn trusted_proxies(value: Option<String>) -> Result<Vec<IpNet>, ConfigError> {
    let Some(list) = value else {
        return Ok(Vec::new());
    };
    list.split([',', ' '])
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<IpNet>()
                .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    bad(
                        "CR_TRUSTED_PROXIES",
                        format!("{p:?} is not an address or a CIDR like 10.0.0.0/8"),
                    )
                })
        })
        .collect()
}

/// `CR_PUBLIC_URL`: an origin, or none.
fn public_url(value: Option<String>) -> Result<Option<String>, ConfigError> {
    value
        .map(|url| {
            public_origin(&url).ok_or_else(|| {
                bad(
                    "CR_PUBLIC_URL",
                    format!(
                        "must be an origin like https://shop.example (scheme and host, optional port, no path, query or credentials; got {url:?})"
                    ),
                )
            })
        })
        .transpose()
}

/// `CR_SUPPORT_EMAIL`: an email address, or none.
fn support_email(value: Option<String>) -> Result<Option<String>, ConfigError> {
    value
        .map(|v| {
            crate::model::beneficiary::parse_email(&v).map_err(|_| {
                bad(
                    "CR_SUPPORT_EMAIL",
                    format!("must be an email address like help@shop.example (got {v:?})"),
                )
            })
        })
        .transpose()
}

/// `CR_REDIS_URL`: redis:// or rediss://, or none.
fn redis_url(value: Option<String>) -> Result<Option<String>, ConfigError> {
    if let Some(url) = &value
        && !(url.starts_with("redis://") || url.starts_with("rediss://"))
    {
        return Err(bad(
            "CR_REDIS_URL",
            format!(
                "must start with redis:// or rediss:// (got {:?})",
                redact_credentials(url)
            ),
        ));
    }
    Ok(value)
}

/// `CR_COOKIE_SECRET`: at least 32 characters; required with Redis (every
/// instance signs alike); random otherwise.
fn cookie_secret(value: Option<String>, shared: bool) -> Result<Vec<u8>, ConfigError> {
    match value {
        Some(s) if s.len() >= 32 => Ok(s.into_bytes()),
        Some(_) => Err(bad("CR_COOKIE_SECRET", "must be at least 32 characters")),
        None if shared => Err(bad(
            "CR_COOKIE_SECRET",
            "is required when CR_REDIS_URL is set: every instance must sign drafts and carts with the same secret",
        )),
        None => Ok(random_secret(32)),
    }
}

/// `CR_SANDBOX_CONTROL_TOKEN`: no spaces or control characters.
fn control_token(value: Option<String>) -> Result<String, ConfigError> {
    let token = value.unwrap_or_default();
    if token.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad(
            "CR_SANDBOX_CONTROL_TOKEN",
            "must not contain spaces or control characters",
        ));
    }
    Ok(token)
}

/// `CR_SOLANA_RPC_URL`: https (http only on this machine), or none.
fn solana_rpc_url(value: Option<String>) -> Result<Option<String>, ConfigError> {
    let Some(url) = value else { return Ok(None) };
    let ok = url::Url::parse(&url).ok().filter(|u| {
        u.host().is_some() && (u.scheme() == "https" || (u.scheme() == "http" && is_loopback(u)))
    });
    ok.map(|_| Some(url.clone())).ok_or_else(|| {
        bad(
            "CR_SOLANA_RPC_URL",
            format!("must be an https:// URL (plain http:// only on this machine; got {url:?})"),
        )
    })
}

/// `CR_EVM_TOKENS`: `COIN@CHAIN=0xCONTRACT`, comma-separated.
fn evm_tokens(value: Option<String>) -> Result<Vec<(String, i64, String)>, ConfigError> {
    use crate::model::evm::{chain, is_address};
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|entry| {
            let parsed = entry.split_once('=').and_then(|(pair, contract)| {
                let (coin, id) = pair.trim().split_once('@')?;
                let id: i64 = id.trim().parse().ok()?;
                let contract = contract.trim();
                let coin = coin.trim().to_ascii_uppercase();
                let ok = chain(id).is_some() && is_address(contract) && !coin.is_empty();
                ok.then(|| (coin, id, contract.to_string()))
            });
            parsed.ok_or_else(|| {
                bad(
                    "CR_EVM_TOKENS",
                    format!(
                        "must be COIN@CHAIN=0xCONTRACT entries on chains 1, 8453, 42161 or 137, comma-separated (got {entry:?})"
                    ),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn token_contracts_for_a_local_chain_are_read_or_refused_by_name() {
        let local = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
        let c = cfg(&[(
            "CR_EVM_TOKENS",
            &format!("usdc@8453={local}, USDT@1={local}"),
        )])
        .expect("read");
        assert_eq!(
            c.evm_tokens,
            vec![
                ("USDC".to_string(), 8453, local.to_string()),
                ("USDT".to_string(), 1, local.to_string())
            ]
        );
        for bad_value in [
            "USDC@56=0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "USDC@8453=0x12",
            "USDC=0x5FbDB2315678afecb367f032d93F642f64180aa3",
        ] {
            assert_eq!(
                cfg(&[("CR_EVM_TOKENS", bad_value)])
                    .expect_err(bad_value)
                    .var,
                "CR_EVM_TOKENS"
            );
        }
        assert_eq!(
            cfg(&[("CR_SANDBOX_EVM_RPC", "http://127.0.0.1:8545")])
                .expect_err("no token")
                .var,
            "CR_SANDBOX_EVM_RPC"
        );
    }

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_to_the_sandbox() {
        let c = cfg(&[]).expect("defaults");
        assert_eq!(c.upstream, Upstream::Sandbox);
        assert_eq!(c.partner_id, SANDBOX_PARTNER_ID);
        assert_eq!(c.default_country, "US");
    }

    #[test]
    fn real_upstream_needs_a_partner_id() {
        let e = cfg(&[("CR_API_URL", "https://api.cryptorefills.com/")]).expect_err("needs id");
        assert_eq!(e.var, "CR_PARTNER_ID");
        let c = cfg(&[
            ("CR_API_URL", "https://api.cryptorefills.com/"),
            ("CR_PARTNER_ID", "p1"),
        ])
        .expect("ok");
        assert_eq!(
            c.upstream,
            Upstream::Remote("https://api.cryptorefills.com".into())
        );
    }

    #[test]
    fn debug_hides_the_secrets() {
        let c = cfg(&[
            ("CR_API_URL", "https://api.cryptorefills.com"),
            ("CR_PARTNER_ID", "partner-secret-42"),
            (
                "CR_COOKIE_SECRET",
                "cookie-secret-cookie-secret-cookie-secret",
            ),
            ("CR_SANDBOX_CONTROL_TOKEN", "control-secret"),
        ])
        .expect("ok");
        let shown = format!("{c:?}");
        for secret in ["partner-secret-42", "cookie-secret", "control-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn a_remote_upstream_must_be_https_except_on_loopback() {
        let with = |url: &str| cfg(&[("CR_API_URL", url), ("CR_PARTNER_ID", "p")]);
        assert_eq!(
            with("http://api.cryptorefills.com").expect_err("plain").var,
            "CR_API_URL"
        );
        assert_eq!(
            with("http://10.0.0.5:8081").expect_err("lan").var,
            "CR_API_URL"
        );
        for ok in [
            "https://api.cryptorefills.com",
            "http://127.0.0.1:8081",
            "http://localhost:8081/",
            "http://[::1]:8081",
        ] {
            assert!(with(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn logs_never_show_url_credentials() {
        let e = cfg(&[("CR_API_URL", "ftp://user:hunter2@x")]).expect_err("scheme");
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let c = cfg(&[
            ("CR_API_URL", "https://user:hunter2@api.example/v"),
            ("CR_PARTNER_ID", "p"),
        ])
        .expect("ok");
        assert_eq!(c.upstream.for_logs(), "https://***@api.example/v");
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn trusted_proxies_are_cidrs_or_addresses() {
        let c = cfg(&[("CR_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1 ::1")]).expect("ok");
        assert_eq!(c.trusted_proxies.len(), 3);
        assert!(cfg(&[]).expect("default").trusted_proxies.is_empty());
        assert_eq!(
            cfg(&[("CR_TRUSTED_PROXIES", "10.0.0.0/33")])
                .expect_err("bad")
                .var,
            "CR_TRUSTED_PROXIES"
        );
    }

    #[test]
    fn redis_needs_a_redis_url_and_one_cookie_secret_for_all_instances() {
        let secret = ("CR_COOKIE_SECRET", "0123456789abcdef0123456789abcdef");
        let c = cfg(&[("CR_REDIS_URL", "redis://:pw@10.0.0.5:6379/2"), secret]).expect("redis");
        assert_eq!(c.redis_url.as_deref(), Some("redis://:pw@10.0.0.5:6379/2"));
        assert!(!format!("{c:?}").contains("pw"), "{c:?}");
        assert_eq!(cfg(&[secret]).expect("default").redis_url, None);
        let e = cfg(&[("CR_REDIS_URL", "http://redis:6379"), secret]).expect_err("scheme");
        assert_eq!(e.var, "CR_REDIS_URL");
        let e = cfg(&[("CR_REDIS_URL", "redis://127.0.0.1:6379")]).expect_err("no secret");
        assert_eq!(e.var, "CR_COOKIE_SECRET");
        let e = cfg(&[("CR_REDIS_TIMEOUT_MS", "0"), secret]).expect_err("timeout");
        assert_eq!(e.var, "CR_REDIS_TIMEOUT_MS");
    }

    #[test]
    fn the_support_address_is_an_email_address() {
        let c = cfg(&[("CR_SUPPORT_EMAIL", " help@shop.example ")]).expect("ok");
        assert_eq!(c.support_email.as_deref(), Some("help@shop.example"));
        assert_eq!(cfg(&[]).expect("ok").support_email, None);
        for bad in [
            "help",
            "help@shop",
            "<help@shop.example>",
            "a b@shop.example",
        ] {
            let e = cfg(&[("CR_SUPPORT_EMAIL", bad)]).expect_err(bad);
            assert_eq!(e.var, "CR_SUPPORT_EMAIL", "{bad}");
        }
    }

    #[test]
    fn the_public_url_is_an_origin() {
        let c = cfg(&[("CR_PUBLIC_URL", "https://shop.example/")]).expect("ok");
        assert_eq!(c.public_url.as_deref(), Some("https://shop.example"));
        assert!(c.secure_cookies());
        let c = cfg(&[("CR_PUBLIC_URL", "http://127.0.0.1:3000")]).expect("ok");
        assert!(!c.secure_cookies());
        assert!(!cfg(&[]).expect("ok").secure_cookies());
        for bad in [
            "shop.example",
            "ftp://shop.example",
            "https://",
            "https://shop.example/path",
            "https://shop.example?x=1",
            "https://user@shop.example",
            "https://shop .example",
        ] {
            let e = cfg(&[("CR_PUBLIC_URL", bad)]).expect_err(bad);
            assert!(e.to_string().contains("CR_PUBLIC_URL"), "{bad}: {e}");
        }
    }

    #[test]
    fn bad_values_are_named() {
        assert_eq!(
            cfg(&[("CR_API_URL", "ftp://x")]).expect_err("scheme").var,
            "CR_API_URL"
        );
        assert_eq!(
            cfg(&[("CR_DEFAULT_COUNTRY", "ZZ")]).expect_err("cc").var,
            "CR_DEFAULT_COUNTRY"
        );
        let e = cfg(&[("CR_CACHE_TTL_SECS", "soon")]).expect_err("ttl");
        assert!(e.to_string().contains("CR_CACHE_TTL_SECS"), "{e}");
        assert_eq!(
            cfg(&[("CR_DEFAULT_COUNTRY", "de")])
                .expect("lower")
                .default_country,
            "DE"
        );
    }
}
