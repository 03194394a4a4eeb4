//! What a job does: typed job kinds, the handlers modules register for them, and the schedules
//! that enqueue jobs periodically. The worker only runs what modules register here (DESIGN §7).
//!
//! A kind is a payload type implementing [`JobSpec`]: its `KIND` names it in the `jobs` table
//! and its serde form is the payload. A module registers a [`Handle`] for each kind it owns with
//! [`JobHandlers::on`]; the payload is decoded before the handler sees it, and a payload that does
//! not decode, like a kind nobody handles, is a [`JobError::Permanent`]: the job is dead at once,
//! with the reason, for ops to see in `ycyw-worker jobs list --dead`.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use uuid::Uuid;

use crate::queue::{Job, NewJob, Queue, QueueError, Retry};

/// A kind of job and its payload.
pub trait JobSpec: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The kind's name in the `jobs` table (`send_email`, `issue_refund`, …).
    const KIND: &'static str;

    /// True when the payload is only needed to do the job (it holds personal data or a
    /// credential, like a mail's address and link token): the queue erases it once the job is
    /// done, keeping the row's bookkeeping only.
    const ERASE_WHEN_DONE: bool = false;

    /// This payload as a job to enqueue, runnable now.
    fn to_job(&self) -> Result<NewJob, serde_json::Error> {
        Ok(NewJob::new(Self::KIND, serde_json::to_value(self)?))
    }
}

/// Why a job failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Retrying may succeed (network, remote 5xx, lock timeout).
    #[error("{0:#}")]
    Retryable(anyhow::Error),
    /// Retrying cannot succeed (undecodable payload, unknown kind, refused address): the job is
    /// dead at once.
    #[error("{0:#}")]
    Permanent(anyhow::Error),
}

impl JobError {
    /// True when the job must not be tried again.
    pub fn is_permanent(&self) -> bool {
        matches!(self, JobError::Permanent(_))
    }
}

/// Runs jobs of one kind, whatever their payload (the decoded form is [`Handle`]).
#[async_trait]
pub trait JobHandler: Send + Sync {
    /// Does the job's work.
    async fn handle(&self, job: &Job) -> Result<(), JobError>;

    /// Whether the payload is erased once the job is done ([`JobSpec::ERASE_WHEN_DONE`]).
    fn erase_when_done(&self) -> bool {
        false
    }
}

/// Runs jobs of the kind `P`, given their decoded payload. Handlers are idempotent or guarded by
/// state checks: a job may run again after a crash (at-least-once delivery).
#[async_trait]
pub trait Handle<P: JobSpec>: Send + Sync + 'static {
    /// Does the work of one job.
    async fn handle(&self, payload: P, job: &Job) -> Result<(), JobError>;
}

struct Typed<P, H> {
    handler: H,
    payload: PhantomData<fn() -> P>,
}

#[async_trait]
impl<P: JobSpec, H: Handle<P>> JobHandler for Typed<P, H> {
    async fn handle(&self, job: &Job) -> Result<(), JobError> {
        let payload = decode::<P>(&job.payload).map_err(JobError::Permanent)?;
        self.handler.handle(payload, job).await
    }

    fn erase_when_done(&self) -> bool {
        P::ERASE_WHEN_DONE
    }
}

/// Decodes a stored payload. The reason of a failure never quotes the payload (it may hold
/// personal data): it says what kind of error happened and where.
pub fn decode<P: JobSpec>(raw: &str) -> Result<P, anyhow::Error> {
    serde_json::from_str(raw).map_err(|e| {
        let message = e.to_string();
        let what = if message.starts_with("missing field") {
            message.split(" at line ").next().unwrap_or("missing field").to_string()
        } else {
            format!("{:?} error", e.classify()).to_lowercase()
        };
        anyhow::anyhow!("the payload of this {} job does not decode: {what} at line {} column {}", P::KIND, e.line(), e.column())
    })
}

/// The handlers of a process, by kind.
#[derive(Clone, Default)]
pub struct JobHandlers(BTreeMap<&'static str, Arc<dyn JobHandler>>);

impl std::fmt::Debug for JobHandlers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("JobHandlers").field(&self.kinds()).finish()
    }
}

