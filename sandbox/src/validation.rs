//! Order checks: every problem code of the partner API, triggered by documented,
//! deterministic inputs (see docs/sandbox.md). Several problems come at once.

use super::catalogue::{self, Family, INACTIVE, LOGIN_ONLY, OUT_OF_STOCK, RATE_LIMITED};
use super::payment::{self, USER_WALLET};
use super::pricing;
use serde_json::{Value, json};
use std::collections::HashSet;

/// One delivery of a request, normalised from either body shape.
#[derive(Clone, Debug)]
pub struct Line {
    pub brand: String,
    pub country: String,
    pub denomination: String,
    /// The catalogue's `localized_denomination`, when the client echoed it.
    pub localized: Option<String>,
    /// The catalogue's `product_id`, when the client echoed it.
    pub product_id: Option<String>,
    /// `deliveries[].kind` of an order (validations carry none).
    pub kind: Option<String>,
    pub product_value: Option<String>,
    pub beneficiary: String,
    pub quantity: u32,
}

/// A validation or order request, normalised.
#[derive(Clone, Debug)]
pub struct Request {
    pub email: String,
    pub payment_via: String,
    pub coin: String,
    pub network: Option<String>,
    pub coupon: Option<String>,
    pub lines: Vec<Line>,
}

/// A line that passed, with its price.
#[derive(Clone)]
pub struct Priced {
    pub family: &'static Family,
    pub line: Line,
    pub face: f64,
    pub currency: &'static str,
}

/// What checking a request found.
pub enum Outcome {
    /// HTTP-level: `{status, detail, moreDetails}`.
    Suspended(&'static str, Value),
    /// A 200 validation with problems (a 400 on order creation).
    Problems(Vec<Value>, String),
    /// Acceptable: the coin amount and the priced lines.
    Ok(String, Vec<Priced>),
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn opt_text(v: &Value, key: &str) -> Option<String> {
    Some(text(v, key)).filter(|s| !s.is_empty())
}

/// A field the reference requires: present and not blank, else why not.
fn required(v: &Value, key: &str, path: &str) -> Result<String, String> {
    Some(text(v, key))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("{path}{key} is required"))
}

/// `payment` with `type: "via"`, as the reference requires.
fn payment_of(body: &Value) -> Result<&Value, String> {
    let payment = body.get("payment").ok_or("payment is required")?;
    match required(payment, "type", "payment.")?.as_str() {
        "via" => Ok(payment),
        other => Err(format!("payment.type must be \"via\" (got {other:?})")),
    }
}

fn deliveries_of(body: &Value) -> Result<&Vec<Value>, String> {
    body.get("deliveries")
        .and_then(Value::as_array)
        .filter(|d| !d.is_empty())
        .ok_or_else(|| "deliveries must be a non-empty list".to_string())
}

/// One delivery's product fields (a validation's delivery, or an order's deliverable).
fn line_of(x: &Value, path: &str, quantity: u32, kind: Option<String>) -> Result<Line, String> {
    Ok(Line {
        brand: required(x, "brand_name", path)?,
        country: required(x, "country_code", path)?,
        denomination: required(x, "denomination", path)?,
        localized: opt_text(x, "localized_denomination"),
        product_id: opt_text(x, "product_id"),
        kind,
        product_value: opt_text(x, "product_value"),
        beneficiary: required(x, "beneficiary_account", path)?,
        quantity,
    })
}

/// Reads `POST /v5/orders/validations`: `email`, `payment.type`, `lang` and each
/// delivery's fields are required.
pub fn from_validation(body: &Value) -> Result<Request, String> {
    let payment = payment_of(body)?;
    let email = required(body, "email", "")?;
    required(body, "lang", "")?;
    let lines = deliveries_of(body)?
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let quantity = d
                .get("quantity")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .min(1000) as u32;
            line_of(d, &format!("deliveries[{i}]."), quantity, None)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Request {
        email,
        payment_via: text(payment, "payment_via"),
        coin: text(payment, "coin"),
        network: opt_text(payment, "network"),
        coupon: opt_text(body, "coupon"),
        lines,
    })
}

/// Reads `POST /v5/orders`: `payment.type`, `user.email`, `lang`, each delivery's
/// `kind` and its deliverable's fields are required.
pub fn from_order(body: &Value) -> Result<Request, String> {
    let payment = payment_of(body)?;
    let user = body.get("user").ok_or("user is required")?;
    let email = required(user, "email", "user.")?;
    required(body, "lang", "")?;
    let lines = deliveries_of(body)?
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let path = format!("deliveries[{i}].");
            let kind = required(d, "kind", &path)?;
            let quantity = d
                .get("quantity")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .min(1000) as u32;
            let x = d
                .get("deliverable")
                .ok_or_else(|| format!("{path}deliverable is required"))?;
            line_of(x, &format!("{path}deliverable."), quantity, Some(kind))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Request {
        email,
        payment_via: text(payment, "payment_via"),
        coin: text(payment, "coin"),
        network: opt_text(payment, "network"),
        coupon: opt_text(body, "coupon"),
        lines,
    })
}

