//! A button that copies a value to the clipboard. Server HTML, hidden until the
//! order page's island runs (copying needs JavaScript: no dead button without
//! it); one click handler for all of them (`live::enable_copy_buttons`).

use leptos::prelude::*;

/// A button named `label` ("Copy code") that copies `value`, then says
/// "Copied" (its `data-done`) for two seconds.
#[component]
pub fn CopyButton(value: String, label: &'static str) -> impl IntoView {
    let l = crate::lang::locale();
    view! {
        <button type="button" class="copy" aria-label=label
            data-copy=value data-done=crate::i18n::td_string!(l, order.copied) hidden>
            {crate::i18n::td_string!(l, order.copy)}
        </button>
        <span class="sr-only" role="status"></span>
    }
}
