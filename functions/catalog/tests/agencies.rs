#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! `GET /agencies`, `GET /agencies/{id}`, `POST /agencies`, `PATCH /agencies/{id}`.

mod common;

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::time::Clock as _;

use common::{agency, agency_json, agent, app, client, has_error, paris, support};

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_lists_active_agencies_with_the_contract_fields(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let response = app.get("/api/v1/agencies").await;
    assert_eq!(response.status, StatusCode::OK);
    let body = response.json();
    assert_eq!(body["nextCursor"], serde_json::Value::Null);
    let item = &body["items"][0];
    assert_eq!(item["id"], paris.id.to_string());
    assert_eq!(item["code"], "PAR-GDL");
    assert_eq!(item["city"], "Paris");
    assert_eq!(item["countryCode"], "FR");
    assert_eq!(item["timeZone"], "Europe/Paris");
    assert_eq!(item["currency"], "EUR");
    assert_eq!(item["phone"], "+33199000001");
    assert_eq!(item["address"]["postalCode"], "10001");
    assert_eq!(item["address"]["countryCode"], "FR");
    assert_eq!(
        item["openingHours"],
        json!([{ "weekday": 1, "opens": "08:00", "closes": "19:00" }, { "weekday": 6, "opens": "09:00", "closes": "12:00" }])
    );
    assert_eq!(item["active"], true);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_filters_agencies_by_country_city_and_text(pool: MySqlPool) {
    let app = app(pool).await;
    paris(&app).await;
    agency(&app, "LYS-PDI", "Lyon", "FR", "Europe/Paris").await;
    agency(&app, "LON-KGX", "London", "GB", "Europe/London").await;
    agency(&app, "MTL-CEN", "Montréal", "CA", "America/Toronto").await;

    let codes = |body: serde_json::Value| -> Vec<String> {
        body["items"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(codes(app.get("/api/v1/agencies?country=FR").await.json()), ["LYS-PDI", "PAR-GDL"]);
    assert_eq!(codes(app.get("/api/v1/agencies?country=gb").await.json()), ["LON-KGX"]);
    assert_eq!(codes(app.get("/api/v1/agencies?city=paris").await.json()), ["PAR-GDL"]);
    assert_eq!(codes(app.get("/api/v1/agencies?city=Montreal").await.json()), ["MTL-CEN"], "accents are ignored");
    assert_eq!(codes(app.get("/api/v1/agencies?q=lyon").await.json()), ["LYS-PDI"]);
    assert_eq!(codes(app.get("/api/v1/agencies?q=KGX").await.json()), ["LON-KGX"]);
    assert_eq!(codes(app.get("/api/v1/agencies?q=%25").await.json()), Vec::<String>::new(), "% is not a wildcard");
    assert_eq!(codes(app.get("/api/v1/agencies?country=FR&q=par").await.json()), ["PAR-GDL"]);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_pages_agencies_with_cursors(pool: MySqlPool) {
    let app = app(pool).await;
    for code in ["AAA-01", "BBB-02", "CCC-03", "DDD-04", "EEE-05"] {
        agency(&app, code, "Paris", "FR", "Europe/Paris").await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/agencies?limit=2".to_string();
    loop {
        let body = app.get(&path).await.json();
        let items = body["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|a| a["code"].as_str().unwrap().to_string()));
        match body["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/agencies?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ["AAA-01", "BBB-02", "CCC-03", "DDD-04", "EEE-05"]);

    let body = app
        .get("/api/v1/agencies?limit=0&cursor=!!&country=BE")
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "limit", "invalid") || has_error(&body, "cursor", "invalid"), "{body}");
    let body = app.get("/api/v1/agencies?limit=101").await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "limit", "invalid"));
    let body = app.get("/api/v1/agencies?cursor=!!").await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "cursor", "invalid"));
    let body = app.get("/api/v1/agencies?country=BE").await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "country", "invalid"));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_shows_one_agency_and_hides_inactive_ones_from_strangers(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let path = format!("/api/v1/agencies/{}", paris.id);
    let response = app.get(&path).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json()["code"], "PAR-GDL");

    app.get(&format!("/api/v1/agencies/{}", Uuid::now_v7())).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.get("/api/v1/agencies/not-a-uuid").await.assert_problem(StatusCode::NOT_FOUND, "not_found");

    let own = agent(&app, paris.id);
    let response = app.call(Method::PATCH, &path, Some(&json!({ "active": false })), &[("authorization", &own)]).await;
    assert_eq!(response.status, StatusCode::OK);
    app.get(&path).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    assert!(app.get("/api/v1/agencies").await.json()["items"].as_array().unwrap().is_empty());
    let other = agent(&app, Uuid::now_v7());
    app.call(Method::GET, &path, None, &[("authorization", &other)]).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let response = app.call(Method::GET, &path, None, &[("authorization", &own)]).await;
    assert_eq!((response.status, response.json()["active"].clone()), (StatusCode::OK, json!(false)));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_agency_creation_over_http_needs_a_right_no_token_has_yet(pool: MySqlPool) {
    let app = app(pool).await;
    let body = agency_json("PAR-GDL", "Paris", "FR", "Europe/Paris");
    app.call(Method::POST, "/api/v1/agencies", Some(&body), &[]).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    app.call(Method::POST, "/api/v1/agencies", Some(&body), &[("authorization", &client(&app))])
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    app.call(Method::POST, "/api/v1/agencies", Some(&body), &[("authorization", &support(&app))])
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let problem = app
        .call(Method::POST, "/api/v1/agencies", Some(&json!({ "junk": true })), &[("authorization", &agent(&app, Uuid::now_v7()))])
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    assert!(problem["detail"].as_str().unwrap().contains("create-agency"), "{problem}");
    assert!(app.get("/api/v1/agencies").await.json()["items"].as_array().unwrap().is_empty());
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_agency_creation_validates_and_keeps_codes_unique(pool: MySqlPool) {
    let app = app(pool).await;
    let catalog = ycyw_catalog::Catalog::new(app.state.db.clone());
    let now = app.clock.now();
    let input = serde_json::from_value(agency_json("LON-KGX", "London", "GB", "Europe/London")).unwrap();
    let created = catalog.create_agency(&input, now).await.unwrap();
    assert_eq!(created.currency, ycyw_catalog::CurrencyCode::Gbp);

    let again = catalog.create_agency(&input, now).await.unwrap_err();
    let ycyw_catalog::CatalogError::Invalid(errors) = again else { panic!("expected a field error") };
    assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("code", "taken"));

    let mut wrong = agency_json("LON-LHR", "London", "GB", "Europe/Londres");
    wrong["currency"] = json!("EUR");
    let input = serde_json::from_value(wrong).unwrap();
    let ycyw_catalog::CatalogError::Invalid(errors) = catalog.create_agency(&input, now).await.unwrap_err() else {
        panic!("expected field errors")
    };
    let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
    assert_eq!(fields, [("timeZone", "invalid"), ("currency", "invalid")]);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_agents_edit_their_own_agency(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let path = format!("/api/v1/agencies/{}", paris.id);
    let patch = json!({
        "name": "Paris Gare de Lyon — Hall 2",
        "phone": "+33 1 99 00 00 99",
        "timeZone": "Europe/Paris",
        "openingHours": [{ "weekday": 7, "opens": "00:00", "closes": "24:00" }],
        "address": { "line1": "20 boulevard Diderot", "line2": "Hall 2", "postalCode": "75012", "city": "Paris", "countryCode": "FR" }
    });
    let response = app.call(Method::PATCH, &path, Some(&patch), &[("authorization", &agent(&app, paris.id))]).await;
    assert_eq!(response.status, StatusCode::OK, "{}", String::from_utf8_lossy(&response.body));
    let body = response.json();
    assert_eq!(body["name"], "Paris Gare de Lyon — Hall 2");
    assert_eq!(body["phone"], "+33199000099");
    assert_eq!(body["address"]["line2"], "Hall 2");
    assert_eq!(body["openingHours"], json!([{ "weekday": 7, "opens": "00:00", "closes": "24:00" }]));
    assert_eq!(body["email"], "par-gdl@example.com", "fields left out are unchanged");
    assert_eq!(app.get(&path).await.json(), body, "what PATCH answers is what is stored");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_agency_edits_are_refused_to_others_and_validated(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let london = agency(&app, "LON-KGX", "London", "GB", "Europe/London").await;
    let path = format!("/api/v1/agencies/{}", paris.id);
    let patch = json!({ "name": "Mine now" });

    app.call(Method::PATCH, &path, Some(&patch), &[]).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    app.call(Method::PATCH, &path, Some(&patch), &[("authorization", &client(&app))])
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let stranger = agent(&app, london.id);
    app.call(Method::PATCH, &path, Some(&patch), &[("authorization", &stranger)]).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.call(Method::PATCH, &path, Some(&json!({ "name": 5 })), &[("authorization", &stranger)])
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let ghost = Uuid::now_v7();
    app.call(Method::PATCH, &format!("/api/v1/agencies/{ghost}"), Some(&patch), &[("authorization", &agent(&app, ghost))])
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(app.get(&path).await.json()["name"], "Paris PAR-GDL");

    let own = agent(&app, paris.id);
    let invalid = json!({
        "name": " ",
        "email": "nope",
        "timeZone": "Mars/Olympus",
        "openingHours": [{ "weekday": 1, "opens": "19:00", "closes": "08:00" }],
        "address": { "line1": "Unter den Linden 1", "postalCode": "10117", "city": "Berlin", "countryCode": "DE" }
    });
    let body = app
        .call(Method::PATCH, &path, Some(&invalid), &[("authorization", &own)])
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    for (field, code) in [
        ("name", "required"),
        ("email", "invalid"),
        ("timeZone", "invalid"),
        ("openingHours[0].closes", "invalid"),
        ("address.countryCode", "invalid"),
    ] {
        assert!(has_error(&body, field, code), "{field} {code}: {body}");
    }
    let body = app
        .call(Method::PATCH, &path, Some(&json!({ "code": "PAR-XXX" })), &[("authorization", &own)])
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("unknown field `code`"), "{body}");
    let body = app
        .call(Method::PATCH, &path, Some(&json!({ "active": "yes" })), &[("authorization", &own)])
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "active", "invalid"), "{body}");
    assert_eq!(app.get(&path).await.json()["name"], "Paris PAR-GDL", "nothing was written");
}
