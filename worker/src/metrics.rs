//! Queue metrics in the logs: every `METRICS_INTERVAL_SECONDS` one `queue metrics` line with
//! the jobs done, failed (to be retried) and dead since start, the queue lag (how long the
//! oldest due job has waited), and with SQS the relay lag (how long the oldest due job has
//! waited to be published) and SQS's `ApproximateNumberOfMessages`. CloudWatch Logs metric
//! filters or Logs Insights read them from the JSON logs.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::MySqlPool;
use tokio::sync::watch;
use ycyw_shared::jobs::Outcome;
use ycyw_shared::queue::sqs::SqsQueue;
use ycyw_shared::queue::{db, relay};
use ycyw_shared::time::Clock;

/// What the worker's jobs became since start.
#[derive(Debug, Default)]
pub struct JobCounters {
    done: AtomicU64,
    failed: AtomicU64,
    dead: AtomicU64,
}

/// A reading of [`JobCounters`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Jobs completed.
    pub done: u64,
    /// Failed attempts to be retried.
    pub failed: u64,
    /// Jobs dead (failed for good).
    pub dead: u64,
}

impl JobCounters {
    /// Counts one outcome.
    pub fn record(&self, outcome: &Outcome) {
        let counter = match outcome {
            Outcome::Completed => &self.done,
            Outcome::Retrying => &self.failed,
            Outcome::Dead => &self.dead,
            Outcome::LeaseLost => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub fn counts(&self) -> Counts {
        Counts {
            done: self.done.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            dead: self.dead.load(Ordering::Relaxed),
        }
    }
}

/// One metrics reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Outcomes since start (dead includes messages dead on delivery with SQS).
    pub counts: Counts,
    /// Age of the oldest due queued job.
    pub queue_lag: Duration,
    /// Age of the oldest due job not yet relayed (SQS only).
    pub relay_lag: Option<Duration>,
    /// SQS's `ApproximateNumberOfMessages` (SQS only; `None` also when SQS did not answer).
    pub sqs_messages: Option<u64>,
}

/// Reads and logs the queue metrics.
#[derive(Debug, Clone)]
pub struct QueueMetrics {
    pool: MySqlPool,
    clock: Arc<dyn Clock>,
    counters: Arc<JobCounters>,
    sqs: Option<SqsQueue>,
}

impl QueueMetrics {
    /// Metrics of the worker counting into `counters`, over the jobs of `pool`, and of the SQS
    /// consumer when there is one.
    pub fn new(pool: MySqlPool, clock: Arc<dyn Clock>, counters: Arc<JobCounters>, sqs: Option<SqsQueue>) -> Self {
        Self { pool, clock, counters, sqs }
    }

    /// Reads every metric now.
    pub async fn report(&self) -> Result<Report, sqlx::Error> {
        let now = self.clock.now();
        let mut counts = self.counters.counts();
        let queue_lag = db::queue_lag(&self.pool, now).await?;
        let (relay_lag, sqs_messages) = match &self.sqs {
            None => (None, None),
            Some(sqs) => {
                counts.dead += sqs.dead_on_delivery();
                let messages = match sqs.approximate_messages().await {
                    Ok(n) => Some(n),
                    Err(e) => {
                        tracing::warn!(error = %e, "reading the SQS queue depth failed");
                        None
                    }
                };
                (Some(relay::relay_lag(&self.pool, now).await?), messages)
            }
        };
        Ok(Report { counts, queue_lag, relay_lag, sqs_messages })
    }

    /// Logs one `queue metrics` line.
    pub async fn log(&self) {
        match self.report().await {
            Ok(report) => tracing::info!(
                jobs_done = report.counts.done,
                jobs_failed = report.counts.failed,
                jobs_dead = report.counts.dead,
                queue_lag_seconds = report.queue_lag.as_secs(),
                relay_lag_seconds = report.relay_lag.map(|lag| lag.as_secs()),
                sqs_messages = report.sqs_messages,
                "queue metrics"
            ),
            Err(e) => tracing::warn!(error = %e, "reading the queue metrics failed"),
        }
    }

    /// Logs the metrics every `every` until `stop` turns true.
    pub async fn run(&self, every: Duration, mut stop: watch::Receiver<bool>) {
        loop {
            let stopped = tokio::select! {
                () = tokio::time::sleep(every) => false,
                _ = stop.wait_for(|stopped| *stopped) => true,
            };
            if stopped {
                return;
            }
            self.log().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_are_counted_by_kind() {
        let counters = JobCounters::default();
        for outcome in [Outcome::Completed, Outcome::Completed, Outcome::Retrying, Outcome::Dead, Outcome::LeaseLost] {
            counters.record(&outcome);
        }
        assert_eq!(counters.counts(), Counts { done: 2, failed: 1, dead: 1 });
    }
}
