#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Worker issue, acceptance 2, for refunds: a `ycyw-worker` killed with SIGKILL while Stripe is
//! making a refund (the simulator has made it and holds its answer back), and one killed
//! between the handler's effect (the refund made and recorded) and the job's completion, both
//! leave the `issue_refund` job to run again — and each cancelled reservation gets one refund at
//! the Stripe stand-in, however many times it was asked.

mod common;

use std::time::Duration;

use common::{Client, Stack};
use serde_json::Value;
use sqlx::MySqlPool;
use stripe_sim::Fault;
use ycyw_testkit::{Binary, wait_until};

/// The idempotency keys of the refunds asked of the simulator, each once.
fn refund_keys(stack: &Stack) -> Vec<String> {
    let mut keys: Vec<String> = stack
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/v1/refunds")
        .map(|r| r.headers.idempotency_key.unwrap_or_default())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The refunds the simulator made: each announces itself with one `charge.refunded` event.
fn refunds_made(stack: &Stack) -> usize {
    stack.sim.events().iter().filter(|e| e.event_type == "charge.refunded").count()
}

async fn refund_job(pool: &MySqlPool) -> Option<(String, u32)> {
    let row = sqlx::query!("SELECT status, attempts FROM jobs WHERE kind = 'issue_refund' ORDER BY created_at DESC LIMIT 1")
        .fetch_optional(pool)
        .await
        .unwrap();
    row.map(|row| (row.status, row.attempts))
}

async fn job_done(pool: &MySqlPool) -> bool {
    wait_until(Duration::from_secs(30), || {
        let pool = pool.clone();
        async move { refund_job(&pool).await.is_some_and(|(status, _)| status == "done") }
    })
    .await
}

/// Books ten days ahead, pays, waits for the confirmation: a reservation worth a full refund.
async fn paid_reservation(c: &Client, agency: uuid::Uuid, days: i64) -> String {
    let id = c.book(agency, days, 1).await;
    c.pay(&id).await;
    assert!(c.until(&id, "confirmed").await, "confirmed");
    id
}

async fn kill(mut worker: Binary) {
    worker.signal("KILL").await;
    assert!(!worker.wait_exit(Duration::from_secs(10)).await.success());
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_worker_killed_around_a_refund_still_refunds_once(pool: MySqlPool) {
    let agency = common::agency(&pool, 2).await;
    let stack = Stack::start(&pool).await;
    let short_lease = [("JOB_LEASE_SECONDS", "2".to_string())];
    let worker = stack.worker(&short_lease);
    let c = stack.client("crash.refund@example.com", "en").await;
    let during = paid_reservation(&c, agency, 10).await;
    let after = paid_reservation(&c, agency, 12).await;

    // 1. Killed while Stripe makes the refund: the simulator makes it and holds its answer back.
    stack
        .sim
        .faults([Fault { timeout_ms: Some(60_000), process: Some(true), path: Some("/v1/refunds".into()), ..Fault::default() }])
        .unwrap();
    let cancelled: Value = c.post(&format!("/api/v1/reservations/{during}/cancellation"), None).await;
    assert_eq!(cancelled["refund"]["percent"], 100, "{cancelled}");
    let in_flight = wait_until(Duration::from_secs(30), || {
        let requests = stack.sim.requests();
        async move { requests.iter().any(|r| r.path == "/v1/refunds" && r.status.is_none()) }
    })
    .await;
    assert!(in_flight, "the worker asked Stripe for the refund");
    kill(worker).await;
    assert_eq!(refund_job(&pool).await, Some(("running".to_string(), 1)), "a killed worker records nothing");

    let worker = stack.worker(&short_lease);
    assert!(job_done(&pool).await, "the job ran again once its lease expired");
    assert_eq!(refund_job(&pool).await, Some(("done".to_string(), 2)));
    assert!(c.refund_succeeded(&during, 4500).await, "the refund is recorded");
    assert_eq!(refund_keys(&stack).len(), 1, "asked again, under the same idempotency key");
    assert_eq!(refunds_made(&stack), 1, "Stripe made one refund");

    // 2. Killed between the refund (made and recorded) and the job's completion.
    let mut env = short_lease.to_vec();
    env.push(("JOB_TEST_PAUSE", "after_handler:issue_refund:120000".to_string()));
    kill(worker).await;
    let worker = stack.worker(&env);
    c.post(&format!("/api/v1/reservations/{after}/cancellation"), None).await;
    let recorded = wait_until(Duration::from_secs(30), || {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar!("SELECT COUNT(*) FROM payments WHERE kind = 'refund' AND stripe_refund_id IS NOT NULL")
                .fetch_one(&pool)
                .await
                .unwrap()
                == 2
        }
    })
    .await;
    assert!(recorded, "the second refund was made and recorded");
    assert_eq!(refund_job(&pool).await, Some(("running".to_string(), 1)), "…and the worker pauses before completing the job");
    kill(worker).await;

    let _worker = stack.worker(&short_lease);
    assert!(job_done(&pool).await, "the job ran again once its lease expired");
    assert_eq!(refund_job(&pool).await.unwrap().1, 2, "two attempts");
    assert!(c.refund_succeeded(&after, 4500).await);
    assert_eq!(refund_keys(&stack).len(), 2, "the second refund was not asked again");
    assert_eq!(refunds_made(&stack), 2, "one refund per cancelled reservation");
}
