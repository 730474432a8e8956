//! A brand page: what it is, how to redeem it, and the checkout.

use crate::api::catalog::{BrandPage as BrandData, get_products};
use crate::api::orders::checkout_draft;
use crate::components::checkout::Checkout;
use crate::components::error_panel::ErrorPanel;
use crate::error::Draft;
use crate::i18n::td_string;
use crate::lang;
use crate::model::countries;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/brands/{country}/{family}`.
#[component]
pub fn BrandPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let p = params.read();
        (
            p.get("country").unwrap_or_default(),
            p.get("family").unwrap_or_default(),
        )
    };
    let data = Resource::new_blocking(key, |(country, family)| get_products(country, family));
    let draft = Resource::new_blocking(
        move || query.read().get("draft").map(|_| key()),
        |page| async move {
            match page {
                Some((country, family)) => checkout_draft(country, family).await.ok().flatten(),
                None => None,
            }
        },
    );
    let l = lang::locale();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading_brand)}</p> }>
            {move || Suspend::new(async move {
                let draft = draft.await;
                match data.await {
                    Ok(d) => view! { <Brand data=d draft=draft /> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Brand(data: BrandData, draft: Option<Draft>) -> impl IntoView {
    let l = lang::locale();
    let fam = data.family.clone();
    let country_name = countries::find(&data.country)
        .map(|c| countries::name_in(c, l))
        .unwrap_or_default();
    let desc = fam.rich_description.clone().unwrap_or_default();
    let logo = fam.logo_base_url.clone().filter(|u| !u.is_empty()).map(|base| {
        view! {
            <picture>
                <source type="image/webp" srcset=format!("{base}_300x190.webp 300w, {base}_500x318.webp 500w") sizes="(max-width: 859px) 96px, 300px" />
                <img src=format!("{base}_300x190.jpg") width="300" height="190" fetchpriority="high" alt=td_string!(l, common.logo_of, brand = fam.brand.clone()) />
            </picture>
        }
    });
    view! {
        <Title text=fam.brand.clone() />
        <nav class="crumbs" aria-label=td_string!(l, common.breadcrumb)><a href=lang::href(l, "/")>{td_string!(l, common.shop)}</a>" / "{fam.brand.clone()}</nav>
        // Phone first: name, then the checkout (amount, price, button), then the
        // description. Wide screens put the description beside the checkout.
        <div class="brand-layout">
            <header class="brand-head">
                {logo}
                <div>
                    <h1>{fam.brand.clone()}</h1>
                    <p class="meta">{format!("{} · {}", fam.kind.singular(l), country_name)}</p>
                    {fam.is_out_of_stock.then(|| view! { <p class="badge">{td_string!(l, common.out_of_stock_now)}</p> })}
                </div>
            </header>
            <Checkout data=data draft=draft />
            <section class="brand-info" aria-label=td_string!(l, common.about_brand)>
                {desc.description.map(|d| view! { <p>{d}</p> })}
                {desc.how_to_redeem.map(|h| view! { <h2>{td_string!(l, common.how_to_redeem)}</h2><p>{h}</p> })}
                {desc.note.map(|n| view! { <p class="note">{n}</p> })}
                {desc.term_and_conditions.or(fam.product_tc.clone()).map(|t| view! {
                    <details><summary>{td_string!(l, common.terms)}</summary><p>{t}</p></details>
                })}
                <p><a href=lang::href(l, "/")>{td_string!(l, common.shopping_in, country = country_name.clone())}</a></p>
            </section>
        </div>
    }
}
