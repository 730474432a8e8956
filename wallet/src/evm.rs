//! EVM wallets (EIP-6963 announcements, else `window.ethereum`): the account,
//! the order's chain (switched, or added), the token balance and the fee, then
//! one `eth_sendTransaction` of the transfer the server computed.

use super::{
    Listener, Local, SENT, Sent, attr, block, code_of, open, rejected_or, say, show_buttons,
};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::RefCell;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `balanceOf(address)`'s selector.
const BALANCE_OF: &str = "70a08231";

/// A wallet found in the page: its name (none for a bare `window.ethereum`) and
/// its EIP-1193 provider.
struct Wallet {
    name: Option<String>,
    uuid: String,
    provider: JsValue,
}

static WALLETS: Local<Vec<Wallet>> = Local(RefCell::new(Vec::new()));

/// Listens for EIP-6963 announcements (for the page's life) and asks the
/// wallets to announce themselves.
pub fn listen(window: &web_sys::Window) {
    let on_announce: Listener = Closure::new(announced);
    let _ = window.add_event_listener_with_callback(
        "eip6963:announceProvider",
        on_announce.as_ref().unchecked_ref(),
    );
    on_announce.forget();
    if let Ok(ask) = web_sys::Event::new("eip6963:requestProvider") {
        let _ = window.dispatch_event(&ask);
    }
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
pub fn wallets() -> Vec<(Option<String>, JsValue)> {
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
pub async fn pay(provider: &JsValue) -> Result<String, &'static str> {
    let block = block().ok_or("data-w-failed")?;
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
