#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! `GET /vehicle-categories` (the migration's reference rows agree with the decoder: a unit test
//! of `reference.rs`).

mod common;

use axum::http::StatusCode;
use serde_json::json;
use sqlx::MySqlPool;

use common::{app, has_error};

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_lists_decoded_vehicle_categories(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    let reference = ycyw_catalog::Catalog::new(pool).categories().await.unwrap();
    let response = app.get("/api/v1/vehicle-categories?limit=100").await;
    assert_eq!(response.status, StatusCode::OK);
    let body = response.json();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), reference.len());
    assert!(items.len() >= 30, "the migration's reference categories");
    let cdmr = items.iter().find(|c| c["code"] == "CDMR").unwrap();
    assert_eq!(
        *cdmr,
        json!({
            "code": "CDMR", "category": "Compact", "type": "4-5 door", "transmission": "Manual",
            "fuelAir": "Unspecified fuel, air conditioning", "airConditioning": true,
            "seats": 5, "doors": 5, "bags": 2, "description": "Peugeot 308 or similar"
        })
    );
    let codes: Vec<&str> = items.iter().map(|c| c["code"].as_str().unwrap()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted, "ordered by code");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_pages_vehicle_categories(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    let total = ycyw_catalog::Catalog::new(pool).categories().await.unwrap().len();
    let mut codes = Vec::new();
    let mut path = "/api/v1/vehicle-categories?limit=10".to_string();
    let mut pages = 0;
    loop {
        let body = app.get(&path).await.json();
        pages += 1;
        codes.extend(body["items"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap().to_string()));
        match body["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/vehicle-categories?limit=10&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!((codes.len(), pages), (total, total.div_ceil(10)));
    let default = app.get("/api/v1/vehicle-categories").await.json();
    assert_eq!(default["items"].as_array().unwrap().len(), 20, "default limit");
    let body = app.get("/api/v1/vehicle-categories?limit=-1").await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "limit", "invalid"));
}
