//! Which vehicles are taken, and the lock that serialises taking them.
//!
//! A vehicle is taken for a window by a reservation overlapping it in `confirmed` or
//! `picked_up`, or in `pending_payment` while its hold lasts, and by a pending change while
//! its hold lasts. An overlapping reservation was picked up less than its own length before the
//! window's start, so each agency's check is a range on `reservations_availability_idx
//! (pickup_agency_id, pickup_at, …)`, read from the index alone: since the window's start less
//! the longest rental of the searched agencies (`reservation_spans`) for the search, since less
//! 90 days (the longest a rental may last) under the fleet lock of a booking. (Joined from a `JSON_TABLE`
//! instead of bound parameters, MariaDB reads the index by the agency only and filters every
//! reservation the agency ever had: docs/benchmarks.md.)

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::{MySql, MySqlConnection, MySqlPool, QueryBuilder};
use uuid::Uuid;
use ycyw_catalog::AcrissCode;

use super::{corrupt, ids_json};
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
/// `[pickup_at, return_at)`, at `now` (for holds). Three statements on one connection, none of
/// them grouping a derived table (docs/benchmarks.md: a `UNION ALL` of the two sources grouped
/// as one cost more than reading the index): the agencies' longest rental; the reservations
/// counted per agency and category, the agencies an `IN` list of bound parameters (a
/// [`QueryBuilder`]: their number varies) read as one range of pickups each; then the vehicles
/// pending changes hold that no counted reservation already holds, added one by one.
pub async fn busy_counts(
    db: &MySqlPool,
    agencies: &[Uuid],
    pickup_at: DateTime<Utc>,
    return_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<BusyCount>, sqlx::Error> {
    if agencies.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = db.acquire().await?;
    let mut busy: BTreeMap<(Uuid, String), u32> = BTreeMap::new();
    // None: no rental was ever written at these agencies.
    if let Some(longest) = longest_span(&mut conn, agencies).await? {
        let mut query = QueryBuilder::<MySql>::new(
            "SELECT r.pickup_agency_id AS agency_id, r.category_code, COUNT(DISTINCT r.vehicle_id) AS vehicles \
             FROM reservations r WHERE r.pickup_agency_id IN (",
        );
        let mut ids = query.separated(", ");
        for id in agencies {
            ids.push_bind(*id);
        }
        query.push(") AND r.pickup_at > ").push_bind(pickup_at - longest);
        query.push(" AND r.pickup_at < ").push_bind(return_at);
        query.push(" AND r.return_at > ").push_bind(pickup_at);
        query.push(" AND (r.status IN ('confirmed', 'picked_up') OR (r.status = 'pending_payment' AND r.hold_expires_at > ").push_bind(now);
        query.push(")) GROUP BY r.pickup_agency_id, r.category_code");
        let rows: Vec<BusyRow> = query.build_query_as().fetch_all(&mut *conn).await?;
        for row in rows {
            busy.insert((row.agency_id, row.category_code), u32::try_from(row.vehicles).unwrap_or(u32::MAX));
        }
    }
    let held = sqlx::query!(
        r#"SELECT DISTINCT c.pickup_agency_id AS "agency_id: Uuid", c.category_code, c.vehicle_id AS "vehicle_id: Uuid"
           FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted
           STRAIGHT_JOIN reservation_changes c ON c.status = 'pending' AND c.pickup_agency_id = UNHEX(wanted.id)
           WHERE c.pickup_at < ? AND c.return_at > ? AND c.hold_expires_at > ?
             AND NOT EXISTS (
                 SELECT 1 FROM reservations r
                 WHERE r.vehicle_id = c.vehicle_id AND r.pickup_agency_id = c.pickup_agency_id AND r.category_code = c.category_code
                   AND r.pickup_at > ? AND r.pickup_at < ? AND r.return_at > ?
                   AND (r.status IN ('confirmed', 'picked_up') OR (r.status = 'pending_payment' AND r.hold_expires_at > ?)))"#,
        ids_json(agencies),
        return_at,
        pickup_at,
        now,
        pickup_at - MAX_RENTAL,
        return_at,
        pickup_at,
        now
    )
    .fetch_all(&mut *conn)
    .await?;
    // Distinct vehicles, none counted above: one more each.
    for vehicle in held {
        *busy.entry((vehicle.agency_id, vehicle.category_code)).or_default() += 1;
    }
    busy.into_iter()
        .map(|((agency_id, code), vehicles)| {
            let category = AcrissCode::parse(&code).map_err(|_| corrupt(format!("category {code}")))?;
            Ok(BusyCount { agency_id, category, vehicles })
        })
        .collect()
}

/// The longest rental written at any of `agencies` (never more than [`MAX_RENTAL`]); `None`
/// when none of them has ever had a reservation.
async fn longest_span(conn: &mut MySqlConnection, agencies: &[Uuid]) -> Result<Option<chrono::Duration>, sqlx::Error> {
    let longest = sqlx::query_scalar!(
        r#"SELECT MAX(s.longest_seconds) AS "longest_seconds: u32"
           FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted
           STRAIGHT_JOIN reservation_spans s ON s.agency_id = UNHEX(wanted.id)"#,
        ids_json(agencies)
    )
    .fetch_one(conn)
    .await?;
    Ok(longest.map(|seconds| chrono::Duration::seconds(i64::from(seconds)).min(MAX_RENTAL)))
}

/// Records, in the transaction that writes a slot picked up at `agency`, the length of
/// `[pickup_at, return_at)` as the agency's longest rental when it is longer than the one
/// recorded: the row is written only then, so bookings at one agency rarely meet on it.
pub async fn record_span(
    conn: &mut MySqlConnection,
    agency: Uuid,
    pickup_at: DateTime<Utc>,
    return_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let seconds = u32::try_from((return_at - pickup_at).num_seconds().max(0)).unwrap_or(u32::MAX);
    let longest =
        sqlx::query_scalar!("SELECT longest_seconds FROM reservation_spans WHERE agency_id = ?", agency).fetch_optional(&mut *conn).await?;
    // What was read may be older than a concurrent write, never longer: it only grows.
    if longest.is_some_and(|longest| longest >= seconds) {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO reservation_spans (agency_id, longest_seconds) VALUES (?, ?)
         ON DUPLICATE KEY UPDATE longest_seconds = GREATEST(longest_seconds, ?)",
        agency,
        seconds,
        seconds
    )
    .execute(conn)
    .await?;
    Ok(())
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
