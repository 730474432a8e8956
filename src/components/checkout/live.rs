//! The checkout island's browser side: reads the form, asks the server, swaps
//! its HTML in.

use super::fields::{checkout_check, checkout_price};
use crate::dom::{document, swap_by_id};
use crate::model::checkout::CheckoutForm;
use crate::model::problem::Field;
use gloo_timers::future::TimeoutFuture;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlFormElement};

thread_local! {
    /// The number of the latest price question and form check: only the
    /// latest answer of each is shown.
    static PRICES: Cell<u64> = const { Cell::new(0) };
    static CHECKS: Cell<u64> = const { Cell::new(0) };
    /// The field messages a check may show: the fields left so far, and
    /// those about the amount, the coin and the order as a whole.
    static SHOWN: RefCell<Vec<String>> = RefCell::new(
        [Field::Amount, Field::Payment, Field::Order].map(Field::error_id).to_vec(),
    );
}

fn next(counter: &'static std::thread::LocalKey<Cell<u64>>) -> u64 {
    counter.with(|n| {
        n.set(n.get() + 1);
        n.get()
    })
}

fn latest(counter: &'static std::thread::LocalKey<Cell<u64>>, ticket: u64) -> bool {
    counter.with(|n| n.get()) == ticket
}

fn target(ev: &web_sys::Event) -> Option<Element> {
    ev.target()?.dyn_into::<Element>().ok()
}

/// Gives this view of the page a checkout key of its own. A kept page's key
/// is shared by everyone the cache gave that page to (the server scopes it to
/// each browser); with this code running, every view is its own intent again,
/// as a fresh render was: a reload or a new visit orders anew, while the back
/// button (the page restored as it was) or a second click sends the same key.
/// A key the server already scoped (`s-…`: the attempt an unclear answer
/// brought back) is kept.
pub fn own_key() {
    let Some(input) = document()
        .and_then(|d| {
            d.query_selector("#checkout-form input[name=\"idempotency_key\"]")
                .ok()
        })
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    if input.value().starts_with("s-") {
        return;
    }
    let half = || {
        format!(
            "{:013x}",
            (js_sys::Math::random() * 4_503_599_627_370_496.0) as u64
        )
    };
    input.set_value(&format!("v{}{}", half(), half()));
}

/// The form's current values of `names` (read once).
fn values<const N: usize>(names: [&str; N]) -> [String; N] {
    let data = document()
        .and_then(|d| d.get_element_by_id("checkout-form"))
        .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
        .and_then(|f| web_sys::FormData::new_with_form(&f).ok());
    names.map(|n| {
        data.as_ref()
            .and_then(|d| d.get(n).as_string())
            .unwrap_or_default()
    })
}

/// A field changed: the price follows the amount and the coin; the
/// recipient line follows the recipient.
pub fn typed(ev: &web_sys::Event) {
    if let Some(name) = target(ev).and_then(|t| t.get_attribute("name")) {
        follow(&name);
    }
}

fn follow(name: &str) {
    match name {
        "amount" | "pay" => reprice(),
        "beneficiary" => {
            if let Some(line) = document().and_then(|d| d.get_element_by_id("delivered-to")) {
                let [typed] = values(["beneficiary"]);
                let typed = typed.trim();
                // The page's words, `{r}` standing for the recipient.
                let label = line.get_attribute("data-label").unwrap_or_default();
                line.set_text_content(Some(&if typed.is_empty() {
                    String::new()
                } else {
                    label.replace("{r}", typed)
                }));
            }
        }
        _ => {}
    }
}

/// The price for the amount and coin as they are now. Until it comes, the
/// price line says it is being updated: it never shows another amount's price.
fn reprice() {
    let ticket = next(&PRICES);
    let doc = document();
    let updating = doc
        .as_ref()
        .and_then(|d| d.query_selector("#checkout-form .summary").ok().flatten())
        .and_then(|s| s.get_attribute("data-updating"));
    if let (Some(line), Some(words)) = (
        doc.as_ref().and_then(|d| d.get_element_by_id("price-line")),
        updating,
    ) {
        line.set_class_name("price muted");
        line.set_inner_html("");
        if let Some(p) = doc.as_ref().and_then(|d| d.create_element("p").ok()) {
            p.set_text_content(Some(&words));
            let _ = line.append_child(&p);
        }
    }
    leptos::task::spawn_local(async move {
        TimeoutFuture::new(150).await;
        if !latest(&PRICES, ticket) {
            return;
        }
        let [country, family, amount, pay] = values(["country", "family", "amount", "pay"]);
        let answer = checkout_price(country, family, amount, pay, crate::lang::of_page()).await;
        if let Ok(html) = answer
            && latest(&PRICES, ticket)
        {
            swap_by_id(&html, |_| true);
            mark_invalid();
        }
    });
}

/// Each field whose messages (its `aria-describedby` error region) are not
/// empty is marked invalid; the others are not.
fn mark_invalid() {
    let Some(doc) = document() else { return };
    for f in Field::CHECKOUT {
        let id = f.error_id();
        let bad = doc
            .get_element_by_id(&id)
            .is_some_and(|e| e.child_element_count() > 0);
        let Ok(fields) = doc.query_selector_all(&format!("[aria-describedby~=\"{id}\"]")) else {
            continue;
        };
        for i in 0..fields.length() {
            if let Some(el) = fields.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                if bad {
                    let _ = el.set_attribute("aria-invalid", "true");
                } else {
                    let _ = el.remove_attribute("aria-invalid");
                }
            }
        }
    }
}

