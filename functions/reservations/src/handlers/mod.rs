//! One thin handler per endpoint (API.md "Reservations"): extract, authorise, call the service,
//! answer. Client routes extract [`ClientUser`](ycyw_shared::auth::ClientUser) (401 anonymous,
//! 403 staff); agent routes [`AgentUser`](ycyw_shared::auth::AgentUser); someone else's
//! reservation is 404 like an unknown one.

pub mod agency_day;
pub mod cancel_reservation;
pub mod cancellation_quote;
pub mod create_reservation;
pub mod get_reservation;
pub mod list_reservations;
pub mod modify_reservation;
pub mod record_no_show;
pub mod record_pickup;
pub mod record_return;
pub mod search_offers;

pub use ycyw_shared::extract::{Params, ResourceId};
