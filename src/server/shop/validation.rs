//! Validation with the upstream: the local problems, then the upstream's own
//! check of the prepared order, merged into one list for the form.

use super::Shop;
use super::checks::issue;
use crate::error::AppError;
use crate::model::checkout::{CheckoutForm, CouponOutcome, Quote};
use crate::model::prepared::PreparedOrder;
use crate::model::problem::{Field, FieldIssue, Problem, Reason};
use crate::server::upstream::Shopper;
use crate::server::upstream::requests::ValidationRequest;

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
pub(super) fn read_validation(answer: &serde_json::Value) -> Option<Vec<Problem>> {
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

impl Shop {
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
        Err(self.refusal(shopper, &order, local).await)
    }

    pub(super) async fn validate_prepared(
        &self,
        shopper: &Shopper,
        o: &PreparedOrder,
    ) -> Result<Quote, AppError> {
        let body = ValidationRequest::of(o, crate::lang::code(shopper.lang));
        let answer: serde_json::Value = self
            .client
            .post_json("/v5/orders/validations", &body, shopper)
            .await?;
        let problems = read_validation(&answer).ok_or_else(|| {
            tracing::warn!(answer = %answer.to_string().chars().take(300).collect::<String>(), "unreadable validation answer");
            AppError::invalid(Field::Order, Reason::CheckUnreadable)
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
            coin: o.pay.coin.clone(),
            network: o.pay.network.clone(),
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
    pub(super) async fn validate_lines(
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

    /// An order refused by its local checks: those problems, and beside them
    /// what the upstream says about the rest (neither hides the other). The one
    /// place where local and upstream problems meet, for the checkout, its
    /// order and the cart's.
    pub(super) async fn refusal(
        &self,
        shopper: &Shopper,
        o: &PreparedOrder,
        local: Vec<FieldIssue>,
    ) -> AppError {
        let upstream = self.upstream_issues(shopper, o).await;
        AppError::Invalid(merge_problems(local, upstream))
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
                .map(|p| issue(p.field(), Reason::Problem(p.clone())))
                .collect(),
            Err(AppError::Suspended(code)) => {
                vec![issue(Field::Payment, Reason::Problem(Problem::new(&code)))]
            }
            _ => Vec::new(),
        }
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
