//! Bulk loading of reservations for the dev-only benchmark tool (`tools/bench-data`): the
//! extension point its documentation names. Not used by the product.
//!
//! [`insert_reservations`] writes plain rows ([`BulkReservation`]) with multi-row `INSERT`s of
//! [`ROWS_PER_STATEMENT`] rows, and one `reservation_status_history` row per reservation (its
//! current status), all in one transaction: all or nothing. The rows are checked first against
//! the rules the schema cannot see — a rental lasts at most 90 days, and no two rows that hold a
//! vehicle (`pending_payment`, `confirmed`, `picked_up`) overlap on the same vehicle — so a load
//! never creates overbooking among its rows. It does not look at rows already in the table: it is
//! meant for a table that holds nothing for these vehicles (a database bench-data just made).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{MySql, MySqlPool, QueryBuilder};
use uuid::Uuid;
use ycyw_catalog::AcrissCode;
use ycyw_shared::domain::{CurrencyCode, InvalidValue};

use crate::model::{Actor, Reference, Status};
use crate::service::rules::MAX_RENTAL;

/// Rows per multi-row `INSERT` (24 placeholders a row: 48 000, under MySQL's 65 535).
pub const ROWS_PER_STATEMENT: usize = 2_000;

/// One reservation to load, as its row says it (amounts in minor units of `currency`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkReservation {
    /// Id (UUIDv7, so the primary key grows in load order).
    pub id: Uuid,
    /// Human reference; unique ([`reference_number`] gives distinct ones).
    pub reference: Reference,
    /// The client (no foreign key: a bench load may use made-up users).
    pub user_id: Uuid,
    /// The vehicle held.
    pub vehicle_id: Uuid,
    /// Its category.
    pub category: AcrissCode,
    /// Where it is picked up (the vehicle's agency).
    pub pickup_agency_id: Uuid,
    /// Where it is returned.
    pub return_agency_id: Uuid,
    /// Pickup instant.
    pub pickup_at: DateTime<Utc>,
    /// Return instant, after the pickup and at most 90 days later.
    pub return_at: DateTime<Utc>,
    /// Current status; the history row says who moved it there ([`actor_of`]).
    pub status: Status,
    /// Started 24 h periods.
    pub days: u16,
    /// Daily rate (> 0).
    pub daily_rate_minor: i64,
    /// One-way fee (≥ 0).
    pub one_way_fee_minor: i64,
    /// Total price (> 0).
    pub price_minor: i64,
    /// The pickup agency's currency.
    pub currency: CurrencyCode,
    /// What was paid.
    pub paid_minor: i64,
    /// What was refunded of it (≤ paid).
    pub refunded_minor: i64,
    /// Driver's first name.
    pub driver_first_name: String,
    /// Driver's last name.
    pub driver_last_name: String,
    /// Driver's birth date.
    pub driver_birth_date: Option<NaiveDate>,
    /// End of the hold: required for `pending_payment`.
    pub hold_expires_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// What a cancellation refunded, in percent.
    pub refund_percent: Option<u8>,
    /// When it was booked.
    pub created_at: DateTime<Utc>,
    /// When it last changed: the time of its history row.
    pub updated_at: DateTime<Utc>,
}

/// Why a bulk load was refused (nothing written) or failed (rolled back).
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// Row `index` of the slice breaks a rule.
    #[error("bulk reservation {index} ({reference}): {reason}")]
    Invalid {
        /// Position in the slice.
        index: usize,
        /// Its reference.
        reference: String,
        /// The rule it breaks.
        reason: String,
    },
    /// The database refused a statement (a CHECK, a duplicate reference…) or failed.
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

/// Who moved a reservation to `status`, for its history row: the client books and cancels,
/// the platform confirms (payment webhook) and expires holds, an agent records pickup, return
/// and no-show.
pub fn actor_of(status: Status) -> &'static str {
    let actor = match status {
        Status::PendingPayment | Status::Cancelled => Actor::Client,
        Status::Confirmed | Status::Expired => Actor::System,
        Status::PickedUp | Status::Returned | Status::NoShow => Actor::Agent,
    };
    actor.as_str()
}

