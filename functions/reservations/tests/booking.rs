//! `POST /reservations`: the hold, the driver checks, validation, `unavailable`, and
//! `Idempotency-Key`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use chrono_tz::Europe::Paris;
use common::{assert_field, instant, world};
use serde_json::json;
use sqlx::MySqlPool;
use uuid::Uuid;

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_booking_holds_a_vehicle_for_thirty_minutes_pending_payment(pool: MySqlPool) {
    let w = world(pool).await;
    let (user, ana) = w.client("ana@example.com").await;
    let pickup = instant(Paris, "2026-03-16T10:00");
    let r = w.booked(&ana, &w.booking(&w.paris, "CDMR", pickup, 3)).await;
    assert_eq!(r["status"], "pending_payment");
    let reference = r["reference"].as_str().unwrap();
    assert!(reference.parse::<ycyw_reservations::Reference>().is_ok(), "{reference}");
    assert_eq!(r["holdExpiresAt"].as_str().unwrap().parse::<chrono::DateTime<chrono::Utc>>().unwrap(), w.now() + Duration::minutes(30));
    assert_eq!(r["total"], json!({ "amountMinor": 13500, "currency": "EUR" }));
    assert_eq!(r["paid"]["amountMinor"], 0);
    assert_eq!(r["pickupAt"], "2026-03-16T10:00:00+01:00");
    assert_eq!(r["pickupAgency"]["name"], "Paris Gare de Lyon");
    assert_eq!(r["driver"], json!({ "firstName": "Ana", "lastName": "Silva", "birthDate": "1990-04-02" }));
    assert_eq!(r["canModify"], false, "an unpaid booking is paid or cancelled, not modified");
    assert_eq!(r["canCancel"], true);
    assert_eq!(r["history"][0]["status"], "pending_payment");
    assert_eq!(r["history"][0]["by"], "client");
    let id: Uuid = r["id"].as_str().unwrap().parse().unwrap();
    let row = sqlx::query!(r#"SELECT user_id AS "user_id: Uuid", vehicle_id AS "vehicle_id: Uuid" FROM reservations WHERE id = ?"#, id)
        .fetch_one(&w.app.state.db)
        .await
        .unwrap();
    assert_eq!(row.user_id, user);
    let vehicle_agency = sqlx::query_scalar!(r#"SELECT agency_id AS "a: Uuid" FROM vehicles WHERE id = ?"#, row.vehicle_id)
        .fetch_one(&w.app.state.db)
        .await
        .unwrap();
    assert_eq!(vehicle_agency, w.paris.id, "a concrete vehicle of the pickup agency is held");
    // Its client reads it back.
    assert_eq!(w.get(&ana, &format!("/api/v1/reservations/{id}")).await.json()["reference"], reference);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn the_last_vehicle_goes_to_one_client_and_comes_back_when_the_hold_ends(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let (ben_id, ben) = w.client("ben@example.com").await;
    let body = w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-16T10:00"), 2);
    w.booked(&ana, &body).await;
    let locked_at = || sqlx::query_scalar!("SELECT locked_at FROM reservation_locks").fetch_one(&w.app.state.db);
    let taken = locked_at().await.unwrap();
    w.app.clock.advance(Duration::minutes(1));
    w.book(&ben, &body).await.assert_problem(StatusCode::CONFLICT, "unavailable");
    assert_eq!(locked_at().await.unwrap(), taken, "a fleet seen full answers without taking its lock");
    w.app.clock.advance(Duration::minutes(29));
    w.booked(&w.client_token(ben_id), &body).await;
    assert_eq!(common::overlaps(&w.app.state.db, w.now()).await, 0);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn only_verified_clients_with_a_complete_profile_old_enough_book(pool: MySqlPool) {
    let w = world(pool).await;
    let body = w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-16T10:00"), 1);
    w.book("", &body).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    w.book(&w.agent(w.paris.id).await, &body).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    w.book(&w.support().await, &body).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");

    let unverified = w.registered("zoe@example.com", "1990-01-01", "fr").await;
    let zoe = w.app.bearer(unverified, ycyw_shared::auth::Role::Client, None);
    w.book(&zoe, &body).await.assert_problem(StatusCode::FORBIDDEN, "email_unverified");

    // Born 17 March 2008: 17 on the 16th, 18 on the 17th (Paris dates). Registration refuses
    // minors, so the birth date is set behind auth's back.
    let (teen_id, teen) = w.client("teen@example.com").await;
    sqlx::query!("UPDATE users SET birth_date = '2008-03-17' WHERE id = ?", teen_id).execute(&w.app.state.db).await.unwrap();
    assert_field(&w.book(&teen, &body).await, "driver.birthDate", "underage");
    w.booked(&teen, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-17T00:00"), 1)).await;

    let (user, eve) = w.client("eve@example.com").await;
    sqlx::query!("UPDATE users SET birth_date = NULL WHERE id = ?", user).execute(&w.app.state.db).await.unwrap();
    assert_field(&w.book(&eve, &body).await, "profile", "profile_incomplete");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn bad_bookings_get_field_errors_and_nothing_is_written(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let good = w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-16T10:00"), 1);
    let with = |field: &str, value: serde_json::Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    assert_field(&w.book(&ana, &with("category", json!("IDMD"))).await, "category", "unknown_category");
    assert_field(&w.book(&ana, &with("category", json!("nope"))).await, "category", "unknown_category");
    assert_field(&w.book(&ana, &with("pickupAt", json!("2026-03-11T11:00"))).await, "pickupAt", "too_soon");
    assert_field(&w.book(&ana, &with("returnAt", json!("2026-03-16T09:00"))).await, "returnAt", "return_before_pickup");
    assert_field(&w.book(&ana, &with("pickupAgencyId", json!(Uuid::now_v7()))).await, "pickupAgencyId", "invalid");
    assert_field(&w.book(&ana, &with("pickupAgencyId", json!("not-a-uuid"))).await, "pickupAgencyId", "invalid");
    let lyon = json!({ "pickupAgencyId": w.lyon.id, "returnAgencyId": w.lyon.id, "pickupAt": "2026-03-14T10:00", "returnAt": "2026-03-16T10:00", "category": "CDMR" });
    assert_field(&w.book(&ana, &lyon).await, "pickupAt", "agency_closed");
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("category");
    assert_field(&w.book(&ana, &missing).await, "category", "required");
    // A car Toronto does not rent.
    let toronto = w.booking(&w.toronto, "CDMR", instant(chrono_tz::America::Toronto, "2026-03-16T10:00"), 1);
    w.book(&ana, &toronto).await.assert_problem(StatusCode::CONFLICT, "unavailable");
    let raw = |content_type: &str, body: &str| {
        let request = axum::http::Request::builder()
            .method(Method::POST)
            .uri("/api/v1/reservations")
            .header("authorization", &ana)
            .header("content-type", content_type)
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        w.app.send(request)
    };
    raw("application/json", "{not json").await.assert_problem(StatusCode::BAD_REQUEST, "malformed_json");
    raw("text/plain", &good.to_string()).await.assert_problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    assert_field(&raw("application/json", &with("surprise", json!(1)).to_string()).await, "surprise", "invalid");
    let count = sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM reservations"#).fetch_one(&w.app.state.db).await.unwrap();
    assert_eq!(count, 0);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_retry_with_the_same_key_gets_the_same_reservation(pool: MySqlPool) {
    let w = world(pool).await;
    let (user, ana) = w.client("ana@example.com").await;
    let body = w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-16T10:00"), 2);
    let post = |body: serde_json::Value, key: &'static str| {
        let ana = ana.clone();
        let app = &w.app;
        async move { app.call(Method::POST, "/api/v1/reservations", Some(&body), &[("authorization", &ana), ("idempotency-key", key)]).await }
    };
    let first = post(body.clone(), "key-1").await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = post(body.clone(), "key-1").await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.body, first.body, "the same answer, byte for byte");
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    let count = sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM reservations"#).fetch_one(&w.app.state.db).await.unwrap();
    assert_eq!(count, 1, "no second booking");

    let mut other = body.clone();
    other["category"] = json!("EDMR");
    assert_field(&post(other.clone(), "key-1").await, "Idempotency-Key", "idempotency_key_reused");

    // A request with this key still running (claimed, not answered): 409.
    let hash = ycyw_shared::idempotency::request_hash("POST", "/api/v1/reservations", other.to_string().as_bytes());
    let key = ycyw_shared::idempotency::IdempotencyKey::parse("key-2").unwrap();
    ycyw_shared::idempotency::start(&w.app.state.db, user, &key, &hash, w.now()).await.unwrap();
    post(other.clone(), "key-2").await.assert_problem(StatusCode::CONFLICT, "request_in_flight");

    // A failed attempt frees its key: the retry runs again.
    let orly = w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-16T10:00"), 1);
    let (_, ben) = w.client("ben@example.com").await;
    w.booked(&ben, &orly).await;
    // The refusal is found before the key is claimed: it neither writes the key nor waits for
    // it. Another transaction holds an uncommitted claim of key-3: a claim would wait on its row
    // lock (until the lock wait timeout); the refusal answers at once.
    let mut blocker = w.app.state.db.begin().await.unwrap();
    let hash = ycyw_shared::idempotency::request_hash("POST", "/api/v1/reservations", orly.to_string().as_bytes());
    let now = ycyw_shared::time::to_db_precision(w.now());
    sqlx::query!(
        "INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        user,
        "key-3",
        hash.as_slice(),
        now,
        now + ycyw_shared::idempotency::KEY_TTL
    )
    .execute(&mut *blocker)
    .await
    .unwrap();
    let refused = tokio::time::timeout(std::time::Duration::from_secs(5), post(orly.clone(), "key-3")).await;
    refused.expect("the refusal waited for the key's lock").assert_problem(StatusCode::CONFLICT, "unavailable");
    blocker.rollback().await.unwrap();
    let kept = sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM idempotency_keys WHERE idempotency_key = 'key-3'"#)
        .fetch_one(&w.app.state.db)
        .await
        .unwrap();
    assert_eq!(kept, 0, "a refusal found before the claim writes no key");
    w.app.clock.advance(Duration::minutes(31));
    let ana = w.client_token(user);
    let retry =
        w.app.call(Method::POST, "/api/v1/reservations", Some(&orly), &[("authorization", &ana), ("idempotency-key", "key-3")]).await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&retry.body));
}
