//! Request shapes over real HTTP: the reference's examples are accepted as they
//! are; anything else is refused (400 `INVALID_REQUEST`, the field named) unless
//! the `extra_fields_ignored` dialect is on. Coupons that change the price, top-up
//! numbers of the brand's country, a single product out of stock.

use crate::common;

use common::{Sb, start};
use serde_json::{Value, json};

/// The reference's validation example, word for word (Airbnb, US, 100 USD, $100).
fn reference_validation(email: &str) -> Value {
    json!({
        "email": email,
        "payment": {"type": "via", "payment_via": "USER_WALLET", "coin": "USDC"},
        "deliveries": [{
            "beneficiary_account": email,
            "brand_name": "Airbnb",
            "country_code": "US",
            "denomination": "100 USD",
            "localized_denomination": "$100",
        }],
        "lang": "en",
    })
}

/// The reference's order example, word for word.
fn reference_order(email: &str) -> Value {
    json!({
        "deliveries": [{
            "kind": "giftcard",
            "quantity": 1,
            "deliverable": {
                "brand_name": "Airbnb",
                "country_code": "US",
                "denomination": "100",
                "beneficiary_account": email,
            },
        }],
        "payment": {"type": "via", "coin": "USDC", "network": "Solana", "payment_via": "USER_WALLET"},
        "user": {"email": email, "has_accepted_newsletter": true},
        "lang": "en",
        "acquisition": {"utm_source": "your_platform"},
    })
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

impl Sb {
    async fn validate(&self, body: &Value) -> (u16, Value) {
        self.post("/v5/orders/validations", body).await
    }

    async fn create(&self, body: &Value) -> (u16, Value) {
        self.post("/v5/orders", body).await
    }
}

/// Asserts a 400 `INVALID_REQUEST` whose moreDetails holds every one of `words`.
fn assert_refused(what: &str, (status, answer): (u16, Value), words: &[&str]) {
    assert_eq!(status, 400, "{what}: {answer}");
    assert_eq!(answer["detail"], "INVALID_REQUEST", "{what}: {answer}");
    let more = answer["moreDetails"].as_str().unwrap_or_default();
    for w in words {
        assert!(more.contains(w), "{what}: {w:?} not in {more:?}");
    }
}

#[tokio::test]
async fn the_reference_examples_are_accepted_as_they_are() {
    let sb = start().await;
    // The placeholder is not an email: a problem, not a refusal of the shape.
    let (status, answer) = sb.validate(&reference_validation("END_USER_EMAIL")).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(codes(&answer), ["INVALID_BENEFICIARY_ACCOUNT"]);
    let (status, answer) = sb
        .validate(&reference_validation("buyer@example.com"))
        .await;
    assert_eq!(
        (status, &answer["problems"]),
        (200, &Value::Null),
        "{answer}"
    );
    assert_eq!(answer["coin_amount"], "101.70");
    let (status, order) = sb.create(&reference_order("buyer@example.com")).await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["coin_amount"], "101.70");
}

