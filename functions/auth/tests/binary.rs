//! The `ycyw-auth` binary serves its routes and health over HTTP, and stops cleanly on SIGTERM.

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_binary_serves_http(pool: sqlx::MySqlPool) {
    ycyw_testkit::assert_binary_serves_http(env!("CARGO_BIN_EXE_ycyw-auth"), &pool).await;
}
