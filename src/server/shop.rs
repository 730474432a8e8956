//! The shop's server-side service: checks checkout input, prices, validates and
//! creates orders through the upstream. Prices, validations and orders are never cached.

use crate::error::{AppError, FieldIssue};
use crate::model::beneficiary::{parse_beneficiary, parse_email};
use crate::model::catalog::{Kind, ProductFamily, is_valid_family};
use crate::model::checkout::{
    CheckoutForm, MAX_AMOUNT, MAX_PAY, Quote, is_valid_coupon, is_valid_idempotency_key,
    length_issues, parse_pay,
};
use crate::model::countries;
use crate::model::lenient;
use crate::model::money::Amount;
use crate::model::order::{Order, is_valid_order_id};
use crate::model::payment::{PayOption, USER_WALLET, pay_options};
use crate::model::problem::{Field, Problem};
use crate::server::config::Config;
use crate::server::draft_cookie::DraftSigner;
use crate::server::order_ledger::{OrderLedger, Refusal};
use crate::server::phone::parse_top_up_number;
use crate::server::ratelimit::Limiter;
use crate::server::upstream::catalogue::Catalogue;
use crate::server::upstream::error::problems_of;
use crate::server::upstream::{Shopper, UpstreamClient, UpstreamError};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// The server's shop: configuration, upstream client and catalogue.
pub struct Shop {
    pub config: Config,
    pub client: UpstreamClient,
    pub catalogue: Catalogue,
    /// What is known of order ids (guards the partner's quota).
    pub ledger: OrderLedger,
    /// Seals refused no-JavaScript forms into a cookie.
    pub drafts: DraftSigner,
    /// Orders by idempotency key + form, bounded, for [`IDEMPOTENCY_WINDOW`].
    placed: moka::sync::Cache<String, PlacedSlot>,
}

/// The order placed under one idempotency key (filled once the upstream answers).
type PlacedSlot = Arc<tokio::sync::Mutex<Option<Order>>>;

/// A checkout that passed every local check, ready for the upstream.
#[derive(Clone, Debug)]
pub struct PreparedOrder {
    pub country: String,
    pub brand_name: String,
    pub kind: Kind,
    pub face_value: Amount,
    pub currency: String,
    pub localized: String,
    pub is_range: bool,
    pub coin: String,
    pub network: String,
    pub beneficiary: String,
    pub email: String,
    pub coupon: Option<String>,
}

#[derive(Deserialize)]
struct PriceAnswer {
    #[serde(default, deserialize_with = "lenient::string")]
    coin_amount: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    coin: Option<String>,
}

/// How long a placed order answers repeats of its idempotency key.
const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(60 * 60);

impl Shop {
    /// A shop talking to the upstream at `base`.
    pub fn new(config: Config, base: &str) -> Result<Shop, String> {
        let client = UpstreamClient::new(
            base,
            &config.partner_id,
            &config.app_version,
            config.connect_timeout,
            config.request_timeout,
        )?;
        let client = client.with_quota(Arc::new(Limiter::new(config.upstream_rate_per_minute)));
        let catalogue = Catalogue::new(client.clone(), config.cache_ttl, config.cache_stale);
        Ok(Shop {
            drafts: DraftSigner::new(&config.cookie_secret),
            placed: moka::sync::Cache::builder()
                .max_capacity(config.idempotency_max_keys)
                .time_to_live(IDEMPOTENCY_WINDOW)
                .build(),
            ledger: OrderLedger::default(),
            config,
            client,
            catalogue,
        })
    }

    /// The coin + network choices, suspended ones marked.
    pub async fn pay_options(&self, shopper: &Shopper) -> Result<Vec<PayOption>, AppError> {
        Ok(pay_options(&self.catalogue.payment_vias(shopper).await?))
    }

