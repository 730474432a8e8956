//! The partner API endpoints, with the upstream's paths and field names.

use super::dialect::Dialect;
use super::request::{self, Reading};
use super::validation::{self, Outcome};
use super::{Sandbox, catalogue, error, payment};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;

type Params = Query<HashMap<String, String>>;

fn logo_base(sb: &Sandbox, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("127.0.0.1");
    format!("http://{host}{}/logos", sb.inner.config.mount_prefix)
}

/// A refusal in the upstream's `{status, detail, moreDetails}` shape, made a response late.
struct Refusal(StatusCode, &'static str, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        error(self.0, self.1, &self.2)
    }
}

fn country(params: &HashMap<String, String>, key: &str) -> Result<String, Refusal> {
    let cc = params
        .get(key)
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    if super::countries::name(&cc).is_some() {
        Ok(cc)
    } else {
        Err(Refusal(
            StatusCode::BAD_REQUEST,
            "UNSUPPORTED_COUNTRY",
            format!("country {cc:?} is not supported"),
        ))
    }
}

/// `GET /v3/payment_vias`.
pub async fn payment_vias(State(sb): State<Sandbox>, headers: HeaderMap) -> Response {
    let s = sb.suspensions();
    let d = &sb.inner.dialects;
    let unavailable = d.unavailable_in(&header_country(&headers));
    let evm_token = sb.inner.config.chains.first().map(|c| c.token.as_str());
    Json(d.finish(payment::vias_json(
        &s,
        &logo_base(&sb, &headers),
        unavailable,
        evm_token,
    )))
    .into_response()
}

