//! The HTML shell and the router.

use crate::api::cart::cart_count;
use crate::pages::{
    brand::BrandPage, cart::CartPage, countries::CountriesPage, home::HomePage,
    not_found::NotFound, order::OrderPage,
};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::SsrMode;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The document around the app (server-rendered only). Its inline scripts carry
/// this response's CSP nonce, and the response's CSP names it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(csp) =
        axum::http::HeaderValue::from_str(&crate::server::http::csp(Some(&nonce.to_string())))
    {
        res.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, csp);
    }
    // The stylesheet as its own file (2.2 KB brotli, hashed name, cached for
    // a year): the HTML of every page stays small (issue 11).
    let stylesheet = view! { <HashedStylesheet options=options.clone() id="leptos" /> };
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="description" content="Gift cards, mobile top-ups and eSIMs paid in USDC or USDT, delivered in minutes." />
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
    view! {
        <Title formatter=|t: String| if t.is_empty() { "Stablecoin Gift Cards".to_string() } else { format!("{t} · Stablecoin Gift Cards") } />
        <Router>
            <a class="skip" href="#main">"Skip to content"</a>
            <header class="site">
                <a class="logo" href="/">"Stablecoin Gift Cards"</a>
                <span class="tagline">"Gift cards, top-ups and eSIMs, paid in USDC or USDT"</span>
                <CartLink />
            </header>
            <main id="main">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/brands/:country/:family") view=BrandPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view=OrderPage ssr=SsrMode::Async />
                    <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async />
                    <Route path=path!("/countries") view=CountriesPage />
                </Routes>
            </main>
            <footer class="site">
                <p>"Prices are exact and include all fees. Pay the exact amount on the named network within 30 minutes."</p>
            </footer>
        </Router>
    }
}

/// The header's link to the cart, with how many cards it holds (server HTML:
/// read on every page).
#[component]
fn CartLink() -> impl IntoView {
    let count = Resource::new_blocking(|| (), |_| cart_count());
    view! {
        <a class="cart-link" href="/cart">
            "Cart"
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
