//! The sandbox's catalogue: brand families, where they sell, their products.
//! Built from the sandbox's own tables, never from the storefront's models.

use serde_json::{Value, json};

pub mod words;
use words::Lang;

/// Where a family sells.
#[derive(Clone, Copy)]
pub enum Markets {
    /// Every supported country.
    Global,
    /// The big markets list below.
    Big,
    /// These countries only.
    Only(&'static [&'static str]),
}

/// How a family's amounts are set.
#[derive(Clone, Copy)]
pub enum Amounts {
    /// Fixed denominations in the country's currency (see `local_denominations`).
    Local,
    /// Fixed denominations in USD.
    Usd(&'static [u32]),
    /// A custom amount: min, max, step, in the country's currency.
    Range(u32, u32, u32),
    /// eSIM plans: (GB, days, USD price); GB -1 = unlimited.
    Esim(&'static [(i32, i32, u32)]),
}

/// A brand family of the sandbox.
pub struct Family {
    pub name: &'static str,
    pub slug: &'static str,
    pub kind: &'static str,
    pub category: &'static str,
    pub markets: Markets,
    pub amounts: Amounts,
    pub bg: &'static str,
    pub flags: u8,
}

/// Out of stock everywhere (brand and products).
pub const OUT_OF_STOCK: u8 = 1;
/// Paused: orders get `NOT_ACTIVE`.
pub const INACTIVE: u8 = 2;
/// Needs an account: orders get `LOGIN_REQUIRED`.
pub const LOGIN_ONLY: u8 = 4;
/// Rate-limited: more than one in an order gets `MULTIPLE_LIMITED_PRODUCT_SAME_ORDER`.
pub const RATE_LIMITED: u8 = 8;
/// Delivered as a redemption link rather than a pin.
pub const REDEEM_URL: u8 = 16;

/// Single products out of stock while their family is not: (family slug, country, face value).
pub const OUT_OF_STOCK_PRODUCTS: &[(&str, &str, u32)] = &[("target", "US", 50)];

/// True when the fixed product of `f` at `value` in `cc` is out of stock.
pub fn product_out_of_stock(f: &Family, cc: &str, value: u32) -> bool {
    f.is(OUT_OF_STOCK)
        || OUT_OF_STOCK_PRODUCTS
            .iter()
            .any(|(slug, c, v)| *slug == f.slug && *c == cc && *v == value)
}

mod table;
use Amounts::*;
use Markets::*;
pub use table::{BIG, FAMILIES};

/// The currency a country's local products are in.
pub fn currency(cc: &str) -> &'static str {
    match cc {
        "US" | "EC" | "SV" | "PR" => "USD",
        "GB" => "GBP",
        "DE" | "FR" | "ES" | "IT" | "NL" | "AT" | "BE" | "IE" | "PT" | "FI" | "GR" => "EUR",
        "TR" => "TRY",
        "VN" => "VND",
        "BR" => "BRL",
        "IN" => "INR",
        "MX" => "MXN",
        "CA" => "CAD",
        "AU" => "AUD",
        "JP" => "JPY",
        "PL" => "PLN",
        _ => "USD",
    }
}

/// Fixed denominations in a local currency.
pub fn local_denominations(currency: &str) -> &'static [u32] {
    match currency {
        "TRY" => &[100, 250, 500, 1000],
        "VND" => &[100_000, 200_000, 500_000],
        "BRL" => &[50, 100, 200],
        "INR" => &[500, 1000, 2000],
        "MXN" => &[200, 500, 1000],
        "JPY" => &[1000, 3000, 5000],
        "PLN" => &[50, 100, 200],
        _ => &[10, 25, 50, 100],
    }
}

fn symbol(currency: &str) -> &'static str {
    match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "TRY" => "₺",
        "VND" => "₫",
        "BRL" => "R$",
        "INR" => "₹",
        "JPY" => "¥",
        _ => "",
    }
}

/// `$10`, `€25`, `100 MXN`.
pub fn localized(value: u32, currency: &str) -> String {
    match symbol(currency) {
        "" => format!("{value} {currency}"),
        "₫" => format!("{value}₫"),
        s => format!("{s}{value}"),
    }
}

impl Family {
    /// True when the family sells in `cc`.
    pub fn sells_in(&self, cc: &str) -> bool {
        match self.markets {
            Global => true,
            Big => BIG.contains(&cc),
            Only(list) => list.contains(&cc),
        }
    }

