//! Background jobs (DESIGN §7).
//!
//! Producers call [`enqueue`] inside the transaction of the business change that needs the job:
//! the job row commits or rolls back with it (transactional outbox). Consumers go through the
//! [`Queue`] trait, behind which two backends sit (`QUEUE`):
//!
//! - `db`: [`db::DbQueue`] claims rows of the `jobs` table itself (`FOR UPDATE SKIP LOCKED`).
//! - `sqs`: [`relay::Relay`] publishes committed rows to SQS and [`sqs::SqsQueue`] long-polls it.
//!
//! In both, the row is the source of truth of a job's state (queued, running under a lease, done,
//! dead; attempts; last error). SQS is only the transport: a message says `{"jobId": …}` and
//! nothing more (payloads may hold personal data and are erased once done), and every message is
//! checked against the row before anything runs, which is what makes a duplicate message — a
//! relay that crashed between its send and its commit, a redelivery — harmless.

pub mod db;
pub mod relay;
pub mod sqs;

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
    /// SQS failed (the job's row says what was recorded before).
    #[error("sqs: {0}")]
    Sqs(String),
}

/// Exponential backoff between attempts: `base × 2^(attempt−1)`, capped at `max`, with a
/// ±25 % jitter so jobs that failed together (a provider outage) do not all come back together.
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

/// How far the jitter moves a delay, either way.
const JITTER: f64 = 0.25;

/// The jitter factor that leaves a delay exactly as the exponential says.
pub const NO_JITTER: f64 = 0.5;

impl Backoff {
    /// The delay after failed attempt number `attempt` (from 1), with a random jitter.
    pub fn delay(&self, attempt: u32) -> Duration {
        self.delay_with(attempt, rand::random::<f64>())
    }

    /// The delay after failed attempt `attempt` for the random factor `factor` in `[0, 1)`:
    /// `0` is 25 % shorter than the exponential, [`NO_JITTER`] exactly it, `1` 25 % longer;
    /// never more than `max`.
    pub fn delay_with(&self, attempt: u32, factor: f64) -> Duration {
        let exponential = 2u32.saturating_pow(attempt.saturating_sub(1));
        let delay = self.base.saturating_mul(exponential).min(self.max);
        let scale = 1.0 - JITTER + 2.0 * JITTER * factor.clamp(0.0, 1.0);
        Duration::try_from_secs_f64(delay.as_secs_f64() * scale).unwrap_or(self.max).min(self.max)
    }
}

/// What a failure of `job` leads to: dead when `permanent` or after its last attempt, else a
/// retry after the backoff (with the jitter `factor`, see [`Backoff::delay_with`]).
pub(crate) fn next_retry(job: &Job, permanent: bool, backoff: &Backoff, factor: f64, now: DateTime<Utc>) -> Retry {
    if permanent || job.attempt >= job.max_attempts {
        return Retry::Dead;
    }
    let delay = chrono::Duration::from_std(backoff.delay_with(job.attempt, factor)).unwrap_or(chrono::Duration::hours(1));
    Retry::At(to_db_precision(now + delay))
}

/// Jobs one [`Queue::claim_batch`] takes at most.
pub const CLAIM_BATCH: usize = 8;

/// What a worker consumes from.
#[async_trait]
pub trait Queue: Send + Sync + std::fmt::Debug {
    /// Leases the next runnable job, if any.
    async fn claim(&self) -> Result<Option<Job>, QueueError>;
    /// Leases up to `max` (at most [`CLAIM_BATCH`]) runnable jobs at once, none when nothing is
    /// runnable. A backend that has no cheaper way claims one.
    async fn claim_batch(&self, max: usize) -> Result<Vec<Job>, QueueError> {
        let _ = max;
        Ok(self.claim().await?.into_iter().collect())
    }
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
        let delays: Vec<u64> = (1..=5).map(|a| backoff.delay_with(a, NO_JITTER).as_secs()).collect();
        assert_eq!(delays, vec![10, 20, 40, 60, 60]);
        assert_eq!(backoff.delay_with(200, NO_JITTER), Duration::from_secs(60));
    }

    #[test]
    fn backoff_jitter_spreads_a_quarter_either_way_below_the_cap() {
        let backoff = Backoff { base: Duration::from_secs(40), max: Duration::from_secs(100) };
        assert_eq!(backoff.delay_with(1, 0.0), Duration::from_secs(30));
        assert_eq!(backoff.delay_with(1, 1.0), Duration::from_secs(50));
        assert_eq!(backoff.delay_with(1, 0.75), Duration::from_secs(45));
        assert_eq!(backoff.delay_with(1, 7.0), Duration::from_secs(50), "the factor is clamped");
        // 80 s ± 25 %: 60 to 100 s, never past the cap.
        assert_eq!(backoff.delay_with(2, 0.0), Duration::from_secs(60));
        assert_eq!(backoff.delay_with(2, 1.0), Duration::from_secs(100));
        assert_eq!(backoff.delay_with(3, 0.0), Duration::from_secs(75), "at the cap only shorter");
        for _ in 0..200 {
            let random = backoff.delay(1);
            assert!(random >= Duration::from_secs(30) && random <= Duration::from_secs(50), "{random:?}");
        }
    }

    #[test]
    fn a_failure_is_dead_after_the_last_attempt_or_when_permanent() {
        let job = |attempt| Job {
            id: Uuid::nil(),
            kind: "k".into(),
            payload: "{}".into(),
            dedup_key: None,
            attempt,
            max_attempts: 3,
            lease: String::new(),
        };
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let backoff = Backoff { base: Duration::from_secs(10), max: Duration::from_secs(60) };
        assert_eq!(next_retry(&job(1), false, &backoff, NO_JITTER, now), Retry::At(now + chrono::Duration::seconds(10)));
        assert_eq!(next_retry(&job(2), false, &backoff, 0.0, now), Retry::At(now + chrono::Duration::seconds(15)));
        assert_eq!(next_retry(&job(3), false, &backoff, NO_JITTER, now), Retry::Dead);
        assert_eq!(next_retry(&job(1), true, &backoff, NO_JITTER, now), Retry::Dead);
    }
}
