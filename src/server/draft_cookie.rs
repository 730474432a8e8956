//! A refused no-JavaScript checkout travels back to its form in a signed cookie,
//! so the server keeps nothing per visitor (and any instance can read it).
//! Format: `base64url(json {exp, draft}) "." base64url(HMAC-SHA256)`.

use crate::error::{AppError, Draft};
use crate::model::checkout::CheckoutForm;
use crate::server::signed_cookie::{Signer, set_cookie};
use axum::http::HeaderMap;

/// The cookie's name.
pub const DRAFT_COOKIE: &str = "draft";
/// How long a draft lives (seconds).
const LIFETIME: u64 = 15 * 60;

/// Seals and opens draft cookies with the server's secret.
#[derive(Clone)]
pub struct DraftSigner {
    signer: Signer,
}

impl DraftSigner {
    /// A signer with `key` (at least 32 bytes of secret).
    pub fn new(key: &[u8]) -> DraftSigner {
        DraftSigner {
            signer: Signer::new(key),
        }
    }

    /// The `Set-Cookie` value carrying `draft` back to its form.
    pub fn seal(&self, draft: Draft) -> String {
        let mut draft = fit(draft);
        let value = self
            .signer
            .seal(DRAFT_COOKIE, &draft, LIFETIME)
            .or_else(|| {
                // Keep what was typed; the problems are found again on the next try.
                draft.error = draft.error.as_ref().map(AppError::without_details);
                self.signer.seal(DRAFT_COOKIE, &draft, LIFETIME)
            })
            .unwrap_or_default();
        set_cookie(DRAFT_COOKIE, &value, LIFETIME)
    }

    /// The draft in the request's cookie, if it is ours, intact and fresh.
    pub fn open(&self, headers: &HeaderMap) -> Option<Draft> {
        self.signer.open(headers, DRAFT_COOKIE).valid()
    }
}

/// Every field cut to its length limit, at most ten problems.
fn fit(mut draft: Draft) -> Draft {
    let f: &mut CheckoutForm = &mut draft.form;
    for (value, limit) in [
        (&mut f.country, 8),
        (&mut f.family, 64),
        (&mut f.amount, crate::model::checkout::MAX_AMOUNT),
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
        Some(AppError::Invalid(v)) => v.truncate(10),
        Some(AppError::Rejected(v)) => v.truncate(10),
        _ => {}
    }
    draft
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::problem::{Field, Reason};
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
            error: Some(AppError::invalid(
                Field::Beneficiary,
                Reason::Contact(crate::model::beneficiary::ContactError::Email),
            )),
            quote: None,
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
