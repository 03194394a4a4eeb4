//! Acceptance 8: on SIGTERM the api stops accepting connections but finishes the request in
//! flight before it exits.

use std::time::Duration;

use sqlx::MySqlPool;
use ycyw_testkit::{Binary, database_url_of, wait_until};

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn sigterm_lets_the_in_flight_request_finish(pool: MySqlPool) {
    let mut api = Binary::spawn(
        env!("CARGO_BIN_EXE_ycyw-api"),
        &[],
        &[("DATABASE_URL", database_url_of(&pool).await.unwrap()), ("SPA_DIR", "/nonexistent".into())],
    );
    assert!(api.wait_ready("/health/ready").await);

    // Hold a write lock on the table the readiness check reads: the next /health/ready request
    // blocks inside its handler until the lock is released.
    let mut locker = pool.acquire().await.unwrap();
    // Lock statements cannot be prepared: plain SQL text.
    sqlx::raw_sql("LOCK TABLES _sqlx_migrations WRITE").execute(&mut *locker).await.unwrap();
    let url = format!("{}/health/ready", api.base_url());
    let in_flight = tokio::spawn(async move { reqwest::get(url).await.map(|r| r.status().as_u16()) });

    let blocked = wait_until(Duration::from_secs(10), || {
        let pool = pool.clone();
        async move {
            let waiting = sqlx::query_scalar!(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%FROM _sqlx_migrations%' AND STATE LIKE '%lock%'"
            )
            .fetch_one(&pool)
            .await
            .unwrap_or(0);
            waiting > 0
        }
    })
    .await;
    assert!(blocked, "the request never reached the database");

    api.signal("TERM").await;
    let port = api.port;
    let refusing =
        wait_until(Duration::from_secs(10), || async move { tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() }).await;
    assert!(refusing, "the server kept accepting connections after SIGTERM");
    assert!(!in_flight.is_finished(), "the in-flight request must still be waiting");

    sqlx::raw_sql("UNLOCK TABLES").execute(&mut *locker).await.unwrap();
    let status =
        tokio::time::timeout(Duration::from_secs(10), in_flight).await.unwrap().unwrap().expect("the in-flight request got an answer");
    assert_eq!(status, 200);
    assert!(api.wait_exit(Duration::from_secs(10)).await.success());
}
