#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! `bench-data` as a developer runs it: refused in production and on a database it did not make
//! (nothing written), and a load, then a reload, of a database it made; and the reservations of
//! a small data set: spread over past and future, priced, and never two on a vehicle at once.

use chrono::{Duration, Utc};
use sqlx::MySqlPool;
use ycyw_catalog::Catalog;
use ycyw_testkit::{database_url_of, master_database_url};

const BENCH_DATA: &str = env!("CARGO_BIN_EXE_bench-data");

async fn bench_data(env: &[(&str, &str)], args: &[&str]) -> (bool, String, String) {
    ycyw_testkit::run_to_end(BENCH_DATA, args, env).await
}

async fn count(pool: &MySqlPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// The URL of database `name` on the test server.
fn url_of(name: &str) -> String {
    let mut url = url::Url::parse(&master_database_url()).unwrap();
    url.set_path(&format!("/{name}"));
    url.to_string()
}

async fn database_exists(pool: &MySqlPool, name: &str) -> bool {
    let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?")
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap();
    found > 0
}

async fn marker_tables(pool: &MySqlPool) -> i64 {
    count(pool, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'bench_data_marker'").await
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn bench_data_refuses_production_and_writes_nothing(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let (ok, _, err) =
        bench_data(&[("DATABASE_URL", &url), ("APP_ENV", "prod")], &["--agencies", "7", "--vehicles", "70", "--reservations", "700"]).await;
    assert!(!ok && err.contains("APP_ENV=prod"), "{err}");
    let fresh = format!("bench_prod_{}", uuid::Uuid::now_v7().simple());
    let (ok, _, err) = bench_data(&[("DATABASE_URL", &url), ("APP_ENV", "prod")], &["--create-database", &fresh]).await;
    assert!(!ok && err.contains("APP_ENV=prod"), "{err}");
    assert!(!database_exists(&pool, &fresh).await, "no database made");
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM agencies").await, 0);
    assert_eq!(marker_tables(&pool).await, 0);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn bench_data_refuses_a_database_it_did_not_make(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let name: String = sqlx::query_scalar("SELECT DATABASE()").fetch_one(&pool).await.unwrap();
    let (ok, _, err) = bench_data(&[("DATABASE_URL", &url)], &["--agencies", "7", "--vehicles", "70", "--reservations", "700"]).await;
    assert!(!ok && err.contains("not made by bench-data"), "{err}");
    let (ok, _, err) = bench_data(&[("DATABASE_URL", &url)], &["--create-database", &name]).await;
    assert!(!ok && err.contains("not made by bench-data"), "{err}");
    let (ok, _, err) = bench_data(&[("DATABASE_URL", &url)], &["--create-database", "x`; DROP DATABASE mysql; --"]).await;
    assert!(!ok && err.contains("not a plain database name"), "{err}");
    assert!(database_exists(&pool, &name).await);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM agencies").await, 0);
    assert_eq!(marker_tables(&pool).await, 0, "no marker written either");
}

#[tokio::test]
async fn bench_data_loads_a_database_it_made_and_makes_it_anew() {
    let name = format!("bench_test_{}", uuid::Uuid::now_v7().simple());
    let server = url_of("");
    let (ok, out, err) = bench_data(
        &[("DATABASE_URL", &server)],
        &["--create-database", &name, "--agencies", "14", "--vehicles", "1234", "--reservations", "3000"],
    )
    .await;
    assert!(ok && out.contains(&format!("loaded into {name}: 14 agencies, 1234 vehicles")), "{out} {err}");
    assert!(out.contains("3000 reservations"), "{out}");

    let pool = MySqlPool::connect(&url_of(&name)).await.unwrap();
    assert_eq!(marker_tables(&pool).await, 1);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM agencies").await, 14);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM vehicles").await, 1234);
    assert_eq!(count(&pool, "SELECT COUNT(DISTINCT country_code) FROM agencies").await, 7);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM reservations").await, 3000);
    // Evenly spread, and every vehicle has a rate for its category at its agency.
    let (min, max): (i64, i64) =
        sqlx::query_as("SELECT MIN(n), MAX(n) FROM (SELECT COUNT(*) AS n FROM vehicles GROUP BY agency_id) per_agency")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(max - min <= 1, "{min}..{max}");
    let unpriced = count(
        &pool,
        "SELECT COUNT(*) FROM vehicles v WHERE NOT EXISTS \
         (SELECT 1 FROM rates r WHERE r.agency_id = v.agency_id AND r.category_code = v.category_code)",
    )
    .await;
    assert_eq!(unpriced, 0);
    // The bulk load recorded each agency's longest rental, which the search's ranges start from.
    let wrong_spans = sqlx::query_scalar!(
        "SELECT COUNT(*) FROM (SELECT pickup_agency_id, MAX(TIMESTAMPDIFF(SECOND, pickup_at, return_at)) AS longest
         FROM reservations GROUP BY pickup_agency_id) actual LEFT JOIN reservation_agencies s ON s.agency_id = actual.pickup_agency_id
         WHERE s.longest_seconds IS NULL OR s.longest_seconds <> actual.longest"
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(wrong_spans, 0);
    // Through the facade, bench agencies are ordinary agencies.
    let agency = Catalog::new(pool.clone()).agency_by_code("BEN-00001").await.unwrap().unwrap();
    assert!(agency.active && agency.opening_hours.periods().len() == 7);
    pool.close().await;

    // Run again on the database it made: made anew, with the new size only.
    let (ok, out, err) =
        bench_data(&[("DATABASE_URL", &url_of(&name))], &["--agencies", "3", "--vehicles", "10", "--reservations", "0"]).await;
    assert!(ok && out.contains("3 agencies, 10 vehicles") && out.contains(" 0 reservations"), "{out} {err}");
    let pool = MySqlPool::connect(&url_of(&name)).await.unwrap();
    assert_eq!((count(&pool, "SELECT COUNT(*) FROM agencies").await, count(&pool, "SELECT COUNT(*) FROM vehicles").await), (3, 10));
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM reservations").await, 0);
    let (ok, _, err) = bench_data(&[("DATABASE_URL", &url_of(&name))], &["--agencies", "0"]).await;
    assert!(!ok && err.contains("--agencies must be"), "{err}");
    let (ok, _, err) = bench_data(&[("DATABASE_URL", &url_of(&name))], &["--agencies", "3", "--vehicles", "10"]).await;
    assert!(!ok && err.contains("--reservations must be at most"), "2 000 000 by default: too many for 10 vehicles; {err}");
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM agencies").await, 3, "a refused size writes nothing");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE `{name}`"))).execute(&pool).await.unwrap();
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn bench_reservations_spread_over_past_and_future_without_overbooking(pool: MySqlPool) {
    let now = Utc::now();
    let size = bench_data::BenchSize { agencies: 14, vehicles: 280, reservations: 5_000 };
    let loaded = bench_data::load(&pool, "test", size, now, 3).await.unwrap();
    assert_eq!((loaded.vehicles, loaded.reservations), (280, 5_000));
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM reservations").await, 5_000);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM reservation_status_history").await, 5_000, "one history row each");

    // Evenly over the vehicles (5000 / 280: 17 or 18 each), so over every agency and market.
    let (min, max): (i64, i64) =
        sqlx::query_as("SELECT MIN(n), MAX(n) FROM (SELECT COUNT(*) AS n FROM reservations GROUP BY vehicle_id) per_vehicle")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((min, max), (17, 18));
    assert_eq!(count(&pool, "SELECT COUNT(DISTINCT vehicle_id) FROM reservations").await, 280);
    let markets =
        count(&pool, "SELECT COUNT(DISTINCT a.country_code) FROM reservations r JOIN agencies a ON a.id = r.pickup_agency_id").await;
    assert_eq!(markets, 7);
    // Each on a vehicle of its pickup agency and category, priced in that agency's currency.
    let misplaced = count(
        &pool,
        "SELECT COUNT(*) FROM reservations r JOIN vehicles v ON v.id = r.vehicle_id JOIN agencies a ON a.id = r.pickup_agency_id \
         WHERE v.agency_id <> r.pickup_agency_id OR v.category_code <> r.category_code OR a.currency <> r.currency \
            OR r.price_minor <> r.days * r.daily_rate_minor + r.one_way_fee_minor",
    )
    .await;
    assert_eq!(misplaced, 0);

    // Past and future, with statuses that fit the time.
    let past: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reservations WHERE return_at <= ?").bind(now).fetch_one(&pool).await.unwrap();
    let future: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reservations WHERE pickup_at > ?").bind(now).fetch_one(&pool).await.unwrap();
    assert!(past > 1_500 && future > 1_500, "{past} past, {future} future");
    let misfits: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reservations WHERE (status IN ('returned', 'no_show') AND return_at > ?) \
            OR (status IN ('confirmed', 'pending_payment') AND pickup_at <= ?) OR created_at > ? OR pickup_at > ?",
    )
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(now + Duration::days(366))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(misfits, 0);
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT status FROM reservations ORDER BY status").fetch_all(&pool).await.unwrap();
    for expected in ["cancelled", "confirmed", "returned"] {
        assert!(statuses.iter().any(|s| s == expected), "{statuses:?}");
    }
    let returned = count(&pool, "SELECT COUNT(*) FROM reservations WHERE status = 'returned'").await;
    assert!(returned > past * 8 / 10, "mostly returned in the past: {returned} of {past}");

    // No vehicle is held by two reservations at once.
    let overlapping = count(
        &pool,
        "SELECT COUNT(*) FROM reservations a JOIN reservations b \
           ON b.vehicle_id = a.vehicle_id AND b.id > a.id AND b.pickup_at < a.return_at AND a.pickup_at < b.return_at \
         WHERE a.status IN ('pending_payment', 'confirmed', 'picked_up') AND b.status IN ('pending_payment', 'confirmed', 'picked_up')",
    )
    .await;
    assert_eq!(overlapping, 0);
    // Not even cancelled ones: every vehicle's rentals are apart.
    let any_overlap = count(
        &pool,
        "SELECT COUNT(*) FROM reservations a JOIN reservations b \
           ON b.vehicle_id = a.vehicle_id AND b.id > a.id AND b.pickup_at < a.return_at AND a.pickup_at < b.return_at",
    )
    .await;
    assert_eq!(any_overlap, 0);
}