    /// The currency of the family's products in `cc`.
    pub fn currency_in(&self, cc: &str) -> &'static str {
        match self.amounts {
            Usd(_) | Esim(_) => "USD",
            _ if matches!(self.markets, Global) => "USD",
            _ => currency(cc),
        }
    }

    /// Fixed values offered in `cc` (empty for ranges).
    pub fn fixed_values(&self, cc: &str) -> Vec<u32> {
        match self.amounts {
            Local => local_denominations(self.currency_in(cc)).to_vec(),
            Usd(v) => v.to_vec(),
            Esim(plans) => plans.iter().map(|p| p.2).collect(),
            Range(..) => Vec::new(),
        }
    }

    /// The range of a custom-amount family in `cc`: (min, max, step).
    pub fn range_in(&self, cc: &str) -> Option<(f64, f64, f64)> {
        match self.amounts {
            Range(min, max, step) => {
                let f = match self.currency_in(cc) {
                    "TRY" | "INR" | "JPY" | "MXN" => 30.0,
                    "VND" => 25_000.0,
                    _ => 1.0,
                };
                Some((f64::from(min) * f, f64::from(max) * f, f64::from(step) * f))
            }
            _ => None,
        }
    }

    pub fn is(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// Finds a family by slug or display name, case-insensitively (catalogue reads).
pub fn find(name: &str) -> Option<&'static Family> {
    let n = name.trim();
    FAMILIES
        .iter()
        .find(|f| f.slug.eq_ignore_ascii_case(n) || f.name.eq_ignore_ascii_case(n))
}

/// Finds a family by its brand name exactly as the catalogue spells it (orders).
pub fn find_exact(brand_name: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.name == brand_name)
}