    /// A product family of the shopper's country (input checked first).
    pub async fn family(
        &self,
        shopper: &Shopper,
        family: &str,
    ) -> Result<Arc<ProductFamily>, AppError> {
        check_country(&shopper.country)?;
        if !is_valid_family(family) {
            return Err(AppError::NotFound("This brand".into()));
        }
        // A family the country's (cached) directory doesn't list costs no upstream call.
        if let Ok(dir) = self.catalogue.brands(shopper).await
            && !dir
                .all_brands
                .iter()
                .any(|b| b.family.eq_ignore_ascii_case(family))
        {
            return Err(AppError::NotFound("This brand".into()));
        }
        self.catalogue
            .family(shopper, family)
            .await
            .map_err(|e| match e {
                UpstreamError::NotFound => AppError::NotFound("This brand".into()),
                other => other.into(),
            })
    }

    /// The exact coin amount of a face value (amount checked against the product first).
    pub async fn quote(
        &self,
        shopper: &Shopper,
        family: &str,
        amount: &str,
        pay: &str,
    ) -> Result<Quote, AppError> {
        let mut issues = length_issues(&[
            (Field::Amount, amount, MAX_AMOUNT),
            (Field::Payment, pay, MAX_PAY),
        ]);
        if !issues.is_empty() {
            return Err(AppError::Invalid(issues));
        }
        let fam = self.family(shopper, family).await?;
        let picked = pick_amount(&fam, amount, &mut issues);
        let options = self.pay_options(shopper).await?;
        let choice = pick_pay(&options, pay, &mut issues);
        let ((face, currency, _, _), (coin, network)) = match (picked, choice) {
            (Some(p), Some(c)) if issues.is_empty() => (p, c),
            _ => return Err(AppError::Invalid(issues)),
        };
        let face_text = face.to_string();
        let answer: PriceAnswer = self
            .client
            .get_json(
                "/v4/products/price",
                &[
                    ("brand_name", fam.brand.as_str()),
                    ("country_code", shopper.country.as_str()),
                    ("face_value", face_text.as_str()),
                    ("coin", coin.as_str()),
                    ("network", network.as_str()),
                ],
                shopper,
            )
            .await?;
        if Amount::parse(&answer.coin_amount).is_none() {
            return Err(UpstreamError::Undecodable("price without coin_amount".into()).into());
        }
        Ok(Quote {
            coin: answer.coin.unwrap_or(coin),
            network,
            coin_amount: answer.coin_amount,
            face_value: face_text,
            currency,
        })
    }

    /// Every local check of a checkout form, all problems reported at once.
    pub async fn prepare(
        &self,
        shopper: &Shopper,
        form: &CheckoutForm,
    ) -> Result<PreparedOrder, AppError> {
        let mut issues = form.length_issues();
        if !issues.is_empty() {
            return Err(AppError::Invalid(issues));
        }
        let fam = self.family(shopper, &form.family).await?;
        let options = self.pay_options(shopper).await?;
        let picked = pick_amount(&fam, &form.amount, &mut issues);
        let choice = pick_pay(&options, &form.pay, &mut issues);
        let beneficiary = check_beneficiary(&fam.kind, &form.beneficiary, &shopper.country)
            .map_err(|e| issues.push(issue(Field::Beneficiary, e)))
            .ok();
        let email = parse_email(&form.email)
            .map_err(|e| issues.push(issue(Field::Email, e.to_string())))
            .ok();
        let coupon = form.coupon.trim().to_uppercase();
        if !is_valid_coupon(&coupon) {
            issues.push(issue(
                Field::Coupon,
                "Coupon codes are letters, digits and dashes only.",
            ));
        }
        match (picked, choice, beneficiary, email) {
            (
                Some((face_value, currency, localized, is_range)),
                Some((coin, network)),
                Some(beneficiary),
                Some(email),
            ) if issues.is_empty() => Ok(PreparedOrder {
                country: shopper.country.clone(),
                brand_name: fam.brand.clone(),
                kind: fam.kind.clone(),
                face_value,
                currency,
                localized,
                is_range,
                coin,
                network,
                beneficiary,
                email,
                coupon: (!coupon.is_empty()).then_some(coupon),
            }),
            _ => Err(AppError::Invalid(issues)),
        }
    }

    /// `POST /v5/orders/validations`: the upstream's problems, or the price to pay.
    pub async fn validate(
        &self,
        shopper: &Shopper,
        form: &CheckoutForm,
    ) -> Result<Quote, AppError> {
        let order = self.prepare(shopper, form).await?;
        self.validate_prepared(shopper, &order).await
    }

