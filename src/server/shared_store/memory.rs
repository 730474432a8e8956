//! The in-process store: a bounded cache with a time to live per key, and token
//! buckets. What one instance needs; nothing is shared with another.

use super::{SharedStore, StoreFuture};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Buckets kept at most: beyond, the least recently used go (a new bucket is full,
/// so an evicted client gains at most one burst).
const MAX_BUCKETS: u64 = 200_000;

#[derive(Clone)]
struct Entry {
    value: Arc<str>,
    ttl: Duration,
}

/// Each key lives for the time it was set with.
struct PerKeyTtl;

impl moka::Expiry<String, Entry> for PerKeyTtl {
    fn expire_after_create(&self, _: &String, e: &Entry, _: Instant) -> Option<Duration> {
        Some(e.ttl)
    }
    fn expire_after_update(
        &self,
        _: &String,
        e: &Entry,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(e.ttl)
    }
}

/// Keys and buckets in this process, bounded (least recently used go first).
pub struct MemoryStore {
    entries: moka::sync::Cache<String, Entry>,
    /// Serialises the check-then-set of [`SharedStore::claim`] and [`SharedStore::release`].
    writes: Mutex<()>,
    buckets: TokenBuckets,
}

impl MemoryStore {
    /// A store keeping at most `max_entries` keys.
    pub fn new(max_entries: u64) -> MemoryStore {
        MemoryStore {
            entries: moka::sync::Cache::builder()
                .max_capacity(max_entries)
                .expire_after(PerKeyTtl)
                .build(),
            writes: Mutex::new(()),
            buckets: TokenBuckets::new(MAX_BUCKETS),
        }
    }

    fn read(&self, key: &str) -> Option<String> {
        self.entries.get(key).map(|e| e.value.to_string())
    }

    fn write(&self, key: &str, value: &str, ttl: Duration) {
        self.entries.insert(
            key.to_string(),
            Entry {
                value: Arc::from(value),
                ttl,
            },
        );
    }
}

impl SharedStore for MemoryStore {
    fn claim<'a>(&'a self, key: &'a str, value: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        let _one_at_a_time = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        let fresh = self.read(key).is_none();
        if fresh {
            self.write(key, value, ttl);
        }
        Box::pin(std::future::ready(Ok(fresh)))
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<String>> {
        Box::pin(std::future::ready(Ok(self.read(key))))
    }

    fn put<'a>(&'a self, key: &'a str, value: &'a str, ttl: Duration) -> StoreFuture<'a, ()> {
        self.write(key, value, ttl);
        Box::pin(std::future::ready(Ok(())))
    }

    fn release<'a>(&'a self, key: &'a str, value: &'a str) -> StoreFuture<'a, bool> {
        let _one_at_a_time = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        let held = self.read(key).as_deref() == Some(value);
        if held {
            self.entries.invalidate(key);
        }
        Box::pin(std::future::ready(Ok(held)))
    }

    fn take<'a>(&'a self, key: &'a str, per_minute: u32) -> StoreFuture<'a, Result<(), u64>> {
        Box::pin(std::future::ready(Ok(self.buckets.take(key, per_minute))))
    }

    fn kind(&self) -> &'static str {
        "memory"
    }

    fn local_entries(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }
}

/// Token buckets by key in a bounded cache: `per_minute` tokens a minute, in
/// bursts of as many.
pub struct TokenBuckets {
    buckets: moka::sync::Cache<String, Arc<Mutex<(f64, Instant)>>>,
}

impl TokenBuckets {
    /// Keeps at most `capacity` buckets.
    pub fn new(capacity: u64) -> TokenBuckets {
        TokenBuckets {
            // A bucket idle for a minute is full again: forgetting it loses nothing.
            buckets: moka::sync::Cache::builder()
                .max_capacity(capacity)
                .time_to_idle(Duration::from_secs(60))
                .build(),
        }
    }

    /// Takes a token from `key`'s bucket; on refusal, the seconds until the next one.
    pub fn take(&self, key: &str, per_minute: u32) -> Result<(), u64> {
        let rate = f64::from(per_minute.max(1));
        let now = Instant::now();
        let bucket = self
            .buckets
            .get_with_by_ref(key, || Arc::new(Mutex::new((rate, now))));
        let mut guard = bucket.lock().unwrap_or_else(PoisonError::into_inner);
        let (tokens, at) = &mut *guard;
        let refill = now.duration_since(*at).as_secs_f64() * rate / 60.0;
        *tokens = (*tokens + refill).min(rate);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) * 60.0 / rate).ceil().max(1.0) as u64)
        }
    }

    /// Buckets held right now (after pending evictions).
    pub fn len(&self) -> u64 {
        self.buckets.run_pending_tasks();
        self.buckets.entry_count()
    }

    /// True when no bucket is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
