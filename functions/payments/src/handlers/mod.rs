//! One thin handler per endpoint (API.md "Payments").

pub mod create_checkout_session;
pub mod list_payments;
pub mod stripe_webhook;
