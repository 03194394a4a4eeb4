#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Acceptance 6: client mistakes become problem+json with the right status, never a 500.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde::Deserialize;
use serde_json::json;
use sqlx::MySqlPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use ycyw_shared::AppState;
use ycyw_shared::error::{ApiError, ValidJson};
use ycyw_testkit::TestApp;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct Booking {
    pickup_at: String,
    days: u32,
}

/// Echoes a booking-like body.
#[utoipa::path(post, path = "/echo", responses((status = 200, description = "echoed")))]
async fn echo(ValidJson(booking): ValidJson<Booking>) -> Result<String, ApiError> {
    Ok(format!("{} days", booking.days))
}

/// Panics, as a bug would.
#[utoipa::path(get, path = "/bug", responses((status = 500, description = "never")))]
async fn bug() -> &'static str {
    let empty: Vec<&str> = Vec::new();
    empty[1]
}

fn module(_: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(echo)).routes(routes!(bug))
}

async fn post_raw(app: &TestApp, content_type: Option<&str>, body: impl Into<Body>) -> ycyw_testkit::TestResponse {
    let mut request = Request::builder().method(Method::POST).uri("/api/v1/echo");
    if let Some(ct) = content_type {
        request = request.header(header::CONTENT_TYPE, ct);
    }
    app.send(request.body(body.into()).unwrap()).await
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn valid_json_passes(pool: MySqlPool) {
    let app = TestApp::routes(pool, module, &[]).await;
    let response = app.call(Method::POST, "/api/v1/echo", Some(&json!({"pickupAt": "2026-12-01T10:00", "days": 3})), &[]).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, b"3 days");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn malformed_json_is_400(pool: MySqlPool) {
    let app = TestApp::routes(pool, module, &[]).await;
    post_raw(&app, Some("application/json"), "{\"pickupAt\": ").await.assert_problem(StatusCode::BAD_REQUEST, "malformed_json");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn wrong_or_missing_content_type_is_415(pool: MySqlPool) {
    let app = TestApp::routes(pool, module, &[]).await;
    post_raw(&app, Some("text/plain"), "{}").await.assert_problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    post_raw(&app, None, "{}").await.assert_problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn oversized_body_is_413(pool: MySqlPool) {
    let app = TestApp::routes(pool, module, &[("BODY_LIMIT_BYTES", "1024")]).await;
    let big = format!("{{\"pickupAt\": \"{}\", \"days\": 1}}", "x".repeat(4096));
    post_raw(&app, Some("application/json"), big).await.assert_problem(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn wrong_types_and_missing_fields_are_422_with_the_field(pool: MySqlPool) {
    let app = TestApp::routes(pool, module, &[]).await;
    let body = app
        .call(Method::POST, "/api/v1/echo", Some(&json!({"pickupAt": "x", "days": "three"})), &[])
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "days");
    assert_eq!(body["errors"][0]["code"], "invalid");

    let body = app
        .call(Method::POST, "/api/v1/echo", Some(&json!({"days": 2})), &[])
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "pickupAt");
    assert_eq!(body["errors"][0]["code"], "required");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn unknown_routes_and_methods_are_problems(pool: MySqlPool) {
    let app = TestApp::routes(pool, module, &[]).await;
    app.get("/api/v1/no-such-thing").await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.get("/api/v1").await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.get("/elsewhere").await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.get("/api/v1/echo").await.assert_problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_panicking_handler_is_a_generic_500_problem(pool: MySqlPool) {
    let app = TestApp::routes(pool, module, &[]).await;
    let body = app.get("/api/v1/bug").await.assert_problem(StatusCode::INTERNAL_SERVER_ERROR, "internal");
    assert!(!body["detail"].as_str().unwrap_or_default().contains("index out of bounds"));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn common_headers_are_set(pool: MySqlPool) {
    let app = TestApp::routes(pool, module, &[]).await;
    let response = app.get("/api/v1/no-such-thing").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(response.headers["x-content-type-options"], "nosniff");
    assert_eq!(response.headers["x-frame-options"], "DENY");
    assert!(response.headers.contains_key("x-request-id"));
    let given = app.call(Method::GET, "/api/v1/no-such-thing", None, &[("x-request-id", "req-123")]).await;
    assert_eq!(given.headers["x-request-id"], "req-123");
    let site = app.get("/elsewhere").await;
    assert_eq!(site.headers["x-frame-options"], "DENY");

    // The probes skip every layer (a load balancer's cheapest request): no CORS, no compression,
    // no request id; they still answer JSON.
    let probe = app.call(Method::GET, "/health/live", None, &[("origin", "http://localhost:4200"), ("accept-encoding", "gzip")]).await;
    assert_eq!(probe.status, StatusCode::OK);
    assert_eq!(probe.content_type(), "application/json");
    for header in ["access-control-allow-origin", "content-encoding", "x-request-id"] {
        assert!(!probe.headers.contains_key(header), "/health/live has {header}");
    }

    let api = app.get("/api/v1/openapi.json").await;
    assert_eq!(api.headers["cache-control"], "no-store");
    assert!(api.headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));

    let preflight = app
        .call(Method::OPTIONS, "/api/v1/echo", None, &[("origin", "http://localhost:4200"), ("access-control-request-method", "POST")])
        .await;
    assert_eq!(preflight.headers["access-control-allow-origin"], "http://localhost:4200");
    assert_eq!(preflight.headers["access-control-allow-credentials"], "true");
    let foreign = app
        .call(Method::OPTIONS, "/api/v1/echo", None, &[("origin", "https://evil.example"), ("access-control-request-method", "POST")])
        .await;
    assert!(!foreign.headers.contains_key("access-control-allow-origin"));
}
