//! `POST /v5/orders/validations` over real HTTP: every problem code from its
//! documented trigger (docs/sandbox.md), several at once, bad bodies, and the
//! HTTP-level suspensions.

use crate::common;

use common::{Sb, start};
use serde_json::{Value, json};

impl Sb {
    async fn validate_raw(&self, body: &Value) -> (u16, Value) {
        self.post_raw("/v5/orders/validations", body.to_string())
            .await
    }
}

/// A validation body that passes: one 10 USD Steam card to a valid email.
fn valid() -> Value {
    json!({
        "email": "buyer@example.com",
        "payment": {"type": "via", "payment_via": "USER_WALLET", "coin": "USDC"},
        "deliveries": [{
            "beneficiary_account": "buyer@example.com",
            "brand_name": "Steam Wallet",
            "country_code": "US",
            "denomination": "10 USD",
            "localized_denomination": "$10",
        }],
        "lang": "en",
    })
}

/// The valid body with one delivery replaced.
fn with_delivery(brand: &str, cc: &str, denomination: &str, beneficiary: &str) -> Value {
    let mut v = valid();
    v["deliveries"][0] = json!({
        "beneficiary_account": beneficiary,
        "brand_name": brand,
        "country_code": cc,
        "denomination": denomination,
    });
    v
}

