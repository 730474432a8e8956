//! The storefront's integration tests, one binary (one link) for all of them:
//! each module starts the servers it needs on free loopback ports.
#![cfg(feature = "ssr")]

mod common;

mod cart;
mod dialects;
mod guards;
mod hardening;
mod instances;
mod languages;
mod log_scan;
mod metrics;
mod money;
mod page_cache;
mod readiness;
mod recent_orders;
mod reference;
mod request_ids;
mod route_list_race;
mod shared_store;
mod static_assets;
mod storefront_api;
mod storefront_http;
mod sweep;
mod wallet_pay;
mod wallet_uris;
