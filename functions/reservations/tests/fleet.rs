//! Fleet changes that would break bookings, asked through the catalog's fleet guard: a vehicle
//! leaving hands its future reservations to another free one or is refused; an agency changing
//! time zone or closing is refused while reservations to come use it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use chrono_tz::Europe::Paris;
use common::{World, instant, world};
use serde_json::json;
use sqlx::MySqlPool;
use uuid::Uuid;

async fn vehicle_of(w: &World, reservation: Uuid) -> Uuid {
    sqlx::query_scalar!(r#"SELECT vehicle_id AS "v: Uuid" FROM reservations WHERE id = ?"#, reservation)
        .fetch_one(&w.app.state.db)
        .await
        .unwrap()
}

async fn active(w: &World, vehicle: Uuid) -> bool {
    sqlx::query_scalar!(r#"SELECT active AS "a: bool" FROM vehicles WHERE id = ?"#, vehicle).fetch_one(&w.app.state.db).await.unwrap()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_deactivated_vehicle_hands_its_bookings_to_a_free_one_or_is_refused(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let agent = w.agent(w.paris.id).await;
    let id = w.confirmed(&ana, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-20T10:00"), 2)).await;
    let car = vehicle_of(&w, id).await;
    let answer = w.send(&agent, Method::DELETE, &format!("/api/v1/vehicles/{car}"), None).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", String::from_utf8_lossy(&answer.body));
    let moved = vehicle_of(&w, id).await;
    assert_ne!(moved, car, "the booking moved to another car");
    assert!(!active(&w, car).await);
    assert!(active(&w, moved).await);
    // Bookings never pick the deactivated car: three cars left, one of them Ana's, so two more
    // bookings, then none.
    for n in 0..2 {
        let (_, c) = w.client(&format!("c{n}@example.com")).await;
        w.booked(&c, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-20T12:00"), 1)).await;
    }
    let (_, late) = w.client("late@example.com").await;
    w.book(&late, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-20T12:00"), 1))
        .await
        .assert_problem(StatusCode::CONFLICT, "unavailable");
    assert_eq!(common::overlaps(&w.app.state.db, w.now()).await, 0);

    // Orly's only car cannot hand its booking over: refused, naming it, nothing changed.
    let orly = w.confirmed(&ana, &w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-20T10:00"), 1)).await;
    let reference = w.get(&ana, &format!("/api/v1/reservations/{orly}")).await.json()["reference"].as_str().unwrap().to_string();
    let car = vehicle_of(&w, orly).await;
    let orly_agent = w.agent(w.orly.id).await;
    let refused = w.send(&orly_agent, Method::DELETE, &format!("/api/v1/vehicles/{car}"), None).await;
    let body = refused.assert_problem(StatusCode::CONFLICT, "vehicle_has_reservations");
    assert!(body["detail"].as_str().unwrap().contains(&reference), "{body}");
    assert!(active(&w, car).await);
    let recategorised = w.send(&orly_agent, Method::PATCH, &format!("/api/v1/vehicles/{car}"), Some(&json!({ "category": "EDMR" }))).await;
    recategorised.assert_problem(StatusCode::CONFLICT, "vehicle_has_reservations");
    // Once the booking is cancelled, the car may go.
    w.send(&ana, Method::POST, &format!("/api/v1/reservations/{orly}/cancellation"), None).await;
    assert_eq!(w.send(&orly_agent, Method::DELETE, &format!("/api/v1/vehicles/{car}"), None).await.status, StatusCode::NO_CONTENT);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn an_agency_with_bookings_to_come_keeps_its_time_zone_and_stays_open(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let agent = w.agent(w.orly.id).await;
    let path = format!("/api/v1/agencies/{}", w.orly.id);
    let id = w.confirmed(&ana, &w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-20T10:00"), 1)).await;
    w.send(&agent, Method::PATCH, &path, Some(&json!({ "timeZone": "Europe/London" })))
        .await
        .assert_problem(StatusCode::CONFLICT, "agency_has_reservations");
    w.send(&agent, Method::PATCH, &path, Some(&json!({ "active": false })))
        .await
        .assert_problem(StatusCode::CONFLICT, "agency_has_reservations");
    assert_eq!(
        w.send(&agent, Method::PATCH, &path, Some(&json!({ "name": "Paris Orly Sud" }))).await.status,
        StatusCode::OK,
        "other changes are fine"
    );
    w.send(&ana, Method::POST, &format!("/api/v1/reservations/{id}/cancellation"), None).await;
    let moved = w.send(&agent, Method::PATCH, &path, Some(&json!({ "timeZone": "Europe/London" }))).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", String::from_utf8_lossy(&moved.body));
}
