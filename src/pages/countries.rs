//! `/countries`: every country the shop sells in, as links and as the picker's
//! suggestions: where a browser without JavaScript finds the whole list, which
//! no other page carries.

use crate::components::country_picker::CountryPicker;
use crate::i18n::td_string;
use crate::lang;
use crate::model::countries;
use leptos::prelude::*;
use leptos_meta::Title;

/// The countries page.
#[component]
pub fn CountriesPage() -> impl IntoView {
    let l = lang::locale();
    let home = lang::href(l, "/");
    view! {
        <Title text=td_string!(l, common.choose_country) />
        <section class="intro">
            <h1>{td_string!(l, common.choose_country)}</h1>
            <CountryPicker current=String::new() next="/" listed=true />
        </section>
        <ul class="country-list" aria-label=td_string!(l, common.all_countries_label)>
            {countries::sorted_in(l)
                .iter()
                .map(|c| view! {
                    <li><a href=format!("/country?country={}&next={home}", c.code) rel="nofollow">{countries::label_in(*c, l)}</a></li>
                })
                .collect_view()}
        </ul>
    }
}
