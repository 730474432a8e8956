//! The sandbox's catalogue: brand families, where they sell, their products.
//! Built from the sandbox's own tables, never from the storefront's models.

use serde_json::{Value, json};

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

/// Markets with a dozen brands or more.
pub const BIG: &[&str] = &[
    "US", "GB", "DE", "FR", "ES", "IT", "NL", "CA", "AU", "JP", "TR", "VN", "BR", "IN", "MX",
];

const US: &[&str] = &["US"];
const EU: &[&str] = &["DE", "FR", "ES", "IT", "NL", "AT", "BE", "PL"];

use Amounts::*;
use Markets::*;

/// Every family the sandbox sells (47).
pub const FAMILIES: &[Family] = &[
    Family {
        name: "Steam Wallet",
        slug: "steam",
        kind: "giftcard",
        category: "gaming",
        markets: Global,
        amounts: Usd(&[5, 10, 20, 50, 100]),
        bg: "#1b2838",
        flags: 0,
    },
    Family {
        name: "Razer Gold",
        slug: "razer-gold",
        kind: "giftcard",
        category: "gaming",
        markets: Global,
        amounts: Usd(&[10, 20, 50, 100]),
        bg: "#0f7b2d",
        flags: RATE_LIMITED,
    },
    Family {
        name: "Roblox",
        slug: "roblox",
        kind: "giftcard",
        category: "gaming",
        markets: Global,
        amounts: Usd(&[10, 25, 50]),
        bg: "#393b3d",
        flags: 0,
    },
    Family {
        name: "Binance Gift Card",
        slug: "binance",
        kind: "giftcard",
        category: "crypto",
        markets: Global,
        amounts: Range(10, 1000, 1),
        bg: "#f0b90b",
        flags: 0,
    },
    Family {
        name: "Global eSIM",
        slug: "global-esim",
        kind: "esim",
        category: "data",
        markets: Global,
        // One face value per plan: a request names a product by its face value.
        amounts: Esim(&[
            (1, 7, 5),
            (3, 30, 12),
            (5, 7, 14),
            (10, 30, 30),
            (-1, 7, 25),
        ]),
        bg: "#2563eb",
        flags: REDEEM_URL,
    },
    Family {
        name: "Traveller eSIM",
        slug: "traveller-esim",
        kind: "esim",
        category: "data",
        markets: Global,
        amounts: Esim(&[(5, 15, 15), (20, 30, 45)]),
        bg: "#7c3aed",
        flags: REDEEM_URL,
    },
    Family {
        name: "NordVPN",
        slug: "nordvpn",
        kind: "giftcard",
        category: "software",
        markets: Global,
        amounts: Usd(&[15, 60]),
        bg: "#4687ff",
        flags: 0,
    },
    Family {
        name: "Spotify",
        slug: "spotify",
        kind: "giftcard",
        category: "entertainment",
        markets: Global,
        amounts: Usd(&[10, 30, 60]),
        bg: "#1db954",
        flags: 0,
    },
    Family {
        name: "Free Fire Diamonds",
        slug: "free-fire",
        kind: "giftcard",
        category: "gaming",
        markets: Global,
        amounts: Usd(&[1, 5, 10, 20]),
        bg: "#ff6a00",
        flags: 0,
    },
    Family {
        name: "PUBG Mobile UC",
        slug: "pubg-mobile",
        kind: "giftcard",
        category: "gaming",
        markets: Global,
        amounts: Usd(&[1, 10, 25, 50]),
        bg: "#f2a900",
        flags: 0,
    },
    Family {
        name: "Mobile Top-up",
        slug: "mobile-topup",
        kind: "mobile_recharge",
        category: "mobile",
        markets: Global,
        amounts: Range(5, 100, 5),
        bg: "#0891b2",
        flags: 0,
    },
    Family {
        name: "Amazon",
        slug: "amazon",
        kind: "giftcard",
        category: "shopping",
        markets: Big,
        amounts: Local,
        bg: "#232f3e",
        flags: 0,
    },
    Family {
        name: "Apple Gift Card",
        slug: "apple",
        kind: "giftcard",
        category: "entertainment",
        markets: Big,
        amounts: Local,
        bg: "#111111",
        flags: 0,
    },
    Family {
        name: "Google Play",
        slug: "google-play",
        kind: "giftcard",
        category: "entertainment",
        markets: Big,
        amounts: Local,
        bg: "#01875f",
        flags: 0,
    },
    Family {
        name: "Netflix",
        slug: "netflix",
        kind: "giftcard",
        category: "entertainment",
        markets: Big,
        amounts: Local,
        bg: "#e50914",
        flags: 0,
    },
    Family {
        name: "PlayStation Store",
        slug: "playstation",
        kind: "giftcard",
        category: "gaming",
        markets: Big,
        amounts: Local,
        bg: "#003791",
        flags: 0,
    },
    Family {
        name: "Xbox",
        slug: "xbox",
        kind: "giftcard",
        category: "gaming",
        markets: Big,
        amounts: Local,
        bg: "#107c10",
        flags: 0,
    },
    Family {
        name: "Uber",
        slug: "uber",
        kind: "giftcard",
        category: "travel",
        markets: Big,
        amounts: Local,
        bg: "#000000",
        flags: 0,
    },
    Family {
        name: "Uber Eats",
        slug: "uber-eats",
        kind: "giftcard",
        category: "food",
        markets: Big,
        amounts: Local,
        bg: "#06c167",
        flags: 0,
    },
    Family {
        name: "Airbnb",
        slug: "airbnb",
        kind: "giftcard",
        category: "travel",
        markets: Big,
        // Fixed, so that the reference's examples (Airbnb, US, "100 USD") are accepted as they are.
        amounts: Local,
        bg: "#ff5a5f",
        flags: REDEEM_URL,
    },
    Family {
        name: "Nike",
        slug: "nike",
        kind: "giftcard",
        category: "shopping",
        markets: Big,
        amounts: Local,
        bg: "#111111",
        flags: 0,
    },
    Family {
        name: "IKEA",
        slug: "ikea",
        kind: "giftcard",
        category: "home",
        markets: Big,
        amounts: Local,
        bg: "#0058a3",
        flags: 0,
    },
    Family {
        name: "Zalando",
        slug: "zalando",
        kind: "giftcard",
        category: "shopping",
        markets: Only(EU),
        amounts: Local,
        bg: "#ff6900",
        flags: 0,
    },
    Family {
        name: "Walmart",
        slug: "walmart",
        kind: "giftcard",
        category: "shopping",
        markets: Only(US),
        amounts: Local,
        bg: "#0071ce",
        flags: 0,
    },
    Family {
        name: "Target",
        slug: "target",
        kind: "giftcard",
        category: "shopping",
        markets: Only(US),
        amounts: Local,
        bg: "#cc0000",
        flags: 0,
    },
    Family {
        name: "Best Buy",
        slug: "best-buy",
        kind: "giftcard",
        category: "electronics",
        markets: Only(US),
        amounts: Local,
        bg: "#0046be",
        flags: OUT_OF_STOCK,
    },
    Family {
        name: "GameStop",
        slug: "gamestop",
        kind: "giftcard",
        category: "gaming",
        markets: Only(US),
        amounts: Local,
        bg: "#000000",
        flags: INACTIVE,
    },
    Family {
        name: "Starbucks",
        slug: "starbucks",
        kind: "giftcard",
        category: "food",
        markets: Only(US),
        amounts: Local,
        bg: "#00704a",
        flags: 0,
    },
    Family {
        name: "DoorDash",
        slug: "doordash",
        kind: "giftcard",
        category: "food",
        markets: Only(US),
        amounts: Local,
        bg: "#ff3008",
        flags: 0,
    },
    Family {
        name: "Home Depot",
        slug: "home-depot",
        kind: "giftcard",
        category: "home",
        markets: Only(US),
        amounts: Local,
        bg: "#f96302",
        flags: 0,
    },
    Family {
        name: "Visa Prepaid",
        slug: "visa-prepaid",
        kind: "giftcard",
        category: "prepaid",
        markets: Only(US),
        amounts: Range(20, 500, 1),
        bg: "#1a1f71",
        flags: LOGIN_ONLY,
    },
    Family {
        name: "AT&T Prepaid",
        slug: "att",
        kind: "mobile_recharge",
        category: "mobile",
        markets: Only(US),
        amounts: Local,
        bg: "#00a8e0",
        flags: 0,
    },
    Family {
        name: "T-Mobile",
        slug: "t-mobile",
        kind: "mobile_recharge",
        category: "mobile",
        markets: Only(US),
        amounts: Local,
        bg: "#e20074",
        flags: 0,
    },
    Family {
        name: "Tesco",
        slug: "tesco",
        kind: "giftcard",
        category: "shopping",
        markets: Only(&["GB"]),
        amounts: Local,
        bg: "#00539f",
        flags: 0,
    },
    Family {
        name: "Argos",
        slug: "argos",
        kind: "giftcard",
        category: "shopping",
        markets: Only(&["GB"]),
        amounts: Local,
        bg: "#d42114",
        flags: 0,
    },
    Family {
        name: "Vodafone UK",
        slug: "vodafone-uk",
        kind: "mobile_recharge",
        category: "mobile",
        markets: Only(&["GB"]),
        amounts: Local,
        bg: "#e60000",
        flags: 0,
    },
    Family {
        name: "MediaMarkt",
        slug: "mediamarkt",
        kind: "giftcard",
        category: "electronics",
        markets: Only(&["DE", "ES", "IT", "NL", "AT"]),
        amounts: Local,
        bg: "#df0000",
        flags: 0,
    },
    Family {
        name: "Telekom Prepaid",
        slug: "telekom",
        kind: "mobile_recharge",
        category: "mobile",
        markets: Only(&["DE"]),
        amounts: Local,
        bg: "#e20074",
        flags: 0,
    },
    Family {
        name: "Turkcell",
        slug: "turkcell",
        kind: "mobile_recharge",
        category: "mobile",
        markets: Only(&["TR"]),
        amounts: Local,
        bg: "#ffc900",
        flags: 0,
    },
    Family {
        name: "Trendyol",
        slug: "trendyol",
        kind: "giftcard",
        category: "shopping",
        markets: Only(&["TR"]),
        amounts: Local,
        bg: "#f27a1a",
        flags: 0,
    },
    Family {
        name: "Viettel",
        slug: "viettel",
        kind: "mobile_recharge",
        category: "mobile",
        markets: Only(&["VN"]),
        amounts: Local,
        bg: "#ee0033",
        flags: 0,
    },
    Family {
        name: "Grab",
        slug: "grab",
        kind: "giftcard",
        category: "travel",
        markets: Only(&["VN", "SG", "MY", "TH", "ID", "PH"]),
        amounts: Usd(&[10, 25, 50]),
        bg: "#00b14f",
        flags: 0,
    },
    Family {
        name: "iFood",
        slug: "ifood",
        kind: "giftcard",
        category: "food",
        markets: Only(&["BR"]),
        amounts: Local,
        bg: "#ea1d2c",
        flags: 0,
    },
    Family {
        name: "Claro Brasil",
        slug: "claro-br",
        kind: "mobile_recharge",
        category: "mobile",
        markets: Only(&["BR"]),
        amounts: Local,
        bg: "#da291c",
        flags: 0,
    },
    Family {
        name: "Flipkart",
        slug: "flipkart",
        kind: "giftcard",
        category: "shopping",
        markets: Only(&["IN"]),
        amounts: Local,
        bg: "#2874f0",
        flags: 0,
    },
    Family {
        name: "Jio",
        slug: "jio",
        kind: "mobile_recharge",
        category: "mobile",
        markets: Only(&["IN"]),
        amounts: Local,
        bg: "#0f3cc9",
        flags: 0,
    },
    Family {
        name: "Swiggy",
        slug: "swiggy",
        kind: "giftcard",
        category: "food",
        markets: Only(&["IN"]),
        amounts: Local,
        bg: "#fc8019",
        flags: 0,
    },
];

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

