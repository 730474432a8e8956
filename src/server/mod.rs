//! Server-only code, compiled with the `ssr` feature.

pub mod cart_cookie;
pub mod client_addr;
pub mod config;
pub mod cross_site;
pub mod draft_cookie;
pub mod http;
pub mod idempotency;
pub mod idle_islands;
pub mod ids;
pub mod listener;
pub mod locale;
pub mod order_intent;
pub mod order_ledger;
pub mod page_cache;
pub mod phone;
pub mod ratelimit;
pub mod recent_orders;
pub mod routes;
pub mod run;
pub mod shared_store;
pub mod shop;
pub mod shopper;
pub mod signed_cookie;
pub mod sse;
pub mod state;
pub mod upstream;
