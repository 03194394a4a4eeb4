//! The module's part in the retention purge (DESIGN §4, §8; docs/retention.md): a processed
//! Stripe event keeps its payload and signature `RETENTION_STRIPE_PAYLOAD_DAYS` (30) after it was
//! processed, then loses both. The row stays, with its event id, type and outcome: Stripe may
//! deliver an event again, and the id is what makes the second delivery a duplicate. An event
//! not processed yet keeps its payload, whatever its age (the worker needs it).
//!
//! Payments themselves are kept 10 years for accounting and hold nothing personal; their
//! reservations are detached from the person by the reservations module's account part when the
//! account is anonymised.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ycyw_shared::AppState;
use ycyw_shared::retention::{Action, Purged, RetentionPart, RetentionPolicy};

#[derive(Debug)]
pub(crate) struct PaymentsRetention;

#[async_trait]
impl RetentionPart for PaymentsRetention {
    fn name(&self) -> &'static str {
        "payments"
    }

    async fn purge(&self, state: &AppState, policy: &RetentionPolicy, now: DateTime<Utc>, dry_run: bool) -> anyhow::Result<Vec<Purged>> {
        let processed_before = RetentionPolicy::cutoff(now, policy.stripe_payload);
        // stripe_events_processed_idx serves the range on processed_at.
        let erased = ycyw_shared::count_or_apply!(&state.db, dry_run,
            count: "SELECT COUNT(*) FROM stripe_events", apply: "UPDATE stripe_events SET payload = NULL, signature = NULL",
            filter: "processed_at <= ? AND (payload IS NOT NULL OR signature IS NOT NULL)", processed_before)?;
        Ok(vec![Purged::new("stripe_payloads", Action::Erased, erased)])
    }
}
