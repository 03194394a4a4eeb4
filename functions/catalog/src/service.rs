//! The catalog's rules. The pure ones come first — pricing, agency-local time, input validation —
//! and are unit-tested without a database; the operations behind each endpoint
//! follow, each one a short sequence of checks and `repo` calls.
//!
//! Rules of record:
//! - **Price** (DESIGN §5): `daily rate × started 24 h periods + one-way fee when the return agency
//!   is not the pickup agency`. Periods are elapsed time between the two instants, so a rental
//!   across a daylight-saving change counts the hour the clocks moved (10:00 → 10:00 local across
//!   the autumn change is 25 h: two periods). The rate is the pickup agency's, in its currency.
//! - **Agency-local time**: a local date-time is read in the agency's IANA zone. One that does not
//!   exist (skipped when clocks go forward, e.g. 02:30 on 2026-03-29 in Europe/Paris) is refused
//!   with [`LocalTimeError::Nonexistent`]; one that happens twice (clocks go back) means the
//!   **earlier** instant — the first 02:30, still on summer time — unless the request gave an
//!   offset, which then picks the instant and must be one the zone uses.
//! - **Ownership**: an agent reaches only their own agency's resources; anything else is 404.

use std::collections::BTreeSet;

use chrono::offset::LocalResult;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::db::OnConstraint as _;
use ycyw_shared::domain::{Email, FieldErrors, InvalidValue, Pagination, PostalAddressInput, PostalCodeRule, single_line};
use ycyw_shared::error::FieldError;

use crate::error::CatalogError;
use crate::model::{
    AcrissCode, AcrissError, Address, Agency, AgencyCode, AgencyPatch, AgencyQuery, CurrencyCode, IanaTimeZone, Market, Money, MoneyInput,
    NewAgency, NewVehicle, OpeningHours, Page, PageQuery, Plate, Quote, Rate, RateSet, RatesInput, Vehicle, VehicleCategory, VehiclePatch,
    VehicleQuery, phone,
};
use crate::repo::{self, AgencyFilter, VehicleFilter};

// ---------------------------------------------------------------------------------------------
// Pricing

/// Why a rental cannot be priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    /// The return is not after the pickup.
    #[error("the return must be after the pickup")]
    ReturnNotAfterPickup,
    /// The total does not fit in the money type (absurd durations or rates).
    #[error("the price is too large to compute")]
    Overflow,
}

/// Started 24 h periods between two instants: 24 h → 1, 24 h + 1 min → 2, 1 min → 1.
pub fn rental_days(pickup_at: DateTime<Utc>, return_at: DateTime<Utc>) -> Result<u32, PricingError> {
    let duration = return_at - pickup_at;
    if duration <= TimeDelta::zero() {
        return Err(PricingError::ReturnNotAfterPickup);
    }
    let whole = duration.num_days();
    let started = if duration > TimeDelta::days(whole) { whole + 1 } else { whole };
    u32::try_from(started).map_err(|_| PricingError::Overflow)
}

/// Whether a rental is one-way: returned to another agency than the pickup one.
pub fn is_one_way(pickup_agency: Uuid, return_agency: Uuid) -> bool {
    pickup_agency != return_agency
}

/// The price of a rental under `rate` (DESIGN §5): `daily rate × started 24 h periods`, plus the
/// rate's one-way fee when `one_way`.
pub fn price(rate: &Rate, pickup_at: DateTime<Utc>, return_at: DateTime<Utc>, one_way: bool) -> Result<Quote, PricingError> {
    let days = rental_days(pickup_at, return_at)?;
    let currency = rate.daily_rate.currency;
    let one_way_fee = if one_way { rate.one_way_fee } else { Money::zero(currency) };
    let total = rate
        .daily_rate
        .amount_minor
        .checked_mul(i64::from(days))
        .and_then(|rent| rent.checked_add(one_way_fee.amount_minor))
        .ok_or(PricingError::Overflow)?;
    Ok(Quote { days, daily_rate: rate.daily_rate, one_way_fee, total: Money::new(total, currency) })
}

/// [`price`] for a rental from `pickup_agency` to `return_agency`.
pub fn quote_between(
    rate: &Rate,
    pickup_agency: Uuid,
    return_agency: Uuid,
    pickup_at: DateTime<Utc>,
    return_at: DateTime<Utc>,
) -> Result<Quote, PricingError> {
    price(rate, pickup_at, return_at, is_one_way(pickup_agency, return_agency))
}

// ---------------------------------------------------------------------------------------------
// Agency-local time

/// Why an agency-local date-time cannot be turned into an instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    /// Not `YYYY-MM-DDTHH:MM[:SS][offset]`.
    #[error("expected an agency-local date-time YYYY-MM-DDTHH:MM, e.g. 2026-12-01T10:00")]
    Malformed,
    /// Skipped by a daylight-saving change in that zone.
    #[error("{local} does not exist in {zone}: clocks skip that time when daylight-saving time starts")]
    Nonexistent {
        /// The local date-time asked for.
        local: NaiveDateTime,
        /// The zone's IANA name.
        zone: &'static str,
    },
    /// An offset was given that the zone does not use at that time.
    #[error("the offset {given} is not the offset of {zone} at that time ({expected})")]
    OffsetMismatch {
        /// The offset in the input.
        given: FixedOffset,
        /// The zone's offset at that instant.
        expected: FixedOffset,
        /// The zone's IANA name.
        zone: &'static str,
    },
}

/// The instant of a local date-time in `zone`: a skipped time is an error, a repeated time is its
/// earlier occurrence.
pub fn local_to_utc(zone: Tz, local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeError> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) => Ok(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(earliest, _latest) => Ok(earliest.with_timezone(&Utc)),
        LocalResult::None => Err(LocalTimeError::Nonexistent { local, zone: zone.name() }),
    }
}

/// An instant on the clock of `zone`.
pub fn utc_to_local(zone: Tz, at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&zone)
}

