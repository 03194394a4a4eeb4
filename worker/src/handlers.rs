//! What each kind of job does. Handlers are idempotent or guarded by state checks: a job may
//! run again after a crash (at-least-once delivery).

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use ycyw_shared::mail::{EmailJob, Mailer};
use ycyw_shared::queue::{Job, kinds};

/// Why a job failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Retrying may succeed (network, remote 5xx, lock timeout).
    #[error("{0:#}")]
    Retryable(anyhow::Error),
    /// Retrying cannot succeed (malformed payload, refused address): the job is dead at once.
    #[error("{0:#}")]
    Permanent(anyhow::Error),
}

/// Runs one kind of job.
#[async_trait]
pub trait JobHandler: Send + Sync {
    /// Does the job's work.
    async fn handle(&self, job: &Job) -> Result<(), JobError>;
}

/// The handlers by job kind.
#[derive(Clone, Default)]
pub struct Handlers(HashMap<&'static str, Arc<dyn JobHandler>>);

impl Handlers {
    /// Registers `handler` for `kind`.
    pub fn with(mut self, kind: &'static str, handler: impl JobHandler + 'static) -> Self {
        self.0.insert(kind, Arc::new(handler));
        self
    }

    /// The handler of `kind`.
    pub fn get(&self, kind: &str) -> Option<&Arc<dyn JobHandler>> {
        self.0.get(kind)
    }

    /// Every handler the product has.
    pub fn standard(mailer: Mailer) -> Self {
        Handlers::default().with(kinds::SEND_EMAIL, SendEmail(mailer))
    }
}

/// `send_email`: renders and sends one [`EmailJob`].
pub struct SendEmail(pub Mailer);

#[async_trait]
impl JobHandler for SendEmail {
    async fn handle(&self, job: &Job) -> Result<(), JobError> {
        let email: EmailJob =
            serde_json::from_value(job.payload.clone()).map_err(|e| JobError::Permanent(anyhow::anyhow!("send_email payload: {e}")))?;
        self.0.send(&email).await.map_err(|e| if e.is_permanent() { JobError::Permanent(e.into()) } else { JobError::Retryable(e.into()) })
    }
}
