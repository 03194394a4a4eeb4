//! Runs the modules' schedules: at each period of a [`Schedule`], its job is enqueued once across
//! every worker instance.
//!
//! Each schedule has a row in `schedule_runs`, the lease of its ticks: an instance takes the row
//! `FOR UPDATE`, and enqueues the job only when the row names an earlier period, recording the
//! new period in the same transaction as the job. A second instance ticking at the same moment
//! waits for the row, then finds the period taken and does nothing; a crash before the commit
//! leaves the period free for the next tick. (The job's dedup key names the period too, so even
//! a hand-made row cannot make a period's job run twice.)

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::MySqlPool;
use tokio::sync::watch;
use uuid::Uuid;
use ycyw_shared::config::ConfigError;
use ycyw_shared::jobs::Schedule;
use ycyw_shared::queue::{self, Enqueued};
use ycyw_shared::time::{Clock, to_db_precision};

/// Enqueues the jobs of a set of schedules.
#[derive(Debug, Clone)]
pub struct Scheduler {
    pool: MySqlPool,
    clock: Arc<dyn Clock>,
    schedules: Vec<Schedule>,
    instance: String,
}

impl Scheduler {
    /// A scheduler of `schedules` writing to the `jobs` table of `pool`.
    pub fn new(pool: MySqlPool, clock: Arc<dyn Clock>, schedules: Vec<Schedule>) -> Self {
        Self { pool, clock, schedules, instance: "worker".into() }
    }

    /// The same scheduler, recording `instance` (host and process) as the one that ticked.
    pub fn instance(mut self, instance: impl Into<String>) -> Self {
        self.instance = instance.into().chars().take(64).collect();
        self
    }

    /// The schedules, with their periods.
    pub fn schedules(&self) -> &[Schedule] {
        &self.schedules
    }

    /// Enqueues the job of the current period of every schedule whose period has not been taken
    /// yet; returns the names of the schedules whose job this call enqueued.
    pub async fn tick(&self) -> Result<Vec<&'static str>, sqlx::Error> {
        let now = self.clock.now();
        let mut enqueued = Vec::new();
        for schedule in &self.schedules {
            let ticked = ycyw_shared::db::retry_transient(|| self.tick_one(schedule, now), |e| Some(e)).await?;
            if let Some(id) = ticked {
                tracing::info!(schedule = schedule.name, job_id = %id, "scheduled job enqueued");
                enqueued.push(schedule.name);
            }
        }
        Ok(enqueued)
    }

    /// Takes the period of `schedule` that `now` falls in, if nobody has: enqueues its job.
    async fn tick_one(&self, schedule: &Schedule, now: DateTime<Utc>) -> Result<Option<Uuid>, sqlx::Error> {
        let period = to_db_precision(schedule.period_start(now));
        let now = to_db_precision(now);
        let every = u32::try_from(schedule.every.as_secs()).unwrap_or(u32::MAX);
        let mut tx = self.pool.begin().await?;
        // The row exists from the first tick on; its epoch period is earlier than any real one.
        sqlx::query!(
            "INSERT INTO schedule_runs (name, period_start, every_seconds, ticked_by, ticked_at) VALUES (?, '1970-01-01', ?, ?, ?)
             ON DUPLICATE KEY UPDATE name = name",
            schedule.name,
            every,
            self.instance,
            now
        )
        .execute(&mut *tx)
        .await?;
        let taken: DateTime<Utc> = sqlx::query_scalar!(
            r#"SELECT period_start AS "period_start: DateTime<Utc>" FROM schedule_runs WHERE name = ? FOR UPDATE"#,
            schedule.name
        )
        .fetch_one(&mut *tx)
        .await?;
        if taken >= period {
            tx.commit().await?;
            return Ok(None);
        }
        let job_id = match queue::enqueue(&mut tx, schedule.job_at(now), now).await? {
            Enqueued::New(id) => Some(id),
            Enqueued::Duplicate => None,
        };
        sqlx::query!(
            "UPDATE schedule_runs SET period_start = ?, every_seconds = ?, job_id = ?, ticked_by = ?, ticked_at = ? WHERE name = ?",
            period,
            every,
            job_id,
            self.instance,
            now,
            schedule.name
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(job_id)
    }

    /// Ticks every `interval` until `stop` turns true.
    pub async fn run(&self, interval: Duration, mut stop: watch::Receiver<bool>) {
        if self.schedules.is_empty() {
            return;
        }
        while !*stop.borrow() {
            if let Err(e) = self.tick().await {
                tracing::error!(error = %e, "enqueuing scheduled jobs failed");
            }
            tokio::select! {
                () = tokio::time::sleep(interval) => {},
                _ = stop.wait_for(|s| *s) => {},
            }
        }
    }
}

