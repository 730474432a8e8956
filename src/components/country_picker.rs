//! The country picker: a text field over the 233 countries, posted as a plain
//! GET form, so it works with and without JavaScript; the server reads any name
//! of a country (Turkey, Deutschland, DE). The choice is kept in a cookie.
//!
//! The browser's suggestions (a `<datalist>` of 11 KB) are not in every page:
//! once hydrated, the field fetches them the first time it is used
//! (`/api/catalog/country_options`, cached); without JavaScript, "See all countries"
//! opens the page that lists them all. Options whose country has other names
//! carry them in their `label`, which browsers search too.

use crate::error::Refusal;
use crate::i18n::td_string;
use crate::lang::{self, Locale};
use crate::model::countries;
use leptos::prelude::*;

/// Picks the shop's country; `next` is where to go after choosing. `listed`
/// puts the suggestions in the page (the countries page).
#[component]
pub fn CountryPicker(
    current: String,
    #[prop(into)] next: String,
    #[prop(optional)] listed: bool,
) -> impl IntoView {
    let l = lang::locale();
    let current_label = countries::find(&current)
        .map(|c| countries::label_in(c, l))
        .unwrap_or_default();
    view! {
        <form class="country-picker" method="get" action="/country">
            <label for="country-input">{td_string!(l, common.country)}</label>
            <CountryField value=current_label listed=listed placeholder=td_string!(l, common.country_placeholder).to_string() lang=lang::code(l).to_string() />
            // Outside the island: the list's code and data stay on the server.
            <datalist id="country-list">{listed.then(|| options(l))}</datalist>
            <input type="hidden" name="next" value=lang::href(l, &next) />
            <button type="submit">{td_string!(l, common.change_country)}</button>
            <span id="country-hint" class="hint">
                {td_string!(l, common.country_hint)}" "
                {(!listed).then(|| view! { <a href=lang::href(l, "/countries")>{td_string!(l, common.all_countries)}</a> })}
            </span>
        </form>
    }
}

/// The field; fetches its suggestions on first use when the page came
/// without them.
#[island]
fn CountryField(value: String, listed: bool, placeholder: String, lang: String) -> impl IntoView {
    let fetched = StoredValue::new(listed);
    let on_focus = move |_: leptos::ev::FocusEvent| {
        if fetched.get_value() {
            return;
        }
        fetched.set_value(true);
        #[cfg(not(feature = "hydrate"))]
        let _ = &lang;
        #[cfg(feature = "hydrate")]
        let lang = lang.clone();
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let Ok(html) = country_options(lang).await else {
                return;
            };
            if let Some(list) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("country-list"))
            {
                list.set_inner_html(&html);
            }
        });
    };
    view! {
        <input
            id="country-input"
            name="country"
            list="country-list"
            autocomplete="off"
            value=value
            placeholder=placeholder
            aria-describedby="country-hint"
            required
            on:focus=on_focus
        />
    }
}

/// The suggestions in `l`: one option per country, its other names in the label.
pub fn options(l: Locale) -> impl IntoView {
    countries::sorted_in(l)
        .iter()
        .map(move |c| {
            view! { <option value=countries::label_in(*c, l) label=countries::picker_label(*c, l)></option> }
        })
        .collect_view()
}

/// The suggestions in `l` as HTML, rendered once per language (the
/// answer of [`country_options`]).
#[cfg(feature = "ssr")]
pub fn options_html(l: Locale) -> &'static str {
    static HTML: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = HTML.get_or_init(|| {
        lang::ALL
            .iter()
            .map(|l| Owner::new().with(|| options(*l).to_html()))
            .collect()
    });
    all.get(lang::index(l))
        .map(String::as_str)
        .unwrap_or_default()
}

/// The country picker's suggestions as `<option>` markup in the page's language
/// (`lang`), the same for everyone (cached for a day): fetched when the field
/// is first used, so that no page carries the 233 countries.
#[server(prefix = "/api", endpoint = "catalog/country_options", input = server_fn::codec::GetUrl)]
pub async fn country_options(#[server(default)] lang: String) -> Result<String, Refusal> {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("public, max-age=86400"),
        );
    }
    let l = crate::lang::parse(&lang).unwrap_or_else(crate::lang::locale);
    Ok(options_html(l).to_string())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn datalist(html: &str) -> &str {
        let start = html.find("<datalist").expect("a datalist");
        let end = html.find("</datalist>").expect("its end") + "</datalist>".len();
        &html[start..end]
    }

    #[test]
    fn the_list_is_in_the_countries_page_and_its_fragment_only() {
        let page = Owner::new().with(|| {
            view! { <CountryPicker current="DE".to_string() next="/" listed=true /> }.to_html()
        });
        assert_eq!(datalist(&page).matches("<option").count(), 233);
        // Without the empty-view markers (`<!>`) a build with erased components
        // writes where its views are empty.
        let home = Owner::new()
            .with(|| view! { <CountryPicker current="DE".to_string() next="/" /> }.to_html())
            .replace("<!>", "");
        assert_eq!(datalist(&home).matches("<option").count(), 0, "{home}");
        assert!(home.contains(r#"<a href="/countries">See all countries</a>"#));
        assert_eq!(options_html(Locale::en).matches("<option").count(), 233);
    }

    #[test]
    fn options_carry_other_names_for_the_browser_filter() {
        let list = options_html(Locale::en);
        assert!(
            list.contains(
                r#"<option value="Türkiye (TR)" label="Türkiye (TR) · Turkey · Turkiye">"#
            ),
            "{list}"
        );
        assert!(list.contains(r#"<option value="France (FR)">"#), "{list}");
        assert_eq!(list.matches("<option").count(), 233);
        assert!(list.contains(r#"label="United Kingdom (GB) · UK · Great Britain · England""#));
        assert!(list.contains(r#"label="Vietnam (VN) · Việt Nam""#));
    }

    #[test]
    fn other_names_keep_the_list_light() {
        // The labels may add a few kilobytes to the list (1.5 KB today, over the
        // 9.5 KB of the bare options), not double it.
        let list = options_html(Locale::en);
        let bare: usize = countries::all()
            .iter()
            .map(|c| {
                view! { <option value=countries::label(*c)></option> }
                    .to_html()
                    .len()
            })
            .sum();
        assert!(
            list.len() < bare + 3_000,
            "{} bytes, {bare} bare",
            list.len()
        );
    }
}
