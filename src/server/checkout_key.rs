//! The key an order is placed under. A brand page's checkout key is the
//! page's: the page cache gives one kept page to every visitor who asks for it
//! while it is kept, so two shoppers can send the same key. The shop places an
//! order under the page's key scoped to the visitor — an HMAC, under the shop's
//! secret, of the key and who sends it — written `s-` and 40 hex digits. Who
//! sends it: the browser's `visitor` cookie, a random number the page cache
//! gives a browser with the page (for the session, HttpOnly), else the
//! client's address (IPv6 by /64, as rate limits count). Sent twice by one
//! browser (a double click, a reload, the back button and again), the form is
//! one order; sent by two, two. A scoped key is kept as it is: the form a
//! refused or unclear order goes back to carries it, so sending that form
//! again is answered from the same outcome.

use crate::model::values::IdempotencyKey;
use crate::server::client_addr::ClientAddr;
use crate::server::signed_cookie::Signer;
use axum::http::HeaderMap;

/// What starts a scoped key.
const SCOPED: &str = "s-";
/// The cookie that tells one browser from another.
pub const COOKIE: &str = "visitor";

/// The browser's `visitor` cookie, when it holds one of ours.
fn cookie(headers: &HeaderMap) -> Option<&str> {
    crate::server::shopper::cookie(headers, COOKIE)
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether the request's browser needs a `visitor` cookie.
pub fn lacks_cookie(headers: &HeaderMap) -> bool {
    cookie(headers).is_none()
}

/// A new `visitor` cookie (`Set-Cookie`): for the session, HttpOnly, Lax.
pub fn new_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{COOKIE}={}; HttpOnly; SameSite=Lax; Path=/{secure}",
        crate::server::ids::new_id()
    )
}

/// Who sends a form: its browser's cookie, else its address.
pub fn visitor(headers: &HeaderMap, client: Option<ClientAddr>) -> String {
    match cookie(headers) {
        Some(c) => format!("cookie:{c}"),
        None => format!(
            "addr:{}",
            client
                .map(|c| c.limit_key().to_string())
                .unwrap_or_default()
        ),
    }
}

/// `key` as `visitor`'s: scoped unless it already is (or is no checkout key
/// at all: that is refused as it came).
pub fn scoped(key: &str, visitor: &str, secret: &[u8]) -> String {
    let key = key.trim();
    if key.starts_with(SCOPED) || IdempotencyKey::parse(key).is_none() {
        return key.to_string();
    }
    format!(
        "{SCOPED}{}",
        Signer::new(secret).hex_tag("checkout-key", &format!("{key}\0{visitor}"), 40)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn at(ip: &str) -> String {
        visitor(&HeaderMap::new(), Some(ClientAddr(ip.parse().expect("ip"))))
    }

    fn with_cookie(value: &str) -> String {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::COOKIE,
            format!("country=US; visitor={value}")
                .parse()
                .expect("header"),
        );
        visitor(&h, Some(ClientAddr([192, 0, 2, 7].into())))
    }

    #[test]
    fn one_page_key_is_one_key_per_visitor() {
        let page = "0f3a9c2e77aa41d2b0c1d2e3f4a5b6c7";
        let mine = scoped(page, &at("192.0.2.7"), SECRET);
        assert_eq!(
            mine,
            scoped(page, &at("192.0.2.7"), SECRET),
            "sent twice, one key"
        );
        assert_ne!(
            mine,
            scoped(page, &at("192.0.2.8"), SECRET),
            "another visitor"
        );
        assert_ne!(mine, scoped("another-page-key", &at("192.0.2.7"), SECRET));
        assert_ne!(
            mine,
            scoped(page, &at("192.0.2.7"), b"another shop's secret...........")
        );
        // One household's rotating IPv6 addresses are one visitor.
        assert_eq!(
            scoped(page, &at("2001:db8:1:2::7"), SECRET),
            scoped(page, &at("2001:db8:1:2:aaaa::9"), SECRET)
        );
        assert!(
            IdempotencyKey::parse(&mine).is_some(),
            "{mine} is a checkout key"
        );
    }

    #[test]
    fn browsers_behind_one_address_are_told_apart_by_their_cookie() {
        let (a, b) = (
            "0123456789abcdef0123456789abcdef",
            "fedcba9876543210fedcba9876543210",
        );
        assert_eq!(with_cookie(a), with_cookie(a));
        assert_ne!(with_cookie(a), with_cookie(b));
        assert_ne!(with_cookie(a), at("192.0.2.7"));
        // Not one of ours: the address decides.
        assert_eq!(with_cookie("forged"), at("192.0.2.7"));
        let set = new_cookie(false);
        assert!(
            set.starts_with("visitor=") && set.contains("HttpOnly") && !set.contains("Max-Age"),
            "{set}"
        );
        assert!(new_cookie(true).ends_with("; Secure"));
    }

    #[test]
    fn a_scoped_key_stays_as_it_is() {
        let mine = scoped("0f3a9c2e77aa41d2", &at("192.0.2.7"), SECRET);
        assert_eq!(scoped(&mine, &at("198.51.100.1"), SECRET), mine);
        assert_eq!(scoped(&format!(" {mine} "), "", SECRET), mine);
        // No key, or not a key: refused as it came, never made into one.
        assert_eq!(scoped("", &at("192.0.2.7"), SECRET), "");
        assert_eq!(scoped("short", &at("192.0.2.7"), SECRET), "short");
    }
}
