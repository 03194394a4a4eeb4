//! `POST /reservations/{id}/checkout-sessions`: a Stripe Checkout Session for what the
//! reservation owes now (the booking while its hold lasts, or a pending change's difference).
//! Card data never reaches us. Stripe is asked first, under an idempotency key derived from the
//! reservation, the change and the amount, so a retry (ours, or the client's) gets the same
//! session; the payment row is written only once Stripe answered — never a half-written row.

use std::collections::HashMap;

use chrono::Duration;
use uuid::Uuid;

use super::Ctx;
use crate::error::PaymentsError;
use crate::model::{CheckoutSessionView, Kind, Payment, PaymentStatus};
use crate::repo;
use crate::stripe::{SessionRequest, StripeFailure};

/// Stripe's shortest session, plus a margin for the request's own time.
const SHORTEST_SESSION: Duration = Duration::seconds(30 * 60 + 30);
/// How long after a checkout lengthened the hold a retry still asks for that same session end
/// (within the margin of [`SHORTEST_SESSION`], so Stripe still gets its 30 minutes).
const RETRY_WINDOW: Duration = Duration::seconds(15);

/// Opens (or finds again) the session of reservation `id` for client `user`.
pub async fn open(ctx: &Ctx, user: Uuid, id: Uuid) -> Result<CheckoutSessionView, PaymentsError> {
    let target = ctx.reservations.checkout_target(user, id).await?;
    let now = ctx.now();
    let existing = repo::of_reservation(&ctx.state.db, id).await?;
    if let Some(open) = existing.iter().find(|p| {
        p.kind == Kind::Charge
            && p.status == PaymentStatus::Open
            && p.change_id == target.change_id
            && p.amount == target.amount
            && p.session_expires_at.is_some_and(|end| end > now + Duration::minutes(1))
    }) && let (Some(url), Some(expires_at)) = (&open.stripe_session_url, open.session_expires_at)
    {
        return Ok(CheckoutSessionView { url: url.clone(), expires_at });
    }
    // The session ends with the hold; Stripe needs at least 30 minutes, so a late checkout
    // lengthens the hold to the session's end. A hold an attempt lengthened moments ago is asked
    // for as it is: a retry after a failure (the client's, after a 502) must be the very request
    // its idempotency key was first used with, since Stripe refuses a key reused with other
    // parameters — and may well have made that first session without our hearing back (a
    // timeout).
    let expires_at =
        if target.hold_expires_at >= now + SHORTEST_SESSION - RETRY_WINDOW { target.hold_expires_at } else { now + SHORTEST_SESSION };
    if expires_at > target.hold_expires_at {
        ctx.reservations.extend_hold(id, target.change_id, expires_at).await?;
    }
    let spa = &ctx.state.settings.public_url;
    let page = |outcome: &str| spa.join(&format!("reservations/{id}?checkout={outcome}")).map(|u| u.to_string()).unwrap_or_default();
    let mut metadata = HashMap::from([("reservation_id".to_string(), id.to_string())]);
    if let Some(change) = target.change_id {
        metadata.insert("change_id".into(), change.to_string());
    }
    let request = SessionRequest {
        amount: target.amount,
        name: format!("Your Car Your Way {}", target.reference),
        description: target.description.clone(),
        client_reference_id: id.to_string(),
        metadata,
        customer_email: target.customer_email.clone(),
        expires_at,
        success_url: format!("{}&session_id={{CHECKOUT_SESSION_ID}}", page("success")),
        cancel_url: page("cancelled"),
    };
    // The key names every parameter that may differ between two attempts for one payment (the
    // session end moves with the hold), so Stripe never sees one key with other parameters: a
    // retry within RETRY_WINDOW is the very same request, a later one a new session.
    let key = format!(
        "checkout-{id}-{}-{}{}-{}",
        target.change_id.map_or_else(|| "booking".to_string(), |c| c.to_string()),
        target.amount.amount_minor,
        target.amount.currency.as_str(),
        expires_at.timestamp()
    );
    let session = ctx.stripe()?.create_session(&request, &key).await.map_err(|e| match e {
        StripeFailure::Unavailable(cause) => PaymentsError::ProviderUnavailable(cause),
        StripeFailure::Refused(cause) => PaymentsError::ProviderRefused(cause),
    })?;
    let payment = Payment {
        id: Uuid::now_v7(),
        reservation_id: id,
        change_id: target.change_id,
        kind: Kind::Charge,
        status: PaymentStatus::Open,
        amount: target.amount,
        refund_request_id: None,
        refund_reason: None,
        charge_payment_id: None,
        stripe_session_id: Some(session.id.clone()),
        stripe_session_url: Some(session.url.clone()),
        session_expires_at: Some(session.expires_at),
        stripe_payment_intent_id: None,
        stripe_refund_id: None,
        failure: None,
        created_at: now,
        updated_at: now,
    };
    let mut tx = ctx.state.db.begin().await?;
    match repo::insert(&mut tx, &payment).await {
        // The same session recorded by a concurrent identical request: one row is enough.
        Err(e) if ycyw_shared::db::is_unique_violation(&e, "payments_session_uq") => {}
        other => other?,
    }
    tx.commit().await?;
    tracing::info!(reservation = %id, "checkout session opened");
    Ok(CheckoutSessionView { url: session.url, expires_at: session.expires_at })
}
