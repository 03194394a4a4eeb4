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
    let secrets = [SecretKey::StripeWebhookSecret, SecretKey::StripeWebhookSecretPrevious].into_iter().filter_map(|key| secrets.get(key));
    verify_with(secrets.map(|secret| secret.expose_secret().to_string()), payload, signature, at)
}

/// [`verify`] against the given secrets, tried in order.
fn verify_with(
    secrets: impl IntoIterator<Item = impl AsRef<str>>,
    payload: &str,
    signature: &str,
    at: i64,
) -> Option<stripe_webhook::Event> {
    secrets.into_iter().find_map(|secret| Webhook::construct_event_with_timestamp(payload, signature, secret.as_ref(), at).ok())
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

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit, Mac};
    use proptest::prelude::*;
    use serde_json::{Value, json};
    use sha2::Sha256;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;

    const SECRET: &str = "whsec_current_0123456789";
    const PREVIOUS: &str = "whsec_previous_0123456789";
    const NOW: i64 = 1_796_634_000;
    /// Stripe's tolerance, in seconds.
    const TOLERANCE: i64 = 300;

    /// A `checkout.session.completed` event made from Stripe's own example session.
    fn event(id: &str) -> String {
        let fixtures: Value =
            serde_json::from_str(include_str!("../../../../tools/stripe-sim/fixtures/stripe-objects.json")).unwrap_or_default();
        json!({
            "id": id, "object": "event", "api_version": "2025-03-31.basil", "created": NOW, "livemode": false,
            "pending_webhooks": 1, "request": { "id": null, "idempotency_key": null }, "type": "checkout.session.completed",
            "data": { "object": fixtures["checkout.session"] }
        })
        .to_string()
    }

    /// The hex HMAC-SHA256 of `"<t>.<body>"`, computed here independently of the code under test.
    fn mac(secret: &str, t: i64, body: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
        mac.update(format!("{t}.{body}").as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    fn sign(secret: &str, t: i64, body: &str) -> String {
        format!("t={t},v1={}", mac(secret, t, body))
    }

    fn accepted(body: &str, header: &str) -> Option<String> {
        verify_with([SECRET, PREVIOUS], body, header, NOW).map(|event| event.id.to_string())
    }

    #[test]
    fn a_signed_event_is_accepted_under_either_secret_and_nothing_else() {
        let body = event("evt_fuzz");
        assert_eq!(accepted(&body, &sign(SECRET, NOW, &body)).as_deref(), Some("evt_fuzz"));
        assert_eq!(accepted(&body, &sign(PREVIOUS, NOW - TOLERANCE, &body)).as_deref(), Some("evt_fuzz"));
        assert_eq!(accepted(&body, &sign(SECRET, NOW - TOLERANCE - 1, &body)), None, "older than 5 minutes");
        assert_eq!(accepted(&body, &sign("whsec_other", NOW, &body)), None);
        assert_eq!(accepted(&body, ""), None);
    }

    /// Where a signed header gets its one mutation.
    #[derive(Debug, Clone, Copy)]
    enum Mutation {
        /// The body, one edit away.
        Body,
        /// The header's timestamp, changed; the signature kept.
        Timestamp,
        /// One hex digit of the signature.
        Signature,
        /// Signed with a secret that is neither the current nor the previous one.
        Secret,
        /// Correctly signed, but at a time outside the tolerance.
        Stale,
    }

    proptest! {
        /// Invariant: a correctly signed event (current or previous secret, up to 300 s old or
        /// early, with extra `v1`/`v0` entries beside the good one) is accepted as that event.
        #[test]
        fn fuzz_stripe_signature_accepts_signed_events(
            id in "evt_[A-Za-z0-9]{1,24}",
            skew in -TOLERANCE..=TOLERANCE,
            previous in any::<bool>(),
            extra in prop::collection::vec("v[01]=[0-9a-f]{0,64}", 0..3),
        ) {
            let body = event(&id);
            let t = NOW - skew;
            let mut header = sign(if previous { PREVIOUS } else { SECRET }, t, &body);
            for entry in extra {
                header = format!("{header},{entry}");
            }
            prop_assert_eq!(accepted(&body, &header), Some(id));
        }

        /// Invariant: any mutation of the body, the timestamp or the signature, another secret,
        /// or a timestamp outside the 300 s tolerance is refused.
        #[test]
        fn fuzz_stripe_signature_refuses_mutations(
            mutation in prop_oneof![
                Just(Mutation::Body), Just(Mutation::Timestamp), Just(Mutation::Signature), Just(Mutation::Secret), Just(Mutation::Stale)
            ],
            edited in mutated(event("evt_signed")),
            shift in prop_oneof![1i64..=TOLERANCE, (TOLERANCE + 1)..1_000_000_000].prop_flat_map(|s| prop_oneof![Just(s), Just(-s)]),
            digit in 0usize..64,
            secret in "whsec_[a-z0-9]{1,24}",
        ) {
            let body = event("evt_signed");
            let good = mac(SECRET, NOW, &body);
            let (body, header) = match mutation {
                Mutation::Body => {
                    prop_assume!(edited != body);
                    (edited, sign(SECRET, NOW, &body))
                }
                Mutation::Timestamp => (body.clone(), format!("t={},v1={good}", NOW + shift)),
                Mutation::Signature => {
                    let mut hex: Vec<char> = good.chars().collect();
                    hex[digit] = if hex[digit] == '0' { '1' } else { '0' };
                    (body.clone(), format!("t={NOW},v1={}", hex.into_iter().collect::<String>()))
                }
                Mutation::Secret => {
                    prop_assume!(secret != SECRET && secret != PREVIOUS);
                    (body.clone(), sign(&secret, NOW, &body))
                }
                Mutation::Stale => {
                    let stale = if shift.abs() > TOLERANCE { shift } else { shift.signum() * (TOLERANCE + shift.abs()) };
                    (body.clone(), sign(SECRET, NOW + stale, &body))
                }
            };
            prop_assert_eq!(accepted(&body, &header), None, "{:?}: {}", mutation, header);
        }

        /// Invariant: any `Stripe-Signature` header and any body never panic, and are accepted
        /// only when the header carries, for its own `t` within the tolerance, the HMAC of
        /// `"<t>.<body>"` under a configured secret.
        #[test]
        fn fuzz_stripe_signature_header(
            header in prop_oneof![hostile_text(), mutated(sign(SECRET, NOW, &event("evt_h"))), "([tv][01]?=[0-9a-f-]{0,20},?){0,4}"],
            body in prop_oneof![Just(event("evt_h")), hostile_text(), mutated(event("evt_h"))],
        ) {
            if accepted(&body, &header).is_some() {
                // The last `t` counts, as in Stripe's libraries.
                let t = header.split(',').filter_map(|pair| pair.strip_prefix("t=")).next_back().and_then(|t| t.parse::<i64>().ok());
                prop_assert!(t.is_some_and(|t| {
                    let signed = [mac(SECRET, t, &body), mac(PREVIOUS, t, &body)];
                    (NOW - t).abs() <= TOLERANCE && header.split(',').any(|pair| pair.strip_prefix("v1=").is_some_and(|v| signed.iter().any(|s| s.eq_ignore_ascii_case(v))))
                }), "accepted {}", header);
            }
        }
    }
}
