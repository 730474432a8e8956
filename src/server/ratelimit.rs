//! A small per-client rate limit (token bucket by client address) for order
//! creation and validation, as a tower layer over the paths it guards.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;
use tower::{Layer, Service};

use crate::error::AppError;
use leptos::server_fn::error::FromServerFnError;

/// Token buckets per client address.
pub struct Limiter {
    per_minute: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    /// Allows `per_minute` requests a minute per client, in bursts of the same size.
    pub fn new(per_minute: u32) -> Limiter {
        Limiter {
            per_minute: f64::from(per_minute.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `ip`; on refusal, the seconds until the next one.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() > 100_000 {
            buckets.retain(|_, (_, at)| now.duration_since(*at).as_secs() < 120);
        }
        let (tokens, at) = buckets.entry(ip).or_insert((self.per_minute, now));
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

/// The client's address: the first `X-Forwarded-For` hop, else the peer.
pub fn client_ip<B>(req: &Request<B>) -> Option<IpAddr> {
    req.headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.trim().parse().ok())
        .or_else(|| {
            req.extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        })
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
            && let Some(ip) = client_ip(&req)
            && let Err(wait) = self.layer.limiter.check(ip)
        {
            let err = AppError::RateLimited {
                retry_after: Some(wait),
            };
            let mut resp = (StatusCode::TOO_MANY_REQUESTS, err.ser()).into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            resp.headers_mut()
                .insert("serverfnerror", HeaderValue::from_static("rate-limited"));
            return futures::future::Either::Right(std::future::ready(Ok(resp)));
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
        let ip: IpAddr = [10, 0, 0, 1].into();
        assert!(l.check(ip).is_ok());
        assert!(l.check(ip).is_ok());
        assert!(l.check(ip).is_ok());
        let wait = l.check(ip).expect_err("limited");
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(
            l.check([10, 0, 0, 2].into()).is_ok(),
            "other clients unaffected"
        );
    }
}