/// Parses a request's agency-local date-time (API.md): `YYYY-MM-DDTHH:MM` (seconds optional),
/// read in `zone`; an offset, if present, must be the zone's at that instant.
pub fn parse_agency_local(zone: Tz, input: &str) -> Result<DateTime<Utc>, LocalTimeError> {
    let input = input.trim();
    let zulu = input.strip_suffix(['Z', 'z']).map(|rest| format!("{rest}+00:00"));
    let input = zulu.as_deref().unwrap_or(input);
    let with_offset = DateTime::parse_from_rfc3339(input).or_else(|_| DateTime::parse_from_str(input, "%Y-%m-%dT%H:%M%:z"));
    if let Ok(at) = with_offset {
        let expected = zone.offset_from_utc_datetime(&at.naive_utc()).fix();
        if expected != *at.offset() {
            return Err(LocalTimeError::OffsetMismatch { given: *at.offset(), expected, zone: zone.name() });
        }
        return Ok(at.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| LocalTimeError::Malformed)?;
    local_to_utc(zone, local)
}

impl Agency {
    /// The instant of a local date-time of this agency (see [`local_to_utc`]).
    pub fn local_to_utc(&self, local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeError> {
        local_to_utc(self.time_zone.tz(), local)
    }

    /// An instant on this agency's clock.
    pub fn utc_to_local(&self, at: DateTime<Utc>) -> DateTime<Tz> {
        utc_to_local(self.time_zone.tz(), at)
    }

    /// The agency-local date of an instant (the date a rate is chosen by).
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        self.utc_to_local(at).date_naive()
    }

    /// Whether the agency is open at an instant, by its local opening hours.
    pub fn is_open_at(&self, at: DateTime<Utc>) -> bool {
        self.opening_hours.is_open_at(self.utc_to_local(at).naive_local())
    }
}

// ---------------------------------------------------------------------------------------------
// Input validation (pure)

/// Longest name or model.
const NAME_MAX: usize = 120;
/// Largest daily rate or one-way fee, in minor units (100 000.00).
pub const AMOUNT_MAX: i64 = 10_000_000;
/// Most rates in one agency's set.
pub const RATES_MAX: usize = 500;

/// A category code from a request: malformed or with letters outside the ACRISS tables →
/// `invalid`; valid ACRISS but not one of ours → `unknown_category`.
pub fn known_category(raw: &str, known: &BTreeSet<String>) -> Result<AcrissCode, InvalidValue> {
    let code = AcrissCode::parse(raw).map_err(|e| match e {
        AcrissError::Malformed if raw.trim().is_empty() => InvalidValue::required("an ACRISS category is required, e.g. CDMR"),
        other => InvalidValue::invalid(other.to_string()),
    })?;
    if known.contains(code.as_str()) {
        Ok(code)
    } else {
        Err(InvalidValue::new("unknown_category", format!("{code} is not a vehicle category of the catalog")))
    }
}

/// An agency's address: a postal address (its postal code free text, as staff type it) in one of
/// our markets.
fn address(errors: &mut FieldErrors, input: &PostalAddressInput) -> Option<Address> {
    let postal = errors.merge(input.parse_with("address", PostalCodeRule::FreeText))?;
    let market = errors.check("address.countryCode", Market::try_from(postal.country_code))?;
    Some(Address {
        line1: postal.line1,
        line2: postal.line2,
        postal_code: postal.postal_code.into(),
        city: postal.city,
        country_code: market,
    })
}

fn opening_hours(errors: &mut FieldErrors, input: &[crate::model::OpeningPeriodInput]) -> Option<OpeningHours> {
    errors.merge(OpeningHours::parse("openingHours", input))
}

/// An agency's contact email (the agency's, not a user's: no verification).
fn email(raw: &str) -> Result<String, InvalidValue> {
    Email::parse(raw).map(String::from)
}

/// A new agency from `POST /agencies` (or the ops CLI), with id `id`.
pub fn validate_new_agency(input: &NewAgency, id: Uuid) -> Result<Agency, CatalogError> {
    let mut errors = FieldErrors::new();
    let code = errors.check("code", input.code.parse::<AgencyCode>());
    let name = errors.check("name", single_line(&input.name, NAME_MAX));
    let address = address(&mut errors, &input.address);
    let time_zone = errors.check("timeZone", input.time_zone.parse::<IanaTimeZone>());
    let phone = errors.check("phone", phone(&input.phone));
    let email = errors.check("email", email(&input.email));
    let hours = opening_hours(&mut errors, &input.opening_hours);
    let country = Market::parse(&input.address.country_code).ok();
    let currency = match (country, input.currency.as_deref()) {
        (Some(country), None) => Some(country.currency()),
        (country, Some(raw)) => match (country, errors.check("currency", raw.parse::<CurrencyCode>())) {
            (Some(country), Some(currency)) if currency == country.currency() => Some(currency),
            (Some(country), Some(_)) => {
                errors.push(InvalidValue::invalid(format!("agencies in {country} price in {}", country.currency())).at("currency"));
                None
            }
            _ => None,
        },
        (None, None) => None,
    };
    errors.finish()?;
    let (Some(code), Some(name), Some(address), Some(time_zone), Some(phone), Some(email), Some(opening_hours), Some(currency)) =
        (code, name, address, time_zone, phone, email, hours, currency)
    else {
        return Err(CatalogError::Invalid(Vec::new()));
    };
    Ok(Agency {
        id,
        code,
        name,
        city: address.city.clone(),
        country_code: address.country_code,
        address,
        time_zone,
        currency,
        phone,
        email,
        opening_hours,
        active: input.active.unwrap_or(true),
    })
}

/// `current` with a `PATCH /agencies/{id}` applied; the country (hence the currency) never changes.
pub fn apply_agency_patch(current: &Agency, patch: &AgencyPatch) -> Result<Agency, CatalogError> {
    let mut errors = FieldErrors::new();
    let mut next = current.clone();
    if let Some(raw) = &patch.name {
        next.name = errors.check("name", single_line(raw, NAME_MAX)).unwrap_or_default();
    }
    if let Some(input) = &patch.address
        && let Some(address) = address(&mut errors, input)
    {
        if address.country_code == current.country_code {
            next.city = address.city.clone();
            next.address = address;
        } else {
            errors.push(
                InvalidValue::invalid(format!("an agency cannot move to another country (it is in {})", current.country_code))
                    .at("address.countryCode"),
            );
        }
    }
    if let Some(raw) = &patch.time_zone {
        next.time_zone = errors.check("timeZone", raw.parse::<IanaTimeZone>()).unwrap_or(current.time_zone);
    }
    if let Some(raw) = &patch.phone {
        next.phone = errors.check("phone", phone(raw)).unwrap_or_default();
    }
    if let Some(raw) = &patch.email {
        next.email = errors.check("email", email(raw)).unwrap_or_default();
    }
    if let Some(input) = &patch.opening_hours {
        next.opening_hours = opening_hours(&mut errors, input).unwrap_or_default();
    }
    if let Some(active) = patch.active {
        next.active = active;
    }
    errors.finish()?;
    Ok(next)
}

/// A new vehicle of `agency_id` from `POST /agencies/{id}/vehicles`, with id `id`.
pub fn validate_new_vehicle(agency_id: Uuid, input: &NewVehicle, known: &BTreeSet<String>, id: Uuid) -> Result<Vehicle, CatalogError> {
    let mut errors = FieldErrors::new();
    let category = errors.check("category", known_category(&input.category, known));
    let plate = errors.check("plate", input.plate.parse::<Plate>());
    let model = errors.check("model", single_line(&input.model, NAME_MAX));
    errors.finish()?;
    match (category, plate, model) {
        (Some(category), Some(plate), Some(model)) => {
            Ok(Vehicle { id, agency_id, category, plate, model, active: input.active.unwrap_or(true) })
        }
        _ => Err(CatalogError::Invalid(Vec::new())),
    }
}

/// `current` with a `PATCH /vehicles/{id}` applied.
pub fn apply_vehicle_patch(current: &Vehicle, patch: &VehiclePatch, known: &BTreeSet<String>) -> Result<Vehicle, CatalogError> {
    let mut errors = FieldErrors::new();
    let mut next = current.clone();
    if let Some(raw) = &patch.category {
        next.category = errors.check("category", known_category(raw, known)).unwrap_or(current.category);
    }
    if let Some(raw) = &patch.plate {
        next.plate = errors.check("plate", raw.parse::<Plate>()).unwrap_or_else(|| current.plate.clone());
    }
    if let Some(raw) = &patch.model {
        next.model = errors.check("model", single_line(raw, NAME_MAX)).unwrap_or_default();
    }
    if let Some(active) = patch.active {
        next.active = active;
    }
    errors.finish()?;
    Ok(next)
}

fn amount(errors: &mut FieldErrors, field: &str, input: &MoneyInput, currency: CurrencyCode, minimum: i64) -> Option<Money> {
    let given = errors.check(&format!("{field}.currency"), input.currency.parse::<CurrencyCode>());
    if given.is_some_and(|given| given != currency) {
        errors.push(InvalidValue::invalid(format!("this agency prices in {currency}")).at(format!("{field}.currency")));
    }
    if !(minimum..=AMOUNT_MAX).contains(&input.amount_minor) {
        let message = format!("minor units from {minimum} to {AMOUNT_MAX}");
        errors.push(InvalidValue::invalid(message).at(format!("{field}.amountMinor")));
        return None;
    }
    (given == Some(currency)).then(|| Money::new(input.amount_minor, currency))
}

/// The rate set of `PUT /agencies/{id}/rates`: known categories, the agency's currency, a daily rate
/// > 0, a fee ≥ 0, `validTo` ≥ `validFrom`, and no two periods of one category overlapping.
pub fn validate_rates(agency: &Agency, input: &RatesInput, known: &BTreeSet<String>) -> Result<Vec<Rate>, CatalogError> {
    if input.items.len() > RATES_MAX {
        return Err(CatalogError::field("items", InvalidValue::invalid(format!("at most {RATES_MAX} rates per agency"))));
    }
    let mut errors = FieldErrors::new();
    let mut rates: Vec<(usize, Rate)> = Vec::new();
    for (i, item) in input.items.iter().enumerate() {
        let at = |name: &str| format!("items[{i}].{name}");
        let category = errors.check(&at("category"), known_category(&item.category, known));
        let daily_rate = amount(&mut errors, &at("dailyRate"), &item.daily_rate, agency.currency, 1);
        let one_way_fee = amount(&mut errors, &at("oneWayFee"), &item.one_way_fee, agency.currency, 0);
        if item.valid_to.is_some_and(|to| to < item.valid_from) {
            errors.push(InvalidValue::invalid("must not be before validFrom").at(at("validTo")));
            continue;
        }
        if let (Some(category), Some(daily_rate), Some(one_way_fee)) = (category, daily_rate, one_way_fee) {
            let rate =
                Rate { agency_id: agency.id, category, daily_rate, one_way_fee, valid_from: item.valid_from, valid_to: item.valid_to };
            rates.push((i, rate));
        }
    }
    rates.sort_by_key(|(_, a)| (a.category, a.valid_from));
    for pair in rates.windows(2) {
        let ((first, a), (second, b)) = (&pair[0], &pair[1]);
        if a.category == b.category && a.valid_to.is_none_or(|to| to >= b.valid_from) {
            let (later, earlier) = if first > second { (first, second) } else { (second, first) };
            errors.push(FieldError::new(
                format!("items[{later}].validFrom"),
                "invalid",
                format!("overlaps the {} period of items[{earlier}]", a.category),
            ));
        }
    }
    errors.finish()?;
    Ok(rates.into_iter().map(|(_, rate)| rate).collect())
}

/// An agent's access to an agency's resources: their own agency only; 404 otherwise (API.md).
pub fn ensure_own_agency(actor_agency: Uuid, agency_id: Uuid) -> Result<(), CatalogError> {
    if actor_agency == agency_id { Ok(()) } else { Err(CatalogError::NotFound) }
}

/// Whether a token may create agencies over HTTP. API.md gives this right to agents with the
/// `agencies:create` scope; access tokens carry no scopes yet, so no token has it and agencies are
/// created by ops with `ycyw-worker create-agency` (or `seed-demo`). When auth adds scopes, this
/// is the one place to read them.
pub fn may_create_agencies(_claims: &ycyw_shared::auth::Claims) -> bool {
    false
}

// ---------------------------------------------------------------------------------------------
// Operations

fn agency_filter(query: &AgencyQuery) -> Result<AgencyFilter, CatalogError> {
    let mut errors = FieldErrors::new();
    let non_empty = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let country = non_empty(&query.country).and_then(|raw| errors.check("country", Market::parse(&raw)));
    let city = non_empty(&query.city);
    let text = non_empty(&query.q);
    if city.as_ref().is_some_and(|c| c.chars().count() > 100) {
        errors.push(InvalidValue::invalid("at most 100 characters").at("city"));
    }
    if text.as_ref().is_some_and(|t| t.chars().count() > 100) {
        errors.push(InvalidValue::invalid("at most 100 characters").at("q"));
    }
    errors.finish()?;
    Ok(AgencyFilter { country, city, text, include_inactive: false })
}

/// `GET /agencies`: active agencies, by code.
pub async fn list_agencies(db: &MySqlPool, query: &AgencyQuery, page: &PageQuery) -> Result<Page<Agency>, CatalogError> {
    let pagination = Pagination::parse(page)?;
    let filter = agency_filter(query)?;
    let rows = repo::list_agencies(db, &filter, pagination.after.as_deref(), pagination.fetch()).await?;
    Ok(pagination.page(rows, |a| a.code.as_str()))
}

/// `GET /agencies/{id}`: an active agency; an inactive one only for its own agents.
pub async fn public_agency(db: &MySqlPool, id: Uuid, viewer_agency: Option<Uuid>) -> Result<Agency, CatalogError> {
    match repo::find_agency(db, id).await? {
        Some(agency) if agency.active || viewer_agency == Some(agency.id) => Ok(agency),
        _ => Err(CatalogError::NotFound),
    }
}

/// Creates an agency (ops CLI; `POST /agencies` once tokens can carry the right).
pub async fn create_agency(db: &MySqlPool, input: &NewAgency, now: DateTime<Utc>) -> Result<Agency, CatalogError> {
    let agency = validate_new_agency(input, Uuid::now_v7())?;
    let mut tx = db.begin().await?;
    repo::insert_agency(&mut tx, &agency, now).await.on_constraint("agencies_code_uq", || {
        CatalogError::field("code", InvalidValue::new("taken", format!("{} is already used", agency.code)))
    })?;
    tx.commit().await?;
    Ok(agency)
}

/// `PATCH /agencies/{id}` by an agent of that agency.
pub async fn update_agency(
    db: &MySqlPool,
    actor_agency: Uuid,
    id: Uuid,
    patch: &AgencyPatch,
    now: DateTime<Utc>,
) -> Result<Agency, CatalogError> {
    ensure_own_agency(actor_agency, id)?;
    let mut tx = db.begin().await?;
    if !repo::lock_agency(&mut tx, id).await? {
        return Err(CatalogError::NotFound);
    }
    let current = repo::find_agency(&mut *tx, id).await?.ok_or(CatalogError::NotFound)?;
    let next = apply_agency_patch(&current, patch)?;
    if next != current {
        repo::update_agency(&mut tx, &next, now).await?;
    }
    tx.commit().await?;
    Ok(next)
}

/// `GET /vehicle-categories`, by code.
pub async fn list_categories(db: &MySqlPool, page: &PageQuery) -> Result<Page<VehicleCategory>, CatalogError> {
    let pagination = Pagination::parse(page)?;
    let rows = repo::list_categories(db, pagination.after.as_deref(), pagination.fetch()).await?;
    Ok(pagination.page(rows, |c| c.code.as_str()))
}

async fn own_existing_agency(db: &MySqlPool, actor_agency: Uuid, agency_id: Uuid) -> Result<Agency, CatalogError> {
    ensure_own_agency(actor_agency, agency_id)?;
    repo::find_agency(db, agency_id).await?.ok_or(CatalogError::NotFound)
}

/// `GET /agencies/{id}/vehicles`: the fleet, active and inactive, by plate.
pub async fn list_vehicles(
    db: &MySqlPool,
    actor_agency: Uuid,
    agency_id: Uuid,
    query: &VehicleQuery,
    page: &PageQuery,
) -> Result<Page<Vehicle>, CatalogError> {
    own_existing_agency(db, actor_agency, agency_id).await?;
    let pagination = Pagination::parse(page)?;
    let mut errors = FieldErrors::new();
    let category = match query.category.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => errors.check("category", AcrissCode::parse(raw).map_err(|e| InvalidValue::invalid(e.to_string()))),
    };
    let active = match query.active.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            errors.push(InvalidValue::invalid("true or false").at("active"));
            None
        }
    };
    errors.finish()?;
    let filter = VehicleFilter { category, active };
    let rows = repo::list_vehicles(db, agency_id, &filter, pagination.after.as_deref(), pagination.fetch()).await?;
    Ok(pagination.page(rows, |v| v.plate.as_str()))
}

