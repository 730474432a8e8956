//! The sandbox's catalogue over real HTTP: partner headers, countries, payment
//! vias, brands of every country, homepage, products, prices and logos.

use crate::common;

use common::{Sb, start_with};
use sandbox::SandboxConfig;
use serde_json::Value;
use std::time::Duration;

const COUNTRIES: &str = include_str!("../../data/countries.tsv");

/// A sandbox with a short delivery delay.
async fn start() -> Sb {
    start_with(SandboxConfig {
        delivery_delay: Duration::from_millis(100),
        ..SandboxConfig::default()
    })
    .await
}

fn codes() -> Vec<&'static str> {
    COUNTRIES
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t').map(|(c, _)| c))
        .collect()
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[tokio::test]
async fn upstream_paths_need_both_partner_headers() {
    let sb = start().await;
    let url = format!("{}/v2/brands?country_code=US", sb.base);
    for headers in [
        vec![],
        vec![("X-Cr-Application", "p")],
        vec![("X-Cr-Version", "1")],
    ] {
        let mut req = sb.http.get(&url);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let r = req.send().await.expect("send");
        assert_eq!(r.status(), 401);
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["status"], 401);
        assert_eq!(body["detail"], "MISSING_PARTNER_HEADERS");
        assert!(body["moreDetails"].is_string());
    }
    let r = sb
        .http
        .post(format!("{}/v5/orders", sb.base))
        .body("{}")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    // Logos and control endpoints need no partner headers (control needs its token).
    let r = sb
        .http
        .get(format!("{}/logos/steam.webp", sb.base))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let r = sb
        .http
        .get(format!("{}/control/stats", sb.base))
        .bearer_auth(common::CONTROL_TOKEN)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn unknown_or_lowercase_country_is_400() {
    let sb = start().await;
    for path in [
        "/v2/brands?country_code=ZZ",
        "/v2/brands?country_code=us",
        "/v2/brands",
        "/v2/homepage?country_code=QQ",
        "/v5/products/country/ZZ?family_name=steam",
        "/v4/products/price?brand_name=Steam%20Wallet&country_code=ZZ&face_value=10&coin=USDC",
    ] {
        let (status, body) = sb.get(path).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(body["status"], 400, "{path}");
        assert_eq!(body["detail"], "UNSUPPORTED_COUNTRY", "{path}");
    }
}

