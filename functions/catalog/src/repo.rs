//! SQL over the catalog's own tables (`agencies`, `agency_opening_hours`, `vehicle_categories`,
//! `vehicles`, `rates`), and nothing else. Rows are turned into validated model types here; a row
//! that no longer parses is [`CatalogError::Corrupt`].

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Executor, MySql, MySqlConnection, QueryBuilder};
use uuid::Uuid;

use ycyw_shared::domain::single_line;

use crate::error::CatalogError;
use crate::model::{
    AcrissCode, Address, Agency, AgencyCode, CurrencyCode, IanaTimeZone, Market, MinuteOfDay, Money, OpeningHours, OpeningPeriod, Plate,
    Rate, Vehicle, VehicleCategory,
};

/// The columns of an agency, with its opening hours folded into one string
/// (`"weekday opens closes,…"` in minutes) so lists need one query.
macro_rules! agency_select {
    () => {
        "SELECT a.id, a.code, a.name, a.address_line1, a.address_line2, a.postal_code, a.city, a.country_code, \
         a.time_zone, a.currency, a.phone, a.email, a.active, \
         (SELECT CAST(GROUP_CONCAT(CONCAT(h.weekday, ' ', h.opens_minute, ' ', h.closes_minute) \
                 ORDER BY h.weekday, h.opens_minute SEPARATOR ',') AS CHAR) \
            FROM agency_opening_hours h WHERE h.agency_id = a.id) AS opening_hours \
         FROM agencies a "
    };
}

#[derive(Debug, sqlx::FromRow)]
struct AgencyRow {
    id: Uuid,
    code: String,
    name: String,
    address_line1: String,
    address_line2: Option<String>,
    postal_code: String,
    city: String,
    country_code: String,
    time_zone: String,
    currency: String,
    phone: String,
    email: String,
    active: bool,
    opening_hours: Option<String>,
}

fn corrupt(what: impl std::fmt::Display) -> CatalogError {
    CatalogError::Corrupt(what.to_string())
}

fn parse_hours(id: Uuid, folded: Option<&str>) -> Result<OpeningHours, CatalogError> {
    let mut periods = Vec::new();
    for item in folded.unwrap_or_default().split(',').filter(|s| !s.is_empty()) {
        let numbers: Vec<u16> = item.split(' ').map(str::parse).collect::<Result<_, _>>().map_err(|_| corrupt(format!("hours of {id}")))?;
        let [weekday, opens, closes] = numbers[..] else { return Err(corrupt(format!("hours of {id}"))) };
        let weekday = u8::try_from(weekday).map_err(|_| corrupt(format!("weekday of {id}")))?;
        let (Some(opens), Some(closes)) = (MinuteOfDay::new(opens), MinuteOfDay::new(closes)) else {
            return Err(corrupt(format!("hours of {id}")));
        };
        periods.push(OpeningPeriod { weekday, opens, closes });
    }
    Ok(OpeningHours::from_periods(periods))
}

impl TryFrom<AgencyRow> for Agency {
    type Error = CatalogError;

    fn try_from(row: AgencyRow) -> Result<Self, Self::Error> {
        let id = row.id;
        let bad = |column: &str| corrupt(format!("agencies.{column} of {id}"));
        let country_code: Market = row.country_code.parse().map_err(|_| bad("country_code"))?;
        Ok(Agency {
            id,
            code: row.code.parse::<AgencyCode>().map_err(|_| bad("code"))?,
            name: row.name,
            address: Address {
                line1: row.address_line1,
                line2: row.address_line2,
                postal_code: row.postal_code,
                city: row.city.clone(),
                country_code,
            },
            city: row.city,
            country_code,
            time_zone: row.time_zone.parse::<IanaTimeZone>().map_err(|_| bad("time_zone"))?,
            currency: row.currency.parse::<CurrencyCode>().map_err(|_| bad("currency"))?,
            phone: row.phone,
            email: row.email,
            opening_hours: parse_hours(id, row.opening_hours.as_deref())?,
            active: row.active,
        })
    }
}

/// Filters of an agency list, already validated.
#[derive(Debug, Clone, Default)]
pub struct AgencyFilter {
    /// Market.
    pub country: Option<Market>,
    /// City (collation: ignores case and accents).
    pub city: Option<String>,
    /// Text in name, city or code.
    pub text: Option<String>,
    /// Include inactive agencies.
    pub include_inactive: bool,
}

