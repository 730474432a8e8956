//! The one error type the browser sees. It carries what a shopper needs (plain
//! words, the field at fault) and nothing of the upstream (no URLs, texts, ids).

use crate::i18n::td_string;
use crate::lang::Locale;
use crate::model::checkout::CheckoutForm;
use crate::model::problem::{Field, FieldIssue, Problem, Reason};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A form coming back to its page: what was typed and why it was refused (or,
/// for "order again", no error: the same details, ready to send).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub form: CheckoutForm,
    pub error: Option<AppError>,
    /// The exact price of the amount and coin the form names, when "Update
    /// price" (a page without JavaScript) asked for it.
    #[serde(default)]
    pub quote: Option<crate::model::checkout::Quote>,
}

/// Everything that can go wrong between the browser and the upstream, made safe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (unknown brand, order, country).
    #[error("{0:?} was not found.")]
    NotFound(Missing),
    /// The shopper's input was refused before reaching the upstream.
    #[error("Please check the highlighted fields.")]
    Invalid(Vec<FieldIssue>),
    /// The upstream refused the order with problems (several at once).
    #[error("The order can't be placed as it is.")]
    Rejected(Vec<Problem>),
    /// A coin or network is suspended (the upstream's HTTP-level `detail`).
    #[error("{}", Problem::new(.0).message(Locale::en))]
    Suspended(String),
    /// Too many requests; `retry_after` seconds when known.
    #[error("Too many requests. Please wait {} and try again.", wait_words(Locale::en, *.retry_after))]
    RateLimited { retry_after: Option<u64> },
    /// The supplier is down, slow or answered nonsense.
    #[error("Our supplier is not answering right now. Please try again in a moment.")]
    Unavailable,
    /// The order went to the supplier and no readable answer came back: it may
    /// exist. Retrying the same form never places a second one.
    #[error(
        "We sent your order but didn't get a clear answer, so it may have been placed. Don't pay or order again yet: check your email for a confirmation in a few minutes, and contact us with your email address if none arrives."
    )]
    Uncertain,
    /// The store that keeps orders from being placed twice can't be reached, so
    /// none is placed (several instances would otherwise place one each).
    #[error(
        "We can't take orders for a moment, so nothing was ordered or charged. Please try again in a minute."
    )]
    OrdersPaused,
    /// A form that changes this browser's cart or recent orders came from another site.
    #[error(
        "This form was sent from another website, so nothing was changed. Use the form on this shop's own page."
    )]
    CrossSite,
    /// The supplier's price for the whole order (its validation) is not the
    /// total the page showed: nothing was ordered; the page shows this total,
    /// to be paid only once the shopper has seen it.
    #[error("The whole order comes to {total} {coin}: check it, then pay again.")]
    TotalChanged {
        total: String,
        coin: String,
        /// What became of a typed coupon in that price.
        coupon: Option<crate::model::checkout::CouponOutcome>,
    },
    /// The browser could not reach our own server, or the call failed in transit.
    #[error("We couldn't reach the store. Check your connection and try again.")]
    Transport,
}

/// What was not found, named in the shopper's words when shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Missing {
    Page,
    Brand,
    Order,
    Country,
}

impl Missing {
    /// "This brand", in `l`.
    pub fn words(self, l: Locale) -> &'static str {
        match self {
            Missing::Page => td_string!(l, errors.this_page),
            Missing::Brand => td_string!(l, errors.this_brand),
            Missing::Order => td_string!(l, errors.this_order),
            Missing::Country => td_string!(l, errors.this_country),
        }
    }
}

fn wait_words(l: Locale, secs: Option<u64>) -> String {
    match secs {
        Some(1) => td_string!(l, errors.wait_a_second).to_string(),
        Some(s) if s < 120 => td_string!(l, errors.wait_seconds, count = s),
        Some(s) => td_string!(l, errors.wait_minutes, count = s.div_ceil(60)),
        None => td_string!(l, errors.wait_a_moment).to_string(),
    }
}

impl AppError {
    /// One field-level complaint.
    pub fn invalid(field: Field, reason: Reason) -> AppError {
        AppError::Invalid(vec![FieldIssue::new(field, reason)])
    }

