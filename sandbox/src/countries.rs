//! The sandbox's own copy of the supported countries (the upstream's list).

use std::collections::HashMap;
use std::sync::OnceLock;

const TSV: &str = include_str!("../data/countries.tsv");

fn table() -> &'static HashMap<&'static str, &'static str> {
    static T: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    T.get_or_init(|| {
        TSV.lines()
            .skip(1)
            .filter_map(|l| l.split_once('\t'))
            .map(|(c, n)| (c.trim(), n.trim()))
            .collect()
    })
}

/// The English name of a supported country code (exact, uppercase).
pub fn name(cc: &str) -> Option<&'static str> {
    table().get(cc).copied()
}

/// Calling codes of territories without a numbering plan of their own (not in
/// libphonenumber's metadata): the code their few phones use.
const TERRITORIES: [(&str, u16); 7] = [
    ("AQ", 672),
    ("BV", 47),
    ("GS", 500),
    ("HM", 672),
    ("PN", 64),
    ("TF", 262),
    ("UM", 1),
];

/// The international calling code of a supported country (`84` for `VN`), from
/// libphonenumber's metadata; `None` for a code that is not supported.
pub fn calling_code(cc: &str) -> Option<u16> {
    name(cc)?;
    phonenumber::metadata::DATABASE
        .by_id(cc)
        .map(|m| m.country_code())
        .or_else(|| TERRITORIES.iter().find(|(c, _)| *c == cc).map(|t| t.1))
}

/// Every supported code.
#[cfg(test)]
pub fn codes() -> impl Iterator<Item = &'static str> {
    table().keys().copied()
}
