//! A failure shown in plain words, with a way to try again.

use crate::error::AppError;
use crate::pages::not_found::NotFound;
use leptos::prelude::*;

/// Shows an error; 404s get the not-found page, retryable ones a "Try again" link
/// (a reload works with or without JavaScript).
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    if let AppError::NotFound(what) = &error {
        return view! { <NotFound what=what.clone() /> }.into_any();
    }
    let retry = error.is_retryable();
    view! {
        <section class="panel notice error" role="alert">
            <h1>"Something went wrong"</h1>
            <p>{error.to_string()}</p>
            {retry.then(|| view! { <p><a class="button" href="" rel="nofollow">"Try again"</a></p> })}
            <p><a href="/">"Back to the shop"</a></p>
        </section>
    }
    .into_any()
}
