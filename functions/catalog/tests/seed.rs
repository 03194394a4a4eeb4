#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Acceptance 4: `seed-demo` twice leaves the same catalog, and the agencies' zones are real.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use sqlx::MySqlPool;
use ycyw_catalog::seed::{SeedReport, catalog_is_empty, seed_demo};
use ycyw_testkit::test_epoch;

/// Every catalog table, row by row, as text (ids included), in a stable order.
async fn dump(pool: &MySqlPool) -> BTreeMap<&'static str, Vec<String>> {
    let tables: [(&str, &str); 5] = [
        (
            "agencies",
            "SELECT CONCAT_WS('|', HEX(id), code, name, address_line1, COALESCE(address_line2, '-'), postal_code, city, country_code, \
             time_zone, currency, phone, email, active, created_at, updated_at) FROM agencies ORDER BY code",
        ),
        (
            "agency_opening_hours",
            "SELECT CONCAT_WS('|', HEX(agency_id), weekday, opens_minute, closes_minute) FROM agency_opening_hours \
             ORDER BY agency_id, weekday, opens_minute",
        ),
        (
            "vehicle_categories",
            "SELECT CONCAT_WS('|', code, category, vehicle_type, transmission, fuel_air, seats, doors, bags, description) \
             FROM vehicle_categories ORDER BY code",
        ),
        (
            "vehicles",
            "SELECT CONCAT_WS('|', HEX(id), HEX(agency_id), category_code, plate, model, active, created_at, updated_at) \
             FROM vehicles ORDER BY plate",
        ),
        (
            "rates",
            "SELECT CONCAT_WS('|', HEX(id), HEX(agency_id), category_code, currency, daily_minor, one_way_fee_minor, valid_from, \
             COALESCE(valid_to, '-'), created_at) FROM rates ORDER BY agency_id, category_code, valid_from",
        ),
    ];
    let mut dump = BTreeMap::new();
    for (table, sql) in tables {
        let rows: Vec<String> = sqlx::query_scalar(sql).fetch_all(pool).await.unwrap();
        dump.insert(table, rows);
    }
    dump
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_seed_demo_is_idempotent(pool: MySqlPool) {
    assert!(catalog_is_empty(&pool).await.unwrap());
    let first = seed_demo(&pool, test_epoch()).await.unwrap();
    assert!(first.agencies_created >= 21 && first.vehicles_created > 500, "{first}");
    assert_eq!(first.rate_sets_written, first.agencies_created);
    let before = dump(&pool).await;

    // A day later, the second run finds nothing to do and changes no row, not even a timestamp.
    let second = seed_demo(&pool, test_epoch() + Duration::days(1)).await.unwrap();
    assert_eq!(second, SeedReport::default(), "{second}");
    assert_eq!(dump(&pool).await, before);
    assert!(!catalog_is_empty(&pool).await.unwrap());
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_seed_demo_restores_demo_rows_and_leaves_others_alone(pool: MySqlPool) {
    seed_demo(&pool, test_epoch()).await.unwrap();
    let own: ycyw_catalog::model::NewAgency = serde_json::from_value(serde_json::json!({
        "code": "PAR-OWN", "name": "Not a demo agency",
        "address": { "line1": "1 rue de Rivoli", "postalCode": "75001", "city": "Paris", "countryCode": "FR" },
        "timeZone": "Europe/Paris", "phone": "+33 1 99 00 99 99", "email": "own@example.com"
    }))
    .unwrap();
    ycyw_catalog::service::agencies::create_agency(&pool, &own, test_epoch()).await.unwrap();
    let before = dump(&pool).await;
    sqlx::query("UPDATE agencies SET name = 'Renamed' WHERE code = 'PAR-GDL'").execute(&pool).await.unwrap();
    sqlx::query("UPDATE vehicles SET active = FALSE WHERE plate = (SELECT MIN(plate) FROM (SELECT plate FROM vehicles) p)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM agency_opening_hours WHERE weekday = 7").execute(&pool).await.unwrap();
    let later = test_epoch() + Duration::days(2);
    let report = seed_demo(&pool, later).await.unwrap();
    assert_eq!((report.agencies_created, report.vehicles_created, report.vehicles_updated), (0, 0, 1), "{report}");
    assert!(report.agencies_updated >= 1, "{report}");
    let after = dump(&pool).await;
    assert_eq!(after["agency_opening_hours"], before["agency_opening_hours"]);
    assert_eq!(after["rates"], before["rates"]);
    assert_eq!(after["agencies"].len(), before["agencies"].len());
    let paris = after["agencies"].iter().find(|row| row.contains("|PAR-GDL|")).unwrap();
    assert!(paris.contains("|Paris Gare de Lyon|"), "{paris}");
    let own = |dump: &BTreeMap<&str, Vec<String>>| dump["agencies"].iter().find(|row| row.contains("|PAR-OWN|")).cloned().unwrap();
    assert_eq!(own(&after), own(&before), "agencies that are not demo agencies are never touched");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_seed_demo_covers_every_market_with_real_time_zones(pool: MySqlPool) {
    seed_demo(&pool, test_epoch()).await.unwrap();
    let rows: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT code, country_code, time_zone, currency FROM agencies").fetch_all(&pool).await.unwrap();
    let mut per_market: BTreeMap<String, usize> = BTreeMap::new();
    for (code, country, zone, currency) in &rows {
        *per_market.entry(country.clone()).or_default() += 1;
        let tz: chrono_tz::Tz = zone.parse().unwrap_or_else(|_| panic!("{code}: {zone} is not an IANA zone"));
        assert_eq!(tz.name(), zone);
        let prefix_ok = match country.as_str() {
            "CA" | "US" => zone.starts_with("America/"),
            "ES" => zone.starts_with("Europe/") || zone == "Atlantic/Canary",
            _ => zone.starts_with("Europe/"),
        };
        assert!(prefix_ok, "{code}: {zone} is not in {country}");
        let expected = match country.as_str() {
            "GB" => "GBP",
            "CA" => "CAD",
            "US" => "USD",
            _ => "EUR",
        };
        assert_eq!(currency, expected, "{code}");
    }
    let markets: BTreeSet<&str> = per_market.keys().map(String::as_str).collect();
    assert_eq!(markets, BTreeSet::from(["CA", "DE", "ES", "FR", "GB", "IT", "US"]));
    assert!(per_market.values().all(|n| *n >= 3), "{per_market:?}");

    // Every agency has several vehicles per category it rents and a rate for each of them.
    let gaps: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.code, r.category_code FROM rates r JOIN agencies a ON a.id = r.agency_id \
         WHERE (SELECT COUNT(*) FROM vehicles v WHERE v.agency_id = r.agency_id AND v.category_code = r.category_code) < 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(gaps.is_empty(), "{gaps:?}");
    let (rates, currencies_ok): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(SUM(r.currency = a.currency AND r.daily_minor > 0) AS SIGNED) FROM rates r JOIN agencies a ON a.id = r.agency_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(rates > 200 && rates == currencies_ok, "{rates} {currencies_ok}");
    for code in ["MBMR", "ECMR", "CDMR", "IDAR", "SFAR", "FVMR", "PVAR"] {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM vehicles WHERE category_code = ?").bind(code).fetch_one(&pool).await.unwrap();
        assert!(count > 0, "no {code} in the demo fleet");
    }
}
