//! The offer search as raw SQL, the yardstick of `scripts/bench search`: the statements a search
//! needs when nothing is kept in memory — the categories, the pickup agencies (of a city, or one
//! by id), the catalog's `fleet_counts`, the availability count `busy_counts` and the catalog's
//! `rates_in_force` — in that order, each on its own connection from a pool sized like the
//! API's, with the rows decoded into plain values and the offers counted. The product reads the
//! catalog through its read cache and counts taken vehicles from memory (`occupancy.rs`), so what
//! the API does on top of this (HTTP, validation, domain types, pricing, sorting, JSON) and what
//! it saves are both in the difference between the two.
//!
//! The statements are copies of the product's (`functions/catalog/src/repo/{categories,agencies,
//! vehicles,rates}.rs`, `functions/reservations/src/repo/availability.rs`; `busy_counts` the
//! product's count until 2026-12-03) without the build-time type annotations; keep them in step
//! when those change.

use std::collections::HashMap;
use std::str::FromStr as _;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone as _, Utc};
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions, MySqlRow};
use sqlx::{Column as _, MySql, MySqlPool, QueryBuilder, Row as _};
use uuid::Uuid;
use ycyw_catalog::IanaTimeZone;

use crate::rng::Rng;

/// The pool size of every product binary (`ycyw_shared::db::connect`).
pub const API_POOL_SIZE: u32 = 10;

/// How far back an overlapping reservation may start at most (the reservations' 90-day rule).
const MAX_RENTAL: chrono::Duration = chrono::Duration::days(90);

/// The reservations' `longest_span`: the longest rental of the searched agencies.
const LONGEST_SPAN_SQL: &str = "SELECT MAX(s.longest_seconds) FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted \
     STRAIGHT_JOIN reservation_agencies s ON s.agency_id = UNHEX(wanted.id)";

/// The reservations' `busy_counts`, its last statement: the vehicles pending changes hold that
/// no reservation of the count holds.
const CHANGES_HELD_SQL: &str = "SELECT DISTINCT c.pickup_agency_id, c.category_code, c.vehicle_id \
     FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted \
     STRAIGHT_JOIN reservation_changes c ON c.status = 'pending' AND c.pickup_agency_id = UNHEX(wanted.id) \
     WHERE c.pickup_at < ? AND c.return_at > ? AND c.hold_expires_at > ? \
       AND NOT EXISTS ( \
           SELECT 1 FROM reservations r \
           WHERE r.vehicle_id = c.vehicle_id AND r.pickup_agency_id = c.pickup_agency_id AND r.category_code = c.category_code \
             AND r.pickup_at > ? AND r.pickup_at < ? AND r.return_at > ? \
             AND (r.status IN ('confirmed', 'picked_up') OR (r.status = 'pending_payment' AND r.hold_expires_at > ?)))";

/// The earlier form's spans: each agency's longest rental.
const SPANS_SQL: &str = "SELECT s.agency_id, s.longest_seconds FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted \
     STRAIGHT_JOIN reservation_agencies s ON s.agency_id = UNHEX(wanted.id)";

/// The reservations' `agency_marks`: what the offer search reads of its agencies every time,
/// their revisions and longest rentals (`occupancy.rs`; the SQL count below is what the search
/// ran before it, and what this raw client still runs).
const AGENCY_MARKS_SQL: &str = "SELECT a.agency_id, a.revision, a.longest_seconds \
     FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted \
     STRAIGHT_JOIN reservation_agencies a ON a.agency_id = UNHEX(wanted.id)";

/// The reservations' `holding_rows`: what the search reads of an agency whose revision moved.
const HOLDING_ROWS_SQL: &str = "SELECT r.pickup_at, r.return_at, IF(r.status = 'pending_payment', r.hold_expires_at, NULL), \
     r.category_code, r.vehicle_id FROM reservations r \
     WHERE r.pickup_agency_id = ? AND r.pickup_at > ? AND r.return_at > ? \
       AND (r.status IN ('confirmed', 'picked_up') OR (r.status = 'pending_payment' AND r.hold_expires_at > ?)) \
     UNION ALL \
     SELECT c.pickup_at, c.return_at, c.hold_expires_at, c.category_code, c.vehicle_id FROM reservation_changes c \
     WHERE c.status = 'pending' AND c.pickup_agency_id = ? AND c.return_at > ? AND c.hold_expires_at > ?";

/// `Catalog::categories`.
const CATEGORIES_SQL: &str = "SELECT code, seats, doors, bags, description FROM vehicle_categories WHERE code > ? ORDER BY code LIMIT ?";

