//! A button that copies a value to the clipboard. Server HTML, hidden until the
//! order page's island runs (copying needs JavaScript: no dead button without
//! it); one click handler for all of them (`live::enable_copy_buttons`).

use leptos::prelude::*;

/// "Copy {what}": copies `value`, then says "Copied" for two seconds.
#[component]
pub fn CopyButton(value: String, what: &'static str) -> impl IntoView {
    view! {
        <button type="button" class="copy" aria-label=format!("Copy {what}")
            data-copy=value data-what=what hidden>
            "Copy"
        </button>
        <span class="sr-only" role="status"></span>
    }
}
