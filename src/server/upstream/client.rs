//! One shared reqwest client with the partner headers on every call.

use super::error::UpstreamError;
use crate::server::client_addr::ClientAddr;
use crate::server::ratelimit::Limiter;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;

/// Who the call is made for: the shopper's country and, forwarded, their
/// browser's User-Agent and address.
#[derive(Clone, Debug, Default)]
pub struct Shopper {
    pub country: String,
    pub user_agent: Option<String>,
    pub forwarded_for: Option<String>,
    /// Whose quota the call spends (none for the server's own calls).
    pub client: Option<ClientAddr>,
    /// The language the shopper reads: sent as `lang` on product and order calls.
    pub lang: crate::lang::Locale,
}

impl Shopper {
    /// A shopper known only by country (background and test calls).
    pub fn in_country(country: &str) -> Shopper {
        Shopper {
            country: country.to_string(),
            ..Shopper::default()
        }
    }
}

/// The partner API client. Cheap to clone; every clone shares the connection pool.
#[derive(Clone)]
pub struct UpstreamClient {
    http: reqwest::Client,
    stream_http: reqwest::Client,
    base: Arc<str>,
    partner_headers: HeaderMap,
    /// Upstream calls per client and minute.
    quota: Option<Arc<Limiter>>,
    /// Since when calls have failed (readiness).
    health: Arc<super::health::UpstreamHealth>,
}

/// Longest error body kept for logs.
const MAX_ERROR_BODY: usize = 4096;
/// Largest JSON answer accepted.
const MAX_BODY: usize = 8 * 1024 * 1024;

impl UpstreamClient {
    /// Builds the client for `base` (no trailing slash) with the partner's credentials.
    pub fn new(
        base: &str,
        partner_id: &str,
        app_version: &str,
        connect_timeout: Duration,
        request_timeout: Duration,
    ) -> Result<UpstreamClient, String> {
        let mut partner_headers = HeaderMap::new();
        let value = |v: &str, what: &str| {
            HeaderValue::from_str(v).map_err(|_| format!("{what} is not a valid header value"))
        };
        let mut id = value(partner_id, "CR_PARTNER_ID")?;
        id.set_sensitive(true);
        partner_headers.insert(HeaderName::from_static("x-cr-application"), id);
        partner_headers.insert(
            HeaderName::from_static("x-cr-version"),
            value(app_version, "CR_APP_VERSION")?,
        );
        partner_headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(request_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        // Event streams live long: only the connection and each read are bounded.
        let stream_http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .read_timeout(Duration::from_secs(90))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(UpstreamClient {
            http,
            stream_http,
            base: Arc::from(base.trim_end_matches('/')),
            partner_headers,
            quota: None,
            health: Arc::default(),
        })
    }

    /// Limits the upstream calls each client's requests may cause.
    pub fn with_quota(mut self, quota: Arc<Limiter>) -> UpstreamClient {
        self.quota = Some(quota);
        self
    }

    /// Takes one call from the shopper's quota.
    async fn spend(&self, shopper: &Shopper) -> Result<(), UpstreamError> {
        match (&self.quota, shopper.client) {
            (Some(quota), Some(client)) => {
                quota.check(client).await.map_err(UpstreamError::QuotaSpent)
            }
            _ => Ok(()),
        }
    }

    fn headers(&self, shopper: &Shopper) -> HeaderMap {
        let mut h = self.partner_headers.clone();
        if let Ok(v) = HeaderValue::from_str(&shopper.country) {
            h.insert(HeaderName::from_static("x-country-iso-code"), v);
        }
        if let Some(v) = shopper
            .user_agent
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            h.insert(USER_AGENT, v);
        }
        if let Some(v) = shopper
            .forwarded_for
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            h.insert(HeaderName::from_static("x-forwarded-for"), v);
        }
        h
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// `GET path?query` and decode the JSON answer.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        shopper: &Shopper,
    ) -> Result<T, UpstreamError> {
        self.spend(shopper).await?;
        let started = std::time::Instant::now();
        let req = self
            .http
            .get(self.url(path))
            .headers(self.headers(shopper))
            .query(query);
        self.observed(
            path,
            started,
            async { decode(send(req).await?).await }.await,
        )
    }

    /// `POST path` with a JSON body and decode the JSON answer.
    pub async fn post_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        shopper: &Shopper,
    ) -> Result<T, UpstreamError> {
        self.spend(shopper).await?;
        let started = std::time::Instant::now();
        let req = self
            .http
            .post(self.url(path))
            .headers(self.headers(shopper))
            .json(body);
        self.observed(
            path,
            started,
            async { decode(send(req).await?).await }.await,
        )
    }

    /// Opens an event stream; the answer's status is already checked.
    pub async fn open_stream(
        &self,
        path: &str,
        shopper: &Shopper,
        last_event_id: Option<&str>,
    ) -> Result<reqwest::Response, UpstreamError> {
        self.spend(shopper).await?;
        let started = std::time::Instant::now();
        let mut req = self
            .stream_http
            .get(self.url(path))
            .headers(self.headers(shopper))
            .header(ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id);
        }
        self.observed(path, started, send(req).await)
    }

    /// Whether the upstream has been answering (readiness).
    pub fn health(&self) -> &super::health::UpstreamHealth {
        &self.health
    }

    /// Counts a call's outcome for readiness and metrics, and logs a failure.
    fn observed<T>(
        &self,
        path: &str,
        started: std::time::Instant,
        result: Result<T, UpstreamError>,
    ) -> Result<T, UpstreamError> {
        use crate::server::metrics::{EndpointLabels, UpstreamLabels, endpoint_template, metrics};
        self.health.record(&result);
        let endpoint = endpoint_template(path);
        let outcome = match &result {
            Ok(_) => "ok",
            Err(UpstreamError::Timeout) => "timeout",
            Err(UpstreamError::Unreachable(_) | UpstreamError::NotSent(_)) => "unreachable",
            Err(UpstreamError::Failed { .. }) => "failed",
            Err(UpstreamError::Undecodable(_)) => "undecodable",
            Err(UpstreamError::Refused { .. }) => "refused",
            Err(UpstreamError::Problems(_)) => "problems",
            Err(UpstreamError::Suspended(_)) => "suspended",
            Err(UpstreamError::NotFound) => "not_found",
            Err(UpstreamError::RateLimited(_)) => "rate_limited",
            // Never a call: `spend` refuses before one is sent (counted as
            // `storefront_rate_limit_refusals_total{limit="upstream"}`).
            Err(UpstreamError::QuotaSpent(_)) => "quota_spent",
        };
        let m = metrics();
        m.upstream_calls
            .get_or_create(&UpstreamLabels { endpoint, outcome })
            .inc();
        m.upstream_duration
            .get_or_create(&EndpointLabels { endpoint })
            .observe(started.elapsed().as_secs_f64());
        logged(path, result)
    }
}

