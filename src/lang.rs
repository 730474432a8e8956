//! The shopper's language: which one a request speaks, where each language's
//! pages live (`/` English, `/tr/…`, `/vi/…`), and how numbers read in it. The
//! words are in `locales/` (`crate::i18n`, used through `td_string!`).

pub use crate::i18n::Locale;
use leptos::prelude::*;

/// Every language the shop speaks, the default first.
pub const ALL: [Locale; 3] = [Locale::en, Locale::tr, Locale::vi];

/// The cookie that remembers a shopper's choice of language.
pub const COOKIE: &str = "lang";

/// The language's place in [`ALL`] (tables kept per language are in that order).
pub fn index(l: Locale) -> usize {
    ALL.iter().position(|x| *x == l).unwrap_or(0)
}

/// The language's code (`<html lang>`, `hreflang`, the upstream's `lang`).
pub fn code(l: Locale) -> &'static str {
    match l {
        Locale::en => "en",
        Locale::tr => "tr",
        Locale::vi => "vi",
    }
}

/// The language of a code (`tr`, `vi`, `en`; any case), if the shop speaks it.
pub fn parse(code: &str) -> Option<Locale> {
    ALL.into_iter()
        .find(|l| self::code(*l).eq_ignore_ascii_case(code.trim()))
}

/// The language's own name, as the switcher shows it.
pub fn own_name(l: Locale) -> &'static str {
    match l {
        Locale::en => "English",
        Locale::tr => "Türkçe",
        Locale::vi => "Tiếng Việt",
    }
}

/// The path prefix of the language's pages (none for English).
pub fn prefix(l: Locale) -> &'static str {
    match l {
        Locale::en => "",
        Locale::tr => "/tr",
        Locale::vi => "/vi",
    }
}

/// `path` (a site path starting with `/`, query allowed) in `l`'s pages:
/// `/cart` → `/tr/cart`, `/` → `/tr`, `/?q=x` → `/tr?q=x`.
pub fn href(l: Locale, path: &str) -> String {
    let prefix = prefix(l);
    if prefix.is_empty() || !path.starts_with('/') {
        return path.to_string();
    }
    if path == "/" || path.starts_with("/?") {
        format!("{prefix}{}", &path[1..])
    } else {
        format!("{prefix}{path}")
    }
}

/// The language a path names by its prefix, and the path without it:
/// `/tr/cart` → (`tr`, `/cart`), `/vi` → (`vi`, `/`), `/cart` → (none, `/cart`).
pub fn split(path: &str) -> (Option<Locale>, &str) {
    for l in [Locale::tr, Locale::vi] {
        let prefix = prefix(l);
        if let Some(rest) = path.strip_prefix(prefix) {
            if rest.is_empty() {
                return (Some(l), "/");
            }
            if rest.starts_with('/') {
                return (Some(l), rest);
            }
        }
    }
    (None, path)
}

/// The language tags of an `Accept-Language` header, best first: quality order,
/// ties in the header's order, `q=0` ("not this one") dropped (`accept-language`
/// parses; the shopper's language and country are both read from this list).
#[cfg(feature = "ssr")]
pub fn accepted(header: &str) -> Vec<String> {
    accept_language::parse_with_quality(header)
        .into_iter()
        .filter(|(_, q)| *q > 0.0 && q.is_finite())
        .map(|(tag, _)| tag)
        .collect()
}

/// The best of our languages for an `Accept-Language` header (`tr-TR` counts as
/// `tr`), if any.
#[cfg(feature = "ssr")]
pub fn from_accept_language(header: &str) -> Option<Locale> {
    accepted(header)
        .iter()
        .find_map(|tag| parse(tag.split(['-', '_']).next().unwrap_or_default()))
}

/// The language of what is being rendered: the one provided in context (an
/// event stream's render), else the request's (set by the server's locale
/// layer), else English.
pub fn locale() -> Locale {
    if let Some(l) = use_context::<Locale>() {
        return l;
    }
    #[cfg(feature = "ssr")]
    if let Some(l) = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<Locale>().copied())
    {
        return l;
    }
    Locale::en
}

