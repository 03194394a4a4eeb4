//! The client's side of a reservation after booking: reading it, listing them, modifying one
//! until 48 h before pickup, and cancelling with the 100 % / 25 % refund rule.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::MySqlConnection;
use uuid::Uuid;
use ycyw_shared::domain::{FieldErrors, InvalidValue, Money, Page, PageQuery, Pagination};
use ycyw_shared::time::in_db_range;

use super::emails::{self, Email};
use super::places::{self, Asked, When};
use super::{Ctx, booking, rules, views};
use crate::error::ReservationsError;
use crate::jobs::{IssueRefund, RefundReason};
use crate::model::{
    Actor, Cancellation, CancellationQuote, Change, ChangeStatus, ListQuery, Modification, ModificationOutcome, RefundStatus, RefundView,
    Reservation, ReservationPatch, ReservationView, Scope, Status,
};
use crate::repo;
use crate::seam::CheckoutDesk;

/// Who is looking at a reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Its client (anyone else's reservation is 404).
    Client(Uuid),
    /// An agent, who sees the reservations picked up or returned at their agency.
    Agent(Uuid),
}

impl Viewer {
    /// Whether the viewer may see `r`.
    pub fn sees(self, r: &Reservation) -> bool {
        match self {
            Viewer::Client(user) => r.user_id == user,
            Viewer::Agent(agency) => r.slot.pickup_agency_id == agency || r.slot.return_agency_id == agency,
        }
    }
}

/// Reservation `id` as `viewer` may see it; 404 otherwise.
pub async fn find(ctx: &Ctx, viewer: Viewer, id: Uuid) -> Result<Reservation, ReservationsError> {
    repo::reservations(&ctx.state.db, &[id]).await?.pop().filter(|r| viewer.sees(r)).ok_or(ReservationsError::NotFound)
}

/// `GET /reservations/{id}`.
pub async fn get(ctx: &Ctx, viewer: Viewer, id: Uuid) -> Result<ReservationView, ReservationsError> {
    let r = find(ctx, viewer, id).await?;
    views::view_one(ctx, r, ctx.now()).await
}

/// `GET /reservations?scope=`: a page of the client's reservations.
pub async fn list(ctx: &Ctx, user: Uuid, query: &ListQuery, page: &PageQuery) -> Result<Page<ReservationView>, ReservationsError> {
    let mut errors = FieldErrors::new();
    let scope = match query.scope.as_deref().map(str::trim) {
        None | Some("") | Some("upcoming") => Some(Scope::Upcoming),
        Some("past") => Some(Scope::Past),
        Some(_) => errors.check("scope", Err::<Scope, _>(InvalidValue::invalid("upcoming or past"))),
    };
    let pagination = errors.merge(Pagination::parse(page));
    let after = pagination.as_ref().and_then(|p| p.after.as_deref()).and_then(|key| errors.check("cursor", decode_key(key)));
    errors.finish()?;
    let (Some(scope), Some(pagination)) = (scope, pagination) else { return Err(ReservationsError::Invalid(Vec::new())) };
    let now = ctx.now();
    let ids = repo::reservations_of_user(&ctx.state.db, user, scope, now, after, pagination.fetch()).await?;
    let rows = repo::reservations(&ctx.state.db, &ids).await?;
    let keys: Vec<String> = rows.iter().map(|r| encode_key(r.slot.pickup_at, r.id)).collect();
    let views = views::views(ctx, rows, now).await?;
    let keyed: Vec<(String, ReservationView)> = keys.into_iter().zip(views).collect();
    let page = pagination.page(keyed, |(key, _)| key);
    Ok(Page { items: page.items.into_iter().map(|(_, v)| v).collect(), next_cursor: page.next_cursor })
}

fn encode_key(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{}|{}", at.timestamp_micros(), id.simple())
}

fn decode_key(key: &str) -> Result<(DateTime<Utc>, Uuid), InvalidValue> {
    let bad = || InvalidValue::invalid("not a cursor returned by this list");
    let (micros, id) = key.split_once('|').ok_or_else(bad)?;
    let at = micros.parse::<i64>().ok().and_then(DateTime::<Utc>::from_timestamp_micros).filter(|at| in_db_range(*at)).ok_or_else(bad)?;
    Ok((at, id.parse::<Uuid>().map_err(|_| bad())?))
}

