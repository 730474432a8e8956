//! The 233 countries the upstream supports (its list, not ISO's), with English names.

use std::sync::OnceLock;

const COUNTRIES_TSV: &str = include_str!("../../data/countries.tsv");

/// A supported country: ISO-like code and English name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
}

/// The country used when neither the shopper nor the request says otherwise.
pub const FALLBACK_COUNTRY: &str = "US";

/// Every supported country, in the order of the upstream's list (alphabetical by name).
pub fn all() -> &'static [Country] {
    static LIST: OnceLock<Vec<Country>> = OnceLock::new();
    LIST.get_or_init(|| {
        COUNTRIES_TSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (code, name) = line.split_once('\t')?;
                let code = code.trim();
                (code.len() == 2).then_some(Country {
                    code,
                    name: name.trim(),
                })
            })
            .collect()
    })
}

/// Looks a country up by its code, case-insensitively.
pub fn find(code: &str) -> Option<Country> {
    let code = code.trim();
    all()
        .iter()
        .copied()
        .find(|c| c.code.eq_ignore_ascii_case(code))
}

/// Reads what a shopper typed in the country picker: a code (`de`), a name
/// (`Germany`) or the picker's own label (`Germany (DE)`).
pub fn parse_choice(input: &str) -> Option<Country> {
    let input = input.trim();
    if let Some(open) = input.rfind('(')
        && let Some(code) = input[open + 1..].strip_suffix(')')
        && let Some(c) = find(code)
    {
        return Some(c);
    }
    find(input).or_else(|| {
        all()
            .iter()
            .copied()
            .find(|c| c.name.eq_ignore_ascii_case(input))
    })
}

/// The label the picker shows for a country: `Germany (DE)`.
pub fn label(c: Country) -> String {
    format!("{} ({})", c.name, c.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_233_upstream_countries() {
        assert_eq!(all().len(), 233);
        assert_eq!(find("xk").map(|c| c.name), Some("Kosovo"));
        assert_eq!(find("TR").map(|c| c.name), Some("Türkiye"));
        assert!(find("ZZ").is_none());
        assert!(find("RU").is_none(), "not in the upstream's list");
    }

    #[test]
    fn parses_what_a_shopper_types() {
        assert_eq!(parse_choice("Germany (DE)").map(|c| c.code), Some("DE"));
        assert_eq!(parse_choice(" germany ").map(|c| c.code), Some("DE"));
        assert_eq!(parse_choice("vn").map(|c| c.code), Some("VN"));
        assert_eq!(parse_choice("Atlantis"), None);
        assert_eq!(parse_choice(""), None);
    }
}
