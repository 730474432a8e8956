//! Idempotency keys, shared by every instance through the shop's
//! [`SharedStore`]: the first submission of a key claims it (`SET NX`) and places
//! the order; a repeat (a double click, a retry, the same form sent to another
//! instance) waits for that outcome and answers with the same order.
//!
//! When the store can't be reached, no order is placed (fails closed): without
//! the claim, nothing would stop a second instance placing the same order.

use crate::error::AppError;
use crate::model::order::Order;
use crate::server::shared_store::SharedStore;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often a repeat looks again for the first submission's outcome.
const POLL: Duration = Duration::from_millis(50);

/// What became of an idempotency key, as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Placed {
    /// An instance is placing the order (its claim, to give it up).
    Pending { claim: String },
    /// The upstream answered with this order.
    Order { order: Box<Order> },
    /// The request went out and no readable answer came back: an order may exist.
    Uncertain,
}

/// Whose turn it is under a key.
pub enum Turn {
    /// This submission holds the key: it places the order, then settles or abandons.
    Mine(Claim),
    /// The key's order was placed (or may have been) by an earlier submission.
    Settled(Placed),
}

/// A held key.
pub struct Claim {
    key: String,
    pending: String,
}

/// Idempotency keys in a shared store.
pub struct Idempotency {
    store: Arc<dyn SharedStore>,
    /// How long a key answers repeats.
    window: Duration,
    /// How long a repeat waits for the first submission to settle.
    wait: Duration,
}

impl Idempotency {
    /// Keys kept in `store` for `window`; repeats wait up to `wait` for an outcome.
    pub fn new(store: Arc<dyn SharedStore>, window: Duration, wait: Duration) -> Idempotency {
        Idempotency {
            store,
            window,
            wait,
        }
    }

    /// Claims `key`, or waits for the outcome of whoever holds it.
    pub async fn begin(&self, key: &str) -> Result<Turn, AppError> {
        let pending = serde_json::to_string(&Placed::Pending {
            claim: crate::server::ids::new_id(),
        })
        .map_err(|_| AppError::OrdersPaused)?;
        let deadline = Instant::now() + self.wait;
        loop {
            match self.store.claim(key, &pending, self.window).await {
                Ok(true) => {
                    return Ok(Turn::Mine(Claim {
                        key: key.to_string(),
                        pending,
                    }));
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(error = %e, "idempotency key not claimed; no order placed");
                    return Err(AppError::OrdersPaused);
                }
            }
            match self.store.get(key).await {
                Ok(Some(held)) => match serde_json::from_str::<Placed>(&held) {
                    Ok(Placed::Pending { .. }) => {}
                    Ok(done) => return Ok(Turn::Settled(done)),
                    // Unreadable (another version wrote it?): never risk a second order.
                    Err(_) => return Ok(Turn::Settled(Placed::Uncertain)),
                },
                // Given up (or expired) meanwhile: claim it again.
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(error = %e, "idempotency key unreadable; no order placed");
                    return Err(AppError::OrdersPaused);
                }
            }
            if Instant::now() >= deadline {
                // Still being placed elsewhere: it may well exist.
                return Ok(Turn::Settled(Placed::Uncertain));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Records the outcome under the claimed key, for repeats to find.
    pub async fn settle(&self, claim: Claim, outcome: &Placed) {
        let written = match serde_json::to_string(outcome) {
            Ok(value) => self.store.put(&claim.key, &value, self.window).await,
            Err(e) => Err(crate::server::shared_store::StoreError::Failed(
                e.to_string(),
            )),
        };
        if let Err(e) = written {
            // Repeats will find the key pending, and answer "uncertain": never a second order.
            tracing::error!(error = %e, "idempotency outcome not recorded");
        }
    }

    /// Gives the key up: nothing was placed, a repeat may try again.
    pub async fn abandon(&self, claim: Claim) {
        if let Err(e) = self.store.release(&claim.key, &claim.pending).await {
            tracing::warn!(error = %e, "idempotency key not released; repeats answer uncertain until it expires");
        }
    }
}
