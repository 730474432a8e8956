//! The country picker: a searchable text field over the 233 countries (the
//! browser's own list suggestions, keyboard-usable), posted as a plain GET form
//! so it works with and without JavaScript. The choice is kept in a cookie.

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
            <span id="country-hint" class="hint">"Type to search, e.g. Germany or DE"</span>
            <datalist id="country-list">
                {countries::all()
                    .iter()
                    .map(|c| view! { <option value=countries::label(*c)></option> })
                    .collect_view()}
            </datalist>
        </form>
    }
}
