//! Catalogue types: brands, the homepage feed, product families and products.

use crate::i18n::td_string;
use crate::lang::Locale;
use crate::model::lenient;
use crate::model::money::{Amount, AmountRule};
use serde::{Deserialize, Serialize};

/// What a brand sells. Unknown kinds are kept, not refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "Option<String>", into = "String")]
pub enum Kind {
    #[default]
    GiftCard,
    MobileRecharge,
    Esim,
    Other(String),
}

impl From<Option<String>> for Kind {
    /// `null` is no kind: as if the field were missing (one brand's bad field
    /// must not empty a list).
    fn from(s: Option<String>) -> Self {
        s.map(Kind::from).unwrap_or_default()
    }
}

impl From<String> for Kind {
    fn from(s: String) -> Self {
        match s.as_str() {
            "giftcard" | "gift_card" => Kind::GiftCard,
            "mobile_recharge" | "mobile_topup" => Kind::MobileRecharge,
            "esim" => Kind::Esim,
            _ => Kind::Other(s),
        }
    }
}

impl From<Kind> for String {
    fn from(k: Kind) -> String {
        k.as_str().to_string()
    }
}

impl Kind {
    /// The upstream's name of the kind.
    pub fn as_str(&self) -> &str {
        match self {
            Kind::GiftCard => "giftcard",
            Kind::MobileRecharge => "mobile_recharge",
            Kind::Esim => "esim",
            Kind::Other(s) => s,
        }
    }

    /// The shopper's name of the kind, plural.
    pub fn label(&self, l: Locale) -> String {
        match self {
            Kind::GiftCard => td_string!(l, common.kind_gift_cards),
            Kind::MobileRecharge => td_string!(l, common.kind_top_ups),
            Kind::Esim => td_string!(l, common.kind_esims),
            Kind::Other(s) => s,
        }
        .to_string()
    }

    /// The shopper's name of one product of the kind.
    pub fn singular(&self, l: Locale) -> String {
        match self {
            Kind::GiftCard => td_string!(l, common.kind_gift_card),
            Kind::MobileRecharge => td_string!(l, common.kind_top_up),
            Kind::Esim => td_string!(l, common.kind_esim),
            Kind::Other(s) => s,
        }
        .to_string()
    }

    /// What the beneficiary field asks for.
    pub fn beneficiary_label(&self, l: Locale) -> &'static str {
        match self {
            Kind::MobileRecharge => td_string!(l, checkout.beneficiary_phone),
            Kind::Esim => td_string!(l, checkout.beneficiary_esim),
            _ => td_string!(l, checkout.beneficiary_gift_card),
        }
    }

    /// The three kinds the shop offers as filters.
    pub const SHOP_KINDS: [Kind; 3] = [Kind::GiftCard, Kind::MobileRecharge, Kind::Esim];
}

/// A brand of a country's catalogue.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Brand {
    #[serde(default, deserialize_with = "lenient::string")]
    pub brand: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub brand_id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub family: String,
    #[serde(default)]
    pub kind: Kind,
    #[serde(default, deserialize_with = "lenient::string")]
    pub category: String,
    #[serde(default, deserialize_with = "lenient::list")]
    pub additional_categories: Vec<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub logo_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub logo_base_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub bg_color: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub min: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub max: Option<String>,
    /// The currency of `min`/`max`, when the upstream says it.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "lenient::bool")]
    pub is_out_of_stock: bool,
    #[serde(default, deserialize_with = "lenient::string")]
    pub country_code: String,
}

impl Brand {
    /// The family slug used in URLs; falls back to a slug of the brand name.
    pub fn slug(&self) -> String {
        if !self.family.is_empty() {
            return self.family.clone();
        }
        slugify(&self.brand)
    }
}

/// Lowercase, dash-separated, ASCII-only form of a name.
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// True for a family slug the shop accepts in a URL (before any upstream call).
pub fn is_valid_family(family: &str) -> bool {
    (1..=64).contains(&family.len())
        && family
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `/v2/brands`: every brand of a country, grouped by category too.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BrandDirectory {
    #[serde(default, deserialize_with = "lenient::string")]
    pub country_code: String,
    #[serde(default, deserialize_with = "lenient::list")]
    pub all_brands: Vec<Brand>,
}

impl BrandDirectory {
    /// The distinct main categories, in first-seen order.
    pub fn categories(&self) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for b in &self.all_brands {
            if !b.category.is_empty() && !seen.contains(&b.category) {
                seen.push(b.category.clone());
            }
        }
        seen
    }
}

