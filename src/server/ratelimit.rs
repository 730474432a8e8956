//! Per-client rate limits: token buckets by client address in the shop's
//! [`SharedStore`] (so several instances share one limit), and a tower layer that
//! applies one to the paths it guards.
//!
//! When the shared store fails, a limit falls back to this instance's own
//! buckets: it stays a limit (per instance, so at most N times looser behind N
//! instances) rather than failing open or refusing everyone.

use axum::body::Body;
use axum::http::Request;
use axum::response::{IntoResponse, Response};
use futures::future::BoxFuture;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::{Layer, Service};

use crate::error::AppError;
use crate::server::client_addr::ClientAddr;
use crate::server::shared_store::{SharedStore, TokenBuckets};

/// Fallback buckets kept at most (least recently used go first).
const FALLBACK_BUCKETS: u64 = 200_000;

/// A named limit of `per_minute` requests per client (see [`ClientAddr::limit_key`]).
pub struct Limiter {
    name: &'static str,
    per_minute: u32,
    store: Arc<dyn SharedStore>,
    /// This instance's buckets, used while the shared store fails.
    fallback: TokenBuckets,
}

impl Limiter {
    /// Allows `per_minute` requests a minute per client, in bursts of the same
    /// size, counted in `store` under `name`.
    pub fn new(name: &'static str, per_minute: u32, store: Arc<dyn SharedStore>) -> Limiter {
        Limiter {
            name,
            per_minute: per_minute.max(1),
            store,
            fallback: TokenBuckets::new(FALLBACK_BUCKETS),
        }
    }

    /// Takes a token for `client`; on refusal, the seconds until the next one.
    pub async fn check(&self, client: ClientAddr) -> Result<(), u64> {
        let key = format!("limit:{}:{}", self.name, client.limit_key());
        let answer = match self.store.take(&key, self.per_minute).await {
            Ok(answer) => answer,
            Err(e) => {
                tracing::warn!(limit = self.name, error = %e, "shared limit unavailable; this instance's own buckets apply");
                crate::server::metrics::store_fallback("rate_limit");
                self.fallback.take(&key, self.per_minute)
            }
        };
        if answer.is_err() {
            crate::server::metrics::refused_by(self.name);
        }
        answer
    }
}

/// Applies a [`Limiter`] to requests whose path is one of `paths`.
#[derive(Clone)]
pub struct RateLimitLayer {
    limiter: Arc<Limiter>,
    paths: Arc<Vec<String>>,
}

impl RateLimitLayer {
    /// Limits the given paths with `limiter`.
    pub fn new(limiter: Arc<Limiter>, paths: Vec<String>) -> RateLimitLayer {
        RateLimitLayer {
            limiter,
            paths: Arc::new(paths),
        }
    }
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimit<S>;
    fn layer(&self, inner: S) -> RateLimit<S> {
        RateLimit {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service of [`RateLimitLayer`].
#[derive(Clone)]
pub struct RateLimit<S> {
    inner: S,
    layer: RateLimitLayer,
}

impl<S> Service<Request<Body>> for RateLimit<S>
where
    S: Service<Request<Body>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let guarded = self.layer.paths.iter().any(|p| p == req.uri().path());
        let client = req.extensions().get::<ClientAddr>().copied();
        // The clone that was made ready is the one called (tower's clone-and-swap).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let limiter = self.layer.limiter.clone();
        Box::pin(async move {
            if guarded
                && let Some(client) = client
                && let Err(wait) = limiter.check(client).await
            {
                let refused = AppError::RateLimited {
                    retry_after: Some(wait),
                };
                return Ok(refused.into_response());
            }
            inner.call(req).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::shared_store::{MemoryStore, StoreFuture};
    use std::time::Duration;

    #[tokio::test]
    async fn bucket_refuses_after_burst_and_says_how_long() {
        let l = Limiter::new("test", 3, Arc::new(MemoryStore::new(1)));
        let ip = ClientAddr([10, 0, 0, 1].into());
        assert!(l.check(ip).await.is_ok());
        assert!(l.check(ip).await.is_ok());
        assert!(l.check(ip).await.is_ok());
        let wait = l.check(ip).await.expect_err("limited");
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(
            l.check(ClientAddr([10, 0, 0, 2].into())).await.is_ok(),
            "other clients unaffected"
        );
    }

    #[test]
    fn buckets_are_bounded() {
        let b = TokenBuckets::new(100);
        for i in 0..5_000u32 {
            let _ = b.take(&std::net::Ipv4Addr::from(i).to_string(), 5);
        }
        assert!(b.len() <= 110, "{}", b.len());
    }

    /// A store that always fails.
    struct Down;
    impl SharedStore for Down {
        fn claim<'a>(&'a self, _: &'a str, _: &'a str, _: Duration) -> StoreFuture<'a, bool> {
            Box::pin(async { Err(crate::server::shared_store::StoreError::Timeout) })
        }
        fn get<'a>(&'a self, _: &'a str) -> StoreFuture<'a, Option<String>> {
            Box::pin(async { Err(crate::server::shared_store::StoreError::Timeout) })
        }
        fn put<'a>(&'a self, _: &'a str, _: &'a str, _: Duration) -> StoreFuture<'a, ()> {
            Box::pin(async { Err(crate::server::shared_store::StoreError::Timeout) })
        }
        fn release<'a>(&'a self, _: &'a str, _: &'a str) -> StoreFuture<'a, bool> {
            Box::pin(async { Err(crate::server::shared_store::StoreError::Timeout) })
        }
        fn take<'a>(&'a self, _: &'a str, _: u32) -> StoreFuture<'a, Result<(), u64>> {
            Box::pin(async { Err(crate::server::shared_store::StoreError::Timeout) })
        }
        fn kind(&self) -> &'static str {
            "down"
        }
    }

    #[tokio::test]
    async fn a_failing_store_leaves_this_instances_own_limit() {
        let l = Limiter::new("test", 2, Arc::new(Down));
        let ip = ClientAddr([10, 0, 0, 3].into());
        assert!(l.check(ip).await.is_ok());
        assert!(l.check(ip).await.is_ok());
        assert!(l.check(ip).await.is_err(), "still limited, per instance");
    }
}