/// `Catalog::agencies_in_city` (one page of 500).
const AGENCIES_IN_CITY_SQL: &str = "SELECT a.id, a.code, a.name, a.address_line1, a.address_line2, a.postal_code, a.city, a.country_code, \
     a.time_zone, a.currency, a.phone, a.email, a.active, (SELECT CAST(GROUP_CONCAT(CONCAT(h.weekday, ' ', h.opens_minute, ' ', \
     h.closes_minute) ORDER BY h.weekday, h.opens_minute SEPARATOR ',') AS CHAR) FROM agency_opening_hours h WHERE h.agency_id = a.id) \
     AS opening_hours FROM agencies a WHERE a.code > ? AND a.active AND a.city = ? ORDER BY a.code LIMIT ?";

/// `Catalog::agency`.
const AGENCY_SQL: &str = "SELECT a.id, a.code, a.name, a.address_line1, a.address_line2, a.postal_code, a.city, a.country_code, \
     a.time_zone, a.currency, a.phone, a.email, a.active, (SELECT CAST(GROUP_CONCAT(CONCAT(h.weekday, ' ', h.opens_minute, ' ', \
     h.closes_minute) ORDER BY h.weekday, h.opens_minute SEPARATOR ',') AS CHAR) FROM agency_opening_hours h WHERE h.agency_id = a.id) \
     AS opening_hours FROM agencies a WHERE a.id = ?";

/// `Catalog::fleet_counts`.
const FLEET_COUNTS_SQL: &str = "SELECT v.agency_id, v.category_code, COUNT(*) AS vehicles \
     FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted \
     STRAIGHT_JOIN vehicles v ON v.agency_id = UNHEX(wanted.id) AND v.active \
     GROUP BY v.agency_id, v.category_code";

/// The first form of the availability query, for comparison: a `JSON_TABLE` of the ids joined to
/// `reservations`, which MariaDB reads by the agency only (every reservation it ever had).
pub const BUSY_COUNTS_JSON_TABLE_SQL: &str = "SELECT busy.agency_id, busy.category_code, COUNT(DISTINCT busy.vehicle_id) AS vehicles \
     FROM ( \
         SELECT r.pickup_agency_id AS agency_id, r.category_code, r.vehicle_id \
         FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted \
         STRAIGHT_JOIN reservations r ON r.pickup_agency_id = UNHEX(wanted.id) \
         WHERE r.pickup_at > ? AND r.pickup_at < ? AND r.return_at > ? \
           AND (r.status IN ('confirmed', 'picked_up') OR (r.status = 'pending_payment' AND r.hold_expires_at > ?)) \
         UNION ALL \
         SELECT c.pickup_agency_id, c.category_code, c.vehicle_id \
         FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted_too \
         STRAIGHT_JOIN reservation_changes c ON c.status = 'pending' AND c.pickup_agency_id = UNHEX(wanted_too.id) \
         WHERE c.pickup_at < ? AND c.return_at > ? AND c.hold_expires_at > ? \
     ) AS busy \
     GROUP BY busy.agency_id, busy.category_code";

/// The reservations' `busy_counts`: each agency of `spans` (its longest rental) with its own
/// range of pickups on `(pickup_agency_id, pickup_at)`. `prefix` goes before the statement.
fn busy_counts_spans(
    prefix: &str,
    spans: &[(Uuid, chrono::Duration)],
    ids: &[Uuid],
    (pickup_at, return_at): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> QueryBuilder<MySql> {
    let mut query = QueryBuilder::new(prefix.to_string());
    query.push(
        "SELECT busy.agency_id, busy.category_code, COUNT(DISTINCT busy.vehicle_id) AS vehicles FROM ( \
         SELECT r.pickup_agency_id AS agency_id, r.category_code, r.vehicle_id FROM reservations r WHERE (",
    );
    if spans.is_empty() {
        query.push("FALSE");
    }
    for (n, (agency, longest)) in spans.iter().enumerate() {
        query.push(if n == 0 { "(" } else { " OR (" });
        query.push("r.pickup_agency_id = ").push_bind(*agency);
        query.push(" AND r.pickup_at > ").push_bind(pickup_at - *longest);
        query.push(" AND r.pickup_at < ").push_bind(return_at).push(")");
    }
    query.push(")");
    push_holding_and_changes(&mut query, ids, (pickup_at, return_at), now);
    query
}

/// The end both forms share: the reservations' holding states, then the pending changes of the
/// agencies overlapping the window, grouped.
fn push_holding_and_changes(
    query: &mut QueryBuilder<MySql>,
    ids: &[Uuid],
    (pickup_at, return_at): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) {
    push_holding(query, pickup_at, now);
    query.push(" UNION ALL SELECT c.pickup_agency_id, c.category_code, c.vehicle_id FROM reservation_changes c WHERE c.status = 'pending' AND c.pickup_agency_id IN (");
    push_ids(query, ids);
    query.push(") AND c.pickup_at < ").push_bind(return_at);
    query.push(" AND c.return_at > ").push_bind(pickup_at);
    query.push(" AND c.hold_expires_at > ").push_bind(now);
    query.push(") AS busy GROUP BY busy.agency_id, busy.category_code");
}

/// The agencies' longest rentals ([`SPANS_SQL`]), at most [`MAX_RENTAL`].
async fn spans(pool: &MySqlPool, json: &str) -> anyhow::Result<Vec<(Uuid, chrono::Duration)>> {
    let rows: Vec<(Uuid, u32)> = sqlx::query_as(SPANS_SQL).bind(json).fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(id, seconds)| (id, chrono::Duration::seconds(i64::from(seconds)).min(MAX_RENTAL))).collect())
}

