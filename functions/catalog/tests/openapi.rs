#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Every catalog route is in the served OpenAPI document, with its methods.

mod common;

use sqlx::MySqlPool;

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_routes_are_documented(pool: MySqlPool) {
    let app = common::app(pool).await;
    let spec = app.get("/api/v1/openapi.json").await.json();
    let expected = [
        ("/api/v1/agencies", &["get", "post"][..]),
        ("/api/v1/agencies/{id}", &["get", "patch"]),
        ("/api/v1/vehicle-categories", &["get"]),
        ("/api/v1/agencies/{id}/vehicles", &["get", "post"]),
        ("/api/v1/vehicles/{id}", &["patch", "delete"]),
        ("/api/v1/agencies/{id}/rates", &["get", "put"]),
    ];
    for (path, methods) in expected {
        for method in methods {
            let operation = &spec["paths"][path][method];
            assert!(operation.is_object(), "{method} {path} is not documented");
            assert_eq!(operation["tags"][0], "catalog", "{method} {path}");
        }
    }
    for schema in ["Agency", "AgencyAddress", "VehicleCategory", "Vehicle", "Rate", "Money", "AcrissCode", "NewAgency", "RatesInput"] {
        assert!(spec["components"]["schemas"][schema].is_object(), "schema {schema} is missing");
    }
    assert!(spec["components"]["schemas"]["Address"].is_null(), "auth owns the name Address");
    assert_eq!(spec["paths"]["/api/v1/agencies/{id}/rates"]["put"]["security"][0]["bearer"], serde_json::json!([]));
}
