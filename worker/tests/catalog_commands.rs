#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! The catalog's ops commands as ops run them (`seed-demo`, `create-agency`), and
//! the demo catalogue `seed-demo` loads: idempotent, restoring demo rows only, every market.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use sqlx::MySqlPool;
use ycyw_catalog::Catalog;
use ycyw_testkit::{database_url_of, test_epoch};
use ycyw_worker::seed_demo::{SeedReport, demo_setups, seed_demo};

const WORKER: &str = env!("CARGO_BIN_EXE_ycyw-worker");

async fn cli(url: &str, args: &[&str]) -> (bool, String, String) {
    ycyw_testkit::run_to_end(WORKER, args, &[("DATABASE_URL", url)]).await
}

/// `SELECT COUNT(*) …`, checked at build like every query.
macro_rules! count {
    ($pool:expr, $sql:literal) => {
        sqlx::query_scalar!($sql).fetch_one($pool).await.unwrap()
    };
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_ops_seed_demo_twice_and_if_empty(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let (ok, out, err) = cli(&url, &["seed-demo", "--if-empty"]).await;
    assert!(ok && out.contains("demo catalog seeded"), "{out} {err}");
    let agencies = count!(&pool, "SELECT COUNT(*) FROM agencies");
    let vehicles = count!(&pool, "SELECT COUNT(*) FROM vehicles");
    assert!(agencies >= 21 && vehicles > 500);

    let (ok, out, _) = cli(&url, &["seed-demo", "--if-empty"]).await;
    assert!(ok && out.contains("not empty"), "{out}");
    let (ok, out, err) = cli(&url, &["seed-demo"]).await;
    assert!(ok && out.contains("0 created, 0 updated"), "{out} {err}");
    assert_eq!(count!(&pool, "SELECT COUNT(*) FROM vehicles"), vehicles);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_ops_create_agency(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let body = r#"{"code":"TOR-UNI","name":"Toronto Union Station",
        "address":{"line1":"65 Front Street West","postalCode":"M5J 1E6","city":"Toronto","countryCode":"CA"},
        "timeZone":"America/Toronto","phone":"+1 416 555 0101","email":"tor-uni@example.com",
        "openingHours":[{"weekday":1,"opens":"07:30","closes":"20:00"}]}"#;
    let (ok, out, err) = cli(&url, &["create-agency", "--json", body]).await;
    assert!(ok, "{err}");
    let id: uuid::Uuid = out.trim().parse().unwrap();
    let agency = sqlx::query!("SELECT code, currency FROM agencies WHERE id = ?", id).fetch_one(&pool).await.unwrap();
    assert_eq!((agency.code.as_str(), agency.currency.as_str()), ("TOR-UNI", "CAD"));

    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), body).unwrap();
    let (ok, _, err) = cli(&url, &["create-agency", "--json", &format!("@{}", file.path().display())]).await;
    assert!(!ok && err.contains("code: TOR-UNI is already used (taken)"), "{err}");
    let (ok, _, err) = cli(&url, &["create-agency", "--json", &body.replace("America/Toronto", "Canada/Nowhere")]).await;
    assert!(!ok && err.contains("timeZone:"), "{err}");
    let (ok, _, err) = cli(&url, &["create-agency", "--json", "{}"]).await;
    assert!(!ok && err.contains("--json is not a valid agency"), "{err}");
}

