//! Browser-only: "Pay with your wallet" on the order page (EVM chains). Finds
//! injected wallets (EIP-6963 announcements, else `window.ethereum`), shows a
//! button per wallet in the server's block (`components::wallet_pay`), and on a
//! click asks the wallet, through EIP-1193 `request`, for: the account, the
//! order's chain (switching, or adding it), the token balance, the fee, then
//! one `eth_sendTransaction` of the transfer the server computed. Each refusal
//! is said in the page's words (the block's `data-w-*`); nothing is ever sent
//! twice for the same amount from this page, nor after the window closed.

use crate::dom::document;
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Element;

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

thread_local! {
    static WALLETS: RefCell<Vec<Wallet>> = const { RefCell::new(Vec::new()) };
    static SENT: RefCell<Option<Sent>> = const { RefCell::new(None) };
    static BUSY: RefCell<bool> = const { RefCell::new(false) };
    static LISTENING: RefCell<Option<Listener>> = const { RefCell::new(None) };
}

/// Starts listening for wallets (once) and asks them to announce themselves,
/// then shows the buttons. Called when the page starts and after every swap.
pub fn reveal() {
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
        let _ = button.set_attribute("data-wallet", &i.to_string());
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
pub fn clicked(ev: &web_sys::Event) {
    let Some(button) = ev
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest("button[data-wallet-button]").ok().flatten())
    else {
        return;
    };
    let index: usize = attr(&button, "data-wallet").parse().unwrap_or(0);
    let Some((_, provider)) = wallets().into_iter().nth(index) else {
        return;
    };
    if BUSY.with(|b| b.replace(true)) {
        return;
    }
    leptos::task::spawn_local(async move {
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
        let _ = link.set_attribute("href", &format!("{}{tx}", attr(block, "data-explorer")));
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
    let s = v.as_string()?;
    let hex = s.strip_prefix("0x")?.trim_start_matches('0');
    if hex.len() > 32 {
        return Some(u128::MAX);
    }
    u128::from_str_radix(if hex.is_empty() { "0" } else { hex }, 16).ok()
}

/// The payment, step by step; the name of the words to say when it stops.
async fn pay(provider: &JsValue) -> Result<String, &'static str> {
    let block = block().ok_or("data-w-failed")?;
    let open = |b: &Element| {
        let expires: Option<f64> = attr(b, "data-pay-until").parse().ok();
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
        units.parse::<u128>().map_err(|_| "data-w-failed")?,
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
    let balance_call = format!(
        "0x{}{:0>64}",
        crate::model::evm::BALANCE_OF,
        account.trim_start_matches("0x").to_ascii_lowercase()
    );
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
        &params(std::slice::from_ref(&tx)),
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
            h.len() == 66 && h.starts_with("0x") && h[2..].bytes().all(|b| b.is_ascii_hexdigit())
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
