//! Every write to the catalog moves its revision (what the offer search's read cache checks);
//! a write that is refused or changes nothing leaves it.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::MySqlPool;
use ycyw_catalog::{AgencySetup, Catalog};
use ycyw_shared::time::Clock as _;

async fn revision(pool: &MySqlPool) -> u64 {
    sqlx::query_scalar!("SELECT revision FROM catalog_revision WHERE id = 1").fetch_one(pool).await.unwrap()
}

fn setup(plates: &[&str]) -> AgencySetup {
    let agency = common::agency_json("LYO-PDU", "Lyon", "FR", "Europe/Paris");
    let vehicles: Vec<_> = plates.iter().map(|p| json!({ "category": "CDMR", "plate": p, "model": "Peugeot 308" })).collect();
    serde_json::from_value(json!({
        "agency": agency,
        "vehicles": vehicles,
        "rates": [{ "category": "CDMR", "dailyRate": { "amountMinor": 4000, "currency": "EUR" },
                    "oneWayFee": { "amountMinor": 0, "currency": "EUR" }, "validFrom": "2026-01-01", "validTo": null }]
    }))
    .unwrap()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn each_write_moves_the_revision_and_a_refused_or_empty_one_does_not(pool: MySqlPool) {
    let app = common::app(pool.clone()).await;
    let catalog = Catalog::new(pool.clone());
    let mut last = revision(&pool).await;
    let expect_move = async |what: &str, before: &mut u64| {
        let now = revision(&pool).await;
        assert!(now > *before, "{what} moves the revision ({before} → {now})");
        *before = now;
    };

    let paris = common::paris(&app).await;
    expect_move("creating an agency", &mut last).await;
    let agent = common::agent(&app, paris.id);
    let patched = app
        .call(
            Method::PATCH,
            &format!("/api/v1/agencies/{}", paris.id),
            Some(&json!({ "name": "Paris Bercy" })),
            &[("authorization", &agent)],
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", String::from_utf8_lossy(&patched.body));
    expect_move("updating an agency", &mut last).await;

    let vehicle = json!({ "category": "CDMR", "plate": "AB-123-CD", "model": "Peugeot 308" });
    let path = format!("/api/v1/agencies/{}/vehicles", paris.id);
    let created = app.call(Method::POST, &path, Some(&vehicle), &[("authorization", &agent)]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&created.body));
    expect_move("adding a vehicle", &mut last).await;
    let taken = app.call(Method::POST, &path, Some(&vehicle), &[("authorization", &agent)]).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(revision(&pool).await, last, "a refused write leaves the revision");
    let id = created.json()["id"].as_str().unwrap().to_string();
    let updated = app
        .call(Method::PATCH, &format!("/api/v1/vehicles/{id}"), Some(&json!({ "model": "Peugeot 3008" })), &[("authorization", &agent)])
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", String::from_utf8_lossy(&updated.body));
    expect_move("updating a vehicle", &mut last).await;

    let rates = json!({ "items": [{ "category": "CDMR", "dailyRate": { "amountMinor": 4500, "currency": "EUR" },
        "oneWayFee": { "amountMinor": 0, "currency": "EUR" }, "validFrom": "2026-01-01", "validTo": null }] });
    let replaced = app.call(Method::PUT, &format!("/api/v1/agencies/{}/rates", paris.id), Some(&rates), &[("authorization", &agent)]).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", String::from_utf8_lossy(&replaced.body));
    expect_move("replacing the rates", &mut last).await;

    let now = app.clock.now();
    catalog.upsert_agency_setup(&setup(&["LY-001-AA"]), now).await.unwrap();
    expect_move("loading a setup", &mut last).await;
    catalog.upsert_agency_setup(&setup(&["LY-001-AA"]), now).await.unwrap();
    assert_eq!(revision(&pool).await, last, "a setup that changes no row leaves the revision");
    catalog.upsert_agency_setup(&setup(&["LY-001-AA", "LY-002-AA"]), now).await.unwrap();
    expect_move("a setup adding a vehicle", &mut last).await;
    let mut other = setup(&["MA-001-AA"]);
    other.agency.code = "MRS-STC".into();
    catalog.insert_agency_setups(&[other], now).await.unwrap();
    expect_move("inserting setups in bulk", &mut last).await;
    catalog.restore_reference_categories().await.unwrap();
    expect_move("restoring the reference categories", &mut last).await;
}
