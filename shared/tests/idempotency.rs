//! `Idempotency-Key`: a retry gets the first answer and does nothing twice; a key reused for
//! another request is a 422, a request still running a 409; keys expire, and a key whose request
//! died is freed.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use serde_json::json;
use sqlx::MySqlPool;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;
use ycyw_shared::AppState;
use ycyw_shared::auth::ClientUser;
use ycyw_shared::error::ApiError;
use ycyw_shared::idempotency::{self, Idempotency, IdempotencyKey, SavedResponse, Started};
use ycyw_shared::time::Clock as _;
use ycyw_testkit::TestApp;

static CREATED: AtomicUsize = AtomicUsize::new(0);

/// A POST that creates something, written the way module handlers use the facility.
async fn create_thing(
    State(state): State<AppState>,
    ClientUser(claims): ClientUser,
    Idempotency(key): Idempotency,
    body: Bytes,
) -> Result<Response, ApiError> {
    let hash = idempotency::request_hash("POST", "/api/v1/things", &body);
    if let Some(key) = &key
        && let Started::Replay(answer) = idempotency::start(&state.db, claims.sub, key, &hash, state.clock.now()).await?
    {
        return Ok(answer.into_response());
    }
    let mut tx = state.db.begin().await?;
    let n = CREATED.fetch_add(1, Ordering::SeqCst) + 1;
    let answer = SavedResponse {
        status: StatusCode::CREATED,
        content_type: Some("application/json".into()),
        body: serde_json::to_vec(&json!({ "id": Uuid::now_v7(), "n": n })).unwrap(),
    };
    if let Some(key) = &key {
        idempotency::save(&mut tx, claims.sub, key, &answer).await?;
    }
    tx.commit().await?;
    Ok(answer.into_response())
}

