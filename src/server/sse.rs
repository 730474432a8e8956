//! `GET /api/orders/{id}/subscribe`: the browser's live order view, proxied to the
//! upstream's event stream with the partner headers. Browsers watching the same
//! order share one upstream stream (fan-out); it closes when the last one leaves,
//! when the upstream sends `stop`, or on server shutdown. A finished order's last
//! events are replayed from memory rather than reopened upstream; order ids the
//! shop doesn't know spend the client's discovery budget (see `order_ledger`);
//! each client holds a bounded number of streams.

use crate::error::AppError;
use crate::model::order::Order;
use crate::model::problem::Field;
use crate::model::values::OrderId;
use crate::server::client_addr::ClientAddr;
use crate::server::order_ledger::Refusal;
use crate::server::shop::Shop;
use crate::server::upstream::{Shopper, UpstreamError};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

pub use crate::server::sse_parser::{Frame, Parser};

impl Frame {
    /// The event as sent to browsers (`text/event-stream`), serialized once
    /// and shared by every subscriber.
    fn wire(&self) -> Wire {
        let mut out = String::with_capacity(self.data.len() + 32);
        if let Some(id) = self.id.as_deref().filter(|i| !i.contains(['\n', '\r'])) {
            out.push_str("id: ");
            out.push_str(id);
            out.push('\n');
        }
        if let Some(name) = self.event.as_deref().filter(|n| !n.contains(['\n', '\r'])) {
            out.push_str("event: ");
            out.push_str(name);
            out.push('\n');
        }
        // A browser drops an event whose data is empty: `stop` must always arrive.
        let data = if self.data.is_empty() && self.is_stop() {
            "{}"
        } else {
            self.data.as_str()
        };
        for line in data.split('\n') {
            out.push_str("data: ");
            out.push_str(line.trim_end_matches('\r'));
            out.push('\n');
        }
        out.push('\n');
        Wire {
            bytes: Bytes::from(out),
            stop: self.is_stop(),
            made: std::time::Instant::now(),
        }
    }
}

/// An event ready to write: the same bytes for every subscriber (cloning is a
/// reference count), and whether it ends the stream.
#[derive(Clone, Debug)]
struct Wire {
    bytes: Bytes,
    stop: bool,
    /// When it was read from the upstream (the fan-out delay is measured from it).
    made: std::time::Instant,
}

/// What the pump tells subscribers.
#[derive(Clone, Debug)]
enum Signal {
    Frame(Wire),
    /// The upstream stream ended (or failed): subscribers end theirs too.
    Closed,
}

/// One upstream stream and everyone watching it.
struct Feed {
    id: String,
    tx: broadcast::Sender<Signal>,
    last: Mutex<Option<Frame>>,
    /// The upstream's `stop`, once it came: a browser that attaches after it
    /// still gets it, even when the bounded cache of endings did not keep it.
    stop: Mutex<Option<Frame>>,
    finished: std::sync::atomic::AtomicBool,
    pump: Mutex<Option<tokio::task::AbortHandle>>,
    /// The registry, to leave it when the last browser leaves.
    feeds: Weak<Mutex<HashMap<String, Weak<Feed>>>>,
}

impl Drop for Feed {
    fn drop(&mut self) {
        crate::server::metrics::metrics().upstream_streams.dec();
        if let Some(feeds) = self.feeds.upgrade() {
            let mut feeds = feeds.lock().unwrap_or_else(PoisonError::into_inner);
            if feeds.get(&self.id).is_some_and(|w| w.strong_count() == 0) {
                feeds.remove(&self.id);
            }
        }
        // The last browser left: close the upstream connection.
        if let Some(h) = self
            .pump
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            h.abort();
        }
    }
}

/// The last state and the `stop` of an order whose stream has ended.
type Ending = Arc<(Option<Frame>, Frame)>;

/// Finished orders remembered at most, and for how long.
const MAX_ENDINGS: u64 = 10_000;
const ENDING_FOR: Duration = Duration::from_secs(10 * 60);

