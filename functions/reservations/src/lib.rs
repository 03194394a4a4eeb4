//! Reservations: offer search, booking with a 30-minute hold and no overbooking, the client's
//! reservations with modification (until 48 h before pickup) and cancellation (100 % refund
//! until 7 days before, then 25 %), and the agents' day lists and counter (pickup, return,
//! no-show). Built on the catalog's and auth's facades; contract in API.md "Reservations",
//! rules in DESIGN §5.
//!
//! - [`ReservationsModule`] is the module's description: routes, secrets, job handlers and
//!   schedules (hold expiry every minute, pickup reminders every 15 minutes), account part.
//! - [`Reservations`] is the public Rust API, for the payments module (a payment received, a
//!   checkout that ended unpaid) and the tools.
//! - The rules live in `service/rules.rs` as plain functions; the SQL in `repo/`.

mod account;
pub mod bulk;
mod directory;
pub(crate) mod error;
mod fleet;
pub(crate) mod handlers;
pub mod jobs;
pub(crate) mod model;
pub mod occupancy;
pub(crate) mod repo;
pub mod seam;
pub(crate) mod service;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;
use ycyw_shared::AppState;
use ycyw_shared::account::AccountPart;
use ycyw_shared::config::SecretKey;
use ycyw_shared::domain::Money;
use ycyw_shared::jobs::{Handle, JobError, JobHandlers, JobSpec as _, Schedule};
use ycyw_shared::module::{Build, Duty, Module, Routes, Work};
use ycyw_shared::queue::{Job, NewJob};
use ycyw_shared::services::Services;

pub use error::ReservationsError;
pub use model::{
    Cancellation, CancellationQuote, DayEntryView, DayEvent, DayPage, Modification, ModificationOutcome, Offer, OfferPage, Reference,
    ReservationView, Status,
};
use service::Ctx;
pub use service::payment::{CheckoutTarget, PaymentApplied};
pub use service::rules;

/// The reservations module.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReservationsModule;

/// The module's operations, before any state: built to serve by [`Module::routes`], to
/// describe by [`Module::openapi`] (the description only then: [`Build`]).
fn api(build: Build) -> OpenApiRouter<AppState> {
    use handlers::*;
    OpenApiRouter::new()
        .routes(ycyw_shared::routes!(build; search_offers::search_offers))
        .routes(ycyw_shared::routes!(build; list_reservations::list_reservations, create_reservation::create_reservation))
        .routes(ycyw_shared::routes!(build; get_reservation::get_reservation, modify_reservation::modify_reservation))
        .routes(ycyw_shared::routes!(build; cancellation_quote::cancellation_quote))
        .routes(ycyw_shared::routes!(build; cancel_reservation::cancel_reservation))
        .routes(ycyw_shared::routes!(build; agency_day::agency_day))
        .routes(ycyw_shared::routes!(build; record_pickup::record_pickup))
        .routes(ycyw_shared::routes!(build; record_return::record_return))
        .routes(ycyw_shared::routes!(build; record_no_show::record_no_show))
}

#[async_trait]
impl Module for ReservationsModule {
    fn name(&self) -> &'static str {
        "reservations"
    }

    fn secrets(&self, duty: Duty) -> &'static [SecretKey] {
        match duty {
            Duty::Http => &[SecretKey::JwtSigningKey],
            Duty::Work => &[],
        }
    }

    async fn routes(&self, state: &AppState) -> anyhow::Result<Routes> {
        Ok(Routes::new(api(Build::Serve).with_state(state.clone())))
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(api(Build::Describe).into_openapi())
    }

    async fn work(&self, state: &AppState) -> anyhow::Result<Work> {
        let ctx = Ctx::new(state);
        let jobs = JobHandlers::default().on::<jobs::ExpireHolds>(Sweeper(ctx.clone())).on::<jobs::SendPickupReminders>(Sweeper(ctx));
        let schedules = vec![
            Schedule::every(jobs::ExpireHolds::KIND, jobs::EXPIRE_HOLDS_EVERY, |_| {
                NewJob::new(jobs::ExpireHolds::KIND, serde_json::json!({}))
            }),
            Schedule::every(jobs::SendPickupReminders::KIND, jobs::PICKUP_REMINDERS_EVERY, |_| {
                NewJob::new(jobs::SendPickupReminders::KIND, serde_json::json!({}))
            }),
        ];
        Ok(Work { jobs, schedules })
    }

    fn account(&self) -> Option<Arc<dyn AccountPart>> {
        Some(Arc::new(account::ReservationsAccount))
    }

    fn provide(&self, state: &AppState, services: &mut Services) {
        services.provide::<Arc<occupancy::Occupancy>>(Arc::default());
        services.provide::<Arc<dyn ycyw_catalog::FleetGuard>>(Arc::new(fleet::ReservationsFleetGuard));
        services.provide::<ycyw_support::seam::Reservations>(Arc::new(directory::SupportDirectory(state.db.clone())));
    }
}