/// A form of the availability query, for comparison: the agency ids as an `IN` list with one
/// bound for all, which MariaDB reads as one range per agency on `(pickup_agency_id, pickup_at)`.
/// `prefix` goes before the statement (`EXPLAIN `, or nothing); `since` is the earliest pickup
/// that may overlap (the window's start less the longest rental).
fn busy_counts_in_list(
    prefix: &str,
    ids: &[Uuid],
    (since, pickup_at): (DateTime<Utc>, DateTime<Utc>),
    return_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryBuilder<MySql> {
    let mut query = QueryBuilder::new(prefix.to_string());
    query.push(
        "SELECT busy.agency_id, busy.category_code, COUNT(DISTINCT busy.vehicle_id) AS vehicles FROM ( \
         SELECT r.pickup_agency_id AS agency_id, r.category_code, r.vehicle_id FROM reservations r WHERE r.pickup_agency_id IN (",
    );
    push_ids(&mut query, ids);
    query.push(") AND r.pickup_at > ").push_bind(since);
    query.push(" AND r.pickup_at < ").push_bind(return_at);
    push_holding_and_changes(&mut query, ids, (pickup_at, return_at), now);
    query
}

/// The count of [`busy_counts_split`]: reservations holding a vehicle, per agency and category,
/// picked up after `since`. `prefix` goes before the statement.
fn busy_count_in_list(
    prefix: &str,
    ids: &[Uuid],
    since: DateTime<Utc>,
    (pickup_at, return_at): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> QueryBuilder<MySql> {
    let mut query = QueryBuilder::<MySql>::new(format!(
        "{prefix}SELECT r.pickup_agency_id, r.category_code, COUNT(DISTINCT r.vehicle_id) FROM reservations r WHERE r.pickup_agency_id IN ("
    ));
    push_ids(&mut query, ids);
    query.push(") AND r.pickup_at > ").push_bind(since);
    query.push(" AND r.pickup_at < ").push_bind(return_at);
    push_holding(&mut query, pickup_at, now);
    query.push(" GROUP BY r.pickup_agency_id, r.category_code");
    query
}

/// The agency ids, comma-separated bound parameters.
fn push_ids(query: &mut QueryBuilder<MySql>, ids: &[Uuid]) {
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
}

/// The reservation `r` still out at `pickup_at` and holding its vehicle at `now`.
fn push_holding(query: &mut QueryBuilder<MySql>, pickup_at: DateTime<Utc>, now: DateTime<Utc>) {
    query.push(" AND r.return_at > ").push_bind(pickup_at);
    query.push(" AND (r.status IN ('confirmed', 'picked_up') OR (r.status = 'pending_payment' AND r.hold_expires_at > ").push_bind(now);
    query.push("))");
}

/// [`CHANGES_HELD_SQL`] bound for a window, `prefix` before it.
fn changes_held<'q>(
    prefix: &str,
    json: &'q str,
    (pickup_at, return_at): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> sqlx::query::Query<'q, MySql, sqlx::mysql::MySqlArguments> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{prefix}{CHANGES_HELD_SQL}")))
        .bind(json)
        .bind(return_at)
        .bind(pickup_at)
        .bind(now)
        .bind(pickup_at - MAX_RENTAL)
        .bind(return_at)
        .bind(pickup_at)
        .bind(now)
}

/// The reservations' `busy_counts`: the longest rental of the agencies, the count per agency
/// and category with the agencies as an `IN` list, then one more per vehicle a pending change
/// holds that no counted reservation does — each statement on its own pool acquisition.
async fn busy_counts_split(
    pool: &MySqlPool,
    ids: &[Uuid],
    json: &str,
    (pickup_at, return_at): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(Uuid, String, i64)>> {
    let longest: Option<u32> = sqlx::query_scalar(LONGEST_SPAN_SQL).bind(json).fetch_one(pool).await?;
    let mut busy: HashMap<(Uuid, String), i64> = HashMap::new();
    if let Some(seconds) = longest {
        let since = pickup_at - chrono::Duration::seconds(i64::from(seconds)).min(MAX_RENTAL);
        let rows: Vec<(Uuid, String, i64)> =
            busy_count_in_list("", ids, since, (pickup_at, return_at), now).build_query_as().fetch_all(pool).await?;
        busy.extend(rows.into_iter().map(|(agency, category, n)| ((agency, category), n)));
    }
    for row in changes_held("", json, (pickup_at, return_at), now).fetch_all(pool).await? {
        *busy.entry((row.try_get(0)?, row.try_get(1)?)).or_default() += 1;
    }
    Ok(busy.into_iter().map(|((agency, category), n)| (agency, category, n)).collect())
}

/// Which form of the availability query to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum BusyForm {
    /// The product's: the agencies as an `IN` list from their longest rental, counted alone,
    /// then the vehicles of pending changes ([`busy_counts_split`]).
    #[default]
    Split,
    /// The form before it: each agency's range from its own longest rental, `OR`ed, with the
    /// pending changes in a grouped `UNION ALL` ([`busy_counts_spans`]).
    Spans,
    /// An `IN` list with one lookback for all agencies ([`busy_counts_in_list`]).
    InList,
    /// The first form: a `JSON_TABLE` of the ids joined to `reservations`.
    JsonTable,
}

impl BusyForm {
    /// How reports name it.
    pub fn label(self) -> &'static str {
        match self {
            BusyForm::Split => "IN list, longest span, changes apart",
            BusyForm::Spans => "per-agency spans",
            BusyForm::InList => "IN list",
            BusyForm::JsonTable => "JSON_TABLE",
        }
    }
}

