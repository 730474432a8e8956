//! The typed client of the partner API: headers, timeouts, error mapping and the
//! catalogue cache. It knows nothing of the sandbox but its URL.

pub mod cache;
pub mod catalogue;
pub mod client;
pub mod error;
pub mod health;
pub mod requests;

pub use client::{Shopper, UpstreamClient};
pub use error::UpstreamError;
