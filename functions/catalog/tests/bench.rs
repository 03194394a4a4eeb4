#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! The benchmark generator at a small size (the full 500 / 50 000 run is `scripts/bench-data`).

use sqlx::MySqlPool;
use ycyw_catalog::bench::{BenchSize, generate};
use ycyw_testkit::test_epoch;

async fn count(pool: &MySqlPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_bench_generator_loads_and_reloads_the_requested_size(pool: MySqlPool) {
    let own: ycyw_catalog::NewAgency = serde_json::from_value(serde_json::json!({
        "code": "PAR-OWN", "name": "Not a bench agency",
        "address": { "line1": "1 rue de Rivoli", "postalCode": "75001", "city": "Paris", "countryCode": "FR" },
        "timeZone": "Europe/Paris", "phone": "+33 1 99 00 99 99", "email": "own@example.com"
    }))
    .unwrap();
    ycyw_catalog::Catalog::new(pool.clone()).create_agency(&own, test_epoch()).await.unwrap();
    let demo_agencies = count(&pool, "SELECT COUNT(*) FROM agencies").await;
    let demo_vehicles = count(&pool, "SELECT COUNT(*) FROM vehicles").await;

    let report = generate(&pool, BenchSize { agencies: 14, vehicles: 1234 }, test_epoch()).await.unwrap();
    assert_eq!((report.agency_ids.len(), report.vehicles), (14, 1234));
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM agencies WHERE code LIKE 'BEN-%'").await, 14);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM vehicles WHERE plate LIKE 'BN-%'").await, 1234);
    assert_eq!(count(&pool, "SELECT COUNT(DISTINCT country_code) FROM agencies WHERE code LIKE 'BEN-%'").await, 7);
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM rates r JOIN agencies a ON a.id = r.agency_id WHERE a.code LIKE 'BEN-%'").await,
        i64::try_from(report.rates).unwrap()
    );
    // Evenly spread, and every bench vehicle has a rate for its category at its agency.
    let (min, max): (i64, i64) = sqlx::query_as(
        "SELECT MIN(n), MAX(n) FROM (SELECT COUNT(*) AS n FROM vehicles WHERE plate LIKE 'BN-%' GROUP BY agency_id) per_agency",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(max - min <= 1, "{min}..{max}");
    let unpriced = count(
        &pool,
        "SELECT COUNT(*) FROM vehicles v WHERE v.plate LIKE 'BN-%' AND NOT EXISTS \
         (SELECT 1 FROM rates r WHERE r.agency_id = v.agency_id AND r.category_code = v.category_code)",
    )
    .await;
    assert_eq!(unpriced, 0);

    // Through the public API, bench agencies are ordinary agencies.
    let catalog = ycyw_catalog::Catalog::new(pool.clone());
    let agency = catalog.agency(report.agency_ids[0]).await.unwrap().unwrap();
    assert!(agency.active && !agency.opening_hours.periods().is_empty());

    // A second run replaces the bench rows and leaves the demo rows alone.
    generate(&pool, BenchSize { agencies: 3, vehicles: 10 }, test_epoch()).await.unwrap();
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM agencies").await, demo_agencies + 3);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM vehicles").await, demo_vehicles + 10);
    assert!(generate(&pool, BenchSize { agencies: 0, vehicles: 10 }, test_epoch()).await.is_err());
}
