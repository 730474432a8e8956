//! What the shop knows about order ids, so that strangers can't spend the
//! partner's quota by asking for orders that don't exist: ids seen to exist are
//! looked up freely, ids seen missing are answered locally for a while, and any
//! other id costs the client a token from a small discovery budget.

use crate::server::client_addr::ClientAddr;
use crate::server::ratelimit::Limiter;
use crate::server::shared_store::SharedStore;
use std::sync::Arc;
use std::time::Duration;

/// How long an id the upstream said is unknown is answered locally.
const MISSING_FOR: Duration = Duration::from_secs(60);
/// How long an id known to exist stays known.
const KNOWN_FOR: Duration = Duration::from_secs(24 * 3600);
/// Lookups of ids not known to exist, per client and minute.
const DISCOVERIES_PER_MINUTE: u32 = 10;

/// Why a lookup is answered without asking the upstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The upstream said this id does not exist a moment ago.
    Missing,
    /// The client asked for too many unknown ids; retry after this many seconds.
    TooMany(u64),
}

/// Known, missing and budgeted order ids, in the shop's shared store (an order
/// placed on one instance is known to all). A store that fails makes every id
/// unknown: lookups then cost discovery tokens, and still work.
pub struct OrderLedger {
    store: Arc<dyn SharedStore>,
    discovery: Limiter,
}

impl OrderLedger {
    /// A ledger kept in `store`.
    pub fn new(store: Arc<dyn SharedStore>) -> OrderLedger {
        OrderLedger {
            discovery: Limiter::new("discovery", DISCOVERIES_PER_MINUTE, store.clone()),
            store,
        }
    }

    async fn holds(&self, key: &str) -> bool {
        match self.store.get(key).await {
            Ok(held) => held.is_some(),
            Err(_) => {
                // Unknown then: the lookup spends a discovery token, and still works.
                crate::server::metrics::store_fallback("order_ledger");
                false
            }
        }
    }

    /// May `client` ask the upstream about `id`?
    pub async fn admit(&self, id: &str, client: Option<ClientAddr>) -> Result<(), Refusal> {
        if self.holds(&format!("order:known:{id}")).await {
            return Ok(());
        }
        if self.holds(&format!("order:missing:{id}")).await {
            return Err(Refusal::Missing);
        }
        match client {
            Some(c) => self.discovery.check(c).await.map_err(Refusal::TooMany),
            // Background work of the server itself.
            None => Ok(()),
        }
    }

    /// The upstream knows `id` (it was created here, or read successfully).
    pub async fn found(&self, id: &str) {
        // Known wins over missing in `admit`: the missing mark can just expire.
        let _ = self
            .store
            .put(&format!("order:known:{id}"), "1", KNOWN_FOR)
            .await;
    }

    /// The upstream said `id` does not exist.
    pub async fn lost(&self, id: &str) {
        let _ = self
            .store
            .put(&format!("order:missing:{id}"), "1", MISSING_FOR)
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::shared_store::MemoryStore;

    #[tokio::test]
    async fn unknown_ids_spend_a_small_budget_and_missing_ones_nothing() {
        let ledger = OrderLedger::new(Arc::new(MemoryStore::new(1_000)));
        let client = Some(ClientAddr([192, 0, 2, 1].into()));
        let mut admitted = 0;
        for i in 0..100 {
            if ledger.admit(&format!("junk{i}"), client).await.is_ok() {
                admitted += 1;
            }
        }
        assert_eq!(admitted, DISCOVERIES_PER_MINUTE);
        ledger.lost("gone").await;
        assert_eq!(ledger.admit("gone", None).await, Err(Refusal::Missing));
        ledger.found("mine").await;
        assert_eq!(
            ledger.admit("mine", client).await,
            Ok(()),
            "known ids are free"
        );
    }
}
