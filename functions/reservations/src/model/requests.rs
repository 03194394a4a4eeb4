//! Request shapes. Query parameters stay text so that every mistake becomes a field error in the
//! service; bodies type what serde can check (ids) and keep times and codes as text for the same
//! reason.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// `GET /offers` (API.md): where, when, and optionally which category.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct OfferQuery {
    /// Pick up in any agency of this city (or give `pickupAgencyId`).
    pub pickup_city: Option<String>,
    /// Pick up at this agency.
    #[param(value_type = Option<Uuid>)]
    pub pickup_agency_id: Option<String>,
    /// Return to an agency of this city (default: where picked up).
    pub return_city: Option<String>,
    /// Return to this agency (default: where picked up).
    #[param(value_type = Option<Uuid>)]
    pub return_agency_id: Option<String>,
    /// Pickup, agency-local `YYYY-MM-DDTHH:MM`.
    #[param(example = "2026-12-08T10:00")]
    pub pickup_at: Option<String>,
    /// Return, in the return agency's local time.
    #[param(example = "2026-12-11T10:00")]
    pub return_at: Option<String>,
    /// An ACRISS code (`CDMR`) or a class letter (`C`).
    pub category: Option<String>,
}

/// `POST /reservations`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewReservation {
    /// Pickup agency.
    pub pickup_agency_id: Uuid,
    /// Return agency.
    pub return_agency_id: Uuid,
    /// Pickup, agency-local `YYYY-MM-DDTHH:MM`.
    #[schema(example = "2026-12-08T10:00")]
    pub pickup_at: String,
    /// Return, in the return agency's local time.
    #[schema(example = "2026-12-11T10:00")]
    pub return_at: String,
    /// ACRISS code.
    #[schema(example = "CDMR")]
    pub category: String,
}

/// `PATCH /reservations/{id}`: what to change; what is left out stays (an unchanged time keeps
/// its local wall-clock time at the, possibly new, agency).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReservationPatch {
    /// New pickup agency.
    pub pickup_agency_id: Option<Uuid>,
    /// New return agency.
    pub return_agency_id: Option<Uuid>,
    /// New pickup, agency-local.
    pub pickup_at: Option<String>,
    /// New return, agency-local.
    pub return_at: Option<String>,
    /// New ACRISS code.
    pub category: Option<String>,
}

impl ReservationPatch {
    /// Whether it asks for no change at all.
    pub fn is_empty(&self) -> bool {
        self.pickup_agency_id.is_none()
            && self.return_agency_id.is_none()
            && self.pickup_at.is_none()
            && self.return_at.is_none()
            && self.category.is_none()
    }
}

/// Which of a client's reservations to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Those still ahead or under way (held, confirmed, picked up), soonest first.
    #[default]
    Upcoming,
    /// The others (returned, cancelled, expired, no-show, or over), latest first.
    Past,
}

/// `GET /reservations?scope=`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `upcoming` (default) or `past`.
    #[param(value_type = Option<String>, example = "upcoming")]
    pub scope: Option<String>,
}

/// `GET /agencies/{id}/reservations?date=`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// The agency-local day, `YYYY-MM-DD` (default: today there).
    #[param(value_type = Option<String>, example = "2026-12-08")]
    pub date: Option<String>,
}