fn plate_taken(vehicle: &Vehicle) -> CatalogError {
    CatalogError::field("plate", InvalidValue::new("taken", format!("a vehicle with plate {} exists", vehicle.plate.as_str())))
}

/// `POST /agencies/{id}/vehicles`.
pub async fn create_vehicle(
    db: &MySqlPool,
    actor_agency: Uuid,
    agency_id: Uuid,
    input: &NewVehicle,
    now: DateTime<Utc>,
) -> Result<Vehicle, CatalogError> {
    own_existing_agency(db, actor_agency, agency_id).await?;
    let known = repo::category_codes(db).await?;
    let vehicle = validate_new_vehicle(agency_id, input, &known, Uuid::now_v7())?;
    repo::insert_vehicle(db, &vehicle, now).await.on_constraint("vehicles_plate_uq", || plate_taken(&vehicle))?;
    Ok(vehicle)
}

/// `PATCH /vehicles/{id}` by an agent of the vehicle's agency.
pub async fn update_vehicle(
    db: &MySqlPool,
    actor_agency: Uuid,
    id: Uuid,
    patch: &VehiclePatch,
    now: DateTime<Utc>,
) -> Result<Vehicle, CatalogError> {
    let known = repo::category_codes(db).await?;
    let mut tx = db.begin().await?;
    if !repo::lock_vehicle(&mut tx, id).await? {
        return Err(CatalogError::NotFound);
    }
    let current = repo::find_vehicle(&mut *tx, id).await?.ok_or(CatalogError::NotFound)?;
    ensure_own_agency(actor_agency, current.agency_id)?;
    let next = apply_vehicle_patch(&current, patch, &known)?;
    if next != current {
        repo::update_vehicle(&mut *tx, &next, now).await.on_constraint("vehicles_plate_uq", || plate_taken(&next))?;
    }
    tx.commit().await?;
    Ok(next)
}

