//! Home: the curated feed and the country's brand grid, filterable by kind,
//! category and text. Filters live in the URL (a GET form), so they work without
//! JavaScript and narrow instantly with it.

use crate::api::catalog::{Storefront, load_storefront};
use crate::components::brand_grid::BrandGrid;
use crate::components::country_picker::CountryPicker;
use crate::components::error_panel::ErrorPanel;
use crate::components::recent_orders::RecentOrders;
use crate::model::catalog::{Brand, Kind};
use crate::model::countries;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_storefront());
    view! {
        <Title text="" />
        <Suspense fallback=|| view! { <p class="loading">"Loading the shop…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(s) => view! { <Shop data=s /> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Submits the filter form as the shopper types or picks (once hydrated; without
/// JavaScript the Filter button does it). No inline `on…=` attribute: the CSP
/// allows no inline script.
fn resubmit(ev: leptos::ev::Event) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let form = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("form").ok().flatten())
            .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok());
        if let Some(form) = form {
            let _ = form.request_submit();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

#[component]
fn Shop(data: Storefront) -> impl IntoView {
    let query = use_query_map();
    let kind = move || query.read().get("kind").unwrap_or_default();
    let category = move || query.read().get("category").unwrap_or_default();
    let text = move || query.read().get("q").unwrap_or_default();
    let unknown_country = move || query.read().get("unknown_country").is_some();
    let country = data.country.clone();
    let country_name = countries::find(&country)
        .map(|c| c.name)
        .unwrap_or_default();
    let categories = data.directory.categories();
    let all = StoredValue::new(data.directory.all_brands.clone());
    let feed = data.homepage.sections.clone();
    let filtering = move || !kind().is_empty() || !category().is_empty() || !text().is_empty();
    let shown = move || -> Vec<Brand> {
        let (k, c, t) = (kind(), category(), text());
        all.with_value(|brands| {
            brands
                .iter()
                .filter(|b| k.is_empty() || b.kind.as_str() == k)
                .filter(|b| b.in_category(&c))
                .filter(|b| b.matches(&t))
                .cloned()
                .collect()
        })
    };
    let grid_country = country.clone();
    let feed_country = country.clone();
    view! {
        <section class="intro">
            <h1>{format!("Gift cards, top-ups and eSIMs in {country_name}")}</h1>
            <CountryPicker current=country.clone() next="/" />
            <Show when=unknown_country>
                <p class="field-error" role="alert">"We don't know that country. Pick one from the list."</p>
            </Show>
        </section>
        <RecentOrders />
        <Form method="GET" action="">
            <div class="filters" role="search">
                <div class="field">
                    <label for="q">"Search brands"</label>
                    <input id="q" type="search" name="q" value=text placeholder="e.g. Steam, Airalo"
                        on:input=resubmit />
                </div>
                <div class="field">
                    <label for="kind">"Kind"</label>
                    <select id="kind" name="kind" on:change=resubmit>
                        <option value="" selected=move || kind().is_empty()>"All kinds"</option>
                        {Kind::SHOP_KINDS
                            .iter()
                            .map(|k| {
                                let v = k.as_str().to_string();
                                let v2 = v.clone();
                                view! { <option value=v selected=move || kind() == v2>{k.label().to_string()}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="category">"Category"</label>
                    <select id="category" name="category" on:change=resubmit>
                        <option value="" selected=move || category().is_empty()>"All categories"</option>
                        {categories
                            .into_iter()
                            .map(|c| {
                                let c2 = c.clone();
                                view! { <option value=c.clone() selected=move || category() == c2>{c.clone()}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit">"Filter"</button>
            </div>
        </Form>
        <Show when=move || !filtering()>
            {feed
                .clone()
                .into_iter()
                .map(|s| {
                    let title = s.title.clone();
                    view! {
                        <section class="feed">
                            <h2>{s.title}</h2>
                            <BrandGrid brands=s.brands country=feed_country.clone() label=title />
                        </section>
                    }
                })
                .collect_view()}
        </Show>
        <section class="all-brands">
            <h2>{move || if filtering() { "Matching brands".to_string() } else { format!("All brands in {country_name}") }}</h2>
            {move || {
                let brands = shown();
                if brands.is_empty() {
                    view! { <p class="empty" role="status">"No brand matches these filters. Try another search or clear the filters."</p> }.into_any()
                } else {
                    let n = brands.len();
                    view! {
                        <p class="count" role="status">{format!("{n} brand{}", if n == 1 { "" } else { "s" })}</p>
                        <BrandGrid brands=brands country=grid_country.clone() label="All brands".to_string() />
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
