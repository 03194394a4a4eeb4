//! Helpers of the auth tests: a registration body, the links of queued emails, signing in.
#![allow(clippy::unwrap_used, dead_code)]

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use ycyw_testkit::{TestApp, TestResponse};

pub const PASSWORD: &str = "violet-tractor-harbour-42";

pub async fn app(pool: MySqlPool) -> TestApp {
    TestApp::new(pool, ycyw_auth::AuthModule, &[("TRUST_PROXY", "1")]).await
}

pub fn registration(email: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "firstName": "Ana",
        "lastName": "Silva",
        "birthDate": "1990-04-02",
        "phone": "+33612345678",
        "address": { "line1": "10 rue de Rivoli", "line2": null, "postalCode": "75001", "city": "Paris", "countryCode": "FR" },
        "locale": "fr",
        "acceptTerms": true
    })
}

/// POST with a JSON body from a given client IP (TRUST_PROXY is on in these tests).
pub async fn post(app: &TestApp, path: &str, body: &Value, ip: &str) -> TestResponse {
    app.call(Method::POST, path, Some(body), &[("x-forwarded-for", ip)]).await
}

/// The queued emails of `to`, oldest first: (template, params).
pub async fn emails_to(pool: &MySqlPool, to: &str) -> Vec<(String, Value)> {
    let rows =
        sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'send_email' ORDER BY created_at, id").fetch_all(pool).await.unwrap();
    rows.into_iter()
        .map(|payload| serde_json::from_str::<Value>(&payload).unwrap())
        .filter(|p| p["to"] == to)
        .map(|p| (p["template"].as_str().unwrap().to_string(), p["params"].clone()))
        .collect()
}

/// The token of the newest emailed link of `template` to `to`.
pub async fn token_from_email(pool: &MySqlPool, to: &str, template: &str) -> String {
    let emails = emails_to(pool, to).await;
    let (_, params) = emails.iter().rev().find(|(t, _)| t == template).unwrap_or_else(|| panic!("no {template} email to {to}: {emails:?}"));
    let link = params["link"].as_str().unwrap();
    link.split("token=").nth(1).unwrap().to_string()
}

/// Registers and verifies `email`; returns nothing, the account can sign in.
pub async fn verified_account(app: &TestApp, email: &str) {
    let response = post(app, "/api/v1/auth/registrations", &registration(email), "198.51.100.1").await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&response.body));
    let token = token_from_email(&app.state.db, email, "verify_email").await;
    let verified = post(app, "/api/v1/auth/email-verifications", &json!({ "token": token }), "198.51.100.1").await;
    assert_eq!(verified.status, StatusCode::NO_CONTENT);
}

/// A signed-in session: (access token, refresh cookie value).
pub async fn sign_in(app: &TestApp, email: &str, password: &str) -> (String, String) {
    let response = post(app, "/api/v1/auth/sessions", &json!({ "email": email, "password": password }), "198.51.100.2").await;
    assert_eq!(response.status, StatusCode::OK, "{}", String::from_utf8_lossy(&response.body));
    (response.json()["accessToken"].as_str().unwrap().to_string(), refresh_cookie_of(&response).unwrap())
}

/// The refresh token a response sets.
pub fn refresh_cookie_of(response: &TestResponse) -> Option<String> {
    let cookie = response.headers.get("set-cookie")?.to_str().ok()?;
    let value = cookie.split(';').next()?.strip_prefix("ycyw_refresh=")?;
    (!value.is_empty()).then(|| value.to_string())
}

pub async fn refresh(app: &TestApp, token: &str) -> TestResponse {
    app.call(Method::POST, "/api/v1/auth/sessions/refresh", None, &[("cookie", &format!("ycyw_refresh={token}"))]).await
}

pub async fn me(app: &TestApp, access: &str) -> TestResponse {
    app.call(Method::GET, "/api/v1/users/me", None, &[("authorization", &format!("Bearer {access}"))]).await
}
