//! What each verified Stripe event does (the `process_stripe_event` job, in the worker). The
//! state machine of a payment (docs/payments.md):
//!
//! - `checkout.session.completed` (paid) / `checkout.session.async_payment_succeeded`: the charge
//!   is checked against ours — another amount or currency is recorded as `mismatch` and alerted,
//!   never confirmed — then the reservations module is told (it confirms, applies the change, or,
//!   when the hold ended and the car is gone, refunds it in full), then the charge is `succeeded`.
//! - `checkout.session.expired` / `checkout.session.async_payment_failed`: an open charge is
//!   `expired`/`failed` and the hold released; a paid one is left alone.
//! - `charge.refunded`, `refund.updated`, `charge.refund.updated`: each refund reaches its
//!   state; a refund we did not ask for (made in Stripe's dashboard) is recorded as it is.
//!
//! Every step is idempotent: the event is marked processed in the transaction of its last write,
//! and the reservations module answers a repeated payment `AlreadyApplied`. Events for sessions
//! we do not know are recorded with that outcome and change nothing.

use chrono::{DateTime, Utc};
use stripe_webhook::EventObject;
use uuid::Uuid;
use ycyw_reservations::PaymentApplied;
use ycyw_shared::domain::{CurrencyCode, Money};

use super::Ctx;
use crate::error::PaymentsError;
use crate::model::{Kind, Payment, PaymentStatus};
use crate::repo;

/// Processes stored event `event_id`; returns its outcome (also stored with the event).
pub async fn process(ctx: &Ctx, event_id: &str) -> Result<String, PaymentsError> {
    let now = ctx.now();
    let mut conn = ctx.state.db.acquire().await?;
    let Some(stored) = repo::pending_event(&mut conn, event_id).await? else { return Ok("already processed".into()) };
    drop(conn);
    let Some(event) = super::webhook::verify(ctx, &stored.payload, &stored.signature, stored.received_at.timestamp()) else {
        return finish(ctx, event_id, "ignored: the stored signature does not verify", now).await;
    };
    let outcome = match event.data.object {
        EventObject::CheckoutSessionCompleted(session) | EventObject::CheckoutSessionAsyncPaymentSucceeded(session) => {
            if session.payment_status.as_str() != "paid" {
                "awaiting an asynchronous payment".to_string()
            } else {
                let reported = money(session.amount_total, session.currency.as_ref().map(|c| c.to_string()));
                let intent = session.payment_intent.as_ref().map(|p| p.id().to_string());
                paid(ctx, session.id.as_str(), reported, intent, now).await?
            }
        }
        EventObject::CheckoutSessionExpired(session) => closed(ctx, session.id.as_str(), PaymentStatus::Expired, now).await?,
        EventObject::CheckoutSessionAsyncPaymentFailed(session) => closed(ctx, session.id.as_str(), PaymentStatus::Failed, now).await?,
        EventObject::ChargeRefunded(charge) => {
            let intent = charge.payment_intent.as_ref().map(|p| p.id().to_string());
            let mut outcomes = Vec::new();
            for refund in charge.refunds.map(|list| list.data).unwrap_or_default() {
                outcomes.push(refund_state(ctx, &refund, intent.as_deref(), now).await?);
            }
            if outcomes.is_empty() { "a refunded charge without refunds listed".into() } else { outcomes.join("; ") }
        }
        EventObject::RefundUpdated(refund) | EventObject::ChargeRefundUpdated(refund) => {
            let intent = refund.payment_intent.as_ref().map(|p| p.id().to_string());
            refund_state(ctx, &refund, intent.as_deref(), now).await?
        }
        _ => format!("ignored: {} is not an event we act on", event.type_.as_str()),
    };
    finish(ctx, event_id, &outcome, now).await
}

async fn finish(ctx: &Ctx, event_id: &str, outcome: &str, now: DateTime<Utc>) -> Result<String, PaymentsError> {
    let mut conn = ctx.state.db.acquire().await?;
    repo::processed(&mut conn, event_id, outcome, now).await?;
    tracing::info!(event = %event_id, %outcome, "Stripe event processed");
    Ok(outcome.to_string())
}

fn money(amount: Option<i64>, currency: Option<String>) -> Option<Money> {
    let currency: CurrencyCode = currency?.to_ascii_uppercase().parse().ok()?;
    Some(Money::new(amount?, currency))
}

/// The charge of session `session`, locked, in a transaction.
async fn charge_of(tx: &mut sqlx::MySqlConnection, session: &str) -> Result<Option<Payment>, PaymentsError> {
    let Some(reservation) = repo::reservation_of(&mut *tx, Some(session), None, None).await? else { return Ok(None) };
    Ok(repo::of_reservation(&mut *tx, reservation).await?.into_iter().find(|p| p.stripe_session_id.as_deref() == Some(session)))
}