/// The refund a cancellation of `r` at `now` gives: `None` when it cannot be cancelled.
fn refund_of(r: &Reservation, now: DateTime<Utc>) -> Option<(u8, Money)> {
    let status = r.status_at(now);
    if !rules::cancellable(status, now, r.slot.pickup_at) {
        return None;
    }
    let percent = rules::refund_percent(now, r.slot.pickup_at)?;
    Some((percent, Money::new(rules::refund_amount(r.net_paid_minor(), percent), r.price.total.currency)))
}

fn not_cancellable(r: &Reservation, now: DateTime<Utc>) -> ReservationsError {
    let detail = match r.status_at(now) {
        Status::PendingPayment | Status::Confirmed => "the pickup time has passed: the reservation can no longer be cancelled",
        _ => "this reservation is not open any more",
    };
    ReservationsError::conflict("not_cancellable", detail)
}

/// `GET /reservations/{id}/cancellation-quote`.
pub async fn quote(ctx: &Ctx, user: Uuid, id: Uuid) -> Result<CancellationQuote, ReservationsError> {
    let r = find(ctx, Viewer::Client(user), id).await?;
    let now = ctx.now();
    let (refund_percent, refund) = refund_of(&r, now).ok_or_else(|| not_cancellable(&r, now))?;
    let lookup = views::Lookup::load(ctx, [r.slot.pickup_agency_id]).await?;
    Ok(CancellationQuote {
        refund_percent,
        refund,
        paid: r.net_paid(),
        full_refund_until: lookup.local(r.slot.pickup_agency_id, rules::full_refund_until(r.slot.pickup_at))?,
    })
}

/// Cancels `r` (locked by the caller) at `now` by `actor`: refund recorded and queued, pending
/// change dropped, its vehicle free again. The caller's transaction commits it.
pub async fn cancel_locked(
    conn: &mut MySqlConnection,
    r: &Reservation,
    now: DateTime<Utc>,
    actor: Actor,
) -> Result<(Reservation, RefundView), ReservationsError> {
    let (percent, refund) = refund_of(r, now).ok_or_else(|| not_cancellable(r, now))?;
    let mut after = r.clone();
    after.status = Status::Cancelled;
    after.refunded_minor += refund.amount_minor;
    after.cancelled_at = Some(now);
    after.refund_percent = Some(percent);
    after.hold_expires_at = None;
    after.version += 1;
    after.updated_at = now;
    repo::update_reservation(&mut *conn, r.status, &after, actor).await?;
    repo::supersede_pending_change(&mut *conn, r.id, ChangeStatus::Cancelled, now).await?;
    let status = if refund.amount_minor > 0 {
        let job = IssueRefund {
            refund_id: Uuid::now_v7(),
            reservation_id: r.id,
            amount_minor: refund.amount_minor,
            currency: refund.currency,
            reason: RefundReason::Cancellation,
        };
        job.enqueue(&mut *conn, now).await?;
        RefundStatus::Pending
    } else {
        RefundStatus::Succeeded
    };
    Ok((after, RefundView { amount: refund, percent, status }))
}

/// `POST /reservations/{id}/cancellation`.
pub async fn cancel(ctx: &Ctx, user: Uuid, id: Uuid) -> Result<Cancellation, ReservationsError> {
    let now = ctx.now();
    let current = find(ctx, Viewer::Client(user), id).await?;
    let lookup = views::Lookup::load(ctx, [current.slot.pickup_agency_id, current.slot.return_agency_id]).await?;
    let recipient = emails::recipient(ctx, user).await?;
    let mut tx = ctx.state.db.begin().await?;
    let r = repo::lock_reservation(&mut tx, id).await?.filter(|r| r.user_id == user).ok_or(ReservationsError::NotFound)?;
    let paid = r.net_paid();
    let (after, refund) = cancel_locked(&mut tx, &r, now, Actor::Client).await?;
    let email = Email::Cancelled { refund: refund.amount, percent: refund.percent, paid };
    emails::queue(&mut tx, ctx, &lookup, &after, recipient.as_ref(), email, now).await?;
    tx.commit().await?;
    let reservation = views::view_one(ctx, after, now).await?;
    Ok(Cancellation { reservation, refund })
}

