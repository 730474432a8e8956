//! The 233 countries the upstream supports (its list, not ISO's), with their
//! English names (the upstream's), their names in Turkish and Vietnamese (CLDR,
//! through ICU4X, on the server) and other names shoppers type.

use crate::lang::Locale;
use std::sync::OnceLock;

const COUNTRIES_TSV: &str = include_str!("../../data/countries.tsv");

/// A supported country: ISO-like code and English name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
}

/// A country travels as its code (a form's problem, a signed draft), and
/// reads back only as one of the 233.
impl serde::Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> serde::Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Country, D::Error> {
        let code = String::deserialize(d)?;
        find(&code).ok_or_else(|| serde::de::Error::custom("not a country of the shop"))
    }
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

/// Longest text [`parse_choice`] and [`search`] read (bytes): the longest label is
/// under 60; anything longer is not a country and isn't worth folding.
pub const MAX_QUERY_BYTES: usize = 200;

/// How many countries [`search`] returns at most.
pub const MAX_SEARCH_RESULTS: usize = 10;

/// Reads what a shopper typed in the country picker: a code (`de`), a name
/// (`Germany`), another name of it (`Deutschland`, `Turkey`, `Ivory Coast`) or the
/// picker's own label (`Germany (DE)`). Case, accents and punctuation don't matter.
pub fn parse_choice(input: &str) -> Option<Country> {
    let input = input.trim();
    if input.len() > MAX_QUERY_BYTES {
        return None;
    }
    if let Some(c) = code_of(input) {
        return Some(c);
    }
    let key = key(input);
    index()
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, i)| all()[*i])
}

/// Countries matching what a shopper typed, best first (same code, same name or
/// alias, a name starting with it, a name containing it), at most
/// [`MAX_SEARCH_RESULTS`]: what a typeahead shows.
pub fn search(query: &str) -> Vec<Country> {
    let query = query.trim();
    if query.len() > MAX_QUERY_BYTES {
        return Vec::new();
    }
    let q = key(query);
    if q.is_empty() {
        return Vec::new();
    }
    // Best rank per country, by its position in `all()`.
    let mut best: Vec<Option<u8>> = vec![None; all().len()];
    let by_code = code_of(query);
    for (i, c) in all().iter().enumerate() {
        if by_code == Some(*c) {
            best[i] = Some(0);
        }
    }
    for (k, i) in index() {
        let rank = if *k == q {
            1
        } else if k.starts_with(&q) {
            2
        } else if k.contains(&q) {
            3
        } else {
            continue;
        };
        best[*i] = Some(best[*i].map_or(rank, |r| r.min(rank)));
    }
    let mut found: Vec<(u8, usize)> = best
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.map(|r| (r, i)))
        .collect();
    found.sort_unstable();
    found
        .into_iter()
        .take(MAX_SEARCH_RESULTS)
        .map(|(_, i)| all()[i])
        .collect()
}

/// The other names of a country (see `data/country-aliases.tsv`), empty if none.
pub fn aliases(c: Country) -> &'static [&'static str] {
    alias_lists()
        .iter()
        .find(|a| a.code == c.code)
        .map_or(&[], |a| a.all.as_slice())
}

/// The aliases the picker's list shows too (marked `*` in the data file).
fn shown_aliases(c: Country) -> &'static [&'static str] {
    alias_lists()
        .iter()
        .find(|a| a.code == c.code)
        .map_or(&[], |a| a.shown.as_slice())
}

/// The label the picker shows for a country: `Germany (DE)`.
pub fn label(c: Country) -> String {
    format!("{} ({})", c.name, c.code)
}

/// The label in `l`: `Almanya (DE)`.
pub fn label_in(c: Country, l: Locale) -> String {
    format!("{} ({})", name_in(c, l), c.code)
}

/// The country's name in `l`: the upstream's in English, CLDR's in the other
/// languages (`Almanya`, `Đức`), the English one where CLDR has none.
pub fn name_in(c: Country, l: Locale) -> String {
    if l == Locale::en {
        return c.name.to_string();
    }
    all()
        .iter()
        .position(|x| x.code == c.code)
        .and_then(|at| local_names().get(at))
        .and_then(|names| names.get(crate::lang::index(l))?.clone())
        .unwrap_or_else(|| c.name.to_string())
}