/// A deterministic UUID-shaped id from a name.
pub fn uuid_of(name: &str) -> String {
    let h = super::hash::hash128(name.as_bytes());
    let hex = format!("{h:032x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The brand JSON of a family in a country.
pub fn brand_json(f: &Family, cc: &str, logo_base: &str) -> Value {
    let cur = f.currency_in(cc);
    let (min, max) = match f.range_in(cc) {
        Some((min, max, _)) => (Some(fmt_num(min)), Some(fmt_num(max))),
        None => {
            let v = f.fixed_values(cc);
            (
                v.first().map(|x| x.to_string()),
                v.last().map(|x| x.to_string()),
            )
        }
    };
    json!({
        "brand": f.name,
        "brand_id": uuid_of(f.name),
        "family": f.slug,
        "kind": f.kind,
        "category": f.category,
        "additional_categories": if f.kind == "esim" { json!(["travel"]) } else { json!([]) },
        "logo_url": format!("{logo_base}/{}.webp", f.slug),
        "logo_base_url": format!("{logo_base}/{}", f.slug),
        "bg_color": f.bg,
        "min": min,
        "max": max,
        "currency": cur,
        "is_out_of_stock": f.is(OUT_OF_STOCK),
        "country_code": cc,
        "product_type": if f.range_in(cc).is_some() { "range" } else { "fixed" },
    })
}

/// Whole numbers without `.0`, others with two decimals.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// The products of a family in `cc`, priced in `coin`.
pub fn products_json(f: &Family, cc: &str, coin: &str, l: Lang) -> Vec<Value> {
    let cur = f.currency_in(cc);
    let method = format!("{coin}-SOLANA");
    if let Some((min, max, step)) = f.range_in(cc) {
        return vec![json!({
            "product_id": format!("{}-{}-range", f.slug, cc.to_lowercase()),
            "is_dynamic": true,
            "denomination": format!("{} - {} {cur}", fmt_num(min), fmt_num(max)),
            "localized_denomination": format!("{} - {}", localized(min as u32, cur), localized(max as u32, cur)),
            "coin": coin,
            "coin_amount": super::pricing::coin_amount(min, cur, coin),
            "payment_method": method,
            "delivery_type": "email",
            "is_out_of_stock": f.is(OUT_OF_STOCK),
            "range": {"min": fmt_num(min), "max": fmt_num(max), "currency": cur, "step_size": fmt_num(step), "default": fmt_num((min * 2.0).min(max))},
        })];
    }
    let plans: Vec<(u32, Option<(i32, i32)>)> = match f.amounts {
        Esim(p) => p
            .iter()
            .map(|(gb, days, usd)| (*usd, Some((*gb, *days))))
            .collect(),
        _ => f.fixed_values(cc).into_iter().map(|v| (v, None)).collect(),
    };
    plans
        .into_iter()
        .map(|(v, plan)| {
            let id = match plan {
                Some((gb, days)) if gb < 0 => format!("{}-{}-unlimited-{days}d-{v}", f.slug, cc.to_lowercase()),
                Some((gb, days)) => format!("{}-{}-{gb}gb-{days}d-{v}", f.slug, cc.to_lowercase()),
                None => format!("{}-{}-{v}", f.slug, cc.to_lowercase()),
            };
            let mut p = json!({
                "product_id": id,
                "is_dynamic": false,
                "denomination": format!("{v} {cur}"),
                "localized_denomination": localized(v, cur),
                "coin": coin,
                "coin_amount": super::pricing::coin_amount(f64::from(v), cur, coin),
                "payment_method": method,
                "delivery_type": "email",
                "is_out_of_stock": product_out_of_stock(f, cc, v),
                "face_value": {"currency_code": cur, "amount": {"type": "fixed", "price": v.to_string()}},
            });
            if let Some((gb, days)) = plan {
                p["benefits"] = json!([{
                    "type": "DATA",
                    "data_amount": gb.to_string(),
                    "data_unit": "GB",
                    "days": days,
                    "description": words::plan(l, (gb >= 0).then_some(gb), days),
                }]);
                p["localized_denomination"] = json!(words::plan_denomination(l, (gb >= 0).then_some(gb), days, v));
            }
            p
        })
        .collect()
}

/// The family JSON of `/v5/products/country/{cc}`, its words in `l`.
pub fn family_json(f: &Family, cc: &str, coin: &str, logo_base: &str, l: Lang) -> Value {
    let products = products_json(f, cc, coin, l);
    let default = f
        .fixed_values(cc)
        .get(1)
        .or(f.fixed_values(cc).first())
        .map(|v| format!("{v} {}", f.currency_in(cc)));
    json!({
        "family": f.slug,
        "brand": f.name,
        "brand_id": uuid_of(f.name),
        "kind": f.kind,
        "category": f.category,
        "logo_url": format!("{logo_base}/{}.webp", f.slug),
        "logo_base_url": format!("{logo_base}/{}", f.slug),
        "is_out_of_stock": f.is(OUT_OF_STOCK),
        "default_denomination": default,
        "product_tc": words::product_terms(l, f.name, cc),
        "rich_description": {
            "description": words::description(l, f.kind, f.name, super::countries::name(cc).unwrap_or(cc)),
            "how_to_redeem": words::how_to_redeem(l, f.kind),
            "term_and_conditions": words::terms(l, f.kind, f.name),
            "note": if f.is(LOGIN_ONLY) { Value::from(words::account_note(l)) } else { Value::Null },
        },
        "products": products,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_brands_and_big_markets_a_dozen() {
        let codes: Vec<&str> = super::super::countries::codes().collect();
        assert_eq!(codes.len(), 233);
        for cc in codes {
            let n = FAMILIES.iter().filter(|f| f.sells_in(cc)).count();
            assert!(n >= 1, "{cc}");
            if BIG.contains(&cc) {
                assert!(n >= 12, "{cc} has {n}");
            }
        }
        assert!(FAMILIES.len() >= 40);
        for kind in ["giftcard", "mobile_recharge", "esim"] {
            assert!(FAMILIES.iter().any(|f| f.kind == kind));
        }
    }

    #[test]
    fn face_values_are_unique_per_family_and_country() {
        for cc in super::super::countries::codes() {
            for f in FAMILIES.iter().filter(|f| f.sells_in(cc)) {
                let faces: Vec<String> = products_json(f, cc, "USDC", Lang::En)
                    .iter()
                    .filter(|p| p["is_dynamic"] == false)
                    .map(|p| p["face_value"]["amount"]["price"].to_string())
                    .collect();
                let distinct: std::collections::HashSet<&String> = faces.iter().collect();
                assert_eq!(distinct.len(), faces.len(), "{} in {cc}: {faces:?}", f.slug);
            }
        }
    }

    #[test]
    fn every_country_with_a_top_up_has_a_calling_code() {
        let mut missing = Vec::new();
        for cc in super::super::countries::codes() {
            if FAMILIES
                .iter()
                .any(|f| f.kind == "mobile_recharge" && f.sells_in(cc))
                && super::super::countries::calling_code(cc).is_none()
            {
                missing.push(cc);
            }
        }
        missing.sort();
        assert!(missing.is_empty(), "no calling code: {missing:?}");
    }
}
