//! `issue_refund` (queued by the reservations module on cancellations, cheaper modifications and
//! late payments): a Stripe Refund for the computed amount, taken from the reservation's paid
//! charges, newest first (a refund larger than one charge is split). Each part is a row written
//! before Stripe is called and refunded under its own idempotency key (`refund-<row id>`), so a
//! worker killed between Stripe's answer and our commit refunds once when the job runs again.
//! Stripe's answer gives a first state; the webhook (`charge.refunded`, `refund.updated`) the final one.

use std::collections::HashMap;

use uuid::Uuid;
use ycyw_reservations::jobs::IssueRefund;
use ycyw_shared::domain::Money;
use ycyw_shared::jobs::JobError;

use super::Ctx;
use crate::model::{Kind, Payment, PaymentStatus};
use crate::repo;
use crate::stripe::StripeFailure;

fn retry(e: impl Into<anyhow::Error>) -> JobError {
    JobError::Retryable(e.into())
}

/// Plans (once) and issues the parts of refund `job`.
pub async fn issue(ctx: &Ctx, job: &IssueRefund) -> Result<(), JobError> {
    let now = ctx.now();
    let stripe = ctx.stripe().map_err(retry)?;
    let parts = plan(ctx, job, now).await?;
    for part in parts.into_iter().filter(|p| p.stripe_refund_id.is_none() && p.status == PaymentStatus::Pending) {
        let intent = part
            .stripe_payment_intent_id
            .clone()
            .ok_or_else(|| JobError::Permanent(anyhow::anyhow!("a refund part without a payment intent")))?;
        let metadata = HashMap::from([
            ("payment_id".to_string(), part.id.to_string()),
            ("reservation_id".to_string(), job.reservation_id.to_string()),
            ("refund_request_id".to_string(), job.refund_id.to_string()),
        ]);
        let created = match stripe.create_refund(&intent, part.amount.amount_minor, metadata, &format!("refund-{}", part.id)).await {
            Ok(created) => created,
            Err(StripeFailure::Unavailable(cause)) => return Err(retry(anyhow::anyhow!("Stripe unavailable: {cause}"))),
            Err(StripeFailure::Refused(cause)) => {
                tracing::error!(alert = "refund_refused", reservation = %job.reservation_id, %cause, "Stripe refused a refund");
                return Err(JobError::Permanent(anyhow::anyhow!("Stripe refused the refund: {cause}")));
            }
        };
        let mut tx = ctx.state.db.begin().await.map_err(retry)?;
        let mut done = part.clone();
        done.stripe_refund_id = Some(created.id);
        // Stripe's answer is a state too; the webhook confirms it, or moves a pending one on.
        done.status = match created.status.as_str() {
            "succeeded" => PaymentStatus::Succeeded,
            "failed" => PaymentStatus::Failed,
            "canceled" => PaymentStatus::Canceled,
            _ => PaymentStatus::Pending,
        };
        repo::update(&mut tx, &done, None, now).await.map_err(retry)?;
        tx.commit().await.map_err(retry)?;
    }
    Ok(())
}

/// The parts of `job`, planned on first run: what each paid charge can still give back, newest
/// charge first. A refund the charges cannot cover yet (the charge's webhook is not processed)
/// is retried later.
async fn plan(ctx: &Ctx, job: &IssueRefund, now: chrono::DateTime<chrono::Utc>) -> Result<Vec<Payment>, JobError> {
    let mut tx = ctx.state.db.begin().await.map_err(retry)?;
    let payments = repo::of_reservation(&mut *tx, job.reservation_id).await.map_err(retry)?;
    let existing: Vec<Payment> = payments.iter().filter(|p| p.refund_request_id == Some(job.refund_id)).cloned().collect();
    if !existing.is_empty() {
        return Ok(existing);
    }
    let mut remaining = job.amount_minor;
    let mut parts = Vec::new();
    for charge in payments.iter().rev().filter(|p| p.kind == Kind::Charge && p.status == PaymentStatus::Succeeded) {
        if remaining == 0 {
            break;
        }
        let refunded: i64 = payments
            .iter()
            .filter(|p| p.charge_payment_id == Some(charge.id) && !matches!(p.status, PaymentStatus::Failed | PaymentStatus::Canceled))
            .map(|p| p.amount.amount_minor)
            .sum();
        let take = remaining.min(charge.amount.amount_minor - refunded);
        if take <= 0 {
            continue;
        }
        remaining -= take;
        parts.push(Payment {
            id: Uuid::now_v7(),
            reservation_id: job.reservation_id,
            change_id: None,
            kind: Kind::Refund,
            status: PaymentStatus::Pending,
            amount: Money::new(take, job.currency),
            refund_request_id: Some(job.refund_id),
            refund_reason: Some(serde_json::to_value(job.reason).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()),
            charge_payment_id: Some(charge.id),
            stripe_session_id: None,
            stripe_session_url: None,
            session_expires_at: None,
            stripe_payment_intent_id: charge.stripe_payment_intent_id.clone(),
            stripe_refund_id: None,
            failure: None,
            created_at: now,
            updated_at: now,
        });
    }
    if remaining > 0 {
        return Err(retry(anyhow::anyhow!("the paid charges do not cover the refund yet")));
    }
    for part in &parts {
        repo::insert(&mut tx, part).await.map_err(retry)?;
    }
    tx.commit().await.map_err(retry)?;
    Ok(parts)
}
