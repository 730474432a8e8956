//! The shop's server-side service: checks checkout input, prices, validates and
//! creates orders through the upstream. Price quotes are reused for a few seconds
//! (the order fixes the final price); validations and orders are never cached.

use crate::error::{AppError, FieldIssue};
use crate::i18n::td_string;
use crate::lang::locale;
use crate::model::beneficiary::{parse_beneficiary, parse_email};
use crate::model::cart::{Cart, CartCheckout};
use crate::model::catalog::{Kind, ProductFamily, is_valid_family};
use crate::model::checkout::{
    CheckoutForm, CouponOutcome, MAX_AMOUNT, MAX_PAY, Quote, is_valid_coupon,
    is_valid_idempotency_key, length_issues, parse_pay,
};
use crate::model::countries;
use crate::model::lenient;
use crate::model::money::Amount;
use crate::model::order::{Order, is_valid_order_id};
use crate::model::payment::{PayOption, pay_options};
use crate::model::problem::{Field, Problem};
use crate::server::cart_cookie::CartSigner;
use crate::server::config::Config;
use crate::server::draft_cookie::DraftSigner;
use crate::server::idempotency::{Idempotency, Placed, Turn};
use crate::server::order_intent::{self, IntentLine, OrderIntent};
use crate::server::order_ledger::{OrderLedger, Refusal};
use crate::server::phone::parse_top_up_number;
use crate::server::ratelimit::Limiter;
use crate::server::shared_store::{SharedStore, hashed_key};
use crate::server::upstream::cache::Cache;
use crate::server::upstream::catalogue::Catalogue;
use crate::server::upstream::requests::{
    Acquisition, Deliverable, OrderDelivery, OrderRequest, Payment, User, ValidationDelivery,
    ValidationPayment, ValidationRequest,
};
use crate::server::upstream::{Shopper, UpstreamClient, UpstreamError};
use serde::Deserialize;
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
    /// Seals carts into a cookie.
    pub carts: CartSigner,
    /// Price answers by brand, country, face value, coin and network, for
    /// `quote_ttl` (single-flight: one upstream call per key per TTL).
    quotes: Cache<PriceAnswer>,
    /// Orders that reached a final state (they no longer change), by id.
    finished: moka::sync::Cache<String, Order>,
    /// Orders by idempotency key + form, for [`IDEMPOTENCY_WINDOW`], in `store`.
    placed: Idempotency,
    /// What the instances of this shop share (in process by default): idempotency
    /// keys, known order ids, pay choices, rate-limit buckets.
    pub store: Arc<dyn SharedStore>,
}

/// How long the coin and network of an order are remembered.
const PAY_CHOICE_FOR: Duration = Duration::from_secs(7 * 24 * 3600);

/// One line of an order that passed its local checks, ready for the upstream.
#[derive(Clone, Debug)]
pub struct PreparedLine {
    /// The brand family's slug and the amount choice, as the form sent them.
    pub family: String,
    pub amount: String,
    pub brand_name: String,
    pub kind: Kind,
    pub face_value: Amount,
    pub currency: String,
    /// The catalogue's own spelling (`"100 USD"`), or `"range"` for a custom amount.
    pub denomination: String,
    /// The catalogue's `localized_denomination`, when it gave one.
    pub localized: Option<String>,
    /// The catalogue's product id, when it gave one.
    pub product_id: Option<String>,
    pub is_range: bool,
    pub beneficiary: String,
    /// Cards of this line (1 for the one-card checkout).
    pub quantity: u32,
}

/// An order (one card from the checkout, or a cart's lines) ready for the upstream.
#[derive(Clone, Debug)]
pub struct PreparedOrder {
    pub country: String,
    pub lines: Vec<PreparedLine>,
    pub coin: String,
    pub network: String,
    pub email: String,
    pub coupon: Option<String>,
}

/// Problems that belong to one line of a cart rather than to the whole order.
fn is_line_problem(p: &Problem) -> bool {
    matches!(p.field(), Field::Amount | Field::Beneficiary)
        || matches!(
            p.problem.as_str(),
            "PRODUCT_COUNT_EXCEEDED" | "MULTIPLE_LIMITED_PRODUCT_SAME_ORDER" | "LOGIN_REQUIRED"
        )
}

/// A local issue of a cart's line `index`: the line's field, whatever the checkout's.
fn on_line(index: usize, mut issue: FieldIssue) -> FieldIssue {
    if matches!(
        issue.field,
        Field::Amount | Field::Beneficiary | Field::Order
    ) {
        issue.field = Field::Item(u8::try_from(index).unwrap_or(u8::MAX));
    }
    issue
}

