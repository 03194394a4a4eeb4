//! `bench-data`: a dev-only tool (never in a deployed image) that loads the catalog part of the
//! benchmark data set — 500 agencies over the seven markets and 50 000 vehicles by default,
//! with their opening hours and rates — into a database of its own ([`database`]), through the
//! [`ycyw_catalog::Catalog`] facade's bulk insert ([`data`] builds the setups).
//!
//! **Extension point — reservations.** The design's data set also holds 2 000 000 past and future
//! reservations. They belong to the reservations module, which owns its tables: when it exists,
//! it gives its facade a bulk insert of reservations, and this tool calls it after the catalog
//! load with the bench agencies' ids ([`Loaded::agency_ids`]) and their vehicles (read back
//! through `Catalog::vehicles`). Nothing here fakes reservations in the meantime.

pub mod data;
pub mod database;

use std::time::{Duration, Instant};

use chrono::Utc;
use uuid::Uuid;
use ycyw_catalog::Catalog;

pub use data::BenchSize;
pub use database::Target;

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
    /// Time taken by the catalog load (after the database was ready).
    pub elapsed: Duration,
}

/// Refuses production, prepares the target database (see [`database`]) and loads `size` into it.
pub async fn run(database_url: &str, app_env: Option<&str>, target: &Target, size: BenchSize) -> anyhow::Result<Loaded> {
    database::refuse_production(app_env)?;
    let size = size.checked()?;
    let (name, pool) = database::prepare(database_url, target).await?;
    let started = Instant::now();
    let report = Catalog::new(pool.clone()).insert_agency_setups(&data::setups(size), Utc::now()).await?;
    pool.close().await;
    Ok(Loaded { database: name, agency_ids: report.agency_ids, vehicles: report.vehicles, rates: report.rates, elapsed: started.elapsed() })
}