/// `Catalog::rates_in_force`, filtered in SQL (the product reads the agencies' whole rate sets and
/// picks the rates in force in memory, `repo::in_force`).
const RATES_IN_FORCE_SQL: &str = "SELECT r.agency_id, r.category_code, r.currency, r.daily_minor, r.one_way_fee_minor, r.valid_from, r.valid_to \
     FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted \
     STRAIGHT_JOIN rates r ON r.agency_id = UNHEX(wanted.id) \
     WHERE r.valid_from <= ? AND (r.valid_to IS NULL OR r.valid_to >= ?) \
     ORDER BY r.agency_id, r.category_code, r.valid_from DESC";

/// Where a search picks up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Any agency of the city (`pickupCity`).
    City(String),
    /// One agency (`pickupAgencyId`).
    Agency(Uuid),
}

/// One search: a place and agency-local pickup and return times (returned where picked up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    /// Where.
    pub place: Place,
    /// Pickup, agency-local.
    pub pickup: NaiveDateTime,
    /// Return, agency-local.
    pub back: NaiveDateTime,
}

/// What searches draw from: the loaded cities and agencies.
#[derive(Debug, Clone)]
pub struct Targets {
    /// Cities with an active agency.
    pub cities: Vec<String>,
    /// Active agencies.
    pub agencies: Vec<Uuid>,
}

impl Targets {
    /// The cities and agencies of the database.
    pub async fn load(pool: &MySqlPool) -> anyhow::Result<Self> {
        let cities: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT city FROM agencies WHERE active ORDER BY city").fetch_all(pool).await?;
        let agencies: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM agencies WHERE active ORDER BY code").fetch_all(pool).await?;
        anyhow::ensure!(!cities.is_empty() && !agencies.is_empty(), "no active agencies: load the bench data first");
        Ok(Self { cities, agencies })
    }

