//! Solana wallets that register through the Wallet Standard and can
//! `solana:signAndSendTransaction`: the transaction comes from the server
//! (`/api/orders/solana-transfer`, built from the order and the payer's key),
//! the wallet signs and sends it, and its signature is shown with Solscan's link.

use super::{Local, SENT, Sent, attr, open, rejected_or, say};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Element;

const SIGN_AND_SEND: &str = "solana:signAndSendTransaction";
const CHAIN: &str = "solana:mainnet";

static WALLETS: Local<Vec<JsValue>> = Local(RefCell::new(Vec::new()));

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Listens for wallets registering, and tells those already there that the
/// page is ready (the Wallet Standard's two events), once.
pub fn listen(window: &web_sys::Window, show: fn()) {
    let register: Closure<dyn FnMut(JsValue)> = Closure::new(move |wallet: JsValue| {
        let features = get(&wallet, "features");
        let usable = get(&features, SIGN_AND_SEND).is_object()
            && get(&features, "standard:connect").is_object();
        if usable {
            WALLETS.with(|w| w.borrow_mut().push(wallet));
            show();
        }
    });
    let api = Object::new();
    let _ = Reflect::set(&api, &"register".into(), register.as_ref());
    let on_register: Closure<dyn FnMut(web_sys::Event)> = Closure::new({
        let api = api.clone();
        move |ev: web_sys::Event| {
            if let Ok(callback) = get(&ev, "detail").dyn_into::<Function>() {
                let _ = callback.call1(&JsValue::UNDEFINED, &api);
            }
        }
    });
    let _ = window.add_event_listener_with_callback(
        "wallet-standard:register-wallet",
        on_register.as_ref().unchecked_ref(),
    );
    if let Ok(ready) = web_sys::Event::new("wallet-standard:app-ready") {
        let _ = Reflect::set(&ready, &"detail".into(), &api);
        let _ = window.dispatch_event(&ready);
    }
    register.forget();
    on_register.forget();
}

/// The registered wallets, by name.
pub fn wallets() -> Vec<(Option<String>, JsValue)> {
    WALLETS.with(|w| {
        w.borrow()
            .iter()
            .map(|x| {
                (
                    get(x, "name")
                        .as_string()
                        .map(|n| n.chars().take(40).collect()),
                    x.clone(),
                )
            })
            .collect()
    })
}

async fn call(target: &JsValue, method: &str, arg: &JsValue) -> Result<JsValue, JsValue> {
    let f: Function = get(target, method).dyn_into()?;
    let promise: Promise = f.call1(target, arg)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// The payment: connect, fetch the transaction, sign and send it; the
/// signature, or the name of the words to say.
pub async fn pay(wallet: &JsValue, block: &Element) -> Result<String, &'static str> {
    if !open(block) {
        return Err("data-w-closed");
    }
    say(block, &attr(block, "data-w-confirm"), true);
    let features = get(wallet, "features");
    let connected = call(
        &get(&features, "standard:connect"),
        "connect",
        &Object::new(),
    )
    .await
    .map_err(rejected_or("data-w-account"))?;
    let account = Array::from(&get(&connected, "accounts")).get(0);
    let address = get(&account, "address")
        .as_string()
        .ok_or("data-w-account")?;
    // The server builds the transaction from the order and this key alone.
    let mut body = String::from("order_id=");
    body.push_str(&attr(block, "data-order"));
    body.push_str("&payer=");
    body.push_str(&address);
    let headers = Object::new();
    let _ = Reflect::set(
        &headers,
        &"content-type".into(),
        &"application/x-www-form-urlencoded".into(),
    );
    let _ = Reflect::set(&headers, &"accept".into(), &"application/json".into());
    let init = Object::new();
    let _ = Reflect::set(&init, &"method".into(), &"POST".into());
    let _ = Reflect::set(&init, &"headers".into(), &headers);
    let _ = Reflect::set(&init, &"body".into(), &body.into());
    let window: JsValue = web_sys::window().ok_or("data-w-failed")?.into();
    let fetch: Function = get(&window, "fetch")
        .dyn_into()
        .map_err(|_| "data-w-failed")?;
    let promise: Promise = fetch
        .call2(&window, &attr(block, "data-endpoint").into(), &init)
        .map_err(|_| "data-w-failed")?
        .dyn_into()
        .map_err(|_| "data-w-failed")?;
    let response = JsFuture::from(promise).await.map_err(|_| "data-w-failed")?;
    if get(&response, "ok").as_bool() != Some(true) {
        return Err("data-w-failed");
    }
    let json = call(&response, "json", &JsValue::UNDEFINED)
        .await
        .map_err(|_| "data-w-failed")?;
    let tx = json
        .as_string()
        .and_then(|b| base64(&b))
        .ok_or("data-w-failed")?;
    let input = Object::new();
    let _ = Reflect::set(&input, &"account".into(), &account);
    let _ = Reflect::set(
        &input,
        &"transaction".into(),
        &Uint8Array::from(tx.as_slice()),
    );
    let _ = Reflect::set(&input, &"chain".into(), &CHAIN.into());
    // The window may have closed while the wallet was asking.
    if !open(block) {
        return Err("data-w-closed");
    }
    let sign = get(&features, SIGN_AND_SEND);
    let sent = call(&sign, "signAndSendTransaction", &input)
        .await
        .map_err(rejected_or("data-w-failed"))?;
    let signature = get(&Array::from(&sent).get(0), "signature");
    let bytes = signature
        .dyn_into::<Uint8Array>()
        .map_err(|_| "data-w-failed")?
        .to_vec();
    let signature = (bytes.len() == 64)
        .then(|| base58(&bytes))
        .ok_or("data-w-failed")?;
    let (to, units) = (attr(block, "data-to"), attr(block, "data-units"));
    SENT.with(|s| {
        *s.borrow_mut() = Some(Sent {
            to,
            units,
            tx: signature.clone(),
        })
    });
    Ok(signature)
}

/// Standard base64 (the server's answer) to bytes.
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Bitcoin-alphabet base58 (Solana's signatures and keys).
fn base58(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = Vec::new();
    for &b in bytes {
        let mut carry = u32::from(b);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    let mut out = String::with_capacity(zeros + digits.len());
    out.extend(core::iter::repeat_n('1', zeros));
    out.extend(
        digits
            .iter()
            .rev()
            .map(|d| char::from(ALPHABET[usize::from(*d)])),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58_and_base64_read_and_write_known_vectors() {
        assert_eq!(base58(b"hello world"), "StV1DL6CwTryKyV");
        assert_eq!(base58(&[0, 0, 1]), "112");
        assert_eq!(base64("aGVsbG8gd29ybGQ="), Some(b"hello world".to_vec()));
        assert_eq!(base64("AAE="), Some(vec![0, 1]));
        assert_eq!(base64("a$"), None);
    }
}