/// The registry of open upstream streams, by order id.
pub struct Hub {
    shop: Arc<Shop>,
    feeds: Arc<Mutex<HashMap<String, Weak<Feed>>>>,
    /// One upstream opening at a time per order: browsers arriving together share it.
    opening: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Orders whose stream said `stop`: replayed without asking the upstream again.
    endings: moka::sync::Cache<String, Ending>,
    /// Open streams per client (entries leave at zero, so bounded by connections).
    per_client: Mutex<HashMap<IpAddr, usize>>,
    shutdown: CancellationToken,
    keep_alive: Duration,
}

/// The client already holds as many streams as it may.
struct TooManyStreams;

/// A client's place among its open streams, given back when the stream ends.
struct StreamPlace {
    hub: Arc<Hub>,
    key: IpAddr,
}

impl Drop for StreamPlace {
    fn drop(&mut self) {
        crate::server::metrics::metrics().live_streams.dec();
        let mut counts = self
            .hub
            .per_client
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

impl Hub {
    /// A hub over the shop's upstream client; `shutdown` ends every stream.
    pub fn new(shop: Arc<Shop>, shutdown: CancellationToken, keep_alive: Duration) -> Hub {
        Hub {
            shop,
            feeds: Arc::new(Mutex::new(HashMap::new())),
            opening: Mutex::new(HashMap::new()),
            endings: moka::sync::Cache::builder()
                .max_capacity(MAX_ENDINGS)
                .time_to_live(ENDING_FOR)
                .build(),
            per_client: Mutex::new(HashMap::new()),
            shutdown,
            keep_alive,
        }
    }

    /// Upstream streams open right now.
    pub fn open_upstreams(&self) -> usize {
        let feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
        feeds.values().filter(|w| w.strong_count() > 0).count()
    }

    /// The order as its stream last told it (an open stream's latest event, or
    /// the last state of one that ended), without asking the upstream.
    pub fn latest(&self, id: &str) -> Option<Order> {
        let frame = match self.existing(id) {
            Some(feed) => feed
                .last
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
            None => self.endings.get(id).and_then(|e| e.0.clone()),
        }?;
        Order::from_event(&frame.data).filter(|o| o.order_id == id)
    }

    fn existing(&self, id: &str) -> Option<Arc<Feed>> {
        let feed = {
            let feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
            feeds.get(id).and_then(Weak::upgrade)
        };
        // Dropped (if finished) outside the lock: Feed's drop takes it.
        feed.filter(|f| !f.finished.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Takes a stream place for `client`, or says it holds too many.
    fn take_place(
        self: &Arc<Self>,
        client: Option<ClientAddr>,
    ) -> Result<Option<StreamPlace>, TooManyStreams> {
        let Some(client) = client else {
            return Ok(None);
        };
        let key = client.limit_key();
        let mut counts = self
            .per_client
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let n = counts.entry(key).or_default();
        if *n >= self.shop.config.max_streams_per_client {
            return Err(TooManyStreams);
        }
        *n += 1;
        crate::server::metrics::metrics().live_streams.inc();
        Ok(Some(StreamPlace {
            hub: self.clone(),
            key,
        }))
    }

    /// A finished order's remembered ending: its last state, then `stop`.
    fn ending(&self, id: &str) -> Option<Vec<Bytes>> {
        let ending = self.endings.get(id)?;
        let (last, stop) = &*ending;
        Some(last.iter().chain([stop]).map(|f| f.wire().bytes).collect())
    }

    /// Answers one browser's subscription.
    pub async fn subscribe(
        self: &Arc<Self>,
        id: &str,
        shopper: &Shopper,
        last_event_id: Option<&str>,
    ) -> Response {
        let Some(order_id) = OrderId::parse(id) else {
            return error(
                StatusCode::BAD_REQUEST,
                AppError::invalid(Field::Order, crate::model::problem::Reason::NotAnOrderId),
            );
        };
        let id = order_id.as_str();
        let Ok(place) = self.take_place(shopper.client) else {
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                AppError::RateLimited { retry_after: None },
            );
        };
        if let Some(wires) = self.ending(id) {
            return self.respond(futures::stream::iter(wires), place);
        }
        let feed = match self.existing(id) {
            Some(feed) => feed,
            None => {
                let gate = {
                    let mut opening = self.opening.lock().unwrap_or_else(PoisonError::into_inner);
                    opening.entry(id.to_string()).or_default().clone()
                };
                let turn = gate.lock().await;
                // Whoever opened while we waited is shared, not duplicated.
                let opened = match self.existing(id) {
                    Some(feed) => Ok(feed),
                    None => self.open(id, shopper, last_event_id).await,
                };
                drop(turn);
                {
                    let mut opening = self.opening.lock().unwrap_or_else(PoisonError::into_inner);
                    // Only the map and we hold it: nobody else is waiting.
                    if Arc::strong_count(&gate) <= 2 {
                        opening.remove(id);
                    }
                }
                match opened {
                    Ok(feed) => feed,
                    Err(resp) => return resp,
                }
            }
        };
        let rx = feed.tx.subscribe();
        let replay = feed
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        // The feed may have ended before this subscription was attached (an
        // upstream that says everything and `stop` at once): its end went to
        // nobody, so say it here from the feed itself — its last state and its
        // `stop` (the bounded cache of endings may not have kept them: seen
        // under load with 11,000 finished orders); without a `stop` (the
        // upstream ended without one) the stream just ends, and the browser
        // asks again.
        if feed.finished.load(std::sync::atomic::Ordering::SeqCst) {
            let stop = feed
                .stop
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            let wires: Vec<Bytes> = replay
                .iter()
                .chain(stop.iter())
                .map(|f| f.wire().bytes)
                .collect();
            return self.respond(futures::stream::iter(wires), place);
        }
        self.respond(
            subscriber_stream(feed, rx, replay.map(|f| f.wire()), self.keep_alive),
            place,
        )
    }

    /// The event-stream answer: keep-alives, ended by `stop` or shutdown; the
    /// client's stream place is given back when it ends.
    fn respond(
        &self,
        events: impl Stream<Item = Bytes> + Send + 'static,
        place: Option<StreamPlace>,
    ) -> Response {
        let events = events
            .take_until(self.shutdown.clone().cancelled_owned())
            .map(move |e| {
                let _held = &place;
                Ok::<Bytes, Infallible>(e)
            });
        let mut resp = Body::from_stream(events).into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store, no-transform"),
        );
        h.insert(header::CONNECTION, HeaderValue::from_static("keep-alive"));
        h.insert("x-accel-buffering", HeaderValue::from_static("no"));
        resp
    }

    async fn open(
        &self,
        id: &str,
        shopper: &Shopper,
        last_event_id: Option<&str>,
    ) -> Result<Arc<Feed>, Response> {
        let ledger = &self.shop.ledger;
        match ledger.admit(id, shopper.client).await {
            Ok(()) => {}
            Err(Refusal::Missing) => {
                return Err(error(
                    StatusCode::NOT_FOUND,
                    AppError::NotFound(crate::error::Missing::Order),
                ));
            }
            Err(Refusal::TooMany(wait)) => {
                return Err(error(
                    StatusCode::TOO_MANY_REQUESTS,
                    AppError::RateLimited {
                        retry_after: Some(wait),
                    },
                ));
            }
        }
        let path = format!("/v5/orders/{id}/subscribe");
        let upstream = self
            .shop
            .client
            .open_stream(&path, shopper, last_event_id)
            .await;
        if matches!(upstream, Err(UpstreamError::NotFound)) {
            ledger.lost(id).await;
        }
        // A failure is logged where it happened (the upstream client).
        let upstream = upstream.map_err(|e| {
            match e {
                // The reference's proxy answers 502 when the upstream can't be reached.
                UpstreamError::Timeout
                | UpstreamError::Unreachable(_)
                | UpstreamError::NotSent(_) => {
                    error(StatusCode::BAD_GATEWAY, AppError::Unavailable)
                }
                UpstreamError::NotFound => error(
                    StatusCode::NOT_FOUND,
                    AppError::NotFound(crate::error::Missing::Order),
                ),
                UpstreamError::RateLimited(wait) => error(
                    StatusCode::TOO_MANY_REQUESTS,
                    AppError::RateLimited { retry_after: wait },
                ),
                UpstreamError::QuotaSpent(wait) => error(
                    StatusCode::TOO_MANY_REQUESTS,
                    AppError::RateLimited {
                        retry_after: Some(wait),
                    },
                ),
                // The upstream's own status is passed on.
                UpstreamError::Refused { status, .. } | UpstreamError::Failed { status, .. } => {
                    error(
                        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
                        AppError::Unavailable,
                    )
                }
                _ => error(StatusCode::BAD_GATEWAY, AppError::Unavailable),
            }
        })?;
        ledger.found(id).await;
        let (tx, _) = broadcast::channel(64);
        let feed = Arc::new(Feed {
            id: id.to_string(),
            tx,
            last: Mutex::new(None),
            stop: Mutex::new(None),
            finished: std::sync::atomic::AtomicBool::new(false),
            pump: Mutex::new(None),
            feeds: Arc::downgrade(&self.feeds),
        });
        crate::server::metrics::metrics().upstream_streams.inc();
        let weak = Arc::downgrade(&feed);
        let task = tokio::spawn(pump(upstream, weak.clone(), self.endings.clone()));
        *feed.pump.lock().unwrap_or_else(PoisonError::into_inner) = Some(task.abort_handle());
        let mut feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
        feeds.insert(id.to_string(), weak);
        Ok(feed)
    }
}

/// An error answer of the stream route: the shop's one error answer, at `status`.
fn error(status: StatusCode, err: AppError) -> Response {
    (status, err).into_response()
}

/// Reads the upstream stream and broadcasts each event as it arrives; remembers
/// how a finished order ended.
async fn pump(
    upstream: reqwest::Response,
    feed: Weak<Feed>,
    endings: moka::sync::Cache<String, Ending>,
) {
    let mut bytes = upstream.bytes_stream();
    let mut parser = Parser::default();
    'read: while let Some(chunk) = bytes.next().await {
        let Ok(chunk) = chunk else { break };
        for frame in parser.push(&chunk) {
            let Some(feed) = feed.upgrade() else { return };
            let stop = frame.is_stop();
            if !stop {
                *feed.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(frame.clone());
            } else {
                *feed.stop.lock().unwrap_or_else(PoisonError::into_inner) = Some(frame.clone());
                feed.finished
                    .store(true, std::sync::atomic::Ordering::SeqCst);
                let last = feed
                    .last
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                endings.insert(feed.id.clone(), Arc::new((last, frame.clone())));
            }
            let _ = feed.tx.send(Signal::Frame(frame.wire()));
            if stop {
                break 'read;
            }
        }
    }
    if let Some(feed) = feed.upgrade() {
        feed.finished
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = feed.tx.send(Signal::Closed);
    }
}

/// A comment line sent when nothing else was for a while, so that proxies and
/// browsers keep the connection.
const KEEP_ALIVE: &[u8] = b": keep-alive\n\n";

/// One browser's events: the latest state first, then every new one (the
/// shared bytes), ending after `stop`; a keep-alive after `keep_alive` of silence.
fn subscriber_stream(
    feed: Arc<Feed>,
    rx: broadcast::Receiver<Signal>,
    replay: Option<Wire>,
    keep_alive: Duration,
) -> impl Stream<Item = Bytes> + Send + 'static {
    futures::stream::unfold(
        (feed, rx, replay, false),
        move |(feed, mut rx, replay, done)| async move {
            if let Some(w) = replay {
                return Some((w.bytes, (feed, rx, None, w.stop)));
            }
            if done {
                return None;
            }
            loop {
                tokio::select! {
                    got = rx.recv() => match got {
                        Ok(Signal::Frame(w)) => {
                            crate::server::metrics::metrics()
                                .fanout_delay
                                .observe(w.made.elapsed().as_secs_f64());
                            return Some((w.bytes, (feed, rx, None, w.stop)));
                        }
                        Ok(Signal::Closed) | Err(broadcast::error::RecvError::Closed) => return None,
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    },
                    () = tokio::time::sleep(keep_alive) => {
                        return Some((Bytes::from_static(KEEP_ALIVE), (feed, rx, None, false)));
                    }
                }
            }
        },
    )
}

