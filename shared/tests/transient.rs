//! Deadlocks happen between workers claiming and finishing jobs at once (scripts/test saw one):
//! a real InnoDB deadlock is recognised as transient, and the operation is run again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::MySqlPool;
use ycyw_shared::db::{is_transient, retry_transient};

/// Two transactions lock two rows in opposite orders: InnoDB kills one of them.
async fn real_deadlock(pool: &MySqlPool) -> sqlx::Error {
    // The test's own table, outside the migrations: plain SQL text, nothing to check at build.
    sqlx::raw_sql("CREATE TABLE deadlock_probe (id INT PRIMARY KEY, n INT NOT NULL) ENGINE = InnoDB").execute(pool).await.unwrap();
    sqlx::raw_sql("INSERT INTO deadlock_probe VALUES (1, 0), (2, 0)").execute(pool).await.unwrap();
    let mut ta = pool.begin().await.unwrap();
    let mut tb = pool.begin().await.unwrap();
    sqlx::raw_sql("UPDATE deadlock_probe SET n = 1 WHERE id = 1").execute(&mut *ta).await.unwrap();
    sqlx::raw_sql("UPDATE deadlock_probe SET n = 1 WHERE id = 2").execute(&mut *tb).await.unwrap();
    // Whichever of these comes second closes the cycle, so InnoDB kills one of them.
    let (first, second) = tokio::join!(
        sqlx::raw_sql("UPDATE deadlock_probe SET n = 2 WHERE id = 2").execute(&mut *ta),
        sqlx::raw_sql("UPDATE deadlock_probe SET n = 2 WHERE id = 1").execute(&mut *tb),
    );
    let (first, second) = (first.err(), second.err());
    first.or(second).expect("one of the two transactions is the deadlock victim")
}

fn itself(error: &sqlx::Error) -> Option<&sqlx::Error> {
    Some(error)
}

#[sqlx::test(migrations = false)]
async fn shared_deadlocks_are_transient_and_retried(pool: MySqlPool) {
    let deadlock = real_deadlock(&pool).await;
    assert!(is_transient(&deadlock), "{deadlock}");
    assert!(!is_transient(&sqlx::Error::RowNotFound));

    let calls = AtomicU32::new(0);
    let deadlock = std::sync::Mutex::new(Some(deadlock));
    let result: Result<&str, sqlx::Error> = retry_transient(
        || {
            calls.fetch_add(1, Ordering::SeqCst);
            let next = deadlock.lock().unwrap().take();
            async move { next.map_or(Ok("done"), Err) }
        },
        itself,
    )
    .await;
    assert_eq!(result.unwrap(), "done");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "failed once, then ran again");

    let calls = AtomicU32::new(0);
    let result: Result<(), sqlx::Error> = retry_transient(
        || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(sqlx::Error::RowNotFound) }
        },
        itself,
    )
    .await;
    assert!(result.is_err());
    assert_eq!(calls.load(Ordering::SeqCst), 1, "other errors are not retried");
}