/// `PATCH /reservations/{id}`: new times, agencies or category, re-priced; see
/// [`ModificationOutcome`].
pub async fn modify(ctx: &Ctx, user: Uuid, id: Uuid, patch: &ReservationPatch) -> Result<Modification, ReservationsError> {
    let now = ctx.now();
    let current = find(ctx, Viewer::Client(user), id).await?;
    check_modifiable(&current, now)?;
    if patch.is_empty() {
        return Err(ReservationsError::field(
            "body",
            InvalidValue::required("give at least one of pickupAgencyId, returnAgencyId, pickupAt, returnAt, category"),
        ));
    }
    let lookup_before = views::Lookup::load(ctx, [current.slot.pickup_agency_id, current.slot.return_agency_id]).await?;
    let old_pickup = lookup_before.agency(current.slot.pickup_agency_id)?;
    let old_return = lookup_before.agency(current.slot.return_agency_id)?;
    let pickup_wall = old_pickup.utc_to_local(current.slot.pickup_at).naive_local();
    let return_wall = old_return.utc_to_local(current.slot.return_at).naive_local();
    let asked = Asked {
        pickup_agency_id: patch.pickup_agency_id.unwrap_or(current.slot.pickup_agency_id),
        return_agency_id: patch.return_agency_id.unwrap_or(current.slot.return_agency_id),
        pickup_at: patch.pickup_at.as_deref().map_or(When::WallClock(pickup_wall), When::Text),
        return_at: patch.return_at.as_deref().map_or(When::WallClock(return_wall), When::Text),
        category: patch.category.as_deref().unwrap_or(current.slot.category.as_str()),
    };
    let target = places::resolve(ctx, &asked, now).await?;
    let price = places::price(ctx, &target).await?;
    if price.total.currency != current.price.total.currency {
        return Err(ReservationsError::field(
            "pickupAgencyId",
            InvalidValue::invalid("a reservation cannot move to an agency that prices in another currency; cancel and book again"),
        ));
    }
    let lookup = views::Lookup::load(
        ctx,
        [current.slot.pickup_agency_id, current.slot.return_agency_id, target.pickup_agency.id, target.return_agency.id],
    )
    .await?;
    let recipient = emails::recipient(ctx, user).await?;
    let mut modification = ycyw_shared::db::retry_transient(
        || async {
            let mut tx = ctx.state.db.begin().await?;
            // Fleet lock first (as bookings take it), then the reservation.
            let same_fleet = target.pickup_agency.id == current.slot.pickup_agency_id && target.category == current.slot.category;
            let vehicle = booking::take_vehicle(
                &mut tx,
                target.pickup_agency.id,
                &target.category,
                target.pickup_at,
                target.return_at,
                now,
                Some(current.id),
                same_fleet.then_some(current.slot.vehicle_id),
            )
            .await?;
            let r = repo::lock_reservation(&mut tx, id).await?.filter(|r| r.user_id == user).ok_or(ReservationsError::NotFound)?;
            if r.version != current.version {
                return Err(ReservationsError::conflict(
                    "reservation_changed",
                    "the reservation changed meanwhile; reload it and try again",
                ));
            }
            let slot = target.slot(vehicle);
            let difference_minor = price.total.amount_minor - r.net_paid_minor();
            repo::supersede_pending_change(&mut tx, r.id, ChangeStatus::Superseded, now).await?;
            let outcome = if difference_minor > 0 {
                let change = Change {
                    id: Uuid::now_v7(),
                    reservation_id: r.id,
                    slot,
                    price,
                    difference_minor,
                    status: ChangeStatus::Pending,
                    hold_expires_at: rules::hold_end(now),
                    created_at: now,
                };
                repo::insert_change(&mut tx, &change).await?;
                tx.commit().await?;
                let mut reservation = views::view_one(ctx, r, now).await?;
                if reservation.pending_change.is_none() {
                    return Err(ReservationsError::Internal(anyhow::anyhow!("the pending change went missing")));
                }
                reservation.can_modify = true;
                return Ok(Modification {
                    outcome: ModificationOutcome::PaymentRequired,
                    reservation,
                    difference: change.difference(),
                    checkout_url: None,
                });
            } else {
                let mut after = r.clone();
                after.slot = slot;
                after.price = price;
                after.version += 1;
                after.updated_at = now;
                let refund = -difference_minor;
                if refund > 0 {
                    after.refunded_minor += refund;
                }
                repo::update_reservation(&mut tx, r.status, &after, Actor::Client).await?;
                let refunded = (refund > 0).then(|| Money::new(refund, price.total.currency));
                if let Some(amount) = refunded {
                    let job = IssueRefund {
                        refund_id: Uuid::now_v7(),
                        reservation_id: r.id,
                        amount_minor: amount.amount_minor,
                        currency: amount.currency,
                        reason: RefundReason::Modification,
                    };
                    job.enqueue(&mut tx, now).await?;
                }
                let email = Email::Modified { refund: refunded, paid: None };
                emails::queue(&mut tx, ctx, &lookup, &after, recipient.as_ref(), email, now).await?;
                tx.commit().await?;
                (if refunded.is_some() { ModificationOutcome::RefundPending } else { ModificationOutcome::Applied }, after)
            };
            let (outcome, after) = outcome;
            Ok(Modification {
                outcome,
                reservation: views::view_one(ctx, after, now).await?,
                difference: Money::new(difference_minor, price.total.currency),
                checkout_url: None,
            })
        },
        ReservationsError::as_sql,
    )
    .await?;
    if modification.outcome == ModificationOutcome::PaymentRequired {
        modification.checkout_url = checkout_url(ctx, user, id).await;
    }
    Ok(modification)
}

