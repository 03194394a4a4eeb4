//! The states of a reservation and of a pending change, and who moves them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A reservation's status (API.md "Reservation").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Booked, its vehicle held until the hold ends, awaiting payment.
    PendingPayment,
    /// Paid.
    Confirmed,
    /// Cancelled by the client (or with their account).
    Cancelled,
    /// The hold ended unpaid.
    Expired,
    /// The car left the agency.
    PickedUp,
    /// The car came back.
    Returned,
    /// Nobody came to pick the car up.
    NoShow,
}

ycyw_shared::text_enum!(Status {
    PendingPayment => "pending_payment",
    Confirmed => "confirmed",
    Cancelled => "cancelled",
    Expired => "expired",
    PickedUp => "picked_up",
    Returned => "returned",
    NoShow => "no_show",
});

impl Status {
    /// Whether a reservation in this status takes its vehicle for its window (a
    /// `pending_payment` one only while its hold lasts: see `Reservation::status_at`).
    pub fn holds_vehicle(self) -> bool {
        matches!(self, Status::PendingPayment | Status::Confirmed | Status::PickedUp)
    }

    /// Whether it is over: nothing can happen to it any more.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Cancelled | Status::Expired | Status::Returned | Status::NoShow)
    }
}

/// Who changed a reservation's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The client.
    Client,
    /// An agent of the agency.
    Agent,
    /// A support user.
    Support,
    /// The platform (payment webhooks, hold expiry, account deletion).
    System,
}

ycyw_shared::text_enum!(Actor { Client => "client", Agent => "agent", Support => "support", System => "system" });

/// A pending change's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// Awaiting payment of the difference; its vehicle is held.
    Pending,
    /// Paid and applied to the reservation.
    Applied,
    /// Its hold ended unpaid.
    Expired,
    /// Replaced by a newer modification.
    Superseded,
    /// Dropped because the reservation was cancelled.
    Cancelled,
}

ycyw_shared::text_enum!(ChangeStatus {
    Pending => "pending",
    Applied => "applied",
    Expired => "expired",
    Superseded => "superseded",
    Cancelled => "cancelled",
});
