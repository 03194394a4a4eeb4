//! The module's operations, one file per concern. Pure rules ([`rules`]) come first and are
//! unit-tested without a database; each operation is a short sequence of reads through the
//! catalog's and auth's facades, checks, and writes in one transaction.
//!
//! - [`offers`]: `GET /offers`, and the resolution of agencies, times and categories that
//!   booking and modification share ([`places`]).
//! - [`booking`]: `POST /reservations`, the no-overbooking lock discipline ([`booking::take_vehicle`]).
//! - [`manage`]: the client's reads, modification and cancellation.
//! - [`payment`]: what the payments module reports (paid, checkout expired).
//! - [`counter`]: the agents' day lists, pickup, return and no-show.
//! - [`sweeps`]: hold expiry and pickup reminders, run by the worker's schedules.
//! - [`views`]: the API's shapes, built for a whole page in a fixed number of queries.

pub mod booking;
pub mod counter;
pub mod emails;
pub mod manage;
pub mod offers;
pub mod payment;
pub mod places;
pub mod rules;
pub mod sweeps;
pub mod views;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ycyw_auth::Accounts;
use ycyw_catalog::Catalog;
use ycyw_shared::AppState;
use ycyw_shared::time::to_db_precision;

use crate::occupancy::Occupancy;

/// What every operation works with: the state, and the facades of the modules below.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The application state (pool, clock, settings).
    pub state: AppState,
    /// The catalog's facade.
    pub catalog: Catalog,
    /// The auth module's facade.
    pub accounts: Accounts,
    /// The offer search's memory of the agencies' taken vehicles (one per process).
    pub occupancy: Arc<Occupancy>,
}

impl Ctx {
    /// The context of a state.
    pub fn new(state: &AppState) -> Self {
        Self {
            state: state.clone(),
            catalog: Catalog::from_state(state),
            accounts: Accounts::new(state),
            occupancy: state.services.get::<Arc<Occupancy>>().cloned().unwrap_or_default(),
        }
    }

    /// Now, at the database's precision (so what is written reads back equal).
    pub fn now(&self) -> DateTime<Utc> {
        to_db_precision(self.state.clock.now())
    }
}
