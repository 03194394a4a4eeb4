//! `reservations` and `reservation_status_history`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Executor, MySql, MySqlConnection};
use uuid::Uuid;

use super::{SlotColumns, corrupt, ids_json};
use crate::model::{Actor, Driver, Reference, Reservation, Scope, Status, StatusChange};

#[derive(Debug)]
struct ReservationRow {
    id: Uuid,
    reference: String,
    user_id: Uuid,
    vehicle_id: Uuid,
    category_code: String,
    pickup_agency_id: Uuid,
    return_agency_id: Uuid,
    pickup_at: DateTime<Utc>,
    return_at: DateTime<Utc>,
    status: Status,
    days: u16,
    daily_rate_minor: i64,
    one_way_fee_minor: i64,
    price_minor: i64,
    currency: String,
    paid_minor: i64,
    refunded_minor: i64,
    driver_first_name: String,
    driver_last_name: String,
    driver_birth_date: Option<NaiveDate>,
    hold_expires_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    refund_percent: Option<u8>,
    anonymized_at: Option<DateTime<Utc>>,
    version: u32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ReservationRow> for Reservation {
    type Error = sqlx::Error;

    fn try_from(row: ReservationRow) -> Result<Self, Self::Error> {
        let what = || corrupt(format!("reservation {}", row.id));
        let columns = SlotColumns {
            vehicle_id: row.vehicle_id,
            category_code: &row.category_code,
            pickup_agency_id: row.pickup_agency_id,
            return_agency_id: row.return_agency_id,
            pickup_at: row.pickup_at,
            return_at: row.return_at,
            days: row.days,
            daily_rate_minor: row.daily_rate_minor,
            one_way_fee_minor: row.one_way_fee_minor,
            price_minor: row.price_minor,
            currency: &row.currency,
        };
        let (slot, price) = columns.parse().ok_or_else(what)?;
        Ok(Reservation {
            id: row.id,
            reference: row.reference.parse::<Reference>().map_err(|_| what())?,
            user_id: row.user_id,
            slot,
            status: row.status,
            price,
            paid_minor: row.paid_minor,
            refunded_minor: row.refunded_minor,
            driver: Driver { first_name: row.driver_first_name, last_name: row.driver_last_name, birth_date: row.driver_birth_date },
            hold_expires_at: row.hold_expires_at,
            cancelled_at: row.cancelled_at,
            refund_percent: row.refund_percent,
            anonymized_at: row.anonymized_at,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The reservations among `ids`, in the order of `ids` (unknown ids left out). One statement.
pub async fn reservations(db: impl Executor<'_, Database = MySql>, ids: &[Uuid]) -> Result<Vec<Reservation>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query_as!(
        ReservationRow,
        r#"SELECT r.id AS "id: Uuid", r.reference, r.user_id AS "user_id: Uuid", r.vehicle_id AS "vehicle_id: Uuid", r.category_code,
                  r.pickup_agency_id AS "pickup_agency_id: Uuid", r.return_agency_id AS "return_agency_id: Uuid",
                  r.pickup_at AS "pickup_at: DateTime<Utc>", r.return_at AS "return_at: DateTime<Utc>", r.status AS "status: Status",
                  r.days, r.daily_rate_minor, r.one_way_fee_minor, r.price_minor, r.currency, r.paid_minor, r.refunded_minor,
                  r.driver_first_name, r.driver_last_name, r.driver_birth_date,
                  r.hold_expires_at AS "hold_expires_at: DateTime<Utc>", r.cancelled_at AS "cancelled_at: DateTime<Utc>",
                  r.refund_percent, r.anonymized_at AS "anonymized_at: DateTime<Utc>", r.version,
                  r.created_at AS "created_at: DateTime<Utc>", r.updated_at AS "updated_at: DateTime<Utc>"
           FROM JSON_TABLE(?, '$[*]' COLUMNS (position FOR ORDINALITY, id CHAR(32) PATH '$')) AS wanted
           STRAIGHT_JOIN reservations r ON r.id = UNHEX(wanted.id)
           ORDER BY wanted.position"#,
        ids_json(ids)
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Reservation::try_from).collect()
}

/// Locks reservation `id` until the transaction ends and reads it; `None` when unknown. A
/// locking read: it sees the latest committed row whatever the transaction read before.
pub async fn lock_reservation(conn: &mut MySqlConnection, id: Uuid) -> Result<Option<Reservation>, sqlx::Error> {
    let row = sqlx::query_as!(
        ReservationRow,
        r#"SELECT r.id AS "id: Uuid", r.reference, r.user_id AS "user_id: Uuid", r.vehicle_id AS "vehicle_id: Uuid", r.category_code,
                  r.pickup_agency_id AS "pickup_agency_id: Uuid", r.return_agency_id AS "return_agency_id: Uuid",
                  r.pickup_at AS "pickup_at: DateTime<Utc>", r.return_at AS "return_at: DateTime<Utc>", r.status AS "status: Status",
                  r.days, r.daily_rate_minor, r.one_way_fee_minor, r.price_minor, r.currency, r.paid_minor, r.refunded_minor,
                  r.driver_first_name, r.driver_last_name, r.driver_birth_date,
                  r.hold_expires_at AS "hold_expires_at: DateTime<Utc>", r.cancelled_at AS "cancelled_at: DateTime<Utc>",
                  r.refund_percent, r.anonymized_at AS "anonymized_at: DateTime<Utc>", r.version,
                  r.created_at AS "created_at: DateTime<Utc>", r.updated_at AS "updated_at: DateTime<Utc>"
           FROM reservations r WHERE r.id = ? FOR UPDATE"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    row.map(Reservation::try_from).transpose()
}

async fn insert_history(
    conn: &mut MySqlConnection,
    reservation: Uuid,
    status: Status,
    actor: Actor,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO reservation_status_history (id, reservation_id, status, actor, changed_at) VALUES (?, ?, ?, ?, ?)",
        Uuid::now_v7(),
        reservation,
        status,
        actor,
        at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts a new reservation and the first step of its history.
pub async fn insert_reservation(conn: &mut MySqlConnection, r: &Reservation, actor: Actor) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO reservations (id, reference, user_id, vehicle_id, category_code, pickup_agency_id, return_agency_id, pickup_at,
             return_at, status, days, daily_rate_minor, one_way_fee_minor, price_minor, currency, paid_minor, refunded_minor,
             driver_first_name, driver_last_name, driver_birth_date, hold_expires_at, version, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        r.id,
        r.reference.as_str(),
        r.user_id,
        r.slot.vehicle_id,
        r.slot.category.as_str(),
        r.slot.pickup_agency_id,
        r.slot.return_agency_id,
        r.slot.pickup_at,
        r.slot.return_at,
        r.status,
        r.price.days,
        r.price.daily_rate.amount_minor,
        r.price.one_way_fee.amount_minor,
        r.price.total.amount_minor,
        r.price.total.currency.as_str(),
        r.paid_minor,
        r.refunded_minor,
        r.driver.first_name,
        r.driver.last_name,
        r.driver.birth_date,
        r.hold_expires_at,
        r.version,
        r.created_at,
        r.updated_at
    )
    .execute(&mut *conn)
    .await?;
    insert_history(conn, r.id, r.status, actor, r.created_at).await
}

/// Writes `after` over the reservation, which must still be at `after.version - 1` (callers
/// lock it first, so this is a guard against a bug, not a retry path), and records a status
/// change by `actor` when `after.status` differs from `status_before`.
pub async fn update_reservation(
    conn: &mut MySqlConnection,
    status_before: Status,
    after: &Reservation,
    actor: Actor,
) -> Result<(), sqlx::Error> {
    let updated = sqlx::query!(
        "UPDATE reservations SET vehicle_id = ?, category_code = ?, pickup_agency_id = ?, return_agency_id = ?, pickup_at = ?,
             return_at = ?, status = ?, days = ?, daily_rate_minor = ?, one_way_fee_minor = ?, price_minor = ?, currency = ?,
             paid_minor = ?, refunded_minor = ?, hold_expires_at = ?, cancelled_at = ?, refund_percent = ?, version = ?, updated_at = ?
         WHERE id = ? AND version = ?",
        after.slot.vehicle_id,
        after.slot.category.as_str(),
        after.slot.pickup_agency_id,
        after.slot.return_agency_id,
        after.slot.pickup_at,
        after.slot.return_at,
        after.status,
        after.price.days,
        after.price.daily_rate.amount_minor,
        after.price.one_way_fee.amount_minor,
        after.price.total.amount_minor,
        after.price.total.currency.as_str(),
        after.paid_minor,
        after.refunded_minor,
        after.hold_expires_at,
        after.cancelled_at,
        after.refund_percent,
        after.version,
        after.updated_at,
        after.id,
        after.version.saturating_sub(1)
    )
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(corrupt(format!("reservation {} changed under its lock", after.id)));
    }
    if after.status != status_before {
        insert_history(conn, after.id, after.status, actor, after.updated_at).await?;
    }
    Ok(())
}

/// The histories of `ids`, oldest step first, as `(reservation, step)`.
pub async fn history(db: impl Executor<'_, Database = MySql>, ids: &[Uuid]) -> Result<Vec<(Uuid, StatusChange)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!(
        r#"SELECT h.reservation_id AS "reservation_id: Uuid", h.status AS "status: Status", h.actor AS "actor: Actor",
                  h.changed_at AS "changed_at: DateTime<Utc>"
           FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted
           STRAIGHT_JOIN reservation_status_history h ON h.reservation_id = UNHEX(wanted.id)
           ORDER BY h.reservation_id, h.changed_at, h.id"#,
        ids_json(ids)
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.reservation_id, StatusChange { status: r.status, by: r.actor, at: r.changed_at })).collect())
}

/// One page of a client's reservations in `scope` at `now`, as ids: upcoming soonest first,
/// past latest first; `after` is the `(pickup_at, id)` of the last one of the previous page.
pub async fn reservations_of_user(
    db: impl Executor<'_, Database = MySql>,
    user: Uuid,
    scope: Scope,
    now: DateTime<Utc>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u32,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let first = after.is_none();
    let (at, id) = after.unwrap_or((DateTime::<Utc>::UNIX_EPOCH, Uuid::nil()));
    match scope {
        Scope::Upcoming => {
            sqlx::query_scalar!(
                r#"SELECT id AS "id: Uuid" FROM reservations
                   WHERE user_id = ?
                     AND (status IN ('confirmed', 'picked_up') OR (status = 'pending_payment' AND hold_expires_at > ?))
                     AND (? OR pickup_at > ? OR (pickup_at = ? AND id > ?))
                   ORDER BY pickup_at, id LIMIT ?"#,
                user,
                now,
                first,
                at,
                at,
                id,
                limit
            )
            .fetch_all(db)
            .await
        }
        Scope::Past => {
            sqlx::query_scalar!(
                r#"SELECT id AS "id: Uuid" FROM reservations
                   WHERE user_id = ?
                     AND NOT (status IN ('confirmed', 'picked_up') OR (status = 'pending_payment' AND hold_expires_at > ?))
                     AND (? OR pickup_at < ? OR (pickup_at = ? AND id < ?))
                   ORDER BY pickup_at DESC, id DESC LIMIT ?"#,
                user,
                now,
                first,
                at,
                at,
                id,
                limit
            )
            .fetch_all(db)
            .await
        }
    }
}

/// Every reservation of a user, oldest first (export, erasure).
pub async fn ids_of_user(db: impl Executor<'_, Database = MySql>, user: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM reservations WHERE user_id = ? ORDER BY pickup_at, id"#, user).fetch_all(db).await
}

/// A user's reservations still to come that a cancellation applies to (held or confirmed,
/// pickup after `now`), locked until the transaction ends.
pub async fn future_open_of_user(conn: &mut MySqlConnection, user: Uuid, now: DateTime<Utc>) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: Uuid" FROM reservations
           WHERE user_id = ? AND status IN ('pending_payment', 'confirmed') AND pickup_at > ? ORDER BY pickup_at, id FOR UPDATE"#,
        user,
        now
    )
    .fetch_all(conn)
    .await
}

