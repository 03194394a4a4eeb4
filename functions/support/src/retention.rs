//! The module's part in the retention purge (DESIGN §8; docs/retention.md): the message bodies
//! of conversations closed `RETENTION_CLOSED_CONVERSATION_DAYS` (365) ago are erased (the
//! conversation and its messages' metadata stay), contact requests are deleted
//! `RETENTION_CONTACT_REQUEST_DAYS` (365) after they arrived; housekeeping deletes expired
//! WebSocket tickets.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ycyw_shared::AppState;
use ycyw_shared::retention::{Action, Purged, RetentionPart, RetentionPolicy};

#[derive(Debug)]
pub(crate) struct SupportRetention;

#[async_trait]
impl RetentionPart for SupportRetention {
    fn name(&self) -> &'static str {
        "support"
    }

    async fn purge(&self, state: &AppState, policy: &RetentionPolicy, now: DateTime<Utc>, dry_run: bool) -> anyhow::Result<Vec<Purged>> {
        let closed_before = RetentionPolicy::cutoff(now, policy.closed_conversation);
        // conversations_closed_idx finds the conversations, messages_seq_uq their messages.
        let bodies = ycyw_shared::count_or_apply!(&state.db, dry_run,
            count: "SELECT COUNT(*) FROM messages", apply: "UPDATE messages SET body = NULL, erased_at = UTC_TIMESTAMP(6)",
            filter: "body IS NOT NULL AND conversation_id IN (SELECT id FROM conversations WHERE closed_at <= ?)", closed_before)?;
        let received_before = RetentionPolicy::cutoff(now, policy.contact_request);
        // contact_requests_created_idx serves the range.
        let requests = ycyw_shared::count_or_apply!(&state.db, dry_run,
            count: "SELECT COUNT(*) FROM contact_requests", apply: "DELETE FROM contact_requests",
            filter: "created_at <= ?", received_before)?;
        Ok(vec![
            Purged::new("closed_conversation_messages", Action::Erased, bodies),
            Purged::new("contact_requests", Action::Deleted, requests),
        ])
    }

    async fn housekeep(
        &self,
        state: &AppState,
        _policy: &RetentionPolicy,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> anyhow::Result<Vec<Purged>> {
        // ws_tickets_expires_idx serves the range.
        let tickets = ycyw_shared::count_or_apply!(&state.db, dry_run,
            count: "SELECT COUNT(*) FROM ws_tickets", apply: "DELETE FROM ws_tickets", filter: "expires_at <= ?", now)?;
        Ok(vec![Purged::new("ws_tickets", Action::Deleted, tickets)])
    }
}
