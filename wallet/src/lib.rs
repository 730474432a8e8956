//! "Pay with your wallet" on the order page (EVM chains): a wasm module of its
//! own, which the server's block (`components::wallet_pay`) loads only where a
//! wallet can pay (an EVM order waiting for payment), so that no other page
//! carries its code. Finds
//! injected wallets (EIP-6963 announcements, else `window.ethereum`), shows a
//! button per wallet in the server's block (`components::wallet_pay`), and on a
//! click asks the wallet, through EIP-1193 `request`, for: the account, the
//! order's chain (switching, or adding it), the token balance, the fee, then
//! one `eth_sendTransaction` of the transfer the server computed. Each refusal
//! is said in the page's words (the block's `data-w-*`); nothing is ever sent
//! twice for the same amount from this page, nor after the window closed.

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use js_sys::Reflect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

#[cfg(feature = "evm")]
mod evm;
#[cfg(feature = "solana")]
mod solana;

/// The event the order page's live view sends after it swapped the order's
/// region in (the block may be new, or gone).
const SWAPPED: &str = "order-region-swapped";

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Runs once the module is loaded: one click handler for the wallet buttons,
/// a look for wallets now and after every swap of the order's region.
#[wasm_bindgen(start)]
pub fn start() {
    let Some(doc) = document() else { return };
    let click: Listener = Closure::new(|ev: web_sys::Event| clicked(&ev));
    let swapped: Listener = Closure::new(|_ev: web_sys::Event| reveal());
    let _ = doc.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
    let _ = doc.add_event_listener_with_callback(SWAPPED, swapped.as_ref().unchecked_ref());
    // For the life of the page.
    click.forget();
    swapped.forget();
    reveal();
}

/// The transfer sent from this page: its recipient, units and transaction.
pub(crate) struct Sent {
    pub(crate) to: String,
    pub(crate) units: String,
    pub(crate) tx: String,
}

pub(crate) type Listener = Closure<dyn FnMut(web_sys::Event)>;

/// The module's state. Without `std` (so without `thread_local!`, the panic
/// machinery and its formatting, which tripled the module's size): the page's
/// one thread is the only one that ever touches it.
pub(crate) struct Local<T>(pub(crate) RefCell<T>);

// SAFETY: wasm32-unknown-unknown without the `atomics` feature runs this
// module on the page's main thread alone; no other thread exists to share it.
unsafe impl<T> Sync for Local<T> {}

impl<T> Local<T> {
    pub(crate) fn with<R>(&self, f: impl FnOnce(&RefCell<T>) -> R) -> R {
        f(&self.0)
    }
}

/// The last thing said in the status line, for the block of this recipient
/// and amount.
struct Said {
    to: String,
    units: String,
    text: String,
    working: bool,
}

static SAID: Local<Option<Said>> = Local(RefCell::new(None));

pub(crate) static SENT: Local<Option<Sent>> = Local(RefCell::new(None));
static BUSY: Local<bool> = Local(RefCell::new(false));
static LISTENING: Local<bool> = Local(RefCell::new(false));

/// A small allocator that frees (the default one came with `std`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: single-threaded, as above.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// A bug here stops this module alone (the page and its payment details stay).
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Starts listening for wallets (once) and asks them to announce themselves,
/// then shows the buttons. Called when the module starts and after every swap.
fn reveal() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if !LISTENING.with(|l| l.replace(true)) {
        #[cfg(feature = "evm")]
        evm::listen(&window);
        #[cfg(feature = "solana")]
        solana::listen(&window, show_buttons);
    }
    show_buttons();
}

/// The wallets to offer for the block on the page: Solana's on a Solana
/// order, the EVM ones otherwise (each module build carries one kind).
fn wallets() -> Vec<(Option<String>, JsValue)> {
    let solana = block().is_some_and(|b| b.has_attribute("data-solana"));
    #[cfg(feature = "solana")]
    if solana {
        return solana::wallets();
    }
    #[cfg(feature = "evm")]
    if !solana {
        return evm::wallets();
    }
    Vec::new()
}

pub(crate) fn block() -> Option<Element> {
    document()?
        .query_selector("[data-wallet-pay]")
        .ok()
        .flatten()
}

pub(crate) fn attr(el: &Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

/// One button per wallet in the block (the server's button is the template),
/// and what was already sent for this very amount.
pub(crate) fn show_buttons() {
    let Some(block) = block() else { return };
    let wallets = wallets();
    if wallets.is_empty() {
        return;
    }
    let Some(row) = block.query_selector("[data-wallet-buttons]").ok().flatten() else {
        return;
    };
    let Some(template) = row
        .query_selector("button[data-wallet-button]")
        .ok()
        .flatten()
    else {
        return;
    };
    let generic = template.get_attribute("data-generic").unwrap_or_else(|| {
        let text = template.text_content().unwrap_or_default();
        let _ = template.set_attribute("data-generic", &text);
        text
    });
    let named = attr(&block, "data-named");
    row.set_inner_html("");
    for (i, (name, _)) in wallets.iter().enumerate() {
        let Ok(node) = template.clone_node_with_deep(true) else {
            continue;
        };
        let Ok(button) = node.dyn_into::<Element>() else {
            continue;
        };
        let text = match name {
            Some(n) => named.replace("{wallet}", n),
            None => generic.clone(),
        };
        button.set_text_content(Some(&text));
        // Few wallets: one digit each (the tenth and beyond share the last).
        let digit = char::from(b'0' + i.min(9) as u8);
        let _ = button.set_attribute("data-wallet", digit.encode_utf8(&mut [0; 4]));
        let _ = row.append_child(&button);
    }
    let _ = block.remove_attribute("hidden");
    let (to, units) = (attr(&block, "data-to"), attr(&block, "data-units"));
    let said = SAID.with(|s| {
        s.borrow()
            .as_ref()
            .filter(|s| s.to == to && s.units == units)
            .map(|s| (s.text.clone(), s.working))
    });
    if let Some((text, working)) = said {
        show_said(&block, &text, working);
    }
    let sent = SENT.with(|s| {
        s.borrow()
            .as_ref()
            .filter(|s| s.to == to && s.units == units)
            .map(|s| s.tx.clone())
    });
    if let Some(tx) = sent {
        show_sent(&block, &tx);
    }
}

/// One click handler for the wallet buttons, present or swapped in later.
fn clicked(ev: &web_sys::Event) {
    let Some(button) = ev
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest("button[data-wallet-button]").ok().flatten())
    else {
        return;
    };
    let index = attr(&button, "data-wallet")
        .bytes()
        .next()
        .map_or(0, |d| usize::from(d.wrapping_sub(b'0')));
    let Some((_, provider)) = wallets().into_iter().nth(index) else {
        return;
    };
    if BUSY.with(|b| b.replace(true)) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = pay(&provider).await;
        BUSY.with(|b| *b.borrow_mut() = false);
        let Some(block) = block() else { return };
        match outcome {
            Ok(tx) => show_sent(&block, &tx),
            Err(word) => say(&block, &attr(&block, word), false),
        }
    });
}

