#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! `GET /vehicle-categories`, and the reference rows the migration inserts.

mod common;

use axum::http::StatusCode;
use serde_json::json;
use sqlx::MySqlPool;
use ycyw_catalog::AcrissCode;

use common::{app, has_error};

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_lists_decoded_vehicle_categories(pool: MySqlPool) {
    let app = app(pool).await;
    let response = app.get("/api/v1/vehicle-categories?limit=100").await;
    assert_eq!(response.status, StatusCode::OK);
    let body = response.json();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), ycyw_catalog::seed::REFERENCE_CATEGORIES.len());
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
    let app = app(pool).await;
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
    let total = ycyw_catalog::seed::REFERENCE_CATEGORIES.len();
    assert_eq!((codes.len(), pages), (total, total.div_ceil(10)));
    let default = app.get("/api/v1/vehicle-categories").await.json();
    assert_eq!(default["items"].as_array().unwrap().len(), 20, "default limit");
    let body = app.get("/api/v1/vehicle-categories?limit=-1").await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(has_error(&body, "limit", "invalid"));
}

/// code, category, vehicle_type, transmission, fuel_air, seats, doors, bags, description.
type StoredCategory = (String, String, String, String, String, u8, u8, u8, String);

/// The migration stores decoded attributes for SQL readers: they must say what the Rust decoder says.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_reference_categories_agree_with_the_acriss_decoder(pool: MySqlPool) {
    let rows: Vec<StoredCategory> = sqlx::query_as(
        "SELECT code, category, vehicle_type, transmission, fuel_air, seats, doors, bags, description FROM vehicle_categories ORDER BY code",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut expected = ycyw_catalog::seed::reference_categories().unwrap();
    expected.sort_by_key(|c| c.code);
    assert_eq!(rows.len(), expected.len());
    for (row, category) in rows.iter().zip(&expected) {
        let decoded = AcrissCode::parse(&row.0).unwrap().decode();
        assert_eq!(
            (row.1.as_str(), row.2.as_str(), row.3.as_str(), row.4.as_str()),
            (decoded.category, decoded.vehicle_type, decoded.transmission, decoded.fuel_air),
            "{}",
            row.0
        );
        assert_eq!(
            (row.0.as_str(), row.5, row.6, row.7, row.8.as_str()),
            (category.code.as_str(), category.seats, category.doors, category.bags, category.description.as_str())
        );
    }
}
