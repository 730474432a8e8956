//! Per-client rate limits: token buckets by client address in a bounded cache, and
//! a tower layer that applies one to the paths it guards.

use axum::body::Body;
use axum::http::Request;
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tower::{Layer, Service};

use crate::error::AppError;
use crate::server::client_addr::ClientAddr;

/// Buckets kept at most: beyond, the least recently used go (a new bucket is full,
/// so an evicted client gains at most one burst).
const MAX_BUCKETS: u64 = 200_000;

/// Token buckets per client (see [`ClientAddr::limit_key`]), in a bounded cache.
pub struct Limiter {
    per_minute: f64,
    buckets: moka::sync::Cache<IpAddr, Arc<Mutex<(f64, Instant)>>>,
}

impl Limiter {
    /// Allows `per_minute` requests a minute per client, in bursts of the same size.
    pub fn new(per_minute: u32) -> Limiter {
        Limiter::with_capacity(per_minute, MAX_BUCKETS)
    }

    /// Like [`Limiter::new`], keeping at most `capacity` buckets.
    pub fn with_capacity(per_minute: u32, capacity: u64) -> Limiter {
        Limiter {
            per_minute: f64::from(per_minute.max(1)),
            // A bucket idle for a minute is full again: forgetting it loses nothing.
            buckets: moka::sync::Cache::builder()
                .max_capacity(capacity)
                .time_to_idle(Duration::from_secs(60))
                .build(),
        }
    }

    /// Takes a token for `client`; on refusal, the seconds until the next one.
    pub fn check(&self, client: ClientAddr) -> Result<(), u64> {
        let now = Instant::now();
        let bucket = self.buckets.get_with(client.limit_key(), || {
            Arc::new(Mutex::new((self.per_minute, now)))
        });
        let mut guard = bucket.lock().unwrap_or_else(PoisonError::into_inner);
        let (tokens, at) = &mut *guard;
        let refill = now.duration_since(*at).as_secs_f64() * self.per_minute / 60.0;
        *tokens = (*tokens + refill).min(self.per_minute);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) * 60.0 / self.per_minute).ceil().max(1.0) as u64)
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
    type Future =
        futures::future::Either<S::Future, std::future::Ready<Result<Response, S::Error>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let guarded = self.layer.paths.iter().any(|p| p == req.uri().path());
        if guarded
            && let Some(client) = req.extensions().get::<ClientAddr>().copied()
            && let Err(wait) = self.layer.limiter.check(client)
        {
            let refused = AppError::RateLimited {
                retry_after: Some(wait),
            };
            return futures::future::Either::Right(std::future::ready(Ok(refused.into_response())));
        }
        futures::future::Either::Left(self.inner.call(req))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_refuses_after_burst_and_says_how_long() {
        let l = Limiter::new(3);
        let ip = ClientAddr([10, 0, 0, 1].into());
        assert!(l.check(ip).is_ok());
        assert!(l.check(ip).is_ok());
        assert!(l.check(ip).is_ok());
        let wait = l.check(ip).expect_err("limited");
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(
            l.check(ClientAddr([10, 0, 0, 2].into())).is_ok(),
            "other clients unaffected"
        );
    }

    #[test]
    fn buckets_are_bounded() {
        let l = Limiter::with_capacity(5, 100);
        for i in 0..5_000u32 {
            let _ = l.check(ClientAddr(std::net::Ipv4Addr::from(i).into()));
        }
        assert!(l.len() <= 110, "{}", l.len());
    }
}
