//! The mail module: owns the `send_email` jobs every other module enqueues — their handler in the
//! worker (which needs the SMTP settings), and their part in a user's data export and erasure.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::MySqlConnection;

use super::{EmailJob, Mailer};
use crate::account::{Account, AccountPart};
use crate::config::{ConfigError, SecretKey, Settings};
use crate::jobs::{Handle, JobError, JobHandlers, JobSpec, Schedule};
use crate::module::{Duty, Module, Work};
use crate::queue::{Job, JobStatus, NewJob};
use crate::state::AppState;
use crate::time::{Clock, to_db_precision};

/// The module of outgoing email.
#[derive(Debug, Clone, Copy, Default)]
pub struct MailModule;

#[async_trait]
impl Module for MailModule {
    fn name(&self) -> &'static str {
        "mail"
    }

    fn secrets(&self, duty: Duty) -> &'static [SecretKey] {
        match duty {
            Duty::Work => &[SecretKey::SmtpPassword],
            Duty::Http => &[],
        }
    }

    fn check(&self, settings: &Settings, duty: Duty) -> Result<(), ConfigError> {
        if duty == Duty::Http {
            return Ok(());
        }
        if settings.is_prod() && settings.smtp_url.is_none() {
            return Err(ConfigError::Missing("SMTP_URL"));
        }
        Mailer::from_settings(settings).map(drop).map_err(|e| ConfigError::Invalid { key: "SMTP_URL", reason: e.to_string() })
    }

    async fn work(&self, state: &AppState) -> anyhow::Result<Work> {
        let mailer = Mailer::from_settings(&state.settings)?;
        let jobs = JobHandlers::default()
            .on::<EmailJob>(SendEmail::new(mailer, state.db.clone(), state.clock.clone()))
            .on::<EraseDeadMail>(EraseDeadMailHandler { pool: state.db.clone(), clock: state.clock.clone() });
        let schedules = vec![Schedule::every(EraseDeadMail::KIND, std::time::Duration::from_secs(3600), |_| {
            NewJob::new(EraseDeadMail::KIND, json!({}))
        })];
        Ok(Work { jobs, schedules })
    }

    fn account(&self) -> Option<Arc<dyn AccountPart>> {
        Some(Arc::new(MailAccount))
    }
}

/// `send_email`: sends one [`EmailJob`], once. A job runs again when its worker dies before
/// completing it; the mail's row in `mail_deliveries`, written as soon as the SMTP server has
/// taken the mail, keeps that second run from sending it again. (Only a crash in the instant
/// between the server's answer and that write can still send it twice — with the same
/// `Message-ID`, which mail clients show once.)
#[derive(Debug, Clone)]
pub struct SendEmail {
    mailer: Mailer,
    pool: sqlx::MySqlPool,
    clock: Arc<dyn Clock>,
}

impl SendEmail {
    /// The handler sending through `mailer`, recording deliveries in `pool`.
    pub fn new(mailer: Mailer, pool: sqlx::MySqlPool, clock: Arc<dyn Clock>) -> Self {
        Self { mailer, pool, clock }
    }
}

#[async_trait]
impl Handle<EmailJob> for SendEmail {
    async fn handle(&self, email: EmailJob, job: &Job) -> Result<(), JobError> {
        let retryable = |e: sqlx::Error| JobError::Retryable(e.into());
        let sent = sqlx::query_scalar!("SELECT COUNT(*) FROM mail_deliveries WHERE job_id = ?", job.id)
            .fetch_one(&self.pool)
            .await
            .map_err(retryable)?;
        if sent > 0 {
            tracing::info!(job_id = %job.id, "mail already sent by an earlier run of the job: not sent again");
            return Ok(());
        }
        self.mailer
            .send_as(&email, Some(format!("<{}@mail.yourcaryourway>", job.id)))
            .await
            .map_err(|e| if e.is_permanent() { JobError::Permanent(e.into()) } else { JobError::Retryable(e.into()) })?;
        sqlx::query!(
            "INSERT INTO mail_deliveries (job_id, sent_at) VALUES (?, ?) ON DUPLICATE KEY UPDATE job_id = job_id",
            job.id,
            to_db_precision(self.clock.now())
        )
        .execute(&self.pool)
        .await
        .map_err(retryable)?;
        Ok(())
    }
}

