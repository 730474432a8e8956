//! Reusable views.

pub mod brand_grid;
pub mod catalogue_words;
pub mod checkout;
pub mod copy_button;
pub mod country_picker;
pub mod error_panel;
pub mod not_found;
pub mod order_region;
pub mod order_status;
pub mod payment_panel;
pub mod receipt;
pub mod recent_orders;
pub mod site_footer;
pub mod wallet_pay;
