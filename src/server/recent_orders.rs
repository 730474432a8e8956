//! The shopper's recent orders on this device: a cookie holding only order ids
//! (newest first, at most ten). Nothing about the orders is stored: the home
//! page asks the upstream for each, so the list shows nothing to a visitor
//! without the cookie, and an id in it shows no more than the order's own page.

use crate::model::values::OrderId;
use crate::server::signed_cookie::{clear_cookie, set_cookie};
use axum::http::HeaderMap;

/// The cookie's name.
pub const RECENT_COOKIE: &str = "recent";
/// Orders remembered.
pub const MAX_RECENT: usize = 10;
/// How long the list is kept after its last change (90 days).
const LIFETIME: u64 = 90 * 24 * 3600;

/// The order ids of the request's cookie: valid ones only, no repeats, at most ten.
pub fn read(headers: &HeaderMap) -> Vec<OrderId> {
    let Some(value) = crate::server::shopper::cookie(headers, RECENT_COOKIE) else {
        return Vec::new();
    };
    let mut ids: Vec<OrderId> = Vec::new();
    for id in value.split('.').filter_map(OrderId::parse) {
        if !ids.contains(&id) {
            ids.push(id);
        }
        if ids.len() == MAX_RECENT {
            break;
        }
    }
    ids
}

/// The list with `id` first (moved there if it was already in it), at most ten.
pub fn with_order(mut ids: Vec<OrderId>, id: &OrderId) -> Vec<OrderId> {
    ids.retain(|i| i != id);
    ids.insert(0, id.clone());
    ids.truncate(MAX_RECENT);
    ids
}

/// The `Set-Cookie` value holding `ids`.
pub fn cookie(ids: &[OrderId]) -> String {
    let ids: Vec<&str> = ids.iter().map(OrderId::as_str).collect();
    set_cookie(RECENT_COOKIE, &ids.join("."), LIFETIME)
}

/// The `Set-Cookie` value that forgets the list.
pub fn cleared() -> String {
    clear_cookie(RECENT_COOKIE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, header};

    fn jar(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("country=US; {RECENT_COOKIE}={value}")).expect("v"),
        );
        h
    }

    #[test]
    fn only_valid_ids_newest_first_at_most_ten() {
        let id = |s: &str| OrderId::parse(s).expect("an order id");
        let strings = |ids: Vec<OrderId>| ids.iter().map(|i| i.to_string()).collect::<Vec<_>>();
        assert!(read(&HeaderMap::new()).is_empty());
        assert_eq!(
            strings(read(&jar("a1.b2.a1..%2F..x<y.c3"))),
            ["a1", "b2", "c3"]
        );
        let many: Vec<String> = (0..15).map(|n| format!("id{n}")).collect();
        assert_eq!(read(&jar(&many.join("."))).len(), MAX_RECENT);
        let list = with_order(vec![id("a"), id("b")], &id("b"));
        assert_eq!(strings(list.clone()), ["b", "a"]);
        let full = with_order(many.iter().map(|m| id(m)).collect(), &id("new"));
        assert_eq!((full.len(), full[0].as_str()), (MAX_RECENT, "new"));
        let set = cookie(&list);
        assert!(
            set.starts_with("recent=b.a;") && set.contains("HttpOnly"),
            "{set}"
        );
        assert!(cleared().contains("Max-Age=0"));
    }
}