/// Countries of the request that are not supported (an HTTP 400).
pub fn unknown_country(req: &Request) -> Option<String> {
    req.lines
        .iter()
        .find(|l| super::countries::name(&l.country).is_none())
        .map(|l| l.country.clone())
}

fn problem(code: &str) -> Value {
    json!({ "problem": code })
}

fn problem_with(code: &str, details: Value) -> Value {
    json!({ "problem": code, "moreDetails": details })
}

fn push(list: &mut Vec<Value>, p: Value) {
    if !list.iter().any(|q| q["problem"] == p["problem"]) {
        list.push(p);
    }
}

/// True for `+` and 7–15 digits, not starting with 0 (E.164 sets no minimum; the
/// shortest numbers in the 233 countries, Niue's and Tokelau's, have 7).
pub fn is_e164(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| {
        (7..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()) && !d.starts_with('0')
    })
}

/// A plausible email address.
pub fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((l, d)) => {
            !l.is_empty()
                && d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
                && !s.contains(' ')
                && !d.contains('@')
        }
        None => false,
    }
}

/// The face value of the fixed product a line names, spelled as the catalogue
/// spells it: its `denomination` (`"100 USD"`) or, as in the reference's order
/// example, its bare face value (`"100"`). An echoed product id or localized
/// denomination must name that same product.
fn fixed_product(f: &Family, line: &Line) -> Option<f64> {
    let products = catalogue::products_json(f, &line.country, "USDC");
    products
        .iter()
        .filter(|p| {
            let denomination = p["denomination"].as_str().unwrap_or_default();
            let face = p["face_value"]["amount"]["price"]
                .as_str()
                .unwrap_or_default();
            line.denomination == denomination || line.denomination == face
        })
        .filter(|p| {
            line.product_id
                .as_deref()
                .is_none_or(|id| p["product_id"].as_str() == Some(id))
        })
        .find(|p| {
            line.localized
                .as_deref()
                .is_none_or(|l| p["localized_denomination"].as_str() == Some(l))
        })
        .and_then(|p| {
            p["face_value"]["amount"]["price"]
                .as_str()?
                .parse::<f64>()
                .ok()
        })
}

/// The smallest order total accepted, in coin.
pub const MIN_COIN_TOTAL: f64 = 1.0;
/// The largest order total accepted, in USD.
pub const MAX_USD_TOTAL: f64 = 2500.0;
/// The most products in one order.
pub const MAX_PRODUCTS: u32 = 5;

