//! Browser-only live order page. The page is server HTML; this keeps it current:
//! an `EventSource` on the local proxy (stops for good on `stop`, reconnects with
//! exponential backoff, 1 s doubling to 30 s, reset after a good message (the
//! rules: `model::reconnect`, tested under both features), and
//! falls back to polling every 5 s while the stream keeps failing or can't be
//! opened). On each change the server renders the order's region again
//! (`order_region`) and it is swapped in: the browser never decodes an order.
//! Also the countdown (every second) and the copy buttons; after each swap it
//! tells the page (`order-region-swapped`), for the wallet module's buttons.

use crate::dom::document;
use crate::model::deadline::{countdown, time_left};
use crate::model::reconnect::Reconnect;
pub use crate::model::reconnect::{Mode, POLL_MS};
use gloo_timers::callback::{Interval, Timeout};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, EventSource};

/// Seconds since the epoch, from the browser's clock.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

type Handler = Closure<dyn FnMut(web_sys::Event)>;
type OnMode = Rc<dyn Fn(Mode)>;

struct Inner {
    id: String,
    source: Option<EventSource>,
    handlers: Vec<Handler>,
    reconnect: Reconnect,
    stopped: bool,
    retry: Option<Timeout>,
    poll: Option<Interval>,
    /// The number of the latest region asked for: only its answer is shown.
    asked: u64,
    /// The region as the server last rendered it (the browser's serialization,
    /// before the countdown and the copy buttons touch it).
    shown: String,
    on_mode: OnMode,
}

/// The live parts of an order page, until dropped.
pub struct LivePage {
    watch: Option<Rc<RefCell<Inner>>>,
    _clock: Interval,
    copy: Option<Handler>,
}

impl Drop for LivePage {
    fn drop(&mut self) {
        if let Some(w) = &self.watch {
            stop(w);
        }
        if let (Some(doc), Some(copy)) = (document(), self.copy.take()) {
            let _ = doc.remove_event_listener_with_callback("click", copy.as_ref().unchecked_ref());
        }
    }
}

impl LivePage {
    /// Starts the countdown and the copy buttons, and follows order `id` unless
    /// it is already `terminal`; `on_mode` gets a short description of how the
    /// page is kept up to date.
    pub fn start(id: &str, terminal: bool, on_mode: impl Fn(Mode) + 'static) -> LivePage {
        let on_mode: OnMode = Rc::new(on_mode);
        let shown = document()
            .and_then(|d| d.get_element_by_id("live-region"))
            .map(|r| r.outer_html())
            .unwrap_or_default();
        reveal_copy_buttons();
        let copy: Handler = Closure::new(copy_clicked);
        if let Some(doc) = document() {
            let _ = doc.add_event_listener_with_callback("click", copy.as_ref().unchecked_ref());
        }
        tick();
        let clock = Interval::new(1_000, tick);
        let watch = (!terminal).then(|| {
            let inner = Rc::new(RefCell::new(Inner {
                id: id.to_string(),
                source: None,
                handlers: Vec::new(),
                reconnect: Reconnect::default(),
                stopped: false,
                retry: None,
                poll: None,
                asked: 0,
                shown: shown.clone(),
                on_mode: on_mode.clone(),
            }));
            connect(&inner);
            inner
        });
        if terminal {
            on_mode(Mode::Off);
        }
        LivePage {
            watch,
            _clock: clock,
            copy: Some(copy),
        }
    }
}

fn each(selector: &str, mut f: impl FnMut(Element)) {
    let Some(list) = document().and_then(|d| d.query_selector_all(selector).ok()) else {
        return;
    };
    for i in 0..list.length() {
        if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            f(el);
        }
    }
}

/// The countdown of every payment window on the page (which replaces the
/// server's "in 28 minutes", true only when the page was rendered).
fn tick() {
    local_deadlines();
    let now = now_secs();
    each(".countdown .relative", |el| {
        let _ = el.set_attribute("hidden", "");
    });
    each("[data-expires]", |el| {
        if let Some(exp) = el
            .get_attribute("data-expires")
            .and_then(|e| e.parse().ok())
        {
            let word = |name: &str| el.get_attribute(name).unwrap_or_default();
            el.set_text_content(Some(&countdown(
                exp,
                now,
                &word("data-left"),
                &word("data-up"),
            )));
            let _ = el.remove_attribute("hidden");
            if time_left(exp, now).is_none() {
                time_up();
            }
        }
    });
}

/// Each deadline the server wrote in UTC ("16:09 UTC"), once, in the browser's
/// own time zone and the page's language: "19:09 GMT+3" in Istanbul.
fn local_deadlines() {
    let lang = document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .unwrap_or_else(|| "en".into());
    each("time.deadline[data-epoch]", |el| {
        let Some(epoch) = el
            .get_attribute("data-epoch")
            .and_then(|e| e.parse::<f64>().ok())
        else {
            return;
        };
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(epoch * 1000.0));
        let options = js_sys::Object::new();
        for (key, value) in [
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("hourCycle", "h23"),
            ("timeZoneName", "short"),
        ] {
            let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
        }
        let local = date.to_locale_time_string_with_options(&lang, &options);
        if let Some(local) = local.as_string().filter(|s| !s.is_empty()) {
            el.set_text_content(Some(&local));
            let _ = el.remove_attribute("data-epoch");
        }
    });
}

