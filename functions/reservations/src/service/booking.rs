//! `POST /reservations`: the client's booking, holding one concrete vehicle for 30 minutes.
//!
//! **No overbooking** across processes: [`take_vehicle`] takes the lock row of the agency ×
//! category (`reservation_locks`), then reads which of its vehicles are taken in the window,
//! then the caller inserts, all in one transaction. The lock is the transaction's first
//! statement, so its first plain read comes after it and sees every booking committed before;
//! the whole transaction runs again on a deadlock or lock timeout (`db::retry_transient`).
//! A fleet that a plain read already finds full answers `unavailable` without the lock
//! ([`any_free`]), and before anything is written ([`check`] comes before [`hold`]: the
//! `Idempotency-Key` is claimed between the two).

use chrono::{DateTime, Utc};
use sqlx::MySqlConnection;
use uuid::Uuid;
use ycyw_auth::AccountProfile;
use ycyw_catalog::{AcrissCode, Catalog};
use ycyw_shared::db;
use ycyw_shared::domain::InvalidValue;
use ycyw_shared::idempotency::{IdempotentJson, SavedResponse};

use super::places::{self, Asked, Target, When};
use super::{Ctx, rules, views};
use crate::error::ReservationsError;
use crate::model::{Actor, Driver, NewReservation, Price, Reference, Reservation, ReservationView, Status};
use crate::repo;

/// The youngest driver, in whole years on the pickup's local date.
pub const MIN_DRIVER_AGE: i32 = 18;

/// The client `user` as a driver: verified, with a complete profile, old enough on `on`.
pub async fn driver(ctx: &Ctx, user: Uuid, target: &Target) -> Result<(AccountProfile, Driver), ReservationsError> {
    let profile = ctx.accounts.profile(user).await?.filter(AccountProfile::is_active).ok_or(ReservationsError::NotFound)?;
    if !profile.email_verified {
        return Err(ReservationsError::Forbidden { code: "email_unverified", detail: "verify your email address before booking".into() });
    }
    let (Some(first_name), Some(last_name), true) = (profile.first_name.clone(), profile.last_name.clone(), profile.is_complete()) else {
        return Err(ReservationsError::field(
            "profile",
            InvalidValue::new("profile_incomplete", "complete your name, birth date and address before booking"),
        ));
    };
    let pickup_date = target.pickup_agency.local_date(target.pickup_at);
    if profile.age_on(pickup_date).is_none_or(|age| age < MIN_DRIVER_AGE) {
        return Err(ReservationsError::field(
            "driver.birthDate",
            InvalidValue::new("underage", "the driver must be 18 or older on the pickup date"),
        ));
    }
    let driver = Driver { first_name, last_name, birth_date: profile.birth_date };
    Ok((profile, driver))
}

/// Locks the fleet of `category` at `agency` for the transaction and picks one of its active
/// vehicles free for `[pickup_at, return_at)` at `now`, leaving out what `except` holds itself;
/// `preferred` first when free. `unavailable` when none is. The fleet is read from the catalog
/// after the lock is granted, so a vehicle deactivated meanwhile (the catalog's change takes
/// the same lock through the fleet guard) is never picked.
#[allow(clippy::too_many_arguments)]
pub async fn take_vehicle(
    conn: &mut MySqlConnection,
    agency: Uuid,
    category: &AcrissCode,
    pickup_at: DateTime<Utc>,
    return_at: DateTime<Utc>,
    now: DateTime<Utc>,
    except: Option<Uuid>,
    preferred: Option<Uuid>,
) -> Result<Uuid, ReservationsError> {
    repo::lock_fleet(&mut *conn, agency, category, now).await?;
    let free = free_vehicles(conn, agency, category, (pickup_at, return_at), now, except).await?;
    preferred.filter(|p| free.contains(p)).or_else(|| free.first().copied()).ok_or_else(ReservationsError::unavailable)
}

/// The active vehicles of `category` at `agency` free for `[pickup_at, return_at)` at `now`,
/// in the catalog's order, leaving out what `except` holds itself.
async fn free_vehicles(
    conn: &mut MySqlConnection,
    agency: Uuid,
    category: &AcrissCode,
    (pickup_at, return_at): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
    except: Option<Uuid>,
) -> Result<Vec<Uuid>, ReservationsError> {
    let vehicles = Catalog::vehicles_through(&mut *conn, agency, category).await?;
    let busy = repo::busy_vehicles(&mut *conn, agency, category, pickup_at, return_at, now, except).await?;
    Ok(vehicles.into_iter().map(|v| v.id).filter(|v| !busy.contains(v)).collect())
}