    /// A search like the load generator's (`scripts/bench`'s Lua script): a city, or in
    /// `agency_percent` % of searches one agency; pickup 2 to 330 days after `today` between
    /// 08:00 and 19:30 on the half hour; 1 to 14 days, back at the same time.
    pub fn draw(&self, rng: &mut Rng, today: NaiveDate, agency_percent: u64) -> Search {
        let place = if rng.below(100) < agency_percent {
            Place::Agency(self.agencies[usize::try_from(rng.below(self.agencies.len() as u64)).unwrap_or(0)])
        } else {
            Place::City(self.cities[usize::try_from(rng.below(self.cities.len() as u64)).unwrap_or(0)].clone())
        };
        let day = today + chrono::Duration::days(2 + rng.below_i64(329));
        let minute = 8 * 60 + 30 * rng.below_i64(24);
        let pickup = day.and_hms_opt(0, 0, 0).unwrap_or_default() + chrono::Duration::minutes(minute);
        let back = pickup + chrono::Duration::days(1 + rng.below_i64(14));
        Search { place, pickup, back }
    }
}

/// The ids as the product sends them: a JSON array of hex strings.
fn ids_json(ids: &[Uuid]) -> String {
    let hex: Vec<String> = ids.iter().map(|id| format!("\"{}\"", id.simple())).collect();
    format!("[{}]", hex.join(","))
}

/// A local time of `zone` as an instant (the earlier one when repeated).
fn instant(name: &str, local: NaiveDateTime) -> anyhow::Result<DateTime<Utc>> {
    let zone = IanaTimeZone::from_str(name).map_err(|e| anyhow::anyhow!("time zone {name}: {e}"))?.tz();
    let at = zone.from_local_datetime(&local).earliest().ok_or_else(|| anyhow::anyhow!("{local} does not exist in {name}"))?;
    Ok(at.with_timezone(&Utc))
}

/// Time spent in each statement of searches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// The categories.
    pub categories: Duration,
    /// The pickup agencies.
    pub agencies: Duration,
    /// The fleet counts.
    pub fleet: Duration,
    /// The availability query.
    pub busy: Duration,
    /// The rates in force.
    pub rates: Duration,
}

impl Timings {
    fn add(&mut self, other: &Timings) {
        self.categories += other.categories;
        self.agencies += other.agencies;
        self.fleet += other.fleet;
        self.busy += other.busy;
        self.rates += other.rates;
    }

    fn divided(&self, n: u32) -> Timings {
        Timings {
            categories: self.categories / n,
            agencies: self.agencies / n,
            fleet: self.fleet / n,
            busy: self.busy / n,
            rates: self.rates / n,
        }
    }
}

/// Runs one search at `now` with the availability query in `form`, adding the time of each
/// statement to `timings`; returns how many offers it found.
pub async fn search(
    pool: &MySqlPool,
    search: &Search,
    now: DateTime<Utc>,
    (form, lookback): (BusyForm, chrono::Duration),
    timings: &mut Timings,
) -> anyhow::Result<usize> {
    let mut lap = Instant::now();
    let mut split = |slot: &mut Duration| {
        let at = Instant::now();
        *slot += at - lap;
        lap = at;
    };
    let categories: Vec<MySqlRow> = sqlx::query(CATEGORIES_SQL).bind("").bind(u32::MAX).fetch_all(pool).await?;
    split(&mut timings.categories);
    let known: Vec<String> = categories.iter().map(|row| row.try_get::<String, _>("code")).collect::<Result<_, _>>()?;
    let agencies: Vec<MySqlRow> = match &search.place {
        Place::City(city) => sqlx::query(AGENCIES_IN_CITY_SQL).bind("").bind(city).bind(500u32).fetch_all(pool).await?,
        Place::Agency(id) => sqlx::query(AGENCY_SQL).bind(id).fetch_all(pool).await?,
    };
    split(&mut timings.agencies);
    let mut ids = Vec::with_capacity(agencies.len());
    let mut zone = String::new();
    for row in &agencies {
        if row.try_get::<bool, _>("active")? {
            ids.push(row.try_get::<Uuid, _>("id")?);
            zone = row.try_get("time_zone")?;
        }
    }
    if ids.is_empty() {
        return Ok(0);
    }
    let pickup_at = instant(&zone, search.pickup)?;
    let return_at = instant(&zone, search.back)?;
    let json = ids_json(&ids);

    let fleet: Vec<(Uuid, String, i64)> = sqlx::query_as(FLEET_COUNTS_SQL).bind(&json).fetch_all(pool).await?;
    split(&mut timings.fleet);
    let busy: Vec<(Uuid, String, i64)> = match form {
        BusyForm::Split => busy_counts_split(pool, &ids, &json, (pickup_at, return_at), now).await?,
        BusyForm::Spans => {
            let spans = spans(pool, &json).await?;
            busy_counts_spans("", &spans, &ids, (pickup_at, return_at), now).build_query_as().fetch_all(pool).await?
        }
        BusyForm::JsonTable => {
            sqlx::query_as(BUSY_COUNTS_JSON_TABLE_SQL)
                .bind(&json)
                .bind(pickup_at - lookback)
                .bind(return_at)
                .bind(pickup_at)
                .bind(now)
                .bind(&json)
                .bind(return_at)
                .bind(pickup_at)
                .bind(now)
                .fetch_all(pool)
                .await?
        }
        BusyForm::InList => {
            busy_counts_in_list("", &ids, (pickup_at - lookback, pickup_at), return_at, now).build_query_as().fetch_all(pool).await?
        }
    };
    split(&mut timings.busy);
    let on = search.pickup.date();
    let rates: Vec<MySqlRow> = sqlx::query(RATES_IN_FORCE_SQL).bind(&json).bind(on).bind(on).fetch_all(pool).await?;
    split(&mut timings.rates);

    let busy: HashMap<(Uuid, String), i64> = busy.into_iter().map(|(agency, category, n)| ((agency, category), n)).collect();
    let mut daily: HashMap<(Uuid, String), i64> = HashMap::new();
    for row in &rates {
        let key = (row.try_get::<Uuid, _>("agency_id")?, row.try_get::<String, _>("category_code")?);
        daily.entry(key).or_insert(row.try_get::<i64, _>("daily_minor")?);
    }
    let offers = fleet
        .into_iter()
        .filter(|(agency, category, vehicles)| {
            let key = (*agency, category.clone());
            known.contains(category) && daily.contains_key(&key) && vehicles - busy.get(&key).copied().unwrap_or(0) > 0
        })
        .count();
    Ok(offers)
}