/// Every country, in `l`'s alphabetical order of their names in `l` (CLDR
/// collation: `Cezayir`, `Çin`, `Danimarka` in Turkish); the upstream's order
/// in English.
#[cfg(feature = "ssr")]
pub fn sorted_in(l: Locale) -> &'static [Country] {
    use icu_collator::CollatorBorrowed;
    static SORTED: OnceLock<Vec<Vec<Country>>> = OnceLock::new();
    let lists = SORTED.get_or_init(|| {
        crate::lang::ALL
            .iter()
            .map(|l| {
                let mut list = all().to_vec();
                let locale: Option<icu_locale_core::Locale> = crate::lang::code(*l).parse().ok();
                let collator = locale
                    .and_then(|loc| CollatorBorrowed::try_new(loc.into(), Default::default()).ok());
                if let (Some(c), false) = (collator, *l == Locale::en) {
                    let names: Vec<(String, Country)> =
                        list.iter().map(|x| (name_in(*x, *l), *x)).collect();
                    let mut names = names;
                    names.sort_by(|a, b| c.compare(&a.0, &b.0));
                    list = names.into_iter().map(|(_, x)| x).collect();
                }
                list
            })
            .collect()
    });
    lists
        .get(crate::lang::index(l))
        .map(Vec::as_slice)
        .unwrap_or_else(|| all())
}

/// In the browser build (never used there): the upstream's order.
#[cfg(not(feature = "ssr"))]
pub fn sorted_in(_: Locale) -> &'static [Country] {
    all()
}

/// Every country's name in each of `lang::ALL` (English left to the
/// upstream's list), in [`all`]'s order.
#[cfg(feature = "ssr")]
fn local_names() -> &'static [Vec<Option<String>>] {
    use icu_experimental::displaynames::multi::RegionDisplayNames;
    static NAMES: OnceLock<Vec<Vec<Option<String>>>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let names: Vec<Option<RegionDisplayNames>> = crate::lang::ALL
            .iter()
            .map(|l| {
                let locale: icu_locale_core::Locale = crate::lang::code(*l).parse().ok()?;
                RegionDisplayNames::try_new(locale.into(), Default::default()).ok()
            })
            .collect();
        all()
            .iter()
            .map(|c| {
                let region = c.code.parse::<icu_locale_core::subtags::Region>().ok();
                names
                    .iter()
                    .map(|n| Some(n.as_ref()?.of(region?)?.to_string()))
                    .collect()
            })
            .collect()
    })
}

/// In the browser build (never used there): no names beyond English.
#[cfg(not(feature = "ssr"))]
fn local_names() -> &'static [Vec<Option<String>>] {
    &[]
}

/// What the picker's list shows for a country when it has a name the browser's own
/// filter wouldn't find in [`label`]: `Türkiye (TR) · Turkey · Turkiye`.
///
/// Browsers filter a datalist by what is typed, case-insensitively, in an option's
/// value or label (Chromium: each typed word must occur in one of them, spaces
/// removed), but not accent-insensitively. So the label adds the country's shown
/// aliases (a few dozen countries: a whole list of every alias would double the
/// datalist's weight on every page) and the plain-letter spelling of its name and
/// of those aliases, each only if not found there yet. Firefox and Safari show the
/// label instead of the value, hence it starts with the value.
/// `None` when the label would say nothing more (most countries).
pub fn picker_label(c: Country, l: Locale) -> Option<String> {
    let value = label_in(c, l);
    let mut shown = value.clone();
    let mut haystack = browser_fold(&value);
    let mut add = |text: &str| {
        let covered = text
            .split(|ch: char| !ch.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .all(|w| haystack.contains(&browser_fold(w)));
        if !covered {
            shown.push_str(" · ");
            shown.push_str(text);
            haystack.push_str(&browser_fold(text));
        }
    };
    if l != Locale::en {
        add(c.name);
    }
    for alias in shown_aliases(c) {
        add(alias);
    }
    let local = name_in(c, l);
    for name in [c.name, local.as_str()]
        .into_iter()
        .chain(shown_aliases(c).iter().copied())
    {
        let plain = plain_letters(name);
        if plain != *name && plain.is_ascii() {
            add(&plain);
        }
    }
    (shown != value).then_some(shown)
}

/// A country named by its code, as typed (`tr`, `U.S.`) or at the end of a
/// picker label (`Türkiye (TR)`).
fn code_of(input: &str) -> Option<Country> {
    let labelled = input
        .rfind('(')
        .and_then(|open| input[open + 1..].strip_suffix(')'))
        .and_then(find);
    labelled.or_else(|| find(input)).or_else(|| {
        let plain: String = input.chars().filter(|ch| ch.is_alphanumeric()).collect();
        find(&plain)
    })
}

const ALIASES_TSV: &str = include_str!("../../data/country-aliases.tsv");

/// One line of the aliases file.
struct AliasList {
    code: &'static str,
    all: Vec<&'static str>,
    shown: Vec<&'static str>,
}

/// `code<TAB>alias|*alias…` lines, `*` dropped; `#` comments and blank lines skipped.
fn alias_lists() -> &'static [AliasList] {
    static LISTS: OnceLock<Vec<AliasList>> = OnceLock::new();
    LISTS.get_or_init(|| {
        ALIASES_TSV
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let (code, names) = line.split_once('\t')?;
                let names = names.split('|').map(str::trim).filter(|n| !n.is_empty());
                let mut list = AliasList {
                    code: code.trim(),
                    all: Vec::new(),
                    shown: Vec::new(),
                };
                for name in names {
                    match name.strip_prefix('*') {
                        Some(shown) => {
                            list.all.push(shown);
                            list.shown.push(shown);
                        }
                        None => list.all.push(name),
                    }
                }
                Some(list)
            })
            .collect()
    })
}