/// Checks a request against the catalogue, the payment options and the triggers.
pub fn check(req: &Request, suspensions: &HashSet<String>) -> Outcome {
    if let Some(code) = payment::suspended(suspensions, &req.coin, req.network.as_deref()) {
        let what = match code {
            "SUSPENDED_COIN" => format!("{} payments are suspended", req.coin),
            _ => format!(
                "{} on {} is suspended",
                req.coin,
                req.network.clone().unwrap_or_default()
            ),
        };
        return Outcome::Suspended(code, json!(what));
    }
    let mut problems = Vec::new();
    if req.payment_via != USER_WALLET {
        push(
            &mut problems,
            problem_with("NOT_ALLOWED_PAYMENT_VIA", json!([USER_WALLET])),
        );
    }
    let pair_ok = payment::COINS.contains(&req.coin.as_str())
        && req
            .network
            .as_deref()
            .is_none_or(|n| payment::network(n).is_some());
    if !pair_ok {
        push(
            &mut problems,
            problem_with("UNSUPPORTED_PROTOCOL_COIN_COMBINATION", payment::pairs()),
        );
    }
    let local = req
        .email
        .split('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    for (trigger, code) in [
        ("daily-limit", "DAILY_SPENDING_LIMIT_EXCEEDED"),
        ("monthly-limit", "MONTHLY_SPENDING_LIMIT_EXCEEDED"),
        ("kyc-missing", "KYC_MISSING"),
        ("kyc-pending", "KYC_PENDING"),
        ("verify", "VERIFICATION_REQUIRED"),
        ("no-fullname", "FULLNAME_MISSING"),
    ] {
        if local == trigger {
            push(&mut problems, problem(code));
        }
    }
    if let Some(c) = &req.coupon {
        let c = c.trim().to_ascii_uppercase();
        match c.as_str() {
            "" | "WELCOME" => {}
            "REQUIRES_LOGIN" => push(&mut problems, problem("COUPON_REQUIRES_LOGIN")),
            "NOT_ACTIVE"
            | "ALREADY_SPENT"
            | "MAX_USAGE_REACHED"
            | "EXPIRED"
            | "BELOW_MIN_AMOUNT"
            | "NOT_VALID_FOR_USER"
            | "NOT_VALID_FOR_CATEGORY"
            | "NOT_VALID_FOR_KIND"
            | "NOT_VALID_FOR_BRAND"
            | "NOT_VALID_FOR_COUNTRY"
            | "NOT_VALID_FOR_STORE" => push(&mut problems, problem(&format!("COUPON_{c}"))),
            _ => push(&mut problems, problem("COUPON_NOT_FOUND")),
        }
    }
    let count: u32 = req.lines.iter().map(|l| l.quantity.max(1)).sum();
    if count > MAX_PRODUCTS {
        push(
            &mut problems,
            problem_with("PRODUCT_COUNT_EXCEEDED", json!({"max": MAX_PRODUCTS})),
        );
    }
    if req.lines.is_empty() {
        push(&mut problems, problem("NOT_AVAILABLE_PRODUCT"));
    }
    let mut priced = Vec::new();
    let mut limited = 0;
    for line in &req.lines {
        // Brand names only as the catalogue spells them; kinds only as it gives them.
        let Some(f) = catalogue::find_exact(&line.brand)
            .filter(|f| f.sells_in(&line.country))
            .filter(|f| line.kind.as_deref().is_none_or(|k| k == f.kind))
        else {
            push(&mut problems, problem("NOT_AVAILABLE_PRODUCT"));
            continue;
        };
        if f.is(OUT_OF_STOCK) {
            push(&mut problems, problem("OUT_OF_STOCK"));
        }
        if f.is(INACTIVE) {
            push(&mut problems, problem("NOT_ACTIVE"));
        }
        if f.is(LOGIN_ONLY) {
            push(&mut problems, problem("LOGIN_REQUIRED"));
        }
        if f.is(RATE_LIMITED) {
            limited += line.quantity.max(1);
        }
        let beneficiary_ok = if f.kind == "mobile_recharge" {
            is_e164(&line.beneficiary)
        } else {
            is_email(&line.beneficiary)
        };
        if !beneficiary_ok {
            push(
                &mut problems,
                problem_with(
                    "INVALID_BENEFICIARY_ACCOUNT",
                    json!(if f.kind == "mobile_recharge" {
                        "phone number in E.164 format expected"
                    } else {
                        "email address expected"
                    }),
                ),
            );
        }
        let currency = f.currency_in(&line.country);
        let face = match (f.range_in(&line.country), line.denomination.as_str()) {
            (Some((min, max, step)), _) => {
                let wanted = line
                    .product_value
                    .as_deref()
                    .or(Some(line.denomination.as_str()).filter(|d| *d != "range"));
                match wanted
                    .and_then(|v| v.split_whitespace().next())
                    .and_then(|v| v.parse::<f64>().ok())
                    .filter(|v| v.is_finite())
                {
                    Some(v) if v < min => {
                        push(
                            &mut problems,
                            problem_with(
                                "AMOUNT_LESS_THEN_MINIMUM_ALLOWED",
                                json!({"min": catalogue::fmt_num(min), "currency": currency}),
                            ),
                        );
                        None
                    }
                    Some(v) if v > max => {
                        push(
                            &mut problems,
                            problem_with(
                                "MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED",
                                json!({"max": catalogue::fmt_num(max), "currency": currency}),
                            ),
                        );
                        None
                    }
                    Some(v) if step > 0.0 && ((v - min) / step).fract().abs() > 1e-9 => {
                        push(&mut problems, problem("NOT_AVAILABLE_PRODUCT"));
                        None
                    }
                    Some(v) => Some(v),
                    None => {
                        push(&mut problems, problem("NOT_AVAILABLE_PRODUCT"));
                        None
                    }
                }
            }
            (None, _) => match fixed_product(f, line) {
                Some(v) => Some(v),
                None => {
                    push(&mut problems, problem("NOT_AVAILABLE_PRODUCT"));
                    None
                }
            },
        };
        if let Some(face) = face {
            priced.push(Priced {
                family: f,
                line: line.clone(),
                face,
                currency,
            });
        }
    }
    if limited > 1 {
        push(
            &mut problems,
            problem("MULTIPLE_LIMITED_PRODUCT_SAME_ORDER"),
        );
    }
    let coin = if payment::COINS.contains(&req.coin.as_str()) {
        req.coin.as_str()
    } else {
        "USDC"
    };
    let usd: f64 = priced
        .iter()
        .map(|p| pricing::usd_value(p.face, p.currency) * f64::from(p.line.quantity.max(1)))
        .sum();
    let coin_total: f64 = priced
        .iter()
        .map(|p| {
            pricing::coin_amount(p.face, p.currency, coin)
                .parse::<f64>()
                .unwrap_or(0.0)
                * f64::from(p.line.quantity.max(1))
        })
        .sum();
    if !priced.is_empty() && coin_total < MIN_COIN_TOTAL {
        push(
            &mut problems,
            problem_with(
                "AMOUNT_LESS_THEN_MINIMUM_ALLOWED",
                json!({"min_coin_amount": MIN_COIN_TOTAL}),
            ),
        );
    }
    if usd > MAX_USD_TOTAL {
        push(
            &mut problems,
            problem_with(
                "MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED",
                json!({"max_usd": MAX_USD_TOTAL}),
            ),
        );
    }
    let amount = format!("{coin_total:.2}");
    if problems.is_empty() {
        Outcome::Ok(amount, priced)
    } else {
        Outcome::Problems(problems, amount)
    }
}
