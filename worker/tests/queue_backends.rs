#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Issue 14: one suite run against both queue backends. Each scenario runs as `<scenario>_db`
//! (the `jobs` table claimed with SKIP LOCKED) and `<scenario>_sqs` (the outbox relay to SQS in
//! moto, the SQS consumer, a fresh queue and dead-letter queue per test). The worker and the
//! relay are driven directly (`Worker::execute_next`, `Relay::pass`): nothing sleeps, the clock
//! is moved over backoffs, and loops end at a deadline.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::AppState;
use ycyw_shared::jobs::{Execution, Handle, JobError, JobHandlers, JobSpec};
use ycyw_shared::queue::db::DbQueue;
use ycyw_shared::queue::relay::Relay;
use ycyw_shared::queue::sqs::{DeadLetter, DeadLetters, SqsQueue, SqsSettings, job_reference};
use ycyw_shared::queue::{Backoff, Enqueued, Job, NewJob, Queue, enqueue};
use ycyw_shared::time::{Clock, ManualClock};
use ycyw_testkit::{TestQueues, database_url_of, free_port, run_to_end, test_epoch, test_settings};
use ycyw_worker::cli::{JobsOps, RetryTarget, SqsReady, list_jobs, render_listing, retry_jobs};
use ycyw_worker::metrics::QueueMetrics;
use ycyw_worker::worker::{Outcome, Worker};

const WORKER: &str = env!("CARGO_BIN_EXE_ycyw-worker");

/// Longer than SQS's 15 min delay horizon: a retried job is published only once the clock reaches it.
const BACKOFF: Backoff = Backoff { base: Duration::from_secs(30 * 60), max: Duration::from_secs(3600) };
const LEASE: Duration = Duration::from_secs(60);
const DEADLINE: Duration = Duration::from_secs(60);

/// The test kind: fails its first `fail_first` runs.
#[derive(Debug, Serialize, Deserialize)]
struct Probe {
    fail_first: u32,
}

impl JobSpec for Probe {
    const KIND: &'static str = "queue_probe";
}

type Runs = Arc<Mutex<HashMap<Uuid, u32>>>;

struct ProbeHandler(Runs);