/// Two modules registered a handler for the same kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("two handlers for job kind {0}")]
pub struct DuplicateKind(pub &'static str);

impl JobHandlers {
    /// Registers `handler` for the jobs of kind `P`.
    pub fn on<P: JobSpec>(mut self, handler: impl Handle<P>) -> Self {
        self.0.insert(P::KIND, Arc::new(Typed { handler, payload: PhantomData }));
        self
    }

    /// Takes every handler of `other`; a kind registered twice is an error.
    pub fn merge(&mut self, other: JobHandlers) -> Result<(), DuplicateKind> {
        for (kind, handler) in other.0 {
            if self.0.insert(kind, handler).is_some() {
                return Err(DuplicateKind(kind));
            }
        }
        Ok(())
    }

    /// The handler of `kind`.
    pub fn get(&self, kind: &str) -> Option<&Arc<dyn JobHandler>> {
        self.0.get(kind)
    }

    /// The kinds handled, sorted.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.0.keys().copied().collect()
    }

    /// Whether jobs of `kind` have their payload erased once done.
    pub fn erase_when_done(&self, kind: &str) -> bool {
        self.get(kind).is_some_and(|handler| handler.erase_when_done())
    }

    /// Runs `job` with the handler of its kind; an unknown kind is a permanent failure.
    pub async fn run(&self, job: &Job) -> Result<(), JobError> {
        match self.get(&job.kind) {
            Some(handler) => handler.handle(job).await,
            None => Err(JobError::Permanent(anyhow::anyhow!("no handler for job kind {:?}", job.kind))),
        }
    }
}

/// What became of one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Completed,
    /// Failed; runs again later.
    Retrying,
    /// Failed for good; waits for ops.
    Dead,
    /// Another worker took it over (our lease expired); nothing recorded.
    LeaseLost,
}

/// One executed job.
#[derive(Debug, Clone)]
pub struct Execution {
    /// The job.
    pub job_id: Uuid,
    /// Its kind.
    pub kind: String,
    /// What became of it.
    pub outcome: Outcome,
}

/// Runs `job` with the handler of its kind and records the outcome in `queue` (done, with its
/// payload erased when the kind asks; retried later; or dead). The worker's loop and the tests
/// run jobs through this one function.
pub async fn execute(queue: &dyn Queue, handlers: &JobHandlers, job: &Job) -> Result<Execution, QueueError> {
    test_pause(PausePoint::BeforeHandler, job).await;
    let result = handlers.run(job).await;
    test_pause(PausePoint::AfterHandler, job).await;
    let recorded = match &result {
        Ok(()) => queue.complete(job, handlers.erase_when_done(&job.kind)).await.map(|()| Outcome::Completed),
        Err(error) => queue.fail(job, &error.to_string(), error.is_permanent()).await.map(|retry| match retry {
            Retry::At(_) => Outcome::Retrying,
            Retry::Dead => Outcome::Dead,
        }),
    };
    let outcome = match recorded {
        Ok(outcome) => outcome,
        Err(QueueError::LeaseLost(_)) => Outcome::LeaseLost,
        Err(e) => return Err(e),
    };
    match (&outcome, &result) {
        (Outcome::Completed, _) => {
            tracing::info!(job_id = %job.id, kind = %job.kind, attempt = job.attempt, "job completed")
        }
        (_, Err(error)) => {
            tracing::warn!(job_id = %job.id, kind = %job.kind, attempt = job.attempt, outcome = ?outcome, error = %error, "job failed")
        }
        _ => {
            tracing::warn!(job_id = %job.id, kind = %job.kind, outcome = ?outcome, "job outcome not recorded")
        }
    }
    Ok(Execution { job_id: job.id, kind: job.kind.clone(), outcome })
}

/// Where [`execute`] may pause for a crash-safety test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PausePoint {
    /// The job is claimed (leased), its handler not started.
    BeforeHandler,
    /// The handler is done (its effect made), the outcome not recorded in the queue yet.
    AfterHandler,
}

/// A pause of [`execute`] at one point for one kind, from `JOB_TEST_PAUSE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestPause {
    /// Where.
    pub point: PausePoint,
    /// The kind of the jobs paused.
    pub kind: String,
    /// How long.
    pub pause: Duration,
}

impl TestPause {
    /// Parses `before_handler|after_handler:<kind>:<milliseconds>`.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.trim().splitn(3, ':');
        let point = match parts.next()? {
            "before_handler" => PausePoint::BeforeHandler,
            "after_handler" => PausePoint::AfterHandler,
            _ => return None,
        };
        let kind = parts.next().filter(|k| !k.is_empty())?.to_string();
        let pause = Duration::from_millis(parts.next()?.parse().ok()?);
        Some(Self { point, kind, pause })
    }

    /// The pause the environment asks for: `JOB_TEST_PAUSE`, honoured only when `APP_ENV` is
    /// `dev` or `test` — a production worker never pauses, whatever its environment says.
    fn from_env() -> Option<Self> {
        let env = crate::config::env_lookup("APP_ENV");
        if !matches!(env.as_deref(), Some("dev" | "test")) {
            return None;
        }
        let raw = crate::config::env_lookup("JOB_TEST_PAUSE")?;
        let pause = Self::parse(&raw);
        if pause.is_none() {
            tracing::warn!("JOB_TEST_PAUSE is not before_handler|after_handler:<kind>:<milliseconds>: ignored");
        }
        pause
    }
}