/// The language an island asked in (`code`: its page's `<html lang>`) for the
/// rest of this request's work; the request's own if it names none we speak.
pub fn provide(code: &str) -> Locale {
    let l = parse(code).unwrap_or_else(locale);
    provide_context(l);
    l
}

/// The language of the page an island runs in (`<html lang>`), sent with its
/// questions so that the answer's words are the page's.
#[cfg(feature = "hydrate")]
pub fn of_page() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .unwrap_or_default()
}

/// A decimal number as the language writes it: `1,234.5` in English,
/// `1.234,5` in Turkish and Vietnamese. `value` is the shop's own plain
/// decimal (`1234.5`); anything else comes back as it is.
#[cfg(feature = "ssr")]
pub fn number(l: Locale, value: &str) -> String {
    use std::sync::OnceLock;
    static FORMATTERS: OnceLock<Vec<Option<icu_decimal::DecimalFormatter>>> = OnceLock::new();
    let formatters = FORMATTERS.get_or_init(|| {
        ALL.iter()
            .map(|l| {
                let locale: icu_locale_core::Locale = code(*l).parse().ok()?;
                icu_decimal::DecimalFormatter::try_new(locale.into(), Default::default()).ok()
            })
            .collect()
    });
    match (
        formatters.get(index(l)).and_then(Option::as_ref),
        value.parse::<fixed_decimal::Decimal>(),
    ) {
        (Some(f), Ok(d)) => f.format(&d).to_string(),
        _ => value.to_string(),
    }
}

/// Without the server's data (the browser build never formats).
#[cfg(not(feature = "ssr"))]
pub fn number(_: Locale, value: &str) -> String {
    value.to_string()
}

/// A catalogue's label with its long numbers grouped as the language writes
/// them (`100000₫` is `100.000₫` in Vietnamese, `₺1000` is `₺1.000` in
/// Turkish); everything else as written.
pub fn grouped(l: Locale, label: &str) -> String {
    let mut out = String::with_capacity(label.len() + 4);
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() >= 4 {
            out.push_str(&number(l, digits));
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    let mut chars = label.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        // A number already written with a separator or decimals is left alone.
        if !digits.is_empty()
            && matches!(c, '.' | ',')
            && chars.peek().is_some_and(char::is_ascii_digit)
        {
            out.push_str(&digits);
            digits.clear();
            out.push(c);
            while let Some(d) = chars
                .peek()
                .copied()
                .filter(|d| d.is_ascii_digit() || matches!(d, '.' | ','))
            {
                out.push(d);
                chars.next();
            }
            continue;
        }
        flush(&mut digits, &mut out);
        out.push(c);
    }
    flush(&mut digits, &mut out);
    out
}

/// `secs` from now in words: `in 28 minutes`, `28 dakika sonra`, `sau 28 phút
/// nữa` (CLDR, through ICU4X); minutes under two hours, hours beyond. `None`
/// once it has passed.
#[cfg(feature = "ssr")]
pub fn relative(l: Locale, secs: i64) -> Option<String> {
    use icu_experimental::relativetime::RelativeTimeFormatter;
    if secs <= 0 {
        return None;
    }
    let locale: icu_locale_core::Locale = code(l).parse().ok()?;
    let (n, formatter) = if secs < 2 * 3600 {
        (
            (secs + 59) / 60,
            RelativeTimeFormatter::try_new_long_minute(locale.into(), Default::default()),
        )
    } else {
        (
            (secs + 1799) / 3600,
            RelativeTimeFormatter::try_new_long_hour(locale.into(), Default::default()),
        )
    };
    Some(formatter.ok()?.format(n.into()).to_string())
}

/// In the browser build (never used there).
#[cfg(not(feature = "ssr"))]
pub fn relative(_: Locale, _: i64) -> Option<String> {
    None
}

