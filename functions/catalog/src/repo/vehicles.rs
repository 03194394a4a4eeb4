//! `vehicles`: the fleet.

use chrono::{DateTime, Utc};
use sqlx::{Executor, MySql, MySqlConnection, QueryBuilder};
use uuid::Uuid;
use ycyw_shared::domain::single_line;

use super::{BATCH_ROWS, corrupt};
use crate::error::CatalogError;
use crate::model::{AcrissCode, Plate, Vehicle};

/// A vehicle's columns; read by `query_as!` and, for the filtered list, by
/// [`QueryBuilder::build_query_as`].
#[derive(Debug, sqlx::FromRow)]
struct VehicleRow {
    id: Uuid,
    agency_id: Uuid,
    category_code: String,
    plate: String,
    model: String,
    active: bool,
}

impl TryFrom<VehicleRow> for Vehicle {
    type Error = CatalogError;

    fn try_from(row: VehicleRow) -> Result<Self, Self::Error> {
        let id = row.id;
        Ok(Vehicle {
            id,
            agency_id: row.agency_id,
            category: AcrissCode::parse(&row.category_code).map_err(|_| corrupt(format!("vehicles.category_code of {id}")))?,
            plate: row.plate.parse::<Plate>().map_err(|_| corrupt(format!("vehicles.plate of {id}")))?,
            model: single_line(&row.model, 200).map_err(|_| corrupt(format!("vehicles.model of {id}")))?,
            active: row.active,
        })
    }
}

/// Filters of a fleet list, already validated.
#[derive(Debug, Clone, Default)]
pub struct VehicleFilter {
    /// Only this category.
    pub category: Option<AcrissCode>,
    /// Only active or inactive ones.
    pub active: Option<bool>,
}

/// An agency's vehicles by plate, after the plate `after`, at most `limit`. Each filter adds its
/// condition only when it is set (a [`QueryBuilder`]: the statement varies).
pub async fn list_vehicles(
    db: impl Executor<'_, Database = MySql>,
    agency_id: Uuid,
    filter: &VehicleFilter,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<Vehicle>, CatalogError> {
    let mut query =
        QueryBuilder::<MySql>::new("SELECT id, agency_id, category_code, plate, model, active FROM vehicles WHERE agency_id = ");
    query.push_bind(agency_id).push(" AND plate > ").push_bind(after.unwrap_or_default());
    if let Some(category) = &filter.category {
        query.push(" AND category_code = ").push_bind(category.as_str());
    }
    if let Some(active) = filter.active {
        query.push(" AND active = ").push_bind(active);
    }
    query.push(" ORDER BY plate LIMIT ").push_bind(limit);
    let rows: Vec<VehicleRow> = query.build_query_as().fetch_all(db).await?;
    rows.into_iter().map(Vehicle::try_from).collect()
}

/// One vehicle, active or not.
pub async fn find_vehicle(db: impl Executor<'_, Database = MySql>, id: Uuid) -> Result<Option<Vehicle>, CatalogError> {
    let row = sqlx::query_as!(
        VehicleRow,
        r#"SELECT id AS "id: Uuid", agency_id AS "agency_id: Uuid", category_code, plate, model, active AS "active: bool"
           FROM vehicles WHERE id = ?"#,
        id
    )
    .fetch_optional(db)
    .await?;
    row.map(Vehicle::try_from).transpose()
}

/// One vehicle by plate.
pub async fn find_vehicle_by_plate(db: impl Executor<'_, Database = MySql>, plate: &Plate) -> Result<Option<Vehicle>, CatalogError> {
    let row = sqlx::query_as!(
        VehicleRow,
        r#"SELECT id AS "id: Uuid", agency_id AS "agency_id: Uuid", category_code, plate, model, active AS "active: bool"
           FROM vehicles WHERE plate = ?"#,
        plate.as_str()
    )
    .fetch_optional(db)
    .await?;
    row.map(Vehicle::try_from).transpose()
}

/// Active vehicles of `category` at an agency, by plate.
pub async fn active_vehicles(
    db: impl Executor<'_, Database = MySql>,
    agency_id: Uuid,
    category: &AcrissCode,
) -> Result<Vec<Vehicle>, CatalogError> {
    let rows = sqlx::query_as!(
        VehicleRow,
        r#"SELECT id AS "id: Uuid", agency_id AS "agency_id: Uuid", category_code, plate, model, active AS "active: bool"
           FROM vehicles WHERE agency_id = ? AND category_code = ? AND active ORDER BY plate"#,
        agency_id,
        category.as_str()
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Vehicle::try_from).collect()
}

/// How many active vehicles of one category an agency has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetCount {
    /// The agency.
    pub agency_id: Uuid,
    /// The category.
    pub category: AcrissCode,
    /// Its active vehicles there.
    pub vehicles: u32,
}

