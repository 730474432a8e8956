//! Reading `POST /v5/orders/validations` and `POST /v5/orders` bodies: exactly the
//! fields of the reference's examples (plus the named guesses `coupon` and, for
//! custom amounts, `denomination:"range"` with `product_value`), or, in the
//! `extra_fields_ignored` dialect, those fields with everything else ignored.
//! A body of another shape is refused (400 `INVALID_REQUEST`) with the field named.

use super::catalogue::{self, Family};
use serde_json::{Map, Value};

/// How a body is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Only the reference's fields and the named guesses: anything else is refused.
    Strict,
    /// The reference's fields; every other field is ignored (coupon included).
    IgnoreExtras,
}

/// How a fixed product's denomination may be spelled in a request.
#[derive(Clone, Copy, Debug, Default)]
pub struct Spellings {
    /// The catalogue's `denomination` (`"100 USD"`), as in the validation example.
    pub catalogue: bool,
    /// The bare face value (`"100"`), as in the order example.
    pub bare: bool,
}

/// One delivery of a request, normalised from either body shape.
#[derive(Clone, Debug)]
pub struct Line {
    /// Where the delivery's product fields are (`deliveries[0].`), for messages.
    pub path: String,
    pub brand: String,
    pub country: String,
    pub denomination: String,
    /// The catalogue's `localized_denomination`, when a validation echoed it.
    pub localized: Option<String>,
    /// `deliveries[].kind` of an order (validations carry none).
    pub kind: Option<String>,
    /// The amount of a custom-amount product (with `denomination:"range"`).
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
    /// The denomination spellings this request may use for fixed products.
    pub spellings: Spellings,
    /// The language the request asks for (`lang`: its words, and an echoed
    /// localized denomination's).
    pub lang: crate::catalogue::words::Lang,
}

/// A JSON object of the body, and where it is (`payment.`), for messages.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
    reading: Reading,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, path: &str, name: &str, reading: Reading) -> Result<Obj<'a>, String> {
        let map = v
            .as_object()
            .ok_or_else(|| format!("{} must be a JSON object", name_of(path, name)))?;
        Ok(Obj {
            map,
            path: path.to_string(),
            reading,
        })
    }

    fn name(&self, key: &str) -> String {
        format!("{}{key}", self.path)
    }

    /// Refuses (strict reading) a field not in `allowed`; `why` explains a known one.
    fn only(&self, allowed: &[&str], why: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        if self.reading == Reading::IgnoreExtras {
            return Ok(());
        }
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            None => Ok(()),
            Some(k) => Err(why(k).unwrap_or_else(|| {
                format!(
                    "{} is not a field the reference sends here (expected: {})",
                    self.name(k),
                    allowed.join(", ")
                )
            })),
        }
    }

    /// An optional string field (trimmed); another type is refused.
    fn string(&self, key: &str) -> Result<Option<String>, String> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::Null) if self.reading == Reading::IgnoreExtras => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(_) => Err(format!("{} must be a string", self.name(key))),
        }
    }

    /// A string field the reference requires: present and not blank.
    fn required(&self, key: &str) -> Result<String, String> {
        self.string(key)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("{} is required", self.name(key)))
    }

    /// A required object field.
    fn object(&self, key: &str) -> Result<Obj<'a>, String> {
        let v = self
            .map
            .get(key)
            .ok_or_else(|| format!("{} is required", self.name(key)))?;
        Obj::new(
            v,
            &format!("{}{key}.", self.path),
            &self.name(key),
            self.reading,
        )
    }

    /// An optional object field.
    fn optional_object(&self, key: &str) -> Result<Option<Obj<'a>>, String> {
        match self.map.get(key) {
            None => Ok(None),
            Some(_) => self.object(key).map(Some),
        }
    }

    /// The non-empty list of deliveries.
    fn deliveries(&self) -> Result<&'a Vec<Value>, String> {
        self.map
            .get("deliveries")
            .and_then(Value::as_array)
            .filter(|d| !d.is_empty())
            .ok_or_else(|| "deliveries must be a non-empty list".to_string())
    }
}

fn name_of(path: &str, fallback: &str) -> String {
    if fallback.is_empty() {
        path.trim_end_matches('.').to_string()
    } else {
        fallback.to_string()
    }
}

/// The top-level object of a body.
fn body_of(body: &Value, reading: Reading) -> Result<Obj<'_>, String> {
    Obj::new(body, "", "the body", reading)
}