/// Escapes `%`, `_` and `\` for a `LIKE` pattern (default escape character `\`).
fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Agencies matching `filter`, by code, after the code `after`, at most `limit`.
pub async fn list_agencies(
    db: impl Executor<'_, Database = MySql>,
    filter: &AgencyFilter,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<Agency>, CatalogError> {
    let country = filter.country.map(Market::as_str);
    let pattern = filter.text.as_deref().map(like_pattern);
    let rows: Vec<AgencyRow> = sqlx::query_as(concat!(
        agency_select!(),
        "WHERE (? OR a.active) \
           AND (? IS NULL OR a.country_code = ?) \
           AND (? IS NULL OR a.city = ?) \
           AND (? IS NULL OR a.name LIKE ? OR a.city LIKE ? OR a.code LIKE ?) \
           AND (? IS NULL OR a.code > ?) \
         ORDER BY a.code LIMIT ?"
    ))
    .bind(filter.include_inactive)
    .bind(country)
    .bind(country)
    .bind(filter.city.as_deref())
    .bind(filter.city.as_deref())
    .bind(pattern.as_deref())
    .bind(pattern.as_deref())
    .bind(pattern.as_deref())
    .bind(pattern.as_deref())
    .bind(after)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Agency::try_from).collect()
}

/// One agency, active or not.
pub async fn find_agency(db: impl Executor<'_, Database = MySql>, id: Uuid) -> Result<Option<Agency>, CatalogError> {
    let row: Option<AgencyRow> = sqlx::query_as(concat!(agency_select!(), "WHERE a.id = ?")).bind(id).fetch_optional(db).await?;
    row.map(Agency::try_from).transpose()
}

/// One agency by its code, active or not.
pub async fn find_agency_by_code(db: impl Executor<'_, Database = MySql>, code: &AgencyCode) -> Result<Option<Agency>, CatalogError> {
    let row: Option<AgencyRow> =
        sqlx::query_as(concat!(agency_select!(), "WHERE a.code = ?")).bind(code.as_str()).fetch_optional(db).await?;
    row.map(Agency::try_from).transpose()
}

/// Locks the agency's row until the transaction ends; false when it does not exist.
pub async fn lock_agency(conn: &mut MySqlConnection, id: Uuid) -> Result<bool, CatalogError> {
    let found: Option<Uuid> = sqlx::query_scalar("SELECT id FROM agencies WHERE id = ? FOR UPDATE").bind(id).fetch_optional(conn).await?;
    Ok(found.is_some())
}

/// Inserts an agency and its opening hours (call inside a transaction).
pub async fn insert_agency(conn: &mut MySqlConnection, agency: &Agency, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO agencies (id, code, name, address_line1, address_line2, postal_code, city, country_code, time_zone, currency, \
         phone, email, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(agency.id)
    .bind(agency.code.as_str())
    .bind(&agency.name)
    .bind(&agency.address.line1)
    .bind(agency.address.line2.as_deref())
    .bind(&agency.address.postal_code)
    .bind(&agency.city)
    .bind(agency.country_code.as_str())
    .bind(agency.time_zone.name())
    .bind(agency.currency.as_str())
    .bind(&agency.phone)
    .bind(&agency.email)
    .bind(agency.active)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    replace_opening_hours(conn, agency.id, &agency.opening_hours).await
}

/// Writes the mutable fields of an agency and replaces its opening hours (inside a transaction).
pub async fn update_agency(conn: &mut MySqlConnection, agency: &Agency, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE agencies SET name = ?, address_line1 = ?, address_line2 = ?, postal_code = ?, city = ?, time_zone = ?, phone = ?, \
         email = ?, active = ?, updated_at = ? WHERE id = ?",
    )
    .bind(&agency.name)
    .bind(&agency.address.line1)
    .bind(agency.address.line2.as_deref())
    .bind(&agency.address.postal_code)
    .bind(&agency.city)
    .bind(agency.time_zone.name())
    .bind(&agency.phone)
    .bind(&agency.email)
    .bind(agency.active)
    .bind(now)
    .bind(agency.id)
    .execute(&mut *conn)
    .await?;
    replace_opening_hours(conn, agency.id, &agency.opening_hours).await
}

async fn replace_opening_hours(conn: &mut MySqlConnection, agency_id: Uuid, hours: &OpeningHours) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM agency_opening_hours WHERE agency_id = ?").bind(agency_id).execute(&mut *conn).await?;
    if hours.periods().is_empty() {
        return Ok(());
    }
    let mut insert = QueryBuilder::<MySql>::new("INSERT INTO agency_opening_hours (agency_id, weekday, opens_minute, closes_minute) ");
    insert.push_values(hours.periods(), |mut row, p| {
        row.push_bind(agency_id).push_bind(p.weekday).push_bind(p.opens.minutes()).push_bind(p.closes.minutes());
    });
    insert.build().execute(&mut *conn).await?;
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
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

/// Categories by code, after `after`, at most `limit`.
pub async fn list_categories(
    db: impl Executor<'_, Database = MySql>,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<VehicleCategory>, CatalogError> {
    let rows: Vec<CategoryRow> = sqlx::query_as(
        "SELECT code, seats, doors, bags, description FROM vehicle_categories WHERE (? IS NULL OR code > ?) ORDER BY code LIMIT ?",
    )
    .bind(after)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(VehicleCategory::try_from).collect()
}

