//! The consumer loop: claim, run the handler, record the outcome; stop cleanly on SIGTERM.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use uuid::Uuid;
pub use ycyw_shared::jobs::{Execution, Outcome};
use ycyw_shared::jobs::{JobHandlers, execute};
use ycyw_shared::queue::{CLAIM_BATCH, Job, Queue, QueueError};

use crate::metrics::JobCounters;

/// Claims jobs from a queue and runs them.
#[derive(Clone)]
pub struct Worker {
    queue: Arc<dyn Queue>,
    handlers: JobHandlers,
    counters: Arc<JobCounters>,
}

impl Worker {
    /// A worker over `queue` (either backend) with `handlers`.
    pub fn new(queue: Arc<dyn Queue>, handlers: JobHandlers) -> Self {
        Self { queue, handlers, counters: Arc::default() }
    }

    /// What its jobs became since it started (the metrics line reads them).
    pub fn counters(&self) -> Arc<JobCounters> {
        self.counters.clone()
    }

    /// Claims and runs the next runnable job, if there is one.
    pub async fn execute_next(&self) -> Result<Option<Execution>, QueueError> {
        match self.queue.claim().await? {
            Some(job) => self.execute(&job).await.map(Some),
            None => Ok(None),
        }
    }

    async fn execute(&self, job: &Job) -> Result<Execution, QueueError> {
        let execution = execute(self.queue.as_ref(), &self.handlers, job).await?;
        self.counters.record(&execution.outcome);
        Ok(execution)
    }

    /// Runs jobs, `concurrency` at a time, until `stop` turns true. Then claims nothing more,
    /// lets the jobs in hand finish for up to `grace`, and releases those still running so
    /// another worker runs them at once.
    pub async fn run(&self, concurrency: usize, poll_interval: Duration, grace: Duration, mut stop: watch::Receiver<bool>) {
        let slots = Arc::new(Semaphore::new(concurrency.max(1)));
        let in_hand: Arc<Mutex<HashMap<Uuid, Job>>> = Arc::default();
        let mut running = JoinSet::new();
        tracing::info!(concurrency, "worker started");
        while !*stop.borrow() {
            while running.try_join_next().is_some() {}
            let first = tokio::select! {
                permit = slots.clone().acquire_owned() => match permit { Ok(p) => p, Err(_) => break },
                _ = stop.wait_for(|s| *s) => break,
            };
            // One claim for every free slot: a claim is a transaction, and its commit (a log
            // flush) costs more than running a short job.
            let mut permits = vec![first];
            while permits.len() < CLAIM_BATCH {
                match slots.clone().try_acquire_owned() {
                    Ok(permit) => permits.push(permit),
                    Err(_) => break,
                }
            }
            match self.queue.claim_batch(permits.len()).await {
                Ok(jobs) if !jobs.is_empty() => {
                    for (job, permit) in jobs.into_iter().zip(permits) {
                        lock(&in_hand).insert(job.id, job.clone());
                        let worker = self.clone();
                        let in_hand = in_hand.clone();
                        running.spawn(async move {
                            let _permit = permit;
                            if let Err(e) = worker.execute(&job).await {
                                tracing::error!(job_id = %job.id, error = %e, "could not record the job's outcome");
                            }
                            lock(&in_hand).remove(&job.id);
                        });
                    }
                }
                Ok(_) => {
                    drop(permits);
                    tokio::select! {
                        () = tokio::time::sleep(poll_interval) => {},
                        _ = stop.wait_for(|s| *s) => {},
                    }
                }
                Err(e) => {
                    drop(permits);
                    tracing::error!(error = %e, "claiming a job failed");
                    tokio::select! {
                        () = tokio::time::sleep(poll_interval.max(Duration::from_secs(1))) => {},
                        _ = stop.wait_for(|s| *s) => {},
                    }
                }
            }
        }
        tracing::info!(in_hand = running.len(), "worker stopping");
        let drained = tokio::time::timeout(grace, async { while running.join_next().await.is_some() {} }).await;
        if drained.is_err() {
            running.abort_all();
            while running.join_next().await.is_some() {}
            let unfinished: Vec<Job> = lock(&in_hand).drain().map(|(_, job)| job).collect();
            for job in unfinished {
                match self.queue.release(&job).await {
                    Ok(()) => {
                        tracing::warn!(job_id = %job.id, kind = %job.kind, "job released unfinished at shutdown")
                    }
                    Err(e) => {
                        tracing::error!(job_id = %job.id, error = %e, "could not release the job; it runs again when its lease expires")
                    }
                }
            }
        }
        tracing::info!("worker stopped");
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
