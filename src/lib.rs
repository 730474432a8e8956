//! The storefront: a Leptos app (SSR + hydration) selling stablecoin gift cards,
//! mobile top-ups and eSIMs through the Cryptorefills partner API.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;

#[cfg(feature = "hydrate")]
pub mod dom;
#[cfg(feature = "hydrate")]
pub mod live;

/// Everything that only exists on the server: configuration, the upstream client,
/// the embedded sandbox and the SSE proxy.
#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the browser build. The pages are server HTML; only the islands
/// (the checkout, the brand filter, the live order view) run code. The islands
/// script calls this, then hydrates each island in the same task; the mark that
/// browser tests wait for is set in the next task, after all of them.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    gloo_timers::callback::Timeout::new(0, || {
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    })
    .forget();
}
