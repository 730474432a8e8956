//! Who placed an order, kept so that "Find my order" can open it on any
//! device from its number and the email it was placed with. The reference's
//! order carries no email, so the shop keeps, for each order it places, a
//! keyed hash of (order id, email) in its shared store: the key alone, no
//! email address, and nothing that can be checked without the shop's secret.

use crate::model::values::{Email, OrderId};
use crate::server::shared_store::SharedStore;
use crate::server::signed_cookie::Signer;
use std::time::Duration;

/// How long an order can be found by its number and email.
const KEPT_FOR: Duration = Duration::from_secs(180 * 24 * 3600);

/// The store's key of (order id, email): the HMAC of the pair under the
/// shop's secret, as its signed cookies are tagged (email compared without
/// case: `Buyer@Example.com` is the same mailbox for every shopper's purposes
/// here).
fn key(secret: &[u8], order_id: &str, email: &Email) -> String {
    let pair = format!("{order_id}\0{}", email.as_str().to_ascii_lowercase());
    format!(
        "order:owner:{}",
        Signer::new(secret).tag("order-owner", &pair)
    )
}

/// Remembers that `email` placed `order_id`.
pub async fn keep(store: &dyn SharedStore, secret: &[u8], order_id: &str, email: &Email) {
    let _ = store
        .put(&key(secret, order_id, email), "1", KEPT_FOR)
        .await;
}

/// True when this shop placed `order_id` for `email` (and remembers it).
pub async fn placed_by(
    store: &dyn SharedStore,
    secret: &[u8],
    order_id: &OrderId,
    email: &Email,
) -> bool {
    matches!(
        store.get(&key(secret, order_id.as_str(), email)).await,
        Ok(Some(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::shared_store::MemoryStore;

    #[tokio::test]
    async fn an_order_is_found_by_its_number_and_email_only() {
        let store = MemoryStore::new(100);
        let secret = b"0123456789abcdef0123456789abcdef";
        let email = Email::parse("Buyer@Example.com").expect("email");
        keep(&store, secret, "order-1", &email).await;
        let id = |s: &str| OrderId::parse(s).expect("id");
        let mail = |s: &str| Email::parse(s).expect("email");
        assert!(placed_by(&store, secret, &id("order-1"), &mail(" buyer@example.com ")).await);
        assert!(!placed_by(&store, secret, &id("order-1"), &mail("other@example.com")).await);
        assert!(!placed_by(&store, secret, &id("order-2"), &email).await);
        assert!(
            !placed_by(
                &store,
                b"another secret, another shop....",
                &id("order-1"),
                &email
            )
            .await,
            "without the shop's secret nothing can be checked"
        );
    }
}