/// `GET /v2/brands?country_code=`.
pub async fn brands(State(sb): State<Sandbox>, Query(q): Params, headers: HeaderMap) -> Response {
    let cc = match country(&q, "country_code") {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    let base = logo_base(&sb, &headers);
    let all: Vec<Value> = catalogue::FAMILIES
        .iter()
        .filter(|f| f.sells_in(&cc))
        .map(|f| catalogue::brand_json(f, &cc, &base))
        .collect();
    let mut groups: Vec<(String, String, Vec<Value>)> = Vec::new();
    for b in &all {
        let (k, c) = (
            b["kind"].as_str().unwrap_or_default(),
            b["category"].as_str().unwrap_or_default(),
        );
        match groups.iter_mut().find(|g| g.0 == k && g.1 == c) {
            Some(g) => g.2.push(b.clone()),
            None => groups.push((k.into(), c.into(), vec![b.clone()])),
        }
    }
    let categories: Vec<Value> = groups
        .into_iter()
        .map(|(kind, category, brands)| json!({"kind": kind, "category": category, "brands": brands}))
        .collect();
    Json(
        sb.inner
            .dialects
            .brands(json!({"country_code": cc, "all_brands": all, "categories": categories})),
    )
    .into_response()
}

/// `GET /v2/homepage?country_code=`: sections of brands.
pub async fn homepage(State(sb): State<Sandbox>, Query(q): Params, headers: HeaderMap) -> Response {
    let cc = match country(&q, "country_code") {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    let base = logo_base(&sb, &headers);
    let pick = |pred: &dyn Fn(&catalogue::Family) -> bool, n: usize| -> Vec<Value> {
        catalogue::FAMILIES
            .iter()
            .filter(|f| f.sells_in(&cc) && !f.is(catalogue::INACTIVE) && pred(f))
            .take(n)
            .map(|f| catalogue::brand_json(f, &cc, &base))
            .collect()
    };
    let trending = pick(
        &|f| f.kind == "giftcard" && !matches!(f.markets, catalogue::Markets::Global),
        6,
    );
    let trending = if trending.is_empty() {
        pick(&|f| f.kind == "giftcard", 6)
    } else {
        trending
    };
    Json(sb.inner.dialects.brands(json!({
        "country_code": cc,
        "sections": [
            {"title": "Trending gift cards", "brands": trending},
            {"title": "Travel with an eSIM", "brands": pick(&|f| f.kind == "esim", 4)},
            {"title": "Top up a phone", "brands": pick(&|f| f.kind == "mobile_recharge", 4)},
        ],
    })))
    .into_response()
}

/// `GET /v5/products/country/{cc}?family_name=&coin=&lang=`.
pub async fn products(
    State(sb): State<Sandbox>,
    Path(cc): Path<String>,
    Query(q): Params,
    headers: HeaderMap,
) -> Response {
    let mut p = q.clone();
    p.insert("cc".into(), cc);
    let cc = match country(&p, "cc") {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    let Some(name) = q.get("family_name").filter(|f| !f.trim().is_empty()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "FAMILY_NAME_REQUIRED",
            "family_name is required",
        );
    };
    let coin = q
        .get("coin")
        .map(String::as_str)
        .filter(|c| payment::COINS.contains(c))
        .unwrap_or("USDC");
    let base = logo_base(&sb, &headers);
    let list: Vec<Value> = catalogue::find(name)
        .filter(|f| f.sells_in(&cc))
        .map(|f| {
            let lang = catalogue::words::Lang::of(q.get("lang").map(String::as_str));
            catalogue::family_json(f, &cc, coin, &base, lang)
        })
        .into_iter()
        .collect();
    // An unknown family is an empty list, as a search with no match.
    Json(sb.inner.dialects.finish(Value::Array(list))).into_response()
}

/// `GET /v4/products/price?brand_name=&country_code=&face_value=&coin=`.
pub async fn price(State(sb): State<Sandbox>, Query(q): Params) -> Response {
    let cc = match country(&q, "country_code") {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    let coin = q.get("coin").cloned().unwrap_or_else(|| "USDC".into());
    let network = q.get("network").cloned();
    if let Some(code) = payment::suspended(&sb.suspensions(), &coin, network.as_deref()) {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            "this coin or network is suspended",
        );
    }
    if !payment::COINS.contains(&coin.as_str()) {
        return error(
            StatusCode::BAD_REQUEST,
            "UNSUPPORTED_COIN",
            "coin must be USDC or USDT",
        );
    }
    let Some(f) = q
        .get("brand_name")
        .and_then(|b| catalogue::find_exact(b))
        .filter(|f| f.sells_in(&cc))
    else {
        return error(
            StatusCode::NOT_FOUND,
            "NOT_AVAILABLE_PRODUCT",
            "no such brand in this country",
        );
    };
    let Some(face) = q
        .get("face_value")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0)
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_FACE_VALUE",
            "face_value must be a positive number",
        );
    };
    let cur = f.currency_in(&cc);
    let fits = match f.range_in(&cc) {
        Some((min, max, _)) => face >= min && face <= max,
        None => f.fixed_values(&cc).iter().any(|v| f64::from(*v) == face),
    };
    if !fits {
        return error(
            StatusCode::NOT_FOUND,
            "NOT_AVAILABLE_PRODUCT",
            "no product with this face value",
        );
    }
    let suffix = if f.range_in(&cc).is_some() {
        "range".to_string()
    } else {
        catalogue::fmt_num(face)
    };
    let mut answer = json!({
        "product_id": format!("{}-{}-{suffix}", f.slug, cc.to_lowercase()),
        "is_dynamic": f.range_in(&cc).is_some(),
        "coin": coin,
        "coin_amount": super::pricing::coin_amount(face, cur, &coin),
        "payment_method": format!("{coin}-{}", network.as_deref().unwrap_or("SOLANA").to_uppercase()),
        "face_value": {"currency_code": cur, "amount": catalogue::fmt_num(face)},
    });
    if let Some((min, max, step)) = f.range_in(&cc) {
        answer["range"] = json!({"min": catalogue::fmt_num(min), "max": catalogue::fmt_num(max), "currency": cur, "step_size": catalogue::fmt_num(step)});
    }
    Json(sb.inner.dialects.finish(answer)).into_response()
}

fn parse_body(body: &[u8]) -> Result<Value, Refusal> {
    serde_json::from_slice(body).map_err(|e| {
        Refusal(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            format!("body is not JSON: {e}"),
        )
    })
}