/// The crash-safety tests' fault point (`JOB_TEST_PAUSE`): the worker stops for a while at
/// `point` of jobs of one kind, so that the test can SIGKILL it exactly there.
async fn test_pause(point: PausePoint, job: &Job) {
    static PAUSE: std::sync::OnceLock<Option<TestPause>> = std::sync::OnceLock::new();
    if let Some(pause) = PAUSE.get_or_init(TestPause::from_env)
        && pause.point == point
        && pause.kind == job.kind
    {
        tracing::warn!(job_id = %job.id, kind = %job.kind, ?point, millis = pause.pause.as_millis() as u64, "JOB_TEST_PAUSE: pausing");
        tokio::time::sleep(pause.pause).await;
    }
}

/// A job a module wants enqueued periodically (expire holds every minute, the daily retention
/// purge, …). The worker enqueues it once per period across all its instances: the job's dedup
/// key names the schedule and the period, so a second instance's enqueue is a no-op.
#[derive(Clone)]
pub struct Schedule {
    /// Unique name, e.g. `expire_holds`.
    pub name: &'static str,
    /// The period.
    pub every: Duration,
    /// The job of the period starting at the given instant.
    pub job: Arc<dyn Fn(DateTime<Utc>) -> NewJob + Send + Sync>,
}

impl std::fmt::Debug for Schedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schedule").field("name", &self.name).field("every", &self.every).finish_non_exhaustive()
    }
}

impl Schedule {
    /// Enqueues `job(period start)` every `every`.
    pub fn every(name: &'static str, every: Duration, job: impl Fn(DateTime<Utc>) -> NewJob + Send + Sync + 'static) -> Self {
        Self { name, every: every.max(Duration::from_secs(1)), job: Arc::new(job) }
    }

    /// The start of the period `now` falls in (periods are aligned on the Unix epoch).
    pub fn period_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let period = i64::try_from(self.every.as_millis()).unwrap_or(i64::MAX).max(1);
        let millis = now.timestamp_millis();
        DateTime::from_timestamp_millis(millis - millis.rem_euclid(period)).unwrap_or(now)
    }

    /// The job of the period `now` falls in, with the dedup key that makes it once per period.
    pub fn job_at(&self, now: DateTime<Utc>) -> NewJob {
        let start = self.period_start(now);
        (self.job)(start).dedup_key(format!("schedule:{}:{}", self.name, start.timestamp()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Ping {
        to: String,
    }

    impl JobSpec for Ping {
        const KIND: &'static str = "ping";
    }

    #[test]
    fn decoding_failures_never_quote_the_payload() {
        let wrong_type = decode::<Ping>(r#"{"to": ["ana@example.com"]}"#).unwrap_err().to_string();
        assert!(wrong_type.contains("ping") && wrong_type.contains("data error"), "{wrong_type}");
        assert!(!wrong_type.contains("ana@example.com"), "{wrong_type}");
        let missing = decode::<Ping>(r#"{"from": "ana@example.com"}"#).unwrap_err().to_string();
        assert!(missing.contains("missing field `to`") && !missing.contains("ana@"), "{missing}");
        assert_eq!(decode::<Ping>(r#"{"to": "x"}"#).unwrap(), Ping { to: "x".into() });
    }

    #[test]
    fn a_schedule_names_its_period_in_the_dedup_key() {
        let schedule = Schedule::every("tick", Duration::from_secs(60), |_| NewJob::new("tick", serde_json::json!({})));
        let at = |s| Utc.with_ymd_and_hms(2026, 3, 11, 9, 0, s).unwrap();
        assert_eq!(schedule.job_at(at(0)).dedup_key, schedule.job_at(at(59)).dedup_key);
        assert_ne!(schedule.job_at(at(59)).dedup_key, schedule.job_at(at(59) + chrono::Duration::seconds(1)).dedup_key);
        assert_eq!(schedule.period_start(at(42)), at(0));
    }

    #[test]
    fn a_test_pause_names_its_point_kind_and_length() {
        let pause = TestPause::parse("after_handler:send_email:2500").unwrap();
        assert_eq!(pause, TestPause { point: PausePoint::AfterHandler, kind: "send_email".into(), pause: Duration::from_millis(2500) });
        assert_eq!(TestPause::parse("before_handler:issue_refund:0").unwrap().point, PausePoint::BeforeHandler);
        for bad in ["", "after_handler", "after_handler::10", "during:send_email:10", "after_handler:send_email:soon"] {
            assert_eq!(TestPause::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn kinds_are_registered_once() {
        struct Nothing;
        #[async_trait]
        impl Handle<Ping> for Nothing {
            async fn handle(&self, _: Ping, _: &Job) -> Result<(), JobError> {
                Ok(())
            }
        }
        let mut handlers = JobHandlers::default().on::<Ping>(Nothing);
        assert_eq!(handlers.kinds(), vec!["ping"]);
        assert_eq!(handlers.merge(JobHandlers::default().on::<Ping>(Nothing)), Err(DuplicateKind("ping")));
    }
}
