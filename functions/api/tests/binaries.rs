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