/// `payment` with `type: "via"`, as the reference requires.
fn payment_of<'a>(body: &Obj<'a>) -> Result<Obj<'a>, String> {
    let payment = body.object("payment")?;
    match payment.required("type")?.as_str() {
        "via" => Ok(payment),
        other => Err(format!("payment.type must be \"via\" (got {other:?})")),
    }
}

/// The `coupon` (a named guess: the reference names coupon problems, no field);
/// ignored with the extras.
fn coupon_of(body: &Obj) -> Result<Option<String>, String> {
    match body.reading {
        Reading::Strict => body.string("coupon"),
        Reading::IgnoreExtras => Ok(None),
    }
}

/// Why a field the reference never sends is refused, when it is a known mistake.
fn known_mistake(path: &str, key: &str, request: &str) -> Option<String> {
    match key {
        "product_id" => Some(format!(
            "{path}product_id is not part of {request}: a product is named by brand_name, \
             country_code and denomination"
        )),
        "quantity" => Some(format!(
            "{path}quantity is not part of a validation: send one delivery per card"
        )),
        "localized_denomination" => Some(format!(
            "{path}localized_denomination is not part of an order: the reference sends \
             brand_name, country_code, denomination and beneficiary_account"
        )),
        "network" => Some(format!(
            "{path}network is not part of a validation: its payment has type, payment_via and coin"
        )),
        _ => None,
    }
}

/// Reads `POST /v5/orders/validations`.
pub fn from_validation(body: &Value, reading: Reading) -> Result<Request, String> {
    let top = body_of(body, reading)?;
    top.only(
        &["email", "payment", "deliveries", "lang", "coupon"],
        |_| None,
    )?;
    let payment = payment_of(&top)?;
    payment.only(&["type", "payment_via", "coin"], |k| {
        known_mistake("payment.", k, "a validation")
    })?;
    let email = top.required("email")?;
    let lang = crate::catalogue::words::Lang::of(Some(&top.required("lang")?));
    let lines = top
        .deliveries()?
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let path = format!("deliveries[{i}].");
            let x = Obj::new(d, &path, "", reading)?;
            x.only(
                &[
                    "beneficiary_account",
                    "brand_name",
                    "country_code",
                    "denomination",
                    "localized_denomination",
                    "product_value",
                ],
                |k| known_mistake(&path, k, "a validation"),
            )?;
            line_of(&x, 1, None)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let req = Request {
        email,
        payment_via: payment.string("payment_via")?.unwrap_or_default(),
        coin: payment.string("coin")?.unwrap_or_default(),
        network: None,
        coupon: coupon_of(&top)?,
        lines,
        spellings: Spellings {
            catalogue: true,
            bare: reading == Reading::IgnoreExtras,
        },
        lang,
    };
    spelled_right(req, reading, Endpoint::Validation)
}

/// Reads `POST /v5/orders`.
pub fn from_order(body: &Value, reading: Reading) -> Result<Request, String> {
    let top = body_of(body, reading)?;
    top.only(
        &[
            "deliveries",
            "payment",
            "user",
            "lang",
            "acquisition",
            "coupon",
        ],
        |_| None,
    )?;
    let payment = payment_of(&top)?;
    payment.only(&["type", "coin", "network", "payment_via"], |_| None)?;
    let user = top.object("user")?;
    user.only(&["email", "has_accepted_newsletter"], |_| None)?;
    let email = user.required("email")?;
    if !matches!(
        user.map.get("has_accepted_newsletter"),
        None | Some(Value::Bool(_))
    ) && reading == Reading::Strict
    {
        return Err("user.has_accepted_newsletter must be true or false".into());
    }
    let lang = crate::catalogue::words::Lang::of(Some(&top.required("lang")?));
    if let Some(acquisition) = top.optional_object("acquisition")? {
        acquisition.only(&["utm_source"], |_| None)?;
        acquisition.string("utm_source")?;
    }
    let lines = top
        .deliveries()?
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let path = format!("deliveries[{i}].");
            let delivery = Obj::new(d, &path, "", reading)?;
            delivery.only(&["kind", "quantity", "deliverable"], |k| {
                known_mistake(&path, k, "an order")
            })?;
            let kind = delivery.required("kind")?;
            let quantity = match d.get("quantity") {
                None => 1,
                Some(q) => q
                    .as_u64()
                    .filter(|q| *q >= 1)
                    .map(|q| q.min(1000) as u32)
                    .ok_or_else(|| format!("{path}quantity must be a whole number from 1"))?,
            };
            let x = delivery.object("deliverable")?;
            let inner = format!("{path}deliverable.");
            x.only(
                &[
                    "brand_name",
                    "country_code",
                    "denomination",
                    "beneficiary_account",
                    "product_value",
                ],
                |k| known_mistake(&inner, k, "an order"),
            )?;
            line_of(&x, quantity, Some(kind))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let req = Request {
        email,
        payment_via: payment.string("payment_via")?.unwrap_or_default(),
        coin: payment.string("coin")?.unwrap_or_default(),
        network: payment.string("network")?.filter(|n| !n.is_empty()),
        coupon: coupon_of(&top)?,
        lines,
        spellings: Spellings {
            catalogue: reading == Reading::IgnoreExtras,
            bare: true,
        },
        lang,
    };
    spelled_right(req, reading, Endpoint::Order)
}