/// Runs the sweeps.
struct Sweeper(Ctx);

#[async_trait]
impl Handle<jobs::ExpireHolds> for Sweeper {
    async fn handle(&self, _: jobs::ExpireHolds, _job: &Job) -> Result<(), JobError> {
        let done = service::sweeps::expire(&self.0, self.0.now()).await.map_err(|e| JobError::Retryable(e.into()))?;
        tracing::info!(holds = done.holds, changes = done.changes, "ended holds expired");
        Ok(())
    }
}

#[async_trait]
impl Handle<jobs::SendPickupReminders> for Sweeper {
    async fn handle(&self, _: jobs::SendPickupReminders, _job: &Job) -> Result<(), JobError> {
        let sent = service::sweeps::remind(&self.0, self.0.now()).await.map_err(|e| JobError::Retryable(e.into()))?;
        tracing::info!(sent, "pickup reminders queued");
        Ok(())
    }
}

/// What other modules may ask the reservations module. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Reservations {
    ctx: Ctx,
}

impl Reservations {
    /// The module over an application state.
    pub fn new(state: &AppState) -> Self {
        Self { ctx: Ctx::new(state) }
    }

    /// A reservation as its client sees it; `None` when unknown or someone else's.
    pub async fn of_client(&self, user: Uuid, id: Uuid) -> Result<Option<ReservationView>, ReservationsError> {
        match service::manage::get(&self.ctx, service::manage::Viewer::Client(user), id).await {
            Ok(view) => Ok(Some(view)),
            Err(ReservationsError::NotFound) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// A reservation as an agent of `agency` sees it; `None` when unknown or of another agency.
    pub async fn of_agency(&self, agency: Uuid, id: Uuid) -> Result<Option<ReservationView>, ReservationsError> {
        match service::manage::get(&self.ctx, service::manage::Viewer::Agent(agency), id).await {
            Ok(view) => Ok(Some(view)),
            Err(ReservationsError::NotFound) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Records `amount` paid at `at` for reservation `id` (its pending change `change` when
    /// given): confirms it (or applies the change) and queues the email; idempotent, and a
    /// payment that comes too late is refunded ([`PaymentApplied`]).
    pub async fn payment_received(
        &self,
        id: Uuid,
        change: Option<Uuid>,
        amount: Money,
        at: DateTime<Utc>,
    ) -> Result<PaymentApplied, ReservationsError> {
        service::payment::received(&self.ctx, id, change, amount, ycyw_shared::time::to_db_precision(at)).await
    }

    /// The checkout of reservation `id` (of its change `change`) ended unpaid at `at`: the hold
    /// is released.
    pub async fn checkout_closed(&self, id: Uuid, change: Option<Uuid>, at: DateTime<Utc>) -> Result<(), ReservationsError> {
        service::payment::checkout_closed(&self.ctx, id, change, ycyw_shared::time::to_db_precision(at)).await
    }

    /// What client `user` can pay now for reservation `id` (404 someone else's, 409
    /// `nothing_to_pay`).
    pub async fn checkout_target(&self, user: Uuid, id: Uuid) -> Result<CheckoutTarget, ReservationsError> {
        service::payment::checkout_target(&self.ctx, user, id, self.ctx.now()).await
    }

    /// Keeps the car of reservation `id` (of its change `change`) held until `until`, when its
    /// hold still runs (a checkout session lasts at least 30 minutes).
    pub async fn extend_hold(&self, id: Uuid, change: Option<Uuid>, until: DateTime<Utc>) -> Result<(), ReservationsError> {
        service::payment::extend_hold(&self.ctx, id, change, ycyw_shared::time::to_db_precision(until), self.ctx.now()).await
    }

    /// The ids of every reservation of `user`, read through `conn` (another module's account
    /// part, inside the export or the deletion transaction).
    pub async fn ids_of_user(conn: &mut sqlx::MySqlConnection, user: Uuid) -> Result<Vec<Uuid>, ReservationsError> {
        Ok(repo::ids_of_user(conn, user).await?)
    }

    /// Marks ended holds expired now (what the `expire_holds` job does).
    pub async fn expire_holds(&self) -> Result<usize, ReservationsError> {
        Ok(service::sweeps::expire(&self.ctx, self.ctx.now()).await?.holds)
    }
}
