//! Exact decimal amounts (face values, coin amounts) and the range/step rules of
//! custom-amount products. Stored as millionths, which covers the 6 decimals of
//! USDC and USDT exactly.

use serde::{Deserialize, Serialize};
use std::fmt;

const SCALE: i64 = 1_000_000;

/// A non-negative decimal amount with up to six decimals.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Amount(i64);

impl Amount {
    /// Parses `"10"`, `"10.5"`, `" 1,000.25 "`; refuses negatives, more than six
    /// decimals, exponents and anything above a trillion.
    pub fn parse(input: &str) -> Option<Amount> {
        let s: String = input.trim().chars().filter(|c| *c != ',').collect();
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        if whole.is_empty() && frac.is_empty() {
            return None;
        }
        if !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 6
            || whole.len() > 12
        {
            return None;
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let frac_units: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<6}").parse().ok()?
        };
        whole
            .checked_mul(SCALE)?
            .checked_add(frac_units)
            .map(Amount)
    }

    /// An amount from a whole number of units.
    pub const fn whole(units: i64) -> Amount {
        Amount(units * SCALE)
    }

    /// The amount in millionths (atomic units of a 6-decimal token).
    pub const fn micros(self) -> i64 {
        self.0
    }

    /// `self - other`, `None` below zero.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).filter(|v| *v >= 0).map(Amount)
    }

    /// `self + other`, `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    /// `self × n`, `None` on overflow.
    pub fn checked_mul(self, n: i64) -> Option<Amount> {
        self.0.checked_mul(n).filter(|v| *v >= 0).map(Amount)
    }

    /// The amount in atomic units of a token with `decimals` decimals, when exact.
    pub fn atomic(self, decimals: u32) -> Option<i128> {
        let micros = i128::from(self.0);
        if decimals >= 6 {
            micros.checked_mul(10i128.checked_pow(decimals - 6)?)
        } else {
            let div = 10i128.pow(6 - decimals);
            (micros % div == 0).then(|| micros / div)
        }
    }

    /// True for zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Amount {
    /// Shortest exact form: `10`, `10.5`, `0.000001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / SCALE;
        let frac = self.0 % SCALE;
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// The rules of a custom-amount (range) product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountRule {
    pub min: Amount,
    pub max: Amount,
    pub step: Option<Amount>,
    pub currency: String,
}

/// Why a typed custom amount was refused, in the shopper's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AmountError {
    #[error("Enter an amount, like {0}.")]
    NotANumber(String),
    #[error("The smallest amount is {0}.")]
    BelowMin(String),
    #[error("The largest amount is {0}.")]
    AboveMax(String),
    #[error("Amounts go in steps of {step} from {min}.")]
    OffStep { step: String, min: String },
}

/// `10 USD` (or `10`) with its number as `l` writes it.
fn words(l: crate::lang::Locale, text: &str) -> String {
    match text.split_once(' ') {
        Some((n, unit)) => crate::lang::money(l, n, unit),
        None => crate::lang::number(l, text),
    }
}

impl AmountError {
    /// The refusal in the shopper's words.
    pub fn message(&self, l: crate::lang::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            // "10 USD" as the language writes it: "1.000 USD".
            AmountError::NotANumber(example) => {
                td_string!(l, errors.amount_missing, example = words(l, example))
            }
            AmountError::BelowMin(min) => td_string!(l, errors.amount_below, min = words(l, min)),
            AmountError::AboveMax(max) => td_string!(l, errors.amount_above, max = words(l, max)),
            AmountError::OffStep { step, min } => td_string!(
                l,
                errors.amount_step,
                step = words(l, step),
                min = words(l, min)
            ),
        }
    }
}

impl AmountRule {
    /// Checks a typed amount against min, max and step.
    pub fn check(&self, input: &str) -> Result<Amount, AmountError> {
        let with_cur = |a: Amount| format!("{a} {}", self.currency);
        let amount =
            Amount::parse(input).ok_or_else(|| AmountError::NotANumber(with_cur(self.min)))?;
        if amount < self.min {
            return Err(AmountError::BelowMin(with_cur(self.min)));
        }
        if amount > self.max {
            return Err(AmountError::AboveMax(with_cur(self.max)));
        }
        if let Some(step) = self.step.filter(|s| !s.is_zero())
            && (amount.0 - self.min.0) % step.0 != 0
        {
            return Err(AmountError::OffStep {
                step: with_cur(step),
                min: with_cur(self.min),
            });
        }
        Ok(amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_exactly() {
        assert_eq!(
            Amount::parse("10").map(|a| a.to_string()),
            Some("10".into())
        );
        assert_eq!(
            Amount::parse("10.50").map(|a| a.to_string()),
            Some("10.5".into())
        );
        assert_eq!(
            Amount::parse("1,000.000001").map(|a| a.micros()),
            Some(1_000_000_001)
        );
        assert_eq!(
            Amount::parse(".5").map(|a| a.to_string()),
            Some("0.5".into())
        );
        for bad in [
            "",
            ".",
            "-1",
            "1e3",
            "abc",
            "1.1234567",
            "1.2.3",
            "9999999999999",
        ] {
            assert_eq!(Amount::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn range_rules() {
        let rule = AmountRule {
            min: Amount::whole(5),
            max: Amount::whole(500),
            step: Amount::parse("5"),
            currency: "USD".into(),
        };
        assert_eq!(rule.check("25"), Ok(Amount::whole(25)));
        assert_eq!(rule.check("4"), Err(AmountError::BelowMin("5 USD".into())));
        assert_eq!(
            rule.check("505"),
            Err(AmountError::AboveMax("500 USD".into()))
        );
        assert!(matches!(rule.check("27"), Err(AmountError::OffStep { .. })));
        assert!(matches!(rule.check("x"), Err(AmountError::NotANumber(_))));
        let free = AmountRule { step: None, ..rule };
        assert_eq!(
            free.check("27.5"),
            Ok(Amount::parse("27.5").unwrap_or_default())
        );
    }
}
