//! The client's reservations after booking: lists and detail (ownership, agents), modification
//! with its 48 h edge and three outcomes, cancellation with its 7-day edge — in three time zones
//! and across daylight-saving changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::America::Toronto;
use chrono_tz::Europe::{London, Paris};
use common::{World, instant, world};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_reservations::PaymentApplied;

fn path(id: Uuid, rest: &str) -> String {
    format!("/api/v1/reservations/{id}{rest}")
}

async fn patch(w: &World, auth: &str, id: Uuid, body: Value) -> ycyw_testkit::TestResponse {
    w.send(auth, Method::PATCH, &path(id, ""), Some(&body)).await
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn clients_list_their_own_reservations_upcoming_and_past(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let (_, ben) = w.client("ben@example.com").await;
    let mut ids = Vec::new();
    for day in [20, 16, 18] {
        let pickup = instant(Paris, &format!("2026-03-{day}T10:00"));
        ids.push(w.confirmed(&ana, &w.booking(&w.paris, "CDMR", pickup, 1)).await);
    }
    let bens = w.confirmed(&ben, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-16T10:00"), 1)).await;
    let cancelled = w.confirmed(&ana, &w.booking(&w.paris, "EDMR", instant(Paris, "2026-03-25T10:00"), 1)).await;
    assert_eq!(w.send(&ana, Method::POST, &path(cancelled, "/cancellation"), None).await.status, StatusCode::OK);

    let all = w.get(&ana, "/api/v1/reservations").await;
    let all = {
        assert_eq!(all.status, StatusCode::OK, "{}", String::from_utf8_lossy(&all.body));
        all.json()
    };
    assert_eq!(all["items"].as_array().unwrap().len(), 3, "{all}");
    let upcoming = w.get(&ana, "/api/v1/reservations?limit=2").await.json();
    let days: Vec<&str> = upcoming["items"].as_array().unwrap().iter().map(|r| &r["pickupAt"].as_str().unwrap()[..10]).collect();
    assert_eq!(days, ["2026-03-16", "2026-03-18"], "soonest first");
    let cursor = upcoming["nextCursor"].as_str().unwrap();
    let rest = w.get(&ana, &format!("/api/v1/reservations?limit=2&cursor={cursor}")).await.json();
    assert_eq!(rest["items"][0]["pickupAt"], "2026-03-20T10:00:00+01:00");
    assert_eq!(rest["nextCursor"], Value::Null);
    let past = w.get(&ana, "/api/v1/reservations?scope=past").await.json();
    assert_eq!(past["items"].as_array().unwrap().len(), 1);
    assert_eq!(past["items"][0]["status"], "cancelled");
    assert_eq!(
        past["items"][0]["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect::<Vec<_>>(),
        ["pending_payment", "confirmed", "cancelled"]
    );

    w.get(&ana, "/api/v1/reservations?scope=soon").await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    w.get(&ana, "/api/v1/reservations?cursor=garbage").await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    w.get("", "/api/v1/reservations").await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    w.get(&w.agent(w.paris.id).await, "/api/v1/reservations").await.assert_problem(StatusCode::FORBIDDEN, "forbidden");

    // Detail: another client's is 404, agents see their agency's, support is refused.
    w.get(&ana, &path(bens, "")).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    w.get(&ana, &path(Uuid::now_v7(), "")).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    w.get(&ana, "/api/v1/reservations/not-an-id").await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(w.get(&w.agent(w.paris.id).await, &path(ids[0], "")).await.json()["driver"]["lastName"], "Silva");
    w.get(&w.agent(w.orly.id).await, &path(ids[0], "")).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    w.get(&w.support().await, &path(ids[0], "")).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
}

/// Books and pays as a new client `email`, then sets the clock to `at`; returns the
/// reservation, the client and a token valid at `at`.
async fn confirmed_then_at(w: &World, email: &str, body: Value, at: DateTime<Utc>) -> (Uuid, Uuid, String) {
    let (user, auth) = w.client(email).await;
    let id = w.confirmed(&auth, &body).await;
    w.app.clock.set(at);
    (id, user, w.client_token(user))
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn modifications_close_48_hours_before_pickup_across_a_dst_change(pool: MySqlPool) {
    let w = world(pool).await;
    // Paris pickup Monday 30 March 10:00 (summer time since the 29th): 48 h before is Saturday
    // 28 March 09:00 local (winter time), not 10:00.
    let pickup = instant(Paris, "2026-03-30T10:00");
    let edge = pickup - Duration::hours(48);
    assert_eq!(edge.with_timezone(&Paris).format("%d %H:%M").to_string(), "28 09:00");
    let moved = json!({ "pickupAt": "2026-03-30T11:00", "returnAt": "2026-03-31T11:00" });
    let (id, _, ana) = confirmed_then_at(&w, "ana@example.com", w.booking(&w.paris, "CDMR", pickup, 1), edge).await;
    let applied = patch(&w, &ana, id, moved.clone()).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", String::from_utf8_lossy(&applied.body));
    assert_eq!(applied.json()["outcome"], "applied");
    assert_eq!(applied.json()["reservation"]["pickupAt"], "2026-03-30T11:00:00+02:00");

    w.app.clock.set(ycyw_testkit::test_epoch());
    let (id, _, ben) = confirmed_then_at(&w, "ben@example.com", w.booking(&w.paris, "CDMR", pickup, 1), edge + Duration::seconds(1)).await;
    patch(&w, &ben, id, moved).await.assert_problem(StatusCode::CONFLICT, "modification_window_closed");

    // Paris, autumn: pickup Monday 26 October 10:00 (winter time since the 25th); 48 h before is
    // Saturday 24 October 11:00, summer time.
    for (zone, agency, category, local, edge_local) in [
        (Paris, &w.paris, "CDMR", "2026-10-26T10:00", "24 11:00"),
        // Toronto, spring 2027: clocks go forward on 14 March; 48 h before Monday 15 March 10:00
        // is Saturday 13 March 09:00.
        (Toronto, &w.toronto, "CCAR", "2027-03-15T10:00", "13 09:00"),
    ] {
        let pickup = instant(zone, local);
        let edge = pickup - Duration::hours(48);
        assert_eq!(edge.with_timezone(&zone).format("%d %H:%M").to_string(), edge_local);
        let later = |at: DateTime<Utc>| common::local(zone, at + Duration::hours(1));
        let moved = json!({ "pickupAt": later(pickup), "returnAt": later(pickup + Duration::days(1)) });
        for (n, at, open) in [(0, edge, true), (1, edge + Duration::seconds(1), false)] {
            // Booked a few months before (bookings open 12 months ahead).
            w.app.clock.set(pickup - Duration::days(60));
            let email = format!("{}-{n}@example.com", agency.code.as_str().to_lowercase());
            let (id, _, auth) = confirmed_then_at(&w, &email, w.booking(agency, category, pickup, 1), at).await;
            let answer = patch(&w, &auth, id, moved.clone()).await;
            if open {
                assert_eq!(answer.json()["outcome"], "applied", "{zone} at the edge");
            } else {
                answer.assert_problem(StatusCode::CONFLICT, "modification_window_closed");
            }
        }
    }

    // Toronto: pickup Monday 2 November 10:00 (winter time since the 1st).
    let pickup = instant(Toronto, "2026-11-02T10:00");
    let edge = pickup - Duration::hours(48);
    assert_eq!(edge.with_timezone(&Toronto).format("%d %H:%M").to_string(), "31 11:00");
    let moved = json!({ "pickupAt": "2026-11-02T12:00", "returnAt": "2026-11-03T12:00" });
    w.app.clock.set(ycyw_testkit::test_epoch());
    let (id, _, cat) = confirmed_then_at(&w, "cat@example.com", w.booking(&w.toronto, "CCAR", pickup, 1), edge).await;
    assert_eq!(patch(&w, &cat, id, moved.clone()).await.json()["outcome"], "applied");
    w.app.clock.set(ycyw_testkit::test_epoch());
    let (id, _, dan) =
        confirmed_then_at(&w, "dan@example.com", w.booking(&w.toronto, "CCAR", pickup, 1), edge + Duration::seconds(1)).await;
    patch(&w, &dan, id, moved).await.assert_problem(StatusCode::CONFLICT, "modification_window_closed");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_dearer_change_waits_for_its_difference_holding_the_new_car(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let pickup = instant(Paris, "2026-03-20T10:00");
    let id = w.confirmed(&ana, &w.booking(&w.paris, "EDMR", pickup, 2)).await;
    // EDMR 36 €/day → CDMR 45 €/day, 3 days: 135 € for 72 € paid.
    let answer = patch(&w, &ana, id, json!({ "category": "CDMR", "returnAt": "2026-03-23T10:00" })).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    let body = answer.json();
    assert_eq!(body["outcome"], "payment_required");
    assert_eq!(body["difference"], json!({ "amountMinor": 13500 - 7200, "currency": "EUR" }));
    assert_eq!(body["checkoutUrl"], Value::Null, "no payments module is linked here (functions/payments/tests/flows.rs checks the page)");
    let change = &body["reservation"]["pendingChange"];
    assert_eq!(change["category"]["code"], "CDMR");
    assert_eq!(change["total"]["amountMinor"], 13500);
    assert_eq!(body["reservation"]["category"]["code"], "EDMR", "unchanged until paid");
    // The new slot's car is held: 3 of 4 CDMR left for that window.
    let search = format!("/api/v1/offers?pickupAgencyId={}&pickupAt=2026-03-21T10:00&returnAt=2026-03-22T10:00&category=CDMR", w.paris.id);
    assert_eq!(w.app.get(&search).await.json()["items"][0]["available"], 3);

    let change_id: Uuid = change["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(w.pay(id, Some(change_id), &body["difference"]).await, PaymentApplied::ChangeApplied);
    assert_eq!(w.pay(id, Some(change_id), &body["difference"]).await, PaymentApplied::AlreadyApplied, "a repeated event changes nothing");
    let after = w.get(&ana, &path(id, "")).await.json();
    assert_eq!(after["category"]["code"], "CDMR");
    assert_eq!(after["returnAt"], "2026-03-23T10:00:00+01:00");
    assert_eq!(after["paid"]["amountMinor"], 13500);
    assert_eq!(after["pendingChange"], Value::Null);
    assert_eq!(w.app.get(&search).await.json()["items"][0]["available"], 3, "the held car is now the reservation's");
    let templates: Vec<String> = w.emails_to("ana@example.com").await.iter().map(|e| e["template"].as_str().unwrap().to_string()).collect();
    assert_eq!(templates, ["verify_email", "reservation_confirmed", "reservation_modified"]);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_pending_change_that_keeps_its_car_takes_that_car_once(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let id = w.confirmed(&ana, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-20T10:00"), 1)).await;
    // A day longer costs more: the change waits for its difference, holding the car it keeps.
    let body = patch(&w, &ana, id, json!({ "returnAt": "2026-03-22T10:00" })).await.json();
    assert_eq!(body["outcome"], "payment_required", "{body}");
    let cars = sqlx::query!(
        r#"SELECT r.vehicle_id AS "reserved: Uuid", c.vehicle_id AS "held: Uuid"
           FROM reservations r JOIN reservation_changes c ON c.reservation_id = r.id WHERE r.id = ? AND c.status = 'pending'"#,
        id
    )
    .fetch_one(&w.app.state.db)
    .await
    .unwrap();
    assert_eq!(cars.reserved, cars.held, "the change keeps the reservation's car");
    // The reservation (20th–21st) and its change (20th–22nd) both overlap the search: one car of 4.
    let search = format!("/api/v1/offers?pickupAgencyId={}&pickupAt=2026-03-20T12:00&returnAt=2026-03-22T10:00&category=CDMR", w.paris.id);
    assert_eq!(w.app.get(&search).await.json()["items"][0]["available"], 3);
    // The change alone overlaps the 21st: still that car.
    let later = format!("/api/v1/offers?pickupAgencyId={}&pickupAt=2026-03-21T12:00&returnAt=2026-03-22T10:00&category=CDMR", w.paris.id);
    assert_eq!(w.app.get(&later).await.json()["items"][0]["available"], 3);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn an_unpaid_change_expires_and_frees_its_car(pool: MySqlPool) {
    let w = world(pool).await;
    let (user, ana) = w.client("ana@example.com").await;
    let id = w.confirmed(&ana, &w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-20T10:00"), 1)).await;
    let body = patch(&w, &ana, id, json!({ "returnAt": "2026-03-22T10:00" })).await.json();
    assert_eq!(body["outcome"], "payment_required");
    w.app.clock.advance(Duration::minutes(30));
    assert_eq!(w.get(&w.client_token(user), &path(id, "")).await.json()["pendingChange"], Value::Null);
    ycyw_reservations::Reservations::new(&w.app.state).expire_holds().await.unwrap();
    let status = sqlx::query_scalar!("SELECT status FROM reservation_changes").fetch_one(&w.app.state.db).await.unwrap();
    assert_eq!(status, "expired");
    // Someone else may now take Orly's car on the 21st.
    let (_, ben) = w.client("ben@example.com").await;
    w.booked(&ben, &w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-21T10:00"), 1)).await;
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_cheaper_change_is_applied_and_its_difference_refunded(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let id = w.confirmed(&ana, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-20T10:00"), 3)).await;
    let body = patch(&w, &ana, id, json!({ "returnAt": "2026-03-21T10:00" })).await.json();
    assert_eq!(body["outcome"], "refund_pending");
    assert_eq!(body["difference"]["amountMinor"], 4500 - 13500);
    assert_eq!(body["reservation"]["total"]["amountMinor"], 4500);
    assert_eq!(body["reservation"]["paid"]["amountMinor"], 4500, "paid net of the refund");
    assert_eq!(w.refunds().await, [(id.to_string(), 9000, "modification".to_string())]);
    let modified = w.emails_to("ana@example.com").await.pop().unwrap();
    assert_eq!(modified["template"], "reservation_modified");
    assert!(modified["rendered"]["text"].as_str().unwrap().contains("€90.00"), "{modified}");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn modifications_are_checked_like_bookings_and_only_for_open_paid_reservations(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let (_, ben) = w.client("ben@example.com").await;
    let id = w.confirmed(&ana, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-20T10:00"), 1)).await;
    patch(&w, &ben, id, json!({ "category": "EDMR" })).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    patch(&w, &w.agent(w.paris.id).await, id, json!({ "category": "EDMR" })).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    common::assert_field(&patch(&w, &ana, id, json!({})).await, "body", "required");
    common::assert_field(&patch(&w, &ana, id, json!({ "category": "IDMD" })).await, "category", "unknown_category");
    common::assert_field(&patch(&w, &ana, id, json!({ "returnAt": "2026-03-19T10:00" })).await, "returnAt", "return_before_pickup");
    common::assert_field(
        &patch(&w, &ana, id, json!({ "pickupAgencyId": w.lyon.id, "pickupAt": "2026-03-21T10:00", "returnAt": "2026-03-23T10:00" })).await,
        "pickupAt",
        "agency_closed",
    );
    common::assert_field(
        &patch(&w, &ana, id, json!({ "pickupAgencyId": w.london.id, "returnAgencyId": w.london.id })).await,
        "pickupAgencyId",
        "invalid",
    );
    // Orly's only car is taken on the 20th: moving there is unavailable.
    w.confirmed(&ben, &w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-20T08:00"), 1)).await;
    patch(&w, &ana, id, json!({ "pickupAgencyId": w.orly.id, "returnAgencyId": w.orly.id }))
        .await
        .assert_problem(StatusCode::CONFLICT, "unavailable");
    // An unpaid booking is paid or cancelled, not modified.
    let held = w.booked(&ana, &w.booking(&w.paris, "EDMR", instant(Paris, "2026-03-20T10:00"), 1)).await;
    let held: Uuid = held["id"].as_str().unwrap().parse().unwrap();
    patch(&w, &ana, held, json!({ "category": "CDMR" })).await.assert_problem(StatusCode::CONFLICT, "invalid_transition");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn cancellations_refund_everything_until_seven_days_before_then_a_quarter(pool: MySqlPool) {
    let w = world(pool).await;
    // Paris pickup Thursday 2 April 09:30, summer time; seven days before is 26 March 08:30 local, winter time.
    let pickup = instant(Paris, "2026-04-02T09:30");
    let edge = pickup - Duration::days(7);
    let (id, ana_id, ana) = confirmed_then_at(&w, "ana@example.com", w.booking(&w.paris, "CDMR", pickup, 3), edge).await;
    let quote = w.get(&ana, &path(id, "/cancellation-quote")).await.json();
    assert_eq!(
        quote,
        json!({
            "refundPercent": 100, "refund": { "amountMinor": 13500, "currency": "EUR" }, "paid": { "amountMinor": 13500, "currency": "EUR" },
            "fullRefundUntil": "2026-03-26T08:30:00+01:00"
        })
    );
    w.app.clock.set(ycyw_testkit::test_epoch());
    let (late, _, ben) =
        confirmed_then_at(&w, "ben@example.com", w.booking(&w.paris, "CDMR", pickup, 3), edge + Duration::seconds(1)).await;
    let quote = w.get(&ben, &path(late, "/cancellation-quote")).await.json();
    assert_eq!((quote["refundPercent"].as_i64(), quote["refund"]["amountMinor"].as_i64()), (Some(25), Some(3375)));
    let cancelled = w.send(&ben, Method::POST, &path(late, "/cancellation"), None).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", String::from_utf8_lossy(&cancelled.body));
    let body = cancelled.json();
    assert_eq!(body["reservation"]["status"], "cancelled");
    assert_eq!(body["refund"], json!({ "amount": { "amountMinor": 3375, "currency": "EUR" }, "percent": 25, "status": "pending" }));
    assert_eq!(w.refunds().await, [(late.to_string(), 3375, "cancellation".to_string())]);
    let email = w.emails_to("ben@example.com").await.pop().unwrap();
    assert_eq!(email["template"], "reservation_cancelled");
    assert!(email["rendered"]["text"].as_str().unwrap().contains("€33.75 (25 % of €135.00 paid)"), "{email}");
    w.send(&ben, Method::POST, &path(late, "/cancellation"), None).await.assert_problem(StatusCode::CONFLICT, "not_cancellable");
    // The car is free again.
    let search = format!("/api/v1/offers?pickupAgencyId={}&pickupAt=2026-04-02T09:30&returnAt=2026-04-03T09:30&category=CDMR", w.paris.id);
    assert_eq!(w.app.get(&search).await.json()["items"][0]["available"], 3);

    // After the pickup time: not cancellable.
    w.app.clock.set(pickup);
    let ana = w.client_token(ana_id);
    w.get(&ana, &path(id, "/cancellation-quote")).await.assert_problem(StatusCode::CONFLICT, "not_cancellable");
    w.send(&ana, Method::POST, &path(id, "/cancellation"), None).await.assert_problem(StatusCode::CONFLICT, "not_cancellable");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn the_seven_day_edge_holds_in_toronto_and_london_across_their_changes(pool: MySqlPool) {
    let w = world(pool).await;
    for (agency, category, zone, local, until) in [
        (&w.toronto, "CCAR", Toronto, "2026-11-05T09:30", "2026-10-29T10:30:00-04:00"),
        (&w.london, "CDMR", London, "2026-10-29T09:30", "2026-10-22T10:30:00+01:00"),
        (&w.paris, "CDMR", Paris, "2026-10-29T09:30", "2026-10-22T10:30:00+02:00"),
    ] {
        w.app.clock.set(ycyw_testkit::test_epoch());
        let pickup = instant(zone, local);
        let email = format!("{}@example.com", agency.code.as_str().to_lowercase());
        let (id, user, auth) = confirmed_then_at(&w, &email, w.booking(agency, category, pickup, 1), pickup - Duration::days(7)).await;
        let quote = w.get(&auth, &path(id, "/cancellation-quote")).await.json();
        assert_eq!(quote["refundPercent"], 100, "{quote}");
        assert_eq!(quote["fullRefundUntil"], until);
        w.app.clock.set(pickup - Duration::days(7) + Duration::seconds(1));
        let auth = w.client_token(user);
        assert_eq!(w.get(&auth, &path(id, "/cancellation-quote")).await.json()["refundPercent"], 25);
    }
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn cancelling_an_unpaid_hold_refunds_nothing_and_strangers_get_404(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let (_, ben) = w.client("ben@example.com").await;
    let held = w.booked(&ana, &w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-20T10:00"), 1)).await;
    let id: Uuid = held["id"].as_str().unwrap().parse().unwrap();
    w.get(&ben, &path(id, "/cancellation-quote")).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    w.send(&ben, Method::POST, &path(id, "/cancellation"), None).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    w.send(&w.agent(w.orly.id).await, Method::POST, &path(id, "/cancellation"), None)
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let body = w.send(&ana, Method::POST, &path(id, "/cancellation"), None).await.json();
    assert_eq!(body["refund"], json!({ "amount": { "amountMinor": 0, "currency": "EUR" }, "percent": 100, "status": "succeeded" }));
    assert!(w.refunds().await.is_empty());
    w.booked(&ben, &w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-20T10:00"), 1)).await;
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn every_client_route_wants_its_client_and_every_counter_route_its_agent(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let (_, ben) = w.client("ben@example.com").await;
    let id = w.confirmed(&ana, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-20T10:00"), 1)).await;
    let agent = w.agent(w.paris.id).await;
    let client_routes = [
        (Method::GET, path(id, ""), None),
        (Method::PATCH, path(id, ""), Some(json!({ "category": "EDMR" }))),
        (Method::GET, path(id, "/cancellation-quote"), None),
        (Method::POST, path(id, "/cancellation"), None),
    ];
    for (method, route, body) in &client_routes {
        w.send("", method.clone(), route, body.as_ref()).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
        w.send("Bearer not-a-token", method.clone(), route, body.as_ref()).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
        w.send(&ben, method.clone(), route, body.as_ref()).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
        if *method != Method::GET || route.ends_with("quote") {
            w.send(&agent, method.clone(), route, body.as_ref()).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
        }
    }
    let unknown = Uuid::now_v7();
    for what in ["pickup", "return", "no-show"] {
        let route = path(id, &format!("/{what}"));
        w.send("", Method::POST, &route, None).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
        w.send(&ana, Method::POST, &route, None).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
        w.send(&w.support().await, Method::POST, &route, None).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
        w.send(&w.agent(w.lyon.id).await, Method::POST, &route, None).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
        w.send(&agent, Method::POST, &path(unknown, &format!("/{what}")), None).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    }
    // Nothing of the above changed the reservation.
    assert_eq!(w.get(&ana, &path(id, "")).await.json()["status"], "confirmed");
}
