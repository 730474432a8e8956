//! State that the instances of one shop share: idempotency claims and their
//! outcomes, known and missing order ids, pay choices, and rate-limit buckets.
//!
//! Two implementations behind [`SharedStore`]: [`MemoryStore`] (in process, the
//! default: one instance) and [`RedisStore`] (`CR_REDIS_URL`: several instances
//! behind a balancer act as one shop). Both pass the same contract tests
//! (`tests/it/shared_store.rs`). What uses a store decides what a failure means:
//! order creation fails closed, rate limits fall back to per-instance buckets.

mod memory;
mod redis_store;

pub use memory::{MemoryStore, TokenBuckets};
pub use redis_store::RedisStore;

use futures::future::BoxFuture;
use std::sync::Arc;
use std::time::Duration;

/// Why the store could not answer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No answer within the store's time limit.
    #[error("the shared store did not answer in time")]
    Timeout,
    /// The store refused or the connection failed.
    #[error("the shared store failed: {0}")]
    Failed(String),
}

/// A store operation's answer.
pub type StoreFuture<'a, T> = BoxFuture<'a, Result<T, StoreError>>;

/// Keys with a time to live, set atomically, and token buckets.
pub trait SharedStore: Send + Sync {
    /// Sets `key` to `value` for `ttl` unless the key is set: true when this call set it.
    fn claim<'a>(&'a self, key: &'a str, value: &'a str, ttl: Duration) -> StoreFuture<'a, bool>;
    /// The value of `key`, if set.
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<String>>;
    /// Sets `key` to `value` for `ttl`, whatever it held.
    fn put<'a>(&'a self, key: &'a str, value: &'a str, ttl: Duration) -> StoreFuture<'a, ()>;
    /// Removes `key` if it still holds `value` (a claim given up): true when removed.
    fn release<'a>(&'a self, key: &'a str, value: &'a str) -> StoreFuture<'a, bool>;
    /// Takes a token from bucket `key`, which allows `per_minute` a minute in
    /// bursts of as many: `Ok(Err(secs))` when refused, `secs` until the next token.
    fn take<'a>(&'a self, key: &'a str, per_minute: u32) -> StoreFuture<'a, Result<(), u64>>;
    /// Where the state lives, for logs: `"memory"` or `"redis"`.
    fn kind(&self) -> &'static str;
    /// Answers at all (readiness): always in process.
    fn ping(&self) -> StoreFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }
    /// Keys held in this process (0 for a remote store): bounds, tests.
    fn local_entries(&self) -> u64 {
        0
    }
}

/// The store a configuration asks for: Redis at `redis_url`, else in process,
/// keeping at most `max_entries` keys.
pub fn from_config(
    redis_url: Option<&str>,
    max_entries: u64,
    timeout: Duration,
) -> Result<Arc<dyn SharedStore>, String> {
    Ok(match redis_url {
        Some(url) => Arc::new(RedisStore::new(url, timeout)?),
        None => Arc::new(MemoryStore::new(max_entries)),
    })
}

/// A store key without what a shopper typed in it: `kind:` and a SHA-256 of
/// `parts` (URL-safe base64, as the shop's other encoded bytes).
pub fn hashed_key(kind: &str, parts: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(parts.as_bytes());
    format!(
        "{kind}:{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
    )
}

/// Seconds to wait for a refused token, from milliseconds (at least 1).
pub(crate) fn wait_secs(millis: u64) -> u64 {
    millis.div_ceil(1000).max(1)
}
