//! An agency set up as a whole — its details, its fleet and its rate set — for the tools that
//! load catalogs (`ycyw-worker seed-demo`, `bench-data`), and what loading one did.

use serde::Deserialize;
use uuid::Uuid;

use super::{Agency, NewAgency, NewVehicle, RateInput};

/// An agency with its fleet and its rate set, in the shapes of the HTTP API's requests
/// (`POST /agencies`, `POST /agencies/{id}/vehicles`, `PUT /agencies/{id}/rates`) and validated
/// the same way. Errors name the fields inside it: `agency.code`, `vehicles[3].plate`,
/// `rates[0].dailyRate.amountMinor`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgencySetup {
    /// The agency; its code is its natural key.
    pub agency: NewAgency,
    /// Vehicles of its fleet; a plate is a vehicle's natural key.
    #[serde(default)]
    pub vehicles: Vec<NewVehicle>,
    /// Its whole rate set.
    #[serde(default)]
    pub rates: Vec<RateInput>,
}

/// What an upsert did to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// It did not exist: inserted.
    Created,
    /// It existed and differed: rewritten.
    Updated,
    /// It existed as described: left alone.
    Unchanged,
}

/// What [`crate::Catalog::upsert_agency_setup`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupReport {
    /// The agency as it now is.
    pub agency: Agency,
    /// What happened to the agency's row (and its opening hours).
    pub agency_written: Written,
    /// Vehicles inserted.
    pub vehicles_created: usize,
    /// Vehicles rewritten.
    pub vehicles_updated: usize,
    /// Plates of the setup that belong to a vehicle of another agency, left alone.
    pub plates_elsewhere: Vec<String>,
    /// Whether the rate set was rewritten.
    pub rates_written: bool,
}

/// What [`crate::Catalog::insert_agency_setups`] inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchReport {
    /// The new agencies' ids, in the order of the setups.
    pub agency_ids: Vec<Uuid>,
    /// Vehicles inserted.
    pub vehicles: usize,
    /// Rates inserted.
    pub rates: usize,
}
