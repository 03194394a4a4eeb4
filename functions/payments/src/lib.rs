//! Payments with Stripe (DESIGN §1, §5, §7, §8; API.md "Payments"): Checkout Sessions for what a
//! reservation owes, the signed webhook endpoint (events stored once and processed by the
//! worker), refunds, and a reservation's payment history. Built on the reservations module's
//! facade; card data never reaches us.
//!
//! - [`PaymentsModule`]: routes, secrets, the worker's handlers (`process_stripe_event`,
//!   `issue_refund`), account part, retention part (processed Stripe payloads erased).
//! - The Stripe client is async-stripe's ([`stripe`]); `STRIPE_API_BASE` points it at the local
//!   simulator (`tools/stripe-sim`) in dev and tests.

mod account;
pub mod error;
pub(crate) mod handlers;
pub mod jobs;
pub(crate) mod model;
pub(crate) mod repo;
mod retention;
pub mod service;
pub mod stripe;

use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;
use ycyw_reservations::seam::CheckoutDesk;
use ycyw_shared::AppState;
use ycyw_shared::account::AccountPart;
use ycyw_shared::config::SecretKey;
use ycyw_shared::jobs::JobHandlers;
use ycyw_shared::module::{Build, Duty, Module, Routes, Work};
use ycyw_shared::retention::RetentionPart;
use ycyw_shared::services::Services;

pub use error::PaymentsError;
pub use model::{CheckoutSessionView, Kind, PaymentList, PaymentStatus, PaymentView};
use service::Ctx;

/// The payments module.
#[derive(Debug, Clone, Copy, Default)]
pub struct PaymentsModule;

impl FromRef<Ctx> for AppState {
    fn from_ref(ctx: &Ctx) -> Self {
        ctx.state.clone()
    }
}

/// The module's operations, before any state: built to serve by [`Module::routes`], to
/// describe by [`Module::openapi`] (the description only then: [`Build`]).
fn api(build: Build) -> OpenApiRouter<Ctx> {
    use handlers::*;
    OpenApiRouter::new()
        .routes(ycyw_shared::routes!(build; create_checkout_session::create_checkout_session))
        .routes(ycyw_shared::routes!(build; list_payments::list_payments))
        .routes(ycyw_shared::routes!(build; stripe_webhook::stripe_webhook))
}

#[async_trait]
impl Module for PaymentsModule {
    fn name(&self) -> &'static str {
        "payments"
    }

    fn secrets(&self, duty: Duty) -> &'static [SecretKey] {
        match duty {
            Duty::Http => &[SecretKey::JwtSigningKey, SecretKey::StripeSecretKey, SecretKey::StripeWebhookSecret],
            // The worker verifies stored events again before acting on them.
            Duty::Work => &[SecretKey::StripeSecretKey, SecretKey::StripeWebhookSecret],
        }
    }

    async fn routes(&self, state: &AppState) -> anyhow::Result<Routes> {
        Ok(Routes::new(api(Build::Serve).with_state(Ctx::new(state)?)))
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(api(Build::Describe).into_openapi())
    }

    async fn work(&self, state: &AppState) -> anyhow::Result<Work> {
        let ctx = Ctx::new(state)?;
        let jobs = JobHandlers::default()
            .on::<jobs::ProcessStripeEvent>(jobs::Worker(ctx.clone()))
            .on::<ycyw_reservations::jobs::IssueRefund>(jobs::Worker(ctx));
        Ok(Work { jobs, schedules: Vec::new() })
    }

    fn account(&self) -> Option<Arc<dyn AccountPart>> {
        Some(Arc::new(account::PaymentsAccount))
    }

    fn retention(&self) -> Option<Arc<dyn RetentionPart>> {
        Some(Arc::new(retention::PaymentsRetention))
    }

    /// The checkout desk the reservations module opens for a modification that must be paid
    /// (the deployable serving `PATCH /reservations/{id}` links payments, served or not). Without
    /// a usable Stripe configuration there is none, and that answer carries no URL.
    fn provide(&self, state: &AppState, services: &mut Services) {
        match Ctx::new(state) {
            Ok(ctx) => services.provide::<Arc<dyn CheckoutDesk>>(Arc::new(Desk(ctx))),
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "no checkout desk for the reservations module"),
        }
    }
}

/// [`CheckoutDesk`] over the checkout of `POST /reservations/{id}/checkout-sessions`.
struct Desk(Ctx);

#[async_trait]
impl CheckoutDesk for Desk {
    async fn checkout_url(&self, user: Uuid, id: Uuid) -> anyhow::Result<String> {
        Ok(service::checkout::open(&self.0, user, id).await?.url)
    }
}
