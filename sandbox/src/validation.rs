//! Order checks: every problem code of the partner API, triggered by documented,
//! deterministic inputs (see docs/sandbox.md). Several problems come at once.

use super::catalogue::{self, Family, INACTIVE, LOGIN_ONLY, OUT_OF_STOCK, RATE_LIMITED};
use super::payment::{self, USER_WALLET};
use super::pricing;
use super::request::Spellings;
pub use super::request::{Line, Request};
use serde_json::{Value, json};
use std::collections::HashSet;

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

/// The fixed product a line names: its face value, and whether it is out of stock.
/// The denomination as the request's spellings allow: the catalogue's
/// `denomination` (`"100 USD"`) and/or the bare face value (`"100"`); an echoed
/// localized denomination must name that same product.
fn fixed_product(
    f: &Family,
    line: &Line,
    spellings: Spellings,
    lang: catalogue::words::Lang,
) -> Option<(f64, bool)> {
    let products = catalogue::products_json(f, &line.country, "USDC", lang);
    products
        .iter()
        .filter(|p| {
            let denomination = p["denomination"].as_str().unwrap_or_default();
            let face = p["face_value"]["amount"]["price"]
                .as_str()
                .unwrap_or_default();
            (spellings.catalogue && line.denomination == denomination)
                || (spellings.bare && line.denomination == face)
        })
        .find(|p| {
            line.localized
                .as_deref()
                .is_none_or(|l| p["localized_denomination"].as_str() == Some(l))
        })
        .and_then(|p| {
            let face = p["face_value"]["amount"]["price"]
                .as_str()?
                .parse::<f64>()
                .ok()?;
            Some((face, p["is_out_of_stock"] == true))
        })
}

/// The coupon that takes 10 % off the coin amount.
pub const WELCOME: &str = "WELCOME";

/// `amount` (a 2-decimal coin amount) less 10 %, rounded up to the cent.
pub fn welcome_discount(amount: f64) -> f64 {
    let cents = (amount * 100.0).round();
    (cents * 90.0 / 100.0).ceil() / 100.0
}

/// What a top-up's beneficiary must be, when it is not: `None` when it is a phone
/// number in E.164 of the brand's country.
fn phone_problem(number: &str, country: &str) -> Option<String> {
    let code = super::countries::calling_code(country);
    let expected = match code {
        Some(c) => format!("+{c} phone number expected (E.164, a number of {country})"),
        None => "phone number in E.164 format expected".to_string(),
    };
    let ok = is_e164(number) && code.is_none_or(|c| number[1..].starts_with(&c.to_string()));
    (!ok).then_some(expected)
}

/// The smallest order total accepted, in coin.
pub const MIN_COIN_TOTAL: f64 = 1.0;
/// The largest order total accepted, in USD.
pub const MAX_USD_TOTAL: f64 = 2500.0;
/// The most products in one order.
pub const MAX_PRODUCTS: u32 = 5;

/// Checks a request against the catalogue, the payment options (less the
/// `unavailable` coin and network pairs of the shopper's country) and the triggers.
pub fn check(
    req: &Request,
    suspensions: &HashSet<String>,
    unavailable: &[(&str, &str)],
) -> Outcome {
    let offered = req
        .network
        .as_deref()
        .is_none_or(|n| !unavailable.contains(&(req.coin.as_str(), n)));
    if let Some(code) =
        payment::suspended(suspensions, &req.coin, req.network.as_deref()).filter(|_| offered)
    {
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
    if !pair_ok || !offered {
        push(
            &mut problems,
            problem_with(
                "UNSUPPORTED_PROTOCOL_COIN_COMBINATION",
                payment::pairs(unavailable),
            ),
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
        let beneficiary_problem = if f.kind == "mobile_recharge" {
            phone_problem(&line.beneficiary, &line.country)
        } else {
            (!is_email(&line.beneficiary)).then(|| "email address expected".to_string())
        };
        if let Some(why) = beneficiary_problem {
            push(
                &mut problems,
                problem_with("INVALID_BENEFICIARY_ACCOUNT", json!(why)),
            );
        }
        let currency = f.currency_in(&line.country);
        let face = match f.range_in(&line.country) {
            Some((min, max, step)) => {
                // The request reader made sure a range comes as "range" + product_value.
                match line
                    .product_value
                    .as_deref()
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
            None => match fixed_product(f, line, req.spellings, req.lang) {
                Some((v, out_of_stock)) => {
                    if out_of_stock {
                        push(&mut problems, problem("OUT_OF_STOCK"));
                    }
                    Some(v)
                }
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
    let welcome = req
        .coupon
        .as_deref()
        .is_some_and(|c| c.trim().eq_ignore_ascii_case(WELCOME));
    let charged = if welcome {
        welcome_discount(coin_total)
    } else {
        coin_total
    };
    let amount = format!("{charged:.2}");
    if problems.is_empty() {
        Outcome::Ok(amount, priced)
    } else {
        Outcome::Problems(problems, amount)
    }
}
