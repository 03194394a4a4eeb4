#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Acceptance 4 (queue side): transactional enqueue, single execution, retries with backoff,
//! dead jobs, exclusive claims and leases. The worker's process-level guarantees (SIGKILL) are
//! tested in the worker crate.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Span;
use serde_json::json;
use sqlx::MySqlPool;
use ycyw_shared::queue::db::{self, DbQueue};
use ycyw_shared::queue::{Backoff, Enqueued, NewJob, Queue, QueueError, Retry, enqueue};
use ycyw_shared::time::{Clock, ManualClock};
use ycyw_testkit::test_epoch;

const BACKOFF: Backoff = Backoff { base: Duration::from_secs(10), max: Duration::from_secs(60) };

fn consumer(pool: &MySqlPool, clock: &ManualClock, name: &str) -> DbQueue {
    DbQueue::new(pool.clone(), Arc::new(clock.clone()), name, Duration::from_secs(30), BACKOFF)
}

async fn enqueue_committed(pool: &MySqlPool, clock: &ManualClock, job: NewJob) -> uuid::Uuid {
    let mut tx = pool.begin().await.unwrap();
    let Enqueued::New(id) = enqueue(&mut tx, job, clock.now()).await.unwrap() else { panic!("duplicate") };
    tx.commit().await.unwrap();
    id
}

