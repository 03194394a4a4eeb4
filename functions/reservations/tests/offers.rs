//! `GET /offers`: prices, availability, agencies by city, and every validation error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use chrono_tz::Europe::Paris;
use common::{assert_field, world};
use serde_json::Value;
use sqlx::MySqlPool;

fn summary(body: &Value) -> Vec<(String, String, i64, i64)> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["pickupAgency"]["code"].as_str().unwrap().to_string(),
                o["category"]["code"].as_str().unwrap().to_string(),
                o["total"]["amountMinor"].as_i64().unwrap(),
                o["available"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn an_agency_search_prices_every_free_category_cheapest_first(pool: MySqlPool) {
    let w = world(pool).await;
    let path = format!("/api/v1/offers?pickupAgencyId={}&pickupAt=2026-03-16T10:00&returnAt=2026-03-19T10:00", w.paris.id);
    let response = w.app.get(&path).await;
    assert_eq!(response.status, StatusCode::OK, "{}", String::from_utf8_lossy(&response.body));
    let body = response.json();
    assert_eq!(summary(&body), [("PAR-GDL".into(), "EDMR".into(), 3 * 3600, 2), ("PAR-GDL".into(), "CDMR".into(), 3 * 4500, 4)]);
    let offer = &body["items"][1];
    assert_eq!(offer["pickupAt"], "2026-03-16T10:00:00+01:00");
    assert_eq!(offer["returnAt"], "2026-03-19T10:00:00+01:00");
    assert_eq!(offer["days"], 3);
    assert_eq!(offer["dailyRate"], serde_json::json!({ "amountMinor": 4500, "currency": "EUR" }));
    assert_eq!(offer["oneWayFee"]["amountMinor"], 0);
    assert_eq!(offer["returnAgency"]["code"], "PAR-GDL");
    assert_eq!(offer["category"]["category"], "Compact");
    assert_eq!(body["nextCursor"], Value::Null);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_city_search_looks_at_every_agency_of_the_city_and_pages(pool: MySqlPool) {
    let w = world(pool).await;
    let path = "/api/v1/offers?pickupCity=paris&pickupAt=2026-03-16T10:00&returnAt=2026-03-17T09:00";
    let body = w.app.get(path).await.json();
    assert_eq!(
        summary(&body),
        [
            ("PAR-GDL".into(), "EDMR".into(), 3600, 2),
            ("PAR-GDL".into(), "CDMR".into(), 4500, 4),
            ("PAR-ORY".into(), "CDMR".into(), 5000, 1)
        ]
    );
    let first = w.app.get(&format!("{path}&limit=2")).await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = w.app.get(&format!("{path}&limit=2&cursor={cursor}")).await.json();
    // A cursor this search did not give (valid base64 of something else) is a field error, not page 1.
    let forged = ycyw_shared::domain::page::encode_cursor("not-a-position");
    assert_field(&w.app.get(&format!("{path}&limit=2&cursor={forged}")).await, "cursor", "invalid");
    assert_eq!(summary(&second), [("PAR-ORY".into(), "CDMR".into(), 5000, 1)]);
    assert_eq!(second["nextCursor"], Value::Null);
    let none = w.app.get("/api/v1/offers?pickupCity=Atlantis&pickupAt=2026-03-16T10:00&returnAt=2026-03-17T09:00").await.json();
    assert_eq!(none["items"], serde_json::json!([]));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn categories_filter_by_code_or_class_letter(pool: MySqlPool) {
    let w = world(pool).await;
    let base = format!("/api/v1/offers?pickupAgencyId={}&pickupAt=2026-03-16T10:00&returnAt=2026-03-17T10:00", w.paris.id);
    assert_eq!(summary(&w.app.get(&format!("{base}&category=cdmr")).await.json()).len(), 1);
    assert_eq!(summary(&w.app.get(&format!("{base}&category=E")).await.json())[0].1, "EDMR");
    assert_field(&w.app.get(&format!("{base}&category=IDMD")).await, "category", "unknown_category");
    assert_field(&w.app.get(&format!("{base}&category=Q")).await, "category", "unknown_category");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn returning_elsewhere_adds_the_one_way_fee_and_a_return_city_prefers_the_same_agency(pool: MySqlPool) {
    let w = world(pool).await;
    let one_way = format!(
        "/api/v1/offers?pickupAgencyId={}&returnAgencyId={}&pickupAt=2026-03-16T10:00&returnAt=2026-03-17T10:00&category=CDMR",
        w.paris.id, w.orly.id
    );
    let body = w.app.get(&one_way).await.json();
    assert_eq!(body["items"][0]["oneWayFee"]["amountMinor"], 6500);
    assert_eq!(body["items"][0]["total"]["amountMinor"], 4500 + 6500);
    assert_eq!(body["items"][0]["returnAgency"]["code"], "PAR-ORY");
    let by_city = format!(
        "/api/v1/offers?pickupAgencyId={}&returnCity=Paris&pickupAt=2026-03-16T10:00&returnAt=2026-03-17T10:00&category=CDMR",
        w.paris.id
    );
    let body = w.app.get(&by_city).await.json();
    assert_eq!(body["items"][0]["returnAgency"]["code"], "PAR-GDL");
    assert_eq!(body["items"][0]["oneWayFee"]["amountMinor"], 0);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn times_are_read_in_the_agency_zone_and_prices_in_its_currency(pool: MySqlPool) {
    let w = world(pool).await;
    // Toronto moved to summer time on 8 March; Paris only on 29 March.
    let path = format!("/api/v1/offers?pickupAgencyId={}&pickupAt=2026-03-16T10:00&returnAt=2026-03-18T10:00", w.toronto.id);
    let body = w.app.get(&path).await.json();
    assert_eq!(body["items"][0]["pickupAt"], "2026-03-16T10:00:00-04:00");
    assert_eq!(body["items"][0]["total"], serde_json::json!({ "amountMinor": 2 * 4600, "currency": "CAD" }));
    // Across the Paris change (29 March, 02:00 → 03:00) 10:00 → 10:00 is 47 h: two periods.
    let across = format!("/api/v1/offers?pickupAgencyId={}&pickupAt=2026-03-28T10:00&returnAt=2026-03-30T10:00&category=CDMR", w.paris.id);
    let body = w.app.get(&across).await.json();
    assert_eq!(body["items"][0]["pickupAt"], "2026-03-28T10:00:00+01:00");
    assert_eq!(body["items"][0]["returnAt"], "2026-03-30T10:00:00+02:00");
    assert_eq!(body["items"][0]["days"], 2);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn held_and_confirmed_vehicles_are_taken_and_ended_holds_free_them(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let pickup = common::instant(Paris, "2026-03-16T10:00");
    w.booked(&ana, &w.booking(&w.orly, "CDMR", pickup, 2)).await;
    let search = |from: &str, to: &str| format!("/api/v1/offers?pickupAgencyId={}&pickupAt={from}&returnAt={to}", w.orly.id);
    // Overlapping at either end, inside, around: taken.
    for (from, to) in [
        ("2026-03-15T10:00", "2026-03-16T10:01"),
        ("2026-03-17T10:00", "2026-03-19T10:00"),
        ("2026-03-16T12:00", "2026-03-16T13:00"),
        ("2026-03-14T10:00", "2026-03-20T10:00"),
    ] {
        assert_eq!(w.app.get(&search(from, to)).await.json()["items"], serde_json::json!([]), "{from} → {to}");
    }
    // Touching, not overlapping: free.
    for (from, to) in [("2026-03-15T10:00", "2026-03-16T10:00"), ("2026-03-18T10:00", "2026-03-19T10:00")] {
        assert_eq!(summary(&w.app.get(&search(from, to)).await.json()).len(), 1, "{from} → {to}");
    }
    w.app.clock.advance(Duration::minutes(30));
    assert_eq!(summary(&w.app.get(&search("2026-03-16T12:00", "2026-03-16T13:00")).await.json()).len(), 1, "the hold ended");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn every_criterion_is_validated_with_its_field_code(pool: MySqlPool) {
    let w = world(pool).await;
    let at = |pickup: &str, ret: &str| format!("/api/v1/offers?pickupAgencyId={}&pickupAt={pickup}&returnAt={ret}", w.paris.id);
    // Now is 2026-03-11 10:00 in Paris.
    assert_field(&w.app.get(&at("2026-03-11T09:59", "2026-03-12T10:00")).await, "pickupAt", "in_past");
    assert_field(&w.app.get(&at("2026-03-11T11:59", "2026-03-12T10:00")).await, "pickupAt", "too_soon");
    assert_eq!(w.app.get(&at("2026-03-11T12:00", "2026-03-12T10:00")).await.status, StatusCode::OK);
    assert_field(&w.app.get(&at("2027-03-11T10:01", "2027-03-12T10:00")).await, "pickupAt", "too_far_ahead");
    assert_field(&w.app.get(&at("2026-03-16T10:00", "2026-03-16T10:00")).await, "returnAt", "return_before_pickup");
    assert_field(&w.app.get(&at("2026-03-16T10:00", "2026-06-14T11:01")).await, "returnAt", "too_long");
    assert_field(&w.app.get(&at("2026-03-29T02:30", "2026-03-30T10:00")).await, "pickupAt", "invalid");
    assert_field(&w.app.get(&at("16/03/2026", "2026-03-30T10:00")).await, "pickupAt", "invalid");
    assert_field(&w.app.get(&at("2026-03-16T10:00%2B02:00", "2026-03-17T10:00")).await, "pickupAt", "invalid");
    assert_eq!(w.app.get(&at("2026-03-16T10:00%2B01:00", "2026-03-17T10:00")).await.status, StatusCode::OK, "a matching offset is fine");
    assert_field(&w.app.get("/api/v1/offers?pickupAt=2026-03-16T10:00&returnAt=2026-03-17T10:00").await, "pickupAgencyId", "required");
    let missing = w.app.get(&format!("/api/v1/offers?pickupAgencyId={}", w.paris.id)).await;
    assert_field(&missing, "pickupAt", "required");
    assert_field(&missing, "returnAt", "required");
    let both = format!("/api/v1/offers?pickupCity=Paris&pickupAgencyId={}&pickupAt=2026-03-16T10:00&returnAt=2026-03-17T10:00", w.paris.id);
    assert_field(&w.app.get(&both).await, "pickupAgencyId", "invalid");
    assert_field(
        &w.app.get("/api/v1/offers?pickupAgencyId=nope&pickupAt=2026-03-16T10:00&returnAt=2026-03-17T10:00").await,
        "pickupAgencyId",
        "invalid",
    );
    let unknown = format!("/api/v1/offers?pickupAgencyId={}&pickupAt=2026-03-16T10:00&returnAt=2026-03-17T10:00", uuid::Uuid::now_v7());
    assert_field(&w.app.get(&unknown).await, "pickupAgencyId", "invalid");
    assert_field(&w.app.get(&format!("{}&limit=0", at("2026-03-16T10:00", "2026-03-17T10:00"))).await, "limit", "invalid");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_closed_agency_is_refused_by_name_and_left_out_of_its_city(pool: MySqlPool) {
    let w = world(pool).await;
    // Lyon opens Monday–Friday 08:00–19:00; 2026-03-14 is a Saturday.
    let lyon = |pickup: &str, ret: &str| format!("/api/v1/offers?pickupAgencyId={}&pickupAt={pickup}&returnAt={ret}", w.lyon.id);
    assert_field(&w.app.get(&lyon("2026-03-14T10:00", "2026-03-16T10:00")).await, "pickupAt", "agency_closed");
    assert_field(&w.app.get(&lyon("2026-03-16T07:59", "2026-03-17T10:00")).await, "pickupAt", "agency_closed");
    assert_field(&w.app.get(&lyon("2026-03-16T10:00", "2026-03-17T19:01")).await, "returnAt", "agency_closed");
    assert_eq!(summary(&w.app.get(&lyon("2026-03-16T08:00", "2026-03-17T18:59")).await.json()).len(), 1);
    let city = "/api/v1/offers?pickupCity=Lyon&pickupAt=2026-03-14T10:00&returnAt=2026-03-16T10:00";
    assert_eq!(w.app.get(city).await.json()["items"], serde_json::json!([]));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_long_rental_takes_its_vehicle_to_the_end_however_short_the_agencys_other_rentals(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let longest = |agency| {
        let db = w.app.state.db.clone();
        async move {
            sqlx::query_scalar!("SELECT longest_seconds FROM reservation_agencies WHERE agency_id = ?", agency)
                .fetch_optional(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(longest(w.orly.id).await, None, "no rental written at Orly yet");
    w.booked(&ana, &w.booking(&w.orly, "CDMR", common::instant(Paris, "2026-03-16T10:00"), 2)).await;
    assert_eq!(longest(w.orly.id).await, Some(2 * 86_400));
    // Orly's only vehicle, from 20 March for 60 days: 19 May, 11:00 summer time.
    w.booked(&ana, &w.booking(&w.orly, "CDMR", common::instant(Paris, "2026-03-20T10:00"), 60)).await;
    assert_eq!(longest(w.orly.id).await, Some(60 * 86_400), "the search's bound grew with the rental");
    let search = |from: &str, to: &str| format!("/api/v1/offers?pickupAgencyId={}&pickupAt={from}&returnAt={to}", w.orly.id);
    for (from, to) in [("2026-05-17T10:00", "2026-05-18T10:00"), ("2026-05-19T10:00", "2026-05-19T12:00")] {
        assert_eq!(w.app.get(&search(from, to)).await.json()["items"], serde_json::json!([]), "{from} → {to}: still rented");
    }
    assert_eq!(summary(&w.app.get(&search("2026-05-19T11:00", "2026-05-20T10:00")).await.json()).len(), 1, "back at 11:00");
    w.booked(&ana, &w.booking(&w.orly, "CDMR", common::instant(Paris, "2026-06-01T10:00"), 3)).await;
    assert_eq!(longest(w.orly.id).await, Some(60 * 86_400), "a shorter rental leaves the longest as it was");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_catalog_write_reaches_the_next_search_through_the_revision_not_the_kept_rows(pool: MySqlPool) {
    let w = world(pool.clone()).await;
    let path = format!("/api/v1/offers?pickupAgencyId={}&pickupAt=2026-03-16T10:00&returnAt=2026-03-19T10:00", w.paris.id);
    let revision = || async { sqlx::query_scalar!("SELECT revision FROM catalog_revision WHERE id = 1").fetch_one(&pool).await.unwrap() };
    let cache = w.app.state.services.get::<std::sync::Arc<ycyw_catalog::ReadCache>>().expect("the catalog module provides the read cache");
    let first = summary(&w.app.get(&path).await.json());
    assert_eq!(first, [("PAR-GDL".into(), "EDMR".into(), 3 * 3600, 2), ("PAR-GDL".into(), "CDMR".into(), 3 * 4500, 4)]);
    let (kept_at, kept) = cache.stats();
    assert_eq!(kept_at, revision().await);
    assert!(kept >= 3, "the categories, the agency, its fleet and its rates are kept: {kept}");
    // The same search again answers the same from what was kept, reading no catalog row.
    assert_eq!(summary(&w.app.get(&path).await.json()), first);
    assert_eq!(cache.stats(), (kept_at, kept));

    // An agent deactivates an EDMR and raises the CDMR rate: each write moves the revision, so the
    // next search (in this process or another) reads the catalog again.
    let agent = w.agent(w.paris.id).await;
    let vehicles = w.get(&agent, &format!("/api/v1/agencies/{}/vehicles", w.paris.id)).await.json();
    let edmr = vehicles["items"].as_array().unwrap().iter().find(|v| v["category"] == "EDMR").unwrap()["id"].as_str().unwrap().to_string();
    let deleted = w.send(&agent, axum::http::Method::DELETE, &format!("/api/v1/vehicles/{edmr}"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", String::from_utf8_lossy(&deleted.body));
    assert!(revision().await > kept_at);
    let rates = serde_json::json!({ "items": [
        { "category": "CDMR", "dailyRate": { "amountMinor": 4900, "currency": "EUR" }, "oneWayFee": { "amountMinor": 6500, "currency": "EUR" }, "validFrom": "2026-01-01", "validTo": null },
        { "category": "EDMR", "dailyRate": { "amountMinor": 3600, "currency": "EUR" }, "oneWayFee": { "amountMinor": 6500, "currency": "EUR" }, "validFrom": "2026-01-01", "validTo": null }
    ]});
    let replaced = w.send(&agent, axum::http::Method::PUT, &format!("/api/v1/agencies/{}/rates", w.paris.id), Some(&rates)).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", String::from_utf8_lossy(&replaced.body));
    assert_eq!(
        summary(&w.app.get(&path).await.json()),
        [("PAR-GDL".into(), "EDMR".into(), 3 * 3600, 1), ("PAR-GDL".into(), "CDMR".into(), 3 * 4900, 4)]
    );
    assert_eq!(cache.stats().0, revision().await);

    // A write by another process's catalog (its own cache, the same database) is seen too.
    let elsewhere = ycyw_catalog::Catalog::new(pool.clone());
    elsewhere.restore_reference_categories().await.unwrap();
    let before = cache.stats().0;
    assert!(revision().await > before);
    assert_eq!(summary(&w.app.get(&path).await.json()).len(), 2);
    assert!(cache.stats().0 > before);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn an_agencys_revision_moves_with_what_takes_its_vehicles_and_with_nothing_else(pool: MySqlPool) {
    let w = world(pool.clone()).await;
    let (_, ana) = w.client("ana@example.com").await;
    let revision = |agency: uuid::Uuid| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar!("SELECT revision FROM reservation_agencies WHERE agency_id = ?", agency)
                .fetch_optional(&pool)
                .await
                .unwrap()
                .unwrap_or(0)
        }
    };
    assert_eq!((revision(w.paris.id).await, revision(w.orly.id).await), (0, 0), "no row before the first reservation");
    let booked = w.booked(&ana, &w.booking(&w.paris, "CDMR", common::instant(Paris, "2026-03-20T10:00"), 3)).await;
    let id: uuid::Uuid = booked["id"].as_str().unwrap().parse().unwrap();
    let first = revision(w.paris.id).await;
    assert!(first >= 1);
    // What does not change which vehicles are taken leaves it: a reminder, a paid amount, a name.
    sqlx::query!(
        "UPDATE reservations SET reminder_sent_at = NOW(6), paid_minor = 100, driver_first_name = 'X', updated_at = NOW(6) WHERE id = ?",
        id
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(revision(w.paris.id).await, first);
    // A status, a hold, a vehicle or a time moves it, by the trigger, whoever writes.
    sqlx::query!("UPDATE reservations SET hold_expires_at = hold_expires_at + INTERVAL 1 SECOND WHERE id = ?", id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(revision(w.paris.id).await, first + 1);
    // Moving it to another agency moves both.
    sqlx::query!("UPDATE reservations SET pickup_agency_id = ? WHERE id = ?", w.orly.id, id).execute(&pool).await.unwrap();
    assert_eq!((revision(w.paris.id).await, revision(w.orly.id).await), (first + 2, 1));
    sqlx::query!("UPDATE reservations SET pickup_agency_id = ? WHERE id = ?", w.paris.id, id).execute(&pool).await.unwrap();
    assert_eq!((revision(w.paris.id).await, revision(w.orly.id).await), (first + 3, 2));
    // A cancellation through the API, then the row's deletion.
    let cancelled = w.send(&ana, axum::http::Method::POST, &format!("/api/v1/reservations/{id}/cancellation"), None).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", String::from_utf8_lossy(&cancelled.body));
    assert_eq!(revision(w.paris.id).await, first + 4);
    sqlx::query!("DELETE FROM reservation_status_history WHERE reservation_id = ?", id).execute(&pool).await.unwrap();
    sqlx::query!("DELETE FROM reservations WHERE id = ?", id).execute(&pool).await.unwrap();
    assert_eq!(revision(w.paris.id).await, first + 5);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_search_counts_what_any_process_wrote_since_it_last_read_the_agency(pool: MySqlPool) {
    use ycyw_reservations::occupancy::Occupancy;
    let w = world(pool.clone()).await;
    let (_, ana) = w.client("ana@example.com").await;
    let (from, to) = (common::instant(Paris, "2026-03-20T10:00"), common::instant(Paris, "2026-03-23T10:00"));
    let path = format!("/api/v1/offers?pickupAgencyId={}&pickupAt=2026-03-20T10:00&returnAt=2026-03-23T10:00", w.paris.id);
    let cdmr_free = || async { summary(&w.app.get(&path).await.json()).into_iter().find(|o| o.1 == "CDMR").map_or(0, |o| o.3) };
    // This process's memory, and another process's (its own memory, the same database).
    let here = w.app.state.services.get::<std::sync::Arc<Occupancy>>().expect("the module provides the occupancy memory").clone();
    let elsewhere = Occupancy::default();
    let agree = |label: &'static str| {
        let (here, elsewhere, pool, w) = (here.clone(), &elsewhere, pool.clone(), &w);
        async move {
            let probe = common::Probe { agency: w.paris.id, category: "CDMR", from, to, now: w.now() };
            let truth = common::busy_by_sql(&pool, probe).await;
            assert_eq!(common::busy_in_memory(&here, &pool, probe).await, truth, "{label}: this process");
            assert_eq!(common::busy_in_memory(elsewhere, &pool, probe).await, truth, "{label}: another");
            truth
        }
    };
    assert_eq!(cdmr_free().await, 4);
    assert_eq!(agree("nothing booked").await, 0);
    w.booked(&ana, &w.booking(&w.paris, "CDMR", from, 3)).await;
    assert_eq!(agree("one hold").await, 1);
    assert_eq!(cdmr_free().await, 3);
    let before = here.stats();
    assert_eq!(cdmr_free().await, 3);
    assert_eq!(here.stats(), before, "a search at the same revision reads no row again");
    let confirmed = w.confirmed(&ana, &w.booking(&w.paris, "CDMR", from + Duration::days(1), 1)).await;
    assert_eq!(agree("a confirmed booking overlapping").await, 2);
    // The first hold ends: read-time, no write needed.
    w.app.clock.advance(Duration::minutes(31));
    assert_eq!(agree("the hold ended").await, 1);
    assert_eq!(cdmr_free().await, 3);
    // An operator's SQL is seen too (the trigger moves the revision).
    sqlx::query!("UPDATE reservations SET status = 'cancelled', cancelled_at = NOW(6) WHERE id = ?", confirmed)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(agree("cancelled by SQL").await, 0);
    assert_eq!(cdmr_free().await, 4);
    // The clock put back (a test's): the memory read at a later instant is not used.
    w.app.clock.advance(Duration::minutes(-31));
    // At that instant the first hold (never expired by a sweep) is on again: the rows read later
    // do not answer for it.
    assert_eq!(agree("the clock put back").await, 1);
}