/// Every name and alias of every country by its [`key`], with the country's
/// position in [`all`].
fn index() -> &'static [(String, usize)] {
    static INDEX: OnceLock<Vec<(String, usize)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        all()
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                let local: Vec<String> = crate::lang::ALL[1..]
                    .iter()
                    .map(|l| name_in(*c, *l))
                    .collect();
                std::iter::once(c.name.to_string())
                    .chain(aliases(*c).iter().map(|a| a.to_string()))
                    .chain(local)
                    .map(move |name| (key(&name), i))
            })
            .collect()
    })
}

/// What a name is compared by: lower case, accents folded, a leading "the"
/// dropped, "st" read as "saint" and "&" as "and", then only the letters and
/// digits, so `The St. Kitts & Nevis` and `saint kitts and nevis` are the same.
fn key(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        match ch {
            '&' => folded.push_str(" and "),
            _ => push_folded(ch, &mut folded),
        }
    }
    let mut words = folded
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .peekable();
    words.next_if_eq(&"the");
    words.map(|w| if w == "st" { "saint" } else { w }).collect()
}

/// Roughly what Chromium compares datalist options by: lower case, no spaces.
fn browser_fold(text: &str) -> String {
    text.chars()
        .filter(|ch| !ch.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The name in plain letters, case kept: `Côte d'Ivoire` → `Cote d'Ivoire`.
fn plain_letters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        let mut folded = String::new();
        ch.to_lowercase().for_each(|l| push_folded(l, &mut folded));
        if ch.is_uppercase() {
            out.extend(folded.chars().flat_map(char::to_uppercase));
        } else {
            out.push_str(&folded);
        }
    }
    out
}

/// Lower-case letters with marks, by what they fold to. Hand-written for the
/// Latin, Greek and Cyrillic letters of country names (no Unicode tables needed).
const FOLDS: &[(&str, &str)] = &[
    ("a", "àáâãäåāăąǎǻạảấầẩẫậắằẳẵặ"),
    ("c", "çćĉċč"),
    ("d", "ďđð"),
    ("e", "èéêëēĕėęěẹẻẽếềểễệə"),
    ("g", "ĝğġģǧ"),
    ("h", "ĥħ"),
    ("i", "ìíîïĩīĭįıǐỉị"),
    ("j", "ĵ"),
    ("k", "ķǩ"),
    ("l", "ĺļľŀł"),
    ("n", "ñńņňŉ"),
    ("o", "òóôõöøōŏőǒơọỏốồổỗộớờởỡợǿ"),
    ("r", "ŕŗř"),
    ("s", "śŝşšș"),
    ("t", "ţťŧț"),
    ("u", "ùúûüũūŭůűųưǔǖǘǚǜụủứừửữự"),
    ("w", "ŵẁẃẅ"),
    ("y", "ýÿŷỳỵỷỹ"),
    ("z", "źżž"),
    ("ae", "æǽ"),
    ("oe", "œ"),
    ("ss", "ß"),
    ("th", "þ"),
    ("α", "ά"),
    ("ε", "έ"),
    ("η", "ή"),
    ("ι", "ίϊΐ"),
    ("ο", "ό"),
    ("υ", "ύϋΰ"),
    ("ω", "ώ"),
    ("σ", "ς"),
    ("е", "ё"),
];

