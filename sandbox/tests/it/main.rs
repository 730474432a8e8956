//! The sandbox's integration tests, one binary (one link) for all of them.

mod common;

mod access;
mod catalogue;
mod chain;
mod dialects;
mod faults;
mod orders;
mod shapes;
mod validation;