/// Every catalog table, row by row, as text (ids included), in a stable order.
async fn dump(pool: &MySqlPool) -> BTreeMap<&'static str, Vec<String>> {
    // One checked query per table; CONCAT_WS of non-null parts is never NULL.
    macro_rules! rows {
        ($sql:literal) => {
            sqlx::query_scalar!($sql).fetch_all(pool).await.unwrap().into_iter().map(|row| row.unwrap_or_default()).collect::<Vec<String>>()
        };
    }
    let mut dump = BTreeMap::new();
    dump.insert("agencies", rows!("SELECT CONCAT_WS('|', HEX(id), code, name, address_line1, COALESCE(address_line2, '-'), postal_code, city, country_code, time_zone, currency, phone, email, active, created_at, updated_at) FROM agencies ORDER BY code"));
    dump.insert("agency_opening_hours", rows!("SELECT CONCAT_WS('|', HEX(agency_id), weekday, opens_minute, closes_minute) FROM agency_opening_hours ORDER BY agency_id, weekday, opens_minute"));
    dump.insert("vehicle_categories", rows!("SELECT CONCAT_WS('|', code, category, vehicle_type, transmission, fuel_air, seats, doors, bags, description) FROM vehicle_categories ORDER BY code"));
    dump.insert("vehicles", rows!("SELECT CONCAT_WS('|', HEX(id), HEX(agency_id), category_code, plate, model, active, created_at, updated_at) FROM vehicles ORDER BY plate"));
    dump.insert("rates", rows!("SELECT CONCAT_WS('|', HEX(id), HEX(agency_id), category_code, currency, daily_minor, one_way_fee_minor, valid_from, COALESCE(valid_to, '-'), created_at) FROM rates ORDER BY agency_id, category_code, valid_from"));
    dump
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_seed_demo_is_idempotent(pool: MySqlPool) {
    let catalog = Catalog::new(pool.clone());
    assert!(!catalog.has_agencies().await.unwrap());
    let first = seed_demo(&catalog, test_epoch()).await.unwrap();
    assert!(first.agencies_created >= 21 && first.vehicles_created > 500, "{first}");
    assert_eq!(first.rate_sets_written, first.agencies_created);
    let before = dump(&pool).await;

    // A day later, the second run finds nothing to do and changes no row, not even a timestamp.
    let second = seed_demo(&catalog, test_epoch() + Duration::days(1)).await.unwrap();
    assert_eq!(second, SeedReport::default(), "{second}");
    assert_eq!(dump(&pool).await, before);
    assert!(catalog.has_agencies().await.unwrap());
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_seed_demo_restores_demo_rows_and_leaves_others_alone(pool: MySqlPool) {
    let catalog = Catalog::new(pool.clone());
    seed_demo(&catalog, test_epoch()).await.unwrap();
    let own: ycyw_catalog::NewAgency = serde_json::from_value(serde_json::json!({
        "code": "PAR-OWN", "name": "Not a demo agency",
        "address": { "line1": "1 rue de Rivoli", "postalCode": "75001", "city": "Paris", "countryCode": "FR" },
        "timeZone": "Europe/Paris", "phone": "+33 1 99 00 99 99", "email": "own@example.com"
    }))
    .unwrap();
    catalog.create_agency(&own, test_epoch()).await.unwrap();
    let before = dump(&pool).await;
    // Edits as an agent or a hand in the database might make them.
    for edit in [
        "UPDATE agencies SET name = 'Renamed' WHERE code = 'PAR-GDL'",
        "UPDATE vehicles SET active = FALSE WHERE plate = (SELECT MIN(plate) FROM (SELECT plate FROM vehicles) p)",
        "DELETE FROM agency_opening_hours WHERE weekday = 7",
    ] {
        sqlx::raw_sql(edit).execute(&pool).await.unwrap();
    }
    let report = seed_demo(&catalog, test_epoch() + Duration::days(2)).await.unwrap();
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
    let catalog = Catalog::new(pool.clone());
    seed_demo(&catalog, test_epoch()).await.unwrap();
    let mut per_market: BTreeMap<String, usize> = BTreeMap::new();
    for setup in demo_setups().unwrap() {
        let agency = catalog.agency_by_code(&setup.agency.code).await.unwrap().unwrap();
        let (code, country, zone) = (agency.code.as_str(), agency.country_code.as_str(), agency.time_zone.name());
        *per_market.entry(country.to_string()).or_default() += 1;
        let prefix_ok = match country {
            "CA" | "US" => zone.starts_with("America/"),
            "ES" => zone.starts_with("Europe/") || zone == "Atlantic/Canary",
            _ => zone.starts_with("Europe/"),
        };
        assert!(prefix_ok, "{code}: {zone} is not in {country}");
        let expected = match country {
            "GB" => "GBP",
            "CA" => "CAD",
            "US" => "USD",
            _ => "EUR",
        };
        assert_eq!(agency.currency.as_str(), expected, "{code}");
        assert!(agency.active && !agency.opening_hours.periods().is_empty(), "{code}");
    }
    let markets: BTreeSet<&str> = per_market.keys().map(String::as_str).collect();
    assert_eq!(markets, BTreeSet::from(["CA", "DE", "ES", "FR", "GB", "IT", "US"]));
    assert!(per_market.values().all(|n| *n >= 3), "{per_market:?}");

    // Every agency has several vehicles per category it rents and a rate for each of them.
    let gaps: Vec<(String, String)> = sqlx::query!(
        "SELECT a.code, r.category_code FROM rates r JOIN agencies a ON a.id = r.agency_id
         WHERE (SELECT COUNT(*) FROM vehicles v WHERE v.agency_id = r.agency_id AND v.category_code = r.category_code) < 2"
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .map(|gap| (gap.code, gap.category_code))
    .collect();
    assert!(gaps.is_empty(), "{gaps:?}");
    let totals = sqlx::query!(
        r#"SELECT COUNT(*) AS "rates!: i64", CAST(SUM(r.currency = a.currency AND r.daily_minor > 0) AS SIGNED) AS "ok!: i64"
           FROM rates r JOIN agencies a ON a.id = r.agency_id"#
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (rates, currencies_ok) = (totals.rates, totals.ok);
    assert!(rates > 200 && rates == currencies_ok, "{rates} {currencies_ok}");
    for code in ["MBMR", "ECMR", "CDMR", "IDAR", "SFAR", "FVMR", "PVAR"] {
        let count = sqlx::query_scalar!("SELECT COUNT(*) FROM vehicles WHERE category_code = ?", code).fetch_one(&pool).await.unwrap();
        assert!(count > 0, "no {code} in the demo fleet");
    }
}

/// Reservations issue: the demo is bookable — a search from any demo city for next week
/// (Tuesday 10:00 to Friday 10:00, agency-local) finds offers.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_seed_demo_is_bookable_from_every_city_next_week(pool: MySqlPool) {
    let catalog = Catalog::new(pool.clone());
    seed_demo(&catalog, test_epoch()).await.unwrap();
    let app = ycyw_testkit::TestApp::of(pool.clone(), ycyw_api::deployable("reservations").unwrap(), &[], None).await;
    // The tests' epoch is Wednesday 11 March 2026: next week's Tuesday is the 17th.
    let cities: BTreeSet<String> = demo_setups().unwrap().into_iter().map(|s| s.agency.address.city).collect();
    assert!(cities.len() >= 7, "{cities:?}");
    for city in &cities {
        let city_param: String = url::form_urlencoded::byte_serialize(city.as_bytes()).collect();
        let path = format!("/api/v1/offers?pickupCity={city_param}&pickupAt=2026-03-17T10:00&returnAt=2026-03-20T10:00");
        let response = app.get(&path).await;
        assert_eq!(response.status, 200, "{city}: {}", String::from_utf8_lossy(&response.body));
        let offers = response.json()["items"].as_array().unwrap().len();
        assert!(offers >= 3, "{city}: only {offers} offers next week");
    }
}
