//! The accept loop: our own instead of `axum::serve`, for what that lacks against a
//! hostile visitor. A header-read timeout that also closes idle keep-alive
//! connections, a cap on open connections (beyond it, a plain 503 and close) and
//! a fair share of it per client address, a minimum write progress (a client
//! that doesn't read its answer is closed), idle connections closed whatever
//! their protocol (an HTTP/2 client answering PINGs included), and graceful
//! shutdown that lets requests in flight finish.

use crate::server::client_addr::TrustedProxies;
use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

/// Limits of the accept loop.
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    /// Longest wait for a request's headers, also between requests on a kept-alive
    /// connection, and the longest a connection of either protocol stays open
    /// with no request in flight.
    pub header_read_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// Connections of one client address at once (a trusted proxy's aside).
    pub max_per_client: usize,
    /// Longest a write may wait for a client that doesn't read.
    pub write_stall: Duration,
    /// Proxies whose connections carry many clients: no per-address cap.
    pub trusted: TrustedProxies,
}

/// What a connection over its address's share gets before it is closed.
const TOO_MANY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
retry-after: 5\r\ncontent-length: 52\r\nconnection: close\r\n\r\nToo many connections from your address. Please wait.";

/// Open connections per client address (IPv6 by /64). At most one entry per
/// open connection: bounded by the global cap.
#[derive(Clone, Default)]
struct PerClient(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One connection's place in its address's share, given back on drop.
struct ClientSlot {
    counts: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl PerClient {
    fn take(&self, ip: IpAddr, max: usize) -> Option<ClientSlot> {
        let ip = match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let mut seg = v6.segments();
                    seg[4..].fill(0);
                    IpAddr::V6(seg.into())
                }
            },
            v4 => v4,
        };
        let mut counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let n = counts.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(ClientSlot {
            counts: self.0.clone(),
            ip,
        })
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

/// A connection whose writes must make progress within `limit`: a client that
/// stops reading its answer fails the write, and its connection is closed.
struct WriteProgress<S> {
    inner: S,
    limit: Duration,
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<S> WriteProgress<S> {
    fn new(inner: S, limit: Duration) -> Self {
        WriteProgress {
            inner,
            limit,
            stalled: None,
        }
    }

    /// A write that can't go on: waits at most `limit` in all, then fails.
    fn waiting<T>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<T>> {
        let limit = self.limit;
        let timer = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client stopped reading its answer",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteProgress<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteProgress<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(r) => {
                self.stalled = None;
                Poll::Ready(r)
            }
            Poll::Pending => self.waiting(cx),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Ready(r) => {
                self.stalled = None;
                Poll::Ready(r)
            }
            Poll::Pending => self.waiting(cx),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Requests in flight on one connection. A request counts until its answer's
/// body is dropped, so an open event stream keeps its connection busy.
#[derive(Clone)]
struct InFlight(Arc<watch::Sender<usize>>);

/// One request's place in its connection's count, given back on drop.
struct Busy(Arc<watch::Sender<usize>>);

impl InFlight {
    fn new() -> Self {
        InFlight(Arc::new(watch::Sender::new(0)))
    }

    fn enter(&self) -> Busy {
        self.0.send_modify(|n| *n += 1);
        Busy(self.0.clone())
    }

    /// Returns once no request has been in flight for `idle` (never while one is).
    async fn idle_for(&self, idle: Duration) {
        let mut seen = self.0.subscribe();
        loop {
            if *seen.borrow_and_update() == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(idle) => return,
                    _ = seen.changed() => {}
                }
            } else if seen.changed().await.is_err() {
                return;
            }
        }
    }
}

/// An answer's body that holds its request's place in the count until it is
/// dropped, and passes everything else through: its length too, so a body of
/// known size (a kept page) is sent with `Content-Length`, not in chunks.
struct Counted {
    body: axum::body::Body,
    _busy: Busy,
}

impl hyper::body::Body for Counted {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// What a connection over the cap gets before it is closed.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
retry-after: 5\r\ncontent-length: 45\r\nconnection: close\r\n\r\nThe shop is very busy. Please try again soon.";

/// Serves `app` on `listener` until `shutdown`, then waits for open requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let per_client = PerClient::default();
    let open = TaskTracker::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(64 * 1024);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(30)))
        .max_concurrent_streams(64);
    let builder = Arc::new(builder);
    loop {
        let (stream, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, don't spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            tokio::spawn(async move {
                let mut stream = stream;
                let _ = tokio::time::timeout(Duration::from_secs(2), stream.write_all(BUSY)).await;
                let _ = stream.shutdown().await;
            });
            continue;
        };
        // A fair share per address: one address can't take every slot (a
        // trusted proxy carries many clients and limits them itself).
        let share = if limits.trusted.trusts(peer.ip()) {
            None
        } else {
            match per_client.take(peer.ip(), limits.max_per_client) {
                Some(slot) => Some(slot),
                None => {
                    drop(permit);
                    tokio::spawn(async move {
                        let mut stream = stream;
                        let _ = tokio::time::timeout(
                            Duration::from_secs(2),
                            stream.write_all(TOO_MANY),
                        )
                        .await;
                        let _ = stream.shutdown().await;
                    });
                    continue;
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let (app, builder, stop) = (app.clone(), builder.clone(), shutdown.clone());
        let (idle, stall) = (limits.header_read_timeout, limits.write_stall);
        open.spawn(async move {
            let _permit = permit;
            let _share = share;
            use crate::server::stream_conn::{Opening, opening};
            let opened = opening(&stream, idle).await;
            // Silent past the header-read timeout: closed, as hyper would.
            if opened == Opening::Nothing {
                return;
            }
            let stream = WriteProgress::new(stream, stall);
            // A browser's live order stream: served on the bare connection.
            if opened == Opening::Stream {
                crate::server::stream_conn::serve(stream, peer, app, idle).await;
                return;
            }
            serve_with_hyper(stream, peer, app, &builder, idle, stop).await;
        });
    }
    drop(listener);
    open.close();
    open.wait().await;
    Ok(())
}

/// Serves one connection with hyper (either protocol), until it ends, stays
/// idle for `idle`, or the shop stops: then gracefully, letting requests in
/// flight finish.
async fn serve_with_hyper(
    stream: WriteProgress<tokio::net::TcpStream>,
    peer: std::net::SocketAddr,
    app: Router,
    builder: &Builder<TokioExecutor>,
    idle: Duration,
    stop: CancellationToken,
) {
    let in_flight = InFlight::new();
    let service = {
        let in_flight = in_flight.clone();
        tower::service_fn(move |mut req: axum::http::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            let busy = in_flight.enter();
            let answer = app.clone().oneshot(req.map(axum::body::Body::new));
            async move {
                let res = answer.await?;
                Ok::<_, std::convert::Infallible>(res.map(|body| Counted { body, _busy: busy }))
            }
        })
    };
    let conn = builder
        .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service));
    let mut conn = std::pin::pin!(conn);
    // Closed gracefully (HTTP/2: GOAWAY) when idle or when the shop stops;
    // requests in flight finish either way.
    let ended = tokio::select! {
        ended = conn.as_mut() => Some(ended),
        _ = in_flight.idle_for(idle) => None,
        _ = stop.cancelled() => None,
    };
    let ended = match ended {
        Some(ended) => ended,
        None => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = ended {
        tracing::debug!(%peer, "connection ended: {e}");
    }
}
