//! `reservation_changes`: modifications awaiting payment of their difference.

use chrono::{DateTime, Utc};
use sqlx::{Executor, MySql, MySqlConnection};
use uuid::Uuid;

use super::{SlotColumns, corrupt, ids_json};
use crate::model::{Change, ChangeStatus};

#[derive(Debug)]
struct ChangeRow {
    id: Uuid,
    reservation_id: Uuid,
    vehicle_id: Uuid,
    category_code: String,
    pickup_agency_id: Uuid,
    return_agency_id: Uuid,
    pickup_at: DateTime<Utc>,
    return_at: DateTime<Utc>,
    days: u16,
    daily_rate_minor: i64,
    one_way_fee_minor: i64,
    price_minor: i64,
    currency: String,
    difference_minor: i64,
    status: ChangeStatus,
    hold_expires_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

impl TryFrom<ChangeRow> for Change {
    type Error = sqlx::Error;

    fn try_from(row: ChangeRow) -> Result<Self, Self::Error> {
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
        let (slot, price) = columns.parse().ok_or_else(|| corrupt(format!("change {}", row.id)))?;
        Ok(Change {
            id: row.id,
            reservation_id: row.reservation_id,
            slot,
            price,
            difference_minor: row.difference_minor,
            status: row.status,
            hold_expires_at: row.hold_expires_at,
            created_at: row.created_at,
        })
    }
}

/// The changes still `pending` (hold ended or not) of the reservations `ids`. One statement.
pub async fn pending_changes(db: impl Executor<'_, Database = MySql>, ids: &[Uuid]) -> Result<Vec<Change>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query_as!(
        ChangeRow,
        r#"SELECT c.id AS "id: Uuid", c.reservation_id AS "reservation_id: Uuid", c.vehicle_id AS "vehicle_id: Uuid", c.category_code,
                  c.pickup_agency_id AS "pickup_agency_id: Uuid", c.return_agency_id AS "return_agency_id: Uuid",
                  c.pickup_at AS "pickup_at: DateTime<Utc>", c.return_at AS "return_at: DateTime<Utc>", c.days, c.daily_rate_minor,
                  c.one_way_fee_minor, c.price_minor, c.currency, c.difference_minor, c.status AS "status: ChangeStatus",
                  c.hold_expires_at AS "hold_expires_at: DateTime<Utc>", c.created_at AS "created_at: DateTime<Utc>"
           FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted
           STRAIGHT_JOIN reservation_changes c ON c.reservation_id = UNHEX(wanted.id) AND c.status = 'pending'
           ORDER BY c.created_at"#,
        ids_json(ids)
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Change::try_from).collect()
}

/// One change by id, whatever its state.
pub async fn change_by_id(conn: &mut MySqlConnection, id: Uuid) -> Result<Option<Change>, sqlx::Error> {
    let row = sqlx::query_as!(
        ChangeRow,
        r#"SELECT id AS "id: Uuid", reservation_id AS "reservation_id: Uuid", vehicle_id AS "vehicle_id: Uuid", category_code,
                  pickup_agency_id AS "pickup_agency_id: Uuid", return_agency_id AS "return_agency_id: Uuid",
                  pickup_at AS "pickup_at: DateTime<Utc>", return_at AS "return_at: DateTime<Utc>", days, daily_rate_minor,
                  one_way_fee_minor, price_minor, currency, difference_minor, status AS "status: ChangeStatus",
                  hold_expires_at AS "hold_expires_at: DateTime<Utc>", created_at AS "created_at: DateTime<Utc>"
           FROM reservation_changes WHERE id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    row.map(Change::try_from).transpose()
}

/// Inserts a pending change.
pub async fn insert_change(conn: &mut MySqlConnection, c: &Change) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO reservation_changes (id, reservation_id, vehicle_id, category_code, pickup_agency_id, return_agency_id, pickup_at,
             return_at, days, daily_rate_minor, one_way_fee_minor, price_minor, currency, difference_minor, status, hold_expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        c.id,
        c.reservation_id,
        c.slot.vehicle_id,
        c.slot.category.as_str(),
        c.slot.pickup_agency_id,
        c.slot.return_agency_id,
        c.slot.pickup_at,
        c.slot.return_at,
        c.price.days,
        c.price.daily_rate.amount_minor,
        c.price.one_way_fee.amount_minor,
        c.price.total.amount_minor,
        c.price.total.currency.as_str(),
        c.difference_minor,
        c.status,
        c.hold_expires_at,
        c.created_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves a pending change of `reservation` to `status` (superseded by a newer modification,
/// cancelled with the reservation); returns how many were.
pub async fn supersede_pending_change(
    conn: &mut MySqlConnection,
    reservation: Uuid,
    status: ChangeStatus,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE reservation_changes SET status = ?, decided_at = ? WHERE reservation_id = ? AND status = 'pending'",
        status,
        now,
        reservation
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Moves change `id` from `pending` to `status`; false when it was not pending any more.
pub async fn set_change_status(
    conn: &mut MySqlConnection,
    id: Uuid,
    status: ChangeStatus,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query!("UPDATE reservation_changes SET status = ?, decided_at = ? WHERE id = ? AND status = 'pending'", status, now, id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks the pending changes whose hold ended by `now` as `expired`; returns how many.
pub async fn expire_changes(conn: &mut MySqlConnection, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE reservation_changes SET status = 'expired', decided_at = ? WHERE status = 'pending' AND hold_expires_at <= ?",
        now,
        now
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// References of the reservations whose pending change (hold running at `now`) holds `vehicle`.
pub async fn changes_holding(conn: &mut MySqlConnection, vehicle: Uuid, now: DateTime<Utc>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT r.reference FROM reservation_changes c JOIN reservations r ON r.id = c.reservation_id
           WHERE c.vehicle_id = ? AND c.status = 'pending' AND c.hold_expires_at > ?"#,
        vehicle,
        now
    )
    .fetch_all(conn)
    .await
}

/// Lengthens the hold of pending change `id` to `until` when it still runs at `now`; whether it did.
pub async fn extend_change_hold(
    conn: &mut MySqlConnection,
    id: Uuid,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE reservation_changes SET hold_expires_at = ? WHERE id = ? AND status = 'pending' AND hold_expires_at > ? AND hold_expires_at < ?",
        until,
        id,
        now,
        until
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
