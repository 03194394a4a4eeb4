//! Acceptance 7: a request carrying an email, a password and a bearer token leaves none of them
//! in the logs, even when a handler logs the raw body.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use ycyw_shared::AppState;
use ycyw_shared::config::LogFormat;
use ycyw_shared::error::ValidJson;
use ycyw_testkit::{LogCapture, TestApp};

/// Logs what it receives, carelessly, as a hurried developer might.
#[utoipa::path(post, path = "/careless", responses((status = 204, description = "logged")))]
async fn careless(headers: axum::http::HeaderMap, ValidJson(body): ValidJson<Value>) -> StatusCode {
    tracing::info!(body = %body, "received");
    tracing::info!(email = %body["email"].as_str().unwrap_or_default(), password = ?body["password"], "login attempt");
    tracing::warn!(authorization = ?headers.get("authorization"), "headers");
    tracing::error!("could not find account {}", body["email"]);
    StatusCode::NO_CONTENT
}

fn module(_: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(careless))
}

const EMAIL: &str = "ana.silva+rental@example.com";
const PASSWORD: &str = "Tr0ub4dor&3-horse-staple";
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2lnbmF0dXJlLXZhbHVl";

async fn run_flow(pool: MySqlPool, format: LogFormat) -> String {
    let (capture, _guard) = LogCapture::install(format);
    let app = TestApp::routes(pool, module, &[]).await;
    let body = json!({ "email": EMAIL, "password": PASSWORD, "firstName": "Ana" });
    let auth = format!("Bearer {TOKEN}");
    let response = app.call(Method::POST, "/api/v1/careless", Some(&body), &[("authorization", &auth)]).await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    // The same data on a path nobody handles, and in a query string.
    let path = format!("/api/v1/unknown?email={EMAIL}&token={TOKEN}");
    app.call(Method::POST, &path, Some(&body), &[("authorization", &auth)]).await;
    capture.contents()
}

fn assert_clean(logs: &str) {
    assert!(logs.contains("received") && logs.contains("login attempt"), "the events were logged: {logs}");
    for secret in [EMAIL, "ana.silva", PASSWORD, TOKEN, "c2lnbmF0dXJlLXZhbHVl"] {
        assert!(!logs.contains(secret), "{secret:?} leaked into the logs:\n{logs}");
    }
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn json_logs_hold_no_personal_data(pool: MySqlPool) {
    assert_clean(&run_flow(pool, LogFormat::Json).await);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn pretty_logs_hold_no_personal_data(pool: MySqlPool) {
    assert_clean(&run_flow(pool, LogFormat::Pretty).await);
}