/// 404 unless the vehicle exists and belongs to the agent's agency.
pub async fn ensure_vehicle_owner(db: &MySqlPool, actor_agency: Uuid, id: Uuid) -> Result<(), CatalogError> {
    let vehicle = repo::find_vehicle(db, id).await?.ok_or(CatalogError::NotFound)?;
    ensure_own_agency(actor_agency, vehicle.agency_id)
}

/// `DELETE /vehicles/{id}`: deactivates (reservations keep referring to it); repeating it is a no-op.
pub async fn deactivate_vehicle(db: &MySqlPool, actor_agency: Uuid, id: Uuid, now: DateTime<Utc>) -> Result<(), CatalogError> {
    let patch = VehiclePatch { active: Some(false), ..VehiclePatch::default() };
    update_vehicle(db, actor_agency, id, &patch, now).await.map(|_| ())
}

/// `GET /agencies/{id}/rates`.
pub async fn rates(db: &MySqlPool, actor_agency: Uuid, agency_id: Uuid) -> Result<RateSet, CatalogError> {
    own_existing_agency(db, actor_agency, agency_id).await?;
    Ok(RateSet { items: repo::list_rates(db, agency_id).await?, next_cursor: None })
}

/// `PUT /agencies/{id}/rates`: replaces the whole set in one transaction.
pub async fn replace_rates(
    db: &MySqlPool,
    actor_agency: Uuid,
    agency_id: Uuid,
    input: &RatesInput,
    now: DateTime<Utc>,
) -> Result<RateSet, CatalogError> {
    let agency = own_existing_agency(db, actor_agency, agency_id).await?;
    let known = repo::category_codes(db).await?;
    let rates = validate_rates(&agency, input, &known)?;
    let mut tx = db.begin().await?;
    if !repo::lock_agency(&mut tx, agency_id).await? {
        return Err(CatalogError::NotFound);
    }
    repo::replace_rates(&mut tx, agency_id, &rates, now).await?;
    let items = repo::list_rates(&mut *tx, agency_id).await?;
    tx.commit().await?;
    Ok(RateSet { items, next_cursor: None })
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use chrono_tz::America::Toronto;
    use chrono_tz::Europe::{London, Paris};
    use proptest::prelude::*;

    use super::*;
    use crate::model::test_support::spliced;
    use crate::model::{OpeningPeriodInput, RateInput};

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, 0).unwrap()
    }

    fn rate(daily: i64, fee: i64) -> Rate {
        Rate {
            agency_id: Uuid::nil(),
            category: AcrissCode::parse("CDMR").unwrap(),
            daily_rate: Money::new(daily, CurrencyCode::Eur),
            one_way_fee: Money::new(fee, CurrencyCode::Eur),
            valid_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            valid_to: None,
        }
    }

    #[test]
    fn days_are_started_24_hour_periods() {
        let start = utc(2026, 12, 1, 9, 0);
        let days = |d: Duration| rental_days(start, start + d);
        assert_eq!(days(Duration::minutes(1)), Ok(1));
        assert_eq!(days(Duration::hours(24)), Ok(1));
        assert_eq!(days(Duration::hours(24) + Duration::minutes(1)), Ok(2));
        assert_eq!(days(Duration::hours(24) + Duration::microseconds(1)), Ok(2));
        assert_eq!(days(Duration::days(3)), Ok(3));
        assert_eq!(days(Duration::days(90)), Ok(90));
        assert_eq!(days(Duration::zero()), Err(PricingError::ReturnNotAfterPickup));
        assert_eq!(days(-Duration::hours(1)), Err(PricingError::ReturnNotAfterPickup));
    }

    #[test]
    fn price_is_daily_rate_times_days_plus_the_fee_when_one_way() {
        let start = utc(2026, 12, 1, 9, 0);
        let quote = price(&rate(4900, 7500), start, start + Duration::days(3), false).unwrap();
        assert_eq!(
            (quote.days, quote.total, quote.one_way_fee),
            (3, Money::new(14_700, CurrencyCode::Eur), Money::zero(CurrencyCode::Eur))
        );
        let quote = price(&rate(4900, 7500), start, start + Duration::days(3) + Duration::minutes(1), true).unwrap();
        assert_eq!((quote.days, quote.total.amount_minor, quote.one_way_fee.amount_minor), (4, 4 * 4900 + 7500, 7500));
        assert_eq!(price(&rate(i64::MAX / 2, 0), start, start + Duration::days(3), false), Err(PricingError::Overflow));
    }

    #[test]
    fn periods_are_elapsed_time_across_daylight_saving_changes() {
        // 10:00 → 10:00 in Paris across the autumn change is 25 h: two started periods.
        let pickup = local_to_utc(Paris, local(2026, 10, 24, 10, 0)).unwrap();
        let back = local_to_utc(Paris, local(2026, 10, 25, 10, 0)).unwrap();
        assert_eq!(back - pickup, Duration::hours(25));
        assert_eq!(rental_days(pickup, back), Ok(2));
        // And across the spring change, 23 h: one.
        let pickup = local_to_utc(Paris, local(2026, 3, 28, 10, 0)).unwrap();
        let back = local_to_utc(Paris, local(2026, 3, 29, 10, 0)).unwrap();
        assert_eq!(rental_days(pickup, back), Ok(1));
    }

    #[test]
    fn paris_spring_forward_gap_is_rejected() {
        let err = local_to_utc(Paris, local(2026, 3, 29, 2, 30)).unwrap_err();
        assert_eq!(err, LocalTimeError::Nonexistent { local: local(2026, 3, 29, 2, 30), zone: "Europe/Paris" });
        assert!(err.to_string().contains("does not exist in Europe/Paris"), "{err}");
        assert_eq!(parse_agency_local(Paris, "2026-03-29T02:30"), Err(err));
        // Either side of the gap exists.
        assert_eq!(local_to_utc(Paris, local(2026, 3, 29, 1, 59)), Ok(utc(2026, 3, 29, 0, 59)));
        assert_eq!(local_to_utc(Paris, local(2026, 3, 29, 3, 0)), Ok(utc(2026, 3, 29, 1, 0)));
    }

    #[test]
    fn autumn_overlap_resolves_to_the_earlier_instant_unless_an_offset_says_otherwise() {
        // 02:30 happens twice in Paris on 2026-10-25: first at +02:00, then at +01:00.
        assert_eq!(local_to_utc(Paris, local(2026, 10, 25, 2, 30)), Ok(utc(2026, 10, 25, 0, 30)));
        assert_eq!(parse_agency_local(Paris, "2026-10-25T02:30"), Ok(utc(2026, 10, 25, 0, 30)));
        assert_eq!(parse_agency_local(Paris, "2026-10-25T02:30+01:00"), Ok(utc(2026, 10, 25, 1, 30)));
        assert_eq!(parse_agency_local(Paris, "2026-10-25T02:30:00+02:00"), Ok(utc(2026, 10, 25, 0, 30)));
    }

    #[test]
    fn toronto_offsets_are_right_across_dst() {
        // EST (-05:00) until 2026-03-08 02:00, EDT (-04:00) until 2026-11-01 02:00.
        let offset = |at: DateTime<Utc>| utc_to_local(Toronto, at).offset().fix().local_minus_utc() / 3600;
        assert_eq!(offset(utc(2026, 3, 8, 6, 59)), -5);
        assert_eq!(offset(utc(2026, 3, 8, 7, 0)), -4);
        assert_eq!(offset(utc(2026, 11, 1, 5, 59)), -4);
        assert_eq!(offset(utc(2026, 11, 1, 6, 0)), -5);
        assert_eq!(local_to_utc(Toronto, local(2026, 1, 15, 10, 0)), Ok(utc(2026, 1, 15, 15, 0)));
        assert_eq!(local_to_utc(Toronto, local(2026, 7, 15, 10, 0)), Ok(utc(2026, 7, 15, 14, 0)));
        assert!(matches!(local_to_utc(Toronto, local(2026, 3, 8, 2, 30)), Err(LocalTimeError::Nonexistent { .. })));
        assert_eq!(local_to_utc(Toronto, local(2026, 11, 1, 1, 30)), Ok(utc(2026, 11, 1, 5, 30)), "earlier of the two 01:30");
    }

    #[test]
    fn london_offsets_are_right_across_dst() {
        // GMT until 2026-03-29 01:00 UTC, BST (+01:00) until 2026-10-25 01:00 UTC.
        let offset = |at: DateTime<Utc>| utc_to_local(London, at).offset().fix().local_minus_utc() / 3600;
        assert_eq!(offset(utc(2026, 3, 29, 0, 59)), 0);
        assert_eq!(offset(utc(2026, 3, 29, 1, 0)), 1);
        assert_eq!(offset(utc(2026, 10, 25, 0, 59)), 1);
        assert_eq!(offset(utc(2026, 10, 25, 1, 0)), 0);
        assert_eq!(local_to_utc(London, local(2026, 12, 1, 10, 0)), Ok(utc(2026, 12, 1, 10, 0)));
        assert_eq!(local_to_utc(London, local(2026, 6, 1, 10, 0)), Ok(utc(2026, 6, 1, 9, 0)));
        assert!(matches!(local_to_utc(London, local(2026, 3, 29, 1, 30)), Err(LocalTimeError::Nonexistent { .. })));
        assert_eq!(utc_to_local(London, utc(2026, 6, 1, 9, 0)).to_rfc3339(), "2026-06-01T10:00:00+01:00");
    }

    #[test]
    fn agency_local_input_is_parsed_strictly() {
        assert_eq!(parse_agency_local(Paris, "2026-12-01T10:00"), Ok(utc(2026, 12, 1, 9, 0)));
        assert_eq!(parse_agency_local(Paris, "2026-12-01T10:00:30"), Ok(utc(2026, 12, 1, 9, 0) + Duration::seconds(30)));
        assert_eq!(parse_agency_local(Paris, "2026-12-01T10:00+01:00"), Ok(utc(2026, 12, 1, 9, 0)));
        assert!(matches!(parse_agency_local(Paris, "2026-12-01T10:00+02:00"), Err(LocalTimeError::OffsetMismatch { .. })));
        assert!(matches!(parse_agency_local(Paris, "2026-12-01T10:00Z"), Err(LocalTimeError::OffsetMismatch { .. })));
        for bad in ["2026-12-01", "01/12/2026 10:00", "2026-13-01T10:00", "2026-12-01T25:00", ""] {
            assert_eq!(parse_agency_local(Paris, bad), Err(LocalTimeError::Malformed), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn price_never_decreases_with_duration(
            daily in 1i64..=AMOUNT_MAX,
            fee in 0i64..=AMOUNT_MAX,
            minutes in 1i64..=(90 * 24 * 60),
            extra in 0i64..=(90 * 24 * 60),
            one_way in any::<bool>(),
        ) {
            let start = utc(2026, 12, 1, 9, 0);
            let rate = rate(daily, fee);
            let shorter = price(&rate, start, start + Duration::minutes(minutes), one_way).unwrap();
            let longer = price(&rate, start, start + Duration::minutes(minutes + extra), one_way).unwrap();
            prop_assert!(longer.days >= shorter.days);
            prop_assert!(longer.total.amount_minor >= shorter.total.amount_minor);
            prop_assert_eq!(shorter.total.amount_minor, daily * i64::from(shorter.days) + if one_way { fee } else { 0 });
        }

        #[test]
        fn days_are_the_smallest_number_of_periods_covering_the_rental(seconds in 1i64..=(365 * 86_400)) {
            let start = utc(2026, 1, 1, 0, 0);
            let days = i64::from(rental_days(start, start + Duration::seconds(seconds)).unwrap());
            prop_assert!(days * 86_400 >= seconds);
            prop_assert!((days - 1) * 86_400 < seconds);
        }

        #[test]
        fn the_one_way_fee_is_charged_only_when_agencies_differ(
            daily in 1i64..=AMOUNT_MAX,
            fee in 0i64..=AMOUNT_MAX,
            hours in 1i64..=(90 * 24),
            same in any::<bool>(),
            a in any::<u128>(),
            b in any::<u128>(),
        ) {
            let pickup_agency = Uuid::from_u128(a);
            let return_agency = if same { pickup_agency } else { Uuid::from_u128(b) };
            let start = utc(2026, 12, 1, 9, 0);
            let quote = quote_between(&rate(daily, fee), pickup_agency, return_agency, start, start + Duration::hours(hours)).unwrap();
            let round_trip = quote_between(&rate(daily, fee), pickup_agency, pickup_agency, start, start + Duration::hours(hours)).unwrap();
            if pickup_agency == return_agency {
                prop_assert_eq!(quote.one_way_fee.amount_minor, 0);
                prop_assert_eq!(quote.total, round_trip.total);
            } else {
                prop_assert_eq!(quote.one_way_fee.amount_minor, fee);
                prop_assert_eq!(quote.total.amount_minor, round_trip.total.amount_minor + fee);
            }
        }

        #[test]
        fn local_times_round_trip_in_every_market_zone(
            zone in prop::sample::select(vec![Paris, London, Toronto, chrono_tz::America::Los_Angeles, chrono_tz::Atlantic::Canary]),
            minutes in 0i64..(2 * 365 * 24 * 60),
        ) {
            let local = local(2026, 1, 1, 0, 0) + Duration::minutes(minutes);
            match local_to_utc(zone, local) {
                Ok(at) => prop_assert_eq!(utc_to_local(zone, at).naive_local(), local),
                Err(LocalTimeError::Nonexistent { .. }) => {
                    prop_assert!(matches!(zone.from_local_datetime(&local), LocalResult::None));
                }
                Err(other) => prop_assert!(false, "unexpected {other}"),
            }
        }
    }

    fn known() -> BTreeSet<String> {
        ["CDMR", "ECMR", "IDAR"].into_iter().map(String::from).collect()
    }

    fn new_agency() -> NewAgency {
        serde_json::from_value(serde_json::json!({
            "code": "par-gdl", "name": "Paris Gare de Lyon",
            "address": { "line1": "20 boulevard Diderot", "postalCode": "75012", "city": "Paris", "countryCode": "FR" },
            "timeZone": "Europe/Paris", "phone": "+33 1 99 00 12 34", "email": "par-gdl@example.com",
            "openingHours": [{ "weekday": 1, "opens": "08:00", "closes": "19:00" }]
        }))
        .unwrap()
    }

    fn fields(error: CatalogError) -> Vec<(String, String)> {
        match error {
            CatalogError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_agency_takes_its_markets_currency() {
        let agency = validate_new_agency(&new_agency(), Uuid::nil()).unwrap();
        assert_eq!((agency.code.as_str(), agency.currency, agency.city.as_str()), ("PAR-GDL", CurrencyCode::Eur, "Paris"));
        assert_eq!(agency.phone, "+33199001234");
        assert!(agency.active);
    }

    #[test]
    fn an_invalid_agency_reports_every_field() {
        let mut input = new_agency();
        input.code = "PARIS".into();
        input.time_zone = "Europe/Parys".into();
        input.currency = Some("USD".into());
        input.address.country_code = "FR".into();
        input.address.postal_code = " ".into();
        input.opening_hours = vec![OpeningPeriodInput { weekday: 8, opens: "08:00".into(), closes: "19:00".into() }];
        let errors = fields(validate_new_agency(&input, Uuid::nil()).unwrap_err());
        let expected = [
            ("code", "invalid"),
            ("address.postalCode", "required"),
            ("timeZone", "invalid"),
            ("openingHours[0].weekday", "invalid"),
            ("currency", "invalid"),
        ];
        assert_eq!(errors, expected.map(|(f, c)| (f.to_string(), c.to_string())));
    }

    #[test]
    fn patches_change_only_what_they_name_and_never_the_country() {
        let agency = validate_new_agency(&new_agency(), Uuid::nil()).unwrap();
        let patch = AgencyPatch { name: Some("Paris Bercy".into()), active: Some(false), ..AgencyPatch::default() };
        let next = apply_agency_patch(&agency, &patch).unwrap();
        assert_eq!((next.name.as_str(), next.active, &next.opening_hours), ("Paris Bercy", false, &agency.opening_hours));

        let mut moved = new_agency().address;
        moved.country_code = "DE".into();
        let patch = AgencyPatch { address: Some(moved), phone: Some("123".into()), ..AgencyPatch::default() };
        assert_eq!(
            fields(apply_agency_patch(&agency, &patch).unwrap_err()),
            [("address.countryCode".to_string(), "invalid".to_string()), ("phone".to_string(), "invalid".to_string())]
        );
    }

    #[test]
    fn category_codes_are_invalid_or_unknown() {
        assert_eq!(known_category("cdmr", &known()).map(|c| c.to_string()), Ok("CDMR".into()));
        assert_eq!(known_category("PVAR", &known()).map_err(|e| e.code), Err("unknown_category"));
        assert_eq!(known_category("QQQQ", &known()).map_err(|e| e.code), Err("invalid"));
        assert_eq!(known_category("CD", &known()).map_err(|e| e.code), Err("invalid"));
        assert_eq!(known_category("", &known()).map_err(|e| e.code), Err("required"));
    }

    fn rate_input(category: &str, daily: i64, currency: &str, from: &str, to: Option<&str>) -> RateInput {
        serde_json::from_value(serde_json::json!({
            "category": category,
            "dailyRate": { "amountMinor": daily, "currency": currency },
            "oneWayFee": { "amountMinor": 5000, "currency": currency },
            "validFrom": from, "validTo": to
        }))
        .unwrap()
    }

    #[test]
    fn rate_sets_are_validated_item_by_item_and_for_overlaps() {
        let agency = validate_new_agency(&new_agency(), Uuid::nil()).unwrap();
        let ok = RatesInput {
            items: vec![
                rate_input("CDMR", 4900, "EUR", "2026-07-01", None),
                rate_input("CDMR", 3900, "EUR", "2026-01-01", Some("2026-06-30")),
                rate_input("IDAR", 6500, "EUR", "2026-01-01", None),
            ],
        };
        let rates = validate_rates(&agency, &ok, &known()).unwrap();
        let order: Vec<(String, i64)> = rates.iter().map(|r| (r.category.to_string(), r.daily_rate.amount_minor)).collect();
        assert_eq!(order, [("CDMR".into(), 3900), ("CDMR".into(), 4900), ("IDAR".into(), 6500)]);

        let bad = RatesInput {
            items: vec![
                rate_input("CDMR", 4900, "EUR", "2026-01-01", None),
                rate_input("CDMR", 5900, "EUR", "2026-06-01", None),
                rate_input("PVAR", 0, "GBP", "2026-01-01", Some("2025-01-01")),
                rate_input("ECMR", 0, "EUR", "2026-01-01", None),
            ],
        };
        let errors = fields(validate_rates(&agency, &bad, &known()).unwrap_err());
        let expected = [
            ("items[2].category", "unknown_category"),
            ("items[2].dailyRate.currency", "invalid"),
            ("items[2].dailyRate.amountMinor", "invalid"),
            ("items[2].oneWayFee.currency", "invalid"),
            ("items[2].validTo", "invalid"),
            ("items[3].dailyRate.amountMinor", "invalid"),
            ("items[1].validFrom", "invalid"),
        ];
        assert_eq!(errors, expected.map(|(f, c)| (f.to_string(), c.to_string())));
    }

    #[test]
    fn agents_reach_only_their_own_agency() {
        let (mine, theirs) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(ensure_own_agency(mine, mine).is_ok());
        assert!(matches!(ensure_own_agency(mine, theirs), Err(CatalogError::NotFound)));
    }

    #[test]
    fn wide_characters_at_every_position_are_refused_not_cut() {
        for input in spliced("2026-12-01T10:00:00+01:00") {
            assert!(parse_agency_local(Paris, &input).is_err(), "{input:?}");
        }
        for input in spliced("CDMR") {
            assert!(known_category(&input, &known()).is_err(), "{input:?}");
        }
    }

    fn zones() -> impl Strategy<Value = Tz> {
        prop::sample::select(vec![Paris, London, Toronto, chrono_tz::America::Los_Angeles, chrono_tz::Australia::Lord_Howe])
    }

    proptest! {
        #[test]
        fn request_parsers_never_panic(
            raw in "\\PC*",
            any_raw in ".*",
            dated in "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:?[0-9]{2}|[Zz])?",
            zone in zones(),
        ) {
            for raw in [&raw, &any_raw, &dated] {
                let _ = parse_agency_local(zone, raw);
                let _ = known_category(raw, &known());
            }
        }

        #[test]
        fn agency_and_vehicle_input_never_panics(text in "\\PC{0,40}", any_text in ".{0,40}", country in "\\PC{0,3}|FR|GB|US") {
            let mut input = new_agency();
            input.code = text.clone();
            input.name = any_text.clone();
            input.address.postal_code = any_text.clone();
            input.address.city = text.clone();
            input.address.country_code = country;
            input.time_zone = any_text.clone();
            input.phone = text.clone();
            input.email = any_text.clone();
            input.currency = Some(text.clone());
            input.opening_hours = vec![OpeningPeriodInput { weekday: 1, opens: text.clone(), closes: any_text.clone() }];
            if let Ok(agency) = validate_new_agency(&input, Uuid::nil()) {
                prop_assert_eq!(agency.currency, agency.country_code.currency());
            }
            let vehicle = NewVehicle { category: text.clone(), plate: any_text.clone(), model: text, active: None };
            let _ = validate_new_vehicle(Uuid::nil(), &vehicle, &known(), Uuid::nil());
        }
    }
}
