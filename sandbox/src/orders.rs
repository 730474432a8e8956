//! Orders in memory and their state machine: WaitingForPayment → (pay) →
//! WaitingForDelivery → (delay) → Done, or Expired after the 30-minute window,
//! or PaymentFailed. A payment may come in parts (PartialPaymentStarted) or be
//! seen before it is confirmed (PaymentStarted). Each order has a watch channel
//! its subscribers follow.

use super::amount;
use super::catalogue::words::{self, Lang};
use super::hash;
use super::payment;
use super::validation::Priced;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::watch;

/// The payment window.
pub const WINDOW_SECS: i64 = 30 * 60;

/// One published state of an order.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub version: u64,
    pub json: Arc<String>,
    pub terminal: bool,
}

struct Entry {
    order: Value,
    version: u64,
    tx: watch::Sender<Snapshot>,
    /// The order's `coin_amount`, in micro-units.
    total: u64,
    /// What was paid so far (seen or confirmed), in micro-units.
    paid: u64,
    /// The language the order was placed in: its delivered cards' words.
    lang: Lang,
}

/// A payment arriving for an order (the control `pay`).
#[derive(Clone, Debug, Default)]
pub struct Payment {
    /// Micro-units paid; None: whatever is still due.
    pub amount: Option<u64>,
    /// Seen on chain but not yet confirmed.
    pub unconfirmed: bool,
    /// The payment's transaction, shown as `tx_hash` (a field the reference
    /// doesn't name: the storefront reads it when present).
    pub tx: Option<String>,
}

/// The states an order may be paid in.
const PAYABLE: [&str; 3] = [
    "WaitingForPayment",
    "PartialPaymentStarted",
    "PaymentStarted",
];

/// The order and payment states after a payment, by what was paid in all.
fn after_payment(paid: u64, total: u64, unconfirmed: bool) -> (&'static str, &'static str) {
    if paid < total {
        ("PartialPaymentStarted", "PartiallyPaid")
    } else if unconfirmed {
        ("PaymentStarted", "PaymentSeen")
    } else {
        ("WaitingForDelivery", "PaymentReceived")
    }
}

/// Terminal states: no further change.
pub fn is_terminal(state: &str) -> bool {
    matches!(
        state,
        "Done" | "Expired" | "PaymentFailed" | "PaymentSetupFailed" | "Refunded" | "Canceled"
    )
}

/// Orders held at most: beyond, the oldest goes.
pub const MAX_ORDERS: usize = 100_000;

/// All orders of the sandbox, and their ids oldest first (lock order: orders, then ages).
#[derive(Default)]
pub struct Store {
    orders: Mutex<HashMap<String, Entry>>,
    ages: Mutex<VecDeque<(i64, String)>>,
    counter: AtomicU64,
}

/// Why a control action on an order was refused.
#[derive(Debug)]
pub enum ControlError {
    NotFound,
    Conflict(String),
}

/// One pending delivery: a single card of a line.
fn card_of(p: &Priced) -> Value {
    json!({
        "delivery_state": "Pending",
        "kind": p.family.kind,
        "brand_name": p.family.name,
        "quantity": 1,
        "denomination": format!("{} {}", super::catalogue::fmt_num(p.face), p.currency),
        "deliverable": {
            "beneficiary_account": p.line.beneficiary,
            "pin_code": Value::Null,
            "pin_serial": Value::Null,
            "redeem_instructions": Value::Null,
            "how_to_redeem": Value::Null,
        },
    })
}

/// The deliveries of an order: one per card (a line of quantity n gives n), in
/// the order of the request's lines, so that each card gets its own code.
fn deliveries_of(lines: &[Priced]) -> Vec<Value> {
    lines
        .iter()
        .flat_map(|p| std::iter::repeat_n(card_of(p), p.line.quantity.max(1) as usize))
        .collect()
}

/// What an order is placed for, besides its lines.
pub struct Terms<'a> {
    pub coin: &'a str,
    pub network: &'a str,
    /// The amount validation computed: a plain decimal.
    pub coin_amount: &'a str,
    pub email: &'a str,
    /// The language of the order's words.
    pub lang: Lang,
    /// The token contract (mint on Solana) the order is paid in.
    pub token: &'a str,
}

