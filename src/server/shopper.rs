//! Who is shopping: country (cookie, then browser language, then default) and the
//! headers forwarded to the upstream.

use crate::model::countries;
use crate::server::client_addr::ClientAddr;
use crate::server::upstream::Shopper;
use axum::http::{HeaderMap, header};

/// The cookie that remembers the shopper's country.
pub const COUNTRY_COOKIE: &str = "country";

/// The value of the request's cookie `name`, if it sent one.
/// (The `cookie` crate reads the header, as browsers write it; values are
/// taken as sent, not percent-decoded.)
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .and_then(|c| c.value_raw())
}

/// The country chosen in the cookie, if it names a supported one.
pub fn cookie_country(headers: &HeaderMap) -> Option<&'static str> {
    cookie(headers, COUNTRY_COOKIE)
        .and_then(countries::find)
        .map(|c| c.code)
}

/// A country guessed from `Accept-Language` (`de-AT` → AT), the most preferred
/// tag with a region first.
pub fn language_country(headers: &HeaderMap) -> Option<&'static str> {
    let langs = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    crate::lang::accepted(langs)
        .iter()
        .filter_map(|tag| tag.rsplit_once('-').map(|(_, region)| region))
        .find_map(|region| countries::find(region).map(|c| c.code))
}

/// The shopper's country: cookie, then language, then `default`.
pub fn country(headers: &HeaderMap, default: &str) -> String {
    cookie_country(headers)
        .or_else(|| language_country(headers))
        .unwrap_or(default)
        .to_string()
}

/// The shopper of a request, for `country`. Only the resolved client address is
/// forwarded upstream, never the raw `X-Forwarded-For` a visitor may have written.
pub fn shopper(headers: &HeaderMap, country: &str, client: Option<ClientAddr>) -> Shopper {
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(512).collect::<String>())
    };
    Shopper {
        country: country.to_string(),
        user_agent: text(header::USER_AGENT),
        forwarded_for: client.map(|c| c.0.to_string()),
        client,
        lang: crate::lang::locale(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookie_then_language_then_default() {
        let mut h = HeaderMap::new();
        assert_eq!(country(&h, "US"), "US");
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-AT,de;q=0.9"),
        );
        assert_eq!(country(&h, "US"), "AT");
        h.insert(header::COOKIE, HeaderValue::from_static("a=b; country=vn"));
        assert_eq!(country(&h, "US"), "VN");
        h.insert(header::COOKIE, HeaderValue::from_static("country=ZZ"));
        assert_eq!(country(&h, "US"), "AT");
    }

    #[test]
    fn the_country_follows_the_language_weights() {
        let mut h = HeaderMap::new();
        // The shopper prefers French (France); Austrian German only a little.
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-AT;q=0.1, fr-FR"),
        );
        assert_eq!(country(&h, "US"), "FR");
        // Not Austria at all (q=0): the next tag with a region.
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-AT;q=0, vi-VN;q=0.5"),
        );
        assert_eq!(country(&h, "US"), "VN");
    }

    #[test]
    fn only_the_resolved_client_is_forwarded() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6"));
        let who = shopper(&h, "US", Some(ClientAddr([192, 0, 2, 7].into())));
        assert_eq!(who.forwarded_for.as_deref(), Some("192.0.2.7"));
        assert_eq!(shopper(&h, "US", None).forwarded_for, None);
    }
}