    async fn validate_prepared(
        &self,
        shopper: &Shopper,
        o: &PreparedOrder,
    ) -> Result<Quote, AppError> {
        let mut delivery = json!({
            "beneficiary_account": o.beneficiary,
            "brand_name": o.brand_name,
            "country_code": o.country,
            "denomination": if o.is_range { "range".to_string() } else { format!("{} {}", o.face_value, o.currency) },
            "localized_denomination": o.localized,
        });
        if o.is_range {
            delivery["product_value"] = json!(o.face_value.to_string());
        }
        let mut body = json!({
            "email": o.email,
            "payment": {"type": "via", "payment_via": USER_WALLET, "coin": o.coin, "network": o.network},
            "deliveries": [delivery],
            "lang": "en",
        });
        if let Some(c) = &o.coupon {
            body["coupon"] = json!(c);
        }
        let answer: serde_json::Value = self
            .client
            .post_json("/v5/orders/validations", &body, shopper)
            .await?;
        if let Some(problems) = problems_of(&answer).filter(|p| !p.is_empty()) {
            return Err(AppError::Rejected(problems));
        }
        let coin_amount = answer
            .get("coin_amount")
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        Ok(Quote {
            coin: o.coin.clone(),
            network: o.network.clone(),
            coin_amount,
            face_value: o.face_value.to_string(),
            currency: o.currency.clone(),
        })
    }

    /// Validates, then `POST /v5/orders`. The same idempotency key with the same
    /// form gives the same order, however many times and however concurrently it comes.
    pub async fn create(&self, shopper: &Shopper, form: &CheckoutForm) -> Result<Order, AppError> {
        let key = form.idempotency_key.trim();
        if !is_valid_idempotency_key(key) {
            return Err(AppError::invalid(
                Field::Order,
                "This form has expired. Reload the page and try again.",
            ));
        }
        let o = self.prepare(shopper, form).await?;
        let slot = self.placed_slot(&format!("{key}/{}", fingerprint(&o)));
        let mut placed = slot.lock().await;
        if let Some(order) = placed.as_ref() {
            return Ok(order.clone());
        }
        self.validate_prepared(shopper, &o).await?;
        let mut deliverable = json!({
            "brand_name": o.brand_name,
            "country_code": o.country,
            "denomination": if o.is_range { "range".to_string() } else { o.face_value.to_string() },
            "beneficiary_account": o.beneficiary,
        });
        if o.is_range {
            deliverable["product_value"] = json!(o.face_value.to_string());
        }
        let mut body = json!({
            "deliveries": [{"kind": o.kind.as_str(), "quantity": 1, "deliverable": deliverable}],
            "payment": {"type": "via", "coin": o.coin, "network": o.network, "payment_via": USER_WALLET},
            "user": {"email": o.email, "has_accepted_newsletter": false},
            "lang": "en",
            "acquisition": {"utm_source": "storefront"},
        });
        if let Some(c) = &o.coupon {
            body["coupon"] = json!(c);
        }
        let order: Order = self.client.post_json("/v5/orders", &body, shopper).await?;
        if !is_valid_order_id(&order.order_id)
            || order.wallet_address.as_deref().unwrap_or("").is_empty()
        {
            return Err(
                UpstreamError::Undecodable("order without id or wallet address".into()).into(),
            );
        }
        tracing::info!(order_id = %order.order_id, brand = %o.brand_name, "order created");
        self.ledger.found(&order.order_id);
        *placed = Some(order.clone());
        Ok(order)
    }

    fn placed_slot(&self, key: &str) -> PlacedSlot {
        self.placed
            .get_with_by_ref(key, || Arc::new(tokio::sync::Mutex::new(None)))
    }

    /// Entries held per visitor: idempotency keys (drafts live in a cookie).
    pub fn held_entries(&self) -> usize {
        self.placed.run_pending_tasks();
        self.placed.entry_count() as usize
    }

    /// Runs pending evictions of the bounded stores now (tests, reports).
    pub fn run_pending_maintenance(&self) {
        self.placed.run_pending_tasks();
    }

