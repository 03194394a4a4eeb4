//! Background jobs (DESIGN §7).
//!
//! Producers call [`enqueue`] inside the transaction of the business change that needs the job:
//! the job row commits or rolls back with it (transactional outbox). Consumers go through the
//! [`Queue`] trait; [`db::DbQueue`] claims rows of the `jobs` table itself. An SQS consumer fed by
//! an outbox relay plugs in behind the same trait.

pub mod db;

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::MySqlConnection;
use uuid::Uuid;

use crate::time::to_db_precision;

/// Attempts a job gets before it is dead, unless it says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 8;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// What the worker must do: the [`JobSpec::KIND`](crate::jobs::JobSpec::KIND) of its payload.
    pub kind: String,
    /// The handler's input.
    pub payload: Value,
    /// At most one job per key is ever enqueued: the second enqueue is a no-op.
    pub dedup_key: Option<String>,
    /// Not before this instant (default: now).
    pub run_at: Option<DateTime<Utc>>,
    /// Attempts before the job is dead.
    pub max_attempts: u32,
}

impl NewJob {
    /// A job of `kind` with `payload`, runnable now.
    pub fn new(kind: impl Into<String>, payload: Value) -> Self {
        Self { kind: kind.into(), payload, dedup_key: None, run_at: None, max_attempts: DEFAULT_MAX_ATTEMPTS }
    }

    /// Sets the deduplication key.
    pub fn dedup_key(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }

    /// Delays the job until `at`.
    pub fn run_at(mut self, at: DateTime<Utc>) -> Self {
        self.run_at = Some(at);
        self
    }

    /// Sets the number of attempts before the job is dead.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
}

/// What [`enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// A new job with this id.
    New(Uuid),
    /// A job with the same dedup key exists already; nothing was written.
    Duplicate,
}

/// Writes `job` through `conn`, normally a transaction of the caller: it becomes visible to
/// workers only when that transaction commits.
pub async fn enqueue(conn: &mut MySqlConnection, job: NewJob, now: DateTime<Utc>) -> Result<Enqueued, sqlx::Error> {
    let id = Uuid::now_v7();
    let now = to_db_precision(now);
    let inserted = sqlx::query!(
        "INSERT INTO jobs (id, kind, payload, status, run_at, attempts, max_attempts, dedup_key, created_at, updated_at)
         VALUES (?, ?, ?, 'queued', ?, 0, ?, ?, ?, ?)",
        id,
        job.kind,
        job.payload.to_string(),
        job.run_at.map(to_db_precision).unwrap_or(now),
        job.max_attempts,
        job.dedup_key,
        now,
        now
    )
    .execute(conn)
    .await;
    match inserted {
        Ok(_) => Ok(Enqueued::New(id)),
        // MySQL rolls back the statement only: the caller's transaction goes on.
        Err(e) if crate::db::is_unique_violation(&e, "jobs_dedup_key_uq") => Ok(Enqueued::Duplicate),
        Err(e) => Err(e),
    }
}

/// A job claimed by a worker, leased until it completes, fails or is released.
#[derive(Debug, Clone)]
pub struct Job {
    /// Job id.
    pub id: Uuid,
    /// Kind: the [`JobSpec::KIND`](crate::jobs::JobSpec::KIND) of its payload.
    pub kind: String,
    /// Input of the handler, as stored (JSON text): [`crate::jobs`] decodes it for the handler of
    /// the kind, and a payload that does not decode kills the job with the reason.
    pub payload: String,
    /// Deduplication key, if any; handlers use it as the idempotency key of side effects.
    pub dedup_key: Option<String>,
    /// This attempt's number, from 1.
    pub attempt: u32,
    /// Attempts before the job is dead.
    pub max_attempts: u32,
    /// Proves the lease: only its holder may complete, fail or release the job.
    pub(crate) lease: String,
}

/// Where a job stands (`jobs.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Waiting for its `run_at`.
    Queued,
    /// Leased by a worker.
    Running,
    /// Finished.
    Done,
    /// Failed for good; waits for ops.
    Dead,
}

crate::text_enum!(JobStatus { Queued => "queued", Running => "running", Done => "done", Dead => "dead" });

/// What happened to a failed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// It will run again at this instant.
    At(DateTime<Utc>),
    /// No attempt left: it is dead, waiting for ops.
    Dead,
}

/// Why the queue could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The lease expired and another worker holds the job now.
    #[error("the lease of job {0} was lost")]
    LeaseLost(Uuid),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Exponential backoff between attempts: `base × 2^(attempt−1)`, capped at `max`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Delay after the first failure.
    pub base: Duration,
    /// Longest delay.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self { base: Duration::from_secs(10), max: Duration::from_secs(3600) }
    }
}

impl Backoff {
    /// The delay after failed attempt number `attempt` (from 1).
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base.saturating_mul(factor).min(self.max)
    }
}

/// What a worker consumes from.
#[async_trait]
pub trait Queue: Send + Sync + std::fmt::Debug {
    /// Leases the next runnable job, if any.
    async fn claim(&self) -> Result<Option<Job>, QueueError>;
    /// Marks the job done; with `erase_payload`, its payload goes too (`{}` is left).
    async fn complete(&self, job: &Job, erase_payload: bool) -> Result<(), QueueError>;
    /// Records a failure: retry later with backoff, or dead after the last attempt (or at once
    /// when `permanent`).
    async fn fail(&self, job: &Job, error: &str, permanent: bool) -> Result<Retry, QueueError>;
    /// Gives the job back untouched (shutdown): it runs again at once, the attempt not counted.
    async fn release(&self, job: &Job) -> Result<(), QueueError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_caps() {
        let backoff = Backoff { base: Duration::from_secs(10), max: Duration::from_secs(60) };
        let delays: Vec<u64> = (1..=5).map(|a| backoff.delay(a).as_secs()).collect();
        assert_eq!(delays, vec![10, 20, 40, 60, 60]);
        assert_eq!(backoff.delay(200), Duration::from_secs(60));
    }
}
