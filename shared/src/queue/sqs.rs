//! The SQS consumer (`QUEUE=sqs`, DESIGN §7), fed by the outbox [`relay`](super::relay).
//!
//! A message only names a job (`{"jobId": "…"}`, attributes `kind` and `dedupKey`); the job's row
//! decides. [`SqsQueue::claim`] long-polls, then takes the row with the same guarded update as
//! the embedded queue (queued and due, or running under an expired lease), so whatever SQS
//! delivers twice runs once:
//!
//! | the row | the message |
//! |---|---|
//! | missing, done or dead | deleted: a duplicate |
//! | queued, due | claimed: the row is leased to us, the message hidden for as long (heartbeat) |
//! | queued, not due, unrelayed | deleted: the relay publishes the row again when it is due |
//! | queued, not due, relayed | hidden until it is due |
//! | running under someone else's lease | left: it comes back when its visibility ends |
//! | running, expired, no attempt left | dead (the last worker crashed): to the dead-letter queue |
//!
//! A message that is not a job reference is poison: moved at once to the dead-letter queue with
//! its `reason`. Outcomes are written to the row first, then to SQS: `complete` deletes the
//! message; `fail` records the retry in the row (queued at now + backoff, unrelayed) and deletes
//! the message, so the relay publishes it again when due — backoff exact, no 12 h visibility
//! limit —, or, when the job is dead, copies the message to the dead-letter queue with its
//! `reason` and deletes it; `release` requeues the row and makes the message visible at once.
//! An SQS call that fails after the row was written leaves at worst a duplicate, which the row
//! turns away. The queue's redrive policy (maxReceiveCount) stays the safety net for a message
//! whose worker crashes every time.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::{Message, MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::MySqlPool;
use tokio::sync::watch;
use uuid::Uuid;

use super::db::{ABANDONED, complete_row, fail_row, kill_abandoned, lease_end, new_lease, release_row, retrying};
use super::{Backoff, Job, JobStatus, NO_JITTER, Queue, QueueError, Retry, next_retry};
use crate::time::{Clock, to_db_precision};

/// SQS's longest visibility timeout (12 h).
const MAX_VISIBILITY: Duration = Duration::from_secs(43_200);

/// The longest long poll SQS allows.
pub const MAX_RECEIVE_WAIT: Duration = Duration::from_secs(20);

/// How long ops commands hide the dead letters they look at before putting them back.
const HOLD_VISIBILITY_SECONDS: i32 = 60;

/// The longest `reason` attribute written to the dead-letter queue.
const REASON_CHARS: usize = 1000;

