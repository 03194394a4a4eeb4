//! Readiness tells whether the database answers with every migration applied.

use axum::http::StatusCode;
use sqlx::MySqlPool;
use utoipa_axum::router::OpenApiRouter;
use ycyw_testkit::TestApp;

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn ready_when_migrated(pool: MySqlPool) {
    let app = TestApp::routes(pool, |_| OpenApiRouter::new(), &[]).await;
    assert_eq!(app.get("/health/live").await.status, StatusCode::OK);
    let ready = app.get("/health/ready").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["database"], "ok");
}

#[sqlx::test(migrations = false)]
async fn not_ready_before_migrations(pool: MySqlPool) {
    let app = TestApp::routes(pool.clone(), |_| OpenApiRouter::new(), &[]).await;
    app.get("/health/ready").await.assert_problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    ycyw_shared::db::migrate(&pool).await.unwrap();
    assert_eq!(app.get("/health/ready").await.status, StatusCode::OK);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn openapi_is_3_1_with_the_problem_schema(pool: MySqlPool) {
    let app = TestApp::routes(pool, |_| OpenApiRouter::new(), &[]).await;
    let spec = app.get("/api/v1/openapi.json").await.json();
    assert_eq!(spec["openapi"], "3.1.0");
    assert_eq!(spec["info"]["title"], "Your Car Your Way API");
    assert!(spec["components"]["schemas"]["Problem"].is_object());
    assert_eq!(spec["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}
