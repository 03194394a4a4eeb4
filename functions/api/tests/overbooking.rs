#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Reservations issue, acceptance 3: no overbooking across processes. Fifty concurrent booking
//! attempts for the last free cars go through two `ycyw-reservations` processes on one
//! database: exactly as many succeed as there are cars, the others are 409 `unavailable`, and an
//! SQL check finds no two overlapping active reservations on any vehicle.

mod common;

use axum::http::Method;
use serde_json::{Value, json};
use sqlx::MySqlPool;
use tokio::task::JoinSet;
use uuid::Uuid;
use ycyw_shared::auth::Role;
use ycyw_testkit::{Binary, TEST_JWT_KEY, TestApp, database_url_of};

/// `count` verified clients registered through the auth module; their access tokens, issued
/// with the key the processes under test verify.
async fn clients(pool: &MySqlPool, count: usize) -> Vec<String> {
    let app = TestApp::of(pool.clone(), ycyw_api::deployable("auth").unwrap(), &[("RATE_LIMIT_PER_MINUTE", "100000")], None).await;
    app.clock.set(chrono::Utc::now());
    let mut tokens = Vec::new();
    for n in 0..count {
        let email = format!("racer{n}@example.com");
        let body = json!({
            "email": email, "password": "violet-tractor-harbour-42", "firstName": "Ana", "lastName": "Silva", "birthDate": "1990-04-02",
            "address": { "line1": "10 rue de Rivoli", "postalCode": "75001", "city": "Paris", "countryCode": "FR" },
            "locale": "en", "acceptTerms": true
        });
        assert_eq!(app.call(Method::POST, "/api/v1/auth/registrations", Some(&body), &[]).await.status, 201);
        let payload = sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'send_email' ORDER BY created_at DESC, id DESC LIMIT 1")
            .fetch_one(pool)
            .await
            .unwrap();
        let payload: Value = serde_json::from_str(&payload).unwrap();
        let token = payload["params"]["link"].as_str().unwrap().split("token=").nth(1).unwrap().to_string();
        let verified = app.call(Method::POST, "/api/v1/auth/email-verifications", Some(&json!({ "token": token })), &[]).await;
        assert_eq!(verified.status, 204);
        let id = sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM users WHERE email = ?"#, email).fetch_one(pool).await.unwrap();
        tokens.push(app.token(id, Role::Client, None));
    }
    tokens
}

async fn overlapping_pairs(pool: &MySqlPool) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM reservations a JOIN reservations b
           ON a.vehicle_id = b.vehicle_id AND a.id < b.id AND a.pickup_at < b.return_at AND b.pickup_at < a.return_at
           WHERE a.status IN ('pending_payment', 'confirmed', 'picked_up') AND b.status IN ('pending_payment', 'confirmed', 'picked_up')"#
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Fifty attempts at `cars` cars through two processes; returns (201s, 409 unavailable).
async fn race(pool: &MySqlPool, cars: usize) -> (usize, usize) {
    let agency = common::agency(pool, cars).await;
    let tokens = clients(pool, 10).await;
    let url = database_url_of(pool).await.unwrap();
    let env = [("DATABASE_URL", url), ("JWT_SIGNING_KEY", TEST_JWT_KEY.to_string())];
    let processes = [
        Binary::spawn(env!("CARGO_BIN_EXE_ycyw-reservations"), &[], &env),
        Binary::spawn(env!("CARGO_BIN_EXE_ycyw-reservations"), &[], &env),
    ];
    for process in &processes {
        assert!(process.wait_ready("/health/ready").await, "a process did not start");
    }
    let day = (chrono::Utc::now() + chrono::Duration::days(5)).format("%Y-%m-%d").to_string();
    let body = json!({ "pickupAgencyId": agency, "returnAgencyId": agency, "pickupAt": format!("{day}T10:00"), "returnAt": format!("{day}T18:00"), "category": "CDMR" });
    let http = reqwest::Client::new();
    let mut attempts = JoinSet::new();
    for n in 0..50 {
        let request = http
            .post(format!("{}/api/v1/reservations", processes[n % 2].base_url()))
            .bearer_auth(&tokens[n % tokens.len()])
            .header("idempotency-key", format!("attempt-{n}"))
            .json(&body);
        attempts.spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        });
    }
    let (mut created, mut unavailable) = (0, 0);
    while let Some(done) = attempts.join_next().await {
        let (status, body) = done.unwrap();
        match (status, body["code"].as_str()) {
            (201, _) => created += 1,
            (409, Some("unavailable")) => unavailable += 1,
            other => panic!("unexpected answer {other:?}: {body}"),
        }
    }
    assert_eq!(overlapping_pairs(pool).await, 0, "no vehicle has two overlapping active reservations");
    (created, unavailable)
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn fifty_attempts_at_the_last_car_through_two_processes_book_it_once(pool: MySqlPool) {
    assert_eq!(race(&pool, 1).await, (1, 49));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn fifty_attempts_at_three_cars_through_two_processes_book_each_once(pool: MySqlPool) {
    assert_eq!(race(&pool, 3).await, (3, 47));
    let held = sqlx::query_scalar!(r#"SELECT COUNT(DISTINCT vehicle_id) AS "n!: i64" FROM reservations"#).fetch_one(&pool).await.unwrap();
    assert_eq!(held, 3);
}
