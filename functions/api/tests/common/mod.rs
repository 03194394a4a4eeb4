//! Set-up shared by the binaries' tests: a bookable agency made through the catalog's facade.
#![allow(clippy::unwrap_used, dead_code)]

use serde_json::{Value, json};
use sqlx::MySqlPool;
use uuid::Uuid;

/// An agency open around the clock with `cars` CDMR.
pub async fn agency(pool: &MySqlPool, cars: usize) -> Uuid {
    let hours: Vec<Value> = (1..=7).map(|d| json!({ "weekday": d, "opens": "00:00", "closes": "24:00" })).collect();
    let vehicles: Vec<Value> =
        (0..cars).map(|n| json!({ "category": "CDMR", "plate": format!("AB-{n:03}-CD"), "model": "Peugeot 308" })).collect();
    let setup: ycyw_catalog::AgencySetup = serde_json::from_value(json!({
        "agency": {
            "code": "PAR-GDL", "name": "Paris Gare de Lyon",
            "address": { "line1": "20 boulevard Diderot", "postalCode": "75012", "city": "Paris", "countryCode": "FR" },
            "timeZone": "Europe/Paris", "phone": "+33 1 99 00 12 34", "email": "par-gdl@example.com", "openingHours": hours
        },
        "vehicles": vehicles,
        "rates": [{ "category": "CDMR", "dailyRate": { "amountMinor": 4500, "currency": "EUR" },
                    "oneWayFee": { "amountMinor": 6500, "currency": "EUR" }, "validFrom": "2026-01-01", "validTo": null }]
    }))
    .unwrap();
    ycyw_catalog::Catalog::new(pool.clone()).upsert_agency_setup(&setup, chrono::Utc::now()).await.unwrap().agency.id
}
