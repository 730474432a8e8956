//! Prices: the quote for a face value (reused for a few seconds, one upstream
//! call per key), and the full price a coupon is compared with.

use super::Shop;
use super::checks::{Picked, pick_amount, pick_pay};
use crate::error::AppError;
use crate::model::checkout::{MAX_AMOUNT, MAX_PAY, Quote, length_issues};
use crate::model::lenient;
use crate::model::money::Amount;
use crate::model::prepared::PreparedOrder;
use crate::model::problem::Field;
use crate::model::values::PayChoice;
use crate::server::upstream::client::log_failure;
use crate::server::upstream::{Shopper, UpstreamError};
use serde::Deserialize;

#[derive(Clone, Deserialize)]
pub(super) struct PriceAnswer {
    #[serde(default, deserialize_with = "lenient::string")]
    pub(super) coin_amount: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub(super) coin: Option<String>,
}

impl Shop {
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
        let (Picked { face, currency, .. }, PayChoice { coin, network }) = match (picked, choice) {
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
    pub(super) async fn price(
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
            let e = UpstreamError::Undecodable("price without coin_amount".into());
            log_failure("/v4/products/price", &e);
            return Err(e.into());
        }
        Ok(answer)
    }

    /// The full price of an order's lines (no coupon), from the price quotes;
    /// `None` when any of them can't be had.
    pub(super) async fn full_price(&self, shopper: &Shopper, o: &PreparedOrder) -> Option<String> {
        let mut total = Amount::default();
        for l in &o.lines {
            let face = l.face_value.to_string();
            let one = self
                .price(shopper, &l.brand_name, &face, &o.pay.coin, &o.pay.network)
                .await
                .ok()?;
            let one = Amount::parse(&one.coin_amount)?;
            total = total.checked_add(one.checked_mul(i64::from(l.quantity.max(1)))?)?;
        }
        Some(total.to_string())
    }
}
