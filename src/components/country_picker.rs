//! The country picker: a searchable text field over the 233 countries (the
//! browser's own list suggestions, keyboard-usable), posted as a plain GET form
//! so it works with and without JavaScript. The choice is kept in a cookie.
//! Options whose country has other names (Turkey, Deutschland) carry them in their
//! `label`, which browsers search too; the server reads any of them.

use crate::model::countries;
use leptos::prelude::*;

/// Picks the shop's country; `next` is where to go after choosing.
#[component]
pub fn CountryPicker(current: String, #[prop(into)] next: String) -> impl IntoView {
    let current_label = countries::find(&current)
        .map(countries::label)
        .unwrap_or_default();
    view! {
        <form class="country-picker" method="get" action="/country">
            <label for="country-input">"Country"</label>
            <input
                id="country-input"
                name="country"
                list="country-list"
                autocomplete="off"
                value=current_label
                placeholder="Type a country"
                aria-describedby="country-hint"
                required
            />
            <input type="hidden" name="next" value=next />
            <button type="submit">"Change country"</button>
            <span id="country-hint" class="hint">
                "Type to search, e.g. Germany, Deutschland or DE"
            </span>
            <datalist id="country-list">
                {countries::all()
                    .iter()
                    .map(|c| {
                        view! {
                            <option
                                value=countries::label(*c)
                                label=countries::picker_label(*c)
                            ></option>
                        }
                    })
                    .collect_view()}
            </datalist>
        </form>
    }
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
    fn options_carry_other_names_for_the_browser_filter() {
        let html = Owner::new()
            .with(|| view! { <CountryPicker current="TR".to_string() next="/" /> }.to_html());
        let list = datalist(&html);
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
        // Every page with the picker carries the list: the labels may add a few
        // kilobytes (1.5 KB today, over the 9.5 KB of the bare options), not double it.
        let html = Owner::new()
            .with(|| view! { <CountryPicker current="DE".to_string() next="/" /> }.to_html());
        let list = datalist(&html);
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