/// The characters after `YCW-` (the references' alphabet; a reference built from another one
/// would not parse).
const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// How many characters follow `YCW-`.
const LENGTH: usize = 6;
/// How many distinct references there are (31⁶).
pub const REFERENCES: u64 = 887_503_681;

/// The `n`-th reference of a fixed permutation of all of them (`n` taken modulo
/// [`REFERENCES`]): distinct numbers below [`REFERENCES`] give distinct references, which do not
/// follow each other visibly. Random ones would collide: 2 million random draws out of 887
/// million repeat about two thousand times.
pub fn reference_number(n: u64) -> Result<Reference, InvalidValue> {
    // An affine map modulo 31⁶ with a multiplier prime to 31 is a bijection.
    const MULTIPLIER: u64 = 472_882_049;
    const OFFSET: u64 = 123_456_789;
    let mut value = (n % REFERENCES * MULTIPLIER + OFFSET) % REFERENCES;
    let base = ALPHABET.len() as u64;
    let mut tail = [0u8; LENGTH];
    for slot in tail.iter_mut().rev() {
        *slot = ALPHABET[(value % base) as usize];
        value /= base;
    }
    format!("YCW-{}", String::from_utf8_lossy(&tail)).parse()
}

/// Checks every row on its own, then that no vehicle is held twice at once among them.
fn check(rows: &[BulkReservation]) -> Result<(), BulkError> {
    let invalid =
        |index: usize, reason: &str| BulkError::Invalid { index, reference: rows[index].reference.to_string(), reason: reason.to_string() };
    for (index, row) in rows.iter().enumerate() {
        if row.return_at <= row.pickup_at {
            return Err(invalid(index, "return_at must be after pickup_at"));
        }
        if row.return_at - row.pickup_at > MAX_RENTAL {
            return Err(invalid(index, "a rental lasts at most 90 days"));
        }
        if row.days == 0 || row.daily_rate_minor <= 0 || row.one_way_fee_minor < 0 || row.price_minor <= 0 {
            return Err(invalid(index, "days, daily rate and price must be positive, the one-way fee not negative"));
        }
        if row.paid_minor < 0 || row.refunded_minor < 0 || row.refunded_minor > row.paid_minor {
            return Err(invalid(index, "paid and refunded must not be negative, nor refunded above paid"));
        }
        if row.status == Status::PendingPayment && row.hold_expires_at.is_none() {
            return Err(invalid(index, "pending_payment needs hold_expires_at"));
        }
        if row.refund_percent.is_some_and(|p| p > 100) {
            return Err(invalid(index, "refund_percent is at most 100"));
        }
    }
    let mut held: HashMap<Uuid, Vec<usize>> = HashMap::new();
    for (index, row) in rows.iter().enumerate().filter(|(_, r)| r.status.holds_vehicle()) {
        held.entry(row.vehicle_id).or_default().push(index);
    }
    for indexes in held.values_mut() {
        indexes.sort_by_key(|&i| rows[i].pickup_at);
        // Sorted by pickup, any overlap shows between neighbours.
        if let Some(pair) = indexes.windows(2).find(|pair| rows[pair[1]].pickup_at < rows[pair[0]].return_at) {
            return Err(invalid(pair[1], &format!("overlaps {} on the same vehicle", rows[pair[0]].reference)));
        }
    }
    Ok(())
}

