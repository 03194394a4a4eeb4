//! SQL over the module's own tables (`reservations`, `reservation_status_history`,
//! `reservation_changes`, `reservation_locks`) and nothing else. Every statement is checked at
//! build time; lists of ids travel as one JSON array (`JSON_TABLE`), so a page of reservations
//! is two statements whatever its length. Rows become model values here; a row that no longer
//! parses is an internal error.

mod availability;
mod changes;
mod reservations;

pub use self::availability::{busy_counts, busy_vehicles, lock_fleet};
pub use self::changes::{
    change_by_id, changes_holding, expire_changes, insert_change, pending_changes, set_change_status, supersede_pending_change,
};
pub use self::reservations::{
    DayEntry, agency_day, anonymize_drivers, due_reminders, expire_holds, future_at_agency, future_on_vehicle, future_open_of_user,
    history, ids_of_user, insert_reservation, lock_reservation, mark_reminded, move_to_vehicle, reservations, reservations_of_user,
    update_reservation,
};

use ycyw_shared::db::json_ids;

fn corrupt(what: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("corrupt reservations row: {what}").into())
}

fn ids_json(ids: &[uuid::Uuid]) -> String {
    json_ids(ids)
}