/// How long a delivery is remembered: far longer than a job can wait for a retry.
pub const DELIVERY_MEMORY: chrono::Duration = chrono::Duration::days(30);

/// How long a dead mail keeps its payload, for ops to fix the cause and `jobs retry` it.
pub const DEAD_MAIL_RETENTION: chrono::Duration = chrono::Duration::days(7);

/// `erase_dead_mail` (hourly): mails dead for longer than [`DEAD_MAIL_RETENTION`] lose their
/// payload (address, names, link tokens); sent ones lose it as soon as they are sent. Deliveries
/// older than [`DELIVERY_MEMORY`] are forgotten.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct EraseDeadMail {}

impl JobSpec for EraseDeadMail {
    const KIND: &'static str = "erase_dead_mail";
}

struct EraseDeadMailHandler {
    pool: sqlx::MySqlPool,
    clock: Arc<dyn Clock>,
}

#[async_trait]
impl Handle<EraseDeadMail> for EraseDeadMailHandler {
    async fn handle(&self, _: EraseDeadMail, _job: &Job) -> Result<(), JobError> {
        let before = to_db_precision(self.clock.now() - DEAD_MAIL_RETENTION);
        let erased = sqlx::query!(
            "UPDATE jobs SET payload = JSON_OBJECT() WHERE kind = ? AND status = 'dead' AND finished_at < ? AND payload <> JSON_OBJECT()",
            EmailJob::KIND,
            before
        )
        .execute(&self.pool)
        .await
        .map_err(|e| JobError::Retryable(e.into()))?;
        let forgotten = sqlx::query!("DELETE FROM mail_deliveries WHERE sent_at < ?", to_db_precision(self.clock.now() - DELIVERY_MEMORY))
            .execute(&self.pool)
            .await
            .map_err(|e| JobError::Retryable(e.into()))?;
        tracing::info!(
            erased = erased.rows_affected(),
            forgotten = forgotten.rows_affected(),
            "payloads of old dead mails erased, old deliveries forgotten"
        );
        Ok(())
    }
}

/// The emails queued or sent to the account's address.
#[derive(Debug)]
struct MailAccount;

#[async_trait]
impl AccountPart for MailAccount {
    fn section(&self) -> &'static str {
        "emails"
    }

    async fn export(&self, conn: &mut MySqlConnection, account: &Account) -> anyhow::Result<Value> {
        let Some(email) = &account.email else { return Ok(json!([])) };
        let rows = sqlx::query!(
            r#"SELECT payload, status AS "status: JobStatus", created_at AS "created_at: DateTime<Utc>",
                   finished_at AS "finished_at: DateTime<Utc>"
               FROM jobs WHERE kind = ? AND JSON_UNQUOTE(JSON_EXTRACT(payload, '$.to')) = ? ORDER BY created_at, id"#,
            EmailJob::KIND,
            email
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut emails = Vec::with_capacity(rows.len());
        for row in rows {
            let Ok(job) = serde_json::from_str::<EmailJob>(&row.payload) else { continue };
            // Link tokens are credentials: the export says a link was sent, not what it was.
            let params: serde_json::Map<String, Value> = job
                .params
                .into_iter()
                .map(|(name, value)| {
                    let value = if name == "link" { "(link withheld)".to_string() } else { value };
                    (name, Value::String(value))
                })
                .collect();
            emails.push(json!({
                "template": job.template, "locale": job.locale, "params": params,
                "status": row.status, "queuedAt": row.created_at, "finishedAt": row.finished_at,
            }));
        }
        Ok(Value::Array(emails))
    }

    async fn erase(&self, conn: &mut MySqlConnection, account: &Account, _now: DateTime<Utc>) -> anyhow::Result<()> {
        let Some(email) = &account.email else { return Ok(()) };
        // Their payloads hold the address, names and link tokens. A job being sent right now
        // finishes (its row is leased); every other one goes.
        sqlx::query!(
            "DELETE FROM jobs WHERE kind = ? AND status <> 'running' AND JSON_UNQUOTE(JSON_EXTRACT(payload, '$.to')) = ?",
            EmailJob::KIND,
            email
        )
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}
