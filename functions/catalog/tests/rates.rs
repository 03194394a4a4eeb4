#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! `GET`/`PUT /agencies/{id}/rates`.

mod common;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use uuid::Uuid;

use common::{agency, agent, app, client, has_error, paris};

fn item(category: &str, daily: i64, currency: &str, from: &str, to: Option<&str>) -> Value {
    json!({
        "category": category,
        "dailyRate": { "amountMinor": daily, "currency": currency },
        "oneWayFee": { "amountMinor": 7500, "currency": currency },
        "validFrom": from,
        "validTo": to
    })
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_agents_replace_and_read_their_rates(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let path = format!("/api/v1/agencies/{}/rates", paris.id);
    let auth = agent(&app, paris.id);

    let empty = app.call(Method::GET, &path, None, &[("authorization", &auth)]).await;
    assert_eq!((empty.status, empty.json()), (StatusCode::OK, json!({ "items": [], "nextCursor": null })));

    let set = json!({ "items": [
        item("IDAR", 6500, "EUR", "2026-01-01", None),
        item("CDMR", 5900, "EUR", "2026-07-01", None),
        item("CDMR", 4900, "EUR", "2026-01-01", Some("2026-06-30")),
    ]});
    let response = app.call(Method::PUT, &path, Some(&set), &[("authorization", &auth)]).await;
    assert_eq!(response.status, StatusCode::OK, "{}", String::from_utf8_lossy(&response.body));
    let body = response.json();
    let summary: Vec<(String, i64, String)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["category"].as_str().unwrap().into(),
                r["dailyRate"]["amountMinor"].as_i64().unwrap(),
                r["validFrom"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("CDMR".into(), 4900, "2026-01-01".into()),
            ("CDMR".into(), 5900, "2026-07-01".into()),
            ("IDAR".into(), 6500, "2026-01-01".into())
        ]
    );
    assert_eq!(body["items"][0]["oneWayFee"], json!({ "amountMinor": 7500, "currency": "EUR" }));
    assert_eq!(body["items"][0]["validTo"], "2026-06-30");
    assert_eq!(body["items"][1]["validTo"], Value::Null);
    assert_eq!(app.call(Method::GET, &path, None, &[("authorization", &auth)]).await.json(), body);

    // PUT replaces the whole set.
    let response = app
        .call(Method::PUT, &path, Some(&json!({ "items": [item("ECMR", 3900, "EUR", "2026-01-01", None)] })), &[("authorization", &auth)])
        .await;
    let items = response.json()["items"].as_array().unwrap().clone();
    assert_eq!((items.len(), items[0]["category"].as_str()), (1, Some("ECMR")));

    let catalog = ycyw_catalog::Catalog::new(app.state.db.clone());
    let ecmr = ycyw_catalog::AcrissCode::parse("ECMR").unwrap();
    let cdmr = ycyw_catalog::AcrissCode::parse("CDMR").unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
    assert_eq!(catalog.rate_in_force(paris.id, &ecmr, day).await.unwrap().unwrap().daily_rate.amount_minor, 3900);
    assert!(catalog.rate_in_force(paris.id, &cdmr, day).await.unwrap().is_none());
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_rate_routes_refuse_strangers(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let london = agency(&app, "LON-KGX", "London", "GB", "Europe/London").await;
    let path = format!("/api/v1/agencies/{}/rates", paris.id);
    let set = json!({ "items": [item("CDMR", 4900, "EUR", "2026-01-01", None)] });
    let stranger = agent(&app, london.id);
    for (method, body) in [(Method::GET, None), (Method::PUT, Some(&set))] {
        app.call(method.clone(), &path, body, &[]).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
        app.call(method.clone(), &path, body, &[("authorization", &client(&app))]).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
        app.call(method.clone(), &path, body, &[("authorization", &stranger)]).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    }
    app.call(Method::PUT, &path, Some(&json!({ "items": "junk" })), &[("authorization", &stranger)])
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let ghost = Uuid::now_v7();
    app.call(Method::GET, &format!("/api/v1/agencies/{ghost}/rates"), None, &[("authorization", &agent(&app, ghost))])
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let own = app.call(Method::GET, &path, None, &[("authorization", &agent(&app, paris.id))]).await;
    assert_eq!(own.json()["items"], json!([]), "nothing was written");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_rate_sets_are_validated_and_all_or_nothing(pool: MySqlPool) {
    let app = app(pool).await;
    let london = agency(&app, "LON-KGX", "London", "GB", "Europe/London").await;
    let path = format!("/api/v1/agencies/{}/rates", london.id);
    let auth = agent(&app, london.id);
    let good = json!({ "items": [item("CDMR", 4500, "GBP", "2026-01-01", None)] });
    assert_eq!(app.call(Method::PUT, &path, Some(&good), &[("authorization", &auth)]).await.status, StatusCode::OK);

    let bad = json!({ "items": [
        item("CDMR", 4500, "GBP", "2026-01-01", None),
        item("CDMR", 4900, "GBP", "2026-03-01", Some("2026-12-31")),
        item("PVXX", 4500, "EUR", "2026-01-01", None),
        item("LFAR", 0, "GBP", "2026-05-01", Some("2026-04-01")),
    ]});
    let body = app
        .call(Method::PUT, &path, Some(&bad), &[("authorization", &auth)])
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    for (field, code) in [
        ("items[1].validFrom", "invalid"),
        ("items[2].category", "invalid"),
        ("items[2].dailyRate.currency", "invalid"),
        ("items[3].dailyRate.amountMinor", "invalid"),
        ("items[3].validTo", "invalid"),
    ] {
        assert!(has_error(&body, field, code), "{field} {code}: {body}");
    }
    let body = app
        .call(
            Method::PUT,
            &path,
            Some(&json!({ "items": [{ "category": "CDMR", "dailyRate": { "amountMinor": 1, "currency": "GBP" } }] })),
            &[("authorization", &auth)],
        )
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "items[0].oneWayFee", "required"), "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("oneWayFee"), "{body}");
    let body = app
        .call(Method::PUT, &path, Some(&json!({ "items": [item("CDMR", 1, "GBP", "2026-02-30", None)] })), &[("authorization", &auth)])
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "items[0].validFrom", "invalid"), "{body}");

    let kept = app.call(Method::GET, &path, None, &[("authorization", &auth)]).await.json();
    assert_eq!(kept["items"].as_array().unwrap().len(), 1, "a refused set changes nothing");
    assert_eq!(kept["items"][0]["dailyRate"], json!({ "amountMinor": 4500, "currency": "GBP" }));
}