async fn status_of(pool: &MySqlPool, id: uuid::Uuid) -> (String, u32) {
    let row = sqlx::query!("SELECT status, attempts FROM jobs WHERE id = ?", id).fetch_one(pool).await.unwrap();
    (row.status, row.attempts)
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_job_enqueued_in_a_rolled_back_transaction_never_runs(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let mut tx = pool.begin().await.unwrap();
    enqueue(&mut tx, NewJob::new("send_email", json!({})), clock.now()).await.unwrap();
    tx.rollback().await.unwrap();
    clock.advance(Span::days(1));
    assert!(consumer(&pool, &clock, "w1").claim().await.unwrap().is_none());
    assert_eq!(db::depth(&pool).await.unwrap(), 0);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_committed_job_runs_once(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let id = enqueue_committed(&pool, &clock, NewJob::new("send_email", json!({"n": 1}))).await;
    let queue = consumer(&pool, &clock, "w1");
    let job = queue.claim().await.unwrap().expect("the job is runnable");
    assert_eq!((job.id, job.attempt, serde_json::from_str::<serde_json::Value>(&job.payload).unwrap()["n"].as_i64()), (id, 1, Some(1)));
    queue.complete(&job, false).await.unwrap();
    clock.advance(Span::hours(2));
    assert!(queue.claim().await.unwrap().is_none(), "a done job is never claimed again");
    assert_eq!(status_of(&pool, id).await, ("done".to_string(), 1));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_delayed_job_waits_for_its_time(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    enqueue_committed(&pool, &clock, NewJob::new("send_email", json!({})).run_at(clock.now() + Span::minutes(5))).await;
    let queue = consumer(&pool, &clock, "w1");
    assert!(queue.claim().await.unwrap().is_none());
    clock.advance(Span::minutes(5));
    assert!(queue.claim().await.unwrap().is_some());
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_failing_job_retries_with_backoff_then_dies(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let id = enqueue_committed(&pool, &clock, NewJob::new("send_email", json!({})).max_attempts(3)).await;
    let queue = consumer(&pool, &clock, "w1");

    for (attempt, delay) in [(1, 10), (2, 20)] {
        let job = queue.claim().await.unwrap().expect("runnable");
        assert_eq!(job.attempt, attempt);
        let retry = queue.fail(&job, "smtp timeout", false).await.unwrap();
        assert_eq!(retry, Retry::At(clock.now() + Span::seconds(delay)));
        clock.advance(Span::seconds(delay - 1));
        assert!(queue.claim().await.unwrap().is_none(), "not before its backoff");
        clock.advance(Span::seconds(1));
    }
    let job = queue.claim().await.unwrap().expect("third attempt");
    let refusal = "smtp permanent failure: 550 5.1.1 <ana.silva@example.com>: Recipient address rejected";
    assert_eq!(queue.fail(&job, refusal, false).await.unwrap(), Retry::Dead);
    clock.advance(Span::days(1));
    assert!(queue.claim().await.unwrap().is_none(), "a dead job is not retried by itself");
    assert_eq!(status_of(&pool, id).await, ("dead".to_string(), 3));

    let dead = db::list(&pool, true, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    // Issue 11, defect 8: what ops read never holds the recipient.
    assert_eq!(dead[0].last_error.as_deref(), Some("smtp permanent failure: 550 5.1.1 <[email]>: Recipient address rejected"));

    assert!(db::retry(&pool, id, clock.now()).await.unwrap(), "ops can retry a dead job");
    assert!(!db::retry(&pool, id, clock.now()).await.unwrap(), "only dead jobs");
    let job = queue.claim().await.unwrap().expect("runnable again");
    assert_eq!(job.attempt, 1);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_permanent_failure_is_dead_at_once(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let id = enqueue_committed(&pool, &clock, NewJob::new("send_email", json!({}))).await;
    let queue = consumer(&pool, &clock, "w1");
    let job = queue.claim().await.unwrap().unwrap();
    assert_eq!(queue.fail(&job, "bad payload", true).await.unwrap(), Retry::Dead);
    assert_eq!(status_of(&pool, id).await.0, "dead");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn concurrent_workers_never_claim_the_same_job(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let mut tx = pool.begin().await.unwrap();
    for n in 0..120 {
        enqueue(&mut tx, NewJob::new("send_email", json!({ "n": n })), clock.now()).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut workers = Vec::new();
    for w in 0..8 {
        let queue = consumer(&pool, &clock, &format!("w{w}"));
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = queue.claim().await.unwrap() {
                queue.complete(&job, false).await.unwrap();
                mine.push(job.id);
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 120, "every job ran");
    assert_eq!(unique.len(), 120, "no job ran twice");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn an_expired_lease_hands_the_job_to_another_worker(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let id = enqueue_committed(&pool, &clock, NewJob::new("send_email", json!({}))).await;
    let crashed = consumer(&pool, &clock, "crashed");
    let survivor = consumer(&pool, &clock, "survivor");
    let held = crashed.claim().await.unwrap().unwrap();

    clock.advance(Span::seconds(29));
    assert!(survivor.claim().await.unwrap().is_none(), "leased");
    clock.advance(Span::seconds(1));
    let taken = survivor.claim().await.unwrap().expect("lease expired");
    assert_eq!((taken.id, taken.attempt), (id, 2));

    assert!(matches!(crashed.complete(&held, false).await, Err(QueueError::LeaseLost(_))), "the old holder is fenced off");
    survivor.complete(&taken, false).await.unwrap();
    assert_eq!(status_of(&pool, id).await.0, "done");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_job_whose_last_attempt_crashed_is_dead(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let id = enqueue_committed(&pool, &clock, NewJob::new("send_email", json!({})).max_attempts(1)).await;
    let queue = consumer(&pool, &clock, "w1");
    queue.claim().await.unwrap().unwrap();
    clock.advance(Span::minutes(1));
    assert!(queue.claim().await.unwrap().is_none());
    assert_eq!(status_of(&pool, id).await.0, "dead");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn released_jobs_run_again_without_losing_an_attempt(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    enqueue_committed(&pool, &clock, NewJob::new("send_email", json!({}))).await;
    let queue = consumer(&pool, &clock, "w1");
    let job = queue.claim().await.unwrap().unwrap();
    queue.release(&job).await.unwrap();
    let again = queue.claim().await.unwrap().expect("released jobs are runnable at once");
    assert_eq!(again.attempt, 1);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_dedup_key_enqueues_once(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let mut conn = pool.acquire().await.unwrap();
    let job = NewJob::new("issue_refund", json!({"refund": 1})).dedup_key("refund:1");
    assert!(matches!(enqueue(&mut conn, job.clone(), clock.now()).await.unwrap(), Enqueued::New(_)));
    assert_eq!(enqueue(&mut conn, job, clock.now()).await.unwrap(), Enqueued::Duplicate);
    assert_eq!(db::depth(&pool).await.unwrap(), 1);
}