/// How to drive the raw searches.
#[derive(Debug, Clone)]
pub struct Options {
    /// Searches in flight at once.
    pub concurrency: usize,
    /// Connections in the pool.
    pub pool_size: u32,
    /// Measured time, after the warm-up.
    pub duration: Duration,
    /// Time searched but not measured first.
    pub warmup: Duration,
    /// Seed of the searches' generator.
    pub seed: u64,
    /// Share of searches by agency id rather than city, in percent.
    pub agency_percent: u64,
    /// The form of the availability query.
    pub form: BusyForm,
    /// How far before the window an overlapping reservation may start: the product's 90 days
    /// (its longest rental), or less to measure a tighter bound.
    pub lookback: chrono::Duration,
}

/// What a raw run measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// Searches completed in the measured time.
    pub searches: usize,
    /// Searches that failed in the measured time.
    pub errors: usize,
    /// The first failure, if any.
    pub first_error: Option<String>,
    /// The measured time.
    pub elapsed: Duration,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Slowest search.
    pub max: Duration,
    /// Mean offers per search.
    pub offers_per_search: f64,
    /// Mean time of each statement in a measured search.
    pub mean: Timings,
}

impl Report {
    /// Searches per second.
    pub fn per_second(&self) -> f64 {
        self.searches as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }
}

/// The latency at quantile `q` of sorted latencies.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// A pool configured like the product's (utf8mb4, UTC session) with `size` connections.
pub async fn connect(database_url: &str, size: u32) -> anyhow::Result<MySqlPool> {
    let options = MySqlConnectOptions::from_str(database_url)?.charset("utf8mb4").timezone(Some(String::from("+00:00")));
    Ok(MySqlPoolOptions::new().max_connections(size).acquire_timeout(Duration::from_secs(5)).connect_with(options).await?)
}

