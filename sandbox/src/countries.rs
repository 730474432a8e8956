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

/// Every supported code.
#[cfg(test)]
pub fn codes() -> impl Iterator<Item = &'static str> {
    table().keys().copied()
}
