//! `bench-data`: a dev-only tool (never in a deployed image) that loads the benchmark data set
//! — 500 agencies over the seven markets, 50 000 vehicles with their opening hours and rates,
//! and 2 000 000 past and future reservations by default — into a database of its own
//! ([`database`]). The catalog goes through the [`ycyw_catalog::Catalog`] facade's bulk insert
//! ([`data`] builds the setups); the reservations through the reservations module's bulk insert
//! (`ycyw_reservations::bulk`), after the catalog, with the bench agencies' ids and their
//! vehicles read back through `Catalog::vehicles` ([`reservations`] generates them: no vehicle
//! is ever held twice at once).
//!
//! The crate also holds the raw-SQL side of the search benchmark ([`raw`], binary `bench-raw`):
//! the availability search's statements run straight on a pool, for `scripts/bench search` to
//! compare the API with.

pub mod data;
pub mod database;
pub mod raw;
pub mod reservations;
pub mod rng;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_catalog::Catalog;

pub use data::BenchSize;
pub use database::Target;

/// The generator seed of a run without `--seed`.
pub const DEFAULT_SEED: u64 = 1;

/// What a run loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The database loaded.
    pub database: String,
    /// The bench agencies' ids, in code order.
    pub agency_ids: Vec<Uuid>,
    /// Vehicles inserted.
    pub vehicles: usize,
    /// Rates inserted.
    pub rates: usize,
    /// Reservations inserted.
    pub reservations: usize,
    /// Time taken by the catalog load (after the database was ready).
    pub catalog_elapsed: Duration,
    /// Time taken by the reservations load.
    pub reservations_elapsed: Duration,
}

/// Refuses production, prepares the target database (see [`database`]) and loads `size` into it
/// at the present time, with generator seed `seed`.
pub async fn run(database_url: &str, app_env: Option<&str>, target: &Target, size: BenchSize, seed: u64) -> anyhow::Result<Loaded> {
    database::refuse_production(app_env)?;
    let size = size.checked()?;
    let (name, pool) = database::prepare(database_url, target).await?;
    let loaded = load(&pool, &name, size, Utc::now(), seed).await;
    pool.close().await;
    loaded
}

/// Loads `size` into the empty, migrated database `name` behind `pool`: the catalog, then the
/// reservations around `now` (the past and future of [`reservations`]).
pub async fn load(pool: &MySqlPool, name: &str, size: BenchSize, now: DateTime<Utc>, seed: u64) -> anyhow::Result<Loaded> {
    let size = size.checked()?;
    let started = Instant::now();
    let report = Catalog::new(pool.clone()).insert_agency_setups(&data::setups(size), now).await?;
    let catalog_elapsed = started.elapsed();
    let started = Instant::now();
    let reservations = reservations::load(pool, &report.agency_ids, size.reservations, now, seed).await?;
    Ok(Loaded {
        database: name.to_string(),
        agency_ids: report.agency_ids,
        vehicles: report.vehicles,
        rates: report.rates,
        reservations,
        catalog_elapsed,
        reservations_elapsed: started.elapsed(),
    })
}