/// Runs `options.concurrency` loops of searches on one pool for the warm-up then the measured
/// time, and reports the measured searches.
pub async fn run(pool: &MySqlPool, options: &Options) -> anyhow::Result<Report> {
    let targets = std::sync::Arc::new(Targets::load(pool).await?);
    let started = Instant::now();
    let measure_from = started + options.warmup;
    let until = measure_from + options.duration;
    let mut tasks = Vec::with_capacity(options.concurrency);
    for worker in 0..options.concurrency {
        let (pool, targets, agency_percent, form) =
            (pool.clone(), targets.clone(), options.agency_percent, (options.form, options.lookback));
        let mut rng = Rng(options.seed.wrapping_add(worker as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut offers, mut errors, mut first_error) = (Vec::new(), 0usize, 0usize, None);
            let mut timings = Timings::default();
            loop {
                let begin = Instant::now();
                if begin >= until {
                    break;
                }
                let now = Utc::now();
                let wanted = targets.draw(&mut rng, now.date_naive(), agency_percent);
                let mut these = Timings::default();
                let outcome = search(&pool, &wanted, now, form, &mut these).await;
                if begin < measure_from {
                    continue;
                }
                match outcome {
                    Ok(found) => {
                        latencies.push(begin.elapsed());
                        offers += found;
                        timings.add(&these);
                    }
                    Err(error) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| format!("{error:#}"));
                    }
                }
            }
            (latencies, offers, errors, first_error, timings)
        }));
    }
    let (mut latencies, mut offers, mut errors, mut first_error, mut total) = (Vec::new(), 0usize, 0usize, None, Timings::default());
    for task in tasks {
        let (l, o, e, f, t) = task.await?;
        latencies.extend(l);
        offers += o;
        errors += e;
        first_error = first_error.or(f);
        total.add(&t);
    }
    let elapsed = Instant::now().saturating_duration_since(measure_from);
    latencies.sort();
    Ok(Report {
        searches: latencies.len(),
        errors,
        first_error,
        elapsed,
        p50: quantile(&latencies, 0.50),
        p99: quantile(&latencies, 0.99),
        max: latencies.last().copied().unwrap_or_default(),
        offers_per_search: offers as f64 / latencies.len().max(1) as f64,
        mean: total.divided(u32::try_from(latencies.len().max(1)).unwrap_or(u32::MAX)),
    })
}

/// One cell of a result row as text, whatever its type.
fn cell(row: &MySqlRow, index: usize) -> String {
    if let Ok(value) = row.try_get::<Option<String>, _>(index) {
        return value.unwrap_or_else(|| "NULL".into());
    }
    if let Ok(value) = row.try_get::<Option<i64>, _>(index) {
        return value.map_or_else(|| "NULL".into(), |v| v.to_string());
    }
    if let Ok(value) = row.try_get::<Option<u64>, _>(index) {
        return value.map_or_else(|| "NULL".into(), |v| v.to_string());
    }
    if let Ok(value) = row.try_get::<Option<f64>, _>(index) {
        return value.map_or_else(|| "NULL".into(), |v| format!("{v:.2}"));
    }
    match row.try_get::<Option<Vec<u8>>, _>(index) {
        Ok(value) => value.map_or_else(|| "NULL".into(), |v| String::from_utf8_lossy(&v).into_owned()),
        Err(_) => "?".into(),
    }
}

/// Rows as a `|`-separated table with a header.
/// A titled plan: `label`, then the rows (or why there are none: ANALYZE is MariaDB's).
fn section(label: &str, rows: Result<Vec<MySqlRow>, sqlx::Error>) -> String {
    match rows {
        Ok(rows) => format!("\n{label}:\n{}", table(&rows)),
        Err(error) => format!("\n{label}: not available ({error})\n"),
    }
}

fn table(rows: &[MySqlRow]) -> String {
    let Some(first) = rows.first() else { return "(no rows)\n".into() };
    let mut out = first.columns().iter().map(|c| c.name().to_string()).collect::<Vec<_>>().join(" | ");
    out.push('\n');
    for row in rows {
        out.push_str(&(0..row.len()).map(|i| cell(row, i)).collect::<Vec<_>>().join(" | "));
        out.push('\n');
    }
    out
}

