//! `noop`: a job that does nothing. Ops check a deployment's queue end to end with it
//! (`ycyw-worker enqueue noop --payload '{}'`, then `jobs list`), and `scripts/bench worker`
//! measures the queue's own cost with it.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use ycyw_shared::jobs::{Handle, JobError, JobHandlers, JobSpec};
use ycyw_shared::queue::Job;

/// The payload of a `noop` job: nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Noop {}

impl JobSpec for Noop {
    const KIND: &'static str = "noop";
}

struct DoNothing;

#[async_trait]
impl Handle<Noop> for DoNothing {
    async fn handle(&self, _: Noop, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

/// The worker's own handlers: `noop`.
pub fn handlers() -> JobHandlers {
    JobHandlers::default().on::<Noop>(DoNothing)
}
