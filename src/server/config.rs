//! Configuration from the environment. Bad values stop start-up with a message
//! that names the variable and what it expects.

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
#[derive(Clone, Debug)]
pub struct Config {
    pub upstream: Upstream,
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
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Order creations + validations allowed per client and minute.
    pub order_rate_per_minute: u32,
    /// Sandbox only: delay between payment and delivery.
    pub sandbox_delivery_delay: Duration,
}

/// A configuration value that can't be used.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {var} {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
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
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads settings through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |k: &str| {
            lookup(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let upstream = match get("CR_API_URL") {
            None => Upstream::Sandbox,
            Some(url) => {
                let url = url.trim_end_matches('/').to_string();
                let rest = url
                    .strip_prefix("https://")
                    .or_else(|| url.strip_prefix("http://"))
                    .ok_or_else(|| {
                        bad(
                            "CR_API_URL",
                            format!("must start with https:// or http:// (got {url:?})"),
                        )
                    })?;
                if rest.is_empty() || rest.contains(char::is_whitespace) {
                    return Err(bad(
                        "CR_API_URL",
                        "must be a URL like https://api.cryptorefills.com",
                    ));
                }
                Upstream::Remote(url)
            }
        };
        let partner_id = match (&upstream, get("CR_PARTNER_ID")) {
            (_, Some(id)) if id.chars().any(|c| c.is_control()) => {
                return Err(bad("CR_PARTNER_ID", "must not contain control characters"));
            }
            (_, Some(id)) => id,
            (Upstream::Sandbox, None) => SANDBOX_PARTNER_ID.to_string(),
            (Upstream::Remote(_), None) => {
                return Err(bad(
                    "CR_PARTNER_ID",
                    "is required when CR_API_URL is set (your partner id from the Cryptorefills account page)",
                ));
            }
        };
        let app_version = get("CR_APP_VERSION")
            .unwrap_or_else(|| concat!("storefront/", env!("CARGO_PKG_VERSION")).to_string());
        if app_version.chars().any(|c| c.is_control()) {
            return Err(bad("CR_APP_VERSION", "must not contain control characters"));
        }
        let default_country = get("CR_DEFAULT_COUNTRY").unwrap_or_else(|| "US".to_string());
        let default_country = crate::model::countries::find(&default_country)
            .ok_or_else(|| {
                bad(
                    "CR_DEFAULT_COUNTRY",
                    format!("{default_country:?} is not one of the 233 supported country codes"),
                )
            })?
            .code
            .to_string();
        let secs =
            |var: &'static str, default: u64, min: u64, max: u64| -> Result<u64, ConfigError> {
                match get(var) {
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
            };
        Ok(Config {
            upstream,
            partner_id,
            app_version,
            default_country,
            cache_ttl: Duration::from_secs(secs("CR_CACHE_TTL_SECS", 300, 1, 86_400)?),
            cache_stale: Duration::from_secs(secs("CR_CACHE_STALE_SECS", 3_600, 0, 604_800)?),
            connect_timeout: Duration::from_millis(secs(
                "CR_CONNECT_TIMEOUT_MS",
                3_000,
                50,
                60_000,
            )?),
            request_timeout: Duration::from_millis(secs(
                "CR_REQUEST_TIMEOUT_MS",
                10_000,
                100,
                120_000,
            )?),
            order_rate_per_minute: secs("CR_ORDER_RATE_PER_MINUTE", 30, 1, 100_000)? as u32,
            sandbox_delivery_delay: Duration::from_millis(secs(
                "CR_SANDBOX_DELIVERY_DELAY_MS",
                3_000,
                0,
                600_000,
            )?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

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
