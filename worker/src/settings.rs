//! The worker's own settings, beside the shared ones.

use std::time::Duration;

use ycyw_shared::config::{ConfigError, env_lookup};
use ycyw_shared::queue::Backoff;

/// How the worker consumes.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// `WORKER_CONCURRENCY`: jobs run at once (default 4).
    pub concurrency: usize,
    /// `JOB_LEASE_SECONDS`: how long a claim lasts before another worker may take the job
    /// (default 300; longer than any handler may run).
    pub lease: Duration,
    /// `JOB_POLL_MILLIS`: pause when the queue is empty (default 500).
    pub poll_interval: Duration,
    /// `JOB_BACKOFF_SECONDS`: delay after a first failure, doubled on each next one (default 10,
    /// capped at one hour).
    pub backoff: Backoff,
    /// `SCHEDULE_TICK_SECONDS`: how often the modules' schedules are checked (default 15): a
    /// periodic job is enqueued at most this long after its period starts.
    pub schedule_tick: Duration,
}

impl WorkerSettings {
    /// Reads the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            concurrency: number("WORKER_CONCURRENCY", 4)?.max(1) as usize,
            lease: Duration::from_secs(number("JOB_LEASE_SECONDS", 300)?.max(1)),
            poll_interval: Duration::from_millis(number("JOB_POLL_MILLIS", 500)?),
            backoff: Backoff { base: Duration::from_secs(number("JOB_BACKOFF_SECONDS", 10)?), max: Duration::from_secs(3600) },
            schedule_tick: Duration::from_secs(number("SCHEDULE_TICK_SECONDS", 15)?.max(1)),
        })
    }
}

fn number(key: &'static str, default: u64) -> Result<u64, ConfigError> {
    match env_lookup(key) {
        Some(raw) => raw.trim().parse().map_err(|_| ConfigError::Invalid { key, reason: "not a whole number".into() }),
        None => Ok(default),
    }
}
