#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! `GET`/`POST /agencies/{id}/vehicles`, `PATCH`/`DELETE /vehicles/{id}`.

mod common;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_testkit::TestApp;

use common::{agency, agent, app, client, has_error, paris};

async fn add(app: &TestApp, agency: Uuid, body: Value) -> Value {
    let path = format!("/api/v1/agencies/{agency}/vehicles");
    let response = app.call(Method::POST, &path, Some(&body), &[("authorization", &agent(app, agency))]).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&response.body));
    response.json()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_agents_add_and_list_their_fleet(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let created = add(&app, paris.id, json!({ "category": "cdmr", "plate": "ab-123-cd", "model": "Peugeot 308" })).await;
    assert_eq!(created["agencyId"], paris.id.to_string());
    assert_eq!(
        (created["category"].as_str(), created["plate"].as_str(), created["active"].as_bool()),
        (Some("CDMR"), Some("AB-123-CD"), Some(true))
    );

    let path = format!("/api/v1/agencies/{}/vehicles", paris.id);
    let response = app.call(Method::GET, &path, None, &[("authorization", &agent(&app, paris.id))]).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json(), json!({ "items": [created], "nextCursor": null }));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_fleet_lists_filter_and_page(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    for (plate, category) in
        [("AA-001-AA", "CDMR"), ("AA-002-AA", "ECMR"), ("AA-003-AA", "CDMR"), ("AA-004-AA", "CDMR"), ("AA-005-AA", "IDAR")]
    {
        add(&app, paris.id, json!({ "category": category, "plate": plate, "model": "Any" })).await;
    }
    let auth = agent(&app, paris.id);
    let get = |query: &str| {
        let path = format!("/api/v1/agencies/{}/vehicles{query}", paris.id);
        let auth = auth.clone();
        let app = &app;
        async move { app.call(Method::GET, &path, None, &[("authorization", &auth)]).await }
    };
    let plates = |body: &Value| -> Vec<String> {
        body["items"].as_array().unwrap().iter().map(|v| v["plate"].as_str().unwrap().to_string()).collect()
    };

    let first = get("?limit=2").await.json();
    assert_eq!(plates(&first), ["AA-001-AA", "AA-002-AA"]);
    let cursor = first["nextCursor"].as_str().unwrap().to_string();
    let second = get(&format!("?limit=2&cursor={cursor}")).await.json();
    assert_eq!(plates(&second), ["AA-003-AA", "AA-004-AA"]);
    let third = get(&format!("?limit=2&cursor={}", second["nextCursor"].as_str().unwrap())).await.json();
    assert_eq!((plates(&third), third["nextCursor"].clone()), (vec!["AA-005-AA".to_string()], Value::Null));

    assert_eq!(plates(&get("?category=CDMR").await.json()), ["AA-001-AA", "AA-003-AA", "AA-004-AA"]);
    let body = get("?category=XXXX&active=maybe&limit=abc").await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "limit", "invalid"), "{body}");
    let body = get("?category=XXXX&active=maybe").await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "category", "invalid") && has_error(&body, "active", "invalid"), "{body}");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_fleet_routes_refuse_strangers(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let london = agency(&app, "LON-KGX", "London", "GB", "Europe/London").await;
    let vehicle = add(&app, paris.id, json!({ "category": "CDMR", "plate": "AB-123-CD", "model": "Peugeot 308" })).await;
    let fleet = format!("/api/v1/agencies/{}/vehicles", paris.id);
    let one = format!("/api/v1/vehicles/{}", vehicle["id"].as_str().unwrap());
    let body = json!({ "category": "CDMR", "plate": "ZZ-999-ZZ", "model": "Renault Clio" });
    let patch = json!({ "model": "Stolen" });
    let stranger = agent(&app, london.id);
    let client = client(&app);

    let cases: [(Method, &str, Option<&Value>); 4] = [
        (Method::GET, &fleet, None),
        (Method::POST, &fleet, Some(&body)),
        (Method::PATCH, &one, Some(&patch)),
        (Method::DELETE, &one, None),
    ];
    for (method, path, json) in cases {
        app.call(method.clone(), path, json, &[]).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
        app.call(method.clone(), path, json, &[("authorization", &client)]).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
        app.call(method.clone(), path, json, &[("authorization", &stranger)]).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    }
    // Even with an invalid body, a stranger learns nothing but 404.
    app.call(Method::POST, &fleet, Some(&json!({ "category": 1 })), &[("authorization", &stranger)])
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.call(Method::PATCH, &one, Some(&json!({ "plate": 1 })), &[("authorization", &stranger)])
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let own = agent(&app, paris.id);
    for path in [format!("/api/v1/vehicles/{}", Uuid::now_v7()), "/api/v1/vehicles/42".to_string()] {
        app.call(Method::PATCH, &path, Some(&patch), &[("authorization", &own)]).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
        app.call(Method::DELETE, &path, None, &[("authorization", &own)]).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    }
    let response = app.call(Method::GET, &fleet, None, &[("authorization", &own)]).await;
    assert_eq!(response.json()["items"], json!([vehicle]), "nothing changed");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_vehicle_input_is_validated_with_field_codes(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let lyon = agency(&app, "LYS-PDI", "Lyon", "FR", "Europe/Paris").await;
    add(&app, lyon.id, json!({ "category": "CDMR", "plate": "AB-123-CD", "model": "Peugeot 308" })).await;
    let path = format!("/api/v1/agencies/{}/vehicles", paris.id);
    let auth = agent(&app, paris.id);
    let post = |body: Value| {
        let (app, path, auth) = (&app, path.clone(), auth.clone());
        async move {
            app.call(Method::POST, &path, Some(&body), &[("authorization", &auth)])
                .await
                .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        }
    };

    // XXAR is valid ACRISS (special, special, automatic, air) but not a category of the catalog.
    let body = post(json!({ "category": "XXAR", "plate": "AB-124-CD", "model": "Special" })).await;
    assert!(has_error(&body, "category", "unknown_category"), "{body}");
    let body = post(json!({ "category": "ZZZZ", "plate": "AB-124-CD", "model": "X" })).await;
    assert!(has_error(&body, "category", "invalid"), "{body}");
    let body = post(json!({ "category": "CDMR", "plate": "A", "model": " " })).await;
    assert!(has_error(&body, "plate", "invalid") && has_error(&body, "model", "required"), "{body}");
    let body = post(json!({ "plate": "AB-124-CD", "model": "X" })).await;
    assert!(has_error(&body, "category", "required"), "{body}");
    let body = post(json!({ "category": "CDMR", "plate": "ab-123-cd", "model": "Peugeot 308" })).await;
    assert!(has_error(&body, "plate", "taken"), "plates are unique across agencies: {body}");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_unknown_categories_are_unknown_category(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    sqlx::query!("DELETE FROM vehicle_categories WHERE code = 'LFAR'").execute(&app.state.db).await.unwrap();
    let path = format!("/api/v1/agencies/{}/vehicles", paris.id);
    let body = app
        .call(
            Method::POST,
            &path,
            Some(&json!({ "category": "LFAR", "plate": "AB-124-CD", "model": "Range Rover" })),
            &[("authorization", &agent(&app, paris.id))],
        )
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "category", "unknown_category"), "{body}");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_agents_edit_and_deactivate_vehicles_which_stay_in_history(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let auth = agent(&app, paris.id);
    let vehicle = add(&app, paris.id, json!({ "category": "CDMR", "plate": "AB-123-CD", "model": "Peugeot 308" })).await;
    add(&app, paris.id, json!({ "category": "ECMR", "plate": "AB-999-CD", "model": "Renault Clio" })).await;
    let one = format!("/api/v1/vehicles/{}", vehicle["id"].as_str().unwrap());

    let response =
        app.call(Method::PATCH, &one, Some(&json!({ "category": "IDAR", "model": "Toyota Corolla" })), &[("authorization", &auth)]).await;
    assert_eq!(response.status, StatusCode::OK);
    let edited = response.json();
    assert_eq!(
        (edited["category"].as_str(), edited["model"].as_str(), edited["plate"].as_str()),
        (Some("IDAR"), Some("Toyota Corolla"), Some("AB-123-CD"))
    );

    let body = app
        .call(Method::PATCH, &one, Some(&json!({ "plate": "AB-999-CD" })), &[("authorization", &auth)])
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "plate", "taken"), "{body}");
    let body = app
        .call(Method::PATCH, &one, Some(&json!({ "category": "QQQQ", "agencyId": Uuid::now_v7() })), &[("authorization", &auth)])
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("agencyId"), "a vehicle cannot move agency: {body}");

    for _ in 0..2 {
        let response = app.call(Method::DELETE, &one, None, &[("authorization", &auth)]).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT, "DELETE is idempotent");
        assert!(response.body.is_empty());
    }
    let fleet = format!("/api/v1/agencies/{}/vehicles", paris.id);
    let all = app.call(Method::GET, &fleet, None, &[("authorization", &auth)]).await.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 2, "a deleted vehicle stays in the fleet's history");
    let inactive = app.call(Method::GET, &format!("{fleet}?active=false"), None, &[("authorization", &auth)]).await.json();
    assert_eq!(inactive["items"][0]["id"], vehicle["id"]);
    assert_eq!(inactive["items"][0]["active"], false);
    let catalog = ycyw_catalog::Catalog::new(app.state.db.clone());
    let idar = ycyw_catalog::AcrissCode::parse("IDAR").unwrap();
    assert!(catalog.vehicles(paris.id, &idar).await.unwrap().is_empty(), "inactive vehicles are never offered");

    let response = app.call(Method::PATCH, &one, Some(&json!({ "active": true })), &[("authorization", &auth)]).await;
    assert_eq!(response.json()["active"], true);
    assert_eq!(catalog.vehicles(paris.id, &idar).await.unwrap().len(), 1);
}
