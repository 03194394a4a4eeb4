//! SQL over the catalog's own tables (`agencies`, `agency_opening_hours`, `vehicle_categories`,
//! `vehicles`, `rates`), and nothing else: the only place with SQL. Every function takes an
//! executor (or a connection, where it runs several statements), so it joins the caller's
//! transaction. Statements are checked at build time (`query!`, `query_as!`, `query_scalar!`)
//! except the few whose text depends on the input — optional filters and multi-row inserts — which
//! are built with [`sqlx::QueryBuilder`] and bound values. Rows are turned into validated model
//! types here; a row that no longer parses is [`CatalogError::Corrupt`].
//!
//! Every write also moves the catalog's revision (`catalog_revision`, [`revision`]) on the same
//! connection, after the write: what the offer search keeps in memory ([`crate::ReadCache`]) is
//! checked against it, so no write path may skip it.

mod agencies;
mod categories;
mod rates;
mod revision;
mod vehicles;

pub use self::agencies::{
    AgencyFilter, find_agencies, find_agency, find_agency_by_code, has_agencies, insert_agencies, insert_agency, list_agencies,
    lock_agency, update_agency,
};
pub use self::categories::{category_codes, find_category, list_categories, upsert_category};
pub use self::rates::{in_force, insert_rates, list_rates, rate_in_force, rates_in_force, rates_of, replace_rates};
pub use self::revision::revision;
pub use self::vehicles::{
    FleetCount, VehicleFilter, active_vehicles, find_vehicle, find_vehicle_by_plate, fleet_counts, insert_vehicle, insert_vehicles,
    list_vehicles, lock_vehicle, update_vehicle,
};
pub(crate) use ycyw_shared::db::json_ids as hex_ids;

use crate::error::CatalogError;

/// Rows per multi-row `INSERT` (well under MySQL's 65 535 placeholders for every table here).
const BATCH_ROWS: usize = 2000;

fn corrupt(what: impl std::fmt::Display) -> CatalogError {
    CatalogError::Corrupt(what.to_string())
}
