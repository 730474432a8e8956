//! Brand tiles: logo (webp srcset, jpg fallback, fixed size), name, availability.

use crate::model::catalog::Brand;
use leptos::prelude::*;

/// Tiles above this index load lazily (below the fold on most screens).
const EAGER_TILES: usize = 8;

/// A grid of brands linking to their pages in `country`.
#[component]
pub fn BrandGrid(
    brands: Vec<Brand>,
    country: String,
    #[prop(optional)] label: Option<String>,
) -> impl IntoView {
    let label = label.unwrap_or_else(|| "Brands".to_string());
    view! {
        <ul class="brand-grid" aria-label=label>
            {brands
                .into_iter()
                .enumerate()
                .map(|(i, b)| {
                    let lazy = i >= EAGER_TILES;
                    view! { <BrandTile brand=b country=country.clone() lazy=lazy /> }
                })
                .collect_view()}
        </ul>
    }
}

/// One brand tile.
#[component]
pub fn BrandTile(brand: Brand, country: String, lazy: bool) -> impl IntoView {
    let href = format!("/brands/{country}/{}", brand.slug());
    let loading = if lazy { "lazy" } else { "eager" };
    let logo = brand
        .logo_base_url
        .clone()
        .filter(|u| !u.is_empty())
        .map(|base| {
            let webp =
                format!("{base}_300x190.webp 300w, {base}_500x318.webp 500w, {base}.webp 1000w");
            let jpg = format!("{base}_300x190.jpg 300w, {base}_500x318.jpg 500w, {base}.jpg 1000w");
            view! {
                <picture>
                    <source type="image/webp" srcset=webp sizes="(max-width: 600px) 45vw, 220px" />
                    <img
                        src=format!("{base}_300x190.jpg")
                        srcset=jpg
                        sizes="(max-width: 600px) 45vw, 220px"
                        width="300"
                        height="190"
                        alt=""
                        loading=loading
                        decoding="async"
                    />
                </picture>
            }
        });
    let out = brand.is_out_of_stock;
    let range = match (brand.min.as_deref(), brand.max.as_deref()) {
        (Some(min), Some(max)) if !min.is_empty() && !max.is_empty() => {
            let currency = brand.currency.as_deref().unwrap_or_default();
            Some(format!("{min}–{max} {currency}").trim_end().to_string())
        }
        _ => None,
    };
    view! {
        <li class="brand-tile" class:out=out>
            <a href=href>
                {logo}
                <span class="name">{brand.brand.clone()}</span>
                <span class="meta">
                    {brand.kind.label().trim_end_matches('s').to_string()}
                    {range.map(|r| format!(" · {r}"))}
                </span>
                {out.then(|| view! { <span class="badge">"Out of stock"</span> })}
            </a>
        </li>
    }
}