/// The window has closed: the address, QR code and wallet link are withdrawn,
/// and what to do instead is shown (server HTML, hidden until now).
fn time_up() {
    each(".pay-now", |el| {
        let _ = el.set_attribute("hidden", "");
    });
    each("[data-time-up]", |el| {
        let _ = el.remove_attribute("hidden");
    });
}

/// Copy buttons are server HTML, hidden until code can run them.
fn reveal_copy_buttons() {
    each("button[data-copy]", |el| {
        let _ = el.remove_attribute("hidden");
    });
}

/// One click handler for every copy button, present or swapped in later.
fn copy_clicked(ev: web_sys::Event) {
    let Some(button) = ev
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest("button[data-copy]").ok().flatten())
    else {
        return;
    };
    let (Some(value), Some(window)) = (button.get_attribute("data-copy"), web_sys::window()) else {
        return;
    };
    // The page's words: the button's own text, and what it says once done.
    let done = button.get_attribute("data-done").unwrap_or_default();
    let idle = button.get_attribute("data-idle").unwrap_or_else(|| {
        let text = button.text_content().unwrap_or_default();
        let _ = button.set_attribute("data-idle", &text);
        text
    });
    let _ = window.navigator().clipboard().write_text(&value);
    let status = button.next_element_sibling();
    button.set_text_content(Some(&done));
    if let Some(s) = &status {
        s.set_text_content(Some(&done));
    }
    Timeout::new(2_000, move || {
        button.set_text_content(Some(&idle));
        if let Some(s) = status {
            s.set_text_content(Some(""));
        }
    })
    .forget();
}

/// Asks for the order's region again and swaps it in (only the latest answer);
/// a terminal order ends the watch.
fn refresh(w: &Rc<RefCell<Inner>>, polling: bool) {
    let (id, ticket) = {
        let mut i = w.borrow_mut();
        i.asked += 1;
        (i.id.clone(), i.asked)
    };
    let weak = Rc::downgrade(w);
    leptos::task::spawn_local(async move {
        let Ok(html) =
            crate::components::order_region::order_region(id, polling, crate::lang::of_page())
                .await
        else {
            return;
        };
        let Some(w) = weak.upgrade() else { return };
        // A `stop` right after the last change must not drop that change's answer.
        if w.borrow().asked != ticket {
            return;
        }
        let Some(region) = document().and_then(|d| d.get_element_by_id("live-region")) else {
            return;
        };
        // Swapped only when it changed: the first event repeats what the page
        // shows, and replacing it would redo what a reader or a finger is on.
        let fresh = serialized(&html);
        if fresh.as_deref() != Some(w.borrow().shown.as_str()) {
            region.set_outer_html(&html);
            w.borrow_mut().shown = fresh.unwrap_or_default();
            reveal_copy_buttons();
            swapped();
            tick();
        }
        let terminal = document()
            .and_then(|d| d.get_element_by_id("live-region"))
            .and_then(|r| r.get_attribute("data-terminal"))
            .is_some_and(|t| t == "true");
        if terminal {
            let on_mode = w.borrow().on_mode.clone();
            stop(&w);
            on_mode(Mode::Off);
        }
    });
}

/// Tells the page the order's region was swapped in (the wallet module, where
/// the page loaded it, shows its buttons in the new region).
fn swapped() {
    if let (Some(doc), Ok(ev)) = (document(), web_sys::Event::new("order-region-swapped")) {
        let _ = doc.dispatch_event(&ev);
    }
}

/// How the browser serializes `html` once parsed (to compare with the page).
fn serialized(html: &str) -> Option<String> {
    crate::dom::fragment(html)?
        .first_element_child()
        .map(|e| e.outer_html())
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
        move |_ev: web_sys::Event| {
            let Some(w) = weak.upgrade() else { return };
            let (on_mode, mode) = {
                let mut i = w.borrow_mut();
                let mode = i.reconnect.message();
                i.poll = None;
                (i.on_mode.clone(), mode)
            };
            on_mode(mode);
            refresh(&w, false);
        }
    });
    let on_stop: Handler = Closure::new({
        let weak = weak.clone();
        move |_ev: web_sys::Event| {
            if let Some(w) = weak.upgrade() {
                let on_mode = w.borrow().on_mode.clone();
                stop(&w);
                on_mode(Mode::Off);
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
    let (retry, on_mode) = {
        let mut i = w.borrow_mut();
        if i.stopped {
            return;
        }
        if let Some(s) = i.source.take() {
            s.close();
        }
        (i.reconnect.failed(), i.on_mode.clone())
    };
    if retry.mode == Mode::Polling {
        start_polling(w);
    }
    on_mode(retry.mode);
    let delay = retry.after_ms;
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
        if let Some(w) = weak.upgrade() {
            refresh(&w, true);
        }
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
