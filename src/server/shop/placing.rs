//! Placing orders: one upstream order per idempotency key and form, whatever
//! the retries, the instances or the answers (an unclear answer is never retried
//! as a new order).

use super::checks::{checked_key, is_line_problem, issue, on_line};
use super::{PAY_CHOICE_FOR, Shop, pay_choice_key};
use crate::error::AppError;
use crate::model::cart::{Cart, CartCheckout};
use crate::model::checkout::CheckoutForm;
use crate::model::money::Amount;
use crate::model::order::Order;
use crate::model::prepared::PreparedOrder;
use crate::model::problem::{Field, FieldIssue, Problem, Reason};
use crate::model::values::{IdempotencyKey, is_order_id};
use crate::server::idempotency::{Placed, Turn};
use crate::server::order_intent::{self, IntentLine, OrderIntent};
use crate::server::shared_store::hashed_key;
use crate::server::upstream::requests::OrderRequest;
use crate::server::upstream::{Shopper, UpstreamError};

/// What makes two submissions the same order.
pub(super) fn fingerprint(o: &PreparedOrder) -> String {
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
        o.pay.coin,
        o.pay.network,
        o.email,
        o.coupon.as_deref().unwrap_or_default(),
        lines.join(";")
    )
}

impl Shop {
    /// A cart's problems as issues, those of a line on the line that brings them.
    pub(super) async fn place_on_lines(
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
            .map(|p| issue(p.field(), Reason::Problem(p.clone())))
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
                    issues.push(on_line(k, issue(Field::Order, Reason::Problem(p.clone()))));
                }
                !here
            });
        }
        issues.extend(
            unplaced
                .iter()
                .map(|p| on_line(last, issue(Field::Order, Reason::Problem(p.clone())))),
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
            return Err(self.refusal(shopper, &o, local).await);
        }
        self.place(shopper, &key, o, None).await
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
        let result = async {
            let key = checked_key(&pay.idempotency_key)?;
            let (o, local) = self.prepare_cart(shopper, cart, pay).await?;
            if !local.is_empty() {
                return Err(self.refusal(shopper, &o, local).await);
            }
            self.place(shopper, &key, o, shown).await
        }
        .await;
        crate::server::metrics::cart_order(crate::server::metrics::outcome_of(&result));
        result
    }

    /// Places the order once per key, and counts its outcome (metrics).
    pub(super) async fn place(
        &self,
        shopper: &Shopper,
        key: &IdempotencyKey,
        o: PreparedOrder,
        shown: Option<Amount>,
    ) -> Result<Order, AppError> {
        let result = self.place_once(shopper, key, o, shown).await;
        crate::server::metrics::order(crate::server::metrics::outcome_of(&result));
        result
    }

    async fn place_once(
        &self,
        shopper: &Shopper,
        key: &IdempotencyKey,
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
        let body = OrderRequest::of(&o, crate::lang::code(shopper.lang));
        let brands = o
            .lines
            .iter()
            .map(|l| l.brand_name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let answer: Result<Order, UpstreamError> =
            self.client.post_json("/v5/orders", &body, shopper).await;
        let order = match answer.map(Order::normalized) {
            Ok(order) if is_order_id(&order.order_id) => order,
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
        let now = i64::try_from(crate::model::deadline::now()).unwrap_or_default();
        let intent = OrderIntent {
            received_at: now,
            country: o.country.to_string(),
            coin: o.pay.coin.clone(),
            network: o.pay.network.clone(),
            email: o.email.to_string(),
            lines: o
                .lines
                .iter()
                .map(|l| IntentLine {
                    family: l.family.clone(),
                    amount: l.amount.clone(),
                    beneficiary: l.beneficiary.to_string(),
                    quantity: l.quantity,
                })
                .collect(),
            coupon: validated.coupon,
        };
        order_intent::keep(self.store.as_ref(), &order.order_id, &intent).await;
        // "Find my order" on another device: by its number and this email.
        crate::server::order_owner::keep(
            self.store.as_ref(),
            &self.config.cookie_secret,
            &order.order_id,
            &o.email,
        )
        .await;
        let mut order = order;
        if order.expires_at().is_none() {
            order.shop_received_at = Some(now);
        }
        if let Ok(choice) = serde_json::to_string(&(&o.pay.coin, &o.pay.network)) {
            let _ = self
                .store
                .put(&pay_choice_key(&order.order_id), &choice, PAY_CHOICE_FOR)
                .await;
        }
        Ok(order)
    }
}
