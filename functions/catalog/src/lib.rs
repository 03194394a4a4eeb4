//! Catalog: agencies in seven markets with their time zones and currencies, ACRISS vehicle
//! categories, the fleet, rates and pricing.
//!
//! - [`CatalogModule`] is the module's description: its HTTP surface (API.md "Catalog"), its
//!   secrets and its account part; the `ycyw-catalog` binary serves it alone, `ycyw-api` with
//!   every other module.
//! - [`Catalog`] is the public Rust API: what the modules built on the catalog (reservations)
//!   ask it, and what the tools that fill a catalog use (`ycyw-worker create-agency` and
//!   `seed-demo`, the dev-only `bench-data`). It is the seam where a network call would go if
//!   the catalog were extracted; `repo`, `service` and `model` stay inside the crate, and the
//!   types callers need are re-exported here.
//!
//! The rules (pricing, agency-local time, ownership, validation) live in `service/`, one file
//! per concern; the SQL in `repo/`.

mod account;
pub(crate) mod acriss;
pub(crate) mod error;
pub mod fleet_guard;
pub(crate) mod handlers;
pub(crate) mod model;
pub mod read_cache;
mod reference;
pub(crate) mod repo;
pub(crate) mod service;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use sqlx::MySqlPool;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;
use ycyw_shared::AppState;
use ycyw_shared::account::AccountPart;
use ycyw_shared::config::SecretKey;
use ycyw_shared::module::{Build, Duty, Module, Routes};
use ycyw_shared::services::Services;

pub use acriss::{AcrissDecoded, AcrissError};
pub use error::CatalogError;
pub use fleet_guard::{FleetConflict, FleetGuard};
pub use model::{
    AcrissCode, Address, Agency, AgencyCode, AgencySetup, BatchReport, CurrencyCode, IanaTimeZone, Market, MinuteOfDay, Money, MoneyInput,
    NewAgency, NewVehicle, OpeningHours, OpeningPeriod, OpeningPeriodInput, Plate, PostalAddressInput, Quote, Rate, RateInput, SetupReport,
    Vehicle, VehicleCategory, Written,
};
pub use read_cache::{CatalogView, ReadCache};
pub use repo::FleetCount;
pub use service::{LocalTimeError, PricingError};

/// The catalog module (DESIGN §2): public agency and category reads, agents' management of
/// their agency; its account part shows an agent the agency they belong to.
#[derive(Debug, Clone, Copy, Default)]
pub struct CatalogModule;

/// The module's operations, before any state: built to serve by [`Module::routes`], to
/// describe by [`Module::openapi`] (the description only then: [`Build`]).
fn api(build: Build) -> OpenApiRouter<AppState> {
    use handlers::*;
    OpenApiRouter::new()
        .routes(ycyw_shared::routes!(build; list_agencies::list_agencies, create_agency::create_agency))
        .routes(ycyw_shared::routes!(build; get_agency::get_agency, update_agency::update_agency))
        .routes(ycyw_shared::routes!(build; list_vehicle_categories::list_vehicle_categories))
        .routes(ycyw_shared::routes!(build; list_vehicles::list_vehicles, create_vehicle::create_vehicle))
        .routes(ycyw_shared::routes!(build; update_vehicle::update_vehicle, delete_vehicle::delete_vehicle))
        .routes(ycyw_shared::routes!(build; get_rates::get_rates, replace_rates::replace_rates))
}

#[async_trait]
impl Module for CatalogModule {
    fn name(&self) -> &'static str {
        "catalog"
    }

    fn secrets(&self, duty: Duty) -> &'static [SecretKey] {
        match duty {
            Duty::Http => &[SecretKey::JwtSigningKey],
            Duty::Work => &[],
        }
    }

    async fn routes(&self, state: &AppState) -> anyhow::Result<Routes> {
        Ok(Routes::new(api(Build::Serve).with_state(state.clone())))
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(api(Build::Describe).into_openapi())
    }

    fn account(&self) -> Option<Arc<dyn AccountPart>> {
        Some(Arc::new(account::CatalogAccount))
    }

    fn provide(&self, _state: &AppState, services: &mut Services) {
        services.provide::<Arc<ReadCache>>(Arc::default());
    }
}