async fn paid(
    ctx: &Ctx,
    session: &str,
    reported: Option<Money>,
    intent: Option<String>,
    now: DateTime<Utc>,
) -> Result<String, PaymentsError> {
    let mut tx = ctx.state.db.begin().await?;
    let Some(mut charge) = charge_of(&mut tx, session).await? else { return Ok("ignored: an unknown checkout session".into()) };
    if charge.status == PaymentStatus::Succeeded {
        return Ok("already recorded".into());
    }
    if reported != Some(charge.amount) {
        charge.status = PaymentStatus::Mismatch;
        charge.failure = Some("Stripe reported another amount or currency".into());
        charge.stripe_payment_intent_id = intent;
        repo::update(&mut tx, &charge, reported, now).await?;
        tx.commit().await?;
        tracing::error!(alert = "payment_amount_mismatch", reservation = %charge.reservation_id, "a paid session does not match its charge: not confirmed");
        return Ok("amount mismatch: recorded, not confirmed".into());
    }
    // The reservation first (idempotent), so a crash here replays both steps.
    let applied = ctx.reservations.payment_received(charge.reservation_id, charge.change_id, charge.amount, now).await?;
    charge.status = PaymentStatus::Succeeded;
    charge.stripe_payment_intent_id = intent;
    repo::update(&mut tx, &charge, None, now).await?;
    tx.commit().await?;
    Ok(match applied {
        PaymentApplied::Confirmed => "paid: reservation confirmed",
        PaymentApplied::ChangeApplied => "paid: change applied",
        PaymentApplied::AlreadyApplied => "paid: already applied",
        PaymentApplied::Refunding => "paid too late: refunded in full",
    }
    .into())
}

async fn closed(ctx: &Ctx, session: &str, status: PaymentStatus, now: DateTime<Utc>) -> Result<String, PaymentsError> {
    let mut tx = ctx.state.db.begin().await?;
    let Some(mut charge) = charge_of(&mut tx, session).await? else { return Ok("ignored: an unknown checkout session".into()) };
    if charge.status != PaymentStatus::Open {
        return Ok(format!("ignored: the charge is {}", charge.status));
    }
    ctx.reservations.checkout_closed(charge.reservation_id, charge.change_id, now).await?;
    charge.status = status;
    repo::update(&mut tx, &charge, None, now).await?;
    tx.commit().await?;
    Ok(format!("checkout {status}: hold released"))
}

/// Brings our refund row to the state of Stripe's `refund`.
async fn refund_state(ctx: &Ctx, refund: &stripe_core::Refund, intent: Option<&str>, now: DateTime<Utc>) -> Result<String, PaymentsError> {
    let status = match refund.status.as_deref() {
        Some("succeeded") => PaymentStatus::Succeeded,
        Some("failed") => PaymentStatus::Failed,
        Some("canceled") => PaymentStatus::Canceled,
        _ => PaymentStatus::Pending,
    };
    let ours: Option<Uuid> = refund.metadata.as_ref().and_then(|m| m.get("payment_id")).and_then(|id| id.parse().ok());
    let mut tx = ctx.state.db.begin().await?;
    let Some(reservation) = repo::reservation_of(&mut tx, None, intent, Some(refund.id.as_str())).await? else {
        return Ok("ignored: a refund of a payment we do not know".into());
    };
    let payments = repo::of_reservation(&mut *tx, reservation).await?;
    let row = payments
        .iter()
        .find(|p| p.kind == Kind::Refund && (p.stripe_refund_id.as_deref() == Some(refund.id.as_str()) || Some(p.id) == ours));
    match row {
        Some(row) => {
            let mut row = row.clone();
            if row.status == status && row.stripe_refund_id.as_deref() == Some(refund.id.as_str()) {
                return Ok(format!("refund already {status}"));
            }
            row.status = status;
            row.stripe_refund_id = Some(refund.id.to_string());
            repo::update(&mut tx, &row, None, now).await?;
        }
        None => {
            // Made outside the product (Stripe's dashboard): recorded against its charge.
            let Some(charge) = payments.iter().find(|p| p.kind == Kind::Charge && p.stripe_payment_intent_id.as_deref() == intent) else {
                return Ok("ignored: a refund of a charge we do not know".into());
            };
            let currency: CurrencyCode = refund.currency.to_string().to_ascii_uppercase().parse().unwrap_or(charge.amount.currency);
            let row = Payment {
                id: Uuid::now_v7(),
                reservation_id: reservation,
                change_id: None,
                kind: Kind::Refund,
                status,
                amount: Money::new(refund.amount, currency),
                refund_request_id: Some(Uuid::now_v7()),
                refund_reason: Some("outside".into()),
                charge_payment_id: Some(charge.id),
                stripe_session_id: None,
                stripe_session_url: None,
                session_expires_at: None,
                stripe_payment_intent_id: intent.map(String::from),
                stripe_refund_id: Some(refund.id.to_string()),
                failure: None,
                created_at: now,
                updated_at: now,
            };
            repo::insert(&mut tx, &row).await?;
            tracing::warn!(reservation = %reservation, "a refund made outside the product was recorded");
        }
    }
    tx.commit().await?;
    Ok(format!("refund {status}"))
}