/// What a shopper typed as a decimal, in the shop's plain form (`.` before the
/// decimals, no grouping) where their language writes it otherwise: in Turkish
/// and Vietnamese `12,5` is twelve and a half and `1.000` a thousand. English
/// text is left as it is (its own reading, `1,000.25`, is the amount parser's).
pub fn plain_decimal(l: Locale, typed: &str) -> String {
    let typed = typed.trim();
    if l == Locale::en {
        return typed.to_string();
    }
    // Both separators: the last one is the decimal one (`1.000,50`, `1,000.50`).
    if let (Some(dot), Some(comma)) = (typed.rfind('.'), typed.rfind(',')) {
        return if comma > dot {
            typed.replace('.', "").replace(',', ".")
        } else {
            typed.replace(',', "")
        };
    }
    // `1.000` and `12.345.678`: groups of three after the first.
    let grouped = {
        let mut groups = typed.split('.');
        let first = groups.next().unwrap_or_default();
        let rest: Vec<&str> = groups.collect();
        !rest.is_empty()
            && (1..=3).contains(&first.len())
            && !first.starts_with('0')
            && std::iter::once(first)
                .chain(rest.iter().copied())
                .all(|g| g.chars().all(|c| c.is_ascii_digit()))
            && rest.iter().all(|g| g.len() == 3)
    };
    if typed.contains(',') {
        typed.replace('.', "").replace(',', ".")
    } else if grouped {
        typed.replace('.', "")
    } else {
        typed.to_string()
    }
}

