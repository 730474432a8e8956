//! The 404 page (a real 404 status during server rendering).

use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for unknown pages, brands and orders.
#[component]
pub fn NotFound(#[prop(optional, into)] what: Option<String>) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let what = what.unwrap_or_else(|| "This page".to_string());
    view! {
        <Title text="Not found" />
        <section class="panel notice">
            <h1>"Not found"</h1>
            <p>{format!("{what} doesn't exist or is no longer available.")}</p>
            <p><a href="/">"Back to the shop"</a></p>
        </section>
    }
}
