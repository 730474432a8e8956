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
use alloc::vec;
use alloc::vec::Vec;
use core::cell::RefCell;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Element;

/// `balanceOf(address)`'s selector.
const BALANCE_OF: &str = "70a08231";

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

/// A wallet found in the page: its name (none for a bare `window.ethereum`) and
/// its EIP-1193 provider.
struct Wallet {
    name: Option<String>,
    uuid: String,
    provider: JsValue,
}

/// The transfer sent from this page: its recipient, units and transaction.
struct Sent {
    to: String,
    units: String,
    tx: String,
}

type Listener = Closure<dyn FnMut(web_sys::Event)>;

/// The module's state. Without `std` (so without `thread_local!`, the panic
/// machinery and its formatting, which tripled the module's size): the page's
/// one thread is the only one that ever touches it.
struct Local<T>(RefCell<T>);

// SAFETY: wasm32-unknown-unknown without the `atomics` feature runs this
// module on the page's main thread alone; no other thread exists to share it.
unsafe impl<T> Sync for Local<T> {}

impl<T> Local<T> {
    fn with<R>(&self, f: impl FnOnce(&RefCell<T>) -> R) -> R {
        f(&self.0)
    }
}

static WALLETS: Local<Vec<Wallet>> = Local(RefCell::new(Vec::new()));
static SENT: Local<Option<Sent>> = Local(RefCell::new(None));
static BUSY: Local<bool> = Local(RefCell::new(false));
static LISTENING: Local<Option<Listener>> = Local(RefCell::new(None));

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
    LISTENING.with(|l| {
        if l.borrow().is_none() {
            let on_announce: Listener = Closure::new(announced);
            let _ = window.add_event_listener_with_callback(
                "eip6963:announceProvider",
                on_announce.as_ref().unchecked_ref(),
            );
            *l.borrow_mut() = Some(on_announce);
            if let Ok(ask) = web_sys::Event::new("eip6963:requestProvider") {
                let _ = window.dispatch_event(&ask);
            }
        }
    });
    show_buttons();
}

