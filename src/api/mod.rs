//! Server functions, one small module per area. They check input, then call the
//! shop service; the browser only ever sees `AppError`.

pub mod cart;
pub mod catalog;
pub mod orders;
pub mod pricing;
pub mod wallet;

/// Where shoppers write for help (`CR_SUPPORT_EMAIL`), when configured; read
/// while the server renders a page (none in the browser, which renders no
/// footer).
pub fn support_email() -> Option<String> {
    #[cfg(feature = "ssr")]
    if let Ok(state) = ssr::state() {
        return state.shop.config.support_email.clone();
    }
    None
}

/// The address of the wallet module for Solana (`solana`) or EVM chains
/// (`server::wallet_module`), read while the server renders an order page.
pub fn wallet_module(solana: bool) -> Option<String> {
    #[cfg(feature = "ssr")]
    if let Ok(state) = ssr::state() {
        use crate::server::wallet_module::{Kind, src};
        let kind = if solana { Kind::Solana } else { Kind::Evm };
        return src(&state.leptos_options, kind);
    }
    let _ = solana;
    None
}

/// Solana orders can be paid from a connected wallet (`CR_SOLANA_RPC_URL` is set).
pub fn solana_wallets() -> bool {
    #[cfg(feature = "ssr")]
    if let Ok(state) = ssr::state() {
        return state.shop.config.solana_rpc_url.is_some();
    }
    false
}

/// Server-side helpers shared by the server functions.
#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::error::AppError;
    use crate::server::state::AppState;
    use crate::server::upstream::Shopper;
    use axum::http::HeaderMap;
    use leptos::prelude::*;

    /// The app state the router provided.
    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or(AppError::Unavailable)
    }

    /// The current request's headers.
    pub fn headers() -> HeaderMap {
        use_context::<axum::http::request::Parts>()
            .map(|p| p.headers)
            .unwrap_or_default()
    }

    /// The current request's client, as resolved by the client-address layer.
    pub fn client() -> Option<crate::server::client_addr::ClientAddr> {
        use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get().copied())
    }

    /// The shopper of the current request, in `country` (or their own country when `None`).
    pub fn shopper(state: &AppState, country: Option<&str>) -> Shopper {
        let headers = headers();
        let cc = match country {
            Some(c) => c.to_string(),
            None => crate::server::shopper::country(&headers, &state.shop.config.default_country),
        };
        crate::server::shopper::shopper(&headers, &cc, client())
    }

    /// Sends a plain form post on to `path` in the shopper's language (its
    /// `/tr`, `/vi` prefix kept).
    pub fn go(path: &str) {
        leptos_axum::redirect(&crate::lang::href(crate::lang::locale(), path));
    }

    /// Adds a `Set-Cookie` header to the response.
    pub fn set_cookie(value: &str) {
        if let (Some(res), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            axum::http::HeaderValue::from_str(value),
        ) {
            res.append_header(axum::http::header::SET_COOKIE, v);
        }
    }

    /// Puts an order first in the shopper's recent-orders cookie.
    pub fn remember_recent(order_id: &str) {
        use crate::server::recent_orders;
        let Some(id) = crate::model::values::OrderId::parse(order_id) else {
            return;
        };
        let ids = recent_orders::read(&headers());
        if ids.first() != Some(&id) {
            set_cookie(&recent_orders::cookie(&recent_orders::with_order(ids, &id)));
        }
    }

    /// Refuses a request another website made the browser send (see
    /// `server::cross_site`, whose layer refuses them before any server function;
    /// kept here too so a function that changes state says so itself).
    pub fn same_site() -> Result<(), AppError> {
        if crate::server::cross_site::is_cross_site(&headers()) {
            Err(AppError::CrossSite)
        } else {
            Ok(())
        }
    }

    /// True when the request is a plain HTML form post (no JavaScript).
    pub fn is_plain_form_post() -> bool {
        headers()
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    }
}
