//! Payments: Stripe Checkout, refunds and the webhook endpoint.
//!
//! [`PaymentsModule`] is the module's description. It has no endpoints yet, but it already
//! declares what it cannot run without: the Stripe API key (Checkout Sessions over HTTP,
//! refunds in the worker) and the webhook signing secret.

use ycyw_shared::config::SecretKey;
use ycyw_shared::module::{Duty, Module};

/// The payments module.
#[derive(Debug, Clone, Copy, Default)]
pub struct PaymentsModule;

impl Module for PaymentsModule {
    fn name(&self) -> &'static str {
        "payments"
    }

    fn secrets(&self, duty: Duty) -> &'static [SecretKey] {
        match duty {
            Duty::Http => &[SecretKey::JwtSigningKey, SecretKey::StripeSecretKey, SecretKey::StripeWebhookSecret],
            Duty::Work => &[SecretKey::StripeSecretKey],
        }
    }
}
