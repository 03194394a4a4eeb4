//! The API's answers (API.md "Shapes of the core resources"). Instants a customer reads at an
//! agency are shown on that agency's clock, with its offset.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use ycyw_catalog::{Agency, VehicleCategory};
use ycyw_shared::domain::Money;

use super::{Actor, Reference, Status};

/// One offer of `GET /offers`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    /// The category offered.
    pub category: VehicleCategory,
    /// Where to pick up.
    pub pickup_agency: Agency,
    /// Where to return.
    pub return_agency: Agency,
    /// Pickup on the pickup agency's clock.
    #[schema(value_type = String, example = "2026-12-08T10:00:00+01:00")]
    pub pickup_at: DateTime<FixedOffset>,
    /// Return on the return agency's clock.
    #[schema(value_type = String, example = "2026-12-11T10:00:00+01:00")]
    pub return_at: DateTime<FixedOffset>,
    /// Started 24 h periods charged.
    pub days: u32,
    /// Daily rate.
    pub daily_rate: Money,
    /// One-way fee (zero when returned where picked up).
    pub one_way_fee: Money,
    /// Total, in the pickup agency's currency.
    pub total: Money,
    /// Vehicles of the category free for the whole rental.
    pub available: u32,
}

/// `GET /offers`: offers by total price, cheapest first.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferPage {
    /// This page.
    pub items: Vec<Offer>,
    /// Cursor of the next page, `null` on the last.
    pub next_cursor: Option<String>,
}

/// The driver on a reservation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DriverView {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
}

/// One step of a reservation's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    /// The status entered.
    pub status: Status,
    /// Who moved it there.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// A modification awaiting payment of its difference.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PendingChangeView {
    /// Id.
    pub id: Uuid,
    /// New category.
    pub category: VehicleCategory,
    /// New pickup agency.
    pub pickup_agency: Agency,
    /// New return agency.
    pub return_agency: Agency,
    /// New pickup, on the agency's clock.
    #[schema(value_type = String)]
    pub pickup_at: DateTime<FixedOffset>,
    /// New return, on the agency's clock.
    #[schema(value_type = String)]
    pub return_at: DateTime<FixedOffset>,
    /// New total.
    pub total: Money,
    /// What remains to pay.
    pub difference: Money,
    /// End of the hold on the new slot.
    pub hold_expires_at: DateTime<Utc>,
}

/// A reservation (API.md "Reservation").
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReservationView {
    /// Id.
    pub id: Uuid,
    /// Human reference.
    pub reference: Reference,
    /// Status (an ended hold reads `expired`).
    pub status: Status,
    /// The category booked.
    pub category: VehicleCategory,
    /// Pickup agency.
    pub pickup_agency: Agency,
    /// Return agency.
    pub return_agency: Agency,
    /// Pickup on the pickup agency's clock.
    #[schema(value_type = String, example = "2026-12-08T10:00:00+01:00")]
    pub pickup_at: DateTime<FixedOffset>,
    /// Return on the return agency's clock.
    #[schema(value_type = String, example = "2026-12-11T10:00:00+01:00")]
    pub return_at: DateTime<FixedOffset>,
    /// Started 24 h periods.
    pub days: u32,
    /// Daily rate.
    pub daily_rate: Money,
    /// One-way fee.
    pub one_way_fee: Money,
    /// Total price.
    pub total: Money,
    /// Paid and not refunded.
    pub paid: Money,
    /// End of the payment hold while `pending_payment`.
    pub hold_expires_at: Option<DateTime<Utc>>,
    /// The driver.
    pub driver: DriverView,
    /// Whether it may still be modified (until 48 h before pickup).
    pub can_modify: bool,
    /// Whether it may still be cancelled (until pickup).
    pub can_cancel: bool,
    /// A modification awaiting payment.
    pub pending_change: Option<PendingChangeView>,
    /// Its statuses, oldest first.
    pub history: Vec<StatusChange>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// `GET /reservations/{id}/cancellation-quote`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CancellationQuote {
    /// 100 until 7 days before pickup, then 25.
    pub refund_percent: u8,
    /// What a cancellation now refunds.
    pub refund: Money,
    /// What was paid and not refunded.
    pub paid: Money,
    /// The last instant of the full refund, on the pickup agency's clock.
    #[schema(value_type = String, example = "2026-12-01T10:00:00+01:00")]
    pub full_refund_until: DateTime<FixedOffset>,
}

/// Where a refund stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Queued or under way at Stripe.
    Pending,
    /// Done (or nothing to refund).
    Succeeded,
    /// Stripe refused it.
    Failed,
}

/// A refund in an answer.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefundView {
    /// How much.
    pub amount: Money,
    /// Of what was paid.
    pub percent: u8,
    /// Where it stands.
    pub status: RefundStatus,
}

/// `POST /reservations/{id}/cancellation`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Cancellation {
    /// The cancelled reservation.
    pub reservation: ReservationView,
    /// Its refund.
    pub refund: RefundView,
}

/// How a modification was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModificationOutcome {
    /// Same price: applied.
    Applied,
    /// Dearer: the new slot is held until the difference is paid (`pendingChange`).
    PaymentRequired,
    /// Cheaper: applied, and the difference is being refunded.
    RefundPending,
}

/// `PATCH /reservations/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Modification {
    /// How it was settled.
    pub outcome: ModificationOutcome,
    /// The reservation after it (with `pendingChange` when payment is required).
    pub reservation: ReservationView,
    /// New price minus old (negative: refunded).
    pub difference: Money,
    /// Where to pay the difference (`payment_required`): the Checkout Session's page, as
    /// `POST /reservations/{id}/checkout-sessions` gives it. `null` for the other outcomes, and
    /// when the payment provider did not answer: the change is held all the same, and that
    /// `POST` opens the page.
    pub checkout_url: Option<String>,
}

/// What happens at the counter in an agency's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayEvent {
    /// A car leaves.
    Pickup,
    /// A car comes back.
    Return,
}

/// One entry of `GET /agencies/{id}/reservations?date=`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DayEntryView {
    /// Pickup or return.
    pub event: DayEvent,
    /// When, on the agency's clock.
    #[schema(value_type = String, example = "2026-12-08T10:00:00+01:00")]
    pub at: DateTime<FixedOffset>,
    /// The reservation.
    pub reservation: ReservationView,
}

/// `GET /agencies/{id}/reservations`: the day's pickups and returns by time.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DayPage {
    /// The agency-local day listed.
    pub date: NaiveDate,
    /// This page.
    pub items: Vec<DayEntryView>,
    /// Cursor of the next page, `null` on the last.
    pub next_cursor: Option<String>,
}

/// Re-exported for handlers' OpenAPI bodies.
pub type ReservationPage = ycyw_shared::domain::Page<ReservationView>;
