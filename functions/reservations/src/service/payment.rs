//! What the payments module reports: a payment received for a reservation (or for a pending
//! change's difference), or a checkout that ended unpaid. Each is idempotent (a repeated event
//! changes nothing) and safe out of order: a payment that arrives after its hold ended confirms
//! only if a vehicle is still free, and is refunded otherwise.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use ycyw_shared::db;
use ycyw_shared::domain::Money;

use super::emails::{self, Email};
use super::{Ctx, booking, views};
use crate::error::ReservationsError;
use crate::jobs::{IssueRefund, RefundReason};
use crate::model::{Actor, ChangeStatus, Reservation, Slot, Status};
use crate::repo;

/// What a reported payment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentApplied {
    /// The reservation is confirmed.
    Confirmed,
    /// The pending change is applied.
    ChangeApplied,
    /// It had been applied already (a repeated event): nothing changed.
    AlreadyApplied,
    /// Too late (the hold ended and the car was taken, or the reservation was cancelled): the
    /// payment is recorded and refunded in full.
    Refunding,
}

/// Records `amount` paid for reservation `id` (for its change `change` when given) at `now`.
pub async fn received(
    ctx: &Ctx,
    id: Uuid,
    change: Option<Uuid>,
    amount: Money,
    now: DateTime<Utc>,
) -> Result<PaymentApplied, ReservationsError> {
    let current = repo::reservations(&ctx.state.db, &[id]).await?.pop().ok_or(ReservationsError::NotFound)?;
    if amount.currency != current.price.total.currency || amount.amount_minor <= 0 {
        return Err(ReservationsError::Internal(anyhow::anyhow!(
            "payment of {amount:?} for a reservation in {:?}",
            current.price.total.currency
        )));
    }
    let mut conn = ctx.state.db.acquire().await?;
    let pending = match change {
        Some(change_id) => {
            Some(repo::change_by_id(&mut conn, change_id).await?.filter(|c| c.reservation_id == id).ok_or(ReservationsError::NotFound)?)
        }
        None => None,
    };
    drop(conn);
    let slot: Slot = pending.as_ref().map_or_else(|| current.slot.clone(), |c| c.slot.clone());
    let lookup = views::Lookup::load(
        ctx,
        [current.slot.pickup_agency_id, current.slot.return_agency_id, slot.pickup_agency_id, slot.return_agency_id],
    )
    .await?;
    let recipient = emails::recipient(ctx, current.user_id).await?;
    db::retry_transient(
        || async {
            let mut tx = ctx.state.db.begin().await?;
            // A late payment needs a vehicle still free: the fleet lock first, as bookings take it.
            let vehicle = booking::take_vehicle(
                &mut tx,
                slot.pickup_agency_id,
                &slot.category,
                slot.pickup_at,
                slot.return_at,
                now,
                Some(id),
                Some(slot.vehicle_id),
            )
            .await;
            // No free vehicle is an answer here (refund), a database failure is not.
            let vehicle = match vehicle {
                Err(ReservationsError::Conflict { code: "unavailable", .. }) => None,
                other => Some(other?),
            };
            let r = repo::lock_reservation(&mut tx, id).await?.ok_or(ReservationsError::NotFound)?;
            let mut after = r.clone();
            after.paid_minor += amount.amount_minor;
            after.version += 1;
            after.updated_at = now;
            let outcome = match &pending {
                None if r.status == Status::PendingPayment || r.status == Status::Expired => match vehicle {
                    Some(vehicle) => {
                        after.status = Status::Confirmed;
                        after.hold_expires_at = None;
                        after.slot.vehicle_id = vehicle;
                        PaymentApplied::Confirmed
                    }
                    _ => PaymentApplied::Refunding,
                },
                None => {
                    if r.status == Status::Cancelled {
                        PaymentApplied::Refunding
                    } else {
                        PaymentApplied::AlreadyApplied
                    }
                }
                Some(c) => {
                    let status = repo::change_by_id(&mut tx, c.id).await?.map(|c| c.status);
                    match (status, vehicle) {
                        (Some(ChangeStatus::Applied), _) => PaymentApplied::AlreadyApplied,
                        (Some(ChangeStatus::Pending), Some(vehicle)) if r.status == Status::Confirmed => {
                            repo::set_change_status(&mut tx, c.id, ChangeStatus::Applied, now).await?;
                            after.slot = Slot { vehicle_id: vehicle, ..c.slot.clone() };
                            after.price = c.price;
                            PaymentApplied::ChangeApplied
                        }
                        _ => PaymentApplied::Refunding,
                    }
                }
            };
            match outcome {
                PaymentApplied::AlreadyApplied => return Ok(outcome),
                PaymentApplied::Refunding => {
                    if let Some(c) = &pending {
                        // Not applied: the change is void.
                        repo::set_change_status(&mut tx, c.id, ChangeStatus::Expired, now).await?;
                    }
                    after.refunded_minor += amount.amount_minor;
                    let refund = IssueRefund {
                        refund_id: Uuid::now_v7(),
                        reservation_id: id,
                        amount_minor: amount.amount_minor,
                        currency: amount.currency,
                        reason: RefundReason::LatePayment,
                    };
                    refund.enqueue(&mut tx, now).await?;
                    tracing::warn!(reservation = %id, "payment arrived too late; refunding it");
                }
                PaymentApplied::Confirmed => {
                    emails::queue(&mut tx, ctx, &lookup, &after, recipient.as_ref(), Email::Confirmed, now).await?
                }
                PaymentApplied::ChangeApplied => {
                    let email = Email::Modified { refund: None, paid: Some(amount) };
                    emails::queue(&mut tx, ctx, &lookup, &after, recipient.as_ref(), email, now).await?
                }
            }
            repo::update_reservation(&mut tx, r.status, &after, Actor::System).await?;
            tx.commit().await?;
            Ok(outcome)
        },
        ReservationsError::as_sql,
    )
    .await
}

/// The checkout of reservation `id` (of its change `change`) ended unpaid at `now`: the hold is
/// released. Nothing happens to a reservation that was paid meanwhile.
pub async fn checkout_closed(ctx: &Ctx, id: Uuid, change: Option<Uuid>, now: DateTime<Utc>) -> Result<(), ReservationsError> {
    let mut tx = ctx.state.db.begin().await?;
    let r: Reservation = repo::lock_reservation(&mut tx, id).await?.ok_or(ReservationsError::NotFound)?;
    match change {
        Some(change) => {
            repo::set_change_status(&mut tx, change, ChangeStatus::Expired, now).await?;
        }
        None if r.status == Status::PendingPayment => {
            let mut after = r.clone();
            after.status = Status::Expired;
            after.hold_expires_at = Some(r.hold_expires_at.map_or(now, |end| end.min(now)));
            after.version += 1;
            after.updated_at = now;
            repo::update_reservation(&mut tx, r.status, &after, Actor::System).await?;
        }
        None => {}
    }
    tx.commit().await?;
    Ok(())
}
