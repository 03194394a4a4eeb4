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

/// What a client can pay now for a reservation: the booking itself while its hold lasts, or the
/// difference of a pending change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutTarget {
    /// The reservation.
    pub reservation_id: Uuid,
    /// Its human reference.
    pub reference: String,
    /// The pending change paid for, if it is a difference.
    pub change_id: Option<Uuid>,
    /// How much.
    pub amount: Money,
    /// Until when the car is held for this payment.
    pub hold_expires_at: DateTime<Utc>,
    /// A line a customer recognises on the payment page: reference, category, agencies, local dates.
    pub description: String,
    /// The client's address, for the payment page's receipt.
    pub customer_email: Option<String>,
}

/// What client `user` can pay now for reservation `id`: 404 for someone else's, 409
/// `nothing_to_pay` when neither the booking nor a change awaits payment.
pub async fn checkout_target(ctx: &Ctx, user: Uuid, id: Uuid, now: DateTime<Utc>) -> Result<CheckoutTarget, ReservationsError> {
    let r = super::manage::find(ctx, super::manage::Viewer::Client(user), id).await?;
    let change = repo::pending_changes(&ctx.state.db, &[id]).await?.into_iter().find(|c| c.is_pending_at(now));
    let (change_id, amount, hold_end, slot) = match (r.status_at(now), &change) {
        (Status::PendingPayment, _) => {
            let end = r.hold_expires_at.ok_or_else(|| ReservationsError::Internal(anyhow::anyhow!("a hold without an end")))?;
            (None, Money::new(r.price.total.amount_minor - r.net_paid_minor(), r.price.total.currency), end, r.slot.clone())
        }
        (Status::Confirmed, Some(c)) => (Some(c.id), c.difference(), c.hold_expires_at, c.slot.clone()),
        _ => {
            return Err(ReservationsError::conflict(
                "nothing_to_pay",
                "this reservation has nothing to pay: it is paid, over, or its hold has ended",
            ));
        }
    };
    let lookup = views::Lookup::load(ctx, [slot.pickup_agency_id, slot.return_agency_id]).await?;
    let (pickup, back) = (lookup.agency(slot.pickup_agency_id)?, lookup.agency(slot.return_agency_id)?);
    let category = lookup.category(slot.category.as_str())?;
    let when = |agency: &ycyw_catalog::Agency, at| ycyw_catalog::Catalog::utc_to_local(agency, at).format("%d %b %Y %H:%M");
    let description = format!(
        "{} · {} {} · {} {} → {} {}{}",
        r.reference,
        category.category,
        category.code,
        pickup.name,
        when(pickup, slot.pickup_at),
        back.name,
        when(back, slot.return_at),
        if change_id.is_some() { " · change" } else { "" }
    );
    let customer_email = ctx.accounts.profile(user).await?.and_then(|p| p.email);
    Ok(CheckoutTarget {
        reservation_id: id,
        reference: r.reference.to_string(),
        change_id,
        amount,
        hold_expires_at: hold_end,
        description,
        customer_email,
    })
}

/// Keeps the car of reservation `id` (of its change `change`) held until `until` — a checkout
/// session cannot end sooner than 30 minutes after it opens (Stripe's minimum) — when the hold
/// still runs at `now`. A hold is only ever lengthened.
pub async fn extend_hold(
    ctx: &Ctx,
    id: Uuid,
    change: Option<Uuid>,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), ReservationsError> {
    let mut tx = ctx.state.db.begin().await?;
    let r = repo::lock_reservation(&mut tx, id).await?.ok_or(ReservationsError::NotFound)?;
    let extended = match change {
        Some(change) => repo::extend_change_hold(&mut tx, change, until, now).await?,
        None if r.status_at(now) == Status::PendingPayment && r.hold_expires_at.is_some_and(|end| end < until) => {
            let mut after = r.clone();
            after.hold_expires_at = Some(until);
            after.version += 1;
            after.updated_at = now;
            repo::update_reservation(&mut tx, r.status, &after, Actor::System).await?;
            true
        }
        None => false,
    };
    tx.commit().await?;
    if extended {
        tracing::info!(reservation = %id, "hold lengthened to the checkout session's end");
    }
    Ok(())
}