/// Reads the `Last-Event-ID` header a reconnecting browser sends.
pub fn last_event_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && !v.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_events_across_chunks() {
        let mut p = Parser::default();
        assert!(p.push(b": keep-alive\n\nid: 1\ndata: {\"a\"").is_empty());
        let f = p.push(b":1}\n\nevent: stop\r\ndata: done\r\n\r\n");
        assert_eq!(f.len(), 2);
        assert_eq!(
            f[0],
            Frame {
                id: Some("1".into()),
                event: None,
                data: "{\"a\":1}".into()
            }
        );
        assert!(f[1].is_stop());
        let f = p.push(b"data: a\ndata: b\n\n");
        assert_eq!(f[0].data, "a\nb");
    }

    #[test]
    fn an_event_is_written_as_a_browser_reads_it() {
        let f = Frame {
            id: Some("7".into()),
            event: Some("update".into()),
            data: "{\"a\":1}\nsecond".into(),
        };
        let w = f.wire();
        assert_eq!(
            &w.bytes[..],
            b"id: 7\nevent: update\ndata: {\"a\":1}\ndata: second\n\n"
        );
        assert!(!w.stop);
        // Read back by our own parser: the same frame.
        assert_eq!(Parser::default().push(&w.bytes), vec![f]);
        // `stop` always carries data (a browser drops an event without any).
        let stop = Frame {
            event: Some("stop".into()),
            ..Frame::default()
        }
        .wire();
        assert_eq!(&stop.bytes[..], b"event: stop\ndata: {}\n\n");
        assert!(stop.stop);
        // A field that would break the framing is left out.
        let odd = Frame {
            id: Some("1\nevent: stop".into()),
            event: None,
            data: "x".into(),
        };
        assert_eq!(&odd.wire().bytes[..], b"data: x\n\n");
    }

    #[tokio::test]
    async fn a_subscriber_gets_keep_alives_in_silence_then_the_shared_bytes_until_stop() {
        let (tx, rx) = broadcast::channel(8);
        let feed = Arc::new(Feed {
            id: "o".into(),
            tx: tx.clone(),
            last: Mutex::new(None),
            stop: Mutex::new(None),
            finished: std::sync::atomic::AtomicBool::new(false),
            pump: Mutex::new(None),
            feeds: Weak::new(),
        });
        let replay = Frame {
            data: "first".into(),
            ..Frame::default()
        };
        let mut s = Box::pin(subscriber_stream(
            feed,
            rx,
            Some(replay.wire()),
            Duration::from_millis(20),
        ));
        assert_eq!(s.next().await.as_deref(), Some(&b"data: first\n\n"[..]));
        assert_eq!(s.next().await.as_deref(), Some(KEEP_ALIVE));
        let change = Frame {
            data: "second".into(),
            ..Frame::default()
        }
        .wire();
        let _ = tx.send(Signal::Frame(change.clone()));
        let got = s.next().await.expect("the change");
        assert_eq!(got, change.bytes);
        assert_eq!(
            got.as_ptr(),
            change.bytes.as_ptr(),
            "the same bytes, not a copy"
        );
        let stop = Frame {
            event: Some("stop".into()),
            ..Frame::default()
        }
        .wire();
        let _ = tx.send(Signal::Frame(stop.clone()));
        assert_eq!(s.next().await, Some(stop.bytes));
        assert_eq!(s.next().await, None);
    }
}
