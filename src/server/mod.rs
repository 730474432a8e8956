//! Server-only code, compiled with the `ssr` feature.

pub mod config;
pub mod http;
pub mod ids;
pub mod ratelimit;
pub mod routes;
pub mod run;
pub mod sandbox;
pub mod shop;
pub mod shopper;
pub mod sse;
pub mod state;
pub mod upstream;