/// An SQS client configured from the environment, as the secrets are: region and credentials
/// from the usual AWS chain, `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_SQS`) for a stand-in such as moto.
pub async fn client_from_env() -> Client {
    Client::new(&aws_config::load_from_env().await)
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JobReference {
    job_id: Uuid,
}

/// The body of the message of job `id`: `{"jobId":"<uuid>"}`, nothing else.
pub fn job_reference(id: Uuid) -> String {
    serde_json::to_string(&JobReference { job_id: id }).unwrap_or_else(|_| format!(r#"{{"jobId":"{id}"}}"#))
}

/// The job a message body refers to; `None` for anything else (a poison message).
pub fn parse_job_reference(body: &str) -> Option<Uuid> {
    serde_json::from_str::<JobReference>(body).ok().map(|reference| reference.job_id)
}

/// A string message attribute.
pub(super) fn text_attribute(value: &str) -> Result<MessageAttributeValue, QueueError> {
    MessageAttributeValue::builder().data_type("String").string_value(value).build().map_err(|e| sqs_error("attribute", e))
}

/// An SQS failure as a [`QueueError`], with the SDK's whole cause chain (no message content).
pub(super) fn sqs_error(what: &str, error: impl std::error::Error) -> QueueError {
    QueueError::Sqs(format!("{what}: {}", DisplayErrorContext(error)))
}

fn seconds(duration: Duration) -> i32 {
    i32::try_from(duration.min(MAX_VISIBILITY).as_secs()).unwrap_or(i32::MAX)
}

/// How the consumer uses its queues.
#[derive(Debug, Clone)]
pub struct SqsSettings {
    /// `SQS_QUEUE_URL`: the jobs queue.
    pub queue_url: String,
    /// `SQS_DLQ_URL`: where dead jobs' messages and poison messages go.
    pub dlq_url: String,
    /// Names this consumer in the leases it takes.
    pub worker_id: String,
    /// The lease of a claimed job, and the visibility timeout of the message received for it
    /// (at most 12 h); both are renewed every half of it while the job runs.
    pub lease: Duration,
    /// Delay between attempts.
    pub backoff: Backoff,
    /// Whether retry delays get their random jitter.
    pub jitter: bool,
    /// How long a receive waits for a message (long polling; at most 20 s).
    pub receive_wait: Duration,
    /// How many messages one receive may take (1 to 10); those not run at once wait in memory.
    pub receive_batch: u32,
}

/// A message received and not yet claimed.
struct Delivery {
    receipt: String,
    body: String,
    kind: Option<String>,
    received: Instant,
}

/// A claimed job's message and the task renewing its lease.
struct InFlight {
    receipt: String,
    heartbeat: tokio::task::AbortHandle,
}

struct Inner {
    pool: MySqlPool,
    clock: Arc<dyn Clock>,
    sqs: Client,
    settings: SqsSettings,
    buffer: Mutex<VecDeque<Delivery>>,
    in_flight: Mutex<HashMap<String, InFlight>>,
    dead_on_delivery: AtomicU64,
}

/// The SQS consumer. Cheap to clone: clones share the buffer and the jobs in flight.
#[derive(Clone)]
pub struct SqsQueue {
    inner: Arc<Inner>,
    stop: Option<watch::Receiver<bool>>,
}

impl std::fmt::Debug for SqsQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqsQueue").field("worker_id", &self.inner.settings.worker_id).finish_non_exhaustive()
    }
}

/// What a delivered message's row says to do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Run it: lease the row.
    Claim,
    /// Delete the message: the row needs no delivery (missing, done, dead, or unrelayed and not
    /// due, which the relay publishes again).
    Drop(&'static str),
    /// Hide the message for this long: the row is relayed and due later.
    Hide(Duration),
    /// Leave the message: another worker holds the row.
    Leave,
    /// The row's last attempt died with its worker: dead.
    Abandoned,
}

/// The state of a row a message refers to.
#[derive(Debug, Clone)]
pub(crate) struct RowState {
    pub(crate) status: JobStatus,
    pub(crate) run_at: DateTime<Utc>,
    pub(crate) locked_until: Option<DateTime<Utc>>,
    pub(crate) relayed: bool,
    pub(crate) attempts: u32,
    pub(crate) max_attempts: u32,
}

/// Decides what a delivery of a message for `row` (`None`: no such row) does at `now`.
pub(crate) fn verdict(row: Option<&RowState>, now: DateTime<Utc>) -> Verdict {
    let Some(row) = row else {
        return Verdict::Drop("no such job");
    };
    match row.status {
        JobStatus::Done => Verdict::Drop("job done"),
        JobStatus::Dead => Verdict::Drop("job dead"),
        JobStatus::Queued if row.run_at <= now => Verdict::Claim,
        JobStatus::Queued if !row.relayed => Verdict::Drop("job not due, to be relayed again"),
        JobStatus::Queued => {
            let wait = (row.run_at - now).to_std().unwrap_or_default();
            // Whole seconds, rounded up: never back before it is due.
            Verdict::Hide(Duration::from_secs(wait.as_secs() + u64::from(wait.subsec_nanos() > 0)))
        }
        JobStatus::Running if row.locked_until.is_some_and(|until| until > now) => Verdict::Leave,
        JobStatus::Running if row.attempts >= row.max_attempts => Verdict::Abandoned,
        JobStatus::Running => Verdict::Claim,
    }
}

/// The columns a delivery reads.
struct DeliveredRow {
    kind: String,
    payload: String,
    dedup_key: Option<String>,
    attempts: u32,
    max_attempts: u32,
    status: JobStatus,
    run_at: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
    relayed_at: Option<DateTime<Utc>>,
}

/// What taking a delivery's row did.
enum Taken {
    Claimed(Job),
    Killed { kind: String, dedup_key: Option<String> },
    Other(Verdict),
}

impl SqsQueue {
    /// A consumer of `settings.queue_url` whose jobs' rows live in `pool`.
    pub fn new(pool: MySqlPool, clock: Arc<dyn Clock>, sqs: Client, settings: SqsSettings) -> Self {
        let inner = Inner {
            pool,
            clock,
            sqs,
            settings,
            buffer: Mutex::default(),
            in_flight: Mutex::default(),
            dead_on_delivery: AtomicU64::new(0),
        };
        Self { inner: Arc::new(inner), stop: None }
    }

    /// The same consumer, whose long poll ends (claiming nothing) as soon as `stop` turns true.
    pub fn stop_on(mut self, stop: watch::Receiver<bool>) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Messages that went dead without reaching a handler since start: poison messages, and
    /// jobs whose last attempt died with its worker.
    pub fn dead_on_delivery(&self) -> u64 {
        self.inner.dead_on_delivery.load(Ordering::Relaxed)
    }

    /// Whether the jobs queue answers (the worker's readiness check).
    pub async fn reachable(&self) -> Result<(), QueueError> {
        self.queue_attribute(QueueAttributeName::QueueArn).await.map(|_| ())
    }

    /// SQS's `ApproximateNumberOfMessages` of the jobs queue: messages waiting, visible.
    pub async fn approximate_messages(&self) -> Result<u64, QueueError> {
        let raw = self.queue_attribute(QueueAttributeName::ApproximateNumberOfMessages).await?;
        Ok(raw.and_then(|n| n.parse().ok()).unwrap_or(0))
    }

    /// Makes the messages received but not claimed visible again at once (shutdown).
    pub async fn return_buffered(&self) {
        let buffered: Vec<Delivery> = lock(&self.inner.buffer).drain(..).collect();
        for delivery in buffered {
            self.set_visibility(&delivery.receipt, Duration::ZERO).await;
        }
    }

    /// Renews the lease of `job` (row and message) for another [`SqsSettings::lease`]; the
    /// heartbeat of a running job calls it every half lease.
    pub async fn heartbeat(&self, job: &Job) -> Result<(), QueueError> {
        beat(&self.inner, &job.lease, job.id).await
    }

    async fn queue_attribute(&self, name: QueueAttributeName) -> Result<Option<String>, QueueError> {
        let output = self
            .inner
            .sqs
            .get_queue_attributes()
            .queue_url(&self.inner.settings.queue_url)
            .attribute_names(name.clone())
            .send()
            .await
            .map_err(|e| sqs_error("GetQueueAttributes", e))?;
        Ok(output.attributes().and_then(|attributes| attributes.get(&name)).cloned())
    }

    fn now(&self) -> DateTime<Utc> {
        to_db_precision(self.inner.clock.now())
    }

    /// The next buffered message received recently enough to still be ours for most of a lease;
    /// older ones are made visible again for whoever is free.
    async fn next_buffered(&self) -> Option<Delivery> {
        loop {
            let delivery = lock(&self.inner.buffer).pop_front()?;
            if delivery.received.elapsed() < self.inner.settings.lease / 2 {
                return Some(delivery);
            }
            self.set_visibility(&delivery.receipt, Duration::ZERO).await;
        }
    }

    /// Long-polls once and buffers what came; false when nothing did (or the worker stops).
    async fn receive(&self) -> Result<bool, QueueError> {
        let settings = &self.inner.settings;
        let request = self
            .inner
            .sqs
            .receive_message()
            .queue_url(&settings.queue_url)
            .max_number_of_messages(i32::try_from(settings.receive_batch.clamp(1, 10)).unwrap_or(1))
            .wait_time_seconds(seconds(settings.receive_wait.min(MAX_RECEIVE_WAIT)))
            .visibility_timeout(seconds(settings.lease).max(1))
            .message_attribute_names("All")
            .send();
        let output = match self.stop.clone() {
            Some(mut stop) => tokio::select! {
                output = request => output,
                _ = stop.wait_for(|stopped| *stopped) => return Ok(false),
            },
            None => request.await,
        }
        .map_err(|e| sqs_error("ReceiveMessage", e))?;
        let received = Instant::now();
        let deliveries: Vec<Delivery> = output
            .messages()
            .iter()
            .filter_map(|message| {
                Some(Delivery {
                    receipt: message.receipt_handle()?.to_string(),
                    body: message.body().unwrap_or_default().to_string(),
                    kind: string_attribute(message, "kind"),
                    received,
                })
            })
            .collect();
        let any = !deliveries.is_empty();
        lock(&self.inner.buffer).extend(deliveries);
        Ok(any)
    }

    /// Checks a delivery against its row: claims the job, or settles the message.
    async fn take(&self, delivery: Delivery) -> Result<Option<Job>, QueueError> {
        let Some(id) = parse_job_reference(&delivery.body) else {
            self.inner.dead_on_delivery.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(kind = ?delivery.kind, "a message that is not a job reference goes to the dead-letter queue");
            let reason = "poison message: the body is not a job reference";
            self.send_dead_letter(delivery.body.clone(), delivery.kind.as_deref(), None, reason).await?;
            self.delete(&delivery.receipt).await?;
            return Ok(None);
        };
        let now = self.now();
        match retrying(|| self.take_row(id, now)).await? {
            Taken::Claimed(job) => {
                self.track(&job, delivery.receipt);
                Ok(Some(job))
            }
            Taken::Killed { kind, dedup_key } => {
                self.inner.dead_on_delivery.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(job_id = %id, kind = %kind, "job dead: {ABANDONED}");
                self.send_dead_letter(job_reference(id), Some(&kind), dedup_key.as_deref(), ABANDONED).await?;
                self.delete(&delivery.receipt).await?;
                Ok(None)
            }
            Taken::Other(Verdict::Drop(why)) => {
                tracing::debug!(job_id = %id, why, "message deleted");
                self.delete(&delivery.receipt).await?;
                Ok(None)
            }
            Taken::Other(Verdict::Hide(wait)) => {
                tracing::debug!(job_id = %id, wait_seconds = wait.as_secs(), "message hidden until its job is due");
                self.set_visibility(&delivery.receipt, wait).await;
                Ok(None)
            }
            Taken::Other(_) => {
                tracing::debug!(job_id = %id, "job leased by another worker: message left");
                Ok(None)
            }
        }
    }

    async fn take_row(&self, id: Uuid, now: DateTime<Utc>) -> Result<Taken, QueueError> {
        let mut conn = self.inner.pool.acquire().await?;
        // As the embedded queue: no gap locks, so claims and enqueues do not serialize.
        sqlx::query!("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").execute(&mut *conn).await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        // A relay that is publishing this row holds its lock until it commits: wait for it.
        let row = sqlx::query_as!(
            DeliveredRow,
            r#"SELECT kind, payload, dedup_key, attempts, max_attempts, status AS "status: _", run_at AS "run_at: _",
                      locked_until AS "locked_until: _", relayed_at AS "relayed_at: _"
               FROM jobs WHERE id = ? FOR UPDATE"#,
            id
        )
        .fetch_optional(&mut *tx)
        .await?;
        let state = row.as_ref().map(|row| RowState {
            status: row.status,
            run_at: row.run_at,
            locked_until: row.locked_until,
            relayed: row.relayed_at.is_some(),
            attempts: row.attempts,
            max_attempts: row.max_attempts,
        });
        let taken = match (verdict(state.as_ref(), now), row) {
            (Verdict::Claim, Some(row)) => {
                let lease = new_lease(&self.inner.settings.worker_id);
                sqlx::query!(
                    "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = ?, locked_by = ?, updated_at = ? WHERE id = ?",
                    lease_end(now, self.inner.settings.lease),
                    lease,
                    now,
                    id
                )
                .execute(&mut *tx)
                .await?;
                Taken::Claimed(Job {
                    id,
                    kind: row.kind,
                    payload: row.payload,
                    dedup_key: row.dedup_key,
                    attempt: row.attempts + 1,
                    max_attempts: row.max_attempts,
                    lease,
                })
            }
            (Verdict::Abandoned, Some(row)) => {
                kill_abandoned(&mut tx, id, now).await?;
                Taken::Killed { kind: row.kind, dedup_key: row.dedup_key }
            }
            (verdict, _) => Taken::Other(verdict),
        };
        tx.commit().await?;
        Ok(taken)
    }

    /// Starts renewing the lease of a claimed job every half lease, until it is settled.
    fn track(&self, job: &Job, receipt: String) {
        let weak = Arc::downgrade(&self.inner);
        let (lease, id) = (job.lease.clone(), job.id);
        let every = (self.inner.settings.lease / 2).max(Duration::from_millis(100));
        let heartbeat = tokio::spawn(heartbeat(weak, lease.clone(), id, every)).abort_handle();
        lock(&self.inner.in_flight).insert(lease, InFlight { receipt, heartbeat });
    }

    /// Stops the heartbeat of `job`; its message's receipt, when it came from this consumer.
    fn untrack(&self, job: &Job) -> Option<String> {
        let flight = lock(&self.inner.in_flight).remove(&job.lease)?;
        flight.heartbeat.abort();
        Some(flight.receipt)
    }

    async fn delete(&self, receipt: &str) -> Result<(), QueueError> {
        self.inner
            .sqs
            .delete_message()
            .queue_url(&self.inner.settings.queue_url)
            .receipt_handle(receipt)
            .send()
            .await
            .map_err(|e| sqs_error("DeleteMessage", e))?;
        Ok(())
    }

    /// Deletes a settled job's message; a failure leaves a duplicate the row turns away.
    async fn delete_settled(&self, job: &Job, receipt: Option<String>) {
        if let Some(receipt) = receipt
            && let Err(e) = self.delete(&receipt).await
        {
            tracing::warn!(job_id = %job.id, error = %e, "the message of a settled job stays: its next delivery is dropped");
        }
    }

    async fn set_visibility(&self, receipt: &str, visible_in: Duration) {
        set_visibility(&self.inner.sqs, &self.inner.settings.queue_url, receipt, visible_in).await;
    }

    async fn send_dead_letter(&self, body: String, kind: Option<&str>, dedup_key: Option<&str>, reason: &str) -> Result<(), QueueError> {
        let reason: String = crate::telemetry::mask(reason).chars().take(REASON_CHARS).collect();
        let mut request = self.inner.sqs.send_message().queue_url(&self.inner.settings.dlq_url).message_body(body);
        for (name, value) in [("kind", kind), ("dedupKey", dedup_key), ("reason", Some(reason.as_str()))] {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                request = request.message_attributes(name, text_attribute(value)?);
            }
        }
        request.send().await.map_err(|e| sqs_error("SendMessage to the dead-letter queue", e))?;
        Ok(())
    }

    fn jitter_factor(&self) -> f64 {
        if self.inner.settings.jitter { rand::random::<f64>() } else { NO_JITTER }
    }
}

