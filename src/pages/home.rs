//! Home: the curated feed and the country's brand grid, filterable by kind,
//! category and text. Filters live in the URL (a GET form), so they work without
//! JavaScript and narrow instantly with it.

use crate::api::catalog::{Storefront, load_storefront};
use crate::components::brand_grid::BrandGrid;
use crate::components::catalogue_words::{category_label, section_title};
use crate::components::country_picker::CountryPicker;
use crate::components::error_panel::ErrorPanel;
use crate::components::recent_orders::RecentOrders;
use crate::i18n::td_string;
use crate::lang::{self, Locale};
use crate::model::brand_filter::{BrandFilter, TileKeys};
use crate::model::catalog::Kind;
use crate::model::countries;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let l = lang::locale();
    let data = Resource::new_blocking(|| (), |_| load_storefront());
    view! {
        <Title text="" />
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, home.loading)}</p> }>
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
    let l = lang::locale();
    let query = use_query_map();
    let (filter, unknown_country) = query.with_untracked(|q| {
        (
            // What the page writes back is short: a longer value is a stranger's.
            BrandFilter {
                kind: short(q.get("kind"), 32),
                category: short(q.get("category"), 64),
                text: short(q.get("q"), 100),
            },
            q.get("unknown_country").is_some(),
        )
    });
    let country = data.country.clone();
    let country_name = countries::find(&country)
        .map(|c| countries::name_in(c, l))
        .unwrap_or_default();
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
            let title = section_title(l, &s);
            view! {
                <section class="feed">
                    <h2>{title.clone()}</h2>
                    <BrandGrid brands=s.brands country=country.clone() label=title first=feed_first && i == 0 />
                </section>
            }
        });
    let fields = view! { <FilterFields categories=categories filter=filter.clone() /> };
    view! {
        <section class="intro">
            <h1>{td_string!(l, home.title, country = country_name.clone())}</h1>
            <CountryPicker current=country.clone() next="/" />
            {unknown_country.then(|| view! {
                <p class="field-error" role="alert">{td_string!(l, home.unknown_country)}</p>
            })}
        </section>
        <RecentOrders />
        <Filters>{fields}</Filters>
        <div id="feed" hidden=filtering>{feed.collect_view()}</div>
        <section class="all-brands">
            // The island's words for what it changes: each title, and the
            // count with `{n}` for the number.
            <h2 id="all-title" data-all=all_title(l, false, &country_name) data-matching=all_title(l, true, &country_name)>
                {all_title(l, filtering, &country_name)}
            </h2>
            <p class="count" id="brand-count" role="status" hidden=shown == 0
                data-one=brand_count(l, 1) data-many=td_string!(l, home.brands, count = "{n}")>{brand_count(l, shown)}</p>
            <p class="empty" id="no-match" role="status" hidden=shown != 0>
                {td_string!(l, home.no_match)}
            </p>
            <BrandGrid brands=all country=country.clone() label=td_string!(l, home.all_brands).to_string() filter=filter id="all-brands" first=!feed_first />
        </section>
    }
}

fn all_title(l: Locale, filtering: bool, country_name: &str) -> String {
    if filtering {
        td_string!(l, home.matching).to_string()
    } else {
        td_string!(l, home.all_in, country = country_name)
    }
}

fn brand_count(l: Locale, n: usize) -> String {
    if n == 1 {
        td_string!(l, home.one_brand).to_string()
    } else {
        td_string!(l, home.brands, count = lang::number(l, &n.to_string()))
    }
}

/// The filter form: a plain GET form (the Filter button submits it without
/// JavaScript); once hydrated, the grid narrows as the shopper types or picks,
/// and the address follows. Its fields are server HTML (`FilterFields`).
#[island]
fn Filters(children: Children) -> impl IntoView {
    let apply = move |_: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        narrow();
    };
    view! {
        <form method="get" action="" on:input=apply on:change=apply>
            {children()}
        </form>
    }
}

/// The filter form's fields, in the shopper's words.
#[component]
fn FilterFields(categories: Vec<String>, filter: BrandFilter) -> impl IntoView {
    let l = lang::locale();
    let BrandFilter {
        kind,
        category,
        text,
    } = filter;
    view! {
        <div class="filters" role="search">
            <div class="field">
                <label for="q">{td_string!(l, home.search)}</label>
                <input id="q" type="search" name="q" value=text placeholder=td_string!(l, home.search_placeholder) />
            </div>
            <div class="field">
                <label for="kind">{td_string!(l, home.kind)}</label>
                <select id="kind" name="kind">
                    <option value="" selected=kind.is_empty()>{td_string!(l, home.all_kinds)}</option>
                    {Kind::SHOP_KINDS
                        .iter()
                        .map(|k| {
                            let v = k.as_str().to_string();
                            let selected = kind == v;
                            view! { <option value=v selected=selected>{k.label(l)}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="category">{td_string!(l, home.category)}</label>
                <select id="category" name="category">
                    <option value="" selected=category.is_empty()>{td_string!(l, home.all_categories)}</option>
                    {categories
                        .into_iter()
                        .map(|c| {
                            let selected = category == c;
                            let label = category_label(l, &c);
                            view! { <option value=c selected=selected>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit">{td_string!(l, home.filter)}</button>
        </div>
    }
}

/// Shows the tiles the form's filter admits (from their data attributes), the
/// feed only when nothing is filtered, the count, and the filter in the address.
#[cfg(feature = "hydrate")]
fn narrow() {
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
    // The page's own words (data attributes), so none is in the browser build.
    let word = |id: &str, name: &str| {
        doc.get_element_by_id(id)
            .and_then(|el| el.get_attribute(name))
            .unwrap_or_default()
    };
    let title = word(
        "all-title",
        if filtering {
            "data-matching"
        } else {
            "data-all"
        },
    );
    let count = if shown == 1 {
        word("brand-count", "data-one")
    } else {
        word("brand-count", "data-many").replace("{n}", &shown.to_string())
    };
    set("all-title", false, Some(title));
    set("brand-count", shown == 0, Some(count));
    set("no-match", shown != 0, None);
    if let Some(w) = web_sys::window()
        && let Ok(history) = w.history()
        && let Ok(path) = w.location().pathname()
    {
        let url = format!("{path}{}", filter.query());
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// A query value cut to `max` characters (none: empty).
fn short(value: Option<String>, max: usize) -> String {
    value.unwrap_or_default().chars().take(max).collect()
}
