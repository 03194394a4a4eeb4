//! The module's jobs: the sweeps its schedules enqueue (hold expiry every minute, pickup
//! reminders every 15 minutes) and the refunds it asks the payments module to issue.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use ycyw_shared::domain::CurrencyCode;
use ycyw_shared::jobs::JobSpec;

/// How often held reservations past their hold are marked expired (they never block a vehicle
/// meanwhile: availability reads the hold's end).
pub const EXPIRE_HOLDS_EVERY: std::time::Duration = std::time::Duration::from_secs(60);
/// How often pickup reminders are sent (each reservation's once, in the 24 h before pickup).
pub const PICKUP_REMINDERS_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// `expire_holds`: marks held reservations and pending changes past their hold as expired.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExpireHolds {}

impl JobSpec for ExpireHolds {
    const KIND: &'static str = "expire_holds";
}

/// `send_pickup_reminders`: queues the reminder of every confirmed reservation picked up within
/// 24 h that has not had one.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SendPickupReminders {}

impl JobSpec for SendPickupReminders {
    const KIND: &'static str = "send_pickup_reminders";
}

/// Why a refund is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundReason {
    /// The reservation was cancelled.
    Cancellation,
    /// A modification made it cheaper.
    Modification,
    /// A payment arrived for a hold that had ended and whose car was taken meanwhile.
    LatePayment,
}

/// `issue_refund`: refund `amount_minor` of the reservation's payments. Queued by this module in
/// the transaction that decides the refund; executed by the payments module (a Stripe Refund
/// whose idempotency key is `refund_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueRefund {
    /// The refund's own id: its idempotency key at Stripe and its row in payments.
    pub refund_id: Uuid,
    /// The reservation refunded.
    pub reservation_id: Uuid,
    /// How much, in minor units (> 0).
    pub amount_minor: i64,
    /// In the reservation's currency.
    pub currency: CurrencyCode,
    /// Why.
    pub reason: RefundReason,
}

impl JobSpec for IssueRefund {
    const KIND: &'static str = "issue_refund";
}

impl IssueRefund {
    /// Queues this refund through `conn` (the deciding transaction), once per refund id.
    pub async fn enqueue(&self, conn: &mut sqlx::MySqlConnection, now: chrono::DateTime<chrono::Utc>) -> Result<(), sqlx::Error> {
        let job = self.to_job().map_err(|e| sqlx::Error::Encode(Box::new(e)))?.dedup_key(format!("refund:{}", self.refund_id));
        ycyw_shared::queue::enqueue(conn, job, now).await?;
        Ok(())
    }
}
