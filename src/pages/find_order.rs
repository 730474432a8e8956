//! `/find-order`: opens an order on any device from its number and the email
//! it was placed with (the recent-orders list stays on one browser). A plain
//! form: the same with or without JavaScript. A wrong number and a wrong email
//! get the same answer.

use crate::api::orders::FindOrder;
use crate::i18n::td_string;
use crate::lang;
use crate::model::values::is_order_id;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The page.
#[component]
pub fn FindOrderPage() -> impl IntoView {
    let l = lang::locale();
    let query = use_query_map();
    let (not_found, id) = query.with_untracked(|q| {
        (
            q.get("not_found").is_some(),
            q.get("id").filter(|id| is_order_id(id)).unwrap_or_default(),
        )
    });
    let refused = not_found.then(|| {
        view! { <p class="form-summary" role="alert" id="find-error">{td_string!(l, order.find_not_found)}</p> }
    });
    view! {
        <Title text=td_string!(l, order.find_title) />
        <section class="find-order">
            <h1>{td_string!(l, order.find_title)}</h1>
            <p class="lead">{td_string!(l, order.find_intro)}</p>
            {refused}
            <form method="post" action=lang::href(l, <FindOrder as ServerFn>::url())>
                <div class="field">
                    <label for="order_id">{td_string!(l, order.find_number)}</label>
                    <input id="order_id" name="order_id" type="text" required autocomplete="off"
                        spellcheck="false" maxlength="64" value=id
                        aria-describedby=not_found.then_some("find-error") aria-invalid=not_found.then_some("true") />
                </div>
                <div class="field">
                    <label for="email">{td_string!(l, order.find_email)}</label>
                    <input id="email" name="email" type="email" required autocomplete="email" maxlength="254"
                        aria-describedby=not_found.then_some("find-error") aria-invalid=not_found.then_some("true")
                        autofocus=not_found />
                </div>
                <button type="submit" class="primary">{td_string!(l, order.find_button)}</button>
            </form>
        </section>
    }
}
