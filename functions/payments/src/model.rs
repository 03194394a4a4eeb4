//! Payments as stored and as the API shows them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use ycyw_shared::domain::Money;

/// A charge or a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Money taken (one Checkout Session).
    Charge,
    /// Money given back.
    Refund,
}

ycyw_shared::text_enum!(Kind { Charge => "charge", Refund => "refund" });

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// A charge's session is open: the client may pay.
    Open,
    /// Done: paid, or refunded.
    Succeeded,
    /// A charge's session ended unpaid.
    Expired,
    /// Stripe failed it (an asynchronous payment, a refund).
    Failed,
    /// Stripe reported another amount or currency than ours: recorded, never confirmed.
    Mismatch,
    /// A refund under way.
    Pending,
    /// A refund Stripe cancelled.
    Canceled,
}

ycyw_shared::text_enum!(PaymentStatus {
    Open => "open",
    Succeeded => "succeeded",
    Expired => "expired",
    Failed => "failed",
    Mismatch => "mismatch",
    Pending => "pending",
    Canceled => "canceled",
});

/// A stored payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Id.
    pub id: Uuid,
    /// The reservation.
    pub reservation_id: Uuid,
    /// The change a charge pays the difference of.
    pub change_id: Option<Uuid>,
    /// Charge or refund.
    pub kind: Kind,
    /// Status.
    pub status: PaymentStatus,
    /// Amount.
    pub amount: Money,
    /// A refund's request (the reservations module's refund id).
    pub refund_request_id: Option<Uuid>,
    /// Why a refund is owed.
    pub refund_reason: Option<String>,
    /// The charge a refund is taken from.
    pub charge_payment_id: Option<Uuid>,
    /// A charge's Checkout Session.
    pub stripe_session_id: Option<String>,
    /// Its hosted page.
    pub stripe_session_url: Option<String>,
    /// When it ends.
    pub session_expires_at: Option<DateTime<Utc>>,
    /// The payment intent of a paid charge (or of a refund's charge).
    pub stripe_payment_intent_id: Option<String>,
    /// A refund's Stripe id.
    pub stripe_refund_id: Option<String>,
    /// What went wrong.
    pub failure: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// `POST /reservations/{id}/checkout-sessions` → 201.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutSessionView {
    /// The hosted payment page (Stripe Checkout, or the local simulator).
    pub url: String,
    /// When the session, and the hold, end.
    pub expires_at: DateTime<Utc>,
}

/// One line of `GET /reservations/{id}/payments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    /// Id.
    pub id: Uuid,
    /// Charge or refund.
    pub kind: Kind,
    /// Status.
    pub status: PaymentStatus,
    /// Amount.
    pub amount: Money,
    /// For a charge of a modification's difference.
    pub change_id: Option<Uuid>,
    /// Why a refund (cancellation, modification, late_payment).
    pub reason: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<&Payment> for PaymentView {
    fn from(p: &Payment) -> Self {
        Self {
            id: p.id,
            kind: p.kind,
            status: p.status,
            amount: p.amount,
            change_id: p.change_id,
            reason: p.refund_reason.clone(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// `GET /reservations/{id}/payments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentList {
    /// Charges and refunds, oldest first.
    pub items: Vec<PaymentView>,
    /// Always `null`: a reservation has a handful of payments.
    pub next_cursor: Option<String>,
}