    /// The HTTP status a page or endpoint answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Invalid(_) | AppError::Rejected(_) => 422,
            AppError::Suspended(_) => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Unavailable | AppError::Transport | AppError::OrdersPaused => 503,
            AppError::Uncertain => 502,
            AppError::TotalChanged { .. } => 409,
            AppError::CrossSite => 403,
        }
    }

    /// The error in the shopper's words (the `Display` text is English, for logs).
    pub fn message(&self, l: Locale) -> String {
        match self {
            AppError::NotFound(what) => td_string!(l, errors.not_found, what = what.words(l)),
            AppError::Invalid(_) => td_string!(l, errors.invalid).to_string(),
            AppError::Rejected(_) => td_string!(l, errors.rejected).to_string(),
            AppError::Suspended(code) => Problem::new(code).message(l),
            AppError::RateLimited { retry_after } => {
                td_string!(l, errors.rate_limited, wait = wait_words(l, *retry_after))
            }
            AppError::Unavailable => td_string!(l, errors.unavailable).to_string(),
            AppError::Uncertain => td_string!(l, errors.uncertain).to_string(),
            AppError::OrdersPaused => td_string!(l, errors.orders_paused).to_string(),
            AppError::CrossSite => td_string!(l, errors.cross_site).to_string(),
            AppError::Transport => td_string!(l, errors.transport).to_string(),
            AppError::TotalChanged { total, coin, .. } => td_string!(
                l,
                errors.total_changed,
                total = crate::lang::money(l, total, coin)
            ),
        }
    }

    /// Messages for one checkout field, local checks and upstream problems alike.
    pub fn messages_for(&self, field: Field, l: Locale) -> Vec<String> {
        match self {
            AppError::Invalid(issues) => issues
                .iter()
                .filter(|i| i.field == field)
                .map(|i| i.message(l))
                .collect(),
            AppError::Rejected(problems) => problems
                .iter()
                .filter(|p| p.field() == field)
                .map(|p| p.message(l))
                .collect(),
            AppError::Suspended(code) if field == Field::Payment => {
                vec![Problem::new(code).message(l)]
            }
            _ => Vec::new(),
        }
    }

    /// The error without its per-field lists (what a signed draft keeps when
    /// the whole error won't fit): its headline stays, and the checks find the
    /// rest again on the next try.
    pub fn without_details(&self) -> AppError {
        match self {
            AppError::Invalid(_) => AppError::Invalid(Vec::new()),
            AppError::Rejected(_) => AppError::Rejected(Vec::new()),
            other => other.clone(),
        }
    }

    /// How many seconds a rate-limited client should wait (`Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// True when trying again later may help (shown with a retry button).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            AppError::Unavailable
                | AppError::Transport
                | AppError::OrdersPaused
                | AppError::RateLimited { .. }
        )
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // What the browser sent could not be read: the request's fault, never ours.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                AppError::invalid(Field::Order, Reason::Malformed)
            }
            _ => AppError::Transport,
        }
    }
}

/// The error of the functions islands call for server-rendered HTML: only the
/// status and the shopper's words, so the browser build carries none of
/// `AppError` (its variants, the problem catalogue, the messages). The islands
/// keep the page as it is when one comes back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    pub status: u16,
    pub message: String,
}

#[cfg(feature = "ssr")]
impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Refusal {
            status: e.status(),
            message: e.message(crate::lang::locale()),
        }
    }
}

impl FromServerFnError for Refusal {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        return AppError::from_server_fn_error(value).into();
        // In the browser: no answer (status 0); the island keeps the page.
        #[cfg(not(feature = "ssr"))]
        {
            let _ = value;
            Refusal {
                status: 0,
                message: String::new(),
            }
        }
    }
}

/// The status and `Retry-After` of an error's HTTP answer, wherever it is given:
/// a route ([`IntoResponse`](axum::response::IntoResponse) below), a server
/// function's error answer (`server::http`'s layer), a page that shows it
/// (`ErrorPanel`).
#[cfg(feature = "ssr")]
impl AppError {
    pub fn http_head(&self) -> (axum::http::StatusCode, Option<axum::http::HeaderValue>) {
        use axum::http::{HeaderValue, StatusCode};
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.retry_after().map(HeaderValue::from))
    }
}

/// The one answer of every error on the routes that aren't server functions
/// (those get theirs from `server::http`'s layer): the order stream proxy and
/// the plain routes. The status is the error's (a route may override
/// it, as the stream proxy does with 502 for an unreachable upstream); the body is
/// the error as the browser's server-function client reads it; `Retry-After` when
/// known.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        use axum::http::{HeaderValue, header};
        let (status, retry) = self.http_head();
        let mut resp = (status, self.ser()).into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        h.insert("serverfnerror", HeaderValue::from_static("app-error"));
        if let Some(retry) = retry {
            h.insert(header::RETRY_AFTER, retry);
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_plain_and_routed_to_fields() {
        let e = AppError::Rejected(vec![
            Problem::new("COUPON_EXPIRED"),
            Problem::new("INVALID_BENEFICIARY_ACCOUNT"),
        ]);
        assert_eq!(
            e.messages_for(Field::Coupon, Locale::en),
            ["This coupon has expired."]
        );
        assert_eq!(e.messages_for(Field::Beneficiary, Locale::en).len(), 1);
        assert!(e.messages_for(Field::Email, Locale::en).is_empty());
        assert_eq!(
            AppError::RateLimited {
                retry_after: Some(30)
            }
            .to_string(),
            "Too many requests. Please wait 30 seconds and try again."
        );
        assert_eq!(AppError::NotFound(Missing::Order).status(), 404);
        assert_eq!(
            AppError::NotFound(Missing::Brand).message(Locale::en),
            "This brand was not found."
        );
        assert_eq!(
            AppError::RateLimited {
                retry_after: Some(300)
            }
            .message(Locale::en),
            "Too many requests. Please wait 5 minutes and try again."
        );
        assert!(
            AppError::Suspended("SUSPENDED_COIN".into())
                .to_string()
                .contains("paused")
        );
    }

    #[test]
    fn round_trips_as_json() {
        let e = AppError::Invalid(vec![
            FieldIssue::new(Field::Amount, Reason::TooLong(64)),
            FieldIssue::new(
                Field::Beneficiary,
                Reason::Phone(crate::model::beneficiary::PhoneError::NotOfCountry(
                    crate::model::countries::find("VN").expect("VN"),
                )),
            ),
            FieldIssue::new(
                Field::Coupon,
                Reason::Problem(Problem::new("COUPON_EXPIRED")),
            ),
        ]);
        let s = serde_json::to_string(&e).expect("ser");
        assert_eq!(serde_json::from_str::<AppError>(&s).expect("de"), e);
    }
}
