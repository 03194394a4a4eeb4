//! The seam through which the catalog asks, before a fleet change that could break bookings,
//! whether the bookings allow it — without depending on the reservations module, which provides
//! the implementation (as a [`Services`](ycyw_shared::services::Services) entry
//! `Arc<dyn FleetGuard>`). Called inside the catalog's transaction, after the changed row is
//! locked, so a booking cannot slip in between the check and the change; what the guard writes
//! (moved reservations) commits or rolls back with the change.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::MySqlConnection;

use crate::model::{Agency, Vehicle};

/// Why a fleet change is refused.
#[derive(Debug, thiserror::Error)]
pub enum FleetConflict {
    /// Future reservations stand in the way: their references.
    #[error("future reservations depend on it: {}", .references.join(", "))]
    Reservations {
        /// Their human references (`YCW-7K2M9Q`).
        references: Vec<String>,
    },
    /// The check itself failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// What the reservations module answers for fleet changes.
#[async_trait]
pub trait FleetGuard: Send + Sync + std::fmt::Debug {
    /// `before` is about to become `after` (deactivated, or moved to another category): the
    /// future reservations on it move to another free vehicle of its category at its agency,
    /// through `conn`, or the change is refused naming those that cannot move.
    async fn vehicle_changing(
        &self,
        conn: &mut MySqlConnection,
        before: &Vehicle,
        after: &Vehicle,
        now: DateTime<Utc>,
    ) -> Result<(), FleetConflict>;

    /// `before` is about to become `after` with another time zone or deactivated: refused while
    /// reservations to come pick up or return there.
    async fn agency_changing(
        &self,
        conn: &mut MySqlConnection,
        before: &Agency,
        after: &Agency,
        now: DateTime<Utc>,
    ) -> Result<(), FleetConflict>;
}

/// The guard the state's services hold, if a linked module provided one.
pub fn from_state(state: &ycyw_shared::AppState) -> Option<Arc<dyn FleetGuard>> {
    state.services.get::<Arc<dyn FleetGuard>>().cloned()
}

/// Whether a vehicle change concerns its bookings.
pub fn vehicle_change_matters(before: &Vehicle, after: &Vehicle) -> bool {
    before.active && (!after.active || after.category != before.category)
}

/// Whether an agency change concerns its bookings.
pub fn agency_change_matters(before: &Agency, after: &Agency) -> bool {
    before.active && (!after.active || after.time_zone != before.time_zone)
}