async fn set_visibility(sqs: &Client, queue_url: &str, receipt: &str, visible_in: Duration) {
    let changed =
        sqs.change_message_visibility().queue_url(queue_url).receipt_handle(receipt).visibility_timeout(seconds(visible_in)).send().await;
    if let Err(e) = changed {
        tracing::warn!(error = %DisplayErrorContext(e), "ChangeMessageVisibility failed: the message reappears when its visibility ends");
    }
}

/// One renewal: the row's lease first (a lost lease stops the heartbeat), then the message's
/// visibility.
async fn beat(inner: &Inner, lease: &str, id: Uuid) -> Result<(), QueueError> {
    let now = to_db_precision(inner.clock.now());
    let result = sqlx::query!(
        "UPDATE jobs SET locked_until = ?, updated_at = ? WHERE id = ? AND status = 'running' AND locked_by = ?",
        lease_end(now, inner.settings.lease),
        now,
        id,
        lease
    )
    .execute(&inner.pool)
    .await?;
    if result.rows_affected() == 0 {
        return Err(QueueError::LeaseLost(id));
    }
    let receipt = lock(&inner.in_flight).get(lease).map(|flight| flight.receipt.clone());
    if let Some(receipt) = receipt {
        inner
            .sqs
            .change_message_visibility()
            .queue_url(&inner.settings.queue_url)
            .receipt_handle(receipt)
            .visibility_timeout(seconds(inner.settings.lease).max(1))
            .send()
            .await
            .map_err(|e| sqs_error("ChangeMessageVisibility", e))?;
    }
    Ok(())
}

