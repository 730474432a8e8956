//! Values the server hands to the browser to keep (refused drafts, the cart) in
//! signed cookies, so no server memory grows with visitors and any instance can
//! read them. Format: `base64url(json {exp, v}) "." base64url(HMAC-SHA256(name "=" payload))`;
//! the cookie's name is signed too, so one cookie can't pass for another.

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Largest cookie value written or read (browsers keep 4 KiB per cookie).
pub const MAX_VALUE: usize = 3_800;

#[derive(Serialize, Deserialize)]
struct Sealed<T> {
    exp: u64,
    v: T,
}

/// What a request's cookie held.
#[derive(Debug, PartialEq)]
pub enum Opened<T> {
    /// No such cookie.
    Absent,
    /// A cookie that is not ours, was changed, expired or can't be read.
    Refused,
    Valid(T),
}

impl<T> Opened<T> {
    /// The value when valid.
    pub fn valid(self) -> Option<T> {
        match self {
            Opened::Valid(v) => Some(v),
            _ => None,
        }
    }
}

/// Seals and opens cookies with the server's secret.
#[derive(Clone)]
pub struct Signer {
    key: std::sync::Arc<[u8]>,
}

impl Signer {
    /// A signer with `key` (at least 32 bytes of secret).
    pub fn new(key: &[u8]) -> Signer {
        Signer { key: key.into() }
    }

    fn mac(&self, name: &str, payload: &str) -> Hmac<Sha256> {
        // HMAC takes keys of any length.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(name.as_bytes());
        mac.update(b"=");
        mac.update(payload.as_bytes());
        mac
    }

    /// The base64url HMAC-SHA256 of `name "=" payload` under the secret: what
    /// a sealed cookie carries, and a key that proves a pair without holding it
    /// (`server::order_owner`).
    pub fn tag(&self, name: &str, payload: &str) -> String {
        B64.encode(self.mac(name, payload).finalize().into_bytes())
    }

    /// The first `n` hex digits of the tag of `payload` under `name`.
    pub fn hex_tag(&self, name: &str, payload: &str, n: usize) -> String {
        let tag = self.mac(name, payload).finalize().into_bytes();
        let mut out: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        out.truncate(n);
        out
    }

    /// The signed cookie value of `value`, living `lifetime` seconds; `None` when
    /// it would not fit in a cookie.
    pub fn seal<T: Serialize>(&self, name: &str, value: &T, lifetime: u64) -> Option<String> {
        let sealed = Sealed {
            exp: crate::model::deadline::now() + lifetime,
            v: value,
        };
        let payload = B64.encode(serde_json::to_vec(&sealed).ok()?);
        let tag = self.tag(name, &payload);
        let value = format!("{payload}.{tag}");
        (value.len() <= MAX_VALUE).then_some(value)
    }

    /// The value in the request's cookie `name`, if it is ours, intact and fresh.
    pub fn open<T: DeserializeOwned>(&self, headers: &HeaderMap, name: &str) -> Opened<T> {
        let Some(value) = crate::server::shopper::cookie(headers, name) else {
            return Opened::Absent;
        };
        if value.is_empty() {
            return Opened::Absent;
        }
        match self.verify(name, value) {
            Some(v) => Opened::Valid(v),
            None => Opened::Refused,
        }
    }

    fn verify<T: DeserializeOwned>(&self, name: &str, value: &str) -> Option<T> {
        if value.len() > MAX_VALUE {
            return None;
        }
        let (payload, tag) = value.rsplit_once('.')?;
        let tag = B64.decode(tag).ok()?;
        self.mac(name, payload).verify_slice(&tag).ok()?;
        let sealed: Sealed<T> = serde_json::from_slice(&B64.decode(payload).ok()?).ok()?;
        (sealed.exp >= crate::model::deadline::now()).then_some(sealed.v)
    }
}

/// A `Set-Cookie` header value: HttpOnly, SameSite=Lax, for the whole site.
pub fn set_cookie(name: &str, value: &str, max_age: u64) -> String {
    let max_age = i64::try_from(max_age).unwrap_or(i64::MAX);
    cookie::Cookie::build((name, value))
        .path("/")
        .max_age(cookie::time::Duration::seconds(max_age))
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .build()
        .to_string()
}

/// A `Set-Cookie` header value that deletes the cookie.
pub fn clear_cookie(name: &str) -> String {
    set_cookie(name, "", 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, header};

    fn jar(name: &str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{name}={value}")).expect("value"),
        );
        h
    }

    #[test]
    fn a_value_opens_only_under_its_own_name_key_and_intact() {
        let signer = Signer::new(b"0123456789abcdef0123456789abcdef");
        let sealed = signer.seal("cart", &vec![1, 2, 3], 60).expect("fits");
        assert_eq!(
            signer.open::<Vec<i32>>(&jar("cart", &sealed), "cart"),
            Opened::Valid(vec![1, 2, 3])
        );
        assert_eq!(
            signer.open::<Vec<i32>>(&jar("draft", &sealed), "draft"),
            Opened::Refused,
            "another cookie's value"
        );
        let other = Signer::new(b"another-key-another-key-another-key");
        assert_eq!(
            other.open::<Vec<i32>>(&jar("cart", &sealed), "cart"),
            Opened::Refused
        );
        let mut bytes = sealed.into_bytes();
        bytes[3] = if bytes[3] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).expect("ascii");
        assert_eq!(
            signer.open::<Vec<i32>>(&jar("cart", &tampered), "cart"),
            Opened::Refused
        );
        assert_eq!(
            signer.open::<Vec<i32>>(&HeaderMap::new(), "cart"),
            Opened::Absent
        );
        assert_eq!(
            signer.open::<Vec<i32>>(&jar("cart", "garbage"), "cart"),
            Opened::Refused
        );
    }

    #[test]
    fn too_big_a_value_is_not_sealed() {
        let signer = Signer::new(b"0123456789abcdef0123456789abcdef");
        assert!(signer.seal("cart", &"x".repeat(4_000), 60).is_none());
    }
}
