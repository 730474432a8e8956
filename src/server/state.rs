//! The state every handler and server function can reach.

use crate::server::shop::Shop;
use crate::server::sse::Hub;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Shared by the router, the server functions (via context) and the SSE proxy.
/// Cheap to clone (three reference counts): axum clones a route's state on
/// every request, cached pages included.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: Arc<LeptosOptions>,
    pub shop: Arc<Shop>,
    pub hub: Arc<Hub>,
}

/// What `leptos_axum` extracts when it renders a page.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        (*state.leptos_options).clone()
    }
}