/// One category.
pub async fn find_category(db: impl Executor<'_, Database = MySql>, code: &AcrissCode) -> Result<Option<VehicleCategory>, CatalogError> {
    let row: Option<CategoryRow> = sqlx::query_as("SELECT code, seats, doors, bags, description FROM vehicle_categories WHERE code = ?")
        .bind(code.as_str())
        .fetch_optional(db)
        .await?;
    row.map(VehicleCategory::try_from).transpose()
}

/// The codes of every category (a small reference table).
pub async fn category_codes(db: impl Executor<'_, Database = MySql>) -> Result<BTreeSet<String>, CatalogError> {
    let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM vehicle_categories").fetch_all(db).await?;
    Ok(codes.into_iter().collect())
}

/// Inserts or updates a category, with its decoded attributes (reference data: migrations, seed).
pub async fn upsert_category(db: impl Executor<'_, Database = MySql>, category: &VehicleCategory) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO vehicle_categories (code, category, vehicle_type, transmission, fuel_air, seats, doors, bags, description) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON DUPLICATE KEY UPDATE category = VALUES(category), vehicle_type = VALUES(vehicle_type), transmission = VALUES(transmission), \
         fuel_air = VALUES(fuel_air), seats = VALUES(seats), doors = VALUES(doors), bags = VALUES(bags), description = VALUES(description)",
    )
    .bind(category.code.as_str())
    .bind(&category.category)
    .bind(&category.vehicle_type)
    .bind(&category.transmission)
    .bind(&category.fuel_air)
    .bind(category.seats)
    .bind(category.doors)
    .bind(category.bags)
    .bind(&category.description)
    .execute(db)
    .await?;
    Ok(())
}

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

/// An agency's vehicles by plate, after the plate `after`, at most `limit`.
pub async fn list_vehicles(
    db: impl Executor<'_, Database = MySql>,
    agency_id: Uuid,
    filter: &VehicleFilter,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<Vehicle>, CatalogError> {
    let category = filter.category.as_ref().map(AcrissCode::as_str);
    let rows: Vec<VehicleRow> = sqlx::query_as(
        "SELECT id, agency_id, category_code, plate, model, active FROM vehicles \
         WHERE agency_id = ? AND (? IS NULL OR category_code = ?) AND (? IS NULL OR active = ?) AND (? IS NULL OR plate > ?) \
         ORDER BY plate LIMIT ?",
    )
    .bind(agency_id)
    .bind(category)
    .bind(category)
    .bind(filter.active)
    .bind(filter.active)
    .bind(after)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Vehicle::try_from).collect()
}

