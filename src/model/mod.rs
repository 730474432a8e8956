//! Shared types and pure shop logic, compiled for both the server and the browser.
//!
//! The serde models are lenient on purpose: unknown fields are ignored, numbers
//! that arrive as strings are accepted and unknown enum values are kept as `Other`.

pub mod beneficiary;
pub mod brand_filter;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod countries;
pub mod deadline;
pub mod evm;
pub mod lenient;
pub mod money;
pub mod order;
pub mod payment;
pub mod payment_status;
pub mod prepared;
pub mod problem;
pub mod receipt;
pub mod reconnect;
pub mod values;