/// What other modules may ask the catalog. Cheap to clone.
///
/// ```no_run
/// # async fn demo(pool: sqlx::MySqlPool, agency_id: uuid::Uuid) -> Result<(), ycyw_catalog::CatalogError> {
/// use ycyw_catalog::{AcrissCode, Catalog};
/// let catalog = Catalog::new(pool);
/// let agency = catalog.agency(agency_id).await?.expect("known agency");
/// let pickup = Catalog::local_to_utc(&agency, "2026-12-01T10:00".parse().expect("date-time")).expect("exists");
/// let back = Catalog::local_to_utc(&agency, "2026-12-04T10:00".parse().expect("date-time")).expect("exists");
/// let category = AcrissCode::parse("CDMR").expect("valid");
/// if let Some(rate) = catalog.rate_in_force(agency.id, &category, agency.local_date(pickup)).await? {
///     let quote = Catalog::price(&rate, pickup, back, false).expect("priced");
///     assert_eq!(quote.days, 3);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Catalog {
    db: MySqlPool,
    cache: Arc<ReadCache>,
}

impl Catalog {
    /// The catalog over a pool, with a read cache of its own ([`Catalog::current`]).
    pub fn new(db: MySqlPool) -> Self {
        Self { db, cache: Arc::default() }
    }

    /// The catalog of an application state, with the process's read cache (which the catalog
    /// module provides to every deployable linking it).
    pub fn from_state(state: &AppState) -> Self {
        let cache = state.services.get::<Arc<ReadCache>>().cloned().unwrap_or_default();
        Self { db: state.db.clone(), cache }
    }

    /// One agency, active or not (an old reservation still shows its agency); check
    /// [`Agency::active`] before booking.
    pub async fn agency(&self, id: Uuid) -> Result<Option<Agency>, CatalogError> {
        repo::find_agency(&self.db, id).await
    }

    /// The agencies among `ids`, active or not, in one query (unknown ids are left out).
    pub async fn agencies(&self, ids: &[Uuid]) -> Result<Vec<Agency>, CatalogError> {
        repo::find_agencies(&self.db, ids).await
    }

    /// One agency by its code (`PAR-GDL`), active or not; `None` for an unknown or malformed code.
    pub async fn agency_by_code(&self, code: &str) -> Result<Option<Agency>, CatalogError> {
        match code.trim().to_uppercase().parse::<AgencyCode>() {
            Ok(code) => repo::find_agency_by_code(&mut *self.db.acquire().await?, &code).await,
            Err(_) => Ok(None),
        }
    }