/// Detaches every reservation of `user` from their person: the driver snapshot is blanked
/// (the rows stay, for accounting, DESIGN §8).
pub async fn anonymize_drivers(conn: &mut MySqlConnection, user: Uuid, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE reservations SET driver_first_name = '', driver_last_name = '', driver_birth_date = NULL, anonymized_at = ?,
             version = version + 1, updated_at = ?
         WHERE user_id = ? AND anonymized_at IS NULL",
        now,
        now,
        user
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// One entry of an agency's day: a car leaving (pickup) or coming back (return).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayEntry {
    /// The reservation.
    pub id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// `true` for a pickup, `false` for a return.
    pub pickup: bool,
}

/// The pickups and returns at `agency` in `[from, to)` (one agency-local day), by time, for
/// reservations that were booked for real (not held, cancelled or expired); `after` is the last
/// entry of the previous page.
pub async fn agency_day(
    db: impl Executor<'_, Database = MySql>,
    agency: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    after: Option<&DayEntry>,
    limit: u32,
) -> Result<Vec<DayEntry>, sqlx::Error> {
    let first = after.is_none();
    let (at, kind, id) = after.map_or((from, 0_i8, Uuid::nil()), |e| (e.at, if e.pickup { 0 } else { 1 }, e.id));
    let rows = sqlx::query!(
        r#"SELECT day.id AS "id!: Uuid", day.at AS "at!: DateTime<Utc>", day.kind AS "kind!: i8" FROM (
               SELECT id, pickup_at AS at, 0 AS kind FROM reservations
               WHERE pickup_agency_id = ? AND pickup_at >= ? AND pickup_at < ? AND status IN ('confirmed', 'picked_up', 'returned', 'no_show')
               UNION ALL
               SELECT id, return_at, 1 FROM reservations
               WHERE return_agency_id = ? AND return_at >= ? AND return_at < ? AND status IN ('confirmed', 'picked_up', 'returned')
           ) AS day
           WHERE ? OR day.at > ? OR (day.at = ? AND (day.kind > ? OR (day.kind = ? AND day.id > ?)))
           ORDER BY day.at, day.kind, day.id LIMIT ?"#,
        agency,
        from,
        to,
        agency,
        from,
        to,
        first,
        at,
        at,
        kind,
        kind,
        id,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| DayEntry { id: r.id, at: r.at, pickup: r.kind == 0 }).collect())
}

