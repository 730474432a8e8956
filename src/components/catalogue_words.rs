//! The catalogue's own labels in the shopper's words: categories and the
//! homepage feed's sections. The upstream names them in English (`gaming`,
//! "Trending gift cards"); the shop names those it knows in every language and
//! keeps the upstream's words only where it has none of its own.

use crate::i18n::td_string;
use crate::lang::Locale;
use crate::model::catalog::{FeedSection, Kind, humanize};

/// A category in the shopper's words (one the shop doesn't know: the
/// upstream's, as words).
pub fn category_label(l: Locale, category: &str) -> String {
    let known = match category.trim().to_ascii_lowercase().as_str() {
        "crypto" => td_string!(l, home.cat_crypto),
        "data" => td_string!(l, home.cat_data),
        "electronics" => td_string!(l, home.cat_electronics),
        "entertainment" => td_string!(l, home.cat_entertainment),
        "food" => td_string!(l, home.cat_food),
        "gaming" => td_string!(l, home.cat_gaming),
        "home" => td_string!(l, home.cat_home),
        "mobile" => td_string!(l, home.cat_mobile),
        "prepaid" => td_string!(l, home.cat_prepaid),
        "shopping" => td_string!(l, home.cat_shopping),
        "software" => td_string!(l, home.cat_software),
        "travel" => td_string!(l, home.cat_travel),
        _ => return humanize(category.trim()),
    };
    known.to_string()
}

/// A feed section's title. In English the upstream's own title (when it has
/// one); in the other languages, and without a title, named by what the
/// section holds: one kind of product, or "popular right now".
pub fn section_title(l: Locale, section: &FeedSection) -> String {
    if l == Locale::en && !section.title.trim().is_empty() {
        return section.title.clone();
    }
    let first = section.brands.first().map(|b| &b.kind);
    let one_kind = first.filter(|k| section.brands.iter().all(|b| &b.kind == *k));
    match one_kind {
        Some(Kind::GiftCard) => td_string!(l, home.feed_gift_cards),
        Some(Kind::Esim) => td_string!(l, home.feed_esims),
        Some(Kind::MobileRecharge) => td_string!(l, home.feed_top_ups),
        _ => td_string!(l, home.feed_popular),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::Brand;

    fn section(title: &str, kinds: &[Kind]) -> FeedSection {
        FeedSection {
            title: title.into(),
            brands: kinds
                .iter()
                .map(|k| Brand {
                    kind: k.clone(),
                    ..Brand::default()
                })
                .collect(),
        }
    }

    #[test]
    fn categories_in_the_shoppers_words() {
        assert_eq!(category_label(Locale::tr, "gaming"), "Oyun");
        assert_eq!(category_label(Locale::vi, "Travel"), "Du lịch");
        assert_eq!(category_label(Locale::en, "food"), "Food and drink");
        assert_eq!(category_label(Locale::tr, "pet_care"), "Pet care");
    }

    #[test]
    fn sections_are_named_by_what_they_hold() {
        let cards = section("Trending gift cards", &[Kind::GiftCard, Kind::GiftCard]);
        assert_eq!(section_title(Locale::en, &cards), "Trending gift cards");
        assert_eq!(section_title(Locale::tr, &cards), "Popüler hediye kartları");
        let esims = section("", &[Kind::Esim]);
        assert_eq!(section_title(Locale::en, &esims), "Travel with an eSIM");
        let mixed = section("Hot", &[Kind::Esim, Kind::GiftCard]);
        assert_eq!(section_title(Locale::vi, &mixed), "Đang được ưa chuộng");
    }
}
