//! SQL over the module's own tables (`reservations`, `reservation_status_history`,
//! `reservation_changes`, `reservation_locks`, `reservation_agencies`) and nothing else. Every
//! statement is checked at build time; lists of ids travel as one JSON array (`JSON_TABLE`), so a
//! page of reservations is two statements whatever its length. Rows become model values here; a row that no longer
//! parses is an internal error.

mod availability;
mod changes;
mod reservations;

pub use self::availability::{AgencyMark, HoldingRow, agency_marks, busy_vehicles, holding_rows, lock_fleet};
pub use self::changes::{
    change_by_id, changes_holding, expire_changes, extend_change_hold, insert_change, pending_changes, set_change_status,
    supersede_pending_change,
};
pub use self::reservations::{
    DayEntry, agency_day, anonymize_drivers, due_reminders, expire_holds, future_at_agency, future_on_vehicle, future_open_of_user,
    history, ids_of_user, insert_reservation, lock_reservation, mark_reminded, move_to_vehicle, reservations, reservations_of_user,
    update_reservation,
};

use ycyw_shared::db::json_ids;

pub(crate) fn corrupt(what: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("corrupt reservations row: {what}").into())
}

fn ids_json(ids: &[uuid::Uuid]) -> String {
    json_ids(ids)
}

/// The columns a reservation and a pending change share: where, when, which car, what price.
struct SlotColumns<'a> {
    vehicle_id: uuid::Uuid,
    category_code: &'a str,
    pickup_agency_id: uuid::Uuid,
    return_agency_id: uuid::Uuid,
    pickup_at: chrono::DateTime<chrono::Utc>,
    return_at: chrono::DateTime<chrono::Utc>,
    days: u16,
    daily_rate_minor: i64,
    one_way_fee_minor: i64,
    price_minor: i64,
    currency: &'a str,
}

impl SlotColumns<'_> {
    /// The slot and price they hold; `None` when a code no longer parses.
    fn parse(&self) -> Option<(crate::model::Slot, crate::model::Price)> {
        let currency: ycyw_shared::domain::CurrencyCode = self.currency.parse().ok()?;
        let money = |minor| ycyw_shared::domain::Money::new(minor, currency);
        let slot = crate::model::Slot {
            vehicle_id: self.vehicle_id,
            category: ycyw_catalog::AcrissCode::parse(self.category_code).ok()?,
            pickup_agency_id: self.pickup_agency_id,
            return_agency_id: self.return_agency_id,
            pickup_at: self.pickup_at,
            return_at: self.return_at,
        };
        let price = crate::model::Price {
            days: u32::from(self.days),
            daily_rate: money(self.daily_rate_minor),
            one_way_fee: money(self.one_way_fee_minor),
            total: money(self.price_minor),
        };
        Some((slot, price))
    }
}
