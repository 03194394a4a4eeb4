#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! The public Rust API other modules call: `ycyw_catalog::Catalog`.

mod common;

use axum::http::{Method, StatusCode};
use chrono::{NaiveDate, TimeZone, Utc};
use sqlx::MySqlPool;
use ycyw_catalog::{AcrissCode, Catalog, LocalTimeError};

use common::{agency, agent, app, paris};

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_api_finds_agencies_vehicles_and_rates_and_prices_a_rental(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let bercy = agency(&app, "PAR-BCY", "paris", "FR", "Europe/Paris").await;
    agency(&app, "LYS-PDI", "Lyon", "FR", "Europe/Paris").await;
    // The fleet and rates come in as agents send them.
    let agent = agent(&app, paris.id);
    let vehicles = format!("/api/v1/agencies/{}/vehicles", paris.id);
    for (category, plate, model) in
        [("CDMR", "AB-001-CD", "Peugeot 308"), ("CDMR", "AB-002-CD", "Peugeot 308"), ("IDAR", "AB-003-CD", "Toyota Corolla")]
    {
        let body = serde_json::json!({ "category": category, "plate": plate, "model": model });
        let response = app.call(Method::POST, &vehicles, Some(&body), &[("authorization", &agent)]).await;
        assert_eq!(response.status, StatusCode::CREATED);
    }
    let rates = serde_json::json!({ "items": [
        { "category": "CDMR", "dailyRate": { "amountMinor": 4900, "currency": "EUR" }, "oneWayFee": { "amountMinor": 7500, "currency": "EUR" },
          "validFrom": "2026-01-01", "validTo": "2026-11-30" },
        { "category": "CDMR", "dailyRate": { "amountMinor": 5900, "currency": "EUR" }, "oneWayFee": { "amountMinor": 7500, "currency": "EUR" },
          "validFrom": "2026-12-01" }
    ]});
    let response = app.call(Method::PUT, &format!("/api/v1/agencies/{}/rates", paris.id), Some(&rates), &[("authorization", &agent)]).await;
    assert_eq!(response.status, StatusCode::OK);

    let catalog = Catalog::new(app.state.db.clone());
    assert_eq!(catalog.agency(paris.id).await.unwrap().unwrap(), paris);
    let in_paris: Vec<_> = catalog.agencies_in_city("PARIS").await.unwrap().into_iter().map(|a| a.code.to_string()).collect();
    assert_eq!(in_paris, ["PAR-BCY", "PAR-GDL"]);
    let cdmr = AcrissCode::parse("CDMR").unwrap();
    assert_eq!(catalog.category(&cdmr).await.unwrap().unwrap().category, "Compact");
    assert_eq!(catalog.vehicles(paris.id, &cdmr).await.unwrap().len(), 2);
    assert!(catalog.vehicles(bercy.id, &cdmr).await.unwrap().is_empty());
    assert!(catalog.categories().await.unwrap().iter().any(|c| c.code == cdmr));

    // 2026-12-01 10:00 → 2026-12-04 10:01 in Paris: 4 started days at the December rate.
    let pickup = Catalog::parse_local(&paris, "2026-12-01T10:00").unwrap();
    let back = Catalog::local_to_utc(&paris, NaiveDate::from_ymd_opt(2026, 12, 4).unwrap().and_hms_opt(10, 1, 0).unwrap()).unwrap();
    assert_eq!(pickup, Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    assert_eq!(Catalog::utc_to_local(&paris, pickup).to_rfc3339(), "2026-12-01T10:00:00+01:00");
    let rate = catalog.rate_in_force(paris.id, &cdmr, paris.local_date(pickup)).await.unwrap().unwrap();
    assert_eq!(rate.daily_rate.amount_minor, 5900);
    let november = catalog.rate_in_force(paris.id, &cdmr, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()).await.unwrap().unwrap();
    assert_eq!(november.daily_rate.amount_minor, 4900);
    assert!(catalog.rate_in_force(paris.id, &cdmr, NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()).await.unwrap().is_none());

    let round_trip = Catalog::price(&rate, pickup, back, Catalog::is_one_way(paris.id, paris.id)).unwrap();
    assert_eq!((round_trip.days, round_trip.total.amount_minor), (4, 4 * 5900));
    let one_way = Catalog::price(&rate, pickup, back, Catalog::is_one_way(paris.id, bercy.id)).unwrap();
    assert_eq!(one_way.total.amount_minor, 4 * 5900 + 7500);

    // The test agency opens on Mondays 08:00-19:00 and Saturdays 09:00-12:00, local time.
    assert!(!paris.is_open_at(pickup), "2026-12-01 is a Tuesday");
    assert!(paris.is_open_at(Catalog::parse_local(&paris, "2026-11-30T19:00").unwrap()));
    assert!(!paris.is_open_at(Catalog::parse_local(&paris, "2026-11-30T19:01").unwrap()));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_api_rejects_local_times_that_do_not_exist(pool: MySqlPool) {
    let app = app(pool).await;
    let paris = paris(&app).await;
    let toronto = agency(&app, "TOR-UNI", "Toronto", "CA", "America/Toronto").await;
    let gap = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap().and_hms_opt(2, 30, 0).unwrap();
    assert!(matches!(Catalog::local_to_utc(&paris, gap), Err(LocalTimeError::Nonexistent { zone: "Europe/Paris", .. })));
    assert!(Catalog::local_to_utc(&toronto, gap).is_ok(), "the same wall time exists in Toronto that day");
    let gap = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap().and_hms_opt(2, 30, 0).unwrap();
    assert!(matches!(Catalog::local_to_utc(&toronto, gap), Err(LocalTimeError::Nonexistent { zone: "America/Toronto", .. })));
}