/// Logs a failed call once, where it happened, with the upstream's internal
/// details (a refusal's body, a transport error): what an operator needs and a
/// shopper never sees. Answers that are the shopper's to read (problems, a
/// suspension, not found, a rate limit) are not failures of the shop.
fn logged<T>(path: &str, result: Result<T, UpstreamError>) -> Result<T, UpstreamError> {
    if let Err(e) = &result {
        log_failure(path, e);
    }
    result
}

/// Logs one failure as [`logged`] does; also for an answer that arrived but
/// can't be used (a price without its amount).
pub fn log_failure(path: &str, e: &UpstreamError) {
    match e {
        UpstreamError::Refused { .. } => {
            tracing::warn!(%path, error = %e, "upstream refused a request")
        }
        UpstreamError::Timeout
        | UpstreamError::Unreachable(_)
        | UpstreamError::NotSent(_)
        | UpstreamError::Failed { .. }
        | UpstreamError::Undecodable(_) => {
            tracing::warn!(%path, error = %e, "upstream unavailable")
        }
        UpstreamError::Problems(_)
        | UpstreamError::Suspended(_)
        | UpstreamError::NotFound
        | UpstreamError::RateLimited(_)
        | UpstreamError::QuotaSpent(_) => {}
    }
}

fn retry_after(resp: &reqwest::Response) -> Option<u64> {
    resp.headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
}

/// Sends and turns transport failures and error statuses into `UpstreamError`.
async fn send(req: reqwest::RequestBuilder) -> Result<reqwest::Response, UpstreamError> {
    // The partner can quote the request that caused the call.
    let req = match crate::server::request_id::current() {
        Some(id) => req.header(crate::server::request_id::HEADER, id),
        None => req,
    };
    let resp = req.send().await.map_err(|e| {
        if e.is_timeout() {
            UpstreamError::Timeout
        } else if e.is_connect() {
            UpstreamError::NotSent(e.without_url().to_string())
        } else {
            UpstreamError::Unreachable(e.without_url().to_string())
        }
    })?;
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let retry = retry_after(&resp);
    let body = read_limited(resp, MAX_ERROR_BODY).await.unwrap_or_default();
    Err(UpstreamError::from_status(status.as_u16(), retry, &body))
}

async fn read_limited(mut resp: reqwest::Response, limit: usize) -> Result<Vec<u8>, UpstreamError> {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if out.len() + chunk.len() > limit {
                    if limit == MAX_ERROR_BODY {
                        out.extend_from_slice(&chunk[..limit.saturating_sub(out.len())]);
                        return Ok(out);
                    }
                    return Err(UpstreamError::Undecodable("answer too large".into()));
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(out),
            Err(e) if e.is_timeout() => return Err(UpstreamError::Timeout),
            Err(e) => return Err(UpstreamError::Unreachable(e.without_url().to_string())),
        }
    }
}

async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, UpstreamError> {
    let body = read_limited(resp, MAX_BODY).await?;
    serde_json::from_slice(&body).map_err(|e| UpstreamError::Undecodable(e.to_string()))
}
