//! The cart in a signed cookie: the server keeps nothing per visitor, and a
//! cookie changed outside the shop is refused, never trusted.

use crate::model::cart::Cart;
use crate::server::signed_cookie::{Opened, Signer, clear_cookie, set_cookie};
use axum::http::HeaderMap;

/// The cookie's name.
pub const CART_COOKIE: &str = "cart";
/// How long a cart is kept after its last change (7 days).
const LIFETIME: u64 = 7 * 24 * 3600;

/// Seals and opens cart cookies.
#[derive(Clone)]
pub struct CartSigner {
    signer: Signer,
}

impl CartSigner {
    /// A signer with the server's cookie secret.
    pub fn new(key: &[u8]) -> CartSigner {
        CartSigner {
            signer: Signer::new(key),
        }
    }

    /// The request's cart: absent, refused (changed, expired, unreadable or out
    /// of limits), or valid.
    pub fn open(&self, headers: &HeaderMap) -> Opened<Cart> {
        match self.signer.open::<Cart>(headers, CART_COOKIE) {
            Opened::Valid(c) if c.is_well_formed() => Opened::Valid(c),
            Opened::Valid(_) => Opened::Refused,
            other => other,
        }
    }

    /// The `Set-Cookie` value holding `cart` (an empty cart deletes the cookie);
    /// `None` when it would not fit in a cookie.
    pub fn seal(&self, cart: &Cart) -> Option<String> {
        if cart.items.is_empty() {
            return Some(clear_cookie(CART_COOKIE));
        }
        let value = self.signer.seal(CART_COOKIE, cart, LIFETIME)?;
        Some(set_cookie(CART_COOKIE, &value, LIFETIME))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cart::{CartItem, MAX_ITEMS};
    use axum::http::{HeaderValue, header};

    fn jar(set_cookie: &str) -> HeaderMap {
        let pair = set_cookie.split(';').next().unwrap_or_default();
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(pair).expect("value"));
        h
    }

    /// A cart of `MAX_ITEMS` lines with fields `family`, `amount`, `to` characters long.
    fn full_cart(family: usize, amount: usize, to: usize) -> Cart {
        let mut cart = Cart {
            key: "k".repeat(32),
            email: "e".repeat(to),
            pay: "USDC|Polygon (Matic)".into(),
            ..Cart::default()
        };
        for n in 0..MAX_ITEMS {
            let item = CartItem {
                family: "f".repeat(family),
                amount: format!("{n}{}", "9".repeat(amount - 1)),
                beneficiary: format!("{n}{}", "b".repeat(to - 1)),
                quantity: 10,
            };
            cart.add("US", item).expect("fits");
        }
        cart
    }

    #[test]
    fn a_full_cart_of_real_sizes_fits_in_a_cookie_and_round_trips() {
        let signer = CartSigner::new(b"0123456789abcdef0123456789abcdef");
        // Long brand slugs, product ids as UUIDs, long email addresses.
        let cart = full_cart(24, 36, 48);
        let set = signer.seal(&cart).expect("fits");
        assert!(set.len() < 4_096, "{}", set.len());
        assert_eq!(signer.open(&jar(&set)), Opened::Valid(cart));
        // Every field at its limit doesn't fit: the cart refuses it (a clear
        // "your cart is full"), it never writes a cookie a browser would drop.
        assert_eq!(signer.seal(&full_cart(64, 32, 254)), None);
    }

    #[test]
    fn a_tampered_or_foreign_cart_is_refused() {
        let signer = CartSigner::new(b"0123456789abcdef0123456789abcdef");
        let mut cart = Cart::default();
        cart.add(
            "US",
            CartItem {
                family: "steam".into(),
                amount: "10".into(),
                beneficiary: "a@b.co".into(),
                quantity: 1,
            },
        )
        .expect("add");
        let set = signer.seal(&cart).expect("fits");
        let tampered = set.replacen("cart=e", "cart=f", 1);
        assert_ne!(tampered, set);
        assert_eq!(signer.open(&jar(&tampered)), Opened::Refused);
        let other = CartSigner::new(b"another-key-another-key-another-key");
        assert_eq!(other.open(&jar(&set)), Opened::Refused);
        assert_eq!(signer.open(&HeaderMap::new()), Opened::Absent);
        assert!(
            signer
                .seal(&Cart::default())
                .is_some_and(|c| c.contains("Max-Age=0")),
            "an empty cart deletes the cookie"
        );
    }
}
