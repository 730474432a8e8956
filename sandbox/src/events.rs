//! `GET /v5/orders/{id}/subscribe`: the order as Server-Sent Events. A `message`
//! with the full order on connect and on every change (id = version), keep-alive
//! comments, then a named `stop` event once the order is terminal, and the end.
//! Each client address holds at most `max_streams_per_client` of them at once.

use super::Sandbox;
use super::dialect::Dialect;
use super::orders::Snapshot;
use super::streams::Place;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{Extensions, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::convert::Infallible;
use std::net::SocketAddr;
use tokio::sync::watch;

fn message(sb: &Sandbox, s: &Snapshot) -> Event {
    let event = Event::default().id(s.version.to_string());
    if sb.inner.dialects.list().is_empty() {
        return event.data(s.json.as_str());
    }
    match serde_json::from_str(&s.json) {
        Ok(order) => event.data(sb.inner.dialects.order(&order).to_string()),
        Err(_) => event.data(s.json.as_str()),
    }
}

fn stop(sb: &Sandbox) -> Event {
    let event = Event::default().event("stop");
    if sb.inner.dialects.on(Dialect::StopEmpty) {
        event
    } else {
        event.data("{}")
    }
}

enum Step {
    First,
    Next,
    Stop,
    Done,
}

/// The subscribe handler.
pub async fn subscribe(
    State(sb): State<Sandbox>,
    Path(id): Path<String>,
    extensions: Extensions,
) -> Response {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let Some(place) = Place::take(&sb, peer) else {
        let cap = sb.inner.config.max_streams_per_client;
        return super::error(
            StatusCode::TOO_MANY_REQUESTS,
            "TOO_MANY_STREAMS",
            &format!("at most {cap} open event streams per client"),
        );
    };
    let Some(rx) = sb.inner.store.watch(&id) else {
        return super::error(StatusCode::NOT_FOUND, "ORDER_NOT_FOUND", "no such order");
    };
    let drop_after = sb
        .inner
        .faults
        .sse_drop(&format!("/v5/orders/{id}/subscribe"));
    // The place is held by the stream's state: given back when the stream ends
    // (its state dropped) or the client goes away (the whole stream dropped).
    let events = futures::stream::unfold(
        (rx, Step::First, sb.clone(), place),
        |(mut rx, step, sb, place): (watch::Receiver<Snapshot>, Step, Sandbox, Place)| async move {
            match step {
                Step::Done => None,
                Step::Stop => Some((stop(&sb), (rx, Step::Done, sb, place))),
                Step::First => {
                    let s = rx.borrow_and_update().clone();
                    let next = if s.terminal { Step::Stop } else { Step::Next };
                    Some((message(&sb, &s), (rx, next, sb, place)))
                }
                Step::Next => {
                    rx.changed().await.ok()?;
                    let s = rx.borrow_and_update().clone();
                    let next = if s.terminal { Step::Stop } else { Step::Next };
                    Some((message(&sb, &s), (rx, next, sb, place)))
                }
            }
        },
    );
    let keep_alive = KeepAlive::new().interval(sb.inner.config.keep_alive);
    match drop_after {
        // The fault switch: the connection ends after n events, without `stop`.
        Some(n) => Sse::new(events.take(n).map(Ok::<_, Infallible>))
            .keep_alive(keep_alive)
            .into_response(),
        None => Sse::new(events.map(Ok::<_, Infallible>))
            .keep_alive(keep_alive)
            .into_response(),
    }
}
