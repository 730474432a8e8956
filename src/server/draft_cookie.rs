//! A refused no-JavaScript checkout travels back to its form in a signed cookie,
//! so the server keeps nothing per visitor (and any instance can read it).
//! Format: `base64url(json {exp, draft}) "." base64url(HMAC-SHA256)`.

use crate::api::orders::Draft;
use crate::error::AppError;
use crate::model::checkout::CheckoutForm;
use crate::model::problem::Field;
use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::time::{SystemTime, UNIX_EPOCH};

/// The cookie's name.
pub const DRAFT_COOKIE: &str = "draft";
/// How long a draft lives (seconds).
const LIFETIME: u64 = 15 * 60;
/// Largest cookie value we write or read (browsers keep 4 KiB per cookie).
const MAX_VALUE: usize = 3_800;

#[derive(Serialize, Deserialize)]
struct Sealed {
    exp: u64,
    draft: Draft,
}

/// Seals and opens draft cookies with the server's secret.
#[derive(Clone)]
pub struct DraftSigner {
    key: std::sync::Arc<[u8]>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl DraftSigner {
    /// A signer with `key` (at least 32 bytes of secret).
    pub fn new(key: &[u8]) -> DraftSigner {
        DraftSigner { key: key.into() }
    }

    fn mac(&self, payload: &str) -> Hmac<Sha256> {
        // HMAC takes keys of any length.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(payload.as_bytes());
        mac
    }

    /// The `Set-Cookie` value carrying `draft` back to its form.
    pub fn seal(&self, draft: Draft) -> String {
        let mut draft = fit(draft);
        let mut payload = encode(&draft);
        if payload.len() > MAX_VALUE / 2 {
            // Keep what was typed; the problems are found again on the next try.
            draft.error = AppError::invalid(Field::Order, draft.error.to_string());
            payload = encode(&draft);
        }
        let tag = B64.encode(self.mac(&payload).finalize().into_bytes());
        format!(
            "{DRAFT_COOKIE}={payload}.{tag}; Path=/; Max-Age={LIFETIME}; HttpOnly; SameSite=Lax"
        )
    }

    /// The draft in the request's cookie, if it is ours, intact and fresh.
    pub fn open(&self, headers: &HeaderMap) -> Option<Draft> {
        let value = crate::server::shopper::cookie(headers, DRAFT_COOKIE)?;
        if value.len() > MAX_VALUE * 2 {
            return None;
        }
        let (payload, tag) = value.rsplit_once('.')?;
        let tag = B64.decode(tag).ok()?;
        self.mac(payload).verify_slice(&tag).ok()?;
        let sealed: Sealed = serde_json::from_slice(&B64.decode(payload).ok()?).ok()?;
        (sealed.exp >= now()).then_some(sealed.draft)
    }
}

fn encode(draft: &Draft) -> String {
    let sealed = Sealed {
        exp: now() + LIFETIME,
        draft: draft.clone(),
    };
    B64.encode(serde_json::to_vec(&sealed).unwrap_or_default())
}

/// Every field cut to its length limit, at most ten problems.
fn fit(mut draft: Draft) -> Draft {
    let f: &mut CheckoutForm = &mut draft.form;
    for (value, limit) in [
        (&mut f.country, 8),
        (&mut f.family, 64),
        (&mut f.amount, 32),
        (&mut f.pay, 96),
        (&mut f.beneficiary, 254),
        (&mut f.email, 254),
        (&mut f.coupon, 64),
        (&mut f.idempotency_key, 64),
    ] {
        if value.len() > limit {
            let mut end = limit;
            while !value.is_char_boundary(end) {
                end -= 1;
            }
            value.truncate(end);
        }
    }
    match &mut draft.error {
        AppError::Invalid(v) => v.truncate(10),
        AppError::Rejected(v) => v.truncate(10),
        _ => {}
    }
    draft
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, header};

    fn cookie_header(set_cookie: &str) -> HeaderMap {
        let pair = set_cookie.split(';').next().unwrap_or_default();
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(pair).expect("value"));
        h
    }

    fn draft(beneficiary: &str) -> Draft {
        Draft {
            form: CheckoutForm {
                country: "US".into(),
                family: "steam".into(),
                beneficiary: beneficiary.into(),
                ..CheckoutForm::default()
            },
            error: AppError::invalid(Field::Beneficiary, "Enter an email address."),
        }
    }

    #[test]
    fn a_sealed_draft_opens_only_with_the_same_key_and_intact() {
        let signer = DraftSigner::new(b"0123456789abcdef0123456789abcdef");
        let set = signer.seal(draft("typed"));
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"));
        assert_eq!(
            signer
                .open(&cookie_header(&set))
                .map(|d| d.form.beneficiary),
            Some("typed".into())
        );
        let other = DraftSigner::new(b"another-key-another-key-another-key");
        assert!(other.open(&cookie_header(&set)).is_none());
        let tampered = set.replacen("draft=e", "draft=f", 1);
        assert!(signer.open(&cookie_header(&tampered)).is_none());
    }

    #[test]
    fn a_draft_cookie_has_a_fixed_size_bound() {
        let signer = DraftSigner::new(b"0123456789abcdef0123456789abcdef");
        let set = signer.seal(draft(&"é".repeat(100_000)));
        assert!(set.len() < 4_000, "{}", set.len());
        let back = signer.open(&cookie_header(&set)).expect("opens");
        assert!(back.form.beneficiary.len() <= 254);
    }
}
