//! The worker's own settings, beside the shared ones.

use std::time::Duration;

use ycyw_shared::config::{ConfigError, env_lookup};
use ycyw_shared::queue::Backoff;

/// How the worker consumes.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// `WORKER_CONCURRENCY`: jobs run at once (default 16: jobs wait on SMTP, Stripe and the
    /// database, and a claim takes up to [`ycyw_shared::queue::CLAIM_BATCH`] of the free slots
    /// in one commit).
    pub concurrency: usize,
    /// `JOB_LEASE_SECONDS`: how long a claim lasts before another worker may take the job
    /// (default 300; longer than any handler may run). With `QUEUE=sqs` it is also the
    /// visibility timeout of the message received for the job (at most 43200); both are renewed
    /// every half lease while the job runs.
    pub lease: Duration,
    /// `JOB_POLL_MILLIS`: pause when the queue is empty (default 500).
    pub poll_interval: Duration,
    /// `JOB_BACKOFF_SECONDS`: delay after a first failure, doubled on each next one, ±25 %
    /// jitter (default 10, capped at one hour).
    pub backoff: Backoff,
    /// `SCHEDULE_TICK_SECONDS`: how often the modules' schedules are checked (default 15): a
    /// periodic job is enqueued at most this long after its period starts.
    pub schedule_tick: Duration,
    /// `RELAY_INTERVAL_MILLIS` (`QUEUE=sqs`): pause between two passes of the outbox relay
    /// (default 1000): a committed job reaches SQS at most this long after its commit.
    pub relay_interval: Duration,
    /// `SQS_RECEIVE_WAIT_SECONDS` (`QUEUE=sqs`): long-polling wait of a receive, 0 to 20
    /// (default 20).
    pub receive_wait: Duration,
    /// `SQS_RECEIVE_BATCH` (`QUEUE=sqs`): messages one receive may take, 1 to 10 (default: the
    /// concurrency, at most 10).
    pub receive_batch: u32,
    /// `METRICS_INTERVAL_SECONDS`: how often the queue metrics line is logged (default 60).
    pub metrics_interval: Duration,
}

impl WorkerSettings {
    /// Reads the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(env_lookup)
    }

    /// Reads the settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let number = |key: &'static str, default: u64| -> Result<u64, ConfigError> {
            match lookup(key).filter(|raw| !raw.trim().is_empty()) {
                Some(raw) => raw.trim().parse().map_err(|_| ConfigError::Invalid { key, reason: "not a whole number".into() }),
                None => Ok(default),
            }
        };
        let concurrency = number("WORKER_CONCURRENCY", 16)?.max(1);
        let receive_wait = number("SQS_RECEIVE_WAIT_SECONDS", 20)?;
        if receive_wait > 20 {
            return Err(ConfigError::Invalid { key: "SQS_RECEIVE_WAIT_SECONDS", reason: "SQS waits 20 s at most".into() });
        }
        let receive_batch = number("SQS_RECEIVE_BATCH", concurrency.min(10))?;
        if !(1..=10).contains(&receive_batch) {
            return Err(ConfigError::Invalid { key: "SQS_RECEIVE_BATCH", reason: "SQS takes 1 to 10 messages at once".into() });
        }
        let lease = number("JOB_LEASE_SECONDS", 300)?.max(1);
        if lease > 43_200 {
            return Err(ConfigError::Invalid {
                key: "JOB_LEASE_SECONDS",
                reason: "at most 43200 (SQS's longest visibility timeout)".into(),
            });
        }
        Ok(Self {
            concurrency: usize::try_from(concurrency).unwrap_or(usize::MAX),
            lease: Duration::from_secs(lease),
            poll_interval: Duration::from_millis(number("JOB_POLL_MILLIS", 500)?),
            backoff: Backoff { base: Duration::from_secs(number("JOB_BACKOFF_SECONDS", 10)?), max: Duration::from_secs(3600) },
            schedule_tick: Duration::from_secs(number("SCHEDULE_TICK_SECONDS", 15)?.max(1)),
            relay_interval: Duration::from_millis(number("RELAY_INTERVAL_MILLIS", 1000)?.max(10)),
            receive_wait: Duration::from_secs(receive_wait),
            receive_batch: u32::try_from(receive_batch).unwrap_or(10),
            metrics_interval: Duration::from_secs(number("METRICS_INTERVAL_SECONDS", 60)?.max(1)),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<WorkerSettings, ConfigError> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        WorkerSettings::from_lookup(move |key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults_and_queue_settings() {
        let s = settings(&[]).unwrap();
        assert_eq!((s.concurrency, s.lease, s.poll_interval), (16, Duration::from_secs(300), Duration::from_millis(500)));
        assert_eq!((s.relay_interval, s.receive_wait, s.receive_batch), (Duration::from_secs(1), Duration::from_secs(20), 10));
        assert_eq!(s.metrics_interval, Duration::from_secs(60));
        let s = settings(&[("WORKER_CONCURRENCY", "32"), ("RELAY_INTERVAL_MILLIS", "250"), ("SQS_RECEIVE_WAIT_SECONDS", "0")]).unwrap();
        assert_eq!((s.receive_batch, s.relay_interval, s.receive_wait), (10, Duration::from_millis(250), Duration::ZERO));
    }

    #[test]
    fn out_of_range_values_name_their_key() {
        for (key, value) in
            [("SQS_RECEIVE_WAIT_SECONDS", "21"), ("SQS_RECEIVE_BATCH", "0"), ("SQS_RECEIVE_BATCH", "11"), ("JOB_LEASE_SECONDS", "43201")]
        {
            let err = settings(&[(key, value)]).unwrap_err();
            assert!(err.to_string().contains(key), "{err}");
        }
        let err = settings(&[("METRICS_INTERVAL_SECONDS", "soon")]).unwrap_err();
        assert!(err.to_string().contains("METRICS_INTERVAL_SECONDS"), "{err}");
    }
}