/// The shopper's country, from `X-Country-ISO-Code` (checked by the header layer).
fn header_country(headers: &HeaderMap) -> String {
    headers
        .get("x-country-iso-code")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A validation or order body read by `reader`, its countries supported.
fn read_request(
    body: &[u8],
    reader: fn(&Value, Reading) -> Result<validation::Request, String>,
    reading: Reading,
) -> Result<validation::Request, Refusal> {
    let req = parse_body(body).and_then(|v| {
        reader(&v, reading).map_err(|e| Refusal(StatusCode::BAD_REQUEST, "INVALID_REQUEST", e))
    })?;
    match validation::unknown_country(&req) {
        Some(cc) => Err(Refusal(
            StatusCode::BAD_REQUEST,
            "UNSUPPORTED_COUNTRY",
            format!("country {cc:?} is not supported"),
        )),
        None => Ok(req),
    }
}

/// `POST /v5/orders/validations`.
pub async fn validate(
    State(sb): State<Sandbox>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let d = &sb.inner.dialects;
    let req = match read_request(&body, request::from_validation, d.reading()) {
        Ok(r) => r,
        Err(r) => return r.into_response(),
    };
    count_lang(&sb, &body, "POST /v5/orders/validations");
    let unavailable = d.unavailable_in(&header_country(&headers));
    match validation::check(&req, &sb.suspensions(), unavailable) {
        Outcome::Suspended(code, details) => suspended(code, details),
        Outcome::Problems(p, _) if d.on(Dialect::Problems4xx) => (
            StatusCode::BAD_REQUEST,
            Json(d.finish(json!({"status": 400, "detail": "VALIDATION_FAILED", "problems": p}))),
        )
            .into_response(),
        Outcome::Problems(p, _) if d.on(Dialect::ProblemsArray) => {
            Json(d.finish(json!(p))).into_response()
        }
        Outcome::Ok(..) if d.on(Dialect::ProblemsArray) => {
            Json(d.finish(json!([]))).into_response()
        }
        Outcome::Problems(p, amount) => {
            Json(d.finish(json!({"coin": req.coin, "coin_amount": amount, "problems": p})))
                .into_response()
        }
        Outcome::Ok(amount, _) => {
            Json(d.finish(json!({"coin": req.coin, "coin_amount": amount, "problems": null})))
                .into_response()
        }
    }
}

fn suspended(code: &str, details: Value) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({"status": 422, "detail": code, "moreDetails": details})),
    )
        .into_response()
}

/// `POST /v5/orders`.
pub async fn create(
    State(sb): State<Sandbox>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let d = &sb.inner.dialects;
    let req = match read_request(&body, request::from_order, d.reading()) {
        Ok(r) => r,
        Err(r) => return r.into_response(),
    };
    count_lang(&sb, &body, "POST /v5/orders");
    let Some(network) = req.network.clone() else {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "payment.network is required",
        );
    };
    let unavailable = d.unavailable_in(&header_country(&headers));
    match validation::check(&req, &sb.suspensions(), unavailable) {
        Outcome::Suspended(code, details) => suspended(code, details),
        Outcome::Problems(p, _) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"status": 400, "detail": "VALIDATION_FAILED", "problems": p})),
        )
            .into_response(),
        Outcome::Ok(amount, lines) => {
            let terms = crate::orders::Terms {
                coin: &req.coin,
                network: &network,
                coin_amount: &amount,
                email: &req.email,
                lang: req.lang,
                token: sb.token(&req.coin, &network),
            };
            let order = sb.inner.store.create(&lines, terms, sb.now());
            (StatusCode::CREATED, Json(sb.inner.dialects.order(&order))).into_response()
        }
    }
}

/// `GET /v5/orders/{id}`.
pub async fn order(State(sb): State<Sandbox>, Path(id): Path<String>) -> Response {
    sb.inner.store.expire(sb.now());
    match sb.inner.store.get(&id) {
        Some(o) => Json(sb.inner.dialects.order(&o)).into_response(),
        None => error(StatusCode::NOT_FOUND, "ORDER_NOT_FOUND", "no such order"),
    }
}

/// `GET /logos/{file}`.
pub async fn logo(State(sb): State<Sandbox>, Path(file): Path<String>) -> Response {
    match sb.inner.logos.get(&file) {
        Some((bytes, content_type)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            bytes,
        )
            .into_response(),
        None => error(StatusCode::NOT_FOUND, "LOGO_NOT_FOUND", "no such logo"),
    }
}

/// Counts the `lang` a JSON order body asked for (`lang=tr POST /v5/orders` in
/// `/control/stats`), so tests see which language reached the upstream.
fn count_lang(sb: &Sandbox, body: &[u8], what: &str) {
    let lang = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("lang").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_default();
    crate::count(sb, format!("lang={lang} {what}"));
}
