//! Every page's footer: how to reach the shop, its terms and its privacy
//! policy; and the line that turns an order page's "contact us" into an address.

use crate::api::support_email;
use crate::i18n::td_string;
use crate::lang;
use leptos::prelude::*;

/// The site's footer (server HTML on every page).
#[component]
pub fn SiteFooter() -> impl IntoView {
    let l = lang::locale();
    let contact = support_email().map(|email| {
        view! {
            <p class="contact">
                {td_string!(l, common.write_to)}" "
                <a href=format!("mailto:{email}")>{email.clone()}</a>
            </p>
        }
    });
    view! {
        <footer class="site">
            {contact}
            <nav class="policies" aria-label=td_string!(l, common.footer_nav)>
                <a href=lang::href(l, "/find-order")>{td_string!(l, order.find_title)}</a>
                <a href=lang::href(l, "/terms")>{td_string!(l, common.terms_link)}</a>
                <a href=lang::href(l, "/privacy")>{td_string!(l, common.privacy_link)}</a>
            </nav>
            <p>{td_string!(l, common.footer)}</p>
        </footer>
    }
}

/// "Write to help@… about order 42": a mail link whose subject names the
/// order, where an order page tells the shopper to contact the shop (nothing
/// without a configured address).
#[component]
pub fn ContactAboutOrder(order_id: String) -> impl IntoView {
    let l = lang::locale();
    support_email().map(|email| {
        let href = format!("mailto:{email}?subject={}", crate::components::payment_panel::encode_query(&format!("Order {order_id}")));
        view! {
            <p class="contact-order">
                <a href=href>{td_string!(l, common.write_about, email = email.clone(), id = order_id.clone())}</a>
            </p>
        }
    })
}
