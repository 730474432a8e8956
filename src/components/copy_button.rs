//! A button that copies a value to the clipboard (after hydration).

use leptos::prelude::*;

/// "Copy {what}": copies `value`, then says "Copied" for two seconds.
#[component]
pub fn CopyButton(value: String, what: &'static str) -> impl IntoView {
    let copied = RwSignal::new(false);
    // Copying needs JavaScript: the button appears only once the page has hydrated
    // (an effect never runs on the server, so both renders agree).
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let label = format!("Copy {what}");
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&value);
                copied.set(true);
                gloo_timers::callback::Timeout::new(2_000, move || copied.set(false)).forget();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &value;
    };
    view! {
        <Show when=move || live.get()>
            <button type="button" class="copy" aria-label=label.clone() on:click=on_click.clone()>
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
            <span class="sr-only" role="status">{move || if copied.get() { format!("{what} copied") } else { String::new() }}</span>
        </Show>
    }
}