/// Appends a lower-case `ch` with its accent folded away; combining marks (typed
/// as separate characters) and modifier letters such as `ʻ` are dropped.
fn push_folded(ch: char, out: &mut String) {
    if ('\u{300}'..='\u{36f}').contains(&ch) || ('\u{2b0}'..='\u{2ff}').contains(&ch) {
        return;
    }
    match FOLDS.iter().find(|(_, marked)| marked.contains(ch)) {
        Some((plain, _)) => out.push_str(plain),
        None => out.push(ch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn code(input: &str) -> Option<&'static str> {
        parse_choice(input).map(|c| c.code)
    }

    fn codes(found: Vec<Country>) -> Vec<&'static str> {
        found.into_iter().map(|c| c.code).collect()
    }

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
        assert_eq!(code("Germany (DE)"), Some("DE"));
        assert_eq!(code(" germany "), Some("DE"));
        assert_eq!(code("vn"), Some("VN"));
        assert_eq!(parse_choice("Atlantis"), None);
        assert_eq!(parse_choice(""), None);
        assert_eq!(parse_choice(" .'’ "), None);
    }

    #[test]
    fn the_issue_examples_find_their_country() {
        for (typed, expected) in [
            ("Turkey", "TR"),
            ("Türkiye", "TR"),
            ("TR", "TR"),
            ("tr", "TR"),
            ("Türkiye (TR)", "TR"),
            ("turkiye", "TR"),
            ("TURKIYE", "TR"),
            ("Viet Nam", "VN"),
            ("viet nam", "VN"),
            ("Việt Nam", "VN"),
            ("Vietnam", "VN"),
            ("Ivory Coast", "CI"),
            ("Côte d'Ivoire", "CI"),
            ("Côte d’Ivoire", "CI"),
            ("cote divoire", "CI"),
            ("COTE D'IVOIRE", "CI"),
            ("Côte d'Ivoire (CI)", "CI"),
        ] {
            assert_eq!(code(typed), Some(expected), "{typed}");
        }
    }

    #[test]
    fn common_english_names() {
        for (typed, expected) in [
            ("Czech Republic", "CZ"),
            ("South Korea", "KR"),
            ("Korea", "KR"),
            ("Laos", "LA"),
            ("Macedonia", "MK"),
            ("Swaziland", "SZ"),
            ("Cape Verde", "CV"),
            ("Holland", "NL"),
            ("the Netherlands", "NL"),
            ("UK", "GB"),
            ("U.K.", "GB"),
            ("Great Britain", "GB"),
            ("England", "GB"),
            ("USA", "US"),
            ("U.S.A.", "US"),
            ("U.S.", "US"),
            ("America", "US"),
            ("United States of America", "US"),
            ("UAE", "AE"),
            ("East Timor", "TL"),
            ("The Gambia", "GM"),
            ("St. Lucia", "LC"),
            ("St Kitts & Nevis", "KN"),
            ("Trinidad & Tobago", "TT"),
            ("Bosnia", "BA"),
            ("Hongkong", "HK"),
            ("Macau", "MO"),
            ("Vatican", "VA"),
            ("Saint Martin", "MF"),
            ("St. Maarten", "SX"),
            ("Virgin Islands (U.S.)", "VI"),
            ("Cocos (Keeling) Islands", "CC"),
        ] {
            assert_eq!(code(typed), Some(expected), "{typed}");
        }
    }

    #[test]
    fn native_names() {
        for (typed, expected) in [
            ("Deutschland", "DE"),
            ("España", "ES"),
            ("espana", "ES"),
            ("Italia", "IT"),
            ("Nederland", "NL"),
            ("Polska", "PL"),
            ("Nihon", "JP"),
            ("日本", "JP"),
            ("中国", "CN"),
            ("대한민국", "KR"),
            ("Brasil", "BR"),
            ("México", "MX"),
            ("Suomi", "FI"),
            ("Sverige", "SE"),
            ("Norge", "NO"),
            ("Danmark", "DK"),
            ("Österreich", "AT"),
            ("osterreich", "AT"),
            ("Schweiz", "CH"),
            ("Suisse", "CH"),
            ("Svizzera", "CH"),
            ("Ελλάδα", "GR"),
            ("ελλαδα", "GR"),
            ("Україна", "UA"),
            ("ไทย", "TH"),
            ("Indonesia", "ID"),
            ("Pilipinas", "PH"),
            ("Éire", "IE"),
            ("Eire", "IE"),
            ("România", "RO"),
            ("Česko", "CZ"),
            ("Magyarország", "HU"),
            ("Hrvatska", "HR"),
            ("Srbija", "RS"),
            ("Србија", "RS"),
            ("Türkmenistan", "TM"),
            ("Ísland", "IS"),
            ("Føroyar", "FO"),
            ("Oʻzbekiston", "UZ"),
            ("ozbekiston", "UZ"),
            ("Azərbaycan", "AZ"),
            ("São Tomé", "ST"),
            ("Curaçao", "CW"),
            ("curacao", "CW"),
            ("Réunion", "RE"),
            ("Åland", "AX"),
        ] {
            assert_eq!(code(typed), Some(expected), "{typed}");
        }
    }

    #[test]
    fn accents_typed_as_combining_marks_fold_too() {
        // "Việt Nam" and "Côte" with the marks as separate characters.
        assert_eq!(code("Vie\u{323}\u{302}t Nam"), Some("VN"));
        assert_eq!(code("Co\u{302}te d'Ivoire"), Some("CI"));
        assert_eq!(code("ŞIRNAK"), None);
        assert_eq!(code("İtalia"), Some("IT"));
    }

    #[test]
    fn refuses_what_is_too_long_to_be_a_country() {
        let long = "Germany ".repeat(40);
        assert_eq!(parse_choice(&long), None);
        assert!(search(&long).is_empty());
    }

    #[test]
    fn search_ranks_code_then_name_then_prefix_then_substring() {
        assert_eq!(search("TR").first().map(|c| c.code), Some("TR"));
        assert_eq!(search("turkey").first().map(|c| c.code), Some("TR"));
        assert_eq!(search("Türkiye (TR)").first().map(|c| c.code), Some("TR"));
        // "Niger" itself, then "Nigeria" (prefix), then nothing else contains it.
        assert_eq!(codes(search("niger")), ["NE", "NG"]);
        // Same name first, then names starting with it, then names containing it.
        let guinea = codes(search("guinea"));
        assert_eq!(guinea[0], "GN");
        assert!(guinea.contains(&"GW") && guinea.contains(&"GQ") && guinea.contains(&"PG"));
        let gw = guinea.iter().position(|c| *c == "GW").unwrap();
        let pg = guinea.iter().position(|c| *c == "PG").unwrap();
        assert!(
            gw < pg,
            "prefix (Guinea-Bissau) before substring (Papua New Guinea)"
        );
        assert_eq!(search("ivory").first().map(|c| c.code), Some("CI"));
        assert_eq!(search("viet").first().map(|c| c.code), Some("VN"));
        assert_eq!(search("america").first().map(|c| c.code), Some("US"));
        assert!(codes(search("america")).contains(&"AS"));
    }

    #[test]
    fn search_is_capped_and_ignores_empty_queries() {
        assert_eq!(search("a").len(), MAX_SEARCH_RESULTS);
        assert!(search("").is_empty());
        assert!(search(" - ").is_empty());
        assert!(search("Atlantis").is_empty());
    }

    #[test]
    fn every_alias_names_one_known_country() {
        let mut lines = 0;
        let mut seen_codes = Vec::new();
        for line in ALIASES_TSV.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            lines += 1;
            let (code, names) = line.split_once('\t').expect("code<TAB>aliases");
            assert!(find(code).is_some(), "{code} is not one of the 233");
            assert_eq!(find(code).unwrap().code, code, "codes in capitals: {code}");
            assert!(!seen_codes.contains(&code), "{code} has two lines");
            seen_codes.push(code);
            for name in names.split('|') {
                let name = name.strip_prefix('*').unwrap_or(name);
                assert!(!name.trim().is_empty(), "empty alias on {code}'s line");
                assert!(!key(name).is_empty(), "{name:?} ({code}) has no letters");
            }
        }
        assert!(lines > 150, "aliases for most countries ({lines})");
    }

    #[test]
    fn no_name_alias_or_code_maps_to_two_countries() {
        let mut owner: HashMap<String, &str> = HashMap::new();
        for c in all() {
            let names = std::iter::once(c.name).chain(aliases(*c).iter().copied());
            for k in names.map(key).chain([key(c.code)]) {
                if let Some(other) = owner.insert(k.clone(), c.code) {
                    assert_eq!(other, c.code, "{k:?} names both {other} and {}", c.code);
                }
            }
        }
        // Every alias resolves back to its own country.
        for c in all() {
            for a in aliases(*c) {
                assert_eq!(code(a), Some(c.code), "{a}");
            }
            assert_eq!(code(c.name), Some(c.code), "{}", c.name);
            assert_eq!(code(&label(*c)), Some(c.code));
        }
    }

    #[test]
    fn picker_labels_add_what_browsers_would_not_find() {
        let tr = find("TR").unwrap();
        assert_eq!(
            picker_label(tr, Locale::en).as_deref(),
            Some("Türkiye (TR) · Turkey · Turkiye")
        );
        let ci = picker_label(find("CI").unwrap(), Locale::en).unwrap();
        assert!(ci.starts_with("Côte d'Ivoire (CI) · "), "{ci}");
        assert!(
            ci.contains("Ivory Coast") && ci.contains("Cote d'Ivoire"),
            "{ci}"
        );
        // "Viet Nam" is found in "Vietnam" word by word; "Việt" is not.
        let vn = picker_label(find("VN").unwrap(), Locale::en).unwrap();
        assert_eq!(vn, "Vietnam (VN) · Việt Nam");
        // Nothing to add for a country without other names, or none marked shown.
        assert_eq!(picker_label(find("FR").unwrap(), Locale::en), None);
        assert_eq!(picker_label(find("DZ").unwrap(), Locale::en), None);
        assert_eq!(code("Algérie"), Some("DZ"), "the server still reads them");
        // An alias the label already contains isn't repeated: "Macedonia".
        assert_eq!(picker_label(find("MK").unwrap(), Locale::en), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn names_in_each_language_and_search_by_any_of_them() {
        let de = find("DE").unwrap();
        assert_eq!(name_in(de, Locale::en), "Germany");
        assert_eq!(name_in(de, Locale::tr), "Almanya");
        assert_eq!(name_in(de, Locale::vi), "Đức");
        assert_eq!(label_in(de, Locale::tr), "Almanya (DE)");
        for typed in ["Almanya", "Đức", "almanya (de)", "Deutschland", "Germany"] {
            assert_eq!(parse_choice(typed).map(|c| c.code), Some("DE"), "{typed}");
        }
        assert_eq!(search("Alman").first().map(|c| c.code), Some("DE"));
        for c in all() {
            for l in crate::lang::ALL {
                assert!(!name_in(*c, l).is_empty(), "{}", c.code);
            }
        }
        // Vietnamese keeps many names as they are (Canada, Angola); Turkish
        // writes most its own way.
        let own = |l: Locale| all().iter().filter(|c| name_in(**c, l) != c.name).count();
        assert!(own(Locale::tr) > 150, "{} Turkish names", own(Locale::tr));
        assert!(own(Locale::vi) > 80, "{} Vietnamese names", own(Locale::vi));
        assert_eq!(name_in(find("FR").unwrap(), Locale::vi), "Pháp");
        // Each language's alphabetical order.
        let at = |l: Locale, code: &str| sorted_in(l).iter().position(|c| c.code == code);
        assert!(at(Locale::tr, "DZ") < at(Locale::tr, "CN"), "Cezayir, Çin");
        assert!(
            at(Locale::tr, "CN") < at(Locale::tr, "DK"),
            "Çin, Danimarka"
        );
        assert!(
            at(Locale::tr, "DE") < at(Locale::tr, "US"),
            "Almanya, Amerika"
        );
        assert_eq!(sorted_in(Locale::en), all());
        assert_eq!(sorted_in(Locale::vi).len(), all().len());
        assert_eq!(
            picker_label(de, Locale::tr).as_deref(),
            Some("Almanya (DE) · Germany · Deutschland")
        );
    }
}