/// The island has started: whatever was typed or chosen before it could
/// run (the form differs from what the server rendered) is priced and
/// checked now, as if it had been typed and left now.
pub fn catch_up() {
    let Some(form) = document()
        .and_then(|d| d.get_element_by_id("checkout-form"))
        .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    let elements = form.elements();
    let mut changed: Vec<String> = Vec::new();
    for i in 0..elements.length() {
        let Some(el) = elements.item(i) else { continue };
        let differs = if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
            match input.type_().as_str() {
                "radio" | "checkbox" => input.checked() != input.default_checked(),
                "hidden" | "submit" => false,
                _ => input.value() != input.default_value(),
            }
        } else if let Some(select) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
            let options = select.options();
            (0..options.length()).any(|j| {
                options
                    .item(j)
                    .and_then(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
                    .is_some_and(|o| o.selected() != o.default_selected())
            })
        } else {
            false
        };
        if differs
            && let Some(name) = el.get_attribute("name")
            && !changed.contains(&name)
        {
            changed.push(name);
        }
    }
    for name in &changed {
        follow(name);
    }
    let typed: Vec<String> = changed
        .iter()
        .filter_map(|n| shown_field(n))
        .map(Field::error_id)
        .collect();
    if !typed.is_empty() {
        SHOWN.with(|s| {
            let mut s = s.borrow_mut();
            for id in typed {
                if !s.contains(&id) {
                    s.push(id);
                }
            }
        });
        check();
    }
}

/// The field whose messages show once a form field of this name is left.
fn shown_field(name: &str) -> Option<Field> {
    Some(match name {
        "amount" => Field::Amount,
        "beneficiary" => Field::Beneficiary,
        "email" => Field::Email,
        "coupon" => Field::Coupon,
        _ => return None,
    })
}

/// A field was left: its problems may show from now on, and the whole form
/// is checked with the supplier (debounced).
pub fn left(ev: &web_sys::Event) {
    let Some(name) = target(ev).and_then(|t| t.get_attribute("name")) else {
        return;
    };
    let Some(shown) = shown_field(&name).map(Field::error_id) else {
        return;
    };
    SHOWN.with(|s| {
        let mut s = s.borrow_mut();
        if !s.contains(&shown) {
            s.push(shown);
        }
    });
    check();
}

/// The whole form checked with the supplier (debounced): the messages of
/// the fields left so far, and the validated price.
fn check() {
    let ticket = next(&CHECKS);
    leptos::task::spawn_local(async move {
        TimeoutFuture::new(400).await;
        if !latest(&CHECKS, ticket) {
            return;
        }
        let [country, family, amount, pay, beneficiary, email, coupon] = values([
            "country",
            "family",
            "amount",
            "pay",
            "beneficiary",
            "email",
            "coupon",
        ]);
        let form = CheckoutForm {
            country,
            family,
            amount,
            pay,
            beneficiary,
            email,
            coupon,
            idempotency_key: String::new(),
        };
        let answer = checkout_check(form, crate::lang::of_page()).await;
        // Busy or unreachable: the check at submission will say so.
        if let Ok(html) = answer
            && latest(&CHECKS, ticket)
        {
            // The validated price (with what became of a coupon) and the
            // messages of the fields left so far.
            SHOWN.with(|s| {
                swap_by_id(&html, |id| {
                    id == "price-line" || s.borrow().iter().any(|x| x == id)
                })
            });
            mark_invalid();
        }
    });
}

fn buttons(mut f: impl FnMut(&Element)) {
    if let Some(list) = document().and_then(|d| d.query_selector_all(".buy-buttons button").ok()) {
        for i in 0..list.length() {
            if let Some(b) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                f(&b);
            }
        }
    }
}

/// The form is on its way: the pressed button says what is happening and
/// neither can be pressed again until the next page.
pub fn sent(ev: &web_sys::SubmitEvent) {
    let pressed = ev.submitter();
    buttons(|b| {
        if pressed
            .as_ref()
            .is_some_and(|p| AsRef::<Element>::as_ref(p) == b)
            && let Some(busy) = b.get_attribute("data-busy")
        {
            b.set_text_content(Some(&busy));
        }
        // After the browser has taken the form (a disabled submitter sends nothing).
        let b = b.clone();
        gloo_timers::callback::Timeout::new(0, move || {
            let _ = b.set_attribute("disabled", "");
            let _ = b.set_attribute("data-sent", "");
        })
        .forget();
    });
}

/// A page brought back by the Back button is usable again.
pub fn idle() {
    buttons(|b| {
        if b.has_attribute("data-sent") {
            let _ = b.remove_attribute("data-sent");
            let _ = b.remove_attribute("disabled");
            if let Some(idle) = b.get_attribute("data-idle") {
                b.set_text_content(Some(&idle));
            }
        }
    });
}
