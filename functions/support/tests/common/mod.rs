#![allow(clippy::unwrap_used, dead_code)] // helpers of the support tests; each test file uses some

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::auth::Role;
use ycyw_support::SupportModule;
use ycyw_testkit::{TestApp, TestResponse};

/// The origin the tests' settings allow (PUBLIC_URL's).
pub const ORIGIN: &str = "http://localhost:4200";

/// The support module alone (tokens are not checked against accounts), with `overrides`.
pub async fn app(pool: MySqlPool, overrides: &[(&str, &str)]) -> TestApp {
    TestApp::new(pool, SupportModule, overrides).await
}

/// A user of `role` and their `Authorization` header.
pub struct User {
    pub id: Uuid,
    pub bearer: String,
}

pub fn user(app: &TestApp, role: Role) -> User {
    let id = Uuid::now_v7();
    let agency = (role == Role::Agent).then(Uuid::now_v7);
    User { id, bearer: app.bearer(id, role, agency) }
}

pub async fn call(app: &TestApp, method: Method, path: &str, body: Option<&Value>, who: &User) -> TestResponse {
    app.call(method, path, body, &[("authorization", who.bearer.as_str())]).await
}

/// A conversation `client` opened; its id.
pub async fn open(app: &TestApp, client: &User, subject: &str) -> Uuid {
    let body = json!({ "subject": subject, "firstMessage": "Hello, I need help with my booking." });
    let response = call(app, Method::POST, "/api/v1/support/conversations", Some(&body), client).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.json());
    response.json()["id"].as_str().unwrap().parse().unwrap()
}

/// `support` claims conversation `id`.
pub async fn claim(app: &TestApp, support: &User, id: Uuid) {
    let response = call(app, Method::POST, &format!("/api/v1/support/conversations/{id}/assignment"), None, support).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.json());
}

/// How many messages conversation `id` stores.
pub async fn stored(pool: &MySqlPool, id: Uuid) -> i64 {
    sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM messages WHERE conversation_id = ?"#, id).fetch_one(pool).await.unwrap()
}
