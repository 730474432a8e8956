//! A cart: several cards of one country bought with one payment. It lives in a
//! signed cookie (see `server::signed_cookie`), so it holds only what the shopper
//! chose; names and prices come from the catalogue when it is shown.

use crate::model::checkout::{MAX_AMOUNT, MAX_CONTACT, MAX_COUPON, MAX_PAY, length_issues};
use crate::model::problem::Field;
use serde::{Deserialize, Serialize};

/// Most lines in a cart (the cookie must stay under 4 KB).
pub const MAX_ITEMS: usize = 8;
/// Most cards of one line.
pub const MAX_QUANTITY: u32 = 10;

/// One line: a product of a brand, for one recipient, `quantity` times.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    /// The brand family's slug (`steam`).
    #[serde(rename = "f")]
    pub family: String,
    /// The amount choice, as the checkout's (product id, else face value).
    #[serde(rename = "a")]
    pub amount: String,
    /// Where the card is delivered.
    #[serde(rename = "b")]
    pub beneficiary: String,
    #[serde(rename = "q")]
    pub quantity: u32,
}

/// The cart: its country, lines, and the checkout choices last typed for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    #[serde(rename = "c")]
    pub country: String,
    #[serde(rename = "i", default)]
    pub items: Vec<CartItem>,
    /// The idempotency key of paying for this cart: one order however often the
    /// same cart is paid for.
    #[serde(rename = "k", default)]
    pub key: String,
    #[serde(rename = "e", default)]
    pub email: String,
    #[serde(rename = "p", default)]
    pub pay: String,
}

/// Why a card could not join the cart, in the shopper's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum CartRefusal {
    #[error("Your cart is full ({MAX_ITEMS} cards). Pay for it first, or remove a card.")]
    Full,
    #[error(
        "Your cart holds cards for another country ({0}). Pay for it or empty it before adding cards for this one."
    )]
    OtherCountry(String),
    #[error("Choose from 1 to {MAX_QUANTITY} cards.")]
    Quantity,
}

impl CartRefusal {
    /// The refusal in the shopper's words.
    pub fn message(&self, l: crate::lang::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            CartRefusal::Full => td_string!(l, errors.cart_full, max = MAX_ITEMS),
            CartRefusal::OtherCountry(c) => td_string!(l, errors.cart_other_country, country = c),
            CartRefusal::Quantity => td_string!(l, errors.quantity, max = MAX_QUANTITY),
        }
    }
}

impl Cart {
    /// Adds a line (the same brand, amount and recipient adds to its quantity).
    /// A cart of another country refuses it.
    pub fn add(&mut self, country: &str, item: CartItem) -> Result<(), CartRefusal> {
        if !(1..=MAX_QUANTITY).contains(&item.quantity) {
            return Err(CartRefusal::Quantity);
        }
        if self.items.is_empty() {
            self.country = country.to_string();
        } else if self.country != country {
            return Err(CartRefusal::OtherCountry(self.country.clone()));
        }
        if let Some(same) = self.items.iter_mut().find(|i| {
            i.family == item.family && i.amount == item.amount && i.beneficiary == item.beneficiary
        }) {
            let total = same.quantity + item.quantity;
            if total > MAX_QUANTITY {
                return Err(CartRefusal::Quantity);
            }
            same.quantity = total;
        } else {
            if self.items.len() >= MAX_ITEMS {
                return Err(CartRefusal::Full);
            }
            self.items.push(item);
        }
        Ok(())
    }

    /// Sets a line's quantity (0 removes it). `false` when there is no such line
    /// or the quantity is out of range.
    pub fn set_quantity(&mut self, index: usize, quantity: u32) -> bool {
        if index >= self.items.len() || quantity > MAX_QUANTITY {
            return false;
        }
        if quantity == 0 {
            self.items.remove(index);
        } else {
            self.items[index].quantity = quantity;
        }
        true
    }

    /// Cards in the cart (quantities counted).
    pub fn count(&self) -> u32 {
        self.items.iter().map(|i| i.quantity).sum()
    }

    /// True when a cookie's cart is within every limit (a cookie is input).
    pub fn is_well_formed(&self) -> bool {
        self.items.len() <= MAX_ITEMS
            && self.items.iter().all(|i| {
                (1..=MAX_QUANTITY).contains(&i.quantity)
                    && length_issues(&[
                        (Field::Order, &i.family, 64),
                        (Field::Amount, &i.amount, MAX_AMOUNT),
                        (Field::Beneficiary, &i.beneficiary, MAX_CONTACT),
                    ])
                    .is_empty()
            })
            && length_issues(&[
                (Field::Order, &self.country, 8),
                (Field::Order, &self.key, 64),
                (Field::Email, &self.email, MAX_CONTACT),
                (Field::Payment, &self.pay, MAX_PAY),
            ])
            .is_empty()
    }
}

/// What the cart's pay form sends (besides the cart in its cookie).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CartCheckout {
    pub pay: String,
    pub email: String,
    #[serde(default)]
    pub coupon: String,
    pub idempotency_key: String,
}

impl CartCheckout {
    /// Every field over its length limit.
    pub fn length_issues(&self) -> Vec<crate::model::problem::FieldIssue> {
        length_issues(&[
            (Field::Payment, &self.pay, MAX_PAY),
            (Field::Email, &self.email, MAX_CONTACT),
            (Field::Coupon, &self.coupon, MAX_COUPON),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(family: &str, amount: &str, to: &str, q: u32) -> CartItem {
        CartItem {
            family: family.into(),
            amount: amount.into(),
            beneficiary: to.into(),
            quantity: q,
        }
    }

    #[test]
    fn lines_add_up_and_stay_in_one_country() {
        let mut cart = Cart::default();
        cart.add("US", item("steam", "10", "a@b.co", 1))
            .expect("first");
        cart.add("US", item("steam", "10", "a@b.co", 2))
            .expect("same line");
        cart.add("US", item("roblox", "25", "a@b.co", 1))
            .expect("second");
        assert_eq!(cart.items.len(), 2);
        assert_eq!(cart.count(), 4);
        assert_eq!(
            cart.add("DE", item("steam", "10", "a@b.co", 1)),
            Err(CartRefusal::OtherCountry("US".into()))
        );
        assert_eq!(
            cart.add("US", item("steam", "10", "a@b.co", 9)),
            Err(CartRefusal::Quantity)
        );
        assert_eq!(
            cart.add("US", item("steam", "10", "a@b.co", 0)),
            Err(CartRefusal::Quantity)
        );
        assert!(cart.set_quantity(1, 0));
        assert_eq!(cart.items.len(), 1);
        assert!(!cart.set_quantity(5, 1));
        assert!(!cart.set_quantity(0, 11));
    }

    #[test]
    fn a_full_cart_refuses_more_lines() {
        let mut cart = Cart::default();
        for n in 0..MAX_ITEMS {
            cart.add("US", item("steam", &n.to_string(), "a@b.co", 1))
                .expect("fits");
        }
        assert_eq!(
            cart.add("US", item("steam", "99", "a@b.co", 1)),
            Err(CartRefusal::Full)
        );
        assert!(cart.is_well_formed());
        let mut odd = cart.clone();
        odd.items[0].beneficiary = "x".repeat(300);
        assert!(!odd.is_well_formed());
        odd.items[0].beneficiary = "a@b.co".into();
        odd.items[0].quantity = 0;
        assert!(!odd.is_well_formed());
    }
}
