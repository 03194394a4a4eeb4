//! The outbox relay of `QUEUE=sqs` (DESIGN §7): moves committed job rows to the SQS jobs queue.
//!
//! A pass takes, in one transaction, up to 10 rows that are committed, queued, unrelayed
//! (`relayed_at IS NULL`) and due — or due within [`HORIZON`], sent with a `DelaySeconds` for the
//! rest — with `FOR UPDATE SKIP LOCKED`, so two relays (two worker instances) never take the
//! same rows; sends them with one `SendMessageBatch`; sets their `relayed_at`; commits; and goes
//! on until fewer than 10 were due. A row enqueued in a transaction that rolled back was never
//! visible to it.
//!
//! A relay that crashes (or whose commit fails) after the send and before the commit publishes
//! those rows again on its next pass: SQS then holds two messages for one job. That is harmless:
//! the consumer claims the row with a guarded update, so the second delivery finds it running or
//! done and is turned away ([`super::sqs`]). Rows come back to the relay whenever a job must be
//! delivered anew: a failed attempt retried later (the consumer queues the row at now + backoff,
//! unrelayed, and deletes the message) and a job put back by `jobs retry`.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use chrono::{DateTime, Utc};
use sqlx::MySqlPool;
use tokio::sync::watch;
use uuid::Uuid;

use super::QueueError;
use super::db::{age, retrying};
use super::sqs::{job_reference, sqs_error, text_attribute};
use crate::time::{Clock, to_db_precision};

/// How far ahead the relay publishes, with `DelaySeconds` (SQS's longest delay: 15 min).
pub const HORIZON: Duration = Duration::from_secs(900);

/// Rows per `SendMessageBatch` (SQS's most).
pub const BATCH: usize = 10;

/// Batches in one pass at most, so one pass ends even under a flood of new jobs.
const MAX_BATCHES_PER_PASS: usize = 100;

/// Publishes committed job rows to the jobs queue.
#[derive(Debug, Clone)]
pub struct Relay {
    pool: MySqlPool,
    clock: Arc<dyn Clock>,
    sqs: Client,
    queue_url: String,
}

/// The columns a relay reads.
struct OutboxRow {
    id: Uuid,
    kind: String,
    dedup_key: Option<String>,
    run_at: DateTime<Utc>,
}

/// What one batch did.
struct Batch {
    selected: usize,
    published: usize,
}

impl Relay {
    /// A relay of the rows of `pool` to the queue at `queue_url`.
    pub fn new(pool: MySqlPool, clock: Arc<dyn Clock>, sqs: Client, queue_url: impl Into<String>) -> Self {
        Self { pool, clock, sqs, queue_url: queue_url.into() }
    }

    /// One pass: publishes every row due (or due within [`HORIZON`]) that no other relay holds;
    /// returns how many it published.
    pub async fn pass(&self) -> Result<usize, QueueError> {
        let mut published = 0;
        for _ in 0..MAX_BATCHES_PER_PASS {
            let batch = retrying(|| self.batch()).await?;
            published += batch.published;
            // A short batch was the last due; a batch that sent nothing would select the same rows.
            if batch.selected < BATCH || batch.published == 0 {
                break;
            }
        }
        Ok(published)
    }

    /// Runs a pass every `every` until `stop` turns true.
    pub async fn run(&self, every: Duration, mut stop: watch::Receiver<bool>) {
        tracing::info!(every_ms = every.as_millis() as u64, "outbox relay started");
        while !*stop.borrow() {
            match self.pass().await {
                Ok(0) => {}
                Ok(published) => tracing::debug!(published, "jobs relayed to SQS"),
                Err(e) => tracing::error!(error = %e, "relaying jobs to SQS failed; trying again at the next pass"),
            }
            tokio::select! {
                () = tokio::time::sleep(every) => {},
                _ = stop.wait_for(|stopped| *stopped) => {},
            }
        }
        tracing::info!("outbox relay stopped");
    }

