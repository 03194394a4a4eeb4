//! Acceptance 2: every kind of bad access token is a 401 with `WWW-Authenticate: Bearer`.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use base64::Engine as _;
use chrono::Duration;
use common::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use ycyw_shared::time::Clock as _;
use ycyw_testkit::TEST_JWT_KEY;

fn claims(app: &ycyw_testkit::TestApp, sub: &str, overrides: Value) -> Value {
    let now = app.clock.now().timestamp();
    let mut claims = json!({ "sub": sub, "role": "client", "iss": "ycyw", "aud": "ycyw-api", "iat": now, "nbf": now, "exp": now + 600, "jti": uuid::Uuid::now_v7() });
    for (key, value) in overrides.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(key);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

fn sign(header: Header, claims: &Value, key: &[u8]) -> String {
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(key)).unwrap()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_every_invalid_access_token_is_a_401(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let (access, _) = sign_in(&app, "ana@example.com", PASSWORD).await;
    assert_eq!(me(&app, &access).await.status, StatusCode::OK);
    let sub = me(&app, &access).await.json()["id"].as_str().unwrap().to_string();
    let key = TEST_JWT_KEY.as_bytes();
    let hs256 = || Header::new(Algorithm::HS256);
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;

    let valid_payload = b64.encode(claims(&app, &sub, json!({})).to_string());
    let parts: Vec<&str> = access.split('.').collect();
    let tampered_payload = b64.encode(claims(&app, &sub, json!({ "role": "support" })).to_string());
    let cases: Vec<(&str, String)> = vec![
        (
            "expired",
            sign(
                hs256(),
                &claims(
                    &app,
                    &sub,
                    json!({ "iat": app.clock.now().timestamp() - 1000, "nbf": app.clock.now().timestamp() - 1000, "exp": app.clock.now().timestamp() - 100 }),
                ),
                key,
            ),
        ),
        (
            "not yet valid",
            sign(
                hs256(),
                &claims(
                    &app,
                    &sub,
                    json!({ "nbf": app.clock.now().timestamp() + 300, "iat": app.clock.now().timestamp() + 300, "exp": app.clock.now().timestamp() + 900 }),
                ),
                key,
            ),
        ),
        ("wrong audience", sign(hs256(), &claims(&app, &sub, json!({ "aud": "another-api" })), key)),
        ("wrong issuer", sign(hs256(), &claims(&app, &sub, json!({ "iss": "someone-else" })), key)),
        ("alg none", format!("{}.{valid_payload}.", b64.encode(r#"{"alg":"none","typ":"JWT"}"#))),
        ("HS/RS confusion", format!("{}.{valid_payload}.{}", b64.encode(r#"{"alg":"RS256","typ":"JWT"}"#), parts[2])),
        ("HS512", sign(Header::new(Algorithm::HS512), &claims(&app, &sub, json!({})), key)),
        ("tampered payload", format!("{}.{tampered_payload}.{}", parts[0], parts[2])),
        ("another key", sign(hs256(), &claims(&app, &sub, json!({})), b"a-different-signing-key-0123456789abcdef")),
        ("missing sub", sign(hs256(), &claims(&app, &sub, json!({ "sub": null })), key)),
        ("garbage", "not.a.jwt".to_string()),
    ];
    for (name, token) in cases {
        let response = me(&app, &token).await;
        response.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(response.headers["www-authenticate"], "Bearer", "{name}");
    }
    let none = app.get("/api/v1/users/me").await;
    none.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(none.headers["www-authenticate"], "Bearer");

    app.clock.advance(Duration::minutes(16));
    me(&app, &access).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
}
