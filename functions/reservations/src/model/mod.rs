//! What reservations are made of: the stored [`Reservation`] with its [`Status`], the pending
//! [`Change`] of a modification awaiting payment, the request shapes, and the API's views
//! ([`ReservationView`], [`Offer`], …) which embed the catalog's agencies and categories.

mod reference;
mod requests;
mod status;
mod views;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;
use ycyw_catalog::AcrissCode;
use ycyw_shared::domain::Money;

pub use self::reference::Reference;
pub use self::requests::{DayQuery, ListQuery, NewReservation, OfferQuery, ReservationPatch, Scope};
pub use self::status::{Actor, ChangeStatus, Status};
pub use self::views::{
    Cancellation, CancellationQuote, DayEntryView, DayEvent, DayPage, DriverView, Modification, ModificationOutcome, Offer, OfferPage,
    PendingChangeView, RefundStatus, RefundView, ReservationPage, ReservationView, StatusChange,
};

/// The driver as they were at booking (the account holder, DESIGN §5); anonymised with the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Driver {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Birth date (`None` once anonymised).
    pub birth_date: Option<NaiveDate>,
}

/// What a rental costs, as priced when booked or modified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    /// Started 24 h periods.
    pub days: u32,
    /// The daily rate.
    pub daily_rate: Money,
    /// The one-way fee (zero when returned where picked up).
    pub one_way_fee: Money,
    /// The total.
    pub total: Money,
}

/// Where and when a rental happens, on which vehicle: what a booking takes and a modification moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The vehicle held.
    pub vehicle_id: Uuid,
    /// Its category.
    pub category: AcrissCode,
    /// Pickup agency (the vehicle's).
    pub pickup_agency_id: Uuid,
    /// Return agency.
    pub return_agency_id: Uuid,
    /// Pickup instant.
    pub pickup_at: DateTime<Utc>,
    /// Return instant.
    pub return_at: DateTime<Utc>,
}

/// A stored reservation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// Id.
    pub id: Uuid,
    /// Human reference.
    pub reference: Reference,
    /// The client who booked.
    pub user_id: Uuid,
    /// Vehicle, agencies and times.
    pub slot: Slot,
    /// Stored status (see [`Reservation::status_at`]).
    pub status: Status,
    /// The price.
    pub price: Price,
    /// What the customer paid, in minor units of the price's currency.
    pub paid_minor: i64,
    /// What was refunded (or is being), in minor units.
    pub refunded_minor: i64,
    /// The driver.
    pub driver: Driver,
    /// End of the payment hold of a `pending_payment` reservation.
    pub hold_expires_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// The refund percentage of its cancellation.
    pub refund_percent: Option<u8>,
    /// When the account was anonymised.
    pub anonymized_at: Option<DateTime<Utc>>,
    /// Optimistic version, bumped by every change.
    pub version: u32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl Reservation {
    /// The status at `now`: a `pending_payment` hold past its end is `expired` even before the
    /// worker's sweep writes it, so an expired hold never blocks a vehicle or shows as payable.
    pub fn status_at(&self, now: DateTime<Utc>) -> Status {
        match (self.status, self.hold_expires_at) {
            (Status::PendingPayment, Some(end)) if end <= now => Status::Expired,
            (status, _) => status,
        }
    }

    /// What was paid and not refunded, in minor units.
    pub fn net_paid_minor(&self) -> i64 {
        self.paid_minor - self.refunded_minor
    }

    /// [`Reservation::net_paid_minor`] as money.
    pub fn net_paid(&self) -> Money {
        Money::new(self.net_paid_minor(), self.price.total.currency)
    }
}

/// A modification priced above what was paid, holding its new slot until the difference is paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Id.
    pub id: Uuid,
    /// The reservation it modifies.
    pub reservation_id: Uuid,
    /// The new slot.
    pub slot: Slot,
    /// The new price.
    pub price: Price,
    /// New price minus what was paid, in minor units (> 0).
    pub difference_minor: i64,
    /// Its state.
    pub status: ChangeStatus,
    /// End of its hold.
    pub hold_expires_at: DateTime<Utc>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl Change {
    /// Whether it still holds its vehicle and awaits payment at `now`.
    pub fn is_pending_at(&self, now: DateTime<Utc>) -> bool {
        self.status == ChangeStatus::Pending && self.hold_expires_at > now
    }

    /// The difference as money.
    pub fn difference(&self) -> Money {
        Money::new(self.difference_minor, self.price.total.currency)
    }
}
