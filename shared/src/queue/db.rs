//! The embedded queue (`QUEUE=db`): workers claim rows of the `jobs` table with `FOR UPDATE SKIP
//! LOCKED`, so two workers never take the same job, and a lease (`locked_until`) hands the job of
//! a crashed worker to another one once it expires.
//!
//! The row updates that record an outcome under a lease, and the ops queries (`jobs list`,
//! `jobs retry`), serve the SQS backend too: the row is the job's state in both.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::MySqlPool;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::{Backoff, CLAIM_BATCH, Job, JobStatus, NO_JITTER, Queue, QueueError, Retry, next_retry};
use crate::time::{Clock, to_db_precision};

/// The `jobs`-table consumer.
#[derive(Debug, Clone)]
pub struct DbQueue {
    pool: MySqlPool,
    /// Shared by the clones: their completions commit together.
    completions: Arc<Completions>,
    clock: Arc<dyn Clock>,
    worker_id: String,
    lease: Duration,
    backoff: Backoff,
    /// Whether retry delays get their random jitter (off: exactly the exponential).
    jitter: bool,
    /// When set, the only kinds claimed (comma-separated, for `FIND_IN_SET`).
    kinds: Option<String>,
}

/// The columns a claim reads.
struct ClaimRow {
    id: Uuid,
    kind: String,
    payload: String,
    dedup_key: Option<String>,
    attempts: u32,
    max_attempts: u32,
}

impl DbQueue {
    /// A consumer named `worker_id` whose claims last `lease`, retrying after exactly the
    /// exponential `backoff` (see [`DbQueue::with_jitter`]).
    pub fn new(pool: MySqlPool, clock: Arc<dyn Clock>, worker_id: impl Into<String>, lease: Duration, backoff: Backoff) -> Self {
        Self { pool, completions: Arc::default(), clock, worker_id: worker_id.into(), lease, backoff, jitter: false, kinds: None }
    }

    /// The same consumer with the backoff's random jitter (what the worker runs; tests that
    /// check delays to the second leave it off).
    pub fn with_jitter(mut self) -> Self {
        self.jitter = true;
        self
    }

    /// The same consumer, claiming only jobs of `kinds` (a process that runs some modules'
    /// jobs and must leave the others queued, e.g. a test of one module).
    pub fn only_kinds(mut self, kinds: &[&str]) -> Self {
        self.kinds = Some(kinds.join(","));
        self
    }

    fn now(&self) -> DateTime<Utc> {
        to_db_precision(self.clock.now())
    }
}

/// The guarded updates touch the row only while `job`'s lease holds; none touched means another
/// worker took the job over.
fn held(result: &sqlx::mysql::MySqlQueryResult, job: &Job) -> Result<(), QueueError> {
    if result.rows_affected() == 0 { Err(QueueError::LeaseLost(job.id)) } else { Ok(()) }
}

/// What `last_error` keeps of a failure: masked like a log line (an SMTP refusal quotes the
/// recipient), and short.
fn error_text(error: &str) -> String {
    crate::telemetry::mask(error).chars().take(2000).collect()
}

impl DbQueue {
    /// Leases up to `max` runnable jobs (at most [`CLAIM_BATCH`]) in one transaction: one commit
    /// for the batch, where a commit per job bounded a worker to one job per log flush.
    async fn claim_batch_once(&self, max: usize) -> Result<Vec<Job>, QueueError> {
        let max = max.clamp(1, CLAIM_BATCH);
        let now = self.now();
        let mut conn = self.pool.acquire().await?;
        // Read committed: the claim must not take gap locks that would serialize workers.
        sqlx::query!("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").execute(&mut *conn).await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        // Two index ranges, each read in order up to its first `max` unlocked rows: jobs whose
        // worker died (their lease expired) first, then the oldest due ones. (One statement
        // with `OR` of both sorted every candidate on each claim: jobs/s fell with the backlog.)
        let mut rows = Vec::with_capacity(max);
        for row in self.expired(&mut tx, now, max).await? {
            if row.attempts >= row.max_attempts {
                // Its last attempt died with its worker: nothing left to try.
                kill_abandoned(&mut tx, row.id, now).await?;
            } else {
                rows.push(row);
            }
        }
        if rows.len() < max {
            rows.extend(self.due(&mut tx, now, max - rows.len()).await?);
        }
        let Some(first) = rows.first() else {
            tx.commit().await?;
            return Ok(Vec::new());
        };
        // The id list has a fixed width, so that the statement is checked at build: the ids
        // claimed, then the first one again.
        let mut ids = [first.id; CLAIM_BATCH];
        for (slot, row) in ids.iter_mut().zip(&rows) {
            *slot = row.id;
        }
        let lease = new_lease(&self.worker_id);
        let locked_until = lease_end(now, self.lease);
        sqlx::query!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = ?, locked_by = ?, updated_at = ?
             WHERE id IN (?, ?, ?, ?, ?, ?, ?, ?)",
            locked_until,
            lease,
            now,
            ids[0],
            ids[1],
            ids[2],
            ids[3],
            ids[4],
            ids[5],
            ids[6],
            ids[7]
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|row| Job {
                id: row.id,
                kind: row.kind,
                payload: row.payload,
                dedup_key: row.dedup_key,
                attempt: row.attempts + 1,
                max_attempts: row.max_attempts,
                lease: lease.clone(),
            })
            .collect())
    }

    fn jitter_factor(&self) -> f64 {
        if self.jitter { rand::random::<f64>() } else { NO_JITTER }
    }
}

