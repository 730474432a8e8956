//! `/countries`: every country the shop sells in, as links and as the picker's
//! suggestions: where a browser without JavaScript finds the whole list, which
//! no other page carries.

use crate::components::country_picker::CountryPicker;
use crate::model::countries;
use leptos::prelude::*;
use leptos_meta::Title;

/// The countries page.
#[component]
pub fn CountriesPage() -> impl IntoView {
    view! {
        <Title text="Choose your country" />
        <section class="intro">
            <h1>"Choose your country"</h1>
            <CountryPicker current=String::new() next="/" listed=true />
        </section>
        <ul class="country-list" aria-label="All countries">
            {countries::all()
                .iter()
                .map(|c| view! {
                    <li><a href=format!("/country?country={}&next=/", c.code) rel="nofollow">{countries::label(*c)}</a></li>
                })
                .collect_view()}
        </ul>
    }
}
