//! The module's jobs: processing a stored Stripe event, and issuing the refunds the reservations
//! module queues (`issue_refund`, whose payload type it owns).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use ycyw_reservations::jobs::IssueRefund;
use ycyw_shared::jobs::{Handle, JobError, JobSpec};
use ycyw_shared::queue::Job;

use crate::error::PaymentsError;
use crate::service::{Ctx, events, refunds};

/// `process_stripe_event`: what a verified event stored by the webhook endpoint does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessStripeEvent {
    /// Stripe's event id (`evt_…`).
    pub event_id: String,
}

impl JobSpec for ProcessStripeEvent {
    const KIND: &'static str = "process_stripe_event";
}

/// Runs the module's jobs.
pub(crate) struct Worker(pub(crate) Ctx);

fn job_error(e: PaymentsError) -> JobError {
    JobError::Retryable(e.into())
}

#[async_trait]
impl Handle<ProcessStripeEvent> for Worker {
    async fn handle(&self, payload: ProcessStripeEvent, _job: &Job) -> Result<(), JobError> {
        events::process(&self.0, &payload.event_id).await.map(drop).map_err(job_error)
    }
}

#[async_trait]
impl Handle<IssueRefund> for Worker {
    async fn handle(&self, payload: IssueRefund, _job: &Job) -> Result<(), JobError> {
        refunds::issue(&self.0, &payload).await
    }
}