impl Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.orders.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Creates an order for checked lines; answers its JSON.
    pub fn create(&self, lines: &[Priced], terms: Terms, now: i64) -> Value {
        let Terms {
            coin,
            network,
            coin_amount,
            email,
            lang,
            token,
        } = terms;
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let seed = format!("{n}/{now}/{email}/{}", std::process::id());
        let h = format!("{:032x}", hash::hash128(seed.as_bytes()));
        let id = format!(
            "{}-{}-4{}-8{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        );
        let wallet = if network == "Solana" {
            hash::base58(&hash::bytes(&id, 32))
        } else {
            let b = hash::bytes(&id, 20);
            format!(
                "0x{}",
                b.iter().map(|x| format!("{x:02x}")).collect::<String>()
            )
        };
        let qr = match payment::network(network).map(|n| n.chain_id) {
            Some(None) => {
                format!("solana:{wallet}?amount={coin_amount}&spl-token={token}")
            }
            Some(Some(chain)) => {
                let atomic =
                    (coin_amount.parse::<f64>().unwrap_or(0.0) * 1_000_000.0).round() as u64;
                format!("ethereum:{token}@{chain}/transfer?address={wallet}&uint256={atomic}")
            }
            None => String::new(),
        };
        let order = json!({
            "order_id": id,
            "order_state": "WaitingForPayment",
            "payment_state": "PaymentRequested",
            "wallet_address": wallet,
            "coin": coin,
            "network": network,
            "coin_amount": coin_amount,
            "payment_method": format!("{coin}-{}", network.to_uppercase()),
            "qr_text": qr,
            "created_at": now,
            "expires_at": now + WINDOW_SECS,
            "user": {"email": email},
            "deliveries": deliveries_of(lines),
        });
        let snapshot = Snapshot {
            version: 1,
            json: Arc::new(order.to_string()),
            terminal: false,
        };
        let (tx, _) = watch::channel(snapshot);
        let mut orders = self.lock();
        orders.insert(
            id.clone(),
            Entry {
                order: order.clone(),
                version: 1,
                tx,
                // The amount validation computed: always a plain decimal.
                total: amount::parse(coin_amount).unwrap_or(0),
                paid: 0,
                lang,
            },
        );
        let mut ages = self.ages.lock().unwrap_or_else(PoisonError::into_inner);
        ages.push_back((now, id));
        while ages.len() > MAX_ORDERS {
            if let Some((_, old)) = ages.pop_front() {
                orders.remove(&old);
            }
        }
        order
    }

    /// Forgets every order created more than `retention` seconds before `now`
    /// (oldest first: only the purged ones are looked at).
    pub fn purge(&self, now: i64, retention: i64) -> usize {
        let mut orders = self.lock();
        let mut ages = self.ages.lock().unwrap_or_else(PoisonError::into_inner);
        let mut n = 0;
        while ages
            .front()
            .is_some_and(|(created, _)| created.saturating_add(retention) <= now)
        {
            if let Some((_, id)) = ages.pop_front() {
                orders.remove(&id);
                n += 1;
            }
        }
        n
    }

    /// The order's JSON.
    /// The order on `network` whose payment address is `address` (any case).
    pub fn find_by_wallet(&self, network: &str, address: &str) -> Option<String> {
        self.lock()
            .iter()
            .find(|(_, e)| {
                e.order["network"].as_str() == Some(network)
                    && e.order["wallet_address"]
                        .as_str()
                        .is_some_and(|w| w.eq_ignore_ascii_case(address))
            })
            .map(|(id, _)| id.clone())
    }

    pub fn get(&self, id: &str) -> Option<Value> {
        self.lock().get(id).map(|e| e.order.clone())
    }

    /// A receiver of the order's snapshots (current one included).
    pub fn watch(&self, id: &str) -> Option<watch::Receiver<Snapshot>> {
        self.lock().get(id).map(|e| e.tx.subscribe())
    }

    /// The order's `order_state`.
    fn state_of(e: &Entry) -> String {
        e.order["order_state"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn publish(e: &mut Entry) {
        e.version += 1;
        let terminal = is_terminal(e.order["order_state"].as_str().unwrap_or_default());
        e.tx.send_replace(Snapshot {
            version: e.version,
            json: Arc::new(e.order.to_string()),
            terminal,
        });
    }

    /// Adds a payment to an order waiting for one: short of the total it is
    /// PartialPaymentStarted; reaching it, PaymentStarted while unconfirmed, else
    /// WaitingForDelivery. The order then shows `amount_paid` and `amount_due`.
    pub fn pay(&self, id: &str, payment: Payment) -> Result<Value, ControlError> {
        let mut orders = self.lock();
        let e = orders.get_mut(id).ok_or(ControlError::NotFound)?;
        let state = Self::state_of(e);
        if !PAYABLE.contains(&state.as_str()) {
            return Err(ControlError::Conflict(format!(
                "order is {state}: only {} orders can be paid",
                PAYABLE.join(", ")
            )));
        }
        let due = e.total.saturating_sub(e.paid);
        e.paid = e.paid.saturating_add(payment.amount.unwrap_or(due));
        let (order_state, payment_state) = after_payment(e.paid, e.total, payment.unconfirmed);
        e.order["order_state"] = json!(order_state);
        e.order["payment_state"] = json!(payment_state);
        e.order["amount_paid"] = json!(amount::format(e.paid));
        e.order["amount_due"] = json!(amount::format(e.total.saturating_sub(e.paid)));
        if let Some(tx) = payment.tx {
            e.order["tx_hash"] = json!(tx);
        }
        if order_state == "WaitingForDelivery"
            && let Some(list) = e.order["deliveries"].as_array_mut()
        {
            for d in list {
                d["delivery_state"] = json!("WaitingForDelivery");
            }
        }
        Self::publish(e);
        Ok(e.order.clone())
    }

    /// Marks a waiting order's payment failed.
    pub fn fail(&self, id: &str) -> Result<Value, ControlError> {
        let mut orders = self.lock();
        let e = orders.get_mut(id).ok_or(ControlError::NotFound)?;
        let state = Self::state_of(e);
        if is_terminal(&state) {
            return Err(ControlError::Conflict(format!("order is already {state}")));
        }
        e.order["order_state"] = json!("PaymentFailed");
        e.order["payment_state"] = json!("PaymentFailed");
        Self::publish(e);
        Ok(e.order.clone())
    }

    /// Refunds an order that received any money, whatever its state (once):
    /// order_state and payment_state Refunded, `amount_paid` and `amount_due` kept.
    pub fn refund(&self, id: &str) -> Result<Value, ControlError> {
        let mut orders = self.lock();
        let e = orders.get_mut(id).ok_or(ControlError::NotFound)?;
        let state = Self::state_of(e);
        if state == "Refunded" {
            return Err(ControlError::Conflict("order is already Refunded".into()));
        }
        if e.paid == 0 {
            return Err(ControlError::Conflict(format!(
                "order is {state} and received no money to refund"
            )));
        }
        e.order["order_state"] = json!("Refunded");
        e.order["payment_state"] = json!("Refunded");
        Self::publish(e);
        Ok(e.order.clone())
    }

    /// Delivers every card of a paid order not yet delivered: Done.
    #[cfg(test)]
    pub fn deliver(&self, id: &str) {
        let cards = self
            .get(id)
            .and_then(|o| o["deliveries"].as_array().map(Vec::len))
            .unwrap_or(0);
        for i in 0..cards {
            self.deliver_card(id, i);
        }
    }

    /// Delivers card `i` of a paid order (its own `delivery_state` Done, with a pin
    /// code or redemption link); the order is Done once every card is. False when
    /// the order is not waiting for delivery (refunded, unknown, done).
    pub fn deliver_card(&self, id: &str, i: usize) -> bool {
        let mut orders = self.lock();
        let Some(e) = orders.get_mut(id) else {
            return false;
        };
        if e.order["order_state"] != "WaitingForDelivery" {
            return false;
        }
        let order_id = id.to_string();
        let lang = e.lang;
        let Some(list) = e.order["deliveries"].as_array_mut() else {
            return false;
        };
        let Some(d) = list.get_mut(i) else {
            return false;
        };
        if d["delivery_state"] != "Done" {
            let brand = d["brand_name"].as_str().unwrap_or_default().to_string();
            let family = super::catalogue::find(&brand);
            let url = family.is_some_and(|f| f.is(super::catalogue::REDEEM_URL));
            let h = hash::hash64(format!("{order_id}/{i}").as_bytes());
            let code = if url {
                format!(
                    "https://redeem.sandbox.invalid/{}/{h:016x}",
                    family.map(|f| f.slug).unwrap_or("gift")
                )
            } else {
                let s = format!("{h:016X}");
                format!("{}-{}-{}-{}", &s[0..4], &s[4..8], &s[8..12], &s[12..16])
            };
            d["delivery_state"] = json!("Done");
            d["deliverable"]["pin_code"] = json!(code);
            d["deliverable"]["pin_serial"] = json!(format!("SN{}", h % 1_000_000_000));
            d["deliverable"]["how_to_redeem"] =
                json!(words::delivered(lang, family.map(|f| f.kind)));
            d["deliverable"]["redeem_instructions"] = d["deliverable"]["how_to_redeem"].clone();
        }
        if list.iter().all(|d| d["delivery_state"] == "Done") {
            e.order["order_state"] = json!("Done");
        }
        Self::publish(e);
        true
    }

    /// Expires every order whose window has passed at `now` while it was unpaid
    /// (payment_state Expired too) or partly paid (it stays PartiallyPaid, its
    /// amounts kept). A payment seen in time (PaymentStarted) does not expire.
    pub fn expire(&self, now: i64) -> usize {
        let mut orders = self.lock();
        let mut n = 0;
        for e in orders.values_mut() {
            // Looked at every second for every order: no allocation.
            let state = e.order["order_state"].as_str().unwrap_or_default();
            let unpaid = state == "WaitingForPayment";
            let partly_paid = state == "PartialPaymentStarted";
            let created = e.order["created_at"].as_i64().unwrap_or(i64::MAX);
            if (unpaid || partly_paid) && created.saturating_add(WINDOW_SECS) <= now {
                e.order["order_state"] = json!("Expired");
                if unpaid {
                    e.order["payment_state"] = json!("Expired");
                }
                Self::publish(e);
                n += 1;
            }
        }
        n
    }

    /// Orders held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::Line;

    /// A store holding one order for a 10 USD Steam card (10.35 USDC); its id.
    fn store_with_order() -> (Store, String) {
        let family = crate::catalogue::find("Steam Wallet").expect("Steam Wallet");
        let line = Line {
            brand: family.name.into(),
            country: "US".into(),
            path: "deliveries[0].deliverable.".into(),
            denomination: "10".into(),
            localized: None,
            kind: Some(family.kind.into()),
            product_value: None,
            beneficiary: "buyer@example.com".into(),
            quantity: 1,
        };
        let priced = Priced {
            family,
            line,
            face: 10.0,
            currency: "USD",
        };
        let store = Store::default();
        let terms = Terms {
            coin: "USDC",
            network: "Solana",
            coin_amount: "10.35",
            email: "b@example.com",
            lang: Lang::En,
            token: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        };
        let order = store.create(&[priced], terms, 0);
        let id = order["order_id"].as_str().unwrap_or_default().to_string();
        (store, id)
    }

    #[test]
    fn a_delivery_due_after_a_refund_does_nothing() {
        let (store, id) = store_with_order();
        assert!(store.pay(&id, Payment::default()).is_ok());
        assert!(store.refund(&id).is_ok());
        store.deliver(&id);
        let o = store.get(&id).unwrap_or_default();
        assert_eq!(o["order_state"], "Refunded");
        assert_eq!(o["deliveries"][0]["deliverable"]["pin_code"], Value::Null);
    }
}