async fn heartbeat(inner: Weak<Inner>, lease: String, id: Uuid, every: Duration) {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        ticker.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        match beat(&inner, &lease, id).await {
            Ok(()) => tracing::debug!(job_id = %id, "lease renewed"),
            Err(QueueError::LeaseLost(_)) => return,
            Err(e) => tracing::warn!(job_id = %id, error = %e, "renewing the lease failed; trying again at the next beat"),
        }
    }
}

#[async_trait]
impl Queue for SqsQueue {
    async fn claim(&self) -> Result<Option<Job>, QueueError> {
        // At most one receive per claim: when nothing it brought is runnable, the worker's
        // loop comes back after its poll interval.
        let mut received = false;
        loop {
            let delivery = match self.next_buffered().await {
                Some(delivery) => delivery,
                None if received => return Ok(None),
                None => {
                    received = true;
                    if !self.receive().await? {
                        return Ok(None);
                    }
                    continue;
                }
            };
            if let Some(job) = self.take(delivery).await? {
                return Ok(Some(job));
            }
        }
    }

    async fn complete(&self, job: &Job, erase_payload: bool) -> Result<(), QueueError> {
        let receipt = self.untrack(job);
        let now = self.now();
        retrying(|| complete_row(&self.inner.pool, job, erase_payload, now)).await?;
        self.delete_settled(job, receipt).await;
        Ok(())
    }

