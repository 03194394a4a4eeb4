//! The benchmark data set's catalog part (`scripts/bench-data`, `ycyw-worker bench-data`):
//! N agencies spread over the seven markets and M vehicles spread over them, with their opening
//! hours and rates, loaded with multi-row `INSERT`s in one transaction (500 agencies and 50 000
//! vehicles load in seconds).
//!
//! Bench rows are recognisable by their agency codes, `BEN-00001`…, and plates, `BN-0000001`…;
//! a new run first deletes the previous bench rows, never anything else.
//!
//! **Extension point — reservations.** The design's data set also holds 2 000 000 past and future
//! reservations. They belong to the reservations module, which owns its tables: when it exists,
//! it adds its own generator (e.g. `ycyw_reservations::bench::generate(pool, count, now)`) that
//! reads the bench agencies and vehicles through [`crate::Catalog`] (or [`BenchReport`]'s ids)
//! and inserts reservations the same way; `ycyw-worker bench-data` then calls it after this one,
//! and must delete bench reservations before this generator deletes bench vehicles. Nothing here
//! fakes reservations in the meantime.

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{MySql, MySqlConnection, MySqlPool, QueryBuilder};
use uuid::Uuid;

use crate::error::CatalogError;
use crate::model::{AcrissCode, Market};
use crate::reference::reference_categories;
use crate::repo;

/// Most bench agencies (codes have five digits).
pub const MAX_AGENCIES: usize = 99_999;
/// Most bench vehicles (plates have seven digits).
pub const MAX_VEHICLES: usize = 9_999_999;

/// How much data to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenchSize {
    /// Agencies (≥ 1).
    pub agencies: usize,
    /// Vehicles, spread evenly over the agencies.
    pub vehicles: usize,
}

impl BenchSize {
    /// The design's benchmark size: 500 agencies, 50 000 vehicles.
    pub const DESIGN: BenchSize = BenchSize { agencies: 500, vehicles: 50_000 };
}

/// What was generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchReport {
    /// The bench agencies' ids, in code order.
    pub agency_ids: Vec<Uuid>,
    /// Vehicles inserted.
    pub vehicles: usize,
    /// Rates inserted.
    pub rates: usize,
    /// Time taken.
    pub elapsed: Duration,
}

/// Real cities and zones per market, for believable bench agencies.
fn cities(country: Market) -> &'static [(&'static str, &'static str, &'static str)] {
    match country {
        Market::Fr => &[("Paris", "75001", "Europe/Paris"), ("Marseille", "13001", "Europe/Paris"), ("Toulouse", "31000", "Europe/Paris")],
        Market::De => &[("Berlin", "10115", "Europe/Berlin"), ("Köln", "50667", "Europe/Berlin"), ("Stuttgart", "70173", "Europe/Berlin")],
        Market::Es => &[
            ("Madrid", "28001", "Europe/Madrid"),
            ("Sevilla", "41001", "Europe/Madrid"),
            ("Santa Cruz de Tenerife", "38001", "Atlantic/Canary"),
        ],
        Market::It => &[("Roma", "00184", "Europe/Rome"), ("Torino", "10121", "Europe/Rome"), ("Bologna", "40121", "Europe/Rome")],
        Market::Gb => {
            &[("London", "EC1A 1BB", "Europe/London"), ("Birmingham", "B1 1AA", "Europe/London"), ("Glasgow", "G1 1AA", "Europe/London")]
        }
        Market::Ca => &[
            ("Toronto", "M5H 2N2", "America/Toronto"),
            ("Ottawa", "K1P 1J1", "America/Toronto"),
            ("Winnipeg", "R3C 0V8", "America/Winnipeg"),
        ],
        Market::Us => &[
            ("New York", "10007", "America/New_York"),
            ("Dallas", "75201", "America/Chicago"),
            ("Seattle", "98101", "America/Los_Angeles"),
        ],
    }
}

fn categories(country: Market) -> &'static [(&'static str, i64)] {
    match country {
        Market::Ca | Market::Us => &[("ECAR", 4199), ("CCAR", 4599), ("ICAR", 5199), ("SFAR", 7899), ("MVAR", 9899)],
        _ => &[("MBMR", 3199), ("ECMR", 3599), ("CDMR", 4499), ("IDAR", 6199), ("SFAR", 8199), ("PVAR", 15899)],
    }
}

struct BenchAgency {
    id: Uuid,
    code: String,
    country: Market,
    city: &'static str,
    postal_code: &'static str,
    time_zone: &'static str,
}

/// Deletes the bench rows of a previous run.
async fn delete_previous(conn: &mut MySqlConnection) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE r FROM rates r JOIN agencies a ON a.id = r.agency_id WHERE a.code LIKE 'BEN-%'").execute(&mut *conn).await?;
    sqlx::query("DELETE v FROM vehicles v JOIN agencies a ON a.id = v.agency_id WHERE a.code LIKE 'BEN-%'").execute(&mut *conn).await?;
    sqlx::query("DELETE FROM agencies WHERE code LIKE 'BEN-%'").execute(&mut *conn).await?;
    Ok(())
}