    /// `GET /v5/orders/{id}`.
    pub async fn order(&self, shopper: &Shopper, id: &str) -> Result<Order, AppError> {
        if !is_valid_order_id(id) {
            return Err(AppError::NotFound("This order".into()));
        }
        match self.ledger.admit(id, shopper.client) {
            Ok(()) => {}
            Err(Refusal::Missing) => return Err(AppError::NotFound("This order".into())),
            Err(Refusal::TooMany(wait)) => {
                return Err(AppError::RateLimited {
                    retry_after: Some(wait),
                });
            }
        }
        let path = format!("/v5/orders/{id}");
        let order: Order =
            self.client
                .get_json(&path, &[], shopper)
                .await
                .map_err(|e| match e {
                    UpstreamError::NotFound => {
                        self.ledger.lost(id);
                        AppError::NotFound("This order".into())
                    }
                    other => other.into(),
                })?;
        self.ledger.found(id);
        if order.order_id.is_empty() {
            return Err(UpstreamError::Undecodable("order without id".into()).into());
        }
        Ok(order)
    }
}

/// What makes two submissions the same order.
fn fingerprint(o: &PreparedOrder) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{}",
        o.country,
        o.brand_name,
        o.face_value,
        o.coin,
        o.network,
        o.beneficiary,
        o.email,
        o.coupon.as_deref().unwrap_or_default()
    )
}

fn issue(field: Field, message: impl Into<String>) -> FieldIssue {
    FieldIssue {
        field,
        message: message.into(),
    }
}

/// A beneficiary for the product kind: a top-up number valid for its country
/// (libphonenumber, E.164 out), else an email address.
fn check_beneficiary(kind: &Kind, input: &str, country: &str) -> Result<String, String> {
    match kind {
        Kind::MobileRecharge => parse_top_up_number(input, country).map_err(|e| e.to_string()),
        _ => parse_beneficiary(kind, input).map_err(|e| e.to_string()),
    }
}

/// Refuses a country outside the 233 before any upstream call.
pub fn check_country(cc: &str) -> Result<(), AppError> {
    match countries::find(cc) {
        Some(c) if c.code == cc => Ok(()),
        _ => Err(AppError::NotFound("This country".into())),
    }
}

/// Matches a typed amount to a fixed denomination or the family's range.
/// Returns (face value, currency, localized label, is range).
fn pick_amount(
    fam: &ProductFamily,
    input: &str,
    issues: &mut Vec<FieldIssue>,
) -> Option<(Amount, String, String, bool)> {
    let wanted = Amount::parse(input);
    if let Some(w) = wanted
        && let Some(p) = fam
            .fixed_products()
            .into_iter()
            .find(|p| p.fixed_value() == Some(w))
    {
        return Some((w, p.currency(), p.label(), false));
    }
    match fam.range_product() {
        Some(p) => {
            let rule = p.amount_rule()?;
            match rule.check(input) {
                Ok(a) => Some((
                    a,
                    rule.currency.clone(),
                    format!("{a} {}", rule.currency),
                    true,
                )),
                Err(e) => {
                    issues.push(issue(Field::Amount, e.to_string()));
                    None
                }
            }
        }
        None => {
            let msg = if input.trim().is_empty() {
                "Choose an amount."
            } else {
                "Choose one of the amounts shown."
            };
            issues.push(issue(Field::Amount, msg));
            None
        }
    }
}

/// Matches a coin + network choice to an open payment option.
fn pick_pay(
    options: &[PayOption],
    value: &str,
    issues: &mut Vec<FieldIssue>,
) -> Option<(String, String)> {
    let Some((coin, network)) = parse_pay(value) else {
        issues.push(issue(
            Field::Payment,
            "Choose a coin and network to pay with.",
        ));
        return None;
    };
    match options
        .iter()
        .find(|o| o.coin == coin && o.network == network)
    {
        None => {
            issues.push(issue(
                Field::Payment,
                "This coin and network pair isn't offered. Choose one from the list.",
            ));
            None
        }
        Some(o) if o.suspended => {
            issues.push(issue(
                Field::Payment,
                Problem::new("SUSPENDED_NETWORK").message(),
            ));
            None
        }
        Some(_) => Some((coin, network)),
    }
}
