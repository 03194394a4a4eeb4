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
use crate::jobs::{Handle, JobError, JobHandlers, JobSpec};
use crate::module::{Duty, Module, Work};
use crate::queue::{Job, JobStatus};
use crate::state::AppState;

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
        Ok(Work { jobs: JobHandlers::default().on::<EmailJob>(SendEmail(mailer)), schedules: Vec::new() })
    }

    fn account(&self) -> Option<Arc<dyn AccountPart>> {
        Some(Arc::new(MailAccount))
    }
}

/// `send_email`: renders and sends one [`EmailJob`].
#[derive(Debug, Clone)]
pub struct SendEmail(pub Mailer);

#[async_trait]
impl Handle<EmailJob> for SendEmail {
    async fn handle(&self, email: EmailJob, _job: &Job) -> Result<(), JobError> {
        self.0.send(&email).await.map_err(|e| if e.is_permanent() { JobError::Permanent(e.into()) } else { JobError::Retryable(e.into()) })
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
