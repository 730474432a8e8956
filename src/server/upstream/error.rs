//! What can go wrong talking to the upstream, and how it is shown to shoppers.

use crate::error::AppError;
use crate::model::problem::{Field, Problem};

/// An upstream failure with its internal details (logged, never sent to a browser).
#[derive(Clone, Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("upstream timed out")]
    Timeout,
    #[error("upstream unreachable: {0}")]
    Unreachable(String),
    /// The connection could not be made: the request certainly did not arrive.
    #[error("upstream not reached: {0}")]
    NotSent(String),
    #[error("upstream reported problems: {0:?}")]
    Problems(Vec<Problem>),
    #[error("upstream suspension: {0}")]
    Suspended(String),
    #[error("upstream: not found")]
    NotFound,
    #[error("upstream rate limited (retry after {0:?} s)")]
    RateLimited(Option<u64>),
    /// Not sent: the client's share of the partner's quota is spent for now.
    #[error("client quota spent (retry after {0} s)")]
    QuotaSpent(u64),
    #[error("upstream refused the request: HTTP {status}: {body}")]
    Refused { status: u16, body: String },
    #[error("upstream failed: HTTP {status}: {body}")]
    Failed { status: u16, body: String },
    #[error("upstream answer undecodable: {0}")]
    Undecodable(String),
}

impl UpstreamError {
    /// True when the request may have been carried out although no readable
    /// answer came back (a timeout, a dropped connection, a 5xx, an unreadable body).
    pub fn may_have_happened(&self) -> bool {
        matches!(
            self,
            UpstreamError::Timeout
                | UpstreamError::Unreachable(_)
                | UpstreamError::Failed { .. }
                | UpstreamError::Undecodable(_)
        )
    }

    /// Reads an error answer: problems, a suspension, a rate limit, or a plain status.
    pub fn from_status(status: u16, retry_after: Option<u64>, body: &[u8]) -> UpstreamError {
        let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
        if let Some(j) = &json {
            if let Some(problems) = problems_of(j).filter(|p| !p.is_empty()) {
                return UpstreamError::Problems(problems);
            }
            if let Some(detail) = j.get("detail").and_then(|d| d.as_str())
                && (detail == "SUSPENDED_COIN" || detail == "SUSPENDED_NETWORK")
            {
                return UpstreamError::Suspended(detail.to_string());
            }
        }
        match status {
            404 => UpstreamError::NotFound,
            429 => UpstreamError::RateLimited(retry_after),
            400..=499 => UpstreamError::Refused { status, body: text },
            _ => UpstreamError::Failed { status, body: text },
        }
    }
}

/// The `problems` list of a validation or order answer (an object's `problems`,
/// or a bare list), if any.
pub fn problems_of(json: &serde_json::Value) -> Option<Vec<Problem>> {
    let list = match json {
        serde_json::Value::Array(items) => items,
        other => other.get("problems")?.as_array()?,
    };
    Some(
        list.iter()
            .filter_map(|p| match p {
                serde_json::Value::String(code) => Some(Problem::new(code)),
                other => serde_json::from_value::<Problem>(other.clone()).ok(),
            })
            .collect(),
    )
}

impl From<UpstreamError> for AppError {
    fn from(e: UpstreamError) -> AppError {
        match e {
            UpstreamError::Problems(p) => AppError::Rejected(p),
            UpstreamError::Suspended(code) => AppError::Suspended(code),
            UpstreamError::NotFound => AppError::NotFound(crate::error::Missing::Page),
            UpstreamError::RateLimited(retry_after) => AppError::RateLimited { retry_after },
            UpstreamError::QuotaSpent(wait) => AppError::RateLimited {
                retry_after: Some(wait),
            },
            UpstreamError::Refused { .. } => {
                AppError::invalid(Field::Order, crate::model::problem::Reason::SupplierRefused)
            }
            // Logged where the call failed (`client::logged`), not here.
            UpstreamError::Timeout
            | UpstreamError::Unreachable(_)
            | UpstreamError::NotSent(_)
            | UpstreamError::Failed { .. }
            | UpstreamError::Undecodable(_) => AppError::Unavailable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_classified() {
        let p =
            UpstreamError::from_status(400, None, br#"{"problems":[{"problem":"OUT_OF_STOCK"}]}"#);
        assert!(matches!(p, UpstreamError::Problems(ref v) if v[0].problem == "OUT_OF_STOCK"));
        let s =
            UpstreamError::from_status(422, None, br#"{"status":422,"detail":"SUSPENDED_COIN"}"#);
        assert!(matches!(s, UpstreamError::Suspended(ref c) if c == "SUSPENDED_COIN"));
        assert!(matches!(
            UpstreamError::from_status(429, Some(7), b""),
            UpstreamError::RateLimited(Some(7))
        ));
        assert!(matches!(
            UpstreamError::from_status(503, None, b"<html>"),
            UpstreamError::Failed { status: 503, .. }
        ));
        assert!(matches!(
            UpstreamError::from_status(404, None, b"{}"),
            UpstreamError::NotFound
        ));
    }

    #[test]
    fn nothing_internal_reaches_the_browser() {
        let e: AppError = UpstreamError::Failed {
            status: 500,
            body: "secret-partner trace at https://api".into(),
        }
        .into();
        let json = serde_json::to_string(&e).expect("ser");
        assert!(
            !json.contains("secret") && !json.contains("https"),
            "{json}"
        );
    }
}