    async fn batch(&self) -> Result<Batch, QueueError> {
        let now = to_db_precision(self.clock.now());
        let horizon = now + chrono::Duration::from_std(HORIZON).unwrap_or(chrono::Duration::minutes(15));
        let mut conn = self.pool.acquire().await?;
        // Read committed: SKIP LOCKED without gap locks, so relays and producers never wait on each other.
        sqlx::query!("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").execute(&mut *conn).await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let rows = sqlx::query_as!(
            OutboxRow,
            r#"SELECT id AS "id: _", kind, dedup_key, run_at AS "run_at: _" FROM jobs
               WHERE relayed_at IS NULL AND status = 'queued' AND run_at <= ?
               ORDER BY run_at, id LIMIT ?
               FOR UPDATE SKIP LOCKED"#,
            horizon,
            BATCH as u32
        )
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(Batch { selected: 0, published: 0 });
        }
        let mut entries = Vec::with_capacity(rows.len());
        for (index, row) in rows.iter().enumerate() {
            let mut entry = SendMessageBatchRequestEntry::builder()
                .id(index.to_string())
                .message_body(job_reference(row.id))
                .delay_seconds(delay_seconds(row.run_at, now))
                .message_attributes("kind", text_attribute(&row.kind)?);
            if let Some(key) = row.dedup_key.as_deref().filter(|key| !key.is_empty()) {
                entry = entry.message_attributes("dedupKey", text_attribute(key)?);
            }
            entries.push(entry.build().map_err(|e| sqs_error("SendMessageBatch entry", e))?);
        }
        // The rows stay locked while SQS answers; dropping the transaction on an error unlocks them.
        let output = self
            .sqs
            .send_message_batch()
            .queue_url(&self.queue_url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| sqs_error("SendMessageBatch", e))?;
        for failed in output.failed() {
            let job_id = failed.id().parse::<usize>().ok().and_then(|i| rows.get(i)).map(|row| row.id);
            tracing::warn!(job_id = ?job_id, code = failed.code(), sender_fault = failed.sender_fault(), "SQS refused a job: relayed again next pass");
        }
        let mut published = 0;
        for sent in output.successful() {
            let Some(row) = sent.id().parse::<usize>().ok().and_then(|i| rows.get(i)) else { continue };
            sqlx::query!("UPDATE jobs SET relayed_at = ? WHERE id = ?", now, row.id).execute(&mut *tx).await?;
            published += 1;
        }
        // A crash here publishes these rows again: the consumer's claim makes that harmless.
        tx.commit().await?;
        Ok(Batch { selected: rows.len(), published })
    }
}

/// The `DelaySeconds` of a message for a job due at `run_at`: whole seconds until then, rounded
/// up (never delivered before it is due), within SQS's 0 to 900.
pub fn delay_seconds(run_at: DateTime<Utc>, now: DateTime<Utc>) -> i32 {
    let millis = (run_at - now).num_milliseconds().clamp(0, HORIZON.as_millis() as i64);
    i32::try_from((millis + 999) / 1000).unwrap_or(0)
}

/// How long the oldest due row nobody has relayed yet has waited past its `run_at` (zero when
/// the relay is up to date).
pub async fn relay_lag(pool: &MySqlPool, now: DateTime<Utc>) -> Result<Duration, sqlx::Error> {
    let now = to_db_precision(now);
    let oldest = sqlx::query_scalar!(
        r#"SELECT MIN(run_at) AS "oldest: DateTime<Utc>" FROM jobs WHERE relayed_at IS NULL AND status = 'queued' AND run_at <= ?"#,
        now
    )
    .fetch_one(pool)
    .await?;
    Ok(age(oldest, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_round_up_to_the_second_within_sqs_limits() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let ms = chrono::Duration::milliseconds;
        assert_eq!(delay_seconds(now - ms(5_000), now), 0, "overdue: at once");
        assert_eq!(delay_seconds(now, now), 0);
        assert_eq!(delay_seconds(now + ms(1), now), 1);
        assert_eq!(delay_seconds(now + ms(61_000), now), 61);
        assert_eq!(delay_seconds(now + ms(899_001), now), 900);
        assert_eq!(delay_seconds(now + ms(3_600_000), now), 900, "the relay never takes rows beyond 15 min anyway");
    }
}