fn codes(answer: &Value) -> Vec<String> {
    answer["problems"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|x| x["problem"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Every problem code of upstream-api.md and the input that triggers it.
fn triggers() -> Vec<(&'static str, Value)> {
    let mut t = Vec::new();
    // A validation has no quantity: several cards are several deliveries.
    let range = |value: &str, cards: usize| {
        let mut v = with_delivery("Binance Gift Card", "US", "range", "buyer@example.com");
        v["deliveries"][0]["product_value"] = json!(value);
        v["deliveries"] = json!(vec![v["deliveries"][0].clone(); cards]);
        v
    };
    t.push(("AMOUNT_LESS_THEN_MINIMUM_ALLOWED", range("5", 1)));
    t.push(("MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED", range("1000", 3)));
    for (local, code) in [
        ("daily-limit", "DAILY_SPENDING_LIMIT_EXCEEDED"),
        ("monthly-limit", "MONTHLY_SPENDING_LIMIT_EXCEEDED"),
        ("kyc-missing", "KYC_MISSING"),
        ("kyc-pending", "KYC_PENDING"),
        ("verify", "VERIFICATION_REQUIRED"),
        ("no-fullname", "FULLNAME_MISSING"),
    ] {
        let mut v = valid();
        v["email"] = json!(format!("{local}@example.com"));
        t.push((code, v));
    }
    let mut v = valid();
    v["deliveries"] = json!(vec![v["deliveries"][0].clone(); 6]);
    t.push(("PRODUCT_COUNT_EXCEEDED", v));
    let mut v = with_delivery("Razer Gold", "US", "10 USD", "buyer@example.com");
    v["deliveries"] = json!(vec![v["deliveries"][0].clone(); 2]);
    t.push(("MULTIPLE_LIMITED_PRODUCT_SAME_ORDER", v));
    for (code, brand, denomination) in [
        ("NOT_AVAILABLE_PRODUCT", "No Such Brand", "10 USD"),
        ("NOT_AVAILABLE_PRODUCT", "Steam Wallet", "7 USD"),
        ("OUT_OF_STOCK", "Best Buy", "25 USD"),
        ("NOT_ACTIVE", "GameStop", "25 USD"),
    ] {
        let v = with_delivery(brand, "US", denomination, "buyer@example.com");
        t.push((code, v));
    }
    t.push((
        "INVALID_BENEFICIARY_ACCOUNT",
        with_delivery("Steam Wallet", "US", "10 USD", "not-an-email"),
    ));
    let mut v = with_delivery("Mobile Top-up", "US", "range", "buyer@example.com");
    v["deliveries"][0]["product_value"] = json!("20");
    t.push(("INVALID_BENEFICIARY_ACCOUNT", v));
    let mut v = valid();
    v["payment"]["payment_via"] = json!("CREDIT_CARD");
    t.push(("NOT_ALLOWED_PAYMENT_VIA", v));
    let mut v = valid();
    v["payment"]["coin"] = json!("DAI");
    t.push(("UNSUPPORTED_PROTOCOL_COIN_COMBINATION", v));
    let mut v = with_delivery("Visa Prepaid", "US", "range", "buyer@example.com");
    v["deliveries"][0]["product_value"] = json!("50");
    t.push(("LOGIN_REQUIRED", v));
    for (coupon, code) in [
        ("REQUIRES_LOGIN", "COUPON_REQUIRES_LOGIN"),
        ("NO-SUCH-COUPON", "COUPON_NOT_FOUND"),
        ("NOT_ACTIVE", "COUPON_NOT_ACTIVE"),
        ("ALREADY_SPENT", "COUPON_ALREADY_SPENT"),
        ("MAX_USAGE_REACHED", "COUPON_MAX_USAGE_REACHED"),
        ("EXPIRED", "COUPON_EXPIRED"),
        ("BELOW_MIN_AMOUNT", "COUPON_BELOW_MIN_AMOUNT"),
        ("NOT_VALID_FOR_USER", "COUPON_NOT_VALID_FOR_USER"),
        ("NOT_VALID_FOR_CATEGORY", "COUPON_NOT_VALID_FOR_CATEGORY"),
        ("NOT_VALID_FOR_KIND", "COUPON_NOT_VALID_FOR_KIND"),
        ("NOT_VALID_FOR_BRAND", "COUPON_NOT_VALID_FOR_BRAND"),
        ("NOT_VALID_FOR_COUNTRY", "COUPON_NOT_VALID_FOR_COUNTRY"),
        ("NOT_VALID_FOR_STORE", "COUPON_NOT_VALID_FOR_STORE"),
    ] {
        let mut v = valid();
        v["coupon"] = json!(coupon);
        t.push((code, v));
    }
    t
}

#[tokio::test]
async fn a_valid_request_has_no_problems_and_a_coin_amount() {
    let sb = start().await;
    let (status, answer) = sb.validate_raw(&valid()).await;
    assert_eq!(status, 200);
    assert_eq!(answer["problems"], Value::Null);
    assert_eq!(answer["coin"], "USDC");
    let amount: f64 = answer["coin_amount"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("amount");
    assert!(amount > 10.0 && amount < 11.0, "{amount}");
    // The welcome coupon, a range product, a local currency, a phone number for a
    // top-up and an echoed localized denomination are all fine.
    let mut v = valid();
    v["coupon"] = json!("WELCOME");
    v["deliveries"] = json!([
        {"beneficiary_account": "buyer@example.com", "brand_name": "Binance Gift Card", "country_code": "US", "denomination": "range", "product_value": "100"},
        {"beneficiary_account": "buyer@example.com", "brand_name": "Amazon", "country_code": "DE", "denomination": "25 EUR"},
        {"beneficiary_account": "+14155551234", "brand_name": "Mobile Top-up", "country_code": "US", "denomination": "range", "product_value": "20"},
        {"beneficiary_account": "buyer@example.com", "brand_name": "Steam Wallet", "country_code": "US", "denomination": "20 USD", "localized_denomination": "$20"},
    ]);
    let (status, answer) = sb.validate_raw(&v).await;
    assert_eq!(
        (status, &answer["problems"]),
        (200, &Value::Null),
        "{answer}"
    );
}

#[tokio::test]
async fn every_problem_code_has_a_trigger() {
    let sb = start().await;
    let table = triggers();
    for (code, body) in &table {
        let (status, answer) = sb.validate_raw(body).await;
        assert_eq!(status, 200, "{code}: {answer}");
        assert!(
            codes(&answer).contains(&code.to_string()),
            "{code} not in {answer}"
        );
        assert!(answer["coin_amount"].is_string(), "{code}: {answer}");
    }
    let documented: std::collections::BTreeSet<&str> = table.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        documented.len(),
        30,
        "the codes of upstream-api.md, less the two HTTP-level ones"
    );
}

#[tokio::test]
async fn problems_with_details_name_the_alternatives() {
    let sb = start().await;
    let table = triggers();
    let find = |code: &str| {
        table
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, b)| b.clone())
            .expect(code)
    };
    let (_, answer) = sb.validate_raw(&find("NOT_ALLOWED_PAYMENT_VIA")).await;
    let p = &answer["problems"][0];
    assert_eq!(p["problem"], "NOT_ALLOWED_PAYMENT_VIA");
    assert!(p["moreDetails"].to_string().contains("USER_WALLET"), "{p}");
    let (_, answer) = sb
        .validate_raw(&find("UNSUPPORTED_PROTOCOL_COIN_COMBINATION"))
        .await;
    let details = answer["problems"][0]["moreDetails"].to_string();
    for pair in ["USDC", "USDT", "Solana", "Polygon (Matic)"] {
        assert!(details.contains(pair), "{pair} in {details}");
    }
}

#[tokio::test]
async fn several_problems_come_at_once() {
    let sb = start().await;
    let mut v = with_delivery("Best Buy", "US", "25 USD", "not-an-email");
    v["email"] = json!("daily-limit@example.com");
    v["coupon"] = json!("EXPIRED");
    v["payment"]["payment_via"] = json!("CREDIT_CARD");
    v["deliveries"] = json!(vec![v["deliveries"][0].clone(); 6]);
    let (status, answer) = sb.validate_raw(&v).await;
    assert_eq!(status, 200);
    let mut got = codes(&answer);
    got.sort();
    assert_eq!(
        got,
        [
            "COUPON_EXPIRED",
            "DAILY_SPENDING_LIMIT_EXCEEDED",
            "INVALID_BENEFICIARY_ACCOUNT",
            "NOT_ALLOWED_PAYMENT_VIA",
            "OUT_OF_STOCK",
            "PRODUCT_COUNT_EXCEEDED",
        ]
    );
}

#[tokio::test]
async fn bad_bodies_are_400_json_never_a_crash() {
    let sb = start().await;
    for body in [
        "",
        "{",
        "[]",
        "null",
        "{\"payment\": 3}",
        "{\"deliveries\": \"x\"}",
        "\u{0}\u{1}",
    ] {
        for path in ["/v5/orders/validations", "/v5/orders"] {
            let (status, answer) = sb.post_raw(path, body.to_string()).await;
            assert_eq!(status, 400, "{path} with {body:?}");
            assert_eq!(answer["status"], 400, "{path} with {body:?}");
            assert!(answer["detail"].is_string());
        }
    }
    let mut v = valid();
    v["deliveries"][0]["country_code"] = json!("ZZ");
    let (status, answer) = sb.validate_raw(&v).await;
    assert_eq!(
        (status, answer["detail"].clone()),
        (400, json!("UNSUPPORTED_COUNTRY"))
    );
    // Strange but well-formed values are problems, not errors.
    let mut v = valid();
    v["deliveries"][0]["denomination"] = json!("1e300 USD");
    let (status, answer) = sb.validate_raw(&v).await;
    assert_eq!(status, 200);
    assert_eq!(codes(&answer), ["NOT_AVAILABLE_PRODUCT"]);
    // Values of another type are refused: the reference sends strings.
    let mut v = valid();
    v["deliveries"][0]["denomination"] = json!(1e300);
    let (status, answer) = sb.validate_raw(&v).await;
    assert_eq!(
        (status, &answer["detail"]),
        (400, &json!("INVALID_REQUEST"))
    );
}

#[tokio::test]
async fn suspensions_are_http_level_errors() {
    let sb = start().await;
    // USDT on Polygon is suspended by default (a validation names no network: an order).
    let mut v = order_body();
    v["payment"]["coin"] = json!("USDT");
    v["payment"]["network"] = json!("Polygon (Matic)");
    let (status, answer) = sb.post_raw("/v5/orders", v.to_string()).await;
    assert_eq!(status, 422);
    assert_eq!(answer["status"], 422);
    assert_eq!(answer["detail"], "SUSPENDED_NETWORK");
    assert!(answer.get("moreDetails").is_some());
    assert!(answer.get("problems").is_none());
    // Lifted on demand.
    let off = json!({"coin": "USDT", "network": "Polygon (Matic)", "suspended": false});
    assert_eq!(sb.control("/control/suspensions", off).await.0, 200);
    assert_eq!(sb.post_raw("/v5/orders", v.to_string()).await.0, 201);
    // A whole coin.
    assert_eq!(
        sb.control(
            "/control/suspensions",
            json!({"coin": "USDC", "suspended": true})
        )
        .await
        .0,
        200
    );
    let (status, answer) = sb.validate_raw(&valid()).await;
    assert_eq!(
        (status, answer["detail"].clone()),
        (422, json!("SUSPENDED_COIN"))
    );
    let (status, answer) = sb.post_raw("/v5/orders", order_body().to_string()).await;
    assert_eq!(
        (status, answer["detail"].clone()),
        (422, json!("SUSPENDED_COIN"))
    );
    // And the payment vias say so.
    let (_, vias) = sb.get("/v3/payment_vias").await;
    let usdc = vias[0]["currencies"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "USDC"))
        .expect("USDC");
    assert_eq!(usdc["is_suspended"], true);
    assert_eq!(
        sb.control(
            "/control/suspensions",
            json!({"coin": "USDC", "suspended": false})
        )
        .await
        .0,
        200
    );
    assert_eq!(sb.validate_raw(&valid()).await.0, 200);
}