#[derive(Clone, Deserialize)]
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
        let store = crate::server::shared_store::from_config(
            config.redis_url.as_deref(),
            config.idempotency_max_keys,
            config.redis_timeout,
        )?;
        let client = client.with_quota(Arc::new(Limiter::new(
            "upstream",
            config.upstream_rate_per_minute,
            store.clone(),
        )));
        let catalogue = Catalogue::new(client.clone(), config.cache_ttl, config.cache_stale);
        Ok(Shop {
            drafts: DraftSigner::new(&config.cookie_secret),
            carts: CartSigner::new(&config.cookie_secret),
            quotes: Cache::new(config.quote_ttl, Duration::ZERO),
            finished: moka::sync::Cache::builder()
                .max_capacity(config.idempotency_max_keys)
                .time_to_live(Duration::from_secs(3600))
                .build(),
            // A repeat waits for the validation and the order call (each within
            // the request timeout) of the first submission.
            placed: Idempotency::new(
                store.clone(),
                IDEMPOTENCY_WINDOW,
                config.request_timeout * 2 + config.redis_timeout * 4,
            ),
            ledger: OrderLedger::new(store.clone()),
            store,
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
            return Err(AppError::NotFound(crate::error::Missing::Brand));
        }
        // A family the country's (cached) directory doesn't list costs no upstream call.
        if let Ok(dir) = self.catalogue.brands(shopper).await
            && !dir
                .all_brands
                .iter()
                .any(|b| b.family.eq_ignore_ascii_case(family))
        {
            return Err(AppError::NotFound(crate::error::Missing::Brand));
        }
        self.catalogue
            .family(shopper, family)
            .await
            .map_err(|e| match e {
                UpstreamError::NotFound => AppError::NotFound(crate::error::Missing::Brand),
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
        let (Picked { face, currency, .. }, (coin, network)) = match (picked, choice) {
            (Some(p), Some(c)) if issues.is_empty() => (p, c),
            _ => return Err(AppError::Invalid(issues)),
        };
        let face_text = face.to_string();
        let answer = self
            .price(shopper, &fam.brand, &face_text, &coin, &network)
            .await?;
        Ok(Quote {
            coin: answer.coin.unwrap_or(coin),
            network,
            coin_amount: answer.coin_amount,
            face_value: face_text,
            currency,
            coupon: None,
        })
    }

    /// `GET /v4/products/price` of one face value, reused for `quote_ttl`
    /// (single-flight); an answer without a readable coin amount is an error.
    async fn price(
        &self,
        shopper: &Shopper,
        brand: &str,
        face: &str,
        coin: &str,
        network: &str,
    ) -> Result<PriceAnswer, AppError> {
        let key = format!("{brand}|{}|{face}|{coin}|{network}", shopper.country);
        let ask = || async {
            let answer: PriceAnswer = self
                .client
                .get_json(
                    "/v4/products/price",
                    &[
                        ("brand_name", brand),
                        ("country_code", shopper.country.as_str()),
                        ("face_value", face),
                        ("coin", coin),
                        ("network", network),
                    ],
                    shopper,
                )
                .await?;
            Ok(answer)
        };
        let answer = if self.config.quote_ttl.is_zero() {
            ask().await?
        } else {
            self.quotes.get(&key, ask).await?
        };
        if Amount::parse(&answer.coin_amount).is_none() {
            return Err(UpstreamError::Undecodable("price without coin_amount".into()).into());
        }
        Ok(answer)
    }

    /// The full price of an order's lines (no coupon), from the price quotes;
    /// `None` when any of them can't be had.
    async fn full_price(&self, shopper: &Shopper, o: &PreparedOrder) -> Option<String> {
        let mut total = Amount::default();
        for l in &o.lines {
            let face = l.face_value.to_string();
            let one = self
                .price(shopper, &l.brand_name, &face, &o.coin, &o.network)
                .await
                .ok()?;
            let one = Amount::parse(&one.coin_amount)?;
            total = total.checked_add(one.checked_mul(i64::from(l.quantity.max(1)))?)?;
        }
        Some(total.to_string())
    }

    /// The local checks of one line: brand, amount and recipient. The line is
    /// there whenever the brand and amount could be read, even when the recipient
    /// failed a check (then as typed), so the upstream can still be asked about
    /// the rest and no problem hides another.
    async fn prepare_line(
        &self,
        shopper: &Shopper,
        family: &str,
        amount: &str,
        beneficiary: &str,
        quantity: u32,
        issues: &mut Vec<FieldIssue>,
    ) -> Result<Option<PreparedLine>, AppError> {
        let fam = self.family(shopper, family).await?;
        let picked = pick_amount(&fam, amount, issues);
        let beneficiary = check_beneficiary(&fam.kind, beneficiary, &shopper.country)
            .unwrap_or_else(|e| {
                issues.push(issue(Field::Beneficiary, e));
                beneficiary.trim().to_string()
            });
        Ok(picked.map(|p| PreparedLine {
            family: family.to_string(),
            amount: amount.trim().to_string(),
            brand_name: fam.brand.clone(),
            kind: fam.kind.clone(),
            face_value: p.face,
            currency: p.currency,
            denomination: p.denomination,
            localized: p.localized,
            product_id: p.product_id,
            is_range: p.is_range,
            beneficiary,
            quantity,
        }))
    }

    /// The local checks of payment, email and coupon, issues pushed to `issues`.
    fn prepare_payment(
        options: &[PayOption],
        pay: &str,
        email: &str,
        coupon: &str,
        issues: &mut Vec<FieldIssue>,
    ) -> (Option<(String, String)>, String, Option<String>) {
        let choice = pick_pay(options, pay, issues);
        let email = parse_email(email).unwrap_or_else(|e| {
            issues.push(issue(Field::Email, e.message(locale())));
            email.trim().to_string()
        });
        let coupon = coupon.trim().to_uppercase();
        if !is_valid_coupon(&coupon) {
            issues.push(issue(
                Field::Coupon,
                td_string!(locale(), errors.coupon_characters),
            ));
        }
        let coupon = (!coupon.is_empty() && is_valid_coupon(&coupon)).then_some(coupon);
        (choice, email, coupon)
    }

    /// Every local check of a checkout form, all problems reported at once: the
    /// order a form describes and what the checks found (see [`Shop::prepare_line`]).
    async fn prepare_parts(
        &self,
        shopper: &Shopper,
        form: &CheckoutForm,
    ) -> Result<(PreparedOrder, Vec<FieldIssue>), AppError> {
        let mut issues = form.length_issues();
        if !issues.is_empty() {
            return Err(AppError::Invalid(issues));
        }
        let line = self
            .prepare_line(
                shopper,
                &form.family,
                &form.amount,
                &form.beneficiary,
                1,
                &mut issues,
            )
            .await?;
        let options = self.pay_options(shopper).await?;
        let (choice, email, coupon) =
            Self::prepare_payment(&options, &form.pay, &form.email, &form.coupon, &mut issues);
        let (Some(line), Some((coin, network))) = (line, choice) else {
            return Err(AppError::Invalid(issues));
        };
        let order = PreparedOrder {
            country: shopper.country.clone(),
            lines: vec![line],
            coin,
            network,
            email,
            coupon,
        };
        Ok((order, issues))
    }

    /// The local checks of a cart line to be added (brand, amount, recipient):
    /// the issues on the checkout's fields, or nothing.
    pub async fn check_line(
        &self,
        shopper: &Shopper,
        family: &str,
        amount: &str,
        beneficiary: &str,
    ) -> Result<(), AppError> {
        let mut issues = length_issues(&[
            (Field::Order, family, 64),
            (Field::Amount, amount, MAX_AMOUNT),
            (
                Field::Beneficiary,
                beneficiary,
                crate::model::checkout::MAX_CONTACT,
            ),
        ]);
        if !issues.is_empty() {
            return Err(AppError::Invalid(issues));
        }
        let line = self
            .prepare_line(shopper, family, amount, beneficiary, 1, &mut issues)
            .await?;
        match line {
            Some(_) if issues.is_empty() => Ok(()),
            _ => Err(AppError::Invalid(issues)),
        }
    }

    /// Every local check of a cart and its pay form: issues of a line on that
    /// line (`Field::Item`), the rest on their fields.
    async fn prepare_cart(
        &self,
        shopper: &Shopper,
        cart: &Cart,
        pay: &CartCheckout,
    ) -> Result<(PreparedOrder, Vec<FieldIssue>), AppError> {
        let mut issues = pay.length_issues();
        if !issues.is_empty() {
            return Err(AppError::Invalid(issues));
        }
        if cart.items.is_empty() {
            return Err(AppError::invalid(
                Field::Order,
                td_string!(locale(), errors.cart_empty),
            ));
        }
        let mut lines = Vec::new();
        for (index, item) in cart.items.iter().enumerate() {
            let mut own = Vec::new();
            let line = match self
                .prepare_line(
                    shopper,
                    &item.family,
                    &item.amount,
                    &item.beneficiary,
                    item.quantity,
                    &mut own,
                )
                .await
            {
                Ok(line) => line,
                Err(AppError::NotFound(_)) => {
                    own.push(issue(Field::Order, td_string!(locale(), errors.brand_gone)));
                    None
                }
                Err(e) => return Err(e),
            };
            issues.extend(own.into_iter().map(|i| on_line(index, i)));
            lines.extend(line);
        }
        let options = self.pay_options(shopper).await?;
        let (choice, email, coupon) =
            Self::prepare_payment(&options, &pay.pay, &pay.email, &pay.coupon, &mut issues);
        let (Some((coin, network)), true) = (choice, lines.len() == cart.items.len()) else {
            return Err(AppError::Invalid(issues));
        };
        let order = PreparedOrder {
            country: shopper.country.clone(),
            lines,
            coin,
            network,
            email,
            coupon,
        };
        Ok((order, issues))
    }

    /// `POST /v5/orders/validations`: the upstream's problems, or the price to pay.
    /// Local and upstream problems come together, neither hiding the other.
    pub async fn validate(
        &self,
        shopper: &Shopper,
        form: &CheckoutForm,
    ) -> Result<Quote, AppError> {
        let (order, local) = self.prepare_parts(shopper, form).await?;
        if local.is_empty() {
            return self.validate_prepared(shopper, &order).await;
        }
        let upstream = self.upstream_issues(shopper, &order).await;
        Err(AppError::Invalid(merge_problems(local, upstream)))
    }

    async fn validate_prepared(
        &self,
        shopper: &Shopper,
        o: &PreparedOrder,
    ) -> Result<Quote, AppError> {
        // The reference's validation deliveries have no quantity: a line of
        // several cards is asked about as that many deliveries.
        let deliveries = o
            .lines
            .iter()
            .flat_map(|l| {
                let d = ValidationDelivery {
                    beneficiary_account: l.beneficiary.clone(),
                    brand_name: l.brand_name.clone(),
                    country_code: o.country.clone(),
                    denomination: l.denomination.clone(),
                    localized_denomination: l.localized.clone(),
                    product_value: l.is_range.then(|| l.face_value.to_string()),
                };
                std::iter::repeat_n(d, l.quantity.max(1) as usize)
            })
            .collect();
        let body = ValidationRequest {
            email: o.email.clone(),
            payment: ValidationPayment::via_wallet(&o.coin),
            deliveries,
            lang: crate::lang::code(shopper.lang).to_string(),
            coupon: o.coupon.clone(),
        };
        let answer: serde_json::Value = self
            .client
            .post_json("/v5/orders/validations", &body, shopper)
            .await?;
        let problems = read_validation(&answer).ok_or_else(|| {
            tracing::warn!(answer = %answer.to_string().chars().take(300).collect::<String>(), "unreadable validation answer");
            AppError::invalid(
                Field::Order,
                td_string!(locale(), errors.check_unreadable),
            )
        })?;
        if !problems.is_empty() {
            return Err(AppError::Rejected(problems));
        }
        let coin_amount = answer
            .get("coin_amount")
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        let first = o.lines.first();
        // A coupon is said to apply only when the upstream's own price shows it.
        let coupon = match &o.coupon {
            Some(code) => {
                let full = self.full_price(shopper, o).await;
                Some(CouponOutcome::judge(code, &coin_amount, full.as_deref()))
            }
            None => None,
        };
        Ok(Quote {
            coin: o.coin.clone(),
            network: o.network.clone(),
            coin_amount,
            face_value: first.map(|l| l.face_value.to_string()).unwrap_or_default(),
            currency: first.map(|l| l.currency.clone()).unwrap_or_default(),
            coupon,
        })
    }

    /// Validates an order; a cart's problems that belong to a line are put on
    /// the line that brings them: the first line whose arrival in the cart makes
    /// the upstream report the problem (the reference names no line, so the
    /// cart's first lines are asked about alone, at most one call per line, and
    /// only when such a problem came up).
    async fn validate_lines(
        &self,
        shopper: &Shopper,
        o: &PreparedOrder,
    ) -> Result<Quote, AppError> {
        match self.validate_prepared(shopper, o).await {
            Err(AppError::Rejected(problems)) if o.lines.len() > 1 => Err(AppError::Invalid(
                self.place_on_lines(shopper, o, problems).await?,
            )),
            other => other,
        }
    }

    /// What the upstream says about the fields of an order whose local checks
    /// failed: its problems (on their lines in a cart) or a suspension. A refused
    /// request or an outage says nothing about the fields: nothing is added.
    async fn upstream_issues(&self, shopper: &Shopper, o: &PreparedOrder) -> Vec<FieldIssue> {
        match self.validate_prepared(shopper, o).await {
            Err(AppError::Rejected(problems)) if o.lines.len() > 1 => self
                .place_on_lines(shopper, o, problems)
                .await
                .unwrap_or_default(),
            Err(AppError::Rejected(problems)) => problems
                .iter()
                .map(|p| issue(p.field(), p.message(locale())))
                .collect(),
            Err(AppError::Suspended(code)) => {
                vec![issue(Field::Payment, Problem::new(&code).message(locale()))]
            }
            _ => Vec::new(),
        }
    }

    /// A cart's problems as issues, those of a line on the line that brings them.
    async fn place_on_lines(
        &self,
        shopper: &Shopper,
        o: &PreparedOrder,
        problems: Vec<Problem>,
    ) -> Result<Vec<FieldIssue>, AppError> {
        let mut unplaced: Vec<Problem> = problems
            .iter()
            .filter(|p| is_line_problem(p))
            .cloned()
            .collect();
        let mut issues: Vec<FieldIssue> = problems
            .iter()
            .filter(|p| !is_line_problem(p))
            .map(|p| issue(p.field(), p.message(locale())))
            .collect();
        let last = o.lines.len() - 1;
        for k in 0..last {
            if unplaced.is_empty() {
                break;
            }
            let prefix = PreparedOrder {
                lines: o.lines[..=k].to_vec(),
                ..o.clone()
            };
            let seen = match self.validate_prepared(shopper, &prefix).await {
                Err(AppError::Rejected(p)) => p,
                Ok(_) => Vec::new(),
                Err(e) => return Err(e),
            };
            unplaced.retain(|p| {
                let here = seen.iter().any(|s| s.problem == p.problem);
                if here {
                    issues.push(on_line(k, issue(Field::Order, p.message(locale()))));
                }
                !here
            });
        }
        issues.extend(
            unplaced
                .iter()
                .map(|p| on_line(last, issue(Field::Order, p.message(locale())))),
        );
        Ok(issues)
    }

    /// Validates, then `POST /v5/orders`. The same idempotency key with the same
    /// form gives the same order, however many times and however concurrently it
    /// comes. When the request went out and no readable answer came back, the key
    /// is marked uncertain: no retry under it ever sends a second order.
    pub async fn create(&self, shopper: &Shopper, form: &CheckoutForm) -> Result<Order, AppError> {
        let key = checked_key(&form.idempotency_key)?;
        let (o, local) = self.prepare_parts(shopper, form).await?;
        if !local.is_empty() {
            // Refused locally: what the upstream says about the rest comes along.
            let upstream = self.upstream_issues(shopper, &o).await;
            return Err(AppError::Invalid(merge_problems(local, upstream)));
        }
        self.place(shopper, key, o, None).await
    }

    /// A cart's one order: every line checked (problems on their lines), then
    /// validated and placed like a single card, under the cart's idempotency key.
    /// `shown`: the total the cart page showed; when the supplier's price for
    /// the whole order (its validation) differs, nothing is ordered and the
    /// shopper is shown that price first ([`AppError::TotalChanged`]).
    pub async fn create_cart(
        &self,
        shopper: &Shopper,
        cart: &Cart,
        pay: &CartCheckout,
        shown: Option<Amount>,
    ) -> Result<Order, AppError> {
        let key = checked_key(&pay.idempotency_key)?;
        let (o, local) = self.prepare_cart(shopper, cart, pay).await?;
        if !local.is_empty() {
            let upstream = self.upstream_issues(shopper, &o).await;
            return Err(AppError::Invalid(merge_problems(local, upstream)));
        }
        self.place(shopper, key, o, shown).await
    }

    /// The exact price of a cart (one validation), or its problems on their lines.
    pub async fn validate_cart(
        &self,
        shopper: &Shopper,
        cart: &Cart,
        pay: &CartCheckout,
    ) -> Result<Quote, AppError> {
        let (o, local) = self.prepare_cart(shopper, cart, pay).await?;
        if local.is_empty() {
            return self.validate_lines(shopper, &o).await;
        }
        let upstream = self.upstream_issues(shopper, &o).await;
        Err(AppError::Invalid(merge_problems(local, upstream)))
    }

    async fn place(
        &self,
        shopper: &Shopper,
        key: &str,
        o: PreparedOrder,
        shown: Option<Amount>,
    ) -> Result<Order, AppError> {
        let claim = match self
            .placed
            .begin(&hashed_key("idem", &format!("{key}/{}", fingerprint(&o))))
            .await?
        {
            Turn::Mine(claim) => claim,
            Turn::Settled(Placed::Order { order }) => return Ok(*order),
            Turn::Settled(_) => return Err(AppError::Uncertain),
        };
        let validated = match self.validate_lines(shopper, &o).await {
            Ok(quote) => quote,
            Err(e) => {
                self.placed.abandon(claim).await;
                return Err(e);
            }
        };
        // The price charged is the price shown: a different total is shown first.
        if let Some(shown) = shown
            && Amount::parse(&validated.coin_amount).is_some_and(|v| v != shown)
        {
            self.placed.abandon(claim).await;
            return Err(AppError::TotalChanged {
                total: validated.coin_amount,
                coin: validated.coin,
                coupon: validated.coupon,
            });
        }
        let body = OrderRequest {
            deliveries: o
                .lines
                .iter()
                .map(|l| OrderDelivery {
                    kind: l.kind.as_str().to_string(),
                    quantity: l.quantity.max(1),
                    deliverable: Deliverable {
                        brand_name: l.brand_name.clone(),
                        country_code: o.country.clone(),
                        // The reference's create names the face value bare (`"100"`).
                        denomination: if l.is_range {
                            l.denomination.clone()
                        } else {
                            l.face_value.to_string()
                        },
                        beneficiary_account: l.beneficiary.clone(),
                        product_value: l.is_range.then(|| l.face_value.to_string()),
                    },
                })
                .collect(),
            payment: Payment::via_wallet(&o.coin, &o.network),
            user: User {
                email: o.email.clone(),
                has_accepted_newsletter: false,
            },
            lang: crate::lang::code(shopper.lang).to_string(),
            acquisition: Acquisition {
                utm_source: "storefront",
            },
            coupon: o.coupon.clone(),
        };
        let brands = o
            .lines
            .iter()
            .map(|l| l.brand_name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let answer: Result<Order, UpstreamError> =
            self.client.post_json("/v5/orders", &body, shopper).await;
        let order = match answer.map(Order::normalized) {
            Ok(order) if is_valid_order_id(&order.order_id) => order,
            Ok(_) => {
                tracing::error!(%brands, "order answer without an order id");
                self.placed.settle(claim, &Placed::Uncertain).await;
                return Err(AppError::Uncertain);
            }
            Err(e) if e.may_have_happened() => {
                tracing::error!(%brands, error = %e, "order answer lost; the key is uncertain");
                self.placed.settle(claim, &Placed::Uncertain).await;
                return Err(AppError::Uncertain);
            }
            Err(e) => {
                self.placed.abandon(claim).await;
                return Err(e.into());
            }
        };
        tracing::info!(order_id = %order.order_id, %brands, lines = o.lines.len(), "order created");
        self.placed
            .settle(
                claim,
                &Placed::Order {
                    order: Box::new(order.clone()),
                },
            )
            .await;
        self.ledger.found(&order.order_id).await;
        // When it arrived (the window's start if the upstream names no time),
        // the coupon's outcome and the details to order again with.
        let now = i64::try_from(crate::server::signed_cookie::now()).unwrap_or_default();
        let intent = OrderIntent {
            received_at: now,
            country: o.country.clone(),
            coin: o.coin.clone(),
            network: o.network.clone(),
            email: o.email.clone(),
            lines: o
                .lines
                .iter()
                .map(|l| IntentLine {
                    family: l.family.clone(),
                    amount: l.amount.clone(),
                    beneficiary: l.beneficiary.clone(),
                    quantity: l.quantity,
                })
                .collect(),
            coupon: validated.coupon,
        };
        order_intent::keep(self.store.as_ref(), &order.order_id, &intent).await;
        let mut order = order;
        if order.expires_at().is_none() {
            order.shop_received_at = Some(now);
        }
        if let Ok(choice) = serde_json::to_string(&(&o.coin, &o.network)) {
            let _ = self
                .store
                .put(&pay_choice_key(&order.order_id), &choice, PAY_CHOICE_FOR)
                .await;
        }
        Ok(order)
    }

    /// The coin and network the shopper chose for an order placed by this shop, if known.
    pub async fn pay_choice(&self, order_id: &str) -> Option<(String, String)> {
        let held = self.store.get(&pay_choice_key(order_id)).await.ok()??;
        serde_json::from_str(&held).ok()
    }

    /// What the shopper asked for when order `order_id` was placed here, if it was.
    pub async fn intent(&self, order_id: &str) -> Option<OrderIntent> {
        order_intent::find(self.store.as_ref(), order_id).await
    }

    /// Entries held per visitor in this process: idempotency keys, known order
    /// ids, pay choices (drafts and carts live in cookies; 0 with Redis).
    pub fn held_entries(&self) -> usize {
        usize::try_from(self.store.local_entries()).unwrap_or(usize::MAX)
    }

    /// Runs pending evictions of the bounded stores now (tests, reports).
    pub fn run_pending_maintenance(&self) {
        self.store.local_entries();
    }

    /// `GET /v5/orders/{id}`.
    pub async fn order(&self, shopper: &Shopper, id: &str) -> Result<Order, AppError> {
        if !is_valid_order_id(id) {
            return Err(AppError::NotFound(crate::error::Missing::Order));
        }
        if let Some(done) = self.finished.get(id) {
            return Ok(done);
        }
        match self.ledger.admit(id, shopper.client).await {
            Ok(()) => {}
            Err(Refusal::Missing) => return Err(AppError::NotFound(crate::error::Missing::Order)),
            Err(Refusal::TooMany(wait)) => {
                return Err(AppError::RateLimited {
                    retry_after: Some(wait),
                });
            }
        }
        let path = format!("/v5/orders/{id}");
        let order: Order = match self.client.get_json(&path, &[], shopper).await {
            Ok(order) => order,
            Err(UpstreamError::NotFound) => {
                self.ledger.lost(id).await;
                return Err(AppError::NotFound(crate::error::Missing::Order));
            }
            Err(other) => return Err(other.into()),
        };
        let mut order = order.normalized();
        self.ledger.found(id).await;
        if order.order_id.is_empty() {
            // The id was asked for: an answer that doesn't repeat it is still that order.
            order.order_id = id.to_string();
        }
        if order.order_state.is_terminal() && order.order_id == id {
            self.finished.insert(id.to_string(), order.clone());
        }
        Ok(order)
    }
}

/// Where the coin and network of an order are kept.
fn pay_choice_key(order_id: &str) -> String {
    format!("order:pay:{order_id}")
}

/// What makes two submissions the same order.
fn fingerprint(o: &PreparedOrder) -> String {
    let lines: Vec<String> = o
        .lines
        .iter()
        .map(|l| {
            format!(
                "{}|{}|{}|{}|{}",
                l.brand_name,
                l.face_value,
                l.product_id.as_deref().unwrap_or_default(),
                l.beneficiary,
                l.quantity
            )
        })
        .collect();
    format!(
        "{}|{}|{}|{}|{}|[{}]",
        o.country,
        o.coin,
        o.network,
        o.email,
        o.coupon.as_deref().unwrap_or_default(),
        lines.join(";")
    )
}

/// The idempotency key of a form, checked.
fn checked_key(key: &str) -> Result<&str, AppError> {
    let key = key.trim();
    if is_valid_idempotency_key(key) {
        Ok(key)
    } else {
        Err(AppError::invalid(
            Field::Order,
            td_string!(locale(), errors.form_expired),
        ))
    }
}

/// Local issues first, then the upstream's on fields that have none.
fn merge_problems(local: Vec<FieldIssue>, upstream: Vec<FieldIssue>) -> Vec<FieldIssue> {
    let mut all = local;
    for e in upstream {
        if !all
            .iter()
            .any(|l| l.field == e.field && l.field != Field::Order)
        {
            all.push(e);
        }
    }
    all
}

/// The problems of a validation answer: an object with `problems` (a list or
/// `null`), a bare list, or an object with a price and no problems. `None` when the
/// answer is none of these: the order must not go ahead on it.
fn read_validation(answer: &serde_json::Value) -> Option<Vec<Problem>> {
    use serde_json::Value;
    let list = match answer {
        Value::Array(items) => items,
        Value::Object(map) => match map.get("problems") {
            Some(Value::Array(items)) => items,
            Some(Value::Null) => return Some(Vec::new()),
            Some(_) => return None,
            None if map.contains_key("coin_amount") => return Some(Vec::new()),
            None => return None,
        },
        _ => return None,
    };
    list.iter()
        .map(|p| match p {
            Value::String(code) => Some(Problem::new(code)),
            other => serde_json::from_value::<Problem>(other.clone())
                .ok()
                .filter(|p| !p.problem.is_empty()),
        })
        .collect()
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
        Kind::MobileRecharge => {
            parse_top_up_number(input, country).map_err(|e| e.message(locale()))
        }
        _ => parse_beneficiary(kind, input).map_err(|e| e.message(locale())),
    }
}

/// Refuses a country outside the 233 before any upstream call.
pub fn check_country(cc: &str) -> Result<(), AppError> {
    match countries::find(cc) {
        Some(c) if c.code == cc => Ok(()),
        _ => Err(AppError::NotFound(crate::error::Missing::Country)),
    }
}

/// The product a checkout's amount names.
struct Picked {
    face: Amount,
    currency: String,
    denomination: String,
    localized: Option<String>,
    product_id: Option<String>,
    is_range: bool,
}

/// Matches the amount choice to a fixed product (by its choice key: product id,
/// else face value) or to the family's range. What the catalogue spelled is kept
/// as it was, to be echoed upstream.
fn pick_amount(fam: &ProductFamily, input: &str, issues: &mut Vec<FieldIssue>) -> Option<Picked> {
    // Plain decimals (`12.5`, `1,000.5`): the functions that take what a
    // shopper typed read it in their language first (`lang::plain_decimal`).
    let input = input.trim();
    let fixed = fam.fixed_products();
    let chosen = fixed
        .iter()
        .find(|p| !input.is_empty() && p.choice() == input)
        .or_else(|| {
            let wanted = Amount::parse(input)?;
            fixed.iter().find(|p| p.fixed_value() == Some(wanted))
        });
    if let Some(p) = chosen
        && let Some(face) = p.fixed_value()
    {
        let currency = p.currency();
        return Some(Picked {
            face,
            denomination: if p.denomination.trim().is_empty() {
                format!("{face} {currency}")
            } else {
                p.denomination.clone()
            },
            currency,
            localized: p.localized_denomination.clone().filter(|l| !l.is_empty()),
            product_id: Some(p.product_id.clone()).filter(|id| !id.is_empty()),
            is_range: false,
        });
    }
    match fam.range_product() {
        Some(p) => {
            let rule = p.amount_rule()?;
            match rule.check(input) {
                Ok(a) => Some(Picked {
                    face: a,
                    currency: rule.currency.clone(),
                    denomination: "range".to_string(),
                    localized: None,
                    product_id: Some(p.product_id.clone()).filter(|id| !id.is_empty()),
                    is_range: true,
                }),
                Err(e) => {
                    issues.push(issue(Field::Amount, e.message(locale())));
                    None
                }
            }
        }
        None => {
            let msg = if input.is_empty() {
                td_string!(locale(), errors.choose_amount)
            } else {
                td_string!(locale(), errors.choose_shown_amount)
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
            td_string!(locale(), errors.choose_pay),
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
                td_string!(locale(), errors.pair_not_offered),
            ));
            None
        }
        Some(o) if o.suspended => {
            issues.push(issue(
                Field::Payment,
                Problem::new(o.suspension()).message(locale()),
            ));
            None
        }
        Some(_) => Some((coin, network)),
    }
}

