//! The state every handler and server function can reach.

use crate::server::shop::Shop;
use crate::server::sse::Hub;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Shared by the router, the server functions (via context) and the SSE proxy.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub shop: Arc<Shop>,
    pub hub: Arc<Hub>,
}