fn module(_: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/things", axum::routing::post(create_thing))
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn shared_a_retry_with_the_same_key_gets_the_first_answer(pool: MySqlPool) {
    let app = TestApp::routes(pool, module, &[]).await;
    let auth = app.bearer(Uuid::now_v7(), ycyw_shared::auth::Role::Client, None);
    let post = |key: &'static str, body: serde_json::Value| {
        let (app, auth) = (&app, auth.clone());
        async move { app.call(Method::POST, "/api/v1/things", Some(&body), &[("authorization", &auth), ("idempotency-key", key)]).await }
    };
    let first = post("key-1", json!({ "a": 1 })).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let before = CREATED.load(Ordering::SeqCst);
    let retry = post("key-1", json!({ "a": 1 })).await;
    assert_eq!((retry.status, &retry.body), (first.status, &first.body), "the same status and body");
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert_eq!(CREATED.load(Ordering::SeqCst), before, "nothing done twice");

    let reused = post("key-1", json!({ "a": 2 })).await;
    let problem = reused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("Idempotency-Key"), Some("idempotency_key_reused"))
    );
    assert_eq!(post("key-2", json!({ "a": 1 })).await.status, StatusCode::CREATED, "another key, another request");
    let other_user = app.bearer(Uuid::now_v7(), ycyw_shared::auth::Role::Client, None);
    let theirs = app
        .call(Method::POST, "/api/v1/things", Some(&json!({ "a": 1 })), &[("authorization", &other_user), ("idempotency-key", "key-1")])
        .await;
    assert_eq!(theirs.status, StatusCode::CREATED, "keys are per user");
    assert_ne!(theirs.body, first.body);

    let bad =
        app.call(Method::POST, "/api/v1/things", Some(&json!({})), &[("authorization", &auth), ("idempotency-key", "has space")]).await;
    assert_eq!(bad.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["field"], "Idempotency-Key");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn shared_idempotency_in_flight_abandoned_and_expired_keys(pool: MySqlPool) {
    let app = TestApp::routes(pool.clone(), module, &[]).await;
    let (user, key) = (Uuid::now_v7(), IdempotencyKey::parse("order-42").unwrap());
    let hash = idempotency::request_hash("POST", "/p", b"{}");
    let now = app.clock.now();
    assert_eq!(idempotency::start(&pool, user, &key, &hash, now).await.unwrap(), Started::New);
    let running = idempotency::start(&pool, user, &key, &hash, now).await.unwrap_err();
    assert!(matches!(running, ApiError::Conflict { code: "request_in_flight", .. }), "{running:?}");

    // The first request failed: it frees the key, and the retry runs.
    idempotency::abandon(&pool, user, &key).await.unwrap();
    assert_eq!(idempotency::start(&pool, user, &key, &hash, now).await.unwrap(), Started::New);
    // It died without a word: after the in-flight timeout the key is taken over.
    let later = now + idempotency::IN_FLIGHT_TIMEOUT + Duration::seconds(1);
    assert_eq!(idempotency::start(&pool, user, &key, &hash, later).await.unwrap(), Started::New);

    let answer = SavedResponse { status: StatusCode::CREATED, content_type: None, body: b"done".to_vec() };
    let mut conn = pool.acquire().await.unwrap();
    idempotency::save(&mut conn, user, &key, &answer).await.unwrap();
    assert_eq!(idempotency::start(&pool, user, &key, &hash, later).await.unwrap(), Started::Replay(answer));
    let next_day = later + idempotency::KEY_TTL;
    assert_eq!(idempotency::start(&pool, user, &key, &hash, next_day).await.unwrap(), Started::New, "expired after 24 h");
    assert_eq!(idempotency::purge(&pool, next_day + idempotency::KEY_TTL).await.unwrap(), 1);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn shared_peek_answers_as_start_would_and_claims_nothing(pool: MySqlPool) {
    let (user, key) = (Uuid::now_v7(), IdempotencyKey::parse("peeked").unwrap());
    let (hash, other) = (idempotency::request_hash("POST", "/p", b"{}"), idempotency::request_hash("POST", "/p", b"[]"));
    let now = ycyw_testkit::test_epoch();
    let rows = || async { sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM idempotency_keys"#).fetch_one(&pool).await.unwrap() };

    assert_eq!(idempotency::peek(&pool, user, &key, &hash, now).await.unwrap(), None, "an unknown key is free");
    assert_eq!(rows().await, 0, "and peeking wrote nothing");
    assert_eq!(idempotency::start(&pool, user, &key, &hash, now).await.unwrap(), Started::New, "so it can still be claimed");

    let running = idempotency::peek(&pool, user, &key, &hash, now).await.unwrap_err();
    assert!(matches!(running, ApiError::Conflict { code: "request_in_flight", .. }), "{running:?}");
    let reused = idempotency::peek(&pool, user, &key, &other, now).await.unwrap_err();
    assert!(matches!(&reused, ApiError::Unprocessable(errors) if errors[0].code == "idempotency_key_reused"), "{reused:?}");
    let died = now + idempotency::IN_FLIGHT_TIMEOUT + Duration::seconds(1);
    assert_eq!(idempotency::peek(&pool, user, &key, &hash, died).await.unwrap(), None, "a dead request's key is free");
    assert_eq!(idempotency::peek(&pool, Uuid::now_v7(), &key, &hash, now).await.unwrap(), None, "keys are per user");

    let answer = SavedResponse { status: StatusCode::CREATED, content_type: Some("application/json".into()), body: b"{}".to_vec() };
    let mut conn = pool.acquire().await.unwrap();
    idempotency::save(&mut conn, user, &key, &answer).await.unwrap();
    assert_eq!(idempotency::peek(&pool, user, &key, &hash, died).await.unwrap(), Some(answer), "a finished request's answer");
    let expired = now + idempotency::KEY_TTL;
    assert_eq!(idempotency::peek(&pool, user, &key, &hash, expired).await.unwrap(), None, "an expired key is free");
    assert_eq!(idempotency::start(&pool, user, &key, &other, expired).await.unwrap(), Started::New, "and claimed anew by start alone");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn shared_concurrent_first_requests_with_one_key_run_once(pool: MySqlPool) {
    let (user, key) = (Uuid::now_v7(), IdempotencyKey::parse("same-key").unwrap());
    let hash = idempotency::request_hash("POST", "/p", b"{}");
    let now = ycyw_testkit::test_epoch();
    let attempts: Vec<_> = (0..10)
        .map(|_| {
            let (pool, key) = (pool.clone(), key.clone());
            tokio::spawn(async move { idempotency::start(&pool, user, &key, &hash, now).await })
        })
        .collect();
    let mut new = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(Started::New) => new += 1,
            Err(ApiError::Conflict { code: "request_in_flight", .. }) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(new, 1, "exactly one of ten simultaneous first requests runs");
}
