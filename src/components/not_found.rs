//! The 404 page's content (a real 404 status during server rendering): the
//! route for unknown paths, and what a missing brand or order shows.

use crate::error::Missing;
use crate::i18n::td_string;
use crate::lang;
use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for unknown pages, brands and orders.
#[component]
pub fn NotFound(#[prop(optional)] what: Option<Missing>) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let l = lang::locale();
    let is_order = what == Some(Missing::Order);
    let what = what.unwrap_or(Missing::Page).words(l);
    // An order not found here may be found by its number and email.
    let find = is_order.then(|| {
        view! { <p><a href=lang::href(l, "/find-order")>{td_string!(l, order.find_link)}</a></p> }
    });
    view! {
        <Title text=td_string!(l, common.not_found) />
        <section class="panel notice">
            <h1>{td_string!(l, common.not_found)}</h1>
            <p>{td_string!(l, common.not_found_text, what)}</p>
            {find}
            <p><a href=lang::href(l, "/")>{td_string!(l, common.back_to_shop)}</a></p>
        </section>
    }
}
