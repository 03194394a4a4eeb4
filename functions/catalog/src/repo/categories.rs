//! `vehicle_categories`: reference data (the migration inserts it; `seed-demo` restores it).

use std::collections::BTreeSet;

use sqlx::{Executor, MySql, MySqlConnection};

use super::corrupt;
use crate::error::CatalogError;
use crate::model::{AcrissCode, VehicleCategory};

#[derive(Debug)]
struct CategoryRow {
    code: String,
    seats: u8,
    doors: u8,
    bags: u8,
    description: String,
}

impl TryFrom<CategoryRow> for VehicleCategory {
    type Error = CatalogError;

    fn try_from(row: CategoryRow) -> Result<Self, Self::Error> {
        let code = AcrissCode::parse(&row.code).map_err(|_| corrupt(format!("vehicle_categories.code {}", row.code)))?;
        Ok(VehicleCategory::new(code, row.seats, row.doors, row.bags, row.description))
    }
}

/// Categories by code, after `after` (from the first when `None`), at most `limit`.
pub async fn list_categories(
    db: impl Executor<'_, Database = MySql>,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<VehicleCategory>, CatalogError> {
    // Every code is four letters, so `code > ''` is every category.
    let rows = sqlx::query_as!(
        CategoryRow,
        "SELECT code, seats, doors, bags, description FROM vehicle_categories WHERE code > ? ORDER BY code LIMIT ?",
        after.unwrap_or_default(),
        limit
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(VehicleCategory::try_from).collect()
}

/// One category.
pub async fn find_category(db: impl Executor<'_, Database = MySql>, code: &AcrissCode) -> Result<Option<VehicleCategory>, CatalogError> {
    let row =
        sqlx::query_as!(CategoryRow, "SELECT code, seats, doors, bags, description FROM vehicle_categories WHERE code = ?", code.as_str())
            .fetch_optional(db)
            .await?;
    row.map(VehicleCategory::try_from).transpose()
}

/// The codes of every category (a small reference table).
pub async fn category_codes(db: impl Executor<'_, Database = MySql>) -> Result<BTreeSet<String>, CatalogError> {
    let codes = sqlx::query_scalar!("SELECT code FROM vehicle_categories").fetch_all(db).await?;
    Ok(codes.into_iter().collect())
}

/// Inserts or updates a category, with its decoded attributes (reference data).
pub async fn upsert_category(conn: &mut MySqlConnection, category: &VehicleCategory) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO vehicle_categories (code, category, vehicle_type, transmission, fuel_air, seats, doors, bags, description)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE category = VALUES(category), vehicle_type = VALUES(vehicle_type), transmission = VALUES(transmission),
           fuel_air = VALUES(fuel_air), seats = VALUES(seats), doors = VALUES(doors), bags = VALUES(bags), description = VALUES(description)",
        category.code.as_str(),
        category.category,
        category.vehicle_type,
        category.transmission,
        category.fuel_air,
        category.seats,
        category.doors,
        category.bags,
        category.description
    )
    .execute(&mut *conn)
    .await?;
    super::revision::moved(conn).await
}