/// An EIP-6963 announcement: a wallet's info and provider.
fn announced(ev: web_sys::Event) {
    let detail = Reflect::get(&ev, &"detail".into()).unwrap_or(JsValue::UNDEFINED);
    let info = Reflect::get(&detail, &"info".into()).unwrap_or(JsValue::UNDEFINED);
    let provider = Reflect::get(&detail, &"provider".into()).unwrap_or(JsValue::UNDEFINED);
    let text = |key: &str| {
        Reflect::get(&info, &key.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    let (Some(uuid), true) = (text("uuid"), provider.is_object()) else {
        return;
    };
    // A wallet's name is shown as text, never as markup: at most 40 characters.
    let name = text("name")
        .map(|n| n.chars().take(40).collect::<String>())
        .filter(|n| !n.trim().is_empty());
    WALLETS.with(|w| {
        let mut w = w.borrow_mut();
        if !w.iter().any(|x| x.uuid == uuid) {
            w.push(Wallet {
                name,
                uuid,
                provider,
            });
        }
    });
    show_buttons();
}

/// The wallets to offer: the announced ones, else `window.ethereum`.
fn wallets() -> Vec<(Option<String>, JsValue)> {
    let announced: Vec<_> = WALLETS.with(|w| {
        w.borrow()
            .iter()
            .map(|x| (x.name.clone(), x.provider.clone()))
            .collect()
    });
    if !announced.is_empty() {
        return announced;
    }
    let injected = web_sys::window()
        .and_then(|w| Reflect::get(&w, &"ethereum".into()).ok())
        .filter(JsValue::is_object);
    injected.map(|p| vec![(None, p)]).unwrap_or_default()
}

fn block() -> Option<Element> {
    document()?
        .query_selector("[data-wallet-pay]")
        .ok()
        .flatten()
}

fn attr(el: &Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

/// One button per wallet in the block (the server's button is the template),
/// and what was already sent for this very amount.
fn show_buttons() {
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
    let sent = SENT.with(|s| {
        s.borrow()
            .as_ref()
            .filter(|s| s.to == attr(&block, "data-to") && s.units == attr(&block, "data-units"))
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
fn say(block: &Element, text: &str, working: bool) {
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
fn code_of(e: &JsValue) -> Option<i64> {
    Reflect::get(e, &"code".into())
        .ok()?
        .as_f64()
        .map(|c| c as i64)
}

/// `provider.request({method, params})`.
async fn request(provider: &JsValue, method: &str, params: &Array) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(provider, &"request".into())?.dyn_into()?;
    let args = Object::new();
    Reflect::set(&args, &"method".into(), &method.into())?;
    Reflect::set(&args, &"params".into(), params)?;
    let promise: Promise = f.call1(provider, &args)?.dyn_into()?;
    JsFuture::from(promise).await
}

fn params(items: &[JsValue]) -> Array {
    items.iter().collect()
}

fn object(pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), &(*v).into());
    }
    o.into()
}

/// A hex quantity as a number; more than 128 bits reads as the largest.
fn quantity(v: &JsValue) -> Option<u128> {
    number(v.as_string()?.strip_prefix("0x")?, 16)
}

/// Digits in `radix` as a number (saturating); none for anything else.
fn number(digits: &str, radix: u32) -> Option<u128> {
    if digits.is_empty() {
        return None;
    }
    digits.chars().try_fold(0u128, |n, c| {
        let d = u128::from(c.to_digit(radix)?);
        Some(n.saturating_mul(u128::from(radix)).saturating_add(d))
    })
}

/// The payment, step by step; the name of the words to say when it stops.
async fn pay(provider: &JsValue) -> Result<String, &'static str> {
    let block = block().ok_or("data-w-failed")?;
    let open = |b: &Element| {
        // Whole seconds, compared as the browser's clock counts them.
        let expires = attr(b, "data-pay-until").bytes().try_fold(0f64, |n, d| {
            d.is_ascii_digit().then(|| n * 10.0 + f64::from(d - b'0'))
        });
        expires.is_none_or(|e| js_sys::Date::now() / 1000.0 < e)
    };
    if !open(&block) {
        return Err("data-w-closed");
    }
    let (chain, token, units, call) = (
        attr(&block, "data-chain"),
        attr(&block, "data-token"),
        attr(&block, "data-units"),
        attr(&block, "data-call"),
    );
    let (to, units_n) = (
        attr(&block, "data-to"),
        number(&units, 10).ok_or("data-w-failed")?,
    );
    say(&block, &attr(&block, "data-w-confirm"), true);
    let rejected_or = |word| {
        move |e: JsValue| {
            if code_of(&e) == Some(4001) {
                "data-w-rejected"
            } else {
                word
            }
        }
    };
    let accounts = request(provider, "eth_requestAccounts", &Array::new())
        .await
        .map_err(rejected_or("data-w-account"))?;
    let account = Array::from(&accounts)
        .get(0)
        .as_string()
        .ok_or("data-w-account")?;
    // The order's chain: switch, or add it when the wallet doesn't know it.
    let current = request(provider, "eth_chainId", &Array::new())
        .await
        .ok()
        .and_then(|c| quantity(&c));
    if current != quantity(&JsValue::from_str(&chain)) {
        let switch = params(&[object(&[("chainId", &chain)])]);
        if let Err(e) = request(provider, "wallet_switchEthereumChain", &switch).await {
            if code_of(&e) != Some(4902) {
                return Err("data-w-switch");
            }
            let add = js_sys::JSON::parse(&attr(&block, "data-add-chain"))
                .map_err(|_| "data-w-switch")?;
            request(provider, "wallet_addEthereumChain", &params(&[add]))
                .await
                .map_err(|_| "data-w-switch")?;
            request(provider, "wallet_switchEthereumChain", &switch)
                .await
                .map_err(|_| "data-w-switch")?;
        }
    }
    // Enough of the token, and of the gas token for the fee.
    let owner = account
        .strip_prefix("0x")
        .unwrap_or(&account)
        .to_ascii_lowercase();
    let mut balance_call = String::from("0x");
    balance_call.push_str(BALANCE_OF);
    balance_call.extend(core::iter::repeat_n(
        '0',
        64usize.saturating_sub(owner.len()),
    ));
    balance_call.push_str(&owner);
    let balance = request(
        provider,
        "eth_call",
        &params(&[
            object(&[("to", &token), ("data", &balance_call)]),
            "latest".into(),
        ]),
    )
    .await
    .ok()
    .and_then(|b| quantity(&b))
    .ok_or("data-w-failed")?;
    if balance < units_n {
        return Err("data-w-token");
    }
    let tx = object(&[
        ("from", &account),
        ("to", &token),
        ("data", &call),
        ("value", "0x0"),
    ]);
    let gas_money = request(
        provider,
        "eth_getBalance",
        &params(&[account.clone().into(), "latest".into()]),
    )
    .await
    .ok()
    .and_then(|b| quantity(&b));
    let gas = request(
        provider,
        "eth_estimateGas",
        &params(core::slice::from_ref(&tx)),
    )
    .await
    .ok()
    .and_then(|g| quantity(&g));
    let price = request(provider, "eth_gasPrice", &Array::new())
        .await
        .ok()
        .and_then(|p| quantity(&p));
    match (gas_money, gas, price) {
        (Some(have), Some(gas), Some(price)) if have < gas.saturating_mul(price) => {
            return Err("data-w-fees");
        }
        (Some(0), _, _) => return Err("data-w-fees"),
        (_, None, _) => return Err("data-w-failed"),
        _ => {}
    }
    // The window may have closed while the wallet was asking.
    let block = self::block()
        .filter(|b| attr(b, "data-to") == to && attr(b, "data-units") == units)
        .ok_or("data-w-closed")?;
    if !open(&block) {
        return Err("data-w-closed");
    }
    let hash = request(provider, "eth_sendTransaction", &params(&[tx]))
        .await
        .map_err(|e| match code_of(&e) {
            Some(4001) => "data-w-rejected",
            Some(4100) => "data-w-account",
            _ => "data-w-failed",
        })?
        .as_string()
        .filter(|h| {
            h.len() == 66
                && h.strip_prefix("0x")
                    .is_some_and(|x| x.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .ok_or("data-w-failed")?;
    SENT.with(|s| {
        *s.borrow_mut() = Some(Sent {
            to,
            units,
            tx: hash.clone(),
        })
    });
    Ok(hash)
}
