//! The checkout as typed goes with the shopper to the same page in another
//! language: a language link followed from the brand page keeps the form's
//! visible fields in this tab's session storage, and the page in the other
//! language puts them back once (then prices and checks them as typed).

use crate::dom::document;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlFormElement, HtmlInputElement, HtmlSelectElement};

/// The session storage entry: the page's path (without its language) and the
/// fields, separated by control characters no field can hold.
const KEY: &str = "checkout-as-typed";
const FIELD: char = '\u{1e}';
const PAIR: char = '\u{1f}';

fn form() -> Option<HtmlFormElement> {
    document()?
        .get_element_by_id("checkout-form")?
        .dyn_into::<HtmlFormElement>()
        .ok()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// This page's path without its language prefix (`/brands/US/steam`).
fn page() -> Option<String> {
    let path = web_sys::window()?.location().pathname().ok()?;
    Some(crate::lang::split(&path).1.to_string())
}

/// A click anywhere: when it follows a language link, the form goes too.
pub fn keep_if_language_link(ev: &web_sys::MouseEvent) {
    let on_language_link = ev
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest("nav.languages a").ok().flatten())
        .is_some();
    if !on_language_link {
        return;
    }
    let (Some(form), Some(page), Some(storage)) = (form(), page(), storage()) else {
        return;
    };
    let mut kept = page;
    let elements = form.elements();
    for i in 0..elements.length() {
        let Some(el) = elements.item(i) else { continue };
        let Some(name) = el.get_attribute("name") else {
            continue;
        };
        let value = if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
            match input.type_().as_str() {
                // The page's own (country, family, its fresh key) and buttons.
                "hidden" | "submit" | "button" => continue,
                "radio" | "checkbox" if !input.checked() => continue,
                _ => input.value(),
            }
        } else if let Some(select) = el.dyn_ref::<HtmlSelectElement>() {
            select.value()
        } else {
            continue;
        };
        if !value.contains([FIELD, PAIR]) {
            kept.push(FIELD);
            kept.push_str(&name);
            kept.push(PAIR);
            kept.push_str(&value);
        }
    }
    let _ = storage.set_item(KEY, &kept);
}

/// Puts back, once, what was typed on this page in another language.
pub fn restore() {
    let Some(storage) = storage() else { return };
    let Ok(Some(kept)) = storage.get_item(KEY) else {
        return;
    };
    let _ = storage.remove_item(KEY);
    let mut parts = kept.split(FIELD);
    let (Some(form), Some(page)) = (form(), page()) else {
        return;
    };
    if parts.next() != Some(page.as_str()) {
        return;
    }
    for (name, value) in parts.filter_map(|p| p.split_once(PAIR)) {
        let Ok(found) = form.query_selector_all(&format!("[name=\"{name}\"]")) else {
            continue;
        };
        for i in 0..found.length() {
            let Some(node) = found.item(i) else { continue };
            if let Some(input) = node.dyn_ref::<HtmlInputElement>() {
                match input.type_().as_str() {
                    "radio" | "checkbox" => input.set_checked(input.value() == value),
                    "hidden" | "submit" | "button" => {}
                    _ => input.set_value(value),
                }
            } else if let Some(select) = node.dyn_ref::<HtmlSelectElement>() {
                select.set_value(value);
            }
        }
    }
}
