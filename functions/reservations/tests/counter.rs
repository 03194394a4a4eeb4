//! Agents: the day list of their agency in its local time, and the counter's state machine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use chrono_tz::Europe::Paris;
use common::{instant, world};
use serde_json::json;
use sqlx::MySqlPool;
use uuid::Uuid;

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn an_agent_lists_the_days_pickups_and_returns_in_agency_time(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    // Picked up at GDL on the 16th at 23:30 Paris (22:30 UTC), returned to Orly on the 17th.
    let one_way = json!({ "pickupAgencyId": w.paris.id, "returnAgencyId": w.orly.id, "pickupAt": "2026-03-16T23:30", "returnAt": "2026-03-17T08:00", "category": "CDMR" });
    let late = w.confirmed(&ana, &one_way).await;
    let early = w.confirmed(&ana, &w.booking(&w.paris, "EDMR", instant(Paris, "2026-03-16T00:00"), 1)).await;
    let returning = w.confirmed(&ana, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-15T12:00"), 1)).await;
    // Held, not paid: not on the list.
    w.booked(&ana, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-16T12:00"), 1)).await;
    let agent = w.agent(w.paris.id).await;
    let day = w.get(&agent, &format!("/api/v1/agencies/{}/reservations?date=2026-03-16", w.paris.id)).await;
    assert_eq!(day.status, StatusCode::OK, "{}", String::from_utf8_lossy(&day.body));
    let body = day.json();
    assert_eq!(body["date"], "2026-03-16");
    let entries: Vec<(String, String, String)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["event"].as_str().unwrap().into(), e["at"].as_str().unwrap().into(), e["reservation"]["id"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        entries,
        [
            ("pickup".into(), "2026-03-16T00:00:00+01:00".into(), early.to_string()),
            ("return".into(), "2026-03-16T12:00:00+01:00".into(), returning.to_string()),
            ("pickup".into(), "2026-03-16T23:30:00+01:00".into(), late.to_string()),
        ]
    );
    let page = w.get(&agent, &format!("/api/v1/agencies/{}/reservations?date=2026-03-16&limit=2", w.paris.id)).await.json();
    let cursor = page["nextCursor"].as_str().unwrap();
    let next = w.get(&agent, &format!("/api/v1/agencies/{}/reservations?date=2026-03-16&limit=2&cursor={cursor}", w.paris.id)).await.json();
    assert_eq!(next["items"][0]["reservation"]["id"], late.to_string());
    // Orly sees the return on the 17th.
    let orly = w.agent(w.orly.id).await;
    let body = w.get(&orly, &format!("/api/v1/agencies/{}/reservations?date=2026-03-17", w.orly.id)).await.json();
    assert_eq!(body["items"][0]["event"], "return");
    // Another agency, a client, a bad date.
    w.get(&orly, &format!("/api/v1/agencies/{}/reservations", w.paris.id)).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    w.get(&ana, &format!("/api/v1/agencies/{}/reservations", w.paris.id)).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    w.get("", &format!("/api/v1/agencies/{}/reservations", w.paris.id)).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    common::assert_field(&w.get(&agent, &format!("/api/v1/agencies/{}/reservations?date=16/03/2026", w.paris.id)).await, "date", "invalid");
    common::assert_field(&w.get(&agent, &format!("/api/v1/agencies/{}/reservations?cursor=x", w.paris.id)).await, "cursor", "invalid");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn the_counter_hands_over_from_the_pickup_day_and_records_no_shows_after_two_hours(pool: MySqlPool) {
    let w = world(pool).await;
    let (ana_id, ana) = w.client("ana@example.com").await;
    let pickup = instant(Paris, "2026-03-16T10:00");
    let one_way = json!({ "pickupAgencyId": w.paris.id, "returnAgencyId": w.orly.id, "pickupAt": "2026-03-16T10:00", "returnAt": "2026-03-18T10:00", "category": "CDMR" });
    let id = w.confirmed(&ana, &one_way).await;
    let noshow = w.confirmed(&ana, &w.booking(&w.paris, "EDMR", pickup, 1)).await;
    let held = w.booked(&ana, &w.booking(&w.paris, "CDMR", pickup, 1)).await;
    let held: Uuid = held["id"].as_str().unwrap().parse().unwrap();
    let act = |id: Uuid, what: &'static str, agency: Uuid| {
        let w = &w;
        async move {
            let agent = w.agent(agency).await;
            w.send(&agent, Method::POST, &format!("/api/v1/reservations/{id}/{what}"), None).await
        }
    };
    // The 16th starts at 00:00 Paris, 23:00 UTC on the 15th.
    w.app.clock.set(instant(Paris, "2026-03-16T00:00") - Duration::seconds(1));
    act(id, "pickup", w.paris.id).await.assert_problem(StatusCode::CONFLICT, "invalid_transition");
    w.app.clock.set(instant(Paris, "2026-03-16T00:00"));
    act(id, "return", w.orly.id).await.assert_problem(StatusCode::CONFLICT, "invalid_transition");
    act(id, "pickup", w.orly.id).await.assert_problem(StatusCode::CONFLICT, "invalid_transition");
    act(id, "pickup", w.lyon.id).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let picked = act(id, "pickup", w.paris.id).await;
    assert_eq!(picked.status, StatusCode::OK, "{}", String::from_utf8_lossy(&picked.body));
    assert_eq!(picked.json()["status"], "picked_up");
    assert_eq!(picked.json()["history"].as_array().unwrap().last().unwrap()["by"], "agent");
    act(id, "pickup", w.paris.id).await.assert_problem(StatusCode::CONFLICT, "invalid_transition");
    act(id, "no-show", w.paris.id).await.assert_problem(StatusCode::CONFLICT, "invalid_transition");
    act(held, "pickup", w.paris.id).await.assert_problem(StatusCode::CONFLICT, "invalid_transition");
    w.app.clock.set(pickup + Duration::hours(2) - Duration::seconds(1));
    act(noshow, "no-show", w.paris.id).await.assert_problem(StatusCode::CONFLICT, "invalid_transition");
    w.app.clock.set(pickup + Duration::hours(2));
    assert_eq!(act(noshow, "no-show", w.paris.id).await.json()["status"], "no_show");
    let returned = act(id, "return", w.orly.id).await;
    assert_eq!(returned.json()["status"], "returned");
    act(id, "return", w.orly.id).await.assert_problem(StatusCode::CONFLICT, "invalid_transition");
    let ana = w.client_token(ana_id);
    w.send(&ana, Method::POST, &format!("/api/v1/reservations/{id}/pickup"), None).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    w.send("", Method::POST, &format!("/api/v1/reservations/{id}/pickup"), None)
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
}