/// A titled row of the curated homepage feed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedSection {
    pub title: String,
    pub brands: Vec<Brand>,
}

/// `/v2/homepage`: a curated feed whose shape is not published. It is read as
/// titled sections of brands; anything else in it is ignored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Homepage {
    pub sections: Vec<FeedSection>,
}

impl Homepage {
    /// Finds every list of brand-like objects in whatever JSON the feed sent.
    pub fn from_json(value: &serde_json::Value) -> Homepage {
        let mut sections = Vec::new();
        // Untitled lists get an empty title: the page names them in the shopper's words.
        collect_sections(value, "", &mut sections, 0);
        Homepage { sections }
    }
}

fn collect_sections(
    value: &serde_json::Value,
    title: &str,
    out: &mut Vec<FeedSection>,
    depth: usize,
) {
    use serde_json::Value;
    if depth > 6 || out.len() >= 12 {
        return;
    }
    match value {
        Value::Array(items) => {
            let brands: Vec<Brand> = items
                .iter()
                .filter(|v| v.get("brand").is_some_and(Value::is_string))
                .filter_map(|v| serde_json::from_value(v.clone()).ok())
                .collect();
            if !brands.is_empty() {
                out.push(FeedSection {
                    title: title.to_string(),
                    brands,
                });
            } else {
                for item in items {
                    collect_sections(item, title, out, depth + 1);
                }
            }
        }
        Value::Object(map) => {
            let own_title = ["title", "name", "section", "label"]
                .iter()
                .find_map(|k| map.get(*k).and_then(Value::as_str))
                .unwrap_or(title)
                .to_string();
            for (key, v) in map {
                if v.is_array() || v.is_object() {
                    let t = if own_title == title
                        && !matches!(key.as_str(), "sections" | "brands" | "items")
                    {
                        humanize(key)
                    } else {
                        own_title.clone()
                    };
                    collect_sections(v, &t, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// A key as words: `gift_cards` is "Gift cards".
pub fn humanize(key: &str) -> String {
    let s = key.replace('_', " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

/// Text shown on a brand page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RichDescription {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub how_to_redeem: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub term_and_conditions: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub note: Option<String>,
}

/// `/v5/products/country/{cc}`: a brand family and its products.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductFamily {
    #[serde(default, deserialize_with = "lenient::string")]
    pub family: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub brand: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub brand_id: String,
    #[serde(default)]
    pub kind: Kind,
    #[serde(default, deserialize_with = "lenient::string")]
    pub category: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub logo_base_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub logo_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::bool")]
    pub is_out_of_stock: bool,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub default_denomination: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub product_tc: Option<String>,
    #[serde(default)]
    pub rich_description: Option<RichDescription>,
    #[serde(default, deserialize_with = "lenient::list")]
    pub products: Vec<Product>,
}

/// The face value of a product.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaceValue {
    #[serde(default, deserialize_with = "lenient::string")]
    pub currency_code: String,
    #[serde(default)]
    pub amount: Option<FaceAmount>,
}

/// `face_value.amount`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaceAmount {
    #[serde(default, deserialize_with = "lenient::opt_string", rename = "type")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub price: Option<String>,
}

/// A custom-amount product's limits.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Range {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub min: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub max: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub step_size: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub default: Option<String>,
}

/// What an eSIM gives: data and validity (-1 means unlimited).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Benefit {
    #[serde(default, deserialize_with = "lenient::opt_string", rename = "type")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub data_amount: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub data_unit: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub days: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub description: Option<String>,
}

/// One product (a denomination or a custom-amount range) of a family.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Product {
    #[serde(default, deserialize_with = "lenient::string")]
    pub product_id: String,
    #[serde(default, deserialize_with = "lenient::bool")]
    pub is_dynamic: bool,
    #[serde(default, deserialize_with = "lenient::string")]
    pub denomination: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub localized_denomination: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub coin: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub coin_amount: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub payment_method: Option<String>,
    #[serde(default)]
    pub face_value: Option<FaceValue>,
    #[serde(default)]
    pub range: Option<Range>,
    #[serde(default, deserialize_with = "lenient::list")]
    pub benefits: Vec<Benefit>,
    /// This product (not the whole brand) is sold out: not offered.
    #[serde(default, deserialize_with = "lenient::bool")]
    pub is_out_of_stock: bool,
}

impl Product {
    /// What the checkout's amount choice says for this product: its id when the
    /// catalogue gave one (products of equal face value stay distinct), else its
    /// face value.
    pub fn choice(&self) -> String {
        if self.product_id.trim().is_empty() {
            self.fixed_value()
                .map(|v| v.to_string())
                .unwrap_or_default()
        } else {
            self.product_id.clone()
        }
    }

    /// The fixed face value as an amount (`"10"` of `"10 USD"`), if fixed.
    pub fn fixed_value(&self) -> Option<Amount> {
        if self.is_dynamic {
            return None;
        }
        self.face_value
            .as_ref()
            .and_then(|f| f.amount.as_ref())
            .and_then(|a| a.price.as_deref())
            .and_then(Amount::parse)
            .or_else(|| {
                self.denomination
                    .split_whitespace()
                    .next()
                    .and_then(Amount::parse)
            })
    }

    /// The product's currency (`USD` of `"10 USD"`).
    pub fn currency(&self) -> String {
        self.face_value
            .as_ref()
            .map(|f| f.currency_code.clone())
            .filter(|c| !c.is_empty())
            .or_else(|| self.range.as_ref().and_then(|r| r.currency.clone()))
            .or_else(|| {
                self.denomination
                    .split_whitespace()
                    .nth(1)
                    .map(str::to_string)
            })
            .unwrap_or_default()
    }

    /// The range rule of a custom-amount product.
    pub fn amount_rule(&self) -> Option<AmountRule> {
        let r = self.range.as_ref()?;
        if !self.is_dynamic {
            return None;
        }
        Some(AmountRule {
            min: Amount::parse(r.min.as_deref()?)?,
            max: Amount::parse(r.max.as_deref()?)?,
            step: r.step_size.as_deref().and_then(Amount::parse),
            currency: self.currency(),
        })
    }

    /// How the denomination is shown: the localized form when given.
    pub fn label(&self) -> String {
        self.localized_denomination
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.denomination.clone())
    }

    /// eSIM benefits in words: "5 GB · 30 days".
    pub fn benefits_label(&self, l: Locale) -> Option<String> {
        let parts: Vec<String> = self
            .benefits
            .iter()
            .flat_map(|b| {
                let data = match (b.data_amount.as_deref(), b.data_unit.as_deref()) {
                    (Some("-1"), _) => Some(td_string!(l, checkout.unlimited_data).to_string()),
                    (Some(a), Some(u)) => Some(format!("{a} {u}")),
                    (Some(a), None) => Some(a.to_string()),
                    _ => b.description.clone(),
                };
                let days = b.days.map(|d| {
                    if d < 0 {
                        td_string!(l, checkout.no_expiry).to_string()
                    } else if d == 1 {
                        td_string!(l, checkout.one_day).to_string()
                    } else {
                        td_string!(l, checkout.days, count = d)
                    }
                });
                [data, days].into_iter().flatten()
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

impl ProductFamily {
    /// Fixed-denomination products, sorted by value.
    /// Sold-out products are left out: they are neither offered nor accepted.
    pub fn fixed_products(&self) -> Vec<&Product> {
        let mut v: Vec<&Product> = self
            .products
            .iter()
            .filter(|p| !p.is_dynamic && !p.is_out_of_stock)
            .collect();
        v.sort_by_key(|p| p.fixed_value());
        v
    }

    /// The amount preselected on the brand page: the family's default denomination
    /// when it is on sale, else the smallest fixed value, else the range's default or minimum.
    /// For fixed products it is the product's choice key (see [`Product::choice`]).
    pub fn default_amount(&self) -> String {
        let fixed: Vec<(String, String)> = self
            .fixed_products()
            .into_iter()
            .filter_map(|p| Some((p.fixed_value()?.to_string(), p.choice())))
            .collect();
        let range_default = || {
            let p = self.range_product()?;
            p.range
                .as_ref()
                .and_then(|r| r.default.clone())
                .or_else(|| p.amount_rule().map(|r| r.min.to_string()))
        };
        self.default_denomination
            .as_deref()
            .and_then(|d| d.split_whitespace().next())
            .and_then(|d| fixed.iter().find(|(v, _)| v == d))
            .or_else(|| fixed.first())
            .map(|(_, choice)| choice.clone())
            .or_else(range_default)
            .unwrap_or_default()
    }

    /// The first custom-amount product, if the family has one.
    pub fn range_product(&self) -> Option<&Product> {
        self.products
            .iter()
            .find(|p| p.is_dynamic && !p.is_out_of_stock && p.amount_rule().is_some())
    }

    /// The amount rule of a family sold by custom amount (none when it has fixed
    /// denominations).
    pub fn custom_amount_rule(&self) -> Option<AmountRule> {
        if self
            .fixed_products()
            .iter()
            .all(|p| p.fixed_value().is_none())
        {
            self.range_product().and_then(|p| p.amount_rule())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_sold_out_product_is_not_offered() {
        let fam: ProductFamily = serde_json::from_value(serde_json::json!({
            "family": "steam", "brand": "Steam", "default_denomination": "10 USD",
            "products": [
                {"product_id": "p10", "denomination": "10 USD", "is_out_of_stock": true,
                 "face_value": {"currency_code": "USD", "amount": {"price": "10"}}},
                {"product_id": "p20", "denomination": "20 USD", "is_out_of_stock": "false",
                 "face_value": {"currency_code": "USD", "amount": {"price": "20"}}}
            ]
        }))
        .expect("family");
        let offered: Vec<&str> = fam
            .fixed_products()
            .iter()
            .map(|p| p.product_id.as_str())
            .collect();
        assert_eq!(offered, ["p20"]);
        assert_eq!(
            fam.default_amount(),
            "p20",
            "the default moves to what is on sale"
        );
    }

    #[test]
    fn a_brand_with_a_null_kind_is_still_read() {
        let b: Brand = serde_json::from_str(
            r#"{"brand":"Steam","family":"steam","kind":null,"country_code":"US"}"#,
        )
        .expect("a null kind must not break the brand");
        assert_eq!(b.kind, Kind::default());
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn brand_is_lenient() {
        let b: Brand = serde_json::from_value(json!({
            "brand": "Airbnb", "family": "airbnb", "kind": "teleport", "min": 10, "max": null,
            "is_out_of_stock": "true", "extra": {"x": 1}
        }))
        .expect("lenient brand");
        assert_eq!(b.kind, Kind::Other("teleport".into()));
        assert_eq!(b.min.as_deref(), Some("10"));
        assert!(b.is_out_of_stock);
        let search = |text: &str| crate::model::brand_filter::BrandFilter {
            text: text.into(),
            ..Default::default()
        };
        let keys = crate::model::brand_filter::TileKeys::of(&b);
        assert!(search("air").admits(&keys));
        assert!(!search("zzz").admits(&keys));
    }

    #[test]
    fn products_fixed_and_range() {
        let f: ProductFamily = serde_json::from_value(json!({
            "family": "airbnb", "brand": "Airbnb", "kind": "giftcard",
            "products": [
                {"product_id": "b", "denomination": "50 USD", "face_value": {"currency_code": "USD", "amount": {"type": "fixed", "price": "50"}}},
                {"product_id": "a", "denomination": "10 USD", "coin_amount": 10.2},
                {"product_id": "r", "is_dynamic": true, "denomination": "range",
                 "range": {"min": "5", "max": "500", "currency": "USD", "step_size": "1"}}
            ]
        }))
        .expect("family");
        let fixed = f.fixed_products();
        assert_eq!(
            fixed
                .iter()
                .map(|p| p.product_id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(fixed[0].coin_amount.as_deref(), Some("10.2"));
        let rule = f
            .range_product()
            .and_then(Product::amount_rule)
            .expect("rule");
        assert_eq!(rule.currency, "USD");
        assert!(rule.check("501").is_err());
    }

    #[test]
    fn homepage_tolerates_any_shape() {
        let h = Homepage::from_json(&json!({"sections": [
            {"title": "Trending", "brands": [{"brand": "Steam"}, {"nope": 1}]},
            {"title": "Empty", "brands": []}
        ], "banner": "x"}));
        assert_eq!(h.sections.len(), 1);
        assert_eq!(h.sections[0].title, "Trending");
        assert_eq!(h.sections[0].brands[0].brand, "Steam");
        assert!(Homepage::from_json(&json!("garbage")).sections.is_empty());
        let h = Homepage::from_json(&json!({"trending_now": [{"brand": "Uber"}]}));
        assert_eq!(h.sections[0].title, "Trending now");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Google Play (US)"), "google-play-us");
        assert!(is_valid_family("google-play"));
        assert!(!is_valid_family("../etc"));
        assert!(!is_valid_family(""));
    }
}