#[tokio::test]
async fn a_validation_of_another_shape_is_refused_naming_the_field() {
    let sb = start().await;
    let base = || reference_validation("buyer@example.com");
    let mut cases: Vec<(&str, Value, Vec<&str>)> = Vec::new();
    let mut v = base();
    v["payment"]["network"] = json!("Solana");
    cases.push(("network", v, vec!["payment.network"]));
    let mut v = base();
    v["deliveries"][0]["product_id"] = json!("airbnb-us-100");
    cases.push(("product_id", v, vec!["deliveries[0].product_id"]));
    let mut v = base();
    v["deliveries"][0]["quantity"] = json!(1);
    cases.push(("quantity", v, vec!["deliveries[0].quantity"]));
    let mut v = base();
    v["utm_source"] = json!("x");
    cases.push(("unknown top-level", v, vec!["utm_source"]));
    let mut v = base();
    v["payment"]["wallet"] = json!("x");
    cases.push(("unknown payment field", v, vec!["payment.wallet"]));
    let mut v = base();
    v["deliveries"][0]["denomination"] = json!("100");
    v["deliveries"][0]
        .as_object_mut()
        .expect("delivery")
        .remove("localized_denomination");
    cases.push((
        "bare face value",
        v,
        vec!["deliveries[0].denomination", "\"100 USD\""],
    ));
    let mut v = base();
    v["deliveries"][0]["product_value"] = json!("100");
    cases.push((
        "product_value on a fixed product",
        v,
        vec!["deliveries[0].product_value", "range"],
    ));
    let mut v = base();
    v["deliveries"][0] = json!({"beneficiary_account": "buyer@example.com",
        "brand_name": "Binance Gift Card", "country_code": "US", "denomination": "100"});
    cases.push((
        "a literal amount for a custom amount",
        v,
        vec!["deliveries[0].denomination", "\"range\""],
    ));
    let mut v = base();
    v["deliveries"][0] = json!({"beneficiary_account": "buyer@example.com",
        "brand_name": "Binance Gift Card", "country_code": "US", "denomination": "range"});
    cases.push((
        "range without product_value",
        v,
        vec!["deliveries[0].product_value"],
    ));
    let mut v = base();
    v["deliveries"][0]["denomination"] = json!("range");
    cases.push((
        "range on a fixed product",
        v,
        vec!["deliveries[0].denomination"],
    ));
    let mut v = base();
    v["coupon"] = json!(42);
    cases.push(("a coupon that is not a string", v, vec!["coupon"]));
    let mut v = base();
    v["email"] = json!(["buyer@example.com"]);
    cases.push(("an email that is not a string", v, vec!["email"]));
    for (what, body, words) in cases {
        assert_refused(what, sb.validate(&body).await, &words);
    }
    // The named guesses are accepted: a coupon, and a custom amount as "range" + product_value.
    let mut v = base();
    v["coupon"] = json!("WELCOME");
    v["deliveries"][0] = json!({"beneficiary_account": "buyer@example.com",
        "brand_name": "Binance Gift Card", "country_code": "US", "denomination": "range",
        "product_value": "100"});
    let (status, answer) = sb.validate(&v).await;
    assert_eq!(
        (status, &answer["problems"]),
        (200, &Value::Null),
        "{answer}"
    );
}

#[tokio::test]
async fn an_order_of_another_shape_is_refused_naming_the_field() {
    let sb = start().await;
    let base = || reference_order("buyer@example.com");
    let mut cases: Vec<(&str, Value, Vec<&str>)> = Vec::new();
    let mut v = base();
    v["deliveries"][0]["deliverable"]["denomination"] = json!("100 USD");
    cases.push((
        "the catalogue's spelling",
        v,
        vec![
            "deliveries[0].deliverable.denomination must be the face value",
            "\"100\"",
        ],
    ));
    let mut v = base();
    v["deliveries"][0]["deliverable"]["product_id"] = json!("airbnb-us-100");
    cases.push((
        "product_id",
        v,
        vec!["deliveries[0].deliverable.product_id"],
    ));
    let mut v = base();
    v["deliveries"][0]["deliverable"]["localized_denomination"] = json!("$100");
    cases.push((
        "localized_denomination",
        v,
        vec!["deliveries[0].deliverable.localized_denomination"],
    ));
    let mut v = base();
    v["deliveries"][0]["deliverable"]["product_value"] = json!("100");
    cases.push((
        "product_value on a fixed product",
        v,
        vec!["deliveries[0].deliverable.product_value"],
    ));
    let mut v = base();
    v["deliveries"][0]["product_id"] = json!("airbnb-us-100");
    cases.push((
        "product_id on the delivery",
        v,
        vec!["deliveries[0].product_id"],
    ));
    let mut v = base();
    v["email"] = json!("buyer@example.com");
    cases.push(("a top-level email", v, vec!["email"]));
    let mut v = base();
    v["user"]["name"] = json!("Ann");
    cases.push(("user.name", v, vec!["user.name"]));
    let mut v = base();
    v["payment"]["chain_id"] = json!(1);
    cases.push(("payment.chain_id", v, vec!["payment.chain_id"]));
    let mut v = base();
    v["acquisition"]["utm_medium"] = json!("x");
    cases.push(("acquisition.utm_medium", v, vec!["acquisition.utm_medium"]));
    let mut v = base();
    v["payment"]
        .as_object_mut()
        .expect("payment")
        .remove("network");
    cases.push(("no network", v, vec!["payment.network"]));
    let mut v = base();
    v["deliveries"][0]["quantity"] = json!(0);
    cases.push(("quantity 0", v, vec!["deliveries[0].quantity"]));
    let mut v = base();
    v["user"]["has_accepted_newsletter"] = json!("yes");
    cases.push((
        "newsletter not a boolean",
        v,
        vec!["user.has_accepted_newsletter"],
    ));
    let mut v = base();
    v["deliveries"][0]["deliverable"] = json!({"brand_name": "Binance Gift Card",
        "country_code": "US", "denomination": "100", "beneficiary_account": "buyer@example.com"});
    cases.push((
        "a literal amount for a custom amount",
        v,
        vec!["deliveries[0].deliverable.denomination", "\"range\""],
    ));
    for (what, body, words) in cases {
        assert_refused(what, sb.create(&body).await, &words);
    }
    let mut v = base();
    v["coupon"] = json!("WELCOME");
    v["deliveries"][0]["deliverable"] = json!({"brand_name": "Binance Gift Card",
        "country_code": "US", "denomination": "range", "product_value": "100",
        "beneficiary_account": "buyer@example.com"});
    let (status, order) = sb.create(&v).await;
    assert_eq!(status, 201, "{order}");
}