#[async_trait]
impl Handle<Probe> for ProbeHandler {
    async fn handle(&self, probe: Probe, job: &Job) -> Result<(), JobError> {
        let run = {
            let mut runs = self.0.lock().unwrap();
            let run = runs.entry(job.id).or_default();
            *run += 1;
            *run
        };
        if run <= probe.fail_first {
            // What an SMTP refusal looks like: ops must never read the address.
            return Err(JobError::Retryable(anyhow::anyhow!("probe failure {run}: 450 <ana.silva@example.com> try later")));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Db,
    Sqs,
}

struct SqsSide {
    queues: TestQueues,
    consumer: SqsQueue,
}

struct Harness {
    pool: MySqlPool,
    clock: ManualClock,
    runs: Runs,
    worker: Worker,
    sqs: Option<SqsSide>,
}

impl Harness {
    async fn new(pool: MySqlPool, backend: Backend) -> Self {
        let clock = ManualClock::at(test_epoch());
        let runs = Runs::default();
        let handlers = JobHandlers::default().on::<Probe>(ProbeHandler(runs.clone()));
        let (queue, sqs): (Arc<dyn Queue>, _) = match backend {
            Backend::Db => (Arc::new(DbQueue::new(pool.clone(), Arc::new(clock.clone()), "test", LEASE, BACKOFF)), None),
            Backend::Sqs => {
                let queues = TestQueues::create(5).await;
                let settings = SqsSettings {
                    queue_url: queues.queue_url.clone(),
                    dlq_url: queues.dlq_url.clone(),
                    worker_id: "test".into(),
                    lease: LEASE,
                    backoff: BACKOFF,
                    jitter: false,
                    receive_wait: Duration::from_secs(1),
                    receive_batch: 10,
                };
                let consumer = SqsQueue::new(pool.clone(), Arc::new(clock.clone()), queues.client.clone(), settings);
                (Arc::new(consumer.clone()), Some(SqsSide { queues, consumer }))
            }
        };
        Self { pool, clock, runs, worker: Worker::new(queue, handlers), sqs }
    }

    fn relay(&self) -> Option<Relay> {
        let sqs = self.sqs.as_ref()?;
        Some(Relay::new(self.pool.clone(), Arc::new(self.clock.clone()), sqs.queues.client.clone(), sqs.queues.queue_url.clone()))
    }

    /// One relay pass (nothing to relay with the DB backend).
    async fn relay_pass(&self) -> usize {
        match self.relay() {
            Some(relay) => relay.pass().await.unwrap(),
            None => 0,
        }
    }

    async fn enqueue(&self, job: NewJob) -> Uuid {
        let mut tx = self.pool.begin().await.unwrap();
        let Enqueued::New(id) = enqueue(&mut tx, job, self.clock.now()).await.unwrap() else { panic!("duplicate") };
        tx.commit().await.unwrap();
        id
    }

    /// Relays and runs jobs until none is queued any more; when nothing is due, the clock jumps
    /// to the next job's `run_at` (a backoff going by).
    async fn drain(&self) -> Vec<Execution> {
        let started = Instant::now();
        let mut executed = Vec::new();
        loop {
            assert!(started.elapsed() < DEADLINE, "the queue did not drain: {executed:?}");
            self.relay_pass().await;
            if let Some(execution) = self.worker.execute_next().await.unwrap() {
                executed.push(execution);
                continue;
            }
            let next =
                sqlx::query_scalar!(r#"SELECT MIN(run_at) AS "next: chrono::DateTime<chrono::Utc>" FROM jobs WHERE status = 'queued'"#)
                    .fetch_one(&self.pool)
                    .await
                    .unwrap();
            match next {
                None => return executed,
                Some(at) if at > self.clock.now() => self.clock.set(at),
                // Due and not claimed yet: SQS has not handed its message out yet.
                Some(_) => {}
            }
        }
    }

    fn runs(&self, id: Uuid) -> u32 {
        self.runs.lock().unwrap().get(&id).copied().unwrap_or(0)
    }

    async fn row(&self, id: Uuid) -> (String, u32, Option<String>) {
        let row = sqlx::query!("SELECT status, attempts, last_error FROM jobs WHERE id = ?", id).fetch_one(&self.pool).await.unwrap();
        (row.status, row.attempts, row.last_error)
    }

    fn ops(&self) -> JobsOps {
        let dead_letters = self.sqs.as_ref().map(|sqs| DeadLetters::new(sqs.queues.client.clone(), sqs.queues.dlq_url.clone()));
        JobsOps { pool: self.pool.clone(), clock: Arc::new(self.clock.clone()), dead_letters }
    }

    /// The dead-letter queue's messages (none with the DB backend).
    async fn dead_letters(&self) -> Vec<DeadLetter> {
        match &self.sqs {
            Some(sqs) => DeadLetters::new(sqs.queues.client.clone(), sqs.queues.dlq_url.clone()).peek(100).await.unwrap(),
            None => Vec::new(),
        }
    }

    /// Asserts the jobs queue holds no message any more (every delivery settled).
    async fn assert_queue_empty(&self) {
        if let Some(sqs) = &self.sqs {
            assert_eq!(sqs.queues.count(&sqs.queues.queue_url).await, 0, "every message was deleted");
        }
    }
}

macro_rules! on_both_backends {
    ($($scenario:ident => $db:ident, $sqs:ident;)*) => {$(
        #[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
        async fn $db(pool: MySqlPool) {
            $scenario(Harness::new(pool, Backend::Db).await).await
        }

        #[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
        async fn $sqs(pool: MySqlPool) {
            $scenario(Harness::new(pool, Backend::Sqs).await).await
        }
    )*};
}

on_both_backends! {
    committed_job_runs_exactly_once => committed_job_runs_exactly_once_db, committed_job_runs_exactly_once_sqs;
    rolled_back_job_never_runs => rolled_back_job_never_runs_db, rolled_back_job_never_runs_sqs;
    failing_job_lands_dead => failing_job_lands_dead_db, failing_job_lands_dead_sqs;
    retried_dead_job_runs_again => retried_dead_job_runs_again_db, retried_dead_job_runs_again_sqs;
    poison_is_dead_at_once_with_its_reason => poison_is_dead_at_once_with_its_reason_db, poison_is_dead_at_once_with_its_reason_sqs;
    relay_crash_before_commit_runs_the_job_once => relay_crash_before_commit_runs_the_job_once_db, relay_crash_before_commit_runs_the_job_once_sqs;
    parallel_relays_publish_each_row_once => parallel_relays_publish_each_row_once_db, parallel_relays_publish_each_row_once_sqs;
    retry_all_dead_requeues_every_dead_job => retry_all_dead_requeues_every_dead_job_db, retry_all_dead_requeues_every_dead_job_sqs;
}

/// (a) A job committed in a transaction is delivered and run exactly once; with SQS its message
/// names the job and nothing else.
async fn committed_job_runs_exactly_once(h: Harness) {
    let id = h.enqueue(NewJob::new(Probe::KIND, json!({ "fail_first": 0, "email": "ana.silva@example.com" })).dedup_key("probe:1")).await;
    if let Some(sqs) = &h.sqs {
        assert_eq!(h.relay_pass().await, 1);
        let messages = sqs.queues.peek(&sqs.queues.queue_url).await;
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].body, job_reference(id), "only the job's id travels");
        assert!(!messages[0].body.contains("ana.silva"), "never the payload");
        assert_eq!(messages[0].attributes.get("kind").map(String::as_str), Some("queue_probe"));
        assert_eq!(messages[0].attributes.get("dedupKey").map(String::as_str), Some("probe:1"));
    }
    let executed = h.drain().await;
    assert_eq!(executed.iter().map(|e| (e.job_id, e.outcome.clone())).collect::<Vec<_>>(), vec![(id, Outcome::Completed)]);
    assert_eq!(h.runs(id), 1);
    assert_eq!(h.row(id).await.0, "done");
    h.assert_queue_empty().await;
    assert_eq!(h.worker.counters().counts().done, 1);
}

/// (b) A job enqueued in a transaction that rolls back is never delivered.
async fn rolled_back_job_never_runs(h: Harness) {
    let mut tx = h.pool.begin().await.unwrap();
    enqueue(&mut tx, NewJob::new(Probe::KIND, json!({ "fail_first": 0 })), h.clock.now()).await.unwrap();
    tx.rollback().await.unwrap();
    h.clock.advance(chrono::Duration::days(1));
    assert_eq!(h.relay_pass().await, 0, "nothing to publish");
    assert!(h.drain().await.is_empty());
    assert!(h.runs.lock().unwrap().is_empty());
    h.assert_queue_empty().await;
}

/// Enqueues a probe failing `fail_first` times with `max_attempts`, and drains the queue.
async fn dead_probe(h: &Harness, fail_first: u32, max_attempts: u32) -> Uuid {
    let id = h.enqueue(NewJob::new(Probe::KIND, json!({ "fail_first": fail_first })).max_attempts(max_attempts)).await;
    let outcomes: Vec<Outcome> = h.drain().await.into_iter().map(|e| e.outcome).collect();
    let mut expected = vec![Outcome::Retrying; (max_attempts - 1) as usize];
    expected.push(Outcome::Dead);
    assert_eq!(outcomes, expected);
    id
}

/// (c) A handler failing at each of its `max_attempts` attempts lands dead: the row (masked
/// reason) and, with SQS, its message in the dead-letter queue with the reason.
async fn failing_job_lands_dead(h: Harness) {
    let started = h.clock.now();
    let id = dead_probe(&h, 3, 3).await;
    assert_eq!(h.runs(id), 3);
    let (status, attempts, last_error) = h.row(id).await;
    assert_eq!((status.as_str(), attempts), ("dead", 3));
    assert_eq!(last_error.as_deref(), Some("probe failure 3: 450 <[email]> try later"));
    // Two backoffs went by, 30 and 60 min: each retry waited for its time.
    assert_eq!(h.clock.now() - started, chrono::Duration::minutes(90));
    assert_eq!(h.worker.counters().counts().failed, 2);
    h.assert_queue_empty().await;
    if h.sqs.is_some() {
        let letters = h.dead_letters().await;
        assert_eq!(letters.len(), 1, "{letters:?}");
        assert_eq!((letters[0].job_id, letters[0].kind.as_deref()), (Some(id), Some("queue_probe")));
        assert_eq!(letters[0].reason.as_deref(), Some("probe failure 3: 450 <[email]> try later"));
    }
}

/// (d) `jobs retry` (the library function the command calls) brings a dead job back with fresh
/// attempts; it then runs. A job that is not dead is refused.
async fn retried_dead_job_runs_again(h: Harness) {
    let id = dead_probe(&h, 2, 2).await;
    let retried = retry_jobs(&h.ops(), RetryTarget::Job(id)).await.unwrap();
    assert_eq!(retried.requeued, vec![id]);
    assert_eq!(retried.dead_letters_removed, usize::from(h.sqs.is_some()));
    assert_eq!(h.row(id).await.0, "queued");
    assert!(h.dead_letters().await.is_empty(), "its dead letter is gone");

    let executed = h.drain().await;
    assert_eq!(executed.iter().map(|e| e.outcome.clone()).collect::<Vec<_>>(), vec![Outcome::Completed]);
    assert_eq!((h.runs(id), h.row(id).await.0.as_str(), h.row(id).await.1), (3, "done", 1));
    h.assert_queue_empty().await;

    let err = retry_jobs(&h.ops(), RetryTarget::Job(id)).await.unwrap_err();
    assert_eq!(err.to_string(), format!("no dead job has id {id}"));
    let unknown = Uuid::now_v7();
    assert!(retry_jobs(&h.ops(), RetryTarget::Job(unknown)).await.is_err());
}

/// (e) A kind nobody handles and a payload that does not decode are dead at once, with the
/// reason; with SQS so is a message that is not a job reference.
async fn poison_is_dead_at_once_with_its_reason(h: Harness) {
    let unknown = h.enqueue(NewJob::new("no_such_kind", json!({}))).await;
    let undecodable = h.enqueue(NewJob::new(Probe::KIND, json!({ "fail_first": "ana.silva@example.com" }))).await;
    if let Some(sqs) = &h.sqs {
        sqs.queues.send_raw(&sqs.queues.queue_url, r#"{"to":"ana.silva@example.com"}"#).await;
    }
    let outcomes: Vec<Outcome> = h.drain().await.into_iter().map(|e| e.outcome).collect();
    assert_eq!(outcomes, vec![Outcome::Dead, Outcome::Dead]);
    assert!(h.runs.lock().unwrap().is_empty(), "no handler ran");

    let (status, attempts, reason) = h.row(unknown).await;
    assert_eq!((status.as_str(), attempts), ("dead", 1));
    assert_eq!(reason.as_deref(), Some(r#"no handler for job kind "no_such_kind""#));
    let (status, attempts, reason) = h.row(undecodable).await;
    let reason = reason.unwrap();
    assert_eq!((status.as_str(), attempts), ("dead", 1));
    assert!(reason.contains("does not decode") && !reason.contains("ana.silva"), "{reason}");
    h.assert_queue_empty().await;

    if let Some(sqs) = &h.sqs {
        assert_eq!(sqs.consumer.dead_on_delivery(), 1, "the poison message");
        let letters = h.dead_letters().await;
        assert_eq!(letters.len(), 3, "{letters:?}");
        let reason_of = |id: Option<Uuid>| letters.iter().find(|l| l.job_id == id).and_then(|l| l.reason.clone()).unwrap_or_default();
        assert_eq!(reason_of(Some(unknown)), r#"no handler for job kind "no_such_kind""#);
        assert!(reason_of(Some(undecodable)).contains("does not decode"));
        assert_eq!(reason_of(None), "poison message: the body is not a job reference");

        // What ops read: the jobs and the dead letters, masked, never a payload.
        let listing = render_listing(&list_jobs(&h.ops(), true, None, 50).await.unwrap());
        assert!(listing.contains("dead-letter queue: 3 message(s)") && listing.contains("(not a job reference)"), "{listing}");
        assert!(!listing.contains("ana.silva"), "{listing}");
        let only = list_jobs(&h.ops(), true, Some("no_such_kind"), 50).await.unwrap();
        assert_eq!(only.jobs.len(), 1);
        assert_eq!(only.dead_letters.map(|letters| letters.len()), Some(1));
    }
}

/// (f) A relay that crashes between its send and its commit publishes the row again: SQS holds
/// two messages for the job, which still runs once.
async fn relay_crash_before_commit_runs_the_job_once(h: Harness) {
    let id = h.enqueue(NewJob::new(Probe::KIND, json!({ "fail_first": 0 }))).await;
    if let Some(sqs) = &h.sqs {
        assert_eq!(h.relay_pass().await, 1);
        // The commit that would have recorded the send never happened.
        sqlx::query!("UPDATE jobs SET relayed_at = NULL WHERE id = ?", id).execute(&h.pool).await.unwrap();
        assert_eq!(h.relay_pass().await, 1, "published again");
        assert_eq!(sqs.queues.count(&sqs.queues.queue_url).await, 2);
    }
    let executed = h.drain().await;
    assert_eq!(executed.len(), 1, "{executed:?}");
    assert_eq!(h.runs(id), 1);
    assert_eq!(h.row(id).await.0, "done");
    h.assert_queue_empty().await;
}

/// (g) Two relays running at once publish each row once between them, and every job runs once.
async fn parallel_relays_publish_each_row_once(h: Harness) {
    let mut tx = h.pool.begin().await.unwrap();
    for _ in 0..35 {
        enqueue(&mut tx, NewJob::new(Probe::KIND, json!({ "fail_first": 0 })), h.clock.now()).await.unwrap();
    }
    tx.commit().await.unwrap();
    if let (Some(sqs), Some(first), Some(second)) = (&h.sqs, h.relay(), h.relay()) {
        let (a, b) = tokio::join!(first.pass(), second.pass());
        assert_eq!(a.unwrap() + b.unwrap(), 35, "each row published by one relay only");
        assert_eq!(sqs.queues.count(&sqs.queues.queue_url).await, 35);
        assert_eq!(h.relay_pass().await, 0, "nothing left to publish");
    }
    let executed = h.drain().await;
    assert_eq!(executed.len(), 35);
    let runs = h.runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 35);
    assert!(runs.values().all(|&n| n == 1), "{runs:?}");
    h.assert_queue_empty().await;
}

/// `jobs retry --all-dead` puts every dead job back; with SQS also a job whose message SQS's
/// redrive policy moved to the dead-letter queue after its workers kept crashing.
async fn retry_all_dead_requeues_every_dead_job(h: Harness) {
    let first = dead_probe(&h, 1, 1).await;
    let second = dead_probe(&h, 1, 1).await;
    let mut expected = vec![first, second];
    if let Some(sqs) = &h.sqs {
        // A job relayed, claimed, whose worker died, and whose message the redrive policy took.
        let stranded = h.enqueue(NewJob::new(Probe::KIND, json!({ "fail_first": 0 }))).await;
        assert_eq!(h.relay_pass().await, 1);
        let lost = h.clock.now() - chrono::Duration::minutes(5);
        sqlx::query!(
            "UPDATE jobs SET status = 'running', attempts = 1, locked_until = ?, locked_by = 'crashed' WHERE id = ?",
            lost,
            stranded
        )
        .execute(&h.pool)
        .await
        .unwrap();
        sqlx::query!("UPDATE jobs SET relayed_at = ? WHERE id = ?", lost, stranded).execute(&h.pool).await.unwrap();
        let client = &sqs.queues.client;
        let moved = client.receive_message().queue_url(&sqs.queues.queue_url).send().await.unwrap();
        let receipt = moved.messages()[0].receipt_handle().unwrap();
        client.delete_message().queue_url(&sqs.queues.queue_url).receipt_handle(receipt).send().await.unwrap();
        sqs.queues.send_raw(&sqs.queues.dlq_url, &job_reference(stranded)).await;
        sqs.queues.send_raw(&sqs.queues.dlq_url, "not a job").await;
        assert_eq!(h.dead_letters().await.len(), 4);
        expected.push(stranded);
    }
    let mut retried = retry_jobs(&h.ops(), RetryTarget::AllDead).await.unwrap();
    retried.requeued.sort_unstable();
    expected.sort_unstable();
    assert_eq!(retried.requeued, expected);
    if h.sqs.is_some() {
        assert_eq!(retried.dead_letters_removed, 3);
        let left = h.dead_letters().await;
        assert_eq!(left.len(), 1, "the poison letter stays for ops to read");
        assert_eq!(left[0].job_id, None);
    }
    let executed = h.drain().await;
    assert_eq!(executed.iter().filter(|e| e.outcome == Outcome::Completed).count(), expected.len(), "{executed:?}");
    for id in &expected {
        assert_eq!(h.row(*id).await.0, "done");
    }
    h.assert_queue_empty().await;
    assert!(retry_jobs(&h.ops(), RetryTarget::AllDead).await.unwrap().requeued.is_empty());
}

// ---------------------------------------------------------------- SQS only

/// A job running longer than half its lease keeps it: the heartbeat renews the row's lease and
/// the message's visibility, so no other worker takes it; a lost lease stops the renewals.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_long_job_keeps_its_lease_on_sqs(pool: MySqlPool) {
    let h = Harness::new(pool, Backend::Sqs).await;
    let sqs = h.sqs.as_ref().unwrap();
    let id = h.enqueue(NewJob::new(Probe::KIND, json!({ "fail_first": 0 }))).await;
    h.relay_pass().await;
    let job = sqs.consumer.claim().await.unwrap().unwrap();
    h.clock.advance(chrono::Duration::seconds(45));
    sqs.consumer.heartbeat(&job).await.unwrap();
    let until = sqlx::query_scalar!(r#"SELECT locked_until AS "until: chrono::DateTime<chrono::Utc>" FROM jobs WHERE id = ?"#, id)
        .fetch_one(&h.pool)
        .await
        .unwrap();
    assert_eq!(until, Some(h.clock.now() + chrono::Duration::from_std(LEASE).unwrap()));
    h.clock.advance(chrono::Duration::seconds(45));
    let other = SqsQueue::new(
        h.pool.clone(),
        Arc::new(h.clock.clone()),
        sqs.queues.client.clone(),
        SqsSettings {
            queue_url: sqs.queues.queue_url.clone(),
            dlq_url: sqs.queues.dlq_url.clone(),
            worker_id: "other".into(),
            lease: LEASE,
            backoff: BACKOFF,
            jitter: false,
            receive_wait: Duration::ZERO,
            receive_batch: 10,
        },
    );
    assert!(other.claim().await.unwrap().is_none(), "90 s after the claim the job is still ours");
    sqs.consumer.complete(&job, false).await.unwrap();
    assert!(sqs.consumer.heartbeat(&job).await.is_err(), "no lease to renew once done");
    h.assert_queue_empty().await;
}

/// `/health/ready` of a worker on SQS fails when its queue is unreachable.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn worker_readiness_checks_the_sqs_queue(pool: MySqlPool) {
    let h = Harness::new(pool.clone(), Backend::Sqs).await;
    let sqs = h.sqs.as_ref().unwrap();
    let url = database_url_of(&pool).await.unwrap();
    let state = AppState::new(pool, test_settings(&url, &[]));
    let app = ycyw_shared::health::routes_with(vec![Arc::new(SqsReady(sqs.consumer.clone()))]).with_state(state);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", free_port())).await.unwrap();
    let ready = format!("http://{}/health/ready", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let answer = reqwest::get(&ready).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<serde_json::Value>().await.unwrap()["sqs"], "ok");
    sqs.queues.delete_jobs_queue().await;
    let answer = reqwest::get(&ready).await.unwrap();
    assert_eq!(answer.status(), 503, "the queue is gone");
}

/// The metrics line's numbers: outcomes, queue lag, relay lag and SQS's message count.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn metrics_report_queue_and_relay_lag_on_sqs(pool: MySqlPool) {
    let h = Harness::new(pool, Backend::Sqs).await;
    let sqs = h.sqs.as_ref().unwrap();
    let metrics = QueueMetrics::new(h.pool.clone(), Arc::new(h.clock.clone()), h.worker.counters(), Some(sqs.consumer.clone()));
    h.enqueue(NewJob::new(Probe::KIND, json!({ "fail_first": 0 }))).await;
    h.clock.advance(chrono::Duration::seconds(90));
    let report = metrics.report().await.unwrap();
    assert_eq!(
        (report.queue_lag, report.relay_lag, report.sqs_messages),
        (Duration::from_secs(90), Some(Duration::from_secs(90)), Some(0))
    );
    h.relay_pass().await;
    let report = metrics.report().await.unwrap();
    assert_eq!((report.queue_lag, report.relay_lag, report.sqs_messages), (Duration::from_secs(90), Some(Duration::ZERO), Some(1)));
    h.drain().await;
    let report = metrics.report().await.unwrap();
    assert_eq!((report.counts.done, report.queue_lag, report.sqs_messages), (1, Duration::ZERO, Some(0)));
    metrics.log().await;
}

/// The ops commands as ops run them on SQS: masked listing of the dead-letter queue, retry by id,
/// non-zero exit codes on failure.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn ops_commands_on_sqs_list_and_retry_dead_letters(pool: MySqlPool) {
    let h = Harness::new(pool, Backend::Sqs).await;
    let sqs = h.sqs.as_ref().unwrap();
    let id = dead_probe(&h, 1, 1).await;
    let url = database_url_of(&h.pool).await.unwrap();
    let mut env: Vec<(&str, String)> = sqs.queues.env();
    env.push(("DATABASE_URL", url));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let (ok, out, err) = run_to_end(WORKER, &["jobs", "list", "--dead"], &env).await;
    assert!(ok, "{err}");
    assert!(out.contains("dead-letter queue: 1 message(s)"), "{out}");
    assert_eq!(out.matches(&id.to_string()).count(), 2, "the row and its dead letter: {out}");
    assert!(out.contains("probe failure 1: 450 <[email]> try later") && !out.contains("ana.silva"), "{out}");

    let (ok, out, err) = run_to_end(WORKER, &["jobs", "retry", &id.to_string()], &env).await;
    assert!(ok, "{err}");
    assert!(out.contains(&format!("job {id} queued again")) && out.contains("1 message(s) removed"), "{out}");
    assert!(h.dead_letters().await.is_empty());
    let (ok, _, err) = run_to_end(WORKER, &["jobs", "retry", &id.to_string()], &env).await;
    assert!(!ok && err.contains("no dead job"), "{err}");
    let (ok, _, err) = run_to_end(WORKER, &["jobs", "retry"], &env).await;
    assert!(!ok && err.contains("required"), "an id or --all-dead: {err}");
    let (ok, out, _) = run_to_end(WORKER, &["jobs", "retry", "--help"], &env).await;
    assert!(ok && out.contains("--all-dead"), "{out}");

    let mut without_dlq = env.clone();
    without_dlq.retain(|(k, _)| *k != "SQS_DLQ_URL");
    let (ok, _, err) = run_to_end(WORKER, &["jobs", "list"], &without_dlq).await;
    assert!(!ok && err.contains("SQS_DLQ_URL"), "{err}");
}

/// `ycyw-worker run` with `QUEUE=sqs`: the relay publishes what producers committed, the consumer
/// runs it (here a kind nobody handles: dead, its message in the dead-letter queue), readiness
/// asks SQS, and SIGTERM ends the 20 s long poll at once.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn the_worker_process_runs_the_relay_and_the_sqs_consumer(pool: MySqlPool) {
    let queues = TestQueues::create(5).await;
    let url = database_url_of(&pool).await.unwrap();
    let health_port = free_port();
    let mut env = queues.env();
    env.extend([
        ("DATABASE_URL", url),
        ("SMTP_URL", "smtp://127.0.0.1:9".to_string()),
        ("HEALTH_PORT", health_port.to_string()),
        ("RELAY_INTERVAL_MILLIS", "100".to_string()),
        ("SHUTDOWN_GRACE_SECONDS", "5".to_string()),
    ]);
    let mut worker = ycyw_testkit::Binary::spawn(WORKER, &["run"], &env);
    let ready_url = format!("http://127.0.0.1:{health_port}/health/ready");
    let ready = ycyw_testkit::wait_until(DEADLINE, || {
        let url = ready_url.clone();
        async move { matches!(reqwest::get(&url).await, Ok(r) if r.status() == 200) }
    })
    .await;
    assert!(ready, "the worker's readiness answered");
    let answer: serde_json::Value = reqwest::get(&ready_url).await.unwrap().json().await.unwrap();
    assert_eq!((answer["database"].as_str(), answer["sqs"].as_str()), (Some("ok"), Some("ok")));

    let mut tx = pool.begin().await.unwrap();
    let Enqueued::New(id) = enqueue(&mut tx, NewJob::new("frobnicate", json!({})), chrono::Utc::now()).await.unwrap() else { panic!() };
    tx.commit().await.unwrap();
    let dead = ycyw_testkit::wait_until(DEADLINE, || {
        let pool = pool.clone();
        async move { sqlx::query_scalar!("SELECT status FROM jobs WHERE id = ?", id).fetch_one(&pool).await.unwrap() == "dead" }
    })
    .await;
    assert!(dead, "relayed, received, run, dead");
    let letters = DeadLetters::new(queues.client.clone(), queues.dlq_url.clone()).peek(10).await.unwrap();
    assert_eq!(letters.iter().map(|l| l.job_id).collect::<Vec<_>>(), vec![Some(id)]);
    assert_eq!(queues.count(&queues.queue_url).await, 0);

    let asked = Instant::now();
    worker.signal("TERM").await;
    assert!(worker.wait_exit(Duration::from_secs(15)).await.success());
    assert!(asked.elapsed() < Duration::from_secs(10), "the long poll does not hold the shutdown: {:?}", asked.elapsed());
}
