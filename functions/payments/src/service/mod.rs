//! The module's operations: [`checkout`] (a Checkout Session for what a reservation owes),
//! [`webhook`] (verifying and storing Stripe's events), [`events`] (what each event does, in the
//! worker), [`refunds`] (the `issue_refund` jobs the reservations module queues), [`history`]
//! (a reservation's payments).

pub mod checkout;
pub mod events;
pub mod history;
pub mod refunds;
pub mod webhook;

use chrono::{DateTime, Utc};
use ycyw_reservations::Reservations;
use ycyw_shared::AppState;
use ycyw_shared::time::to_db_precision;

use crate::error::PaymentsError;
use crate::stripe::Stripe;

/// What every operation works with.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The application state.
    pub state: AppState,
    /// The reservations module's facade.
    pub reservations: Reservations,
    /// The Stripe client; `None` where `STRIPE_SECRET_KEY` is not configured (tests of other
    /// modules, a dev stack started without the simulator): calls answer 503.
    pub stripe: Option<Stripe>,
}

impl Ctx {
    /// The context of a state, with the Stripe client its settings describe.
    pub fn new(state: &AppState) -> anyhow::Result<Self> {
        let stripe = if state.settings.secrets.get(ycyw_shared::config::SecretKey::StripeSecretKey).is_some() {
            Some(Stripe::from_settings(&state.settings)?)
        } else {
            None
        };
        Ok(Self { state: state.clone(), reservations: Reservations::new(state), stripe })
    }

    /// Now, at the database's precision.
    pub fn now(&self) -> DateTime<Utc> {
        to_db_precision(self.state.clock.now())
    }

    /// The Stripe client, or 503 when none is configured.
    pub fn stripe(&self) -> Result<&Stripe, PaymentsError> {
        self.stripe.as_ref().ok_or_else(|| PaymentsError::ProviderUnavailable("STRIPE_SECRET_KEY is not configured".into()))
    }
}