/// The active vehicles per category at each agency of `ids`, in one statement.
pub async fn fleet_counts(db: impl Executor<'_, Database = MySql>, ids: &[Uuid]) -> Result<Vec<FleetCount>, CatalogError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!(
        r#"SELECT v.agency_id AS "agency_id: Uuid", v.category_code, COUNT(*) AS "vehicles: i64"
           FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted
           STRAIGHT_JOIN vehicles v ON v.agency_id = UNHEX(wanted.id) AND v.active
           GROUP BY v.agency_id, v.category_code"#,
        super::hex_ids(ids)
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|row| {
            let category =
                AcrissCode::parse(&row.category_code).map_err(|_| super::corrupt(format!("vehicle category {}", row.category_code)))?;
            Ok(FleetCount { agency_id: row.agency_id, category, vehicles: u32::try_from(row.vehicles).unwrap_or(u32::MAX) })
        })
        .collect()
}

/// Locks the vehicle's row until the transaction ends; false when it does not exist.
pub async fn lock_vehicle(conn: &mut MySqlConnection, id: Uuid) -> Result<bool, CatalogError> {
    let found = sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM vehicles WHERE id = ? FOR UPDATE"#, id).fetch_optional(conn).await?;
    Ok(found.is_some())
}

/// Inserts a vehicle.
pub async fn insert_vehicle(conn: &mut MySqlConnection, vehicle: &Vehicle, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO vehicles (id, agency_id, category_code, plate, model, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        vehicle.id,
        vehicle.agency_id,
        vehicle.category.as_str(),
        vehicle.plate.as_str(),
        vehicle.model,
        vehicle.active,
        now,
        now
    )
    .execute(&mut *conn)
    .await?;
    super::revision::moved(conn).await
}

/// Inserts many vehicles with multi-row `INSERT`s (call inside a transaction).
pub async fn insert_vehicles(conn: &mut MySqlConnection, vehicles: &[Vehicle], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    for chunk in vehicles.chunks(BATCH_ROWS) {
        let mut insert = QueryBuilder::<MySql>::new(
            "INSERT INTO vehicles (id, agency_id, category_code, plate, model, active, created_at, updated_at) ",
        );
        insert.push_values(chunk, |mut row, vehicle| {
            row.push_bind(vehicle.id)
                .push_bind(vehicle.agency_id)
                .push_bind(vehicle.category.as_str())
                .push_bind(vehicle.plate.as_str())
                .push_bind(vehicle.model.as_str())
                .push_bind(vehicle.active)
                .push_bind(now)
                .push_bind(now);
        });
        insert.build().execute(&mut *conn).await?;
    }
    super::revision::moved(conn).await
}

/// Writes a vehicle's mutable fields (its agency never changes).
pub async fn update_vehicle(conn: &mut MySqlConnection, vehicle: &Vehicle, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE vehicles SET category_code = ?, plate = ?, model = ?, active = ?, updated_at = ? WHERE id = ?",
        vehicle.category.as_str(),
        vehicle.plate.as_str(),
        vehicle.model,
        vehicle.active,
        now,
        vehicle.id
    )
    .execute(&mut *conn)
    .await?;
    super::revision::moved(conn).await
}
