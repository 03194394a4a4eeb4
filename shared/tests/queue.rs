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

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_batch_claim_takes_expired_leases_first_then_the_oldest_due_jobs(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let abandoned = enqueue_committed(&pool, &clock, NewJob::new("send_email", json!({"n": "abandoned"})).max_attempts(1)).await;
    let crashed = enqueue_committed(&pool, &clock, NewJob::new("send_email", json!({"n": "crashed"}))).await;
    let dead_worker = consumer(&pool, &clock, "dead");
    assert_eq!(dead_worker.claim_batch(8).await.unwrap().len(), 2);
    let mut due = Vec::new();
    for n in 0..10 {
        clock.advance(Span::seconds(1));
        due.push(enqueue_committed(&pool, &clock, NewJob::new("send_email", json!({ "n": n }))).await);
    }
    clock.advance(Span::seconds(30)); // the dead worker's leases have expired

    let queue = consumer(&pool, &clock, "w1");
    let first = queue.claim_batch(4).await.unwrap();
    let ids: Vec<_> = first.iter().map(|job| job.id).collect();
    assert_eq!(ids, vec![crashed, due[0], due[1], due[2]], "the crashed job first, then the due ones in order; never more than asked");
    assert_eq!(first.iter().map(|job| job.attempt).collect::<Vec<_>>(), vec![2, 1, 1, 1]);
    assert_eq!(status_of(&pool, abandoned).await.0, "dead", "a job whose last attempt crashed is dead, not claimed");
    for id in &ids {
        assert_eq!(status_of(&pool, *id).await.0, "running");
    }

    let rest = queue.claim_batch(100).await.unwrap();
    assert_eq!(rest.len(), 7, "the remaining due jobs, at most CLAIM_BATCH ({}) at once", ycyw_shared::queue::CLAIM_BATCH);
    assert!(queue.claim_batch(8).await.unwrap().is_empty());
    for job in first.iter().chain(&rest) {
        queue.complete(job, false).await.unwrap();
    }
    assert_eq!(db::depth(&pool).await.unwrap(), 0, "every claimed job is done: nothing left running or queued");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn completions_finishing_together_commit_together_and_a_lost_lease_is_reported_alone(pool: MySqlPool) {
    let clock = ManualClock::at(test_epoch());
    let mut tx = pool.begin().await.unwrap();
    for n in 0..40 {
        enqueue(&mut tx, NewJob::new("send_email", json!({ "n": n })), clock.now()).await.unwrap();
    }
    tx.commit().await.unwrap();
    let queue = consumer(&pool, &clock, "w1");
    let mut jobs = Vec::new();
    while jobs.len() < 40 {
        jobs.extend(queue.claim_batch(8).await.unwrap());
    }
    // One job's lease taken over by another worker: its completion must fail, alone.
    let fenced = jobs[7].clone();
    sqlx::query!("UPDATE jobs SET locked_by = 'other/1' WHERE id = ?", fenced.id).execute(&pool).await.unwrap();

    let completions = jobs.iter().map(|job| {
        let queue = queue.clone();
        let job = job.clone();
        tokio::spawn(async move { (job.id, queue.complete(&job, true).await) })
    });
    let mut done = 0;
    for completion in completions.collect::<Vec<_>>() {
        let (id, result) = completion.await.unwrap();
        if id == fenced.id {
            assert!(matches!(result, Err(QueueError::LeaseLost(lost)) if lost == id), "{result:?}");
        } else {
            result.unwrap();
            done += 1;
        }
    }
    assert_eq!(done, 39);
    let rows = sqlx::query!(
        r#"SELECT CAST(SUM(status = 'done' AND payload = JSON_OBJECT()) AS SIGNED) AS "done!: i64", CAST(SUM(status = 'running') AS SIGNED) AS "running!: i64" FROM jobs"#
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((rows.done, rows.running), (39, 1), "39 recorded done with their payload erased; the fenced one untouched");
}