/// One vehicle, active or not.
pub async fn find_vehicle(db: impl Executor<'_, Database = MySql>, id: Uuid) -> Result<Option<Vehicle>, CatalogError> {
    let row: Option<VehicleRow> = sqlx::query_as("SELECT id, agency_id, category_code, plate, model, active FROM vehicles WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.map(Vehicle::try_from).transpose()
}

/// One vehicle by plate.
pub async fn find_vehicle_by_plate(db: impl Executor<'_, Database = MySql>, plate: &Plate) -> Result<Option<Vehicle>, CatalogError> {
    let row: Option<VehicleRow> = sqlx::query_as("SELECT id, agency_id, category_code, plate, model, active FROM vehicles WHERE plate = ?")
        .bind(plate.as_str())
        .fetch_optional(db)
        .await?;
    row.map(Vehicle::try_from).transpose()
}

/// Locks the vehicle's row until the transaction ends; false when it does not exist.
pub async fn lock_vehicle(conn: &mut MySqlConnection, id: Uuid) -> Result<bool, CatalogError> {
    let found: Option<Uuid> = sqlx::query_scalar("SELECT id FROM vehicles WHERE id = ? FOR UPDATE").bind(id).fetch_optional(conn).await?;
    Ok(found.is_some())
}

/// Inserts a vehicle.
pub async fn insert_vehicle(db: impl Executor<'_, Database = MySql>, vehicle: &Vehicle, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO vehicles (id, agency_id, category_code, plate, model, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(vehicle.id)
    .bind(vehicle.agency_id)
    .bind(vehicle.category.as_str())
    .bind(vehicle.plate.as_str())
    .bind(&vehicle.model)
    .bind(vehicle.active)
    .bind(now)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Writes a vehicle's mutable fields (its agency never changes).
pub async fn update_vehicle(db: impl Executor<'_, Database = MySql>, vehicle: &Vehicle, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE vehicles SET category_code = ?, plate = ?, model = ?, active = ?, updated_at = ? WHERE id = ?")
        .bind(vehicle.category.as_str())
        .bind(vehicle.plate.as_str())
        .bind(&vehicle.model)
        .bind(vehicle.active)
        .bind(now)
        .bind(vehicle.id)
        .execute(db)
        .await?;
    Ok(())
}

/// Active vehicles of `category` at an agency, by plate.
pub async fn active_vehicles(
    db: impl Executor<'_, Database = MySql>,
    agency_id: Uuid,
    category: &AcrissCode,
) -> Result<Vec<Vehicle>, CatalogError> {
    let rows: Vec<VehicleRow> = sqlx::query_as(
        "SELECT id, agency_id, category_code, plate, model, active FROM vehicles \
         WHERE agency_id = ? AND category_code = ? AND active ORDER BY plate",
    )
    .bind(agency_id)
    .bind(category.as_str())
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Vehicle::try_from).collect()
}

#[derive(Debug, sqlx::FromRow)]
struct RateRow {
    agency_id: Uuid,
    category_code: String,
    currency: String,
    daily_minor: i64,
    one_way_fee_minor: i64,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

impl TryFrom<RateRow> for Rate {
    type Error = CatalogError;

    fn try_from(row: RateRow) -> Result<Self, Self::Error> {
        let what = || corrupt(format!("rate of {} {}", row.agency_id, row.category_code));
        let currency: CurrencyCode = row.currency.parse().map_err(|_| what())?;
        Ok(Rate {
            agency_id: row.agency_id,
            category: AcrissCode::parse(&row.category_code).map_err(|_| what())?,
            daily_rate: Money::new(row.daily_minor, currency),
            one_way_fee: Money::new(row.one_way_fee_minor, currency),
            valid_from: row.valid_from,
            valid_to: row.valid_to,
        })
    }
}

/// An agency's whole rate set, by category then start date.
pub async fn list_rates(db: impl Executor<'_, Database = MySql>, agency_id: Uuid) -> Result<Vec<Rate>, CatalogError> {
    let rows: Vec<RateRow> = sqlx::query_as(
        "SELECT agency_id, category_code, currency, daily_minor, one_way_fee_minor, valid_from, valid_to FROM rates \
         WHERE agency_id = ? ORDER BY category_code, valid_from",
    )
    .bind(agency_id)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Rate::try_from).collect()
}

/// The rate of `category` at an agency that applies on the local date `on`.
pub async fn rate_in_force(
    db: impl Executor<'_, Database = MySql>,
    agency_id: Uuid,
    category: &AcrissCode,
    on: NaiveDate,
) -> Result<Option<Rate>, CatalogError> {
    let row: Option<RateRow> = sqlx::query_as(
        "SELECT agency_id, category_code, currency, daily_minor, one_way_fee_minor, valid_from, valid_to FROM rates \
         WHERE agency_id = ? AND category_code = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?) \
         ORDER BY valid_from DESC LIMIT 1",
    )
    .bind(agency_id)
    .bind(category.as_str())
    .bind(on)
    .bind(on)
    .fetch_optional(db)
    .await?;
    row.map(Rate::try_from).transpose()
}

/// Replaces an agency's whole rate set (inside a transaction).
pub async fn replace_rates(conn: &mut MySqlConnection, agency_id: Uuid, rates: &[Rate], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rates WHERE agency_id = ?").bind(agency_id).execute(&mut *conn).await?;
    for chunk in rates.chunks(500) {
        let mut insert = QueryBuilder::<MySql>::new(
            "INSERT INTO rates (id, agency_id, category_code, currency, daily_minor, one_way_fee_minor, valid_from, valid_to, created_at) ",
        );
        insert.push_values(chunk, |mut row, rate| {
            row.push_bind(Uuid::now_v7())
                .push_bind(agency_id)
                .push_bind(rate.category.as_str().to_string())
                .push_bind(rate.daily_rate.currency.as_str())
                .push_bind(rate.daily_rate.amount_minor)
                .push_bind(rate.one_way_fee.amount_minor)
                .push_bind(rate.valid_from)
                .push_bind(rate.valid_to)
                .push_bind(now);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("gare"), "%gare%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn folded_hours_parse_back() {
        let hours = parse_hours(Uuid::nil(), Some("1 480 1140,7 0 1440")).unwrap();
        assert_eq!(hours.periods().len(), 2);
        assert_eq!(hours.periods()[1].closes, MinuteOfDay::END_OF_DAY);
        assert!(parse_hours(Uuid::nil(), None).unwrap().periods().is_empty());
        assert!(parse_hours(Uuid::nil(), Some("1 480")).is_err());
    }

    proptest! {
        #[test]
        fn folded_hours_never_panic(raw in "\\PC*", numeric in "([0-9]{1,5}[ ,]){0,12}") {
            let _ = parse_hours(Uuid::nil(), Some(&raw));
            let _ = parse_hours(Uuid::nil(), Some(&numeric));
        }
    }
}
