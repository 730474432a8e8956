//! An order made ready for the upstream: each line checked and priced in
//! the catalogue's own terms, the payment choice read, the local problems kept.

use super::Shop;
use super::checks::{check_beneficiary, check_country, issue, on_line, pick_amount, pick_pay};
use crate::error::AppError;
use crate::model::cart::{Cart, CartCheckout};
use crate::model::checkout::{CheckoutForm, MAX_AMOUNT, is_valid_coupon, length_issues};
use crate::model::payment::PayOption;
use crate::model::prepared::{PreparedLine, PreparedOrder};
use crate::model::problem::{Field, FieldIssue, Reason};
use crate::model::values::{Beneficiary, Email, PayChoice};
use crate::server::upstream::Shopper;

impl Shop {
    /// The local checks of one line: brand, amount and recipient. The line is
    /// there whenever the brand and amount could be read, even when the recipient
    /// failed a check (then as typed), so the upstream can still be asked about
    /// the rest and no problem hides another.
    pub(super) async fn prepare_line(
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
                Beneficiary::as_typed(beneficiary)
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
    pub(super) fn prepare_payment(
        options: &[PayOption],
        pay: &str,
        email: &str,
        coupon: &str,
        issues: &mut Vec<FieldIssue>,
    ) -> (Option<PayChoice>, Email, Option<String>) {
        let choice = pick_pay(options, pay, issues);
        let email = Email::parse(email).unwrap_or_else(|e| {
            issues.push(issue(Field::Email, Reason::Contact(e)));
            Email::as_typed(email)
        });
        let coupon = coupon.trim().to_uppercase();
        if !is_valid_coupon(&coupon) {
            issues.push(issue(Field::Coupon, Reason::CouponCharacters));
        }
        let coupon = (!coupon.is_empty() && is_valid_coupon(&coupon)).then_some(coupon);
        (choice, email, coupon)
    }

    /// Every local check of a checkout form, all problems reported at once: the
    /// order a form describes and what the checks found (see [`Shop::prepare_line`]).
    pub(super) async fn prepare_parts(
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
        let (Some(line), Some(pay)) = (line, choice) else {
            return Err(AppError::Invalid(issues));
        };
        let order = PreparedOrder {
            country: check_country(&shopper.country)?,
            lines: vec![line],
            pay,
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
    pub(super) async fn prepare_cart(
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
            return Err(AppError::invalid(Field::Order, Reason::CartEmpty));
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
                    own.push(issue(Field::Order, Reason::BrandGone));
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
        let (Some(pay), true) = (choice, lines.len() == cart.items.len()) else {
            return Err(AppError::Invalid(issues));
        };
        let order = PreparedOrder {
            country: check_country(&shopper.country)?,
            lines,
            pay,
            email,
            coupon,
        };
        Ok((order, issues))
    }
}