#[tokio::test]
async fn payment_vias_list_two_coins_on_five_networks() {
    let sb = start().await;
    let (status, vias) = sb.get("/v3/payment_vias").await;
    assert_eq!(status, 200);
    let vias = vias.as_array().expect("list");
    assert_eq!(vias.len(), 1);
    assert_eq!(vias[0]["name"], "USER_WALLET");
    assert_eq!(vias[0]["available"], true);
    let currencies = vias[0]["currencies"].as_array().expect("currencies");
    let expected = [
        (
            "USDC",
            "Solana",
            None,
            "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        ),
        (
            "USDC",
            "Mainnet",
            Some(1),
            "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
        ),
        (
            "USDC",
            "Base",
            Some(8453),
            "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        ),
        (
            "USDC",
            "Arbitrum",
            Some(42161),
            "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
        ),
        (
            "USDC",
            "Polygon (Matic)",
            Some(137),
            "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359",
        ),
        (
            "USDT",
            "Solana",
            None,
            "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB",
        ),
        (
            "USDT",
            "Mainnet",
            Some(1),
            "0xdAC17F958D2ee523a2206206994597C13D831ec7",
        ),
        (
            "USDT",
            "Base",
            Some(8453),
            "0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2",
        ),
        (
            "USDT",
            "Arbitrum",
            Some(42161),
            "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9",
        ),
        (
            "USDT",
            "Polygon (Matic)",
            Some(137),
            "0xc2132D05D31c914a87C6611C10748AEb04B58e8F",
        ),
    ];
    for (coin, network, chain, address) in expected {
        let c = currencies.iter().find(|c| c["name"] == coin).expect(coin);
        assert_eq!(c["is_suspended"], false, "{coin}");
        let n = c["networks"]
            .as_array()
            .and_then(|ns| ns.iter().find(|n| n["name"] == network))
            .unwrap_or_else(|| panic!("{coin} on {network}"));
        assert_eq!(n["chain_id"].as_u64(), chain, "{coin} on {network}");
        assert_eq!(n["smart_contract"]["address"], address);
        assert_eq!(n["smart_contract"]["decimals"], 6);
        assert_eq!(n["smart_contract"]["symbol"], coin);
        let engine = if network == "Solana" { "SVM" } else { "EVM" };
        assert_eq!(n["smart_contract"]["engine"], engine);
        assert!(n["base_token"].is_string());
        // Only USDT on Polygon is suspended by default.
        let suspended = coin == "USDT" && network == "Polygon (Matic)";
        assert_eq!(n["is_suspended"], suspended, "{coin} on {network}");
    }
}

#[tokio::test]
async fn every_country_has_brands_and_big_markets_a_dozen() {
    let sb = start().await;
    let codes = codes();
    assert_eq!(codes.len(), 233);
    let big = [
        "US", "GB", "DE", "TR", "VN", "BR", "IN", "FR", "ES", "IT", "MX", "CA", "AU", "JP",
    ];
    let mut families = std::collections::BTreeSet::new();
    let mut kinds = std::collections::BTreeSet::new();
    for cc in codes {
        let (status, body) = sb.get(&format!("/v2/brands?country_code={cc}")).await;
        assert_eq!(status, 200, "{cc}");
        assert_eq!(body["country_code"], cc);
        let all = body["all_brands"].as_array().expect("all_brands");
        assert!(!all.is_empty(), "{cc} has no brand");
        if big.contains(&cc) {
            assert!(all.len() >= 12, "{cc} has {} brands", all.len());
        }
        for b in all {
            families.insert(b["family"].as_str().unwrap_or_default().to_string());
            kinds.insert(b["kind"].as_str().unwrap_or_default().to_string());
        }
        // Every brand of a category group is in all_brands.
        for group in body["categories"].as_array().expect("categories") {
            for b in group["brands"].as_array().expect("brands") {
                assert_eq!(b["kind"], group["kind"]);
                assert_eq!(b["category"], group["category"]);
                assert!(all.contains(b));
            }
        }
    }
    assert!(families.len() >= 40, "{} families", families.len());
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["esim", "giftcard", "mobile_recharge"]
    );
}

#[tokio::test]
async fn brands_carry_every_field_and_us_has_an_out_of_stock_brand() {
    let sb = start().await;
    let (_, body) = sb.get("/v2/brands?country_code=US").await;
    let all = body["all_brands"].as_array().expect("all_brands");
    for b in all {
        for key in [
            "brand",
            "family",
            "kind",
            "category",
            "logo_url",
            "logo_base_url",
            "bg_color",
            "country_code",
            "product_type",
        ] {
            assert!(b[key].is_string(), "{key} of {b}");
        }
        assert!(is_uuid(b["brand_id"].as_str().unwrap_or_default()), "{b}");
        assert!(b["additional_categories"].is_array());
        assert!(b["is_out_of_stock"].is_boolean());
        assert!(b["min"].is_string() || b["min"].is_null());
        assert!(b["max"].is_string() || b["max"].is_null());
        let family = b["family"].as_str().unwrap_or_default();
        assert_eq!(family, family.to_lowercase());
        let base = b["logo_base_url"].as_str().unwrap_or_default();
        assert!(base.starts_with(&format!("{}/logos/", sb.base)), "{base}");
    }
    assert!(all.iter().any(|b| b["is_out_of_stock"] == true));
    // Same name, same id, across countries and calls.
    let (_, gb) = sb.get("/v2/brands?country_code=GB").await;
    let id = |list: &Value, fam: &str| {
        list["all_brands"]
            .as_array()
            .and_then(|l| l.iter().find(|b| b["family"] == fam))
            .map(|b| b["brand_id"].clone())
    };
    assert_eq!(id(&body, "amazon"), id(&gb, "amazon"));
    assert!(id(&body, "amazon").is_some());
}

#[tokio::test]
async fn homepage_has_sections_of_brands() {
    let sb = start().await;
    for cc in ["US", "VN", "AQ"] {
        let (status, home) = sb.get(&format!("/v2/homepage?country_code={cc}")).await;
        assert_eq!(status, 200);
        assert_eq!(home["country_code"], cc);
        let sections = home["sections"].as_array().expect("sections");
        assert!(!sections.is_empty());
        assert!(
            sections
                .iter()
                .all(|s| s["title"].is_string() && s["brands"].is_array())
        );
        assert!(
            sections
                .iter()
                .any(|s| s["brands"].as_array().is_some_and(|b| !b.is_empty()))
        );
    }
}

#[tokio::test]
async fn products_need_a_family_and_unknown_families_are_empty() {
    let sb = start().await;
    let (status, body) = sb.get("/v5/products/country/US?coin=USDC").await;
    assert_eq!(status, 400);
    assert_eq!(body["status"], 400);
    let (status, body) = sb
        .get("/v5/products/country/US?family_name=no-such-family")
        .await;
    assert_eq!((status, body), (200, Value::Array(vec![])));
    // A family that exists, but not in this country, is empty too.
    let (status, body) = sb.get("/v5/products/country/GB?family_name=walmart").await;
    assert_eq!((status, body), (200, Value::Array(vec![])));
}

#[tokio::test]
async fn fixed_products_in_local_currency() {
    let sb = start().await;
    let (status, body) = sb
        .get("/v5/products/country/DE?family_name=amazon&coin=USDC&lang=en")
        .await;
    assert_eq!(status, 200);
    let fam = &body[0];
    assert_eq!(fam["family"], "amazon");
    for key in [
        "brand",
        "brand_id",
        "kind",
        "category",
        "logo_url",
        "logo_base_url",
        "product_tc",
    ] {
        assert!(fam[key].is_string(), "{key}");
    }
    assert!(fam["default_denomination"].is_string());
    for key in ["description", "how_to_redeem", "term_and_conditions"] {
        assert!(fam["rich_description"][key].is_string(), "{key}");
    }
    assert!(fam["rich_description"].get("note").is_some());
    let products = fam["products"].as_array().expect("products");
    assert!(!products.is_empty());
    for p in products {
        assert_eq!(p["is_dynamic"], false);
        assert!(p["product_id"].is_string());
        assert_eq!(p["coin"], "USDC");
        let amount: f64 = p["coin_amount"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("coin_amount");
        let price = p["face_value"]["amount"]["price"].as_str().expect("price");
        assert_eq!(p["face_value"]["currency_code"], "EUR");
        assert_eq!(p["face_value"]["amount"]["type"], "fixed");
        assert_eq!(p["denomination"], format!("{price} EUR"));
        assert!(
            p["localized_denomination"]
                .as_str()
                .is_some_and(|s| s.contains('€'))
        );
        let face: f64 = price.parse().expect("number");
        // A euro is worth more than a dollar, plus the fee.
        assert!(amount > face, "{amount} for {face} EUR");
        assert!(
            p["payment_method"]
                .as_str()
                .is_some_and(|m| m.starts_with("USDC-"))
        );
        assert!(p["delivery_type"].is_string());
    }
    let (_, tr) = sb.get("/v5/products/country/TR?family_name=amazon").await;
    assert_eq!(tr[0]["products"][0]["face_value"]["currency_code"], "TRY");
    let (_, vn) = sb.get("/v5/products/country/VN?family_name=viettel").await;
    assert_eq!(vn[0]["kind"], "mobile_recharge");
    assert_eq!(vn[0]["products"][0]["face_value"]["currency_code"], "VND");
}

#[tokio::test]
async fn range_and_esim_products() {
    let sb = start().await;
    let (_, body) = sb
        .get("/v5/products/country/US?family_name=binance&coin=USDT")
        .await;
    let p = &body[0]["products"][0];
    assert_eq!(p["is_dynamic"], true);
    assert_eq!(p["coin"], "USDT");
    for key in ["min", "max", "currency", "step_size", "default"] {
        assert!(p["range"][key].is_string(), "range.{key}");
    }
    let (_, body) = sb
        .get("/v5/products/country/FR?family_name=global-esim")
        .await;
    assert_eq!(body[0]["kind"], "esim");
    let products = body[0]["products"].as_array().expect("products");
    let benefits: Vec<&Value> = products
        .iter()
        .flat_map(|p| p["benefits"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(benefits.len(), products.len());
    assert!(
        benefits
            .iter()
            .all(|b| b["days"].as_i64().is_some_and(|d| d > 0))
    );
    assert!(
        benefits.iter().any(|b| b["data_amount"] == "-1"),
        "an unlimited plan"
    );
}

#[tokio::test]
async fn prices_are_deterministic_and_include_a_fee() {
    let sb = start().await;
    let path =
        "/v4/products/price?brand_name=Steam%20Wallet&country_code=US&face_value=50&coin=USDC";
    let (status, a) = sb.get(path).await;
    assert_eq!(status, 200);
    let (_, b) = sb.get(path).await;
    assert_eq!(a, b);
    assert_eq!(a["coin"], "USDC");
    assert_eq!(a["is_dynamic"], false);
    assert!(a["product_id"].is_string());
    assert!(a["payment_method"].is_string());
    let amount: f64 = a["coin_amount"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("amount");
    assert!(amount > 50.0 && amount < 53.0, "{amount}");
    // The price equals the product list's coin amount.
    let (_, fam) = sb
        .get("/v5/products/country/US?family_name=steam&coin=USDC")
        .await;
    let listed = fam[0]["products"]
        .as_array()
        .and_then(|ps| {
            ps.iter()
                .find(|p| p["face_value"]["amount"]["price"] == "50")
        })
        .map(|p| p["coin_amount"].clone());
    assert_eq!(listed, Some(a["coin_amount"].clone()));
    // Ranges accept any value inside, with a network.
    let (status, r) = sb
        .get("/v4/products/price?brand_name=Binance%20Gift%20Card&country_code=US&face_value=120&coin=USDT&network=Base")
        .await;
    assert_eq!(status, 200);
    assert_eq!(r["is_dynamic"], true);
    assert!(r["range"].is_object());
    // A face value that is not offered.
    let (status, _) = sb
        .get("/v4/products/price?brand_name=Steam%20Wallet&country_code=US&face_value=7&coin=USDC")
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn logos_at_every_size_and_format() {
    let sb = start().await;
    let (_, body) = sb.get("/v2/brands?country_code=US").await;
    let base = body["all_brands"][0]["logo_base_url"]
        .as_str()
        .expect("base")
        .to_string();
    let cases = [
        (".webp", "image/webp", image::ImageFormat::WebP, (1000, 636)),
        (
            "_500x318.webp",
            "image/webp",
            image::ImageFormat::WebP,
            (500, 318),
        ),
        (
            "_300x190.webp",
            "image/webp",
            image::ImageFormat::WebP,
            (300, 190),
        ),
        (".jpg", "image/jpeg", image::ImageFormat::Jpeg, (1000, 636)),
        (
            "_500x318.jpg",
            "image/jpeg",
            image::ImageFormat::Jpeg,
            (500, 318),
        ),
        (
            "_300x190.jpg",
            "image/jpeg",
            image::ImageFormat::Jpeg,
            (300, 190),
        ),
    ];
    for (suffix, content_type, format, (w, h)) in cases {
        let r = sb
            .http
            .get(format!("{base}{suffix}"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 200, "{suffix}");
        assert_eq!(r.headers()["content-type"], content_type);
        assert_eq!(r.headers()["cache-control"], "public, max-age=86400");
        let bytes = r.bytes().await.expect("bytes");
        let img = image::load_from_memory_with_format(&bytes, format).expect("decodes");
        assert_eq!((img.width(), img.height()), (w, h), "{suffix}");
        // Cached: the same bytes again.
        let again = sb
            .http
            .get(format!("{base}{suffix}"))
            .send()
            .await
            .expect("send");
        assert_eq!(again.bytes().await.expect("bytes"), bytes);
    }
    let logo_url = body["all_brands"][0]["logo_url"]
        .as_str()
        .expect("logo_url");
    let r = sb.http.get(logo_url).send().await.expect("send");
    assert_eq!(r.status(), 200);
    for missing in [
        "/logos/no-such-brand.webp",
        "/logos/steam.png",
        "/logos/steam_123x45.jpg",
    ] {
        let r = sb
            .http
            .get(format!("{}{missing}", sb.base))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 404, "{missing}");
    }
}
