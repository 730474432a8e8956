//! Brand tiles: logo (webp in two sizes, fixed size), name, availability.

use crate::i18n::td_string;
use crate::lang;
use crate::model::brand_filter::{BrandFilter, TileKeys};
use crate::model::catalog::Brand;
use leptos::prelude::*;

/// Tiles above this index load lazily (below the fold on most screens).
const EAGER_TILES: usize = 8;
/// Tiles in a phone's first row.
const FIRST_ROW: usize = 2;

/// A grid of brands linking to their pages in `country`.
#[component]
pub fn BrandGrid(
    brands: Vec<Brand>,
    country: String,
    #[prop(optional)] label: Option<String>,
    /// Tiles carry their filter keys and are hidden when this filter refuses them.
    #[prop(optional)]
    filter: Option<BrandFilter>,
    #[prop(optional)] id: Option<&'static str>,
    /// The page's first grid: its first row's logos are the largest paint of a
    /// phone's first screen, fetched first.
    #[prop(optional)]
    first: bool,
) -> impl IntoView {
    let label = label.unwrap_or_else(|| td_string!(lang::locale(), home.brands_label).to_string());
    let mut shown = 0;
    let tiles = brands
        .into_iter()
        .map(|b| {
            let keys = filter.as_ref().map(|f| {
                let keys = TileKeys::of(&b);
                (f.admits(&keys), keys)
            });
            let hidden = keys.as_ref().is_some_and(|(admitted, _)| !admitted);
            // Hidden tiles load nothing until shown (lazy images of a hidden tile wait).
            let lazy = hidden || {
                shown += 1;
                shown > EAGER_TILES
            };
            let high = first && !hidden && shown <= FIRST_ROW;
            view! { <BrandTile brand=b country=country.clone() lazy=lazy high=high keys=keys.map(|(_, k)| k) hidden=hidden /> }
        })
        .collect_view();
    view! { <ul class="brand-grid" aria-label=label id=id>{tiles}</ul> }
}

/// One brand tile.
#[component]
pub fn BrandTile(
    brand: Brand,
    country: String,
    lazy: bool,
    #[prop(optional_no_strip)] keys: Option<TileKeys>,
    #[prop(optional)] hidden: bool,
    #[prop(optional)] high: bool,
) -> impl IntoView {
    let l = lang::locale();
    let href = lang::href(l, &format!("/brands/{country}/{}", brand.slug()));
    // One webp image in two sizes (a tile is at most 220 px wide, 45% of a
    // phone): every browser the shop supports reads webp, and a tile's markup
    // is a third of what a jpg fallback and a 1000 px size cost (issue 11).
    let logo = brand
        .logo_base_url
        .clone()
        .filter(|u| !u.is_empty())
        .map(|base| {
            view! {
                <img
                    src=format!("{base}_300x190.webp")
                    srcset=format!("{base}_300x190.webp 300w, {base}_500x318.webp 500w")
                    sizes="(max-width: 600px) 45vw, 220px"
                    width="300"
                    height="190"
                    alt=""
                    loading=lazy.then_some("lazy")
                    fetchpriority=high.then_some("high")
                />
            }
        });
    let out = brand.is_out_of_stock;
    let range = match (brand.min.as_deref(), brand.max.as_deref()) {
        (Some(min), Some(max)) if !min.is_empty() && !max.is_empty() => {
            let currency = brand.currency.as_deref().unwrap_or_default();
            let (min, max) = (lang::number(l, min), lang::number(l, max));
            Some(format!("{min}–{max} {currency}").trim_end().to_string())
        }
        _ => None,
    };
    view! {
        <li class="brand-tile" class:out=out hidden=hidden
            data-kind=keys.as_ref().map(|k| k.kind.clone())
            data-cat=keys.as_ref().map(|k| k.categories.clone())
            data-q=keys.map(|k| k.names)>
            <a href=href>
                {logo}
                <span class="name">{brand.brand.clone()}</span>
                <span class="meta">
                    {brand.kind.singular(l)}
                    {range.map(|r| format!(" · {r}"))}
                </span>
                {out.then(|| view! { <span class="badge">{td_string!(l, common.out_of_stock)}</span> })}
            </a>
        </li>
    }
}
