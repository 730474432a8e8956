//! The store in Redis (`CR_REDIS_URL`), shared by every instance pointed at it.
//! One multiplexed connection, re-established in the background when it drops;
//! every call is bounded by a time limit. Keys are prefixed `storefront:`.

use super::{SharedStore, StoreError, StoreFuture, wait_secs};
use crate::server::config::redact_credentials;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// After a failed call, calls fail at once for this long: a Redis that is away
/// costs each request one time limit at most once a second, not one per call.
const REST_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// Every key this shop writes starts with this.
const PREFIX: &str = "storefront:";

/// Compare-and-delete: removes KEYS[1] only if it holds ARGV[1].
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// GCRA (generic cell rate algorithm) on the server's clock. KEYS[1] holds the
/// theoretical arrival time in microseconds; ARGV[1] is the emission interval in
/// microseconds, ARGV[2] the burst. Answers 0 when allowed, else the
/// milliseconds until a request would be.
const GCRA: &str = r"
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local tolerance = interval * (burst - 1)
if tat - now > tolerance then
  return math.ceil((tat - now - tolerance) / 1000)
end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return 0
";

/// A connection to Redis, opened on first use (an instance starts while Redis
/// is down, and fails closed until it is up).
pub struct RedisStore {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    timeout: Duration,
    release: redis::Script,
    gcra: redis::Script,
    url_for_logs: String,
    /// When this store was made: the clock of `failing_until_ms`.
    born: Instant,
    /// Until when (ms after `born`) calls fail without trying (0: try).
    failing_until_ms: AtomicU64,
}

impl RedisStore {
    /// A store at `url` (`redis://[user:password@]host:port[/db]`), each call
    /// answered within `timeout` or failed.
    pub fn new(url: &str, timeout: Duration) -> Result<RedisStore, String> {
        let client = redis::Client::open(url)
            .map_err(|e| format!("CR_REDIS_URL {}: {e}", redact_credentials(url)))?;
        Ok(RedisStore {
            client,
            connection: OnceCell::new(),
            timeout,
            release: redis::Script::new(RELEASE),
            gcra: redis::Script::new(GCRA),
            url_for_logs: redact_credentials(url),
            born: Instant::now(),
            failing_until_ms: AtomicU64::new(0),
        })
    }

    async fn connection(&self) -> Result<ConnectionManager, redis::RedisError> {
        self.connection
            .get_or_try_init(|| {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.timeout))
                    .set_response_timeout(Some(self.timeout))
                    .set_number_of_retries(1)
                    .set_max_delay(Duration::from_secs(1));
                ConnectionManager::new_with_config(self.client.clone(), config)
            })
            .await
            .cloned()
    }

    /// Runs `call` on the connection within the time limit.
    async fn within<T, F, Fut>(&self, call: F) -> Result<T, StoreError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = Result<T, redis::RedisError>>,
    {
        let now_ms = self.now_ms();
        if now_ms < self.failing_until_ms.load(Ordering::Relaxed) {
            crate::server::metrics::store_error();
            return Err(StoreError::Failed("failed a moment ago".into()));
        }
        let attempt = async {
            let connection = self.connection().await?;
            call(connection).await
        };
        let answer = tokio::time::timeout(self.timeout, attempt).await;
        if !matches!(answer, Ok(Ok(_))) {
            let rest = u64::try_from(REST_AFTER_FAILURE.as_millis()).unwrap_or(1_000);
            self.failing_until_ms
                .store(self.now_ms() + rest, Ordering::Relaxed);
        }
        match answer {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                crate::server::metrics::store_error();
                tracing::warn!(redis = %self.url_for_logs, error = %e, "redis call failed");
                Err(StoreError::Failed(e.to_string()))
            }
            Err(_) => {
                crate::server::metrics::store_error();
                tracing::warn!(redis = %self.url_for_logs, "redis call timed out");
                Err(StoreError::Timeout)
            }
        }
    }
}

impl RedisStore {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.born.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

fn prefixed(key: &str) -> String {
    format!("{PREFIX}{key}")
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl SharedStore for RedisStore {
    fn ping(&self) -> StoreFuture<'_, ()> {
        Box::pin(self.within(|mut c| async move {
            redis::cmd("PING")
                .query_async::<String>(&mut c)
                .await
                .map(|_| ())
        }))
    }

    fn claim<'a>(&'a self, key: &'a str, value: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(self.within(move |mut c| async move {
            let set: Option<String> = redis::cmd("SET")
                .arg(prefixed(key))
                .arg(value)
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .query_async(&mut c)
                .await?;
            Ok(set.is_some())
        }))
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<String>> {
        Box::pin(self.within(move |mut c| async move {
            redis::cmd("GET")
                .arg(prefixed(key))
                .query_async(&mut c)
                .await
        }))
    }

    fn put<'a>(&'a self, key: &'a str, value: &'a str, ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(self.within(move |mut c| async move {
            redis::cmd("SET")
                .arg(prefixed(key))
                .arg(value)
                .arg("PX")
                .arg(millis(ttl))
                .query_async(&mut c)
                .await
        }))
    }

    fn release<'a>(&'a self, key: &'a str, value: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(self.within(move |mut c| async move {
            let removed: i64 = self
                .release
                .key(prefixed(key))
                .arg(value)
                .invoke_async(&mut c)
                .await?;
            Ok(removed == 1)
        }))
    }

    fn take<'a>(&'a self, key: &'a str, per_minute: u32) -> StoreFuture<'a, Result<(), u64>> {
        let interval_us = 60_000_000 / u64::from(per_minute.max(1));
        Box::pin(self.within(move |mut c| async move {
            let wait_ms: i64 = self
                .gcra
                .key(prefixed(key))
                .arg(interval_us)
                .arg(per_minute.max(1))
                .invoke_async(&mut c)
                .await?;
            Ok(match u64::try_from(wait_ms) {
                Ok(0) | Err(_) => Ok(()),
                Ok(ms) => Err(wait_secs(ms)),
            })
        }))
    }

    fn kind(&self) -> &'static str {
        "redis"
    }
}
