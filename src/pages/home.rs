//! Home: the curated feed and the country's brand grid, filterable by kind,
//! category and text. Filters live in the URL (a GET form), so they work without
//! JavaScript and narrow instantly with it.

use crate::api::catalog::{Storefront, load_storefront};
use crate::components::brand_grid::BrandGrid;
use crate::components::country_picker::CountryPicker;
use crate::components::error_panel::ErrorPanel;
use crate::components::recent_orders::RecentOrders;
use crate::model::brand_filter::{BrandFilter, TileKeys};
use crate::model::catalog::Kind;
use crate::model::countries;
use leptos::prelude::*;
use leptos_meta::Title;
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

#[component]
fn Shop(data: Storefront) -> impl IntoView {
    let query = use_query_map();
    let (filter, unknown_country) = query.with_untracked(|q| {
        (
            BrandFilter {
                kind: q.get("kind").unwrap_or_default(),
                category: q.get("category").unwrap_or_default(),
                text: q.get("q").unwrap_or_default(),
            },
            q.get("unknown_country").is_some(),
        )
    });
    let country = data.country.clone();
    let country_name = countries::find(&country)
        .map(|c| c.name)
        .unwrap_or_default()
        .to_string();
    let categories = data.directory.categories();
    let all = data.directory.all_brands;
    let filtering = filter.is_active();
    let shown = all
        .iter()
        .filter(|b| filter.admits(&TileKeys::of(b)))
        .count();
    let feed_first = !data.homepage.sections.is_empty() && !filtering;
    let feed = data
        .homepage
        .sections
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let title = s.title.clone();
            view! {
                <section class="feed">
                    <h2>{s.title}</h2>
                    <BrandGrid brands=s.brands country=country.clone() label=title first=feed_first && i == 0 />
                </section>
            }
        });
    view! {
        <section class="intro">
            <h1>{format!("Gift cards, top-ups and eSIMs in {country_name}")}</h1>
            <CountryPicker current=country.clone() next="/" />
            {unknown_country.then(|| view! {
                <p class="field-error" role="alert">"We don't know that country. Pick one from the list."</p>
            })}
        </section>
        <RecentOrders />
        <Filters categories=categories filter=filter.clone() country_name=country_name.clone() />
        <div id="feed" hidden=filtering>{feed.collect_view()}</div>
        <section class="all-brands">
            <h2 id="all-title">{all_title(filtering, &country_name)}</h2>
            <p class="count" id="brand-count" role="status" hidden=shown == 0>{brand_count(shown)}</p>
            <p class="empty" id="no-match" role="status" hidden=shown != 0>
                "No brand matches these filters. Try another search or clear the filters."
            </p>
            <BrandGrid brands=all country=country.clone() label="All brands".to_string() filter=filter id="all-brands" first=!feed_first />
        </section>
    }
}

fn all_title(filtering: bool, country_name: &str) -> String {
    if filtering {
        "Matching brands".to_string()
    } else {
        format!("All brands in {country_name}")
    }
}

fn brand_count(n: usize) -> String {
    format!("{n} brand{}", if n == 1 { "" } else { "s" })
}

/// The filter form: a plain GET form (the Filter button submits it without
/// JavaScript); once hydrated, the grid narrows as the shopper types or picks,
/// and the address follows.
#[island]
fn Filters(categories: Vec<String>, filter: BrandFilter, country_name: String) -> impl IntoView {
    let apply = move |_: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        narrow(&country_name);
        #[cfg(not(feature = "hydrate"))]
        let _ = &country_name;
    };
    let BrandFilter {
        kind,
        category,
        text,
    } = filter;
    view! {
        <form method="get" action="">
            <div class="filters" role="search">
                <div class="field">
                    <label for="q">"Search brands"</label>
                    <input id="q" type="search" name="q" value=text placeholder="e.g. Steam, Airalo"
                        on:input=apply.clone() />
                </div>
                <div class="field">
                    <label for="kind">"Kind"</label>
                    <select id="kind" name="kind" on:change=apply.clone()>
                        <option value="" selected=kind.is_empty()>"All kinds"</option>
                        {Kind::SHOP_KINDS
                            .iter()
                            .map(|k| {
                                let v = k.as_str().to_string();
                                let selected = kind == v;
                                view! { <option value=v selected=selected>{k.label().to_string()}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="category">"Category"</label>
                    <select id="category" name="category" on:change=apply>
                        <option value="" selected=category.is_empty()>"All categories"</option>
                        {categories
                            .into_iter()
                            .map(|c| {
                                let selected = category == c;
                                let label = c.clone();
                                view! { <option value=c selected=selected>{label}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit">"Filter"</button>
            </div>
        </form>
    }
}

/// Shows the tiles the form's filter admits (from their data attributes), the
/// feed only when nothing is filtered, the count, and the filter in the address.
#[cfg(feature = "hydrate")]
fn narrow(country_name: &str) {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let value = |id: &str| -> String {
        let Some(el) = doc.get_element_by_id(id) else {
            return String::new();
        };
        if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
            input.value()
        } else if let Some(select) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
            select.value()
        } else {
            String::new()
        }
    };
    let filter = BrandFilter {
        kind: value("kind"),
        category: value("category"),
        text: value("q"),
    };
    let mut shown = 0;
    if let Ok(tiles) = doc.query_selector_all("#all-brands > li") {
        for i in 0..tiles.length() {
            let Some(tile) = tiles
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let attr = |name: &str| tile.get_attribute(name).unwrap_or_default();
            let keys = TileKeys {
                kind: attr("data-kind"),
                categories: attr("data-cat"),
                names: attr("data-q"),
            };
            let admitted = filter.admits(&keys);
            shown += usize::from(admitted);
            let _ = tile.toggle_attribute_with_force("hidden", !admitted);
        }
    }
    let filtering = filter.is_active();
    let set = |id: &str, hidden: bool, text: Option<String>| {
        if let Some(el) = doc.get_element_by_id(id) {
            let _ = el.toggle_attribute_with_force("hidden", hidden);
            if let Some(t) = text {
                el.set_text_content(Some(&t));
            }
        }
    };
    set("feed", filtering, None);
    set("all-title", false, Some(all_title(filtering, country_name)));
    set("brand-count", shown == 0, Some(brand_count(shown)));
    set("no-match", shown != 0, None);
    if let Some(w) = web_sys::window()
        && let Ok(history) = w.history()
        && let Ok(path) = w.location().pathname()
    {
        let url = format!("{path}{}", filter.query());
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