/// Whether a vehicle of the target's fleet looks free, read without the fleet lock: what a
/// plain read sees was committed before it, so a fleet it finds full was full at that moment,
/// and the attempt answers `unavailable` without waiting for the lock behind the others or
/// writing it (a sold-out fleet is where attempts pile up). Only a free vehicle is worth the
/// lock, under which [`take_vehicle`] decides.
async fn any_free(ctx: &Ctx, target: &Target, now: DateTime<Utc>) -> Result<bool, ReservationsError> {
    let mut conn = ctx.state.db.acquire().await?;
    let window = (target.pickup_at, target.return_at);
    Ok(!free_vehicles(&mut conn, target.pickup_agency.id, &target.category, window, now, None).await?.is_empty())
}

/// A booking that passed every check that needs no write: what [`hold`] commits.
#[derive(Debug)]
pub struct Checked {
    target: Target,
    driver: Driver,
    price: Price,
    lookup: views::Lookup,
}

/// Checks a booking for client `user` without writing anything: the places and times, a
/// vehicle free at this moment (the cheap refusal first: it is where attempts pile up on a
/// sold-out fleet), the driver, the price. An error here leaves no trace, so the caller need
/// not have claimed its `Idempotency-Key` yet.
pub async fn check(ctx: &Ctx, user: Uuid, input: &NewReservation) -> Result<Checked, ReservationsError> {
    let now = ctx.now();
    let asked = Asked {
        pickup_agency_id: input.pickup_agency_id,
        return_agency_id: input.return_agency_id,
        pickup_at: When::Text(&input.pickup_at),
        return_at: When::Text(&input.return_at),
        category: &input.category,
    };
    let target = places::resolve(ctx, &asked, now).await?;
    if !any_free(ctx, &target, now).await? {
        return Err(ReservationsError::unavailable());
    }
    let (_profile, driver) = driver(ctx, user, &target).await?;
    let price = places::price(ctx, &target).await?;
    let lookup = views::Lookup::load(ctx, [target.pickup_agency.id, target.return_agency.id]).await?;
    Ok(Checked { target, driver, price, lookup })
}

/// Holds a [`check`]ed booking for client `user`: 201 with the reservation, `pending_payment`
/// and holding its vehicle, picked under the fleet lock. The answer is stored under the
/// request's `Idempotency-Key` (claimed by the caller) in the booking's transaction.
pub async fn hold(
    ctx: &Ctx,
    user: Uuid,
    checked: &Checked,
    request: &IdempotentJson<NewReservation>,
) -> Result<SavedResponse, ReservationsError> {
    let now = ctx.now();
    let Checked { target, driver, price, lookup } = checked;
    db::retry_transient(
        || async {
            let mut tx = ctx.state.db.begin().await?;
            let vehicle =
                take_vehicle(&mut tx, target.pickup_agency.id, &target.category, target.pickup_at, target.return_at, now, None, None)
                    .await?;
            let mut reservation = Reservation {
                id: Uuid::now_v7(),
                reference: Reference::generate(&mut rand::rng()),
                user_id: user,
                slot: target.slot(vehicle),
                status: Status::PendingPayment,
                price: *price,
                paid_minor: 0,
                refunded_minor: 0,
                driver: driver.clone(),
                hold_expires_at: Some(rules::hold_end(now)),
                cancelled_at: None,
                refund_percent: None,
                anonymized_at: None,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            insert_with_fresh_reference(&mut tx, &mut reservation, Actor::Client).await?;
            let history = vec![crate::model::StatusChange { status: Status::PendingPayment, by: Actor::Client, at: now }];
            let view: ReservationView = views::view(lookup, reservation, None, history, now)?;
            let answer = SavedResponse::json(axum::http::StatusCode::CREATED, &view)?;
            request.save(&mut tx, user, &answer).await?;
            tx.commit().await?;
            tracing::info!(reservation = %view.id, reference = %view.reference, "reservation held");
            Ok(answer)
        },
        ReservationsError::as_sql,
    )
    .await
}

/// Inserts `reservation`, drawing another reference when its own is taken (one chance in 887
/// million per existing reservation; a failed statement leaves the transaction usable).
pub async fn insert_with_fresh_reference(
    conn: &mut MySqlConnection,
    reservation: &mut Reservation,
    actor: Actor,
) -> Result<(), ReservationsError> {
    for _ in 0..5 {
        match repo::insert_reservation(&mut *conn, reservation, actor).await {
            Err(e) if db::is_unique_violation(&e, "reservations_reference_uq") => {
                reservation.reference = Reference::generate(&mut rand::rng())
            }
            other => return Ok(other?),
        }
    }
    Err(ReservationsError::Internal(anyhow::anyhow!("no free reservation reference after 5 draws")))
}
