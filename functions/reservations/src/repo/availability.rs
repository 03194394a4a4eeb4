//! Which vehicles are taken, and the lock that serialises taking them.
//!
//! A vehicle is taken for a window by a reservation overlapping it in `confirmed` or
//! `picked_up`, or in `pending_payment` while its hold lasts, and by a pending change while
//! its hold lasts. An overlapping reservation was picked up less than its own length before the
//! window's start, so each agency's check is a range on `reservations_availability_idx
//! (pickup_agency_id, pickup_at, …)`, read from the index alone: since less 90 days (the longest
//! a rental may last) under the fleet lock of a booking, since less the agency's longest rental
//! (`reservation_agencies`) when the offer search reads an agency's rows into its memory
//! (`occupancy.rs`). The triggers of `reservation_agencies` (its migration) keep that longest
//! rental and the agency's revision in every write's transaction.

use chrono::{DateTime, Utc};
use sqlx::{MySqlConnection, MySqlPool};
use uuid::Uuid;
use ycyw_catalog::AcrissCode;

use super::ids_json;
use crate::service::rules::MAX_RENTAL;

/// A pickup agency's mark in `reservation_agencies`: the revision that moves with every write
/// that can change which of its vehicles are taken, and the longest rental ever written there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgencyMark {
    /// The agency.
    pub agency_id: Uuid,
    /// Moved by the tables' triggers in every such write's transaction.
    pub revision: u64,
    /// The longest rental ever picked up there (never more than [`MAX_RENTAL`]).
    pub longest: chrono::Duration,
}

/// The marks of those of `agencies` that ever had a reservation or a pending change (one
/// statement: the primary key, joined from a `JSON_TABLE` of the ids); an agency left out has
/// none.
pub async fn agency_marks(db: &MySqlPool, agencies: &[Uuid]) -> Result<Vec<AgencyMark>, sqlx::Error> {
    if agencies.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!(
        r#"SELECT a.agency_id AS "agency_id: Uuid", a.revision, a.longest_seconds
           FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted
           STRAIGHT_JOIN reservation_agencies a ON a.agency_id = UNHEX(wanted.id)"#,
        ids_json(agencies)
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AgencyMark {
            agency_id: row.agency_id,
            revision: row.revision,
            longest: chrono::Duration::seconds(i64::from(row.longest_seconds)).min(MAX_RENTAL),
        })
        .collect())
}

/// A reservation or a pending change that takes a vehicle for `[pickup_at, return_at)`, while
/// its hold lasts when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldingRow {
    /// When the vehicle is taken.
    pub pickup_at: DateTime<Utc>,
    /// When it is back.
    pub return_at: DateTime<Utc>,
    /// The end of the hold (a reservation awaiting payment, a pending change); `None`: held
    /// for good (`confirmed`, `picked_up`).
    pub hold_until: Option<DateTime<Utc>>,
    /// The category it was booked in.
    pub category_code: String,
    /// The vehicle.
    pub vehicle_id: Uuid,
}

/// What takes a vehicle of `agency` at `from` or later: the reservations picked up after
/// `picked_up_after` (the agency's longest rental before `from`: one range of
/// `reservations_availability_idx`) and back after `from`, confirmed, picked up, or awaiting
/// payment with their hold still on at `from`; and the pending changes' holds on at `from`.
pub async fn holding_rows(
    conn: &mut MySqlConnection,
    agency: Uuid,
    picked_up_after: DateTime<Utc>,
    from: DateTime<Utc>,
) -> Result<Vec<HoldingRow>, sqlx::Error> {
    sqlx::query_as!(
        HoldingRow,
        r#"SELECT r.pickup_at AS "pickup_at!: DateTime<Utc>", r.return_at AS "return_at!: DateTime<Utc>",
                  IF(r.status = 'pending_payment', r.hold_expires_at, NULL) AS "hold_until?: DateTime<Utc>",
                  r.category_code AS "category_code!", r.vehicle_id AS "vehicle_id!: Uuid"
           FROM reservations r
           WHERE r.pickup_agency_id = ? AND r.pickup_at > ? AND r.return_at > ?
             AND (r.status IN ('confirmed', 'picked_up') OR (r.status = 'pending_payment' AND r.hold_expires_at > ?))
           UNION ALL
           SELECT c.pickup_at, c.return_at, c.hold_expires_at, c.category_code, c.vehicle_id
           FROM reservation_changes c
           WHERE c.status = 'pending' AND c.pickup_agency_id = ? AND c.return_at > ? AND c.hold_expires_at > ?"#,
        agency,
        picked_up_after,
        from,
        from,
        agency,
        from,
        from
    )
    .fetch_all(conn)
    .await
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