#[cfg(test)]
mod tests {
    use super::read_validation;
    use serde_json::json;

    #[test]
    fn validation_problems_come_as_an_object_or_a_list() {
        let codes =
            |v| read_validation(&v).map(|p| p.into_iter().map(|p| p.problem).collect::<Vec<_>>());
        assert_eq!(
            codes(json!({"coin_amount": "10.35", "problems": [{"problem": "OUT_OF_STOCK"}]})),
            Some(vec!["OUT_OF_STOCK".to_string()])
        );
        assert_eq!(
            codes(json!({"coin_amount": "10.35", "problems": null})),
            Some(vec![])
        );
        assert_eq!(codes(json!({"coin_amount": "10.35"})), Some(vec![]));
        assert_eq!(
            codes(json!([{"problem": "COUPON_EXPIRED"}, "KYC_MISSING"])),
            Some(vec![
                "COUPON_EXPIRED".to_string(),
                "KYC_MISSING".to_string()
            ])
        );
        assert_eq!(codes(json!([])), Some(vec![]));
    }

    #[test]
    fn an_unreadable_validation_answer_is_not_taken_for_no_problems() {
        for odd in [
            json!({"weird": 1}),
            json!({"problems": "many"}),
            json!([{"nope": 1}]),
            json!("ok"),
            json!(null),
        ] {
            assert_eq!(read_validation(&odd).map(|p| p.len()), None, "{odd}");
        }
    }
}