#[tokio::test]
async fn welcome_takes_ten_percent_off_the_coin_amount() {
    let sb = start().await;
    let mut v = reference_validation("buyer@example.com");
    v["coupon"] = json!("WELCOME");
    let (_, answer) = sb.validate(&v).await;
    assert_eq!(answer["problems"], Value::Null, "{answer}");
    assert_eq!(
        answer["coin_amount"], "91.53",
        "101.70 less 10 %, up to the cent"
    );
    let mut o = reference_order("buyer@example.com");
    o["coupon"] = json!("WELCOME");
    let (status, order) = sb.create(&o).await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["coin_amount"], "91.53");
    let (_, fetched) = sb
        .get(&format!(
            "/v5/orders/{}",
            order["order_id"].as_str().unwrap_or_default()
        ))
        .await;
    assert_eq!(fetched["coin_amount"], "91.53");
    // Another coupon keeps its problem and the price.
    v["coupon"] = json!("EXPIRED");
    let (_, answer) = sb.validate(&v).await;
    assert_eq!(codes(&answer), ["COUPON_EXPIRED"]);
    assert_eq!(answer["coin_amount"], "101.70");
}

#[tokio::test]
async fn with_extra_fields_ignored_anything_else_is_accepted_and_ignored() {
    let sb = start().await;
    sb.dialects(&["extra_fields_ignored"]).await;
    let mut v = reference_validation("buyer@example.com");
    v["coupon"] = json!("WELCOME");
    v["payment"]["network"] = json!("Lightning");
    v["deliveries"][0]["product_id"] = json!("not-a-product");
    v["deliveries"][0]["quantity"] = json!(3);
    v["utm"] = json!({"a": 1});
    let (status, answer) = sb.validate(&v).await;
    assert_eq!(
        (status, &answer["problems"]),
        (200, &Value::Null),
        "{answer}"
    );
    assert_eq!(
        answer["coin_amount"], "101.70",
        "coupon and quantity ignored"
    );
    // An unknown coupon is no problem either.
    v["coupon"] = json!("NO-SUCH-COUPON");
    let (_, answer) = sb.validate(&v).await;
    assert_eq!(answer["problems"], Value::Null, "{answer}");
    // Both spellings on both requests.
    v["deliveries"][0]["denomination"] = json!("100");
    let (_, answer) = sb.validate(&v).await;
    assert_eq!(answer["problems"], Value::Null, "{answer}");
    let mut o = reference_order("buyer@example.com");
    o["coupon"] = json!("WELCOME");
    o["deliveries"][0]["deliverable"]["denomination"] = json!("100 USD");
    o["deliveries"][0]["deliverable"]["localized_denomination"] = json!("$100");
    o["deliveries"][0]["deliverable"]["product_id"] = json!("whatever");
    o["user"]["name"] = json!("Ann");
    let (status, order) = sb.create(&o).await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["coin_amount"], "101.70", "coupon ignored");
    // A custom amount still comes as "range" + product_value.
    o["deliveries"][0]["deliverable"] = json!({"brand_name": "Binance Gift Card",
        "country_code": "US", "denomination": "100", "beneficiary_account": "buyer@example.com"});
    assert_refused(
        "a literal amount for a custom amount",
        sb.create(&o).await,
        &["\"range\""],
    );
    // Back to strict.
    sb.dialects(&[]).await;
    let mut v = reference_validation("buyer@example.com");
    v["payment"]["network"] = json!("Solana");
    assert_refused("network again", sb.validate(&v).await, &["payment.network"]);
}

