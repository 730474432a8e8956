//! One route component per file.

pub mod brand;
pub mod cart;
pub mod countries;
pub mod find_order;
pub mod home;
pub mod order;
pub mod policies;
