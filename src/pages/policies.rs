//! `/terms` and `/privacy`: the shop's terms of sale and privacy policy, plain
//! and short, in the shopper's language (`locales/*/legal.json`).

use crate::i18n::td_string;
use crate::lang;
use leptos::prelude::*;
use leptos_meta::Title;

/// The terms of sale.
#[component]
pub fn TermsPage() -> impl IntoView {
    let l = lang::locale();
    let paragraphs = [
        td_string!(l, legal.terms_what),
        td_string!(l, legal.terms_price),
        td_string!(l, legal.terms_pay),
        td_string!(l, legal.terms_delivery),
        td_string!(l, legal.terms_problems),
        td_string!(l, legal.terms_brand),
    ];
    view! {
        <Title text=td_string!(l, legal.terms_title) />
        <Policy title=td_string!(l, legal.terms_title) intro=td_string!(l, legal.terms_intro) paragraphs=paragraphs.to_vec() />
    }
}

/// The privacy policy.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let l = lang::locale();
    let paragraphs = [
        td_string!(l, legal.privacy_order),
        td_string!(l, legal.privacy_cookies),
        td_string!(l, legal.privacy_chain),
        td_string!(l, legal.privacy_logs),
        td_string!(l, legal.privacy_contact),
    ];
    view! {
        <Title text=td_string!(l, legal.privacy_title) />
        <Policy title=td_string!(l, legal.privacy_title) intro=td_string!(l, legal.privacy_intro) paragraphs=paragraphs.to_vec() />
    }
}

/// A policy page: its title, a line on what it is, its paragraphs.
#[component]
fn Policy(
    title: &'static str,
    intro: &'static str,
    paragraphs: Vec<&'static str>,
) -> impl IntoView {
    view! {
        <article class="policy">
            <h1>{title}</h1>
            <p class="lead">{intro}</p>
            {paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
        </article>
    }
}