/// Marks the held reservations whose hold ended by `now` as `expired` (at most `limit`, locked
/// and skipped when another sweep holds them), with their history; returns their ids.
pub async fn expire_holds(conn: &mut MySqlConnection, now: DateTime<Utc>, limit: u32) -> Result<Vec<Uuid>, sqlx::Error> {
    let ids = sqlx::query_scalar!(
        r#"SELECT id AS "id: Uuid" FROM reservations WHERE status = 'pending_payment' AND hold_expires_at <= ?
           ORDER BY hold_expires_at LIMIT ? FOR UPDATE SKIP LOCKED"#,
        now,
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    for id in &ids {
        sqlx::query!(
            "UPDATE reservations SET status = 'expired', version = version + 1, updated_at = ? WHERE id = ? AND status = 'pending_payment'",
            now,
            id
        )
        .execute(&mut *conn)
        .await?;
        insert_history(conn, *id, Status::Expired, Actor::System, now).await?;
    }
    Ok(ids)
}

/// Confirmed reservations picked up in `[from, to)` whose reminder is not sent yet.
pub async fn due_reminders(
    db: impl Executor<'_, Database = MySql>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: Uuid" FROM reservations
           WHERE status = 'confirmed' AND pickup_at >= ? AND pickup_at < ? AND reminder_sent_at IS NULL ORDER BY pickup_at"#,
        from,
        to
    )
    .fetch_all(db)
    .await
}