/// A fresh lease token of `worker_id`.
pub(super) fn new_lease(worker_id: &str) -> String {
    format!("{worker_id}/{}", Uuid::now_v7())
}

/// When a lease of `lease` taken at `now` ends.
pub(super) fn lease_end(now: DateTime<Utc>, lease: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5))
}

impl DbQueue {
    /// The oldest `limit` running jobs whose lease expired, locked (`jobs_lease_idx`).
    async fn expired(&self, tx: &mut sqlx::MySqlConnection, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClaimRow>, sqlx::Error> {
        sqlx::query_as!(
            ClaimRow,
            r#"SELECT id AS "id: _", kind, payload, dedup_key, attempts, max_attempts FROM jobs
             WHERE status = 'running' AND locked_until <= ? AND (? IS NULL OR FIND_IN_SET(kind, ?) > 0)
             ORDER BY locked_until, id LIMIT ? FOR UPDATE SKIP LOCKED"#,
            now,
            self.kinds,
            self.kinds,
            limit_param(limit)
        )
        .fetch_all(&mut *tx)
        .await
    }

    /// The oldest `limit` queued jobs that are due, locked (`jobs_claim_idx`).
    async fn due(&self, tx: &mut sqlx::MySqlConnection, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClaimRow>, sqlx::Error> {
        sqlx::query_as!(
            ClaimRow,
            r#"SELECT id AS "id: _", kind, payload, dedup_key, attempts, max_attempts FROM jobs
             WHERE status = 'queued' AND run_at <= ? AND (? IS NULL OR FIND_IN_SET(kind, ?) > 0)
             ORDER BY run_at, id LIMIT ? FOR UPDATE SKIP LOCKED"#,
            now,
            self.kinds,
            self.kinds,
            limit_param(limit)
        )
        .fetch_all(&mut *tx)
        .await
    }
}

/// A claim's `LIMIT` (at most [`CLAIM_BATCH`]).
fn limit_param(limit: usize) -> u32 {
    u32::try_from(limit.min(CLAIM_BATCH)).unwrap_or(1)
}

/// Marks dead a job whose last attempt died with its worker, inside the claim's transaction.
pub(super) async fn kill_abandoned(conn: &mut sqlx::MySqlConnection, id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE jobs SET status = 'dead', locked_until = NULL, locked_by = NULL, finished_at = ?, updated_at = ?,
         last_error = ? WHERE id = ?",
        now,
        now,
        ABANDONED,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The reason of a job whose last attempt died with its worker.
pub(super) const ABANDONED: &str = "the worker running the last attempt stopped before finishing";

/// Records `job` done while its lease holds; with `erase_payload`, `{}` replaces the payload.
pub(super) async fn complete_row<'c>(
    conn: impl sqlx::MySqlExecutor<'c>,
    job: &Job,
    erase_payload: bool,
    now: DateTime<Utc>,
) -> Result<(), QueueError> {
    let result = sqlx::query!(
        "UPDATE jobs SET status = 'done', locked_until = NULL, locked_by = NULL, last_error = NULL, finished_at = ?, updated_at = ?,
             payload = IF(?, JSON_OBJECT(), payload)
         WHERE id = ? AND status = 'running' AND locked_by = ?",
        now,
        now,
        erase_payload,
        job.id,
        job.lease
    )
    .execute(conn)
    .await?;
    held(&result, job)
}

/// Records a failure of `job` while its lease holds: queued again at the retry's instant, or
/// dead. A retried job is unrelayed again (`relayed_at` NULL): with SQS the relay publishes it
/// anew when it is due, whatever became of the message that failed.
pub(super) async fn fail_row(pool: &MySqlPool, job: &Job, error: &str, retry: Retry, now: DateTime<Utc>) -> Result<(), QueueError> {
    let (status, run_at, finished_at) = match retry {
        Retry::At(at) => (JobStatus::Queued, Some(at), None),
        Retry::Dead => (JobStatus::Dead, None, Some(now)),
    };
    let result = sqlx::query!(
        "UPDATE jobs SET status = ?, run_at = COALESCE(?, run_at), finished_at = ?, locked_until = NULL, locked_by = NULL,
         relayed_at = IF(?, NULL, relayed_at), last_error = ?, updated_at = ?
         WHERE id = ? AND status = 'running' AND locked_by = ?",
        status,
        run_at,
        finished_at,
        matches!(retry, Retry::At(_)),
        error_text(error),
        now,
        job.id,
        job.lease
    )
    .execute(pool)
    .await?;
    held(&result, job)
}

/// Gives `job` back while its lease holds: queued, runnable at once, the attempt not counted.
pub(super) async fn release_row(pool: &MySqlPool, job: &Job, now: DateTime<Utc>) -> Result<(), QueueError> {
    let result = sqlx::query!(
        "UPDATE jobs SET status = 'queued', attempts = GREATEST(attempts, 1) - 1, run_at = ?, locked_until = NULL, locked_by = NULL, updated_at = ?
         WHERE id = ? AND status = 'running' AND locked_by = ?",
        now,
        now,
        job.id,
        job.lease
    )
    .execute(pool)
    .await?;
    held(&result, job)
}

/// Completions waiting for their group commit. A commit is a log flush, which costs more than a
/// short job: while one group commits, the jobs finishing meanwhile queue up for the next, which
/// records them all in one transaction. Each caller still returns only once its row is committed.
#[derive(Debug, Default)]
struct Completions(OnceLock<mpsc::UnboundedSender<Completion>>);

/// A job done, waiting to be recorded.
#[derive(Debug)]
struct Completion {
    job: Job,
    erase_payload: bool,
    now: DateTime<Utc>,
    done: oneshot::Sender<Result<(), QueueError>>,
}

/// Completions one transaction records at most.
const COMPLETION_GROUP: usize = 64;

/// Records the completions as they come, in groups; ends when every sender is gone.
async fn record_completions(pool: MySqlPool, mut waiting: mpsc::UnboundedReceiver<Completion>) {
    let mut group = Vec::with_capacity(COMPLETION_GROUP);
    while waiting.recv_many(&mut group, COMPLETION_GROUP).await > 0 {
        let results = match group.as_slice() {
            [one] => vec![retrying(|| complete_row(&pool, &one.job, one.erase_payload, one.now)).await],
            _ => match retrying(|| complete_rows(&pool, &group)).await {
                Ok(results) => results,
                // Recorded one by one instead, each with its own error.
                Err(_) => {
                    let mut results = Vec::with_capacity(group.len());
                    for c in &group {
                        results.push(retrying(|| complete_row(&pool, &c.job, c.erase_payload, c.now)).await);
                    }
                    results
                }
            },
        };
        for (completion, result) in group.drain(..).zip(results) {
            // Its caller may have stopped waiting; the row is recorded all the same.
            let _ = completion.done.send(result);
        }
    }
}

/// Records `group` done in one transaction: for each job, done or [`QueueError::LeaseLost`].
async fn complete_rows(pool: &MySqlPool, group: &[Completion]) -> Result<Vec<Result<(), QueueError>>, QueueError> {
    let mut tx = pool.begin().await?;
    let mut results = Vec::with_capacity(group.len());
    for c in group {
        results.push(match complete_row(&mut *tx, &c.job, c.erase_payload, c.now).await {
            Err(QueueError::Store(e)) => return Err(QueueError::Store(e)),
            other => other,
        });
    }
    tx.commit().await?;
    Ok(results)
}

// InnoDB may pick any of several workers claiming and finishing jobs at once as a deadlock
// victim; the statement is then simply tried again.
#[async_trait]
impl Queue for DbQueue {
    async fn claim(&self) -> Result<Option<Job>, QueueError> {
        Ok(self.claim_batch(1).await?.pop())
    }

    async fn claim_batch(&self, max: usize) -> Result<Vec<Job>, QueueError> {
        retrying(|| self.claim_batch_once(max)).await
    }

    async fn complete(&self, job: &Job, erase_payload: bool) -> Result<(), QueueError> {
        let now = self.now();
        let (done, recorded) = oneshot::channel();
        let group = self.completions.0.get_or_init(|| {
            let (sender, waiting) = mpsc::unbounded_channel();
            tokio::spawn(record_completions(self.pool.clone(), waiting));
            sender
        });
        let completion = Completion { job: job.clone(), erase_payload, now, done };
        if group.send(completion).is_ok()
            && let Ok(result) = recorded.await
        {
            return result;
        }
        // The task recording the groups is gone (its runtime is stopping): record it alone.
        retrying(|| complete_row(&self.pool, job, erase_payload, now)).await
    }

    async fn fail(&self, job: &Job, error: &str, permanent: bool) -> Result<Retry, QueueError> {
        let now = self.now();
        let retry = next_retry(job, permanent, &self.backoff, self.jitter_factor(), now);
        retrying(|| fail_row(&self.pool, job, error, retry, now)).await?;
        Ok(retry)
    }

    async fn release(&self, job: &Job) -> Result<(), QueueError> {
        let now = self.now();
        retrying(|| release_row(&self.pool, job, now)).await
    }
}

/// Runs a queue operation again while it fails with a transient database error.
pub(super) async fn retrying<T, F, Fut>(operation: F) -> Result<T, QueueError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, QueueError>>,
{
    crate::db::retry_transient(operation, |error| match error {
        QueueError::Store(e) => Some(e),
        QueueError::LeaseLost(_) | QueueError::Sqs(_) => None,
    })
    .await
}

/// One row of `jobs list`. The payload is left out: it may hold personal data.
#[derive(Debug, Clone, Serialize)]
pub struct JobSummary {
    /// Job id.
    pub id: Uuid,
    /// Kind.
    pub kind: String,
    /// Where it stands.
    pub status: JobStatus,
    /// Attempts made.
    pub attempts: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// Next run (queued) or when it was last scheduled.
    pub run_at: DateTime<Utc>,
    /// Last failure, if any.
    pub last_error: Option<String>,
}

/// The newest jobs that are not done, or only the dead ones.
pub async fn list(pool: &MySqlPool, dead_only: bool, limit: u32) -> Result<Vec<JobSummary>, sqlx::Error> {
    list_of_kind(pool, dead_only, None, limit).await
}

/// [`list`], of one kind only when `kind` is given.
pub async fn list_of_kind(pool: &MySqlPool, dead_only: bool, kind: Option<&str>, limit: u32) -> Result<Vec<JobSummary>, sqlx::Error> {
    sqlx::query_as!(
        JobSummary,
        r#"SELECT id AS "id: _", kind, status AS "status: _", attempts, max_attempts, run_at AS "run_at: _", last_error FROM jobs
           WHERE (status = 'dead' OR (NOT ? AND status IN ('queued', 'running'))) AND (? IS NULL OR kind = ?)
           ORDER BY run_at DESC LIMIT ?"#,
        dead_only,
        kind,
        kind,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Puts a dead job back in the queue with a fresh set of attempts, unrelayed (with SQS the relay
/// publishes it again). False when no dead job has that id.
pub async fn retry(pool: &MySqlPool, id: Uuid, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let now = to_db_precision(now);
    let result = sqlx::query!(
        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = ?, finished_at = NULL, relayed_at = NULL, updated_at = ?
         WHERE id = ? AND status = 'dead'",
        now,
        now,
        id
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// [`retry`] for every dead job; returns their ids.
pub async fn retry_all_dead(pool: &MySqlPool, now: DateTime<Utc>) -> Result<Vec<Uuid>, sqlx::Error> {
    let now = to_db_precision(now);
    let mut tx = pool.begin().await?;
    let ids = sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM jobs WHERE status = 'dead' ORDER BY run_at FOR UPDATE"#)
        .fetch_all(&mut *tx)
        .await?;
    sqlx::query!(
        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = ?, finished_at = NULL, relayed_at = NULL, updated_at = ?
         WHERE status = 'dead'",
        now,
        now
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ids)
}

/// Puts back a job that is not dead but that no message carries any more — its SQS message went
/// to the dead-letter queue through the redrive policy (its workers kept crashing): queued, or
/// running under an expired lease. Fresh attempts, unrelayed. False for any other job (done,
/// dead, or running under a live lease).
pub async fn requeue_stranded(pool: &MySqlPool, id: Uuid, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let now = to_db_precision(now);
    let result = sqlx::query!(
        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = ?, locked_until = NULL, locked_by = NULL, relayed_at = NULL,
         updated_at = ? WHERE id = ? AND (status = 'queued' OR (status = 'running' AND locked_until <= ?))",
        now,
        now,
        id,
        now
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Jobs waiting or running; also the readiness probe of the embedded queue.
pub async fn depth(pool: &MySqlPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!("SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')").fetch_one(pool).await
}

/// How long the oldest due queued job has waited past its `run_at` (zero when none waits).
pub async fn queue_lag(pool: &MySqlPool, now: DateTime<Utc>) -> Result<Duration, sqlx::Error> {
    let now = to_db_precision(now);
    let oldest =
        sqlx::query_scalar!(r#"SELECT MIN(run_at) AS "oldest: DateTime<Utc>" FROM jobs WHERE status = 'queued' AND run_at <= ?"#, now)
            .fetch_one(pool)
            .await?;
    Ok(age(oldest, now))
}

/// `now − since`, zero when `since` is absent or later.
pub(super) fn age(since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Duration {
    since.and_then(|since| (now - since).to_std().ok()).unwrap_or_default()
}
