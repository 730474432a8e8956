//! A failure shown in plain words, with a way to try again.

use crate::components::not_found::NotFound;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use leptos::prelude::*;

/// Shows an error; 404s get the not-found page, retryable ones a "Try again" link
/// (a reload works with or without JavaScript). A page that shows an error
/// answers with the error's status (`AppError::status`, as its JSON would):
/// a page whose supplier is down is a 503, not a 200.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    if let AppError::NotFound(what) = &error {
        return view! { <NotFound what=*what /> }.into_any();
    }
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        let (status, retry) = error.http_head();
        res.set_status(status);
        if let Some(retry) = retry {
            res.insert_header(axum::http::header::RETRY_AFTER, retry);
        }
    }
    let l = lang::locale();
    let retry = error.is_retryable();
    view! {
        <section class="panel notice error" role="alert">
            <h1>{td_string!(l, common.went_wrong)}</h1>
            <p>{error.message(l)}</p>
            {retry.then(|| view! { <p><a class="button" href="" rel="nofollow">{td_string!(l, common.try_again)}</a></p> })}
            <p><a href=lang::href(l, "/")>{td_string!(l, common.back_to_shop)}</a></p>
        </section>
    }
    .into_any()
}