/// USD per unit of a currency (fixed sandbox rates).
pub fn usd_rate(currency: &str) -> f64 {
    match currency {
        "EUR" => 1.08,
        "GBP" => 1.27,
        "TRY" => 0.029,
        "VND" => 0.000039,
        "BRL" => 0.18,
        "INR" => 0.012,
        "MXN" => 0.055,
        "CAD" => 0.73,
        "AUD" => 0.66,
        "JPY" => 0.0067,
        "PLN" => 0.25,
        _ => 1.0,
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
pub fn products_json(f: &Family, cc: &str, coin: &str) -> Vec<Value> {
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
                    "description": if gb < 0 { "Unlimited data".to_string() } else { format!("{gb} GB for {days} days") },
                }]);
                p["localized_denomination"] = json!(if gb < 0 { format!("Unlimited · {days} days · ${v}") } else { format!("{gb} GB · {days} days · ${v}") });
            }
            p
        })
        .collect()
}

/// The family JSON of `/v5/products/country/{cc}`.
pub fn family_json(f: &Family, cc: &str, coin: &str, logo_base: &str) -> Value {
    let products = products_json(f, cc, coin);
    let default = f
        .fixed_values(cc)
        .get(1)
        .or(f.fixed_values(cc).first())
        .map(|v| format!("{v} {}", f.currency_in(cc)));
    let how = match f.kind {
        "esim" => {
            "Open the link in the email on your phone and follow the steps to install the eSIM. Turn on data roaming when you arrive."
        }
        "mobile_recharge" => {
            "The credit is added to the phone number within minutes. No code to enter."
        }
        _ => {
            "Copy the code, open the brand's website or app, go to Redeem gift card and paste the code."
        }
    };
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
        "product_tc": format!("{} codes are valid in {cc} only and cannot be exchanged for cash.", f.name),
        "rich_description": {
            "description": format!("{} {} for {}. Delivered by email in minutes, paid in stablecoins.", f.name, match f.kind { "esim" => "data plans", "mobile_recharge" => "prepaid credit", _ => "gift cards" }, super::countries::name(cc).unwrap_or(cc)),
            "how_to_redeem": how,
            "term_and_conditions": format!("{} is a trademark of its owner. Codes are non-refundable once delivered.", f.name),
            "note": if f.is(LOGIN_ONLY) { Value::from("This product needs a Cryptorefills account.") } else { Value::Null },
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
                let faces: Vec<String> = products_json(f, cc, "USDC")
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