/// One delivery's product fields (a validation's delivery, or an order's deliverable).
fn line_of(x: &Obj, quantity: u32, kind: Option<String>) -> Result<Line, String> {
    Ok(Line {
        path: x.path.clone(),
        brand: x.required("brand_name")?,
        country: x.required("country_code")?,
        denomination: x.required("denomination")?,
        // Not in the order example (refused there, or ignored with the extras).
        localized: if kind.is_some() {
            None
        } else {
            x.string("localized_denomination")?
        },
        kind,
        product_value: x.string("product_value")?.filter(|v| !v.is_empty()),
        beneficiary: x.required("beneficiary_account")?,
        quantity,
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Endpoint {
    Validation,
    Order,
}

/// True for a plain decimal number (`"100"`, `"10.00"`).
fn is_plain_number(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_digit() || c == '.')
        && s.chars().filter(|c| *c == '.').count() <= 1
        && s.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// The family a line names, as the catalogue spells it, where it sells.
fn family_of(line: &Line) -> Option<&'static Family> {
    catalogue::find_exact(&line.brand).filter(|f| f.sells_in(&line.country))
}

/// Checks each line's denomination against the form its product takes: custom
/// amounts as `"range"` with `product_value`; fixed ones as the endpoint's example
/// spells them (strict), or either spelling (extras ignored).
fn spelled_right(
    mut req: Request,
    reading: Reading,
    endpoint: Endpoint,
) -> Result<Request, String> {
    for line in &mut req.lines {
        let path = line.path.clone();
        let range = line.denomination == "range";
        let family = family_of(line);
        let is_range = family.and_then(|f| f.range_in(&line.country)).is_some();
        if line.product_value.is_some() && !(range && (is_range || family.is_none())) {
            match reading {
                Reading::Strict => {
                    return Err(format!(
                        "{path}product_value is only sent with denomination \"range\" on a \
                         custom-amount product"
                    ));
                }
                Reading::IgnoreExtras => line.product_value = None,
            }
        }
        let Some(f) = family else { continue };
        if is_range {
            if !range {
                return Err(format!(
                    "{path}denomination must be \"range\", with product_value holding the \
                     amount: {} is a custom amount",
                    f.name
                ));
            }
            if line.product_value.is_none() {
                return Err(format!(
                    "{path}product_value is required with denomination \"range\""
                ));
            }
            continue;
        }
        let currency = f.currency_in(&line.country);
        let example = f.fixed_values(&line.country).last().copied().unwrap_or(100);
        if range {
            return Err(format!(
                "{path}denomination \"range\" is for custom amounts: {} has fixed \
                 denominations, e.g. \"{example} {currency}\"",
                f.name
            ));
        }
        if reading == Reading::IgnoreExtras {
            continue;
        }
        let d = line.denomination.as_str();
        match endpoint {
            Endpoint::Validation if is_plain_number(d) => {
                return Err(format!(
                    "{path}denomination must be the catalogue's denomination, e.g. \"{d} {currency}\""
                ));
            }
            Endpoint::Order => {
                if let Some((number, _)) = d.split_once(' ').filter(|(n, _)| is_plain_number(n)) {
                    return Err(format!(
                        "{path}denomination must be the face value, e.g. \"{number}\""
                    ));
                }
            }
            Endpoint::Validation => {}
        }
    }
    Ok(req)
}
