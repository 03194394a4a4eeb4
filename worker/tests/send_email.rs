#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Acceptance 5 (worker side): a `send_email` job enqueued with a business change is delivered
//! over real SMTP, with both parts, and to a file in dev mode.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use sqlx::MySqlPool;
use ycyw_shared::jobs::JobHandlers;
use ycyw_shared::mail::SendEmail;
use ycyw_shared::mail::{self, EmailJob, Locale, Mailer, Template};
use ycyw_shared::queue::db::DbQueue;
use ycyw_shared::queue::{Backoff, NewJob, enqueue};
use ycyw_shared::time::{Clock, ManualClock};
use ycyw_testkit::{SmtpSink, test_epoch, test_settings};
use ycyw_worker::worker::{Outcome, Worker};

fn reset_email(to: &str) -> EmailJob {
    let mut params = BTreeMap::new();
    params.insert("first_name".into(), "Ana".into());
    params.insert("link".into(), "http://localhost:4200/reset-password?token=tok-42".into());
    EmailJob::new(to, Locale::En, Template::PasswordReset, params).unwrap()
}

fn worker(pool: &MySqlPool, clock: &ManualClock, mailer: Mailer) -> Worker {
    let queue = DbQueue::new(pool.clone(), Arc::new(clock.clone()), "test", Duration::from_secs(60), Backoff::default());
    Worker::new(Arc::new(queue), JobHandlers::default().on::<EmailJob>(SendEmail::new(mailer, pool.clone(), Arc::new(clock.clone()))))
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn send_email_is_delivered_over_smtp(pool: MySqlPool) {
    let sink = SmtpSink::start().await;
    let clock = ManualClock::at(test_epoch());
    let mailer = Mailer::from_settings(&test_settings("mysql://unused", &[("SMTP_URL", &sink.url)])).unwrap();
    let mut tx = pool.begin().await.unwrap();
    mail::enqueue(&mut tx, &reset_email("ana@example.com"), clock.now()).await.unwrap();
    tx.commit().await.unwrap();

    let worker = worker(&pool, &clock, mailer);
    let execution = worker.execute_next().await.unwrap().expect("a job ran");
    assert_eq!((execution.kind.as_str(), execution.outcome), ("send_email", Outcome::Completed));
    assert!(worker.execute_next().await.unwrap().is_none());

    let received = sink.wait_for("ana@example.com").await;
    assert_eq!(received.subject, "Reset your password");
    assert!(received.text.unwrap().contains("reset-password?token=tok-42"));
    assert!(received.html.unwrap().contains("href=\"http://localhost:4200/reset-password?token=tok-42\""));
    // Issue 11, defect 6: once sent, the job keeps no address, name or link token.
    let payload = sqlx::query_scalar!("SELECT payload FROM jobs WHERE id = ?", execution.job_id).fetch_one(&pool).await.unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&payload).unwrap(), json!({}));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn send_email_writes_a_file_in_dev_mode(pool: MySqlPool) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at(test_epoch());
    let mailer = Mailer::from_settings(&test_settings("mysql://unused", &[("DEV_MAILBOX_DIR", dir.path().to_str().unwrap())])).unwrap();
    let mut conn = pool.acquire().await.unwrap();
    mail::enqueue(&mut conn, &reset_email("bob@example.com"), clock.now()).await.unwrap();

    let execution = worker(&pool, &clock, mailer).execute_next().await.unwrap().unwrap();
    assert_eq!(execution.outcome, Outcome::Completed);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().filter_map(Result::ok).collect();
    assert_eq!(files.len(), 1);
    let raw = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(raw.contains("To: bob@example.com") && raw.contains("Subject: Reset your password"));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn an_unreachable_smtp_server_means_retry_and_a_bad_payload_is_dead(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let down = format!("smtp://127.0.0.1:{}", ycyw_testkit::free_port());
    let mailer = Mailer::from_settings(&test_settings("mysql://unused", &[("SMTP_URL", &down)])).unwrap();
    let worker = worker(&pool, &clock, mailer);

    let mut conn = pool.acquire().await.unwrap();
    mail::enqueue(&mut conn, &reset_email("c@example.com"), clock.now()).await.unwrap();
    assert_eq!(worker.execute_next().await.unwrap().unwrap().outcome, Outcome::Retrying);

    enqueue(&mut conn, NewJob::new("send_email", json!({"to": "c@example.com"})), clock.now()).await.unwrap();
    assert_eq!(worker.execute_next().await.unwrap().unwrap().outcome, Outcome::Dead);

    enqueue(&mut conn, NewJob::new("no_such_kind", json!({})), clock.now()).await.unwrap();
    assert_eq!(worker.execute_next().await.unwrap().unwrap().outcome, Outcome::Dead);
}