/// Generates the catalog part of the benchmark data set (see the module documentation).
pub async fn generate(pool: &MySqlPool, size: BenchSize, now: DateTime<Utc>) -> Result<BenchReport, CatalogError> {
    if !(1..=MAX_AGENCIES).contains(&size.agencies) || size.vehicles > MAX_VEHICLES {
        return Err(CatalogError::Invalid(vec![ycyw_shared::error::FieldError::new(
            "size",
            "invalid",
            format!("1 to {MAX_AGENCIES} agencies and at most {MAX_VEHICLES} vehicles"),
        )]));
    }
    let started = Instant::now();
    for category in reference_categories()? {
        repo::upsert_category(pool, &category).await?;
    }
    let mut tx = pool.begin().await?;
    delete_previous(&mut tx).await?;

    let agencies: Vec<BenchAgency> = (0..size.agencies)
        .map(|i| {
            let country = Market::ALL[i % Market::ALL.len()];
            let market_cities = cities(country);
            let (city, postal_code, time_zone) = market_cities[(i / Market::ALL.len()) % market_cities.len()];
            BenchAgency { id: Uuid::now_v7(), code: format!("BEN-{:05}", i + 1), country, city, postal_code, time_zone }
        })
        .collect();

    for chunk in agencies.chunks(1000) {
        let mut insert = QueryBuilder::<MySql>::new(
            "INSERT INTO agencies (id, code, name, address_line1, address_line2, postal_code, city, country_code, time_zone, currency, \
             phone, email, active, created_at, updated_at) ",
        );
        insert.push_values(chunk, |mut row, a| {
            row.push_bind(a.id)
                .push_bind(a.code.clone())
                .push_bind(format!("Bench {} {}", a.city, &a.code[4..]))
                .push_bind(format!("{} Bench Street", 1 + a.code[4..].parse::<u32>().unwrap_or(0) % 400))
                .push_bind(Option::<String>::None)
                .push_bind(a.postal_code)
                .push_bind(a.city)
                .push_bind(a.country.as_str())
                .push_bind(a.time_zone)
                .push_bind(a.country.currency().as_str())
                .push_bind("+15550100000")
                .push_bind(format!("{}@bench.yourcaryourway.com", a.code.to_ascii_lowercase()))
                .push_bind(true)
                .push_bind(now)
                .push_bind(now);
        });
        insert.build().execute(&mut *tx).await?;
    }

    // Every day 07:00-22:00: open at the times a benchmark books.
    let hours: Vec<(Uuid, u8)> = agencies.iter().flat_map(|a| (1..=7u8).map(move |day| (a.id, day))).collect();
    for chunk in hours.chunks(5000) {
        let mut insert = QueryBuilder::<MySql>::new("INSERT INTO agency_opening_hours (agency_id, weekday, opens_minute, closes_minute) ");
        insert.push_values(chunk, |mut row, (id, day)| {
            row.push_bind(*id).push_bind(*day).push_bind(7u16 * 60).push_bind(22u16 * 60);
        });
        insert.build().execute(&mut *tx).await?;
    }

    let valid_from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let rates: Vec<(Uuid, &str, &str, i64)> = agencies
        .iter()
        .flat_map(|a| categories(a.country).iter().map(move |(code, daily)| (a.id, *code, a.country.currency().as_str(), *daily)))
        .collect();
    for chunk in rates.chunks(5000) {
        let mut insert = QueryBuilder::<MySql>::new(
            "INSERT INTO rates (id, agency_id, category_code, currency, daily_minor, one_way_fee_minor, valid_from, valid_to, created_at) ",
        );
        insert.push_values(chunk, |mut row, (agency_id, code, currency, daily)| {
            row.push_bind(Uuid::now_v7())
                .push_bind(*agency_id)
                .push_bind(*code)
                .push_bind(*currency)
                .push_bind(*daily)
                .push_bind(6500i64)
                .push_bind(valid_from)
                .push_bind(Option::<NaiveDate>::None)
                .push_bind(now);
        });
        insert.build().execute(&mut *tx).await?;
    }

    // Vehicle n goes to agency n mod N, cycling through that market's categories.
    let mut inserted = 0;
    while inserted < size.vehicles {
        let batch = (size.vehicles - inserted).min(5000);
        let mut insert = QueryBuilder::<MySql>::new(
            "INSERT INTO vehicles (id, agency_id, category_code, plate, model, active, created_at, updated_at) ",
        );
        insert.push_values(inserted..inserted + batch, |mut row, n| {
            let agency = &agencies[n % agencies.len()];
            let fleet = categories(agency.country);
            let (code, _) = fleet[(n / agencies.len()) % fleet.len()];
            let model = AcrissCode::parse(code).map(|c| format!("Bench {}", c.decode().category)).unwrap_or_default();
            row.push_bind(Uuid::now_v7())
                .push_bind(agency.id)
                .push_bind(code)
                .push_bind(format!("BN-{:07}", n + 1))
                .push_bind(model)
                .push_bind(true)
                .push_bind(now)
                .push_bind(now);
        });
        insert.build().execute(&mut *tx).await?;
        inserted += batch;
    }
    tx.commit().await?;
    Ok(BenchReport {
        agency_ids: agencies.iter().map(|a| a.id).collect(),
        vehicles: size.vehicles,
        rates: rates.len(),
        elapsed: started.elapsed(),
    })
}