/// Inserts `rows` and one history row each, in one transaction, after checking them (see the
/// module); returns how many reservations were written.
pub async fn insert_reservations(db: &MySqlPool, rows: &[BulkReservation]) -> Result<usize, BulkError> {
    check(rows)?;
    let mut tx = db.begin().await?;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut insert = QueryBuilder::<MySql>::new(
            "INSERT INTO reservations (id, reference, user_id, vehicle_id, category_code, pickup_agency_id, return_agency_id, \
             pickup_at, return_at, status, days, daily_rate_minor, one_way_fee_minor, price_minor, currency, paid_minor, \
             refunded_minor, driver_first_name, driver_last_name, driver_birth_date, hold_expires_at, cancelled_at, \
             refund_percent, created_at, updated_at) ",
        );
        insert.push_values(chunk, |mut values, r| {
            values
                .push_bind(r.id)
                .push_bind(r.reference.as_str())
                .push_bind(r.user_id)
                .push_bind(r.vehicle_id)
                .push_bind(r.category.as_str())
                .push_bind(r.pickup_agency_id)
                .push_bind(r.return_agency_id)
                .push_bind(r.pickup_at)
                .push_bind(r.return_at)
                .push_bind(r.status)
                .push_bind(r.days)
                .push_bind(r.daily_rate_minor)
                .push_bind(r.one_way_fee_minor)
                .push_bind(r.price_minor)
                .push_bind(r.currency.as_str())
                .push_bind(r.paid_minor)
                .push_bind(r.refunded_minor)
                .push_bind(r.driver_first_name.as_str())
                .push_bind(r.driver_last_name.as_str())
                .push_bind(r.driver_birth_date)
                .push_bind(r.hold_expires_at)
                .push_bind(r.cancelled_at)
                .push_bind(r.refund_percent)
                .push_bind(r.created_at)
                .push_bind(r.updated_at);
        });
        insert.build().execute(&mut *tx).await?;

        let mut history =
            QueryBuilder::<MySql>::new("INSERT INTO reservation_status_history (id, reservation_id, status, actor, changed_at) ");
        history.push_values(chunk, |mut values, r| {
            values.push_bind(Uuid::now_v7()).push_bind(r.id).push_bind(r.status).push_bind(actor_of(r.status)).push_bind(r.updated_at);
        });
        history.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::Duration;

    use super::*;

    fn row(vehicle: Uuid, status: Status, from_day: i64, to_day: i64) -> BulkReservation {
        let start = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
        BulkReservation {
            id: Uuid::now_v7(),
            reference: reference_number(u64::try_from(from_day).unwrap()).unwrap(),
            user_id: Uuid::now_v7(),
            vehicle_id: vehicle,
            category: AcrissCode::parse("CDMR").unwrap(),
            pickup_agency_id: Uuid::nil(),
            return_agency_id: Uuid::nil(),
            pickup_at: start + Duration::days(from_day),
            return_at: start + Duration::days(to_day),
            status,
            days: 1,
            daily_rate_minor: 1000,
            one_way_fee_minor: 0,
            price_minor: 1000,
            currency: CurrencyCode::Eur,
            paid_minor: 1000,
            refunded_minor: 0,
            driver_first_name: "Ana".into(),
            driver_last_name: "Silva".into(),
            driver_birth_date: None,
            hold_expires_at: None,
            cancelled_at: None,
            refund_percent: None,
            created_at: start,
            updated_at: start,
        }
    }

    #[test]
    fn reference_numbers_are_distinct_valid_references() {
        assert_eq!(REFERENCES, 31u64.pow(6));
        let seen: HashSet<Reference> = (0..200_000).map(|n| reference_number(n).unwrap()).collect();
        assert_eq!(seen.len(), 200_000);
        assert!(reference_number(REFERENCES - 1).is_ok());
        assert_eq!(reference_number(7).unwrap(), reference_number(7 + REFERENCES).unwrap());
    }

    #[test]
    fn overlapping_holders_of_one_vehicle_are_refused_and_others_are_not() {
        let car = Uuid::now_v7();
        let other = Uuid::now_v7();
        let fine = [
            row(car, Status::Returned, 0, 5),
            row(car, Status::Cancelled, 2, 4),
            row(car, Status::Confirmed, 5, 8),
            row(other, Status::Confirmed, 6, 7),
        ];
        assert!(check(&fine).is_ok());
        let clash = [row(car, Status::Confirmed, 0, 5), row(car, Status::PickedUp, 4, 6)];
        let error = check(&clash).unwrap_err().to_string();
        assert!(error.contains("overlaps"), "{error}");
    }

    #[test]
    fn rows_breaking_a_rule_are_refused() {
        let car = Uuid::now_v7();
        let mut long = row(car, Status::Confirmed, 0, 91);
        assert!(check(std::slice::from_ref(&long)).unwrap_err().to_string().contains("90 days"));
        long.return_at = long.pickup_at;
        assert!(check(std::slice::from_ref(&long)).is_err());
        let pending = row(car, Status::PendingPayment, 0, 1);
        assert!(check(&[pending]).unwrap_err().to_string().contains("hold_expires_at"));
        let mut refunded = row(car, Status::Cancelled, 0, 1);
        refunded.refunded_minor = 2000;
        assert!(check(&[refunded]).is_err());
    }
}
