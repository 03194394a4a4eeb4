#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Worker issue, acceptance 3: two `ycyw-worker` processes running the same schedules, every
//! second, on one database: each period's job is enqueued and run once, and each pickup reminder
//! is sent once.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use sqlx::MySqlPool;
use ycyw_testkit::{Binary, SmtpSink, database_url_of, free_port, wait_until};

/// The worker binary, built by the workspace build beside this test's `deps/` folder.
fn worker_binary() -> String {
    let test = std::env::current_exe().unwrap();
    let profile = test.parent().and_then(|deps| deps.parent()).map(PathBuf::from).unwrap();
    let worker = profile.join("ycyw-worker");
    assert!(worker.exists(), "build the workspace first (cargo build --workspace): {} is missing", worker.display());
    worker.display().to_string()
}

const REMINDER: &str = "Your car is waiting for you tomorrow";

async fn ticks(pool: &MySqlPool) -> i64 {
    sqlx::query_scalar!("SELECT COUNT(*) FROM jobs WHERE kind = 'send_pickup_reminders' AND status = 'done'").fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn two_workers_run_each_tick_once_and_send_each_pickup_reminder_once(pool: MySqlPool) {
    let w = common::world_at(pool.clone(), chrono::Utc::now()).await;
    let mut recipients = Vec::new();
    for n in 0..3 {
        let email = format!("early{n}@example.com");
        let (_, auth) = w.client(&email).await;
        let pickup = w.now() + chrono::Duration::hours(5 + n);
        w.confirmed(&auth, &w.booking(&w.paris, "CDMR", pickup, 1)).await;
        recipients.push(email);
    }

    let sink = SmtpSink::start().await;
    let url = database_url_of(&pool).await.unwrap();
    let env = |health: u16| {
        vec![
            ("DATABASE_URL", url.clone()),
            ("SMTP_URL", sink.url.clone()),
            ("HEALTH_PORT", health.to_string()),
            ("JOB_POLL_MILLIS", "50".to_string()),
            ("SCHEDULE_TICK_SECONDS", "1".to_string()),
            ("SCHEDULE_EVERY_SEND_PICKUP_REMINDERS", "1".to_string()),
        ]
    };
    let _workers =
        [Binary::spawn(&worker_binary(), &["run"], &env(free_port())), Binary::spawn(&worker_binary(), &["run"], &env(free_port()))];

    let reminders = |sink: &SmtpSink| sink.messages().into_iter().filter(|m| m.subject.starts_with(REMINDER)).collect::<Vec<_>>();
    let sent = wait_until(Duration::from_secs(60), || {
        let (pool, count) = (pool.clone(), reminders(&sink).len());
        async move { count == 3 && ticks(&pool).await >= 2 }
    })
    .await;
    assert!(sent, "the reminders went out: {} of 3, {} ticks", reminders(&sink).len(), ticks(&pool).await);
    // Several more periods, each ticked by both workers.
    let before = ticks(&pool).await;
    assert!(
        wait_until(Duration::from_secs(60), || {
            let pool = pool.clone();
            async move { ticks(&pool).await >= before + 4 }
        })
        .await
    );

    let mut to: Vec<String> = reminders(&sink).into_iter().flat_map(|m| m.to).collect();
    to.sort();
    assert_eq!(to, recipients, "one reminder per reservation, whatever the ticks and the workers");
    let runs = sqlx::query!(
        r#"SELECT COUNT(*) AS "jobs!: i64", COUNT(DISTINCT dedup_key) AS "periods!: i64", MAX(attempts) AS "attempts: u32"
           FROM jobs WHERE kind = 'send_pickup_reminders'"#
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(runs.jobs, runs.periods, "one job per period");
    assert_eq!(runs.attempts, Some(1), "each period's job ran once");
    let lease = sqlx::query!(
        "SELECT every_seconds, job_id IS NOT NULL AS \"recorded!: bool\" FROM schedule_runs WHERE name = 'send_pickup_reminders'"
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((lease.every_seconds, lease.recorded), (1, true), "the lease row records the period and its job");
}
