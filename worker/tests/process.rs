#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! The worker as ops run it: a killed worker loses no job, SIGTERM stops it cleanly, and the
//! ops commands work on a real database.

use std::collections::BTreeMap;
use std::time::Duration;

use sqlx::MySqlPool;
use ycyw_shared::mail::{self, EmailJob, Locale, Template};
use ycyw_testkit::{Binary, SmtpSink, database_url_of, free_port, wait_until};

const WORKER: &str = env!("CARGO_BIN_EXE_ycyw-worker");

async fn job_status(pool: &MySqlPool) -> Option<(String, u32)> {
    let row = sqlx::query!("SELECT status, attempts FROM jobs LIMIT 1").fetch_optional(pool).await.unwrap();
    row.map(|row| (row.status, row.attempts))
}

fn worker_env(url: &str, smtp: &str) -> Vec<(&'static str, String)> {
    vec![
        ("DATABASE_URL", url.to_string()),
        ("SMTP_URL", smtp.to_string()),
        ("HEALTH_PORT", free_port().to_string()),
        ("JOB_LEASE_SECONDS", "2".into()),
        ("JOB_POLL_MILLIS", "100".into()),
    ]
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_worker_killed_mid_job_leaves_the_job_to_run_again_after_its_lease(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let mut params = BTreeMap::new();
    params.insert("first_name".to_string(), "Ana".to_string());
    params.insert("link".to_string(), "http://localhost:4200/verify-email?token=t".to_string());
    let email = EmailJob::new("killed@example.com", Locale::Fr, Template::VerifyEmail, params).unwrap();
    let mut conn = pool.acquire().await.unwrap();
    mail::enqueue(&mut conn, &email, chrono::Utc::now()).await.unwrap();

    // An SMTP server that accepts and then never speaks: the first worker hangs mid-job.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("smtp://{}", silent.local_addr().unwrap());
    let mut first = Binary::spawn(WORKER, &["run"], &worker_env(&url, &silent_url));
    let (_held, _) = tokio::time::timeout(Duration::from_secs(30), silent.accept()).await.expect("the worker reached SMTP").unwrap();
    assert_eq!(job_status(&pool).await.unwrap().0, "running");

    first.signal("KILL").await;
    assert!(!first.wait_exit(Duration::from_secs(10)).await.success());
    assert_eq!(job_status(&pool).await, Some(("running".to_string(), 1)), "nothing recorded by a killed worker");

    let sink = SmtpSink::start().await;
    let _second = Binary::spawn(WORKER, &["run"], &worker_env(&url, &sink.url));
    let done = wait_until(Duration::from_secs(30), || {
        let pool = pool.clone();
        async move { job_status(&pool).await.is_some_and(|(s, _)| s == "done") }
    })
    .await;
    assert!(done, "the job ran again once its lease expired");
    assert_eq!(job_status(&pool).await.unwrap().1, 2);
    let received = sink.wait_for("killed@example.com").await;
    assert_eq!(received.subject, "Confirmez votre adresse e-mail");
    assert_eq!(sink.messages().len(), 1);
}

/// Issue 14, acceptance 2: killed between the handler's effect (the mail handed to the SMTP
/// server) and the job's completion, the worker leaves the job to run again — and that second
/// run finds the delivery and does not send the mail twice.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_worker_killed_after_sending_a_mail_does_not_send_it_twice(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let mut params = BTreeMap::new();
    params.insert("first_name".to_string(), "Ana".to_string());
    params.insert("link".to_string(), "http://localhost:4200/verify-email?token=t".to_string());
    let email = EmailJob::new("once@example.com", Locale::En, Template::VerifyEmail, params).unwrap();
    let mut conn = pool.acquire().await.unwrap();
    mail::enqueue(&mut conn, &email, chrono::Utc::now()).await.unwrap();
    drop(conn);

    let sink = SmtpSink::start().await;
    let mut env = worker_env(&url, &sink.url);
    env.push(("JOB_TEST_PAUSE", "after_handler:send_email:120000".into()));
    let mut first = Binary::spawn(WORKER, &["run"], &env);
    let delivered = wait_until(Duration::from_secs(30), || {
        let pool = pool.clone();
        async move { sqlx::query_scalar!("SELECT COUNT(*) FROM mail_deliveries").fetch_one(&pool).await.unwrap() == 1 }
    })
    .await;
    assert!(delivered, "the first worker sent the mail");
    assert_eq!(job_status(&pool).await, Some(("running".to_string(), 1)), "…and pauses before completing the job");
    first.signal("KILL").await;
    assert!(!first.wait_exit(Duration::from_secs(10)).await.success());

    let _second = Binary::spawn(WORKER, &["run"], &worker_env(&url, &sink.url));
    let done = wait_until(Duration::from_secs(30), || {
        let pool = pool.clone();
        async move { job_status(&pool).await.is_some_and(|(s, _)| s == "done") }
    })
    .await;
    assert!(done, "the job ran again once its lease expired");
    assert_eq!(job_status(&pool).await.unwrap().1, 2, "two attempts");
    sink.wait_for("once@example.com").await;
    assert_eq!(sink.messages().len(), 1, "one mail, not two");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn sigterm_releases_a_job_that_outlives_the_grace_period(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let mut params = BTreeMap::new();
    params.insert("first_name".to_string(), "Ana".to_string());
    params.insert("link".to_string(), "l".to_string());
    let email = EmailJob::new("slow@example.com", Locale::En, Template::VerifyEmail, params).unwrap();
    mail::enqueue(&mut conn, &email, chrono::Utc::now()).await.unwrap();

    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut env = worker_env(&url, &format!("smtp://{}", silent.local_addr().unwrap()));
    env.push(("SHUTDOWN_GRACE_SECONDS", "1".into()));
    env.push(("JOB_LEASE_SECONDS", "600".into()));
    let mut worker = Binary::spawn(WORKER, &["run"], &env);
    let (_held, _) = tokio::time::timeout(Duration::from_secs(30), silent.accept()).await.expect("the worker reached SMTP").unwrap();
    assert_eq!(job_status(&pool).await, Some(("running".to_string(), 1)));

    worker.signal("TERM").await;
    assert!(worker.wait_exit(Duration::from_secs(15)).await.success());
    assert_eq!(job_status(&pool).await, Some(("queued".to_string(), 0)), "released for another worker, attempt not counted");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn sigterm_stops_the_worker_and_its_health_server(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let env = worker_env(&url, "smtp://127.0.0.1:9");
    let health_port = env.iter().find(|(k, _)| *k == "HEALTH_PORT").map(|(_, v)| v.clone()).unwrap();
    let mut worker = Binary::spawn(WORKER, &[], &env);
    let ready_url = format!("http://127.0.0.1:{health_port}/health/ready");
    let ready = wait_until(Duration::from_secs(30), || {
        let url = ready_url.clone();
        async move { matches!(reqwest::get(&url).await, Ok(r) if r.status() == 200) }
    })
    .await;
    assert!(ready, "the worker's health server answered");
    worker.signal("TERM").await;
    assert!(worker.wait_exit(Duration::from_secs(15)).await.success());
}

async fn cli(url: &str, args: &[&str]) -> (bool, String, String) {
    ycyw_testkit::run_to_end(WORKER, args, &[("DATABASE_URL", url)]).await
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn ops_enqueue_list_and_retry_jobs(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let (ok, out, err) = cli(&url, &["enqueue", "send_email", "--payload", r#"{"to":"x@example.com"}"#, "--max-attempts", "1"]).await;
    assert!(ok, "{err}");
    let id = out.trim().to_string();
    assert_eq!(id.len(), 36, "prints the job id: {out}");

    let (ok, out, _) = cli(&url, &["jobs", "list"]).await;
    assert!(ok && out.contains(&id) && out.contains("queued"), "{out}");
    assert!(!out.contains("x@example.com"), "payloads are not printed");

    // An error stored before masking existed: the listing masks it too (issue 11, defect 8).
    sqlx::query!("UPDATE jobs SET status = 'dead', attempts = 1, last_error = 'boom: 550 <lea@example.com> unknown'")
        .execute(&pool)
        .await
        .unwrap();
    let (_, out, _) = cli(&url, &["jobs", "list", "--dead"]).await;
    assert!(out.contains(&id) && out.contains("boom: 550 <[email]> unknown"), "{out}");
    assert!(!out.contains("lea@example.com"), "{out}");

    let (ok, out, _) = cli(&url, &["jobs", "retry", &id]).await;
    assert!(ok && out.contains("queued again"), "{out}");
    assert_eq!(job_status(&pool).await, Some(("queued".into(), 0)));
    let (ok, _, err) = cli(&url, &["jobs", "retry", &id]).await;
    assert!(!ok && err.contains("no dead job"), "{err}");

    let (ok, _, err) = cli(&url, &["enqueue", "send_email", "--payload", "{not json"]).await;
    assert!(!ok && err.contains("--payload is not valid JSON"), "{err}");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn ops_create_staff_queues_an_invitation(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let (ok, _, err) = cli(&url, &["seed-demo"]).await;
    assert!(ok, "{err}");
    let first = sqlx::query!(r#"SELECT id AS "id: uuid::Uuid", code FROM agencies ORDER BY code LIMIT 1"#).fetch_one(&pool).await.unwrap();
    let (agency, code) = (first.id, first.code);
    let (ok, out, err) =
        cli(&url, &["create-staff", "--role", "agent", "--email", "Lea@ycyw.example", "--agency", &code.to_lowercase(), "--locale", "fr"])
            .await;
    assert!(ok, "{err}");
    let id = out.lines().next().unwrap().trim().to_string();
    let staff = sqlx::query!(r#"SELECT role, agency_id AS "agency_id: uuid::Uuid" FROM users WHERE email = 'lea@ycyw.example'"#)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((staff.role.as_str(), staff.agency_id), ("agent", Some(agency)));
    let payload = sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'send_email'").fetch_one(&pool).await.unwrap();
    assert!(payload.contains("staff_invite") && payload.contains("/set-password?token="), "{payload}");
    assert_eq!(id.len(), 36);

    let (ok, _, err) = cli(&url, &["create-staff", "--role", "agent", "--email", "bob@ycyw.example"]).await;
    assert!(!ok && err.contains("an agent needs an agency"), "{err}");
    let (ok, _, err) = cli(&url, &["create-staff", "--role", "agent", "--email", "bob@ycyw.example", "--agency", "NOPE-XXX"]).await;
    assert!(!ok && err.contains("no agency has the code or id"), "{err}");
    let (ok, out, err) =
        cli(&url, &["create-staff", "--role", "agent", "--email", "bob@ycyw.example", "--agency", &agency.to_string()]).await;
    assert!(ok && out.lines().count() == 2, "by id too: {err}");
    let (ok, _, err) = cli(&url, &["create-staff", "--role", "client", "--email", "c@ycyw.example"]).await;
    assert!(!ok && err.contains("invalid value"), "{err}");
    let (ok, _, err) = cli(&url, &["create-staff", "--role", "support", "--email", "lea@ycyw.example"]).await;
    assert!(!ok && err.contains("exists already"), "{err}");
}

#[sqlx::test(migrations = false)]
async fn migrate_applies_the_migrations(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let (ok, out, err) = cli(&url, &["migrate"]).await;
    assert!(ok, "{err}");
    assert!(out.contains("migrations applied"));
    assert!(ycyw_shared::db::migrations_applied(&pool).await.unwrap());
}