    /// The active agencies of a city (case- and accent-insensitive), by code.
    pub async fn agencies_in_city(&self, city: &str) -> Result<Vec<Agency>, CatalogError> {
        let filter = repo::AgencyFilter { city: Some(city.trim().to_string()), ..repo::AgencyFilter::default() };
        let mut agencies = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = repo::list_agencies(&self.db, &filter, after.as_deref(), 500).await?;
            let done = page.len() < 500;
            after = page.last().map(|a| a.code.as_str().to_string());
            agencies.extend(page);
            if done {
                return Ok(agencies);
            }
        }
    }

    /// Whether the catalog holds any agency at all (`seed-demo --if-empty` seeds only when not).
    pub async fn has_agencies(&self) -> Result<bool, CatalogError> {
        repo::has_agencies(&self.db).await
    }

    /// Creates an agency from the body of `POST /agencies`, validated as the HTTP API validates
    /// it: every invalid field is listed ([`CatalogError::Invalid`]), a code already used is a
    /// `taken` error on `code`. `now` stamps the row. For ops (`ycyw-worker create-agency`) while
    /// no token carries the right to create agencies over HTTP.
    pub async fn create_agency(&self, input: &NewAgency, now: DateTime<Utc>) -> Result<Agency, CatalogError> {
        service::agencies::create_agency(&self.db, input, now).await
    }

    /// Brings one agency, the vehicles its setup lists and its rate set to what `setup` says,
    /// matching the agency by code and vehicles by plate, in one transaction and writing only
    /// what differs (running it again changes no row, not even a timestamp). Other agencies and
    /// vehicles are never touched; a listed plate that belongs to another agency's vehicle is
    /// left alone and reported in [`SetupReport::plates_elsewhere`]. Validation is the HTTP API's
    /// (errors name `agency.…`, `vehicles[i].…`, `rates[i].…`); an agency cannot change market.
    /// What `ycyw-worker seed-demo` loads the demo catalogue with.
    pub async fn upsert_agency_setup(&self, setup: &AgencySetup, now: DateTime<Utc>) -> Result<SetupReport, CatalogError> {
        service::setup::upsert_agency_setup(&self.db, setup, now).await
    }

    /// Inserts new agencies with their fleets and rate sets in one transaction by multi-row
    /// `INSERT`s (tens of thousands of vehicles in a few statements): all or nothing. Every setup
    /// is validated first (errors named `[n].agency.code`, …); a code or plate already used is
    /// a `taken` error. What the `bench-data` tool loads benchmark data with.
    pub async fn insert_agency_setups(&self, setups: &[AgencySetup], now: DateTime<Utc>) -> Result<BatchReport, CatalogError> {
        service::setup::insert_agency_setups(&self.db, setups, now).await
    }

    /// Writes the reference vehicle categories (the ones the catalog migration inserts) back to
    /// their reference values, adding any that is missing; other categories are left alone.
    pub async fn restore_reference_categories(&self) -> Result<(), CatalogError> {
        let mut tx = self.db.begin().await?;
        for category in reference::reference_categories()? {
            repo::upsert_category(&mut tx, &category).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One vehicle category.
    pub async fn category(&self, code: &AcrissCode) -> Result<Option<VehicleCategory>, CatalogError> {
        repo::find_category(&self.db, code).await
    }

    /// Every vehicle category, by code (a small reference table), e.g. to search by class letter.
    pub async fn categories(&self) -> Result<Vec<VehicleCategory>, CatalogError> {
        repo::list_categories(&self.db, None, u32::MAX).await
    }

    /// The active vehicles of `category` at an agency, by plate.
    pub async fn vehicles(&self, agency_id: Uuid, category: &AcrissCode) -> Result<Vec<Vehicle>, CatalogError> {
        repo::active_vehicles(&self.db, agency_id, category).await
    }

    /// The active vehicles of `category` at an agency, read through the caller's connection: for
    /// a caller inside a transaction, which must not wait for a second connection of the pool
    /// while it holds locks.
    pub async fn vehicles_through(
        conn: &mut sqlx::MySqlConnection,
        agency_id: Uuid,
        category: &AcrissCode,
    ) -> Result<Vec<Vehicle>, CatalogError> {
        repo::active_vehicles(conn, agency_id, category).await
    }

    /// How many active vehicles each of the agencies `ids` has per category, in one query.
    pub async fn fleet_counts(&self, ids: &[Uuid]) -> Result<Vec<FleetCount>, CatalogError> {
        repo::fleet_counts(&self.db, ids).await
    }

    /// The rates in force on the agency-local date `on` at the agencies `ids`, every category, in
    /// one query: at most one per agency and category.
    pub async fn rates_in_force(&self, ids: &[Uuid], on: NaiveDate) -> Result<Vec<Rate>, CatalogError> {
        repo::rates_in_force(&self.db, ids, on).await
    }

    /// The rate of `category` at an agency in force on the agency-local date `on` (choose it with
    /// [`Agency::local_date`] of the pickup).
    pub async fn rate_in_force(&self, agency_id: Uuid, category: &AcrissCode, on: NaiveDate) -> Result<Option<Rate>, CatalogError> {
        repo::rate_in_force(&self.db, agency_id, category, on).await
    }

    /// The price of a rental (DESIGN §5): the rate's daily rate × started 24 h periods between
    /// the two instants, plus its one-way fee when `one_way` ([`Catalog::is_one_way`] of the
    /// pickup and return agencies). Periods are elapsed time, so a rental across a
    /// daylight-saving change counts the hour the clocks moved.
    pub fn price(rate: &Rate, pickup_at: DateTime<Utc>, return_at: DateTime<Utc>, one_way: bool) -> Result<Quote, PricingError> {
        service::pricing::price(rate, pickup_at, return_at, one_way)
    }

    /// Whether a rental from `pickup_agency` to `return_agency` is one-way (pays the fee).
    pub fn is_one_way(pickup_agency: Uuid, return_agency: Uuid) -> bool {
        service::pricing::is_one_way(pickup_agency, return_agency)
    }

    /// The instant of an agency-local date-time: a time skipped by a daylight-saving change is
    /// [`LocalTimeError::Nonexistent`], a repeated one is its earlier occurrence.
    pub fn local_to_utc(agency: &Agency, local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeError> {
        agency.local_to_utc(local)
    }

    /// An instant on the agency's clock.
    pub fn utc_to_local(agency: &Agency, at: DateTime<Utc>) -> DateTime<Tz> {
        agency.utc_to_local(at)
    }

    /// A request's agency-local date-time (`YYYY-MM-DDTHH:MM`, optional matching offset).
    pub fn parse_local(agency: &Agency, input: &str) -> Result<DateTime<Utc>, LocalTimeError> {
        service::local_time::parse_agency_local(agency.time_zone.tz(), input)
    }
}