/// The environment variable overriding the period of the schedule `name`:
/// `SCHEDULE_EVERY_<NAME>` in seconds, e.g. `SCHEDULE_EVERY_EXPIRE_HOLDS=60`.
pub fn period_variable(name: &str) -> String {
    format!("SCHEDULE_EVERY_{}", name.to_ascii_uppercase())
}

/// `schedules` with the periods the environment (`lookup`) overrides (see [`period_variable`]).
pub fn with_configured_periods(schedules: Vec<Schedule>, lookup: impl Fn(&str) -> Option<String>) -> Result<Vec<Schedule>, ConfigError> {
    schedules
        .into_iter()
        .map(|mut schedule| {
            let key = period_variable(schedule.name);
            if let Some(raw) = lookup(&key) {
                let seconds: u64 = raw.trim().parse().ok().filter(|s| *s >= 1).ok_or_else(|| ConfigError::Invalid {
                    key: "SCHEDULE_EVERY_*",
                    reason: format!("{key} must be a whole number of seconds ≥ 1"),
                })?;
                schedule.every = Duration::from_secs(seconds);
            }
            Ok(schedule)
        })
        .collect()
}

/// When a schedule last ticked (`ycyw-worker schedules`).
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleRun {
    /// The schedule.
    pub name: String,
    /// Its period, in seconds, at the last tick.
    pub every_seconds: u32,
    /// The start of the last period whose job was enqueued.
    pub period_start: DateTime<Utc>,
    /// That job.
    pub job_id: Option<Uuid>,
    /// The worker instance that enqueued it.
    pub ticked_by: String,
    /// When.
    pub ticked_at: DateTime<Utc>,
}

/// The last tick of every schedule that has ticked, by name.
pub async fn runs(pool: &MySqlPool) -> Result<Vec<ScheduleRun>, sqlx::Error> {
    sqlx::query_as!(
        ScheduleRun,
        r#"SELECT name, every_seconds, period_start AS "period_start: _", job_id AS "job_id: _", ticked_by, ticked_at AS "ticked_at: _"
           FROM schedule_runs ORDER BY name"#
    )
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use ycyw_shared::queue::NewJob;

    fn schedules() -> Vec<Schedule> {
        vec![
            Schedule::every("expire_holds", Duration::from_secs(60), |_| NewJob::new("expire_holds", serde_json::json!({}))),
            Schedule::every("purge_retention", Duration::from_secs(86_400), |_| NewJob::new("purge_retention", serde_json::json!({}))),
        ]
    }

    #[test]
    fn a_period_is_overridden_by_its_variable_only() {
        let set = with_configured_periods(schedules(), |key| (key == "SCHEDULE_EVERY_EXPIRE_HOLDS").then(|| "5".to_string())).unwrap();
        let periods: Vec<(&str, u64)> = set.iter().map(|s| (s.name, s.every.as_secs())).collect();
        assert_eq!(periods, vec![("expire_holds", 5), ("purge_retention", 86_400)]);
    }

    #[test]
    fn a_bad_period_names_its_variable() {
        for bad in ["0", "soon", "-3", ""] {
            let err = with_configured_periods(schedules(), |key| (key == "SCHEDULE_EVERY_PURGE_RETENTION").then(|| bad.to_string()))
                .unwrap_err()
                .to_string();
            assert!(err.contains("SCHEDULE_EVERY_PURGE_RETENTION"), "{bad:?}: {err}");
        }
    }
}