fn order_body() -> Value {
    json!({
        "deliveries": [{"kind": "giftcard", "quantity": 1, "deliverable": {
            "brand_name": "Steam Wallet", "country_code": "US", "denomination": "10",
            "beneficiary_account": "buyer@example.com"}}],
        "payment": {"type": "via", "coin": "USDC", "network": "Solana", "payment_via": "USER_WALLET"},
        "user": {"email": "buyer@example.com", "has_accepted_newsletter": false},
        "lang": "en",
        "acquisition": {"utm_source": "test"},
    })
}

#[tokio::test]
async fn creating_an_order_runs_the_same_checks() {
    let sb = start().await;
    let mut v = order_body();
    v["deliveries"][0]["deliverable"]["brand_name"] = json!("GameStop");
    v["deliveries"][0]["deliverable"]["denomination"] = json!("25");
    v["user"]["email"] = json!("kyc-missing@example.com");
    let (status, answer) = sb.post_raw("/v5/orders", v.to_string()).await;
    assert_eq!(status, 400);
    assert_eq!(answer["status"], 400);
    assert_eq!(answer["detail"], "VALIDATION_FAILED");
    let mut got = codes(&answer);
    got.sort();
    assert_eq!(got, ["KYC_MISSING", "NOT_ACTIVE"]);
    let (status, answer) = sb.post_raw("/v5/orders", order_body().to_string()).await;
    assert!(status == 200 || status == 201, "{status} {answer}");
}

