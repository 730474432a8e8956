//! The home page's brand filter (kind, category, text), the catalogue's only one.
//! The server renders a filtered URL with it; in the browser the same rule narrows the grid as the
//! shopper types, reading each tile's keys from its data attributes, so both
//! always agree and no brand list travels to the browser as data.

use crate::model::catalog::Brand;
use serde::{Deserialize, Serialize};

/// What the shopper asked for; empty parts admit everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandFilter {
    pub kind: String,
    pub category: String,
    pub text: String,
}

/// What a tile carries for the filter: `data-kind`, `data-cat`, `data-q`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TileKeys {
    /// The kind's value (`giftcard`).
    pub kind: String,
    /// The main category, then the others, ASCII-lowercased, `|`-separated.
    pub categories: String,
    /// The brand's name and family, lowercased, space-separated.
    pub names: String,
}

impl TileKeys {
    /// The keys of a brand's tile.
    pub fn of(brand: &Brand) -> Self {
        let categories = std::iter::once(&brand.category)
            .chain(&brand.additional_categories)
            .map(|c| c.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join("|");
        Self {
            kind: brand.kind.as_str().to_string(),
            categories,
            names: format!("{} {}", brand.brand, brand.family).to_lowercase(),
        }
    }
}

impl BrandFilter {
    /// True when any part is set (the feed gives way to the matches).
    pub fn is_active(&self) -> bool {
        !self.kind.is_empty() || !self.category.is_empty() || !self.text.trim().is_empty()
    }

    /// True when a tile with these keys is shown.
    pub fn admits(&self, keys: &TileKeys) -> bool {
        let mut categories = keys.categories.split('|');
        let main = categories.next().unwrap_or_default();
        let wanted = self.category.to_ascii_lowercase();
        let text = self.text.trim().to_lowercase();
        (self.kind.is_empty() || keys.kind == self.kind)
            && (wanted.is_empty() || main == wanted || categories.any(|c| c == wanted))
            && (text.is_empty() || keys.names.contains(&text) || main.contains(&text))
    }

    /// The query string of this filter (`?q=…&kind=…`), empty when inactive.
    pub fn query(&self) -> String {
        let parts: Vec<String> = [
            ("q", self.text.as_str()),
            ("kind", self.kind.as_str()),
            ("category", self.category.as_str()),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::Kind;

    fn brand(name: &str, family: &str, kind: Kind, category: &str, more: &[&str]) -> Brand {
        Brand {
            brand: name.into(),
            family: family.into(),
            kind,
            category: category.into(),
            additional_categories: more.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn tiles_are_filtered_by_kind_category_and_text() {
        let brands = [
            brand(
                "Steam Wallet",
                "steam",
                Kind::GiftCard,
                "Gaming",
                &["Entertainment"],
            ),
            brand("Airalo Europe", "airalo-eu", Kind::Esim, "Travel", &[]),
            brand(
                "T-Mobile",
                "t-mobile-us",
                Kind::MobileRecharge,
                "Mobile",
                &[],
            ),
        ];
        // (kind, category, text) → the brands admitted. Categories match any of a
        // brand's, whatever the case; text matches the name, the family or the
        // main category, whatever the case and the spaces around it.
        let cases: [(&str, &str, &str, &[&str]); 11] = [
            ("", "", "", &["Steam Wallet", "Airalo Europe", "T-Mobile"]),
            ("esim", "", "", &["Airalo Europe"]),
            ("", "gaming", "", &["Steam Wallet"]),
            ("", "ENTERTAINMENT", "", &["Steam Wallet"]),
            ("", "", "  STEAM ", &["Steam Wallet"]),
            ("", "", "air", &["Airalo Europe"]),
            ("", "", "travel", &["Airalo Europe"]),
            ("", "", "entertain", &[]),
            ("", "", "eu", &["Airalo Europe"]),
            ("giftcard", "travel", "", &[]),
            ("", "", "zzz", &[]),
        ];
        for (kind, category, text, expected) in cases {
            let f = BrandFilter {
                kind: kind.into(),
                category: category.into(),
                text: text.into(),
            };
            let admitted: Vec<&str> = brands
                .iter()
                .filter(|b| f.admits(&TileKeys::of(b)))
                .map(|b| b.brand.as_str())
                .collect();
            assert_eq!(admitted, expected, "{f:?}");
        }
    }

    #[test]
    fn the_query_is_the_forms_own() {
        assert_eq!(BrandFilter::default().query(), "");
        let f = BrandFilter {
            kind: "esim".into(),
            category: String::new(),
            text: "café & co".into(),
        };
        assert_eq!(f.query(), "?q=caf%C3%A9+%26+co&kind=esim");
        assert!(f.is_active());
        assert!(
            !BrandFilter {
                text: "  ".into(),
                ..Default::default()
            }
            .is_active()
        );
    }
}
