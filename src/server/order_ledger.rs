//! What the shop knows about order ids, so that strangers can't spend the
//! partner's quota by asking for orders that don't exist: ids seen to exist are
//! looked up freely, ids seen missing are answered locally for a while, and any
//! other id costs the client a token from a small discovery budget.

use crate::server::client_addr::ClientAddr;
use crate::server::ratelimit::Limiter;
use std::time::Duration;

/// Order ids remembered per kind at most.
const MAX_IDS: u64 = 100_000;
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

/// Known, missing and budgeted order ids.
pub struct OrderLedger {
    known: moka::sync::Cache<String, ()>,
    missing: moka::sync::Cache<String, ()>,
    discovery: Limiter,
}

impl Default for OrderLedger {
    fn default() -> Self {
        OrderLedger {
            known: moka::sync::Cache::builder()
                .max_capacity(MAX_IDS)
                .time_to_live(KNOWN_FOR)
                .build(),
            missing: moka::sync::Cache::builder()
                .max_capacity(MAX_IDS)
                .time_to_live(MISSING_FOR)
                .build(),
            discovery: Limiter::new(DISCOVERIES_PER_MINUTE),
        }
    }
}

impl OrderLedger {
    /// May `client` ask the upstream about `id`?
    pub fn admit(&self, id: &str, client: Option<ClientAddr>) -> Result<(), Refusal> {
        if self.known.contains_key(id) {
            return Ok(());
        }
        if self.missing.contains_key(id) {
            return Err(Refusal::Missing);
        }
        match client {
            Some(c) => self.discovery.check(c).map_err(Refusal::TooMany),
            // Background work of the server itself.
            None => Ok(()),
        }
    }

    /// The upstream knows `id` (it was created here, or read successfully).
    pub fn found(&self, id: &str) {
        self.missing.invalidate(id);
        self.known.insert(id.to_string(), ());
    }

    /// The upstream said `id` does not exist.
    pub fn lost(&self, id: &str) {
        self.missing.insert(id.to_string(), ());
    }

    /// Ids held (known and missing), after pending evictions.
    pub fn len(&self) -> u64 {
        self.known.run_pending_tasks();
        self.missing.run_pending_tasks();
        self.known.entry_count() + self.missing.entry_count()
    }

    /// True when no id is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_ids_spend_a_small_budget_and_missing_ones_nothing() {
        let ledger = OrderLedger::default();
        let client = Some(ClientAddr([192, 0, 2, 1].into()));
        let mut admitted = 0;
        for i in 0..100 {
            if ledger.admit(&format!("junk{i}"), client).is_ok() {
                admitted += 1;
            }
        }
        assert_eq!(admitted, DISCOVERIES_PER_MINUTE);
        ledger.lost("gone");
        assert_eq!(ledger.admit("gone", None), Err(Refusal::Missing));
        ledger.found("mine");
        assert_eq!(ledger.admit("mine", client), Ok(()), "known ids are free");
    }
}