#[tokio::test]
async fn brand_names_and_denominations_only_as_the_catalogue_spells_them() {
    let sb = start().await;
    for (brand, denomination) in [
        ("steam", "10 USD"),
        ("STEAM WALLET", "10 USD"),
        ("Steam Wallet", "10 usd"),
        ("Steam Wallet", "$10"),
        ("Steam Wallet", "11 USD"),
    ] {
        let (status, answer) = sb
            .validate_raw(&with_delivery(
                brand,
                "US",
                denomination,
                "buyer@example.com",
            ))
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            codes(&answer),
            ["NOT_AVAILABLE_PRODUCT"],
            "{brand} / {denomination}"
        );
    }
    // In a validation, the catalogue's spelling only: a bare number is refused.
    let (_, answer) = sb
        .validate_raw(&with_delivery(
            "Steam Wallet",
            "US",
            "10 USD",
            "buyer@example.com",
        ))
        .await;
    assert!(codes(&answer).is_empty(), "{answer}");
    for denomination in ["10", "10.00"] {
        let (status, answer) = sb
            .validate_raw(&with_delivery(
                "Steam Wallet",
                "US",
                denomination,
                "buyer@example.com",
            ))
            .await;
        assert_eq!(status, 400, "{denomination}: {answer}");
        assert!(
            answer["moreDetails"]
                .as_str()
                .is_some_and(|m| m.contains("deliveries[0].denomination")),
            "{answer}"
        );
    }
    // An echoed localized denomination must name the same product.
    let mut v = valid();
    v["deliveries"][0]["localized_denomination"] = json!("$20");
    let (_, answer) = sb.validate_raw(&v).await;
    assert_eq!(codes(&answer), ["NOT_AVAILABLE_PRODUCT"]);
}

