//! Browser-only live order view: an `EventSource` on the local proxy that drops
//! invalid payloads, stops for good on `stop`, reconnects with exponential backoff
//! (1 s doubling to 30 s, reset after a good message) and falls back to polling
//! the order every 5 s while the stream keeps failing or can't be opened.

use crate::model::order::Order;
use gloo_timers::callback::{Interval, Timeout};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

/// First reconnect delay.
pub const BACKOFF_START_MS: u32 = 1_000;
/// Longest reconnect delay.
pub const BACKOFF_MAX_MS: u32 = 30_000;
/// Polling interval of the fallback.
pub const POLL_MS: u32 = 5_000;
/// Consecutive stream failures before polling starts alongside the retries.
pub const FAILURES_BEFORE_POLLING: u32 = 2;

/// The reconnect delay after `current`.
pub fn next_backoff(current: u32) -> u32 {
    current.saturating_mul(2).min(BACKOFF_MAX_MS)
}

/// Seconds since the epoch, from the browser's clock.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

type Handler = Closure<dyn FnMut(web_sys::Event)>;

struct Inner {
    id: String,
    source: Option<EventSource>,
    handlers: Vec<Handler>,
    backoff: u32,
    failures: u32,
    stopped: bool,
    retry: Option<Timeout>,
    poll: Option<Interval>,
    on_order: Rc<dyn Fn(Order)>,
    on_mode: Rc<dyn Fn(&'static str)>,
}

/// Watches one order until it is terminal or the watcher is dropped.
pub struct Watcher(Rc<RefCell<Inner>>);

impl Drop for Watcher {
    fn drop(&mut self) {
        stop(&self.0);
    }
}

/// Starts watching `id`; `on_order` gets every valid order, `on_mode` a short
/// description of how the page is kept up to date.
pub fn watch_order(
    id: &str,
    on_order: impl Fn(Order) + 'static,
    on_mode: impl Fn(&'static str) + 'static,
) -> Watcher {
    let inner = Rc::new(RefCell::new(Inner {
        id: id.to_string(),
        source: None,
        handlers: Vec::new(),
        backoff: BACKOFF_START_MS,
        failures: 0,
        stopped: false,
        retry: None,
        poll: None,
        on_order: Rc::new(on_order),
        on_mode: Rc::new(on_mode),
    }));
    connect(&inner);
    Watcher(inner)
}

fn connect(w: &Rc<RefCell<Inner>>) {
    let (url, stopped) = {
        let i = w.borrow();
        (format!("/api/orders/{}/subscribe", i.id), i.stopped)
    };
    if stopped {
        return;
    }
    let Ok(source) = EventSource::new(&url) else {
        start_polling(w);
        return;
    };
    let weak = Rc::downgrade(w);
    let on_message: Handler = Closure::new({
        let weak = weak.clone();
        move |ev: web_sys::Event| {
            let Some(w) = weak.upgrade() else { return };
            let Some(data) = ev
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
            else {
                return;
            };
            let Some(order) = Order::from_event(&data) else {
                return;
            };
            let (on_order, on_mode) = {
                let mut i = w.borrow_mut();
                if order.order_id != i.id {
                    return;
                }
                i.backoff = BACKOFF_START_MS;
                i.failures = 0;
                i.poll = None;
                (i.on_order.clone(), i.on_mode.clone())
            };
            // A terminal state ends the watch even if `stop` never comes.
            let terminal = order.order_state.is_terminal();
            on_mode(if terminal {
                ""
            } else {
                "Live: this page updates by itself."
            });
            on_order(order);
            if terminal {
                stop(&w);
            }
        }
    });
    let on_stop: Handler = Closure::new({
        let weak = weak.clone();
        move |_ev: web_sys::Event| {
            if let Some(w) = weak.upgrade() {
                let on_mode = w.borrow().on_mode.clone();
                stop(&w);
                on_mode("");
            }
        }
    });
    let on_error: Handler = Closure::new(move |_ev: web_sys::Event| {
        let Some(w) = weak.upgrade() else { return };
        failed(&w);
    });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let _ = source.add_event_listener_with_callback("stop", on_stop.as_ref().unchecked_ref());
    let mut i = w.borrow_mut();
    let old = std::mem::replace(&mut i.handlers, vec![on_message, on_stop, on_error]);
    drop_later(old);
    i.source = Some(source);
}

/// The stream failed: close it (the browser's own retry is replaced by ours),
/// retry after the backoff, and poll meanwhile once failures repeat.
fn failed(w: &Rc<RefCell<Inner>>) {
    let (delay, poll, on_mode) = {
        let mut i = w.borrow_mut();
        if i.stopped {
            return;
        }
        if let Some(s) = i.source.take() {
            s.close();
        }
        i.failures += 1;
        let delay = i.backoff;
        i.backoff = next_backoff(i.backoff);
        (
            delay,
            i.failures >= FAILURES_BEFORE_POLLING,
            i.on_mode.clone(),
        )
    };
    if poll {
        start_polling(w);
        on_mode("Live updates interrupted; checking every few seconds.");
    } else {
        on_mode("Reconnecting…");
    }
    let weak: Weak<RefCell<Inner>> = Rc::downgrade(w);
    let retry = Timeout::new(delay, move || {
        if let Some(w) = weak.upgrade() {
            connect(&w);
        }
    });
    w.borrow_mut().retry = Some(retry);
}

fn start_polling(w: &Rc<RefCell<Inner>>) {
    if w.borrow().poll.is_some() {
        return;
    }
    let weak = Rc::downgrade(w);
    let poll = Interval::new(POLL_MS, move || {
        let Some(w) = weak.upgrade() else { return };
        let id = w.borrow().id.clone();
        let weak = Rc::downgrade(&w);
        leptos::task::spawn_local(async move {
            let Ok(view) = crate::api::orders::get_order(id).await else {
                return;
            };
            let Some(w) = weak.upgrade() else { return };
            let on_order = w.borrow().on_order.clone();
            let terminal = view.order.order_state.is_terminal();
            on_order(view.order);
            if terminal {
                stop(&w);
            }
        });
    });
    w.borrow_mut().poll = Some(poll);
}

fn stop(w: &Rc<RefCell<Inner>>) {
    let mut i = w.borrow_mut();
    i.stopped = true;
    if let Some(s) = i.source.take() {
        s.close();
    }
    i.retry = None;
    i.poll = None;
    let handlers = std::mem::take(&mut i.handlers);
    drop_later(handlers);
}

/// Closures may be running right now (stop is called from one): free them later.
fn drop_later(handlers: Vec<Handler>) {
    if !handlers.is_empty() {
        Timeout::new(0, move || drop(handlers)).forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_cap() {
        let mut d = BACKOFF_START_MS;
        let mut seen = vec![d];
        for _ in 0..7 {
            d = next_backoff(d);
            seen.push(d);
        }
        assert_eq!(
            seen,
            [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]
        );
    }
}
