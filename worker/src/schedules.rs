//! Runs the modules' schedules: at each period of a [`Schedule`], its job is enqueued once, across
//! every worker instance (the job's dedup key names the period; a second enqueue is a no-op).

use std::sync::Arc;
use std::time::Duration;

use sqlx::MySqlPool;
use tokio::sync::watch;
use ycyw_shared::jobs::Schedule;
use ycyw_shared::queue::{self, Enqueued};
use ycyw_shared::time::Clock;

/// Enqueues the jobs of a set of schedules.
#[derive(Debug, Clone)]
pub struct Scheduler {
    pool: MySqlPool,
    clock: Arc<dyn Clock>,
    schedules: Vec<Schedule>,
}

impl Scheduler {
    /// A scheduler of `schedules` writing to the `jobs` table of `pool`.
    pub fn new(pool: MySqlPool, clock: Arc<dyn Clock>, schedules: Vec<Schedule>) -> Self {
        Self { pool, clock, schedules }
    }

    /// Enqueues the job of the current period of every schedule that has none yet; returns the
    /// names of the schedules whose job this call enqueued.
    pub async fn tick(&self) -> Result<Vec<&'static str>, sqlx::Error> {
        let now = self.clock.now();
        let mut enqueued = Vec::new();
        for schedule in &self.schedules {
            let mut conn = self.pool.acquire().await?;
            if let Enqueued::New(id) = queue::enqueue(&mut conn, schedule.job_at(now), now).await? {
                tracing::info!(schedule = schedule.name, job_id = %id, "scheduled job enqueued");
                enqueued.push(schedule.name);
            }
        }
        Ok(enqueued)
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
