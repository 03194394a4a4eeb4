//! Every function binary serves its routes and health over HTTP, and stops cleanly on SIGTERM.

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn api_binary_serves_http(pool: sqlx::MySqlPool) {
    ycyw_testkit::assert_binary_serves_http(env!("CARGO_BIN_EXE_ycyw-api"), &pool).await;
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_binary_serves_http(pool: sqlx::MySqlPool) {
    ycyw_testkit::assert_binary_serves_http(env!("CARGO_BIN_EXE_ycyw-auth"), &pool).await;
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_binary_serves_http(pool: sqlx::MySqlPool) {
    ycyw_testkit::assert_binary_serves_http(env!("CARGO_BIN_EXE_ycyw-catalog"), &pool).await;
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn payments_binary_serves_http(pool: sqlx::MySqlPool) {
    ycyw_testkit::assert_binary_serves_http(env!("CARGO_BIN_EXE_ycyw-payments"), &pool).await;
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn reservations_binary_serves_http(pool: sqlx::MySqlPool) {
    ycyw_testkit::assert_binary_serves_http(env!("CARGO_BIN_EXE_ycyw-reservations"), &pool).await;
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_binary_serves_http(pool: sqlx::MySqlPool) {
    ycyw_testkit::assert_binary_serves_http(env!("CARGO_BIN_EXE_ycyw-support"), &pool).await;
}

/// A function started while its database does not answer listens anyway (its pool opens
/// lazily): `/health/live` answers 200 at once, `/health/ready` and a request needing the
/// database answer 503 problems, and when the database answers — here a forwarder to the test's
/// server appearing on the port of the URL — the same process becomes ready, no restart.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_function_listens_before_its_database_answers_and_recovers(pool: sqlx::MySqlPool) {
    use std::time::Duration;

    let real = reqwest::Url::parse(&ycyw_testkit::database_url_of(&pool).await.unwrap()).unwrap();
    let port = ycyw_testkit::free_port();
    let mut down = real.clone();
    down.set_port(Some(port)).unwrap();
    down.set_host(Some("127.0.0.1")).unwrap();
    let mut binary = ycyw_testkit::Binary::spawn(env!("CARGO_BIN_EXE_ycyw-catalog"), &[], &[("DATABASE_URL", down.to_string())]);
    assert!(binary.wait_ready("/health/live").await, "the catalog never listened with its database down");
    let ready = reqwest::get(format!("{}/health/ready", binary.base_url())).await.unwrap();
    assert_eq!(ready.status(), 503);
    let agencies = reqwest::get(format!("{}/api/v1/agencies", binary.base_url())).await.unwrap();
    assert_eq!(agencies.status(), 503);
    assert_eq!(agencies.headers()["content-type"], "application/problem+json");

    // The database appears on that port.
    let target = (real.host_str().unwrap().to_string(), real.port().unwrap_or(3306));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let forwarder = tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let target = target.clone();
            tokio::spawn(async move {
                if let Ok(mut server) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                }
            });
        }
    });
    assert!(binary.wait_ready("/health/ready").await, "the catalog did not become ready once its database answered");
    let agencies = reqwest::get(format!("{}/api/v1/agencies", binary.base_url())).await.unwrap();
    assert_eq!(agencies.status(), 200);
    binary.signal("TERM").await;
    assert!(binary.wait_exit(Duration::from_secs(20)).await.success());
    forwarder.abort();
}
