#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! The worker runs what the modules bring (issue 10, acceptance 1 and 3): their handlers — a
//! payload that does not decode and a kind nobody handles go dead at once, with the reason ops
//! read in `jobs list --dead` —, their schedules, once per period across instances, and the
//! secrets and settings they declare, without which production does not start.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use sqlx::MySqlPool;
use ycyw_shared::AppState;
use ycyw_shared::jobs::Schedule;
use ycyw_shared::module::{Deployable, Duty};
use ycyw_shared::queue::db::DbQueue;
use ycyw_shared::queue::{Backoff, NewJob, enqueue};
use ycyw_shared::time::{Clock, ManualClock};
use ycyw_testkit::{database_url_of, run_to_end, test_epoch, test_settings};
use ycyw_worker::schedules::Scheduler;
use ycyw_worker::worker::{Outcome, Worker};

const WORKER: &str = env!("CARGO_BIN_EXE_ycyw-worker");

async fn the_worker(pool: &MySqlPool, clock: &ManualClock) -> Worker {
    let url = database_url_of(pool).await.unwrap();
    let state = AppState::new(pool.clone(), test_settings(&url, &[])).with_clock(Arc::new(clock.clone()));
    let work = Deployable::new("worker", ycyw_api::modules()).work(&state).await.unwrap();
    assert!(work.jobs.kinds().contains(&"send_email"), "the mail module brings its handler: {:?}", work.jobs.kinds());
    let queue = DbQueue::new(pool.clone(), Arc::new(clock.clone()), "test", Duration::from_secs(60), Backoff::default());
    Worker::new(Arc::new(queue), work.jobs)
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn undecodable_payloads_and_unknown_kinds_go_dead_at_once_with_their_reason(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let mut conn = pool.acquire().await.unwrap();
    // Valid JSON (the column insists), but not an email: the address must not reach the reason.
    let poison = NewJob::new("send_email", json!({ "to": ["someone@example.com"], "template": "verify_email" }));
    enqueue(&mut conn, poison, clock.now()).await.unwrap();
    enqueue(&mut conn, NewJob::new("frobnicate", json!({})), clock.now()).await.unwrap();
    drop(conn);

    let worker = the_worker(&pool, &clock).await;
    for _ in 0..2 {
        let execution = worker.execute_next().await.unwrap().unwrap();
        assert_eq!(execution.outcome, Outcome::Dead, "{} died at its first attempt", execution.kind);
    }
    assert!(worker.execute_next().await.unwrap().is_none());

    let url = database_url_of(&pool).await.unwrap();
    let (ok, out, err) = run_to_end(WORKER, &["jobs", "list", "--dead"], &[("DATABASE_URL", &url)]).await;
    assert!(ok, "{err}");
    let line = |kind: &str| out.lines().find(|l| l.contains(kind)).unwrap_or_else(|| panic!("no {kind} in {out}")).to_string();
    let email = line("send_email");
    assert!(email.contains("1/8") && email.contains("does not decode") && email.contains("at line 1"), "{email}");
    assert!(!out.contains("someone@example.com"), "the payload is not quoted: {out}");
    assert!(line("frobnicate").contains("no handler for job kind \"frobnicate\""), "{out}");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_schedule_enqueues_its_job_once_per_period_whatever_the_instances(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let schedule = Schedule::every("test_tick", Duration::from_secs(60), |start| NewJob::new("test_tick", json!({ "period": start })));
    let scheduler = |clock: &ManualClock| Scheduler::new(pool.clone(), Arc::new(clock.clone()), vec![schedule.clone()]);
    let (first, second) = (scheduler(&clock), scheduler(&clock));

    let (a, b) = tokio::join!(first.tick(), second.tick());
    assert_eq!(a.unwrap().len() + b.unwrap().len(), 1, "two instances, one job for the period");
    clock.advance(chrono::Duration::seconds(59));
    assert!(first.tick().await.unwrap().is_empty(), "same period");
    clock.advance(chrono::Duration::seconds(1));
    assert_eq!(second.tick().await.unwrap(), vec!["test_tick"], "the next period");
    let jobs = sqlx::query_scalar!("SELECT COUNT(*) FROM jobs WHERE kind = 'test_tick'").fetch_one(&pool).await.unwrap();
    assert_eq!(jobs, 2);
}

async fn worker_in_production(pool: &MySqlPool, env: &[(&str, &str)]) -> String {
    let url = database_url_of(pool).await.unwrap();
    let mut all = vec![("DATABASE_URL", url.as_str()), ("APP_ENV", "prod"), ("LOG_FORMAT", "json")];
    all.extend_from_slice(env);
    let (ok, _, err) = run_to_end(WORKER, &["run"], &all).await;
    assert!(!ok, "the worker must not start: {err}");
    err
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn the_worker_in_production_stops_without_what_its_modules_declare(pool: MySqlPool) {
    let err = worker_in_production(&pool, &[("SMTP_URL", "smtps://mailer@smtp.example.com:465")]).await;
    assert!(err.contains("SMTP_PASSWORD"), "{err}");
    let err = worker_in_production(
        &pool,
        &[
            ("SMTP_PASSWORD", "not-printed-smtp"),
            ("STRIPE_SECRET_KEY", "sk_test_not_printed"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_not_printed"),
        ],
    )
    .await;
    assert!(err.contains("SMTP_URL"), "{err}");
    let err =
        worker_in_production(&pool, &[("SMTP_URL", "smtps://mailer@smtp.example.com:465"), ("SMTP_PASSWORD", "not-printed-smtp")]).await;
    assert!(err.contains("STRIPE_SECRET_KEY"), "{err}");
    assert!(!err.contains("not-printed"), "{err}");
}

#[test]
fn the_worker_needs_the_secrets_of_every_modules_jobs_and_no_other() {
    let worker = Deployable::new("worker", ycyw_api::modules());
    let names: Vec<&str> = worker.secrets(Duty::Work).into_iter().map(|k| k.name()).collect();
    assert_eq!(names, vec!["SMTP_PASSWORD", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]);
}

/// Issue 11, defect 6: a mail dead for longer than the retry window loses its payload (address,
/// names, link token) through the mail module's hourly schedule; a recent dead one keeps it for
/// ops to retry.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn dead_mails_lose_their_payload_after_the_retry_window(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let mut conn = pool.acquire().await.unwrap();
    let mail = |to: &str| NewJob::new("send_email", json!({ "to": to, "locale": "en", "template": "password_reset", "params": {} }));
    for (to, dead_since) in [("old@example.com", chrono::Duration::days(8)), ("recent@example.com", chrono::Duration::days(1))] {
        enqueue(&mut conn, mail(to), clock.now()).await.unwrap();
        let finished = clock.now() - dead_since;
        sqlx::query!(
            "UPDATE jobs SET status = 'dead', finished_at = ? WHERE JSON_UNQUOTE(JSON_EXTRACT(payload, '$.to')) = ?",
            finished,
            to
        )
        .execute(&mut *conn)
        .await
        .unwrap();
    }
    drop(conn);
    let url = database_url_of(&pool).await.unwrap();
    let state = AppState::new(pool.clone(), test_settings(&url, &[])).with_clock(Arc::new(clock.clone()));
    let work = Deployable::new("worker", ycyw_api::modules()).work(&state).await.unwrap();
    let scheduler = Scheduler::new(pool.clone(), Arc::new(clock.clone()), work.schedules.clone());
    assert!(scheduler.tick().await.unwrap().contains(&"erase_dead_mail"));
    let worker = the_worker(&pool, &clock).await;
    let execution = worker.execute_next().await.unwrap().unwrap();
    assert_eq!((execution.kind.as_str(), execution.outcome), ("erase_dead_mail", Outcome::Completed));

    let payloads = sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'send_email' AND status = 'dead' ORDER BY finished_at")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(payloads.len(), 2);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&payloads[0]).unwrap(), json!({}), "8 days dead: erased");
    assert!(payloads[1].contains("recent@example.com"), "1 day dead: kept for a retry");
}
