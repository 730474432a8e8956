//! Reading an order back from the upstream (finished orders from memory).

use super::Shop;
use crate::error::AppError;
use crate::model::order::Order;
use crate::model::values::{Email, OrderId};
use crate::server::order_ledger::Refusal;
use crate::server::upstream::{Shopper, UpstreamError};

impl Shop {
    /// True when this shop placed order `id` for `email` ("Find my order").
    pub async fn placed_by(&self, id: &OrderId, email: &Email) -> bool {
        crate::server::order_owner::placed_by(
            self.store.as_ref(),
            &self.config.cookie_secret,
            id,
            email,
        )
        .await
    }

    /// `GET /v5/orders/{id}`.
    pub async fn order(&self, shopper: &Shopper, id: &OrderId) -> Result<Order, AppError> {
        let id = id.as_str();
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