#[tokio::test]
async fn a_top_up_number_must_be_of_the_brand_country() {
    let sb = start().await;
    let validation = |number: &str| {
        json!({
            "email": "buyer@example.com",
            "payment": {"type": "via", "payment_via": "USER_WALLET", "coin": "USDC"},
            "deliveries": [{"beneficiary_account": number, "brand_name": "Viettel",
                "country_code": "VN", "denomination": "100000 VND"}],
            "lang": "vi",
        })
    };
    let order = |number: &str| {
        let mut o = reference_order("buyer@example.com");
        o["deliveries"][0] = json!({"kind": "mobile_recharge", "quantity": 1, "deliverable": {
            "brand_name": "Viettel", "country_code": "VN", "denomination": "100000",
            "beneficiary_account": number}});
        o
    };
    for number in ["+14155551234", "0912345678", "+84"] {
        let (status, answer) = sb.validate(&validation(number)).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(codes(&answer), ["INVALID_BENEFICIARY_ACCOUNT"], "{number}");
        let more = answer["problems"][0]["moreDetails"].to_string();
        assert!(more.contains("+84 phone number expected"), "{more}");
        let (status, answer) = sb.create(&order(number)).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(codes(&answer), ["INVALID_BENEFICIARY_ACCOUNT"], "{number}");
    }
    let (_, answer) = sb.validate(&validation("+84912345678")).await;
    assert_eq!(answer["problems"], Value::Null, "{answer}");
    assert_eq!(sb.create(&order("+84912345678")).await.0, 201);
    // The global top-up too: a British number for a British top-up.
    let mut v = validation("+14155551234");
    v["deliveries"][0] = json!({"beneficiary_account": "+14155551234",
        "brand_name": "Mobile Top-up", "country_code": "GB", "denomination": "range",
        "product_value": "20"});
    let (_, answer) = sb.validate(&v).await;
    assert_eq!(codes(&answer), ["INVALID_BENEFICIARY_ACCOUNT"]);
    v["deliveries"][0]["beneficiary_account"] = json!("+447700900123");
    let (_, answer) = sb.validate(&v).await;
    assert_eq!(answer["problems"], Value::Null, "{answer}");
}

#[tokio::test]
async fn one_product_is_out_of_stock_while_its_brand_is_not() {
    let sb = start().await;
    let (_, brands) = sb.get("/v2/brands?country_code=US").await;
    let target = brands["all_brands"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["family"] == "target"))
        .cloned()
        .expect("Target");
    assert_eq!(target["is_out_of_stock"], false);
    let (_, families) = sb
        .get("/v5/products/country/US?family_name=target&coin=USDC&lang=en")
        .await;
    assert_eq!(families[0]["is_out_of_stock"], false);
    let stock: Vec<(Value, Value)> = families[0]["products"]
        .as_array()
        .expect("products")
        .iter()
        .map(|p| (p["denomination"].clone(), p["is_out_of_stock"].clone()))
        .collect();
    assert!(stock.contains(&(json!("50 USD"), json!(true))), "{stock:?}");
    assert!(
        stock.contains(&(json!("25 USD"), json!(false))),
        "{stock:?}"
    );
    let body = |denomination: &str| {
        let mut v = reference_validation("buyer@example.com");
        v["deliveries"][0] = json!({"beneficiary_account": "buyer@example.com",
            "brand_name": "Target", "country_code": "US", "denomination": denomination});
        v
    };
    let (_, answer) = sb.validate(&body("50 USD")).await;
    assert_eq!(codes(&answer), ["OUT_OF_STOCK"]);
    let (_, answer) = sb.validate(&body("25 USD")).await;
    assert_eq!(answer["problems"], Value::Null, "{answer}");
    let mut o = reference_order("buyer@example.com");
    o["deliveries"][0]["deliverable"]["brand_name"] = json!("Target");
    o["deliveries"][0]["deliverable"]["denomination"] = json!("50");
    let (status, answer) = sb.create(&o).await;
    assert_eq!(
        (status, codes(&answer)),
        (400, vec!["OUT_OF_STOCK".to_string()])
    );
}
