//! Which vehicles are taken, and the lock that serialises taking them.
//!
//! A vehicle is taken for a window by a reservation overlapping it in `confirmed` or
//! `picked_up`, or in `pending_payment` while its hold lasts, and by a pending change while
//! its hold lasts. An overlapping reservation was picked up less than its own length before the
//! window's start, so each agency's check is a range on `reservations_availability_idx
//! (pickup_agency_id, pickup_at, …)`, read from the index alone: since the window's start less
//! the agency's longest rental (`reservation_spans`) for the search, since less 90 days (the
//! longest a rental may last) under the fleet lock of a booking. (Joined from a `JSON_TABLE`
//! instead of bound parameters, MariaDB reads the index by the agency only and filters every
//! reservation the agency ever had: docs/benchmarks.md.)

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
/// `[pickup_at, return_at)`, at `now` (for holds). Two statements on one connection: the
/// agencies' longest rentals, then the count, whose agencies are bound parameters (a
/// [`QueryBuilder`]: their number varies), each with its own range of pickups.
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
    let spans = longest_spans(&mut conn, agencies).await?;
    let mut query = QueryBuilder::<MySql>::new(
        "SELECT busy.agency_id, busy.category_code, COUNT(DISTINCT busy.vehicle_id) AS vehicles FROM (\
         SELECT r.pickup_agency_id AS agency_id, r.category_code, r.vehicle_id FROM reservations r WHERE (",
    );
    if spans.is_empty() {
        // No rental was ever written at these agencies.
        query.push("FALSE");
    }
    for (n, (agency, longest)) in spans.iter().enumerate() {
        query.push(if n == 0 { "(" } else { " OR (" });
        query.push("r.pickup_agency_id = ").push_bind(*agency);
        query.push(" AND r.pickup_at > ").push_bind(pickup_at - *longest);
        query.push(" AND r.pickup_at < ").push_bind(return_at).push(")");
    }
    query.push(") AND r.return_at > ").push_bind(pickup_at);
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
    let rows: Vec<BusyRow> = query.build_query_as().fetch_all(&mut *conn).await?;
    rows.into_iter()
        .map(|row| {
            let category = AcrissCode::parse(&row.category_code).map_err(|_| corrupt(format!("category {}", row.category_code)))?;
            Ok(BusyCount { agency_id: row.agency_id, category, vehicles: u32::try_from(row.vehicles).unwrap_or(u32::MAX) })
        })
        .collect()
}

/// The longest rental written at each of `agencies` that has one (never more than
/// [`MAX_RENTAL`]); an agency left out has never had a reservation.
async fn longest_spans(conn: &mut MySqlConnection, agencies: &[Uuid]) -> Result<Vec<(Uuid, chrono::Duration)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT s.agency_id AS "agency_id: Uuid", s.longest_seconds
           FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted
           STRAIGHT_JOIN reservation_spans s ON s.agency_id = UNHEX(wanted.id)"#,
        ids_json(agencies)
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|row| (row.agency_id, chrono::Duration::seconds(i64::from(row.longest_seconds)).min(MAX_RENTAL))).collect())
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