    async fn fail(&self, job: &Job, error: &str, permanent: bool) -> Result<Retry, QueueError> {
        let receipt = self.untrack(job);
        let now = self.now();
        let retry = next_retry(job, permanent, &self.inner.settings.backoff, self.jitter_factor(), now);
        retrying(|| fail_row(&self.inner.pool, job, error, retry, now)).await?;
        if retry == Retry::Dead {
            self.send_dead_letter(job_reference(job.id), Some(&job.kind), job.dedup_key.as_deref(), error).await?;
        }
        self.delete_settled(job, receipt).await;
        Ok(retry)
    }

    async fn release(&self, job: &Job) -> Result<(), QueueError> {
        let receipt = self.untrack(job);
        let now = self.now();
        retrying(|| release_row(&self.inner.pool, job, now)).await?;
        if let Some(receipt) = receipt {
            self.set_visibility(&receipt, Duration::ZERO).await;
        }
        Ok(())
    }
}

fn string_attribute(message: &Message, name: &str) -> Option<String> {
    message.message_attributes()?.get(name)?.string_value().map(str::to_string)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A message of the dead-letter queue, as ops see it (never its payload: there is none).
#[derive(Debug, Clone, Serialize)]
pub struct DeadLetter {
    /// SQS's message id.
    pub message_id: String,
    /// The job it refers to; `None` for a poison message.
    pub job_id: Option<Uuid>,
    /// Its `kind` attribute.
    pub kind: Option<String>,
    /// Its `reason` attribute: why the worker moved it here; `None` when SQS's redrive policy
    /// did (its workers kept crashing).
    pub reason: Option<String>,
    /// SQS's `ApproximateReceiveCount` (ops' own looks count too).
    pub receive_count: u32,
}

/// The dead-letter queue, for ops (`jobs list --dead`, `jobs retry`).
#[derive(Debug, Clone)]
pub struct DeadLetters {
    sqs: Client,
    url: String,
}

/// Dead letters received and hidden for a minute, until [`HeldLetters::settle`] deletes or
/// puts back each one.
#[derive(Debug)]
pub struct HeldLetters {
    sqs: Client,
    url: String,
    held: Vec<(DeadLetter, String)>,
}

impl DeadLetters {
    /// The dead-letter queue at `url`.
    pub fn new(sqs: Client, url: impl Into<String>) -> Self {
        Self { sqs, url: url.into() }
    }

    /// Receives up to `max` messages, each hidden from other readers until settled (or for a
    /// minute).
    pub async fn hold(&self, max: usize) -> Result<HeldLetters, QueueError> {
        let mut held = HeldLetters { sqs: self.sqs.clone(), url: self.url.clone(), held: Vec::new() };
        while held.held.len() < max {
            let want = i32::try_from((max - held.held.len()).min(10)).unwrap_or(10);
            let received = self
                .sqs
                .receive_message()
                .queue_url(&self.url)
                .max_number_of_messages(want)
                .wait_time_seconds(1)
                .visibility_timeout(HOLD_VISIBILITY_SECONDS)
                .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
                .message_attribute_names("All")
                .send()
                .await;
            let output = match received {
                Ok(output) => output,
                Err(e) => {
                    // Put back what was taken before failing.
                    held.settle(|_| false).await?;
                    return Err(sqs_error("ReceiveMessage from the dead-letter queue", e));
                }
            };
            if output.messages().is_empty() {
                break;
            }
            for message in output.messages() {
                let Some(receipt) = message.receipt_handle() else { continue };
                let receive_count = message
                    .attributes()
                    .and_then(|attributes| attributes.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|count| count.parse().ok())
                    .unwrap_or(0);
                let letter = DeadLetter {
                    message_id: message.message_id().unwrap_or_default().to_string(),
                    job_id: message.body().and_then(parse_job_reference),
                    kind: string_attribute(message, "kind"),
                    reason: string_attribute(message, "reason"),
                    receive_count,
                };
                held.held.push((letter, receipt.to_string()));
            }
        }
        Ok(held)
    }

    /// Up to `max` dead letters, left in the queue.
    pub async fn peek(&self, max: usize) -> Result<Vec<DeadLetter>, QueueError> {
        let held = self.hold(max).await?;
        let letters = held.letters().cloned().collect();
        held.settle(|_| false).await?;
        Ok(letters)
    }
}

impl HeldLetters {
    /// The letters held.
    pub fn letters(&self) -> impl Iterator<Item = &DeadLetter> {
        self.held.iter().map(|(letter, _)| letter)
    }

    /// Deletes the letters `delete` picks and makes the others visible again at once; returns
    /// the deleted ones.
    pub async fn settle(self, delete: impl Fn(&DeadLetter) -> bool) -> Result<Vec<DeadLetter>, QueueError> {
        let mut deleted = Vec::new();
        let mut failure = None;
        for (letter, receipt) in self.held {
            if delete(&letter) {
                match self.sqs.delete_message().queue_url(&self.url).receipt_handle(&receipt).send().await {
                    Ok(_) => deleted.push(letter),
                    Err(e) => failure = Some(sqs_error("DeleteMessage from the dead-letter queue", e)),
                }
            } else {
                set_visibility(&self.sqs, &self.url, &receipt, Duration::ZERO).await;
            }
        }
        match failure {
            Some(error) => Err(error),
            None => Ok(deleted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap_or_default()
    }

    fn row(status: JobStatus) -> RowState {
        RowState { status, run_at: at(0), locked_until: None, relayed: true, attempts: 1, max_attempts: 3 }
    }

    #[test]
    fn the_row_decides_what_a_delivery_does() {
        let now = at(0);
        assert_eq!(verdict(None, now), Verdict::Drop("no such job"));
        assert_eq!(verdict(Some(&row(JobStatus::Done)), now), Verdict::Drop("job done"));
        assert_eq!(verdict(Some(&row(JobStatus::Dead)), now), Verdict::Drop("job dead"));
        assert_eq!(verdict(Some(&row(JobStatus::Queued)), now), Verdict::Claim, "due now");

        let later = RowState { run_at: at(90) + chrono::Duration::milliseconds(1), ..row(JobStatus::Queued) };
        assert_eq!(verdict(Some(&later), now), Verdict::Hide(Duration::from_secs(91)), "relayed early: hidden, rounded up");
        let retried = RowState { relayed: false, ..later };
        assert_eq!(verdict(Some(&retried), now), Verdict::Drop("job not due, to be relayed again"));

        let leased = RowState { locked_until: Some(at(1)), ..row(JobStatus::Running) };
        assert_eq!(verdict(Some(&leased), now), Verdict::Leave);
        let expired = RowState { locked_until: Some(at(0)), ..leased.clone() };
        assert_eq!(verdict(Some(&expired), now), Verdict::Claim, "its worker died: taken over");
        let last = RowState { attempts: 3, ..expired };
        assert_eq!(verdict(Some(&last), now), Verdict::Abandoned);
    }

    #[test]
    fn a_message_names_its_job_and_nothing_else() {
        let id = Uuid::now_v7();
        let body = job_reference(id);
        assert_eq!(body, format!(r#"{{"jobId":"{id}"}}"#));
        assert_eq!(parse_job_reference(&body), Some(id));
        for poison in ["", "hello", "{}", r#"{"jobId":"nope"}"#, r#"{"to":"ana@example.com"}"#] {
            assert_eq!(parse_job_reference(poison), None, "{poison:?}");
        }
    }
}