/// `EXPLAIN` and `ANALYZE` (MariaDB: the plan with the rows actually read, `r_rows`) of the
/// availability query (the product's form and the IN list with the 90-day bound; ANALYZE adds
/// `r_rows`, the rows actually read), and `EXPLAIN` of the fleet and rate queries, for a search of `city` (by
/// default the city with the most agencies) picking up 30 days from now at 10:00 for 3 days.
pub async fn explain(pool: &MySqlPool, city: Option<&str>) -> anyhow::Result<String> {
    let city: String = match city {
        Some(city) => city.to_string(),
        None => {
            sqlx::query_scalar("SELECT city FROM agencies WHERE active GROUP BY city ORDER BY COUNT(*) DESC, city LIMIT 1")
                .fetch_one(pool)
                .await?
        }
    };
    let agencies: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, time_zone FROM agencies WHERE active AND city = ? ORDER BY code").bind(&city).fetch_all(pool).await?;
    let zone = agencies.first().map(|(_, zone)| zone.clone()).ok_or_else(|| anyhow::anyhow!("no active agency in {city}"))?;
    let ids: Vec<Uuid> = agencies.iter().map(|(id, _)| *id).collect();
    let json = ids_json(&ids);
    let now = Utc::now();
    let pickup = (now.date_naive() + chrono::Duration::days(30)).and_hms_opt(10, 0, 0).unwrap_or_default();
    let back = pickup + chrono::Duration::days(3);
    let (pickup_at, return_at) = (instant(&zone, pickup)?, instant(&zone, back)?);
    let reservations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reservations").fetch_one(pool).await?;
    let spans = spans(pool, &json).await?;
    let longest = spans.iter().map(|(_, span)| *span).max().unwrap_or_default();
    let mut out = format!(
        "search: {city} ({} agencies), pickup {pickup} local ({pickup_at}) for 3 days; {reservations} reservations in the table; \
         longest rental of these agencies {:.1} days\n",
        ids.len(),
        longest.num_seconds() as f64 / 86_400.0
    );
    for verb in ["EXPLAIN", "ANALYZE"] {
        let label = format!("{verb} agency_marks, what the product's search reads every time");
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{verb} {AGENCY_MARKS_SQL}"))).bind(json.clone()).fetch_all(pool).await;
        out.push_str(&section(&label, rows));
    }
    if let Some((first, span)) = spans.first() {
        for verb in ["EXPLAIN", "ANALYZE"] {
            let label = format!("{verb} holding_rows, what the product's search reads of an agency whose revision moved (the first)");
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{verb} {HOLDING_ROWS_SQL}")))
                .bind(*first)
                .bind(now - *span)
                .bind(now)
                .bind(now)
                .bind(*first)
                .bind(now)
                .bind(now)
                .fetch_all(pool)
                .await;
            out.push_str(&section(&label, rows));
        }
    }
    for verb in ["EXPLAIN", "ANALYZE"] {
        let label =
            format!("{verb} busy_counts, the SQL count (the product's until 2026-12-03; an IN list, since the agencies' longest rental)");
        let rows =
            busy_count_in_list(&format!("{verb} "), &ids, pickup_at - longest, (pickup_at, return_at), now).build().fetch_all(pool).await;
        out.push_str(&section(&label, rows));
    }
    for verb in ["EXPLAIN", "ANALYZE"] {
        let label = format!("{verb} busy_counts, the SQL count's pending changes");
        let rows = changes_held(&format!("{verb} "), &json, (pickup_at, return_at), now).fetch_all(pool).await;
        out.push_str(&section(&label, rows));
    }
    for verb in ["EXPLAIN", "ANALYZE"] {
        let label = format!("{verb} busy_counts, the form before (per-agency ranges ORed, bench-raw --busy-form spans)");
        let rows = busy_counts_spans(&format!("{verb} "), &spans, &ids, (pickup_at, return_at), now).build().fetch_all(pool).await;
        out.push_str(&section(&label, rows));
    }
    for verb in ["EXPLAIN", "ANALYZE"] {
        let label = format!("{verb} of the IN-list form with the 90-day bound (bench-raw --busy-form in-list)");
        let rows = busy_counts_in_list(&format!("{verb} "), &ids, (pickup_at - MAX_RENTAL, pickup_at), return_at, now)
            .build()
            .fetch_all(pool)
            .await;
        out.push_str(&section(&label, rows));
    }
    let fleet = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN {FLEET_COUNTS_SQL}"))).bind(json.clone()).fetch_all(pool).await?;
    out.push_str("\nEXPLAIN fleet_counts:\n");
    out.push_str(&table(&fleet));
    let on = pickup.date();
    let rates =
        sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN {RATES_IN_FORCE_SQL}"))).bind(json).bind(on).bind(on).fetch_all(pool).await?;
    out.push_str("\nEXPLAIN rates_in_force:\n");
    out.push_str(&table(&rates));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&sorted, 0.5), Duration::from_millis(50));
        assert_eq!(quantile(&sorted, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&[], 0.5), Duration::ZERO);
    }

    #[test]
    fn draws_stay_in_the_booking_window() {
        let targets = Targets { cities: vec!["Paris".into(), "Köln".into()], agencies: vec![Uuid::nil()] };
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let mut rng = Rng(3);
        for _ in 0..1000 {
            let search = targets.draw(&mut rng, today, 20);
            assert!(search.pickup.date() >= today + chrono::Duration::days(2));
            assert!(search.pickup.date() <= today + chrono::Duration::days(330));
            let days = (search.back - search.pickup).num_days();
            assert!((1..=14).contains(&days));
        }
        assert_eq!(ids_json(&[Uuid::nil()]), format!("[\"{}\"]", "0".repeat(32)));
    }
}