/// The payment page for a pending change, from the payments module where this deployable links
/// it. `None` when it does not, or when Stripe does not answer: the change is held all the same,
/// and the client opens the page with `POST /reservations/{id}/checkout-sessions`.
async fn checkout_url(ctx: &Ctx, user: Uuid, id: Uuid) -> Option<String> {
    let desk = ctx.state.services.get::<Arc<dyn CheckoutDesk>>()?;
    match desk.checkout_url(user, id).await {
        Ok(url) => Some(url),
        Err(e) => {
            tracing::warn!(reservation = %id, error = %format!("{e:#}"), "no checkout page for the pending change; the client can open one");
            None
        }
    }
}

/// 409 unless `r` is confirmed and its pickup at least 48 h away.
fn check_modifiable(r: &Reservation, now: DateTime<Utc>) -> Result<(), ReservationsError> {
    let status = r.status_at(now);
    if status != Status::Confirmed {
        let detail = if status == Status::PendingPayment {
            "pay for the reservation (or cancel it) before changing it"
        } else {
            "this reservation is not open any more"
        };
        return Err(ReservationsError::conflict("invalid_transition", detail));
    }
    if !rules::within_modification_window(now, r.slot.pickup_at) {
        return Err(ReservationsError::conflict("modification_window_closed", "a reservation can be changed until 48 hours before pickup"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;

    proptest! {
        /// Invariant: a reservations-list cursor key never panics; accepted, its instant is one
        /// the database can hold (a year outside 1000 to 9999 cannot be bound: it was a 500),
        /// and it encodes back to the same key.
        #[test]
        fn fuzz_reservations_cursor_key(raw in prop_oneof![
            hostile_text(),
            mutated("1796634000000000|0190d7e26a4b7c1d9e8f1a2b3c4d5e6f"),
            "[+-]?[0-9]{1,20}\\|[0-9a-f]{32}",
        ]) {
            if let Ok((at, id)) = decode_key(&raw) {
                prop_assert!(in_db_range(at));
                prop_assert_eq!(decode_key(&encode_key(at, id)), Ok((at, id)));
            }
        }
    }

    #[test]
    fn cursors_outside_the_database_range_are_refused() {
        let id = "0190d7e26a4b7c1d9e8f1a2b3c4d5e6f";
        assert!(decode_key(&format!("1796634000000000|{id}")).is_ok());
        for micros in ["-99999999999999999", "253402300800000000", "9223372036854775807"] {
            assert!(decode_key(&format!("{micros}|{id}")).is_err(), "{micros}");
        }
    }
}