/// Marks the reminder of `id` sent; false when it already was (another sweep got there first).
pub async fn mark_reminded(conn: &mut MySqlConnection, id: Uuid, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("UPDATE reservations SET reminder_sent_at = ? WHERE id = ? AND reminder_sent_at IS NULL", now, id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The reservations still to come or under way on `vehicle` at `now` (held, confirmed or picked
/// up, not over), by pickup, locked until the transaction ends.
pub async fn future_on_vehicle(conn: &mut MySqlConnection, vehicle: Uuid, now: DateTime<Utc>) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: Uuid" FROM reservations
           WHERE vehicle_id = ? AND return_at > ?
             AND (status IN ('confirmed', 'picked_up') OR (status = 'pending_payment' AND hold_expires_at > ?))
           ORDER BY pickup_at FOR UPDATE"#,
        vehicle,
        now,
        now
    )
    .fetch_all(conn)
    .await
}

/// Puts reservation `id` on another vehicle (same agency and category).
pub async fn move_to_vehicle(conn: &mut MySqlConnection, id: Uuid, vehicle: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE reservations SET vehicle_id = ?, version = version + 1, updated_at = ? WHERE id = ?", vehicle, now, id)
        .execute(conn)
        .await?;
    Ok(())
}

/// References of up to `limit` reservations to come or under way that pick up or return at
/// `agency` (held, confirmed or picked up, not over at `now`).
pub async fn future_at_agency(
    conn: &mut MySqlConnection,
    agency: Uuid,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT reference FROM reservations
           WHERE (pickup_agency_id = ? OR return_agency_id = ?) AND return_at > ?
             AND (status IN ('confirmed', 'picked_up') OR (status = 'pending_payment' AND hold_expires_at > ?))
           ORDER BY pickup_at LIMIT ?"#,
        agency,
        agency,
        now,
        now,
        limit
    )
    .fetch_all(conn)
    .await
}
