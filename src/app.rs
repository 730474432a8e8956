//! The HTML shell and the router.

use crate::api::cart::cart_count;
use crate::components::not_found::NotFound;
use crate::components::site_footer::SiteFooter;
use crate::i18n::td_string;
use crate::lang::{self, Locale};
use crate::pages::{
    brand::BrandPage,
    cart::CartPage,
    countries::CountriesPage,
    find_order::FindOrderPage,
    home::HomePage,
    order::OrderPage,
    policies::{PrivacyPage, TermsPage},
};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Link, MetaTags, Title, provide_meta_context};
use leptos_router::SsrMode;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The document around the app (server-rendered only). Its inline scripts carry
/// this response's nonce (Leptos'), which the response's CSP names
/// (`server::idle_islands`, the layer every HTML page goes through).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The stylesheet as its own file (2.2 KB brotli, hashed name, cached for
    // a year): the HTML of every page stays small (issue 11).
    let stylesheet = view! { <HashedStylesheet options=options.clone() id="leptos" /> };
    let l = lang::locale();
    view! {
        <!DOCTYPE html>
        <html lang=lang::code(l)>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="description" content=td_string!(l, common.description) />
                <meta name="theme-color" content="#0f3d3e" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                {stylesheet}
                <AutoReload options=options.clone() />
                <MetaTags />
            </head>
            <body>
                <App />
                // Last: the islands' code is discovered after the page's own
                // images and loads on idle, so it never holds back the first paint.
                <HydrationScripts options islands=true />
            </body>
        </html>
    }
}

/// The storefront: home, brand (with checkout), order; 404 for anything else.
/// Every route renders fully on the server before sending (correct status codes,
/// and complete pages without JavaScript).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let l = lang::locale();
    let site = td_string!(l, common.site_name);
    let here = current_path();
    view! {
        <Title formatter=move |t: String| if t.is_empty() { site.to_string() } else { format!("{t} · {site}") } />
        <Translations here=here.clone() />
        <Router>
            <a class="skip" href="#main">{td_string!(l, common.skip)}</a>
            <header class="site">
                <a class="logo" href=lang::href(l, "/")>{site}</a>
                <span class="tagline">{td_string!(l, common.tagline)}</span>
                <CartLink />
                <LanguageSwitch here=here />
            </header>
            <main id="main">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/brands/:country/:family") view=BrandPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view=OrderPage ssr=SsrMode::Async />
                    <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async />
                    <Route path=path!("/countries") view=CountriesPage ssr=SsrMode::Async />
                    <Route path=path!("/find-order") view=FindOrderPage ssr=SsrMode::Async />
                    <Route path=path!("/terms") view=TermsPage ssr=SsrMode::Async />
                    <Route path=path!("/privacy") view=PrivacyPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

/// The header's link to the cart, with how many cards it holds (server HTML:
/// read on every page).
#[component]
fn CartLink() -> impl IntoView {
    let l = lang::locale();
    let count = Resource::new_blocking(|| (), |_| cart_count());
    view! {
        <a class="cart-link" href=lang::href(l, "/cart")>
            {td_string!(l, common.cart)}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    count.await.ok().filter(|n| *n > 0).map(|n| view! {
                        <span class="cart-count" data-testid="cart-count">{format!(" ({n})")}</span>
                    })
                })}
            </Suspense>
        </a>
    }
}

/// The path and query of this request without its language prefix (`/` when
/// unknown): what every language's link to this page is built from.
fn current_path() -> String {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<axum::http::request::Parts>() {
        // A query longer than any page reads is not written into the page.
        let here = match parts.uri.query() {
            Some(q) if q.len() > MAX_ECHOED_QUERY => parts.uri.path(),
            _ => parts
                .uri
                .path_and_query()
                .map(|pq| pq.as_str())
                .unwrap_or("/"),
        };
        // `//evil.example` is a path here, but another site in a link.
        return format!("/{}", here.trim_start_matches('/'));
    }
    "/".into()
}

/// The longest query a page writes back into its links (the page filters read
/// short values; anything longer is a stranger's).
#[cfg(feature = "ssr")]
const MAX_ECHOED_QUERY: usize = 256;

/// The shop's public origin (`CR_PUBLIC_URL`), empty when none is configured:
/// absolute links are built from it, never from the request's `Host`.
fn public_origin() -> String {
    #[cfg(feature = "ssr")]
    if let Some(state) = use_context::<crate::server::state::AppState>() {
        return state.shop.config.public_url.clone().unwrap_or_default();
    }
    String::new()
}

/// This page in each language (`hreflang`), English as the default: absolute
/// from the configured public origin, else site-relative. With a public origin,
/// the page's canonical address too: its language's page without the query (a
/// filtered or tagged address is the same page); without one, none (a relative
/// canonical link is no canonical link).
#[component]
fn Translations(here: String) -> impl IntoView {
    let origin = public_origin();
    let canonical = (!origin.is_empty()).then(|| {
        let path = here.split('?').next().unwrap_or("/");
        let href = format!("{origin}{}", lang::href(lang::locale(), path));
        view! { <Link rel="canonical" href=href /> }
    });
    let links = lang::ALL
        .into_iter()
        .map(|l| {
            let href = format!("{origin}{}", lang::href(l, &here));
            view! { <Link rel="alternate" hreflang=lang::code(l) href=href /> }
        })
        .collect_view();
    view! {
        {canonical}
        {links}
        <Link rel="alternate" hreflang="x-default" href=format!("{origin}{here}") />
    }
}

/// Links to this page in the other languages: plain links that remember the
/// choice in a cookie (no JavaScript needed).
#[component]
fn LanguageSwitch(here: String) -> impl IntoView {
    let current = lang::locale();
    let next = crate::components::payment_panel::encode_query(&here);
    let links = lang::ALL
        .into_iter()
        .filter(|l| *l != current)
        .map(|l: Locale| {
            view! {
                <a href=format!("/lang?to={}&next={next}", lang::code(l)) hreflang=lang::code(l)
                    lang=lang::code(l) rel="nofollow">
                    // Phones show the code; the name is what is read out.
                    <span class="lang-name">{lang::own_name(l)}</span>
                    <span class="lang-code" aria-hidden="true">{lang::code(l).to_uppercase()}</span>
                </a>
            }
        })
        .collect_view();
    view! {
        <nav class="languages" aria-label=td_string!(current, common.language)>
            <span class="current" aria-current="true" lang=lang::code(current)>{lang::own_name(current)}</span>
            {links}
        </nav>
    }
}
