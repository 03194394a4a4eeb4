//! `POST /payments/stripe/webhooks`: verify `Stripe-Signature` over the raw body (async-stripe's
//! verification, 300 s tolerance, against the current secret and, during a rotation, the
//! previous one), store the event once by id and queue its processing in the same transaction,
//! answer at once. A bad, missing or stale signature stores nothing. Payloads are never logged.

use secrecy::ExposeSecret;
use stripe_webhook::Webhook;
use ycyw_shared::config::SecretKey;
use ycyw_shared::jobs::JobSpec as _;

use super::Ctx;
use crate::error::PaymentsError;
use crate::jobs::ProcessStripeEvent;
use crate::repo;

/// What a delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// A new event: stored, its processing queued.
    Stored,
    /// An event stored before: nothing done.
    Duplicate,
}

/// The event of `payload` when `signature` is valid at `at` (unix seconds) under the current
/// webhook secret or the previous one.
pub fn verify(ctx: &Ctx, payload: &str, signature: &str, at: i64) -> Option<stripe_webhook::Event> {
    let secrets = &ctx.state.settings.secrets;
    [SecretKey::StripeWebhookSecret, SecretKey::StripeWebhookSecretPrevious]
        .into_iter()
        .filter_map(|key| secrets.get(key))
        .find_map(|secret| Webhook::construct_event_with_timestamp(payload, signature, secret.expose_secret(), at).ok())
}

/// Receives one delivery.
pub async fn receive(ctx: &Ctx, payload: &str, signature: Option<&str>) -> Result<Received, PaymentsError> {
    let signature = signature.ok_or(PaymentsError::BadSignature("the Stripe-Signature header is missing"))?;
    let now = ctx.now();
    let event = verify(ctx, payload, signature, now.timestamp())
        .ok_or(PaymentsError::BadSignature("the signature does not match, or is older than 5 minutes"))?;
    let id = event.id.to_string();
    let mut tx = ctx.state.db.begin().await?;
    let stored = repo::store_event(&mut tx, &id, event.type_.as_str(), event.livemode, payload, signature, now).await?;
    if stored {
        let job = ProcessStripeEvent { event_id: id.clone() }.to_job().map_err(|e| PaymentsError::Internal(e.into()))?;
        ycyw_shared::queue::enqueue(&mut tx, job.dedup_key(format!("stripe-event:{id}")), now).await?;
    }
    tx.commit().await?;
    tracing::info!(event = %id, kind = event.type_.as_str(), duplicate = !stored, "Stripe event received");
    Ok(if stored { Received::Stored } else { Received::Duplicate })
}
