//! Which vehicles are taken, and the lock that serialises taking them.
//!
//! A vehicle is taken for a window by a reservation overlapping it in `confirmed` or
//! `picked_up`, or in `pending_payment` while its hold lasts, and by a pending change while
//! its hold lasts. Rentals last at most 90 days, so an overlapping reservation started less than
//! 90 days before the window's start: with the agencies as an `IN` list, that bound makes the
//! check a range on `reservations_availability_idx (pickup_agency_id, pickup_at, …)`, read from
//! the index alone. (Joined from a `JSON_TABLE` instead, MariaDB reads the index by the agency
//! only and filters every reservation the agency ever had: docs/benchmarks.md.)

use chrono::{DateTime, Utc};
use sqlx::{Executor, MySql, MySqlConnection, QueryBuilder};
use uuid::Uuid;
use ycyw_catalog::AcrissCode;

use super::corrupt;
use crate::service::rules::MAX_RENTAL;

/// Vehicles of a category taken at an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyCount {
    /// The agency.
    pub agency_id: Uuid,
    /// The category.
    pub category: AcrissCode,
    /// Distinct vehicles taken for some part of the window.
    pub vehicles: u32,
}

#[derive(sqlx::FromRow)]
struct BusyRow {
    agency_id: Uuid,
    category_code: String,
    vehicles: i64,
}

/// How many vehicles per category are taken at each agency of `agencies` for some part of
/// `[pickup_at, return_at)`, at `now` (for holds). One statement; the agencies are an `IN` list
/// (a [`QueryBuilder`]: its length varies), so each is an index range.
pub async fn busy_counts(
    db: impl Executor<'_, Database = MySql>,
    agencies: &[Uuid],
    pickup_at: DateTime<Utc>,
    return_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<BusyCount>, sqlx::Error> {
    if agencies.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = QueryBuilder::<MySql>::new(
        "SELECT busy.agency_id, busy.category_code, COUNT(DISTINCT busy.vehicle_id) AS vehicles FROM (\
         SELECT r.pickup_agency_id AS agency_id, r.category_code, r.vehicle_id FROM reservations r WHERE r.pickup_agency_id IN (",
    );
    let mut ids = query.separated(", ");
    for id in agencies {
        ids.push_bind(*id);
    }
    query.push(") AND r.pickup_at > ").push_bind(pickup_at - MAX_RENTAL);
    query.push(" AND r.pickup_at < ").push_bind(return_at);
    query.push(" AND r.return_at > ").push_bind(pickup_at);
    query.push(" AND (r.status IN ('confirmed', 'picked_up') OR (r.status = 'pending_payment' AND r.hold_expires_at > ").push_bind(now);
    query.push(")) UNION ALL SELECT c.pickup_agency_id, c.category_code, c.vehicle_id FROM reservation_changes c WHERE c.status = 'pending' AND c.pickup_agency_id IN (");
    let mut ids = query.separated(", ");
    for id in agencies {
        ids.push_bind(*id);
    }
    query.push(") AND c.pickup_at < ").push_bind(return_at);
    query.push(" AND c.return_at > ").push_bind(pickup_at);
    query.push(" AND c.hold_expires_at > ").push_bind(now);
    query.push(") AS busy GROUP BY busy.agency_id, busy.category_code");
    let rows: Vec<BusyRow> = query.build_query_as().fetch_all(db).await?;
    rows.into_iter()
        .map(|row| {
            let category = AcrissCode::parse(&row.category_code).map_err(|_| corrupt(format!("category {}", row.category_code)))?;
            Ok(BusyCount { agency_id: row.agency_id, category, vehicles: u32::try_from(row.vehicles).unwrap_or(u32::MAX) })
        })
        .collect()
}

/// The vehicles of `category` at `agency` taken for some part of `[pickup_at, return_at)` at
/// `now`, leaving out what `except` (a reservation being modified) holds itself.
pub async fn busy_vehicles(
    conn: &mut MySqlConnection,
    agency: Uuid,
    category: &AcrissCode,
    pickup_at: DateTime<Utc>,
    return_at: DateTime<Utc>,
    now: DateTime<Utc>,
    except: Option<Uuid>,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let except = except.unwrap_or(Uuid::nil());
    sqlx::query_scalar!(
        r#"SELECT r.vehicle_id AS "vehicle_id: Uuid" FROM reservations r
           WHERE r.pickup_agency_id = ? AND r.pickup_at > ? AND r.pickup_at < ? AND r.return_at > ? AND r.category_code = ?
             AND (r.status IN ('confirmed', 'picked_up') OR (r.status = 'pending_payment' AND r.hold_expires_at > ?))
             AND r.id <> ?
           UNION
           SELECT c.vehicle_id FROM reservation_changes c
           WHERE c.status = 'pending' AND c.pickup_agency_id = ? AND c.pickup_at < ? AND c.return_at > ? AND c.category_code = ?
             AND c.hold_expires_at > ? AND c.reservation_id <> ?"#,
        agency,
        pickup_at - MAX_RENTAL,
        return_at,
        pickup_at,
        category.as_str(),
        now,
        except,
        agency,
        return_at,
        pickup_at,
        category.as_str(),
        now,
        except
    )
    .fetch_all(conn)
    .await
}

/// Takes the lock row of `agency` × `category` until the transaction ends (created on first
/// use). Everyone about to take a vehicle of that category there waits here first.
pub async fn lock_fleet(conn: &mut MySqlConnection, agency: Uuid, category: &AcrissCode, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO reservation_locks (agency_id, category_code, locked_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE locked_at = ?",
        agency,
        category.as_str(),
        now,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}