/// An amount and its unit: `25.58 USDC`, `25,58 USDC`.
pub fn money(l: Locale, amount: impl std::fmt::Display, unit: &str) -> String {
    format!("{} {unit}", number(l, &amount.to_string()))
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "ssr")]
    #[test]
    fn catalogue_labels_are_grouped_as_the_language_writes_numbers() {
        assert_eq!(grouped(Locale::vi, "100000₫"), "100.000₫");
        assert_eq!(grouped(Locale::tr, "₺1000"), "₺1.000");
        assert_eq!(grouped(Locale::en, "100000 VND"), "100,000 VND");
        assert_eq!(grouped(Locale::vi, "$10"), "$10");
        assert_eq!(
            grouped(Locale::en, "3 GB · 7 days · $5"),
            "3 GB · 7 days · $5"
        );
        assert_eq!(
            grouped(Locale::tr, "1,000 TRY"),
            "1,000 TRY",
            "already written: left alone"
        );
        assert_eq!(grouped(Locale::en, "2.5 GB"), "2.5 GB");
    }

    use super::*;

    #[test]
    fn paths_carry_the_language_as_a_prefix() {
        assert_eq!(href(Locale::en, "/cart"), "/cart");
        assert_eq!(href(Locale::tr, "/cart"), "/tr/cart");
        assert_eq!(href(Locale::vi, "/"), "/vi");
        assert_eq!(href(Locale::tr, "/?q=steam"), "/tr?q=steam");
        assert_eq!(
            split("/tr/brands/DE/steam"),
            (Some(Locale::tr), "/brands/DE/steam")
        );
        assert_eq!(split("/vi"), (Some(Locale::vi), "/"));
        assert_eq!(split("/vi?x=1"), (None, "/vi?x=1"));
        assert_eq!(split("/trip"), (None, "/trip"));
        assert_eq!(split("/cart"), (None, "/cart"));
        for l in ALL {
            assert_eq!(split(&href(l, "/orders/x")).1, "/orders/x");
        }
    }

    #[test]
    fn accept_language_picks_the_best_we_speak() {
        assert_eq!(
            from_accept_language("tr-TR,tr;q=0.9,en;q=0.8"),
            Some(Locale::tr)
        );
        assert_eq!(
            from_accept_language("de-DE,vi;q=0.5,en;q=0.4"),
            Some(Locale::vi)
        );
        assert_eq!(from_accept_language("en;q=0.3, vi;q=0.9"), Some(Locale::vi));
        assert_eq!(from_accept_language("de, fr"), None);
        assert_eq!(from_accept_language("vi;q=0, en"), Some(Locale::en));
        assert_eq!(from_accept_language(""), None);
        assert_eq!(from_accept_language("*"), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn numbers_read_as_each_language_writes_them() {
        assert_eq!(number(Locale::en, "25.58"), "25.58");
        assert_eq!(number(Locale::tr, "25.58"), "25,58");
        assert_eq!(number(Locale::vi, "25.58"), "25,58");
        assert_eq!(number(Locale::en, "1234.5"), "1,234.5");
        assert_eq!(number(Locale::tr, "1234.50"), "1.234,50");
        assert_eq!(number(Locale::vi, "12345678"), "12.345.678");
        assert_eq!(money(Locale::tr, "25.58", "USDC"), "25,58 USDC");
        assert_eq!(number(Locale::tr, "not a number"), "not a number");
    }

    #[test]
    fn typed_decimals_are_read_as_each_language_writes_them() {
        for (l, typed, plain) in [
            (Locale::tr, "12,5", "12.5"),
            (Locale::vi, "1.000", "1000"),
            (Locale::tr, "1.234,56", "1234.56"),
            (Locale::vi, " 12.5 ", "12.5"),
            (Locale::tr, "25", "25"),
            (Locale::en, "1,000.25", "1,000.25"),
            (Locale::en, "12.5", "12.5"),
            // Both separators: the last one is the decimal one.
            (Locale::tr, "1,000.50", "1000.50"),
            (Locale::vi, "1.000,50", "1000.50"),
            // A leading zero is never a thousands group.
            (Locale::tr, "0.500", "0.500"),
        ] {
            assert_eq!(plain_decimal(l, typed), plain, "{l} {typed}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn relative_times_in_each_language() {
        assert_eq!(
            relative(Locale::en, 28 * 60).as_deref(),
            Some("in 28 minutes")
        );
        assert_eq!(
            relative(Locale::en, 3 * 3600).as_deref(),
            Some("in 3 hours")
        );
        let tr = relative(Locale::tr, 28 * 60).unwrap_or_default();
        assert!(tr.contains("28") && tr.contains("dakika"), "{tr}");
        let vi = relative(Locale::vi, 28 * 60).unwrap_or_default();
        assert!(vi.contains("28") && vi.contains("phút"), "{vi}");
        assert_eq!(relative(Locale::en, 0), None);
    }

    /// Every word of the shop exists in every language, with the same
    /// placeholders (leptos_i18n only warns about a missing key and shows
    /// English instead).
    #[test]
    fn every_language_has_every_key_and_its_placeholders() {
        use std::collections::BTreeMap;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let read = |l: &str, ns: &str| -> BTreeMap<String, String> {
            let path = dir.join(l).join(format!("{ns}.json"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
        };
        let holes = |s: &str| -> Vec<String> {
            let mut v: Vec<String> = s
                .split("{{")
                .skip(1)
                .filter_map(|p| p.split("}}").next())
                .map(|p| p.trim().to_string())
                .collect();
            v.sort();
            v
        };
        let namespaces: Vec<String> = std::fs::read_dir(dir.join("en"))
            .expect("locales/en")
            .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_string))
            .collect();
        assert!(namespaces.len() >= 7, "{namespaces:?}");
        for ns in &namespaces {
            let en = read("en", ns);
            for l in ["tr", "vi"] {
                let other = read(l, ns);
                let missing: Vec<&String> = en.keys().filter(|k| !other.contains_key(*k)).collect();
                let extra: Vec<&String> = other.keys().filter(|k| !en.contains_key(*k)).collect();
                assert!(
                    missing.is_empty() && extra.is_empty(),
                    "{l}/{ns}: missing {missing:?}, extra {extra:?}"
                );
                for (k, v) in &en {
                    assert_eq!(holes(v), holes(&other[k]), "{l}/{ns}.{k}");
                    assert!(!other[k].trim().is_empty(), "{l}/{ns}.{k} is empty");
                }
            }
        }
    }
}
