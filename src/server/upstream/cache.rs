//! A catalogue cache: per-key TTL, single-flight (many concurrent misses make one
//! upstream call) and stale answers served within a bound while the upstream fails.

use super::error::UpstreamError;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

struct Entry<V> {
    value: Option<(V, Instant)>,
    last_error: Option<(UpstreamError, Instant)>,
}

struct Slot<V> {
    entry: Mutex<Entry<V>>,
    flight: tokio::sync::Mutex<()>,
}

/// Cached values of one kind (payment vias, brands, ...), by key, in a bounded
/// map (least recently used keys go first; nothing scans it on a request's path).
pub struct Cache<V> {
    /// The cache's name in the metrics (`storefront_cache_requests_total{cache}`).
    name: &'static str,
    slots: moka::sync::Cache<String, Arc<Slot<V>>>,
    ttl: Duration,
    stale: Duration,
}

/// Keys held per kind at most.
const MAX_KEYS: u64 = 10_000;

impl<V: Clone + Send + Sync + 'static> Cache<V> {
    /// Values are fresh for `ttl` and may be served up to `ttl + stale` old when the upstream fails.
    pub fn new(name: &'static str, ttl: Duration, stale: Duration) -> Cache<V> {
        Cache {
            name,
            slots: moka::sync::Cache::builder()
                .max_capacity(MAX_KEYS)
                .time_to_idle(ttl + stale + Duration::from_secs(60))
                .build(),
            ttl,
            stale,
        }
    }

    fn slot(&self, key: &str) -> Arc<Slot<V>> {
        self.slots.get_with_by_ref(key, || {
            Arc::new(Slot {
                entry: Mutex::new(Entry {
                    value: None,
                    last_error: None,
                }),
                flight: tokio::sync::Mutex::new(()),
            })
        })
    }

    /// The cached value of `key`, or the result of `fetch` (called once however
    /// many callers miss at the same time).
    pub async fn get<F, Fut>(&self, key: &str, fetch: F) -> Result<V, UpstreamError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, UpstreamError>>,
    {
        use crate::server::metrics::cache;
        let slot = self.slot(key);
        if let Some(v) = self.fresh(&slot) {
            cache(self.name, "hit");
            return Ok(v);
        }
        let asked = Instant::now();
        let _flight = slot.flight.lock().await;
        if let Some(v) = self.fresh(&slot) {
            // Another caller's flight brought it while this one waited.
            cache(self.name, "hit");
            return Ok(v);
        }
        cache(self.name, "miss");
        // A call that started after we began waiting just failed: share its answer.
        let shared_error = {
            let entry = slot.entry.lock().unwrap_or_else(PoisonError::into_inner);
            entry
                .last_error
                .as_ref()
                .filter(|(_, at)| *at >= asked)
                .map(|(e, _)| e.clone())
        };
        let result = match shared_error {
            Some(e) => Err(e),
            None => fetch().await,
        };
        let mut entry = slot.entry.lock().unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(v) => {
                entry.value = Some((v.clone(), Instant::now()));
                entry.last_error = None;
                Ok(v)
            }
            // One client's spent quota says nothing about the upstream.
            Err(e @ UpstreamError::QuotaSpent(_)) => Err(e),
            Err(e) => {
                entry.last_error = Some((e.clone(), Instant::now()));
                let stale = matches!(e, UpstreamError::NotFound)
                    .then_some(None)
                    .unwrap_or_else(|| {
                        entry
                            .value
                            .as_ref()
                            .filter(|(_, at)| at.elapsed() <= self.ttl + self.stale)
                            .map(|(v, _)| v.clone())
                    });
                match stale {
                    Some(v) => {
                        tracing::warn!(key, error = %e, "serving a stale catalogue answer");
                        cache(self.name, "stale");
                        Ok(v)
                    }
                    None => Err(e),
                }
            }
        }
    }

    /// Its name in the metrics and the keys it holds (after moka's pending
    /// work: for the metrics scrape, never on a request's path).
    pub fn entries(&self) -> (&'static str, u64) {
        self.slots.run_pending_tasks();
        (self.name, self.slots.entry_count())
    }

    fn fresh(&self, slot: &Slot<V>) -> Option<V> {
        let entry = slot.entry.lock().unwrap_or_else(PoisonError::into_inner);
        entry
            .value
            .as_ref()
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(v, _)| v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_misses_make_one_call() {
        let cache: Arc<Cache<u32>> =
            Arc::new(Cache::new("test", Duration::from_secs(60), Duration::ZERO));
        let calls = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (cache, calls) = (cache.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get("k", || async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok(7)
                    })
                    .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.expect("join").expect("value"), 7);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn stale_value_served_on_error_within_bound() {
        let cache: Cache<u32> =
            Cache::new("test", Duration::from_millis(10), Duration::from_secs(60));
        assert_eq!(cache.get("k", || async { Ok(1) }).await.expect("first"), 1);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let v = cache
            .get("k", || async { Err(UpstreamError::Timeout) })
            .await;
        assert_eq!(v.expect("stale"), 1);
        let no_stale: Cache<u32> = Cache::new("test", Duration::from_millis(10), Duration::ZERO);
        assert_eq!(
            no_stale.get("k", || async { Ok(1) }).await.expect("first"),
            1
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(
            no_stale
                .get("k", || async { Err(UpstreamError::Timeout) })
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn errors_are_not_cached() {
        let cache: Cache<u32> = Cache::new("test", Duration::from_secs(60), Duration::ZERO);
        assert!(
            cache
                .get("k", || async { Err(UpstreamError::Timeout) })
                .await
                .is_err()
        );
        assert_eq!(cache.get("k", || async { Ok(3) }).await.expect("retry"), 3);
    }
}