/// Says `text` in the block's status line (an error is also `role=alert`-loud).
pub(crate) fn say(block: &Element, text: &str, working: bool) {
    // Kept, for the block the live view may swap in meanwhile (a new minute
    // in "in 29 minutes" re-renders the region): what was said stays said.
    let said = Said {
        to: attr(block, "data-to"),
        units: attr(block, "data-units"),
        text: String::from(text),
        working,
    };
    SAID.with(|s| *s.borrow_mut() = Some(said));
    show_said(block, text, working);
}

/// The status line and the buttons as `say` left them.
fn show_said(block: &Element, text: &str, working: bool) {
    if let Some(status) = block.query_selector("[data-wallet-status]").ok().flatten() {
        status.set_text_content(Some(text));
        let _ = status.set_attribute(
            "class",
            if working {
                "wallet-status"
            } else {
                "wallet-status warning"
            },
        );
    }
    each_button(block, |b| {
        if working {
            let _ = b.set_attribute("disabled", "");
        } else {
            let _ = b.remove_attribute("disabled");
        }
    });
}

fn each_button(block: &Element, f: impl Fn(&Element)) {
    if let Ok(list) = block.query_selector_all("button[data-wallet-button]") {
        for i in 0..list.length() {
            if let Some(b) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                f(&b);
            }
        }
    }
}

/// "Sent — waiting for the network", the transaction and its explorer link; the
/// buttons stay disabled for this amount.
fn show_sent(block: &Element, tx: &str) {
    let (Some(doc), Some(status)) = (
        document(),
        block.query_selector("[data-wallet-status]").ok().flatten(),
    ) else {
        return;
    };
    status.set_text_content(Some(&attr(block, "data-w-sent")));
    let _ = status.set_attribute("class", "wallet-status sent");
    if let (Ok(code), Ok(link)) = (doc.create_element("code"), doc.create_element("a")) {
        code.set_text_content(Some(tx));
        let _ = code.set_attribute("class", "tx");
        let _ = code.set_attribute("data-testid", "wallet-tx");
        let _ = link.set_attribute("href", &(attr(block, "data-explorer") + tx));
        let _ = link.set_attribute("rel", "noopener noreferrer");
        let _ = link.set_attribute("target", "_blank");
        link.set_text_content(Some(&attr(block, "data-w-see")));
        let _ = status.append_with_str_1(" ");
        let _ = status.append_child(&code);
        let _ = status.append_with_str_1(" ");
        let _ = status.append_child(&link);
    }
    each_button(block, |b| {
        let _ = b.set_attribute("disabled", "");
    });
}

/// An EIP-1193 error's `code` (4001: rejected by the user, 4100: unauthorized,
/// 4902: unknown chain), when it has one.
pub(crate) fn code_of(e: &JsValue) -> Option<i64> {
    Reflect::get(e, &"code".into())
        .ok()?
        .as_f64()
        .map(|c| c as i64)
}

/// Pays with the wallet of `provider`, as the block's kind asks.
async fn pay(provider: &JsValue) -> Result<String, &'static str> {
    let block = block().ok_or("data-w-failed")?;
    #[cfg(feature = "solana")]
    if block.has_attribute("data-solana") {
        return solana::pay(provider, &block).await;
    }
    #[cfg(feature = "evm")]
    if !block.has_attribute("data-solana") {
        return evm::pay(provider).await;
    }
    let _ = provider;
    Err("data-w-failed")
}

/// What to say when the wallet refuses: declined by the shopper (EIP-1193's
/// 4001), else `word`.
pub(crate) fn rejected_or(word: &'static str) -> impl Fn(JsValue) -> &'static str {
    move |e: JsValue| {
        if code_of(&e) == Some(4001) {
            "data-w-rejected"
        } else {
            word
        }
    }
}

/// The order's payment window is still open (whole seconds, compared as the
/// browser's clock counts them).
pub(crate) fn open(b: &Element) -> bool {
    let expires = attr(b, "data-pay-until").bytes().try_fold(0f64, |n, d| {
        d.is_ascii_digit().then(|| n * 10.0 + f64::from(d - b'0'))
    });
    expires.is_none_or(|e| js_sys::Date::now() / 1000.0 < e)
}
