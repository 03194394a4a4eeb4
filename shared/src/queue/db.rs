//! The embedded queue: workers claim rows of the `jobs` table with `FOR UPDATE SKIP LOCKED`, so
//! two workers never take the same job, and a lease (`locked_until`) hands the job of a crashed
//! worker to another one once it expires.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::MySqlPool;
use uuid::Uuid;

use super::{Backoff, Job, JobStatus, Queue, QueueError, Retry};
use crate::time::{Clock, to_db_precision};

/// The `jobs`-table consumer.
#[derive(Debug, Clone)]
pub struct DbQueue {
    pool: MySqlPool,
    clock: Arc<dyn Clock>,
    worker_id: String,
    lease: Duration,
    backoff: Backoff,
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
    status: JobStatus,
}

impl DbQueue {
    /// A consumer named `worker_id` whose claims last `lease`.
    pub fn new(pool: MySqlPool, clock: Arc<dyn Clock>, worker_id: impl Into<String>, lease: Duration, backoff: Backoff) -> Self {
        Self { pool, clock, worker_id: worker_id.into(), lease, backoff, kinds: None }
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
    async fn claim_once(&self) -> Result<Option<Job>, QueueError> {
        loop {
            let now = self.now();
            let mut conn = self.pool.acquire().await?;
            // Read committed: the claim must not take gap locks that would serialize workers.
            sqlx::query!("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").execute(&mut *conn).await?;
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            let row = match &self.kinds {
                None => {
                    sqlx::query_as!(
                        ClaimRow,
                        r#"SELECT id AS "id: _", kind, payload, dedup_key, attempts, max_attempts, status AS "status: _" FROM jobs
                         WHERE (status = 'queued' AND run_at <= ?) OR (status = 'running' AND locked_until <= ?)
                         ORDER BY run_at, id LIMIT 1
                         FOR UPDATE SKIP LOCKED"#,
                        now,
                        now
                    )
                    .fetch_optional(&mut *tx)
                    .await?
                }
                Some(kinds) => {
                    sqlx::query_as!(
                        ClaimRow,
                        r#"SELECT id AS "id: _", kind, payload, dedup_key, attempts, max_attempts, status AS "status: _" FROM jobs
                         WHERE ((status = 'queued' AND run_at <= ?) OR (status = 'running' AND locked_until <= ?))
                           AND FIND_IN_SET(kind, ?) > 0
                         ORDER BY run_at, id LIMIT 1
                         FOR UPDATE SKIP LOCKED"#,
                        now,
                        now,
                        kinds
                    )
                    .fetch_optional(&mut *tx)
                    .await?
                }
            };
            let Some(row) = row else {
                tx.commit().await?;
                return Ok(None);
            };
            let id = row.id;
            if row.status == JobStatus::Running && row.attempts >= row.max_attempts {
                // Its last attempt died with its worker: nothing left to try.
                sqlx::query!(
                    "UPDATE jobs SET status = 'dead', locked_until = NULL, locked_by = NULL, finished_at = ?, updated_at = ?,
                     last_error = 'the worker running the last attempt stopped before finishing' WHERE id = ?",
                    now,
                    now,
                    id
                )
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                continue;
            }
            let lease = format!("{}/{}", self.worker_id, Uuid::now_v7());
            let locked_until = now + chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::minutes(5));
            sqlx::query!(
                "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = ?, locked_by = ?, updated_at = ? WHERE id = ?",
                locked_until,
                lease,
                now,
                id
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(Some(Job {
                id,
                kind: row.kind,
                payload: row.payload,
                dedup_key: row.dedup_key,
                attempt: row.attempts + 1,
                max_attempts: row.max_attempts,
                lease,
            }));
        }
    }

    async fn complete_once(&self, job: &Job, erase_payload: bool) -> Result<(), QueueError> {
        let now = self.now();
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
        .execute(&self.pool)
        .await?;
        held(&result, job)?;
        Ok(())
    }

    async fn fail_once(&self, job: &Job, error: &str, permanent: bool) -> Result<Retry, QueueError> {
        let now = self.now();
        let retry = if permanent || job.attempt >= job.max_attempts {
            Retry::Dead
        } else {
            let delay = chrono::Duration::from_std(self.backoff.delay(job.attempt)).unwrap_or(chrono::Duration::hours(1));
            Retry::At(now + delay)
        };
        let (status, run_at, finished_at) = match retry {
            Retry::At(at) => (JobStatus::Queued, Some(at), None),
            Retry::Dead => (JobStatus::Dead, None, Some(now)),
        };
        let result = sqlx::query!(
            "UPDATE jobs SET status = ?, run_at = COALESCE(?, run_at), finished_at = ?, locked_until = NULL, locked_by = NULL,
             last_error = ?, updated_at = ? WHERE id = ? AND status = 'running' AND locked_by = ?",
            status,
            run_at,
            finished_at,
            error_text(error),
            now,
            job.id,
            job.lease
        )
        .execute(&self.pool)
        .await?;
        held(&result, job)?;
        Ok(retry)
    }

    async fn release_once(&self, job: &Job) -> Result<(), QueueError> {
        let now = self.now();
        let result = sqlx::query!(
            "UPDATE jobs SET status = 'queued', attempts = GREATEST(attempts, 1) - 1, run_at = ?, locked_until = NULL, locked_by = NULL, updated_at = ?
             WHERE id = ? AND status = 'running' AND locked_by = ?",
            now,
            now,
            job.id,
            job.lease
        )
        .execute(&self.pool)
        .await?;
        held(&result, job)?;
        Ok(())
    }
}

// InnoDB may pick any of several workers claiming and finishing jobs at once as a deadlock
// victim; the statement is then simply tried again.
#[async_trait]
impl Queue for DbQueue {
    async fn claim(&self) -> Result<Option<Job>, QueueError> {
        retrying(|| self.claim_once()).await
    }

    async fn complete(&self, job: &Job, erase_payload: bool) -> Result<(), QueueError> {
        retrying(|| self.complete_once(job, erase_payload)).await
    }

    async fn fail(&self, job: &Job, error: &str, permanent: bool) -> Result<Retry, QueueError> {
        retrying(|| self.fail_once(job, error, permanent)).await
    }

    async fn release(&self, job: &Job) -> Result<(), QueueError> {
        retrying(|| self.release_once(job)).await
    }
}

async fn retrying<T, F, Fut>(operation: F) -> Result<T, QueueError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, QueueError>>,
{
    crate::db::retry_transient(operation, |error| match error {
        QueueError::Store(e) => Some(e),
        QueueError::LeaseLost(_) => None,
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
    sqlx::query_as!(
        JobSummary,
        r#"SELECT id AS "id: _", kind, status AS "status: _", attempts, max_attempts, run_at AS "run_at: _", last_error FROM jobs
           WHERE status = 'dead' OR (NOT ? AND status IN ('queued', 'running')) ORDER BY run_at DESC LIMIT ?"#,
        dead_only,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Puts a dead job back in the queue with a fresh set of attempts. False when no dead job has
/// that id.
pub async fn retry(pool: &MySqlPool, id: Uuid, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let now = to_db_precision(now);
    let result = sqlx::query!(
        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = ?, finished_at = NULL, updated_at = ? WHERE id = ? AND status = 'dead'",
        now,
        now,
        id
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Jobs waiting or running; also the readiness probe of the embedded queue.
pub async fn depth(pool: &MySqlPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!("SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')").fetch_one(pool).await
}