#[tokio::test]
async fn requests_lacking_what_the_reference_requires_are_refused() {
    let sb = start().await;
    let send = |headers: Vec<(&'static str, &'static str)>| {
        let mut r = sb.http.get(format!("{}/v3/payment_vias", sb.base));
        for (k, v) in headers {
            r = r.header(k, v);
        }
        r.send()
    };
    let partner = vec![("X-Cr-Application", "p"), ("X-Cr-Version", "1")];
    let st = |r: reqwest::Response| r.status().as_u16();
    let mut no_country = partner.clone();
    no_country.push(("Content-Type", "application/json"));
    assert_eq!(st(send(no_country).await.expect("send")), 400);
    let mut no_type = partner.clone();
    no_type.push(("X-Country-ISO-Code", "US"));
    assert_eq!(st(send(no_type.clone()).await.expect("send")), 415);
    no_type.push(("Content-Type", "text/plain"));
    assert_eq!(st(send(no_type).await.expect("send")), 415);

    for (path, field) in [
        ("/payment/type", "payment.type"),
        ("/lang", "lang"),
        ("/email", "email"),
    ] {
        let mut v = valid();
        let (parent, key) = path.rsplit_once('/').expect("path");
        let target = if parent.is_empty() {
            &mut v
        } else {
            v.pointer_mut(parent).expect("parent")
        };
        target.as_object_mut().expect("object").remove(key);
        let (status, answer) = sb.validate_raw(&v).await;
        assert_eq!(status, 400, "{field}: {answer}");
        assert!(
            answer["moreDetails"]
                .as_str()
                .unwrap_or_default()
                .contains(field),
            "{answer}"
        );
    }
    let mut v = valid();
    v["payment"]["type"] = json!("card");
    assert_eq!(sb.validate_raw(&v).await.0, 400);
    for (pointer, key, field) in [
        ("/deliveries/0", "kind", "kind"),
        ("/user", "email", "user.email"),
        ("", "lang", "lang"),
        (
            "/deliveries/0/deliverable",
            "beneficiary_account",
            "beneficiary_account",
        ),
    ] {
        let mut v = order_body();
        let target = if pointer.is_empty() {
            &mut v
        } else {
            v.pointer_mut(pointer).expect("parent")
        };
        target.as_object_mut().expect("object").remove(key);
        let (status, answer) = sb.post_raw("/v5/orders", v.to_string()).await;
        assert_eq!(status, 400, "{field}: {answer}");
        assert!(
            answer["moreDetails"]
                .as_str()
                .unwrap_or_default()
                .contains(field),
            "{answer}"
        );
    }
    // A kind other than the brand's is not that product.
    let mut v = order_body();
    v["deliveries"][0]["kind"] = json!("esim");
    let (status, answer) = sb.post_raw("/v5/orders", v.to_string()).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["detail"], "VALIDATION_FAILED");
}
