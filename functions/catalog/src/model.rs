//! The catalog's entities and request/response shapes (camelCase JSON, OpenAPI schemas), and the
//! validated value types they are made of: a value of one of these types is valid by construction,
//! so services and handlers never check it again.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use ycyw_shared::error::FieldError;

pub use crate::acriss::{AcrissCode, AcrissDecoded, AcrissError};

/// Implements the OpenAPI schema of a type serialized as a plain string.
macro_rules! string_schema {
    ($ty:ty, $description:expr, $pattern:expr, $example:expr) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some($description))
                    .pattern(Option::<&str>::from($pattern))
                    .examples([serde_json::json!($example)])
                    .into()
            }
        }
        impl utoipa::ToSchema for $ty {}
    };
}
pub(crate) use string_schema;

/// Why a value was refused: a stable code (API.md) and an English explanation. Becomes a
/// [`FieldError`] once the field is known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidValue {
    /// Stable code: `invalid`, `required`, `unknown_category`, …
    pub code: &'static str,
    /// Explanation.
    pub message: String,
}

impl InvalidValue {
    /// Code `invalid`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self { code: "invalid", message: message.into() }
    }

    /// Code `required`.
    pub fn required(message: impl Into<String>) -> Self {
        Self { code: "required", message: message.into() }
    }

    /// The field error for `field`.
    pub fn at(self, field: impl Into<String>) -> FieldError {
        FieldError::new(field, self.code, self.message)
    }
}

/// A required, trimmed, single-line text of at most `max` characters.
pub fn text(value: &str, max: usize) -> Result<String, InvalidValue> {
    let value = value.trim();
    if value.is_empty() {
        return Err(InvalidValue::required("must not be empty"));
    }
    if value.chars().count() > max {
        return Err(InvalidValue::invalid(format!("at most {max} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(InvalidValue::invalid("must be a single line of text"));
    }
    Ok(value.to_string())
}

/// A market we operate in (ISO 3166-1 alpha-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum CountryCode {
    /// France.
    Fr,
    /// Germany.
    De,
    /// Spain.
    Es,
    /// Italy.
    It,
    /// United Kingdom.
    Gb,
    /// Canada.
    Ca,
    /// United States.
    Us,
}

impl CountryCode {
    /// Every market.
    pub const ALL: [CountryCode; 7] =
        [CountryCode::Fr, CountryCode::De, CountryCode::Es, CountryCode::It, CountryCode::Gb, CountryCode::Ca, CountryCode::Us];

    /// The ISO code.
    pub fn as_str(self) -> &'static str {
        match self {
            CountryCode::Fr => "FR",
            CountryCode::De => "DE",
            CountryCode::Es => "ES",
            CountryCode::It => "IT",
            CountryCode::Gb => "GB",
            CountryCode::Ca => "CA",
            CountryCode::Us => "US",
        }
    }

    /// The currency agencies of this market price in.
    pub fn currency(self) -> CurrencyCode {
        match self {
            CountryCode::Fr | CountryCode::De | CountryCode::Es | CountryCode::It => CurrencyCode::Eur,
            CountryCode::Gb => CurrencyCode::Gbp,
            CountryCode::Ca => CurrencyCode::Cad,
            CountryCode::Us => CurrencyCode::Usd,
        }
    }
}

impl FromStr for CountryCode {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        CountryCode::ALL
            .into_iter()
            .find(|c| c.as_str() == upper)
            .ok_or_else(|| InvalidValue::invalid("must be one of our markets: FR, DE, ES, IT, GB, CA, US"))
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A currency we price in (ISO 4217); every one has two minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum CurrencyCode {
    /// Euro.
    Eur,
    /// Pound sterling.
    Gbp,
    /// Canadian dollar.
    Cad,
    /// US dollar.
    Usd,
}

impl CurrencyCode {
    /// Every currency.
    pub const ALL: [CurrencyCode; 4] = [CurrencyCode::Eur, CurrencyCode::Gbp, CurrencyCode::Cad, CurrencyCode::Usd];

    /// The ISO code.
    pub fn as_str(self) -> &'static str {
        match self {
            CurrencyCode::Eur => "EUR",
            CurrencyCode::Gbp => "GBP",
            CurrencyCode::Cad => "CAD",
            CurrencyCode::Usd => "USD",
        }
    }
}

impl FromStr for CurrencyCode {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        CurrencyCode::ALL
            .into_iter()
            .find(|c| c.as_str() == upper)
            .ok_or_else(|| InvalidValue::invalid("must be one of EUR, GBP, CAD, USD"))
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount in minor units (cents, pence) of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    /// Minor units, e.g. 4900 for 49.00.
    #[schema(example = 4900)]
    pub amount_minor: i64,
    /// ISO 4217 currency.
    pub currency: CurrencyCode,
}

impl Money {
    /// An amount.
    pub fn new(amount_minor: i64, currency: CurrencyCode) -> Self {
        Self { amount_minor, currency }
    }

    /// Zero in `currency`.
    pub fn zero(currency: CurrencyCode) -> Self {
        Self::new(0, currency)
    }
}

/// An agency's business code: three letters (usually the city), a dash, 2 to 6 letters or digits
/// (`PAR-GDL`). Stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct AgencyCode(String);

impl AgencyCode {
    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for AgencyCode {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        let valid = match upper.split_once('-') {
            Some((city, rest)) => {
                city.len() == 3
                    && city.bytes().all(|b| b.is_ascii_uppercase())
                    && (2..=6).contains(&rest.len())
                    && rest.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            }
            None => false,
        };
        if upper.is_empty() {
            return Err(InvalidValue::required("an agency code is required, e.g. PAR-GDL"));
        }
        if !valid {
            return Err(InvalidValue::invalid("three letters, a dash, then 2 to 6 letters or digits, e.g. PAR-GDL"));
        }
        Ok(Self(upper))
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_schema!(AgencyCode, "Agency code", "^[A-Z]{3}-[A-Z0-9]{2,6}$", "PAR-GDL");

/// An IANA time zone of the tz database (`Europe/Paris`), as understood by chrono-tz.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IanaTimeZone(Tz);

impl IanaTimeZone {
    /// The zone, for conversions.
    pub fn tz(self) -> Tz {
        self.0
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl From<Tz> for IanaTimeZone {
    fn from(tz: Tz) -> Self {
        Self(tz)
    }
}

impl FromStr for IanaTimeZone {
    type Err = InvalidValue;

    /// Region zones only (`Area/Location`): `UTC` or `Etc/GMT+1` are not where an agency is.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim();
        match name.parse::<Tz>() {
            Ok(tz) if name.contains('/') && !name.starts_with("Etc/") => Ok(Self(tz)),
            _ => Err(InvalidValue::invalid("must be an IANA time zone such as Europe/Paris or America/Toronto")),
        }
    }
}

impl Serialize for IanaTimeZone {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

string_schema!(IanaTimeZone, "IANA time zone", None::<&str>, "Europe/Paris");

/// A licence plate, upper-case, single spaces: letters, digits, spaces and dashes, 2 to 12
/// characters (`AB-123-CD`, `M-AB 1234`, `7ABC123`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Plate(String);

impl Plate {
    /// The plate.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Plate {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let normalised = s.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
        if normalised.is_empty() {
            return Err(InvalidValue::required("a plate is required"));
        }
        let allowed = normalised.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == ' ' || c == '-');
        let alphanumerics = normalised.chars().filter(char::is_ascii_alphanumeric).count();
        if !allowed || !(2..=12).contains(&normalised.len()) || alphanumerics < 2 {
            return Err(InvalidValue::invalid("2 to 12 letters, digits, spaces or dashes"));
        }
        Ok(Self(normalised))
    }
}

string_schema!(Plate, "Licence plate", "^[A-Z0-9 -]{2,12}$", "AB-123-CD");

/// A contact phone number in international form, stored without spaces (`+33199001234`).
pub fn phone(value: &str) -> Result<String, InvalidValue> {
    let compact: String = value.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
    if compact.is_empty() {
        return Err(InvalidValue::required("a phone number is required"));
    }
    let digits = compact.strip_prefix('+').unwrap_or("");
    if digits.len() < 8 || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return Err(InvalidValue::invalid("an international number, e.g. +33 1 99 00 12 34"));
    }
    Ok(compact)
}

/// A contact email address (shape only: the agency's, not a user's, so no verification).
pub fn email(value: &str) -> Result<String, InvalidValue> {
    let value = value.trim().to_lowercase();
    if value.is_empty() {
        return Err(InvalidValue::required("an email address is required"));
    }
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && value.len() <= 254
                && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid { Ok(value) } else { Err(InvalidValue::invalid("not an email address")) }
}

/// A time of day in minutes since local midnight; 1440 (`24:00`) only as a closing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MinuteOfDay(u16);

impl MinuteOfDay {
    /// End of day, `24:00`.
    pub const END_OF_DAY: MinuteOfDay = MinuteOfDay(1440);

    /// From minutes since midnight (0..=1440).
    pub fn new(minutes: u16) -> Option<Self> {
        (minutes <= 1440).then_some(Self(minutes))
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }

    /// Parses `HH:MM` (`24:00` allowed).
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let invalid = || InvalidValue::invalid("a local time HH:MM, e.g. 08:30 (24:00 for midnight at closing)");
        let (h, m) = s.trim().split_once(':').ok_or_else(invalid)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(invalid());
        }
        let h: u16 = h.parse().map_err(|_| invalid())?;
        let m: u16 = m.parse().map_err(|_| invalid())?;
        if m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(invalid());
        }
        Ok(Self(h * 60 + m))
    }
}

impl fmt::Display for MinuteOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for MinuteOfDay {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

string_schema!(MinuteOfDay, "Local time of day HH:MM (24:00 = end of day)", "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$", "08:00");

/// One opening period of a weekday, in the agency's local time: `opens` < `closes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpeningPeriod {
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    #[schema(minimum = 1, maximum = 7, example = 1)]
    pub weekday: u8,
    /// Opening time.
    pub opens: MinuteOfDay,
    /// Closing time.
    pub closes: MinuteOfDay,
}

/// An opening period as sent by clients, checked by [`OpeningHours::parse`].
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpeningPeriodInput {
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// `HH:MM`.
    pub opens: String,
    /// `HH:MM`, after `opens`; `24:00` for midnight.
    pub closes: String,
}

/// An agency's weekly opening hours in local time: per weekday, up to [`OpeningHours::MAX_PER_DAY`]
/// periods that neither overlap nor touch, sorted. A night opening is two periods (`22:00`–`24:00`
/// and `00:00`–`02:00` of the next weekday). No period at all means always closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[schema(value_type = Vec<OpeningPeriod>)]
pub struct OpeningHours(Vec<OpeningPeriod>);

impl OpeningHours {
    /// At most this many periods per weekday.
    pub const MAX_PER_DAY: usize = 3;

    /// Validates client input; errors name `field[i].weekday`, `field[i].opens`, ….
    pub fn parse(field: &str, input: &[OpeningPeriodInput]) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut periods = Vec::new();
        for (i, item) in input.iter().enumerate() {
            let at = |name: &str| format!("{field}[{i}].{name}");
            let weekday = match u8::try_from(item.weekday) {
                Ok(day @ 1..=7) => Some(day),
                _ => {
                    errors.push(InvalidValue::invalid("an ISO weekday, 1 (Monday) to 7 (Sunday)").at(at("weekday")));
                    None
                }
            };
            let opens = MinuteOfDay::parse(&item.opens).map_err(|e| errors.push(e.at(at("opens")))).ok();
            let closes = MinuteOfDay::parse(&item.closes).map_err(|e| errors.push(e.at(at("closes")))).ok();
            if let (Some(weekday), Some(opens), Some(closes)) = (weekday, opens, closes) {
                if opens >= closes || opens == MinuteOfDay::END_OF_DAY {
                    errors.push(InvalidValue::invalid("must be after the opening time").at(at("closes")));
                } else {
                    periods.push((i, OpeningPeriod { weekday, opens, closes }));
                }
            }
        }
        periods.sort_by_key(|(_, p)| *p);
        for pair in periods.windows(2) {
            let ((_, a), (i, b)) = (pair[0], pair[1]);
            if a.weekday == b.weekday && b.opens <= a.closes {
                errors.push(InvalidValue::invalid("overlaps or touches another period of the same weekday").at(format!("{field}[{i}]")));
            }
        }
        for day in 1..=7u8 {
            if periods.iter().filter(|(_, p)| p.weekday == day).count() > Self::MAX_PER_DAY {
                errors.push(InvalidValue::invalid(format!("at most {} periods per weekday", Self::MAX_PER_DAY)).at(field));
                break;
            }
        }
        if errors.is_empty() { Ok(Self(periods.into_iter().map(|(_, p)| p).collect())) } else { Err(errors) }
    }

    /// Builds hours from trusted periods (stored rows, seed data), sorted.
    pub fn from_periods(mut periods: Vec<OpeningPeriod>) -> Self {
        periods.sort();
        Self(periods)
    }

    /// The periods, sorted by weekday then opening time.
    pub fn periods(&self) -> &[OpeningPeriod] {
        &self.0
    }

    /// Whether the agency is open at this local date-time: opening and closing minutes included
    /// (a car can be picked up at 08:00 sharp and returned at 19:00 sharp).
    pub fn is_open_at(&self, local: NaiveDateTime) -> bool {
        let weekday = local.weekday().number_from_monday() as u8;
        let second = local.num_seconds_from_midnight();
        self.0
            .iter()
            .any(|p| p.weekday == weekday && u32::from(p.opens.minutes()) * 60 <= second && second <= u32::from(p.closes.minutes()) * 60)
    }
}

/// An agency's postal address (schema `AgencyAddress`: auth has a user `Address`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AgencyAddress)]
pub struct Address {
    /// Street and number.
    pub line1: String,
    /// Building, floor, terminal…
    pub line2: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// Country.
    pub country_code: CountryCode,
}

/// A rental agency (API.md "Agency"); `city` and `countryCode` repeat the address's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Agency {
    /// Id.
    pub id: Uuid,
    /// Business code, unique.
    pub code: AgencyCode,
    /// Display name.
    pub name: String,
    /// Postal address.
    pub address: Address,
    /// City (the address's).
    pub city: String,
    /// Country (the address's).
    pub country_code: CountryCode,
    /// Where local times of this agency are interpreted.
    pub time_zone: IanaTimeZone,
    /// What this agency prices in: its market's currency.
    pub currency: CurrencyCode,
    /// Contact phone.
    pub phone: String,
    /// Contact email.
    pub email: String,
    /// Weekly opening hours, local time.
    pub opening_hours: OpeningHours,
    /// Inactive agencies are hidden from the public and from searches.
    pub active: bool,
}

/// A vehicle category: its ACRISS code decoded, with capacity and a description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VehicleCategory {
    /// ACRISS code.
    pub code: AcrissCode,
    /// Position 1, e.g. "Compact".
    #[schema(example = "Compact")]
    pub category: String,
    /// Position 2, e.g. "4-5 door".
    #[serde(rename = "type")]
    #[schema(example = "4-5 door")]
    pub vehicle_type: String,
    /// Position 3, e.g. "Manual".
    #[schema(example = "Manual")]
    pub transmission: String,
    /// Position 4, e.g. "Unspecified fuel, air conditioning".
    #[schema(example = "Unspecified fuel, air conditioning")]
    pub fuel_air: String,
    /// Whether position 4 includes air conditioning.
    pub air_conditioning: bool,
    /// Seats.
    pub seats: u8,
    /// Doors.
    pub doors: u8,
    /// Suitcases.
    pub bags: u8,
    /// What to expect, e.g. "Peugeot 308 or similar".
    pub description: String,
}

impl VehicleCategory {
    /// A category of `code` with its decoded attributes.
    pub fn new(code: AcrissCode, seats: u8, doors: u8, bags: u8, description: String) -> Self {
        let decoded = code.decode();
        Self {
            code,
            category: decoded.category.into(),
            vehicle_type: decoded.vehicle_type.into(),
            transmission: decoded.transmission.into(),
            fuel_air: decoded.fuel_air.into(),
            air_conditioning: decoded.air_conditioning,
            seats,
            doors,
            bags,
            description,
        }
    }
}

/// A vehicle of an agency's fleet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Vehicle {
    /// Id.
    pub id: Uuid,
    /// The agency it belongs to.
    pub agency_id: Uuid,
    /// Its ACRISS category.
    pub category: AcrissCode,
    /// Licence plate, unique.
    pub plate: Plate,
    /// Make and model.
    #[schema(example = "Peugeot 308")]
    pub model: String,
    /// Inactive vehicles (deleted) are kept for history and never offered.
    pub active: bool,
}

/// The price of a category at an agency during a validity period (agency-local dates, both
/// included; no end = open-ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rate {
    /// The agency.
    pub agency_id: Uuid,
    /// The category.
    pub category: AcrissCode,
    /// Price of each started 24 h period.
    pub daily_rate: Money,
    /// Added when the car is returned to another agency.
    pub one_way_fee: Money,
    /// First local date the rate applies to.
    pub valid_from: NaiveDate,
    /// Last local date it applies to; `null` = until replaced.
    pub valid_to: Option<NaiveDate>,
}

impl Rate {
    /// Whether the rate applies on `date` (agency-local).
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// What a rental costs (DESIGN §5): `daily_rate × days + one_way_fee`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// Started 24 h periods.
    pub days: u32,
    /// The daily rate applied.
    pub daily_rate: Money,
    /// The one-way fee applied (zero when the car comes back where it left).
    pub one_way_fee: Money,
    /// The total.
    pub total: Money,
}

/// One page of a list (API.md: `?limit=&cursor=`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// This page.
    pub items: Vec<T>,
    /// Opaque cursor of the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// `?limit=&cursor=`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Filters of `GET /agencies`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgencyQuery {
    /// Market, e.g. `FR`.
    pub country: Option<String>,
    /// City, exact match ignoring case and accents.
    pub city: Option<String>,
    /// Text found in the name, code or city.
    pub q: Option<String>,
}

/// Filters of `GET /agencies/{id}/vehicles`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VehicleQuery {
    /// Only this ACRISS category.
    pub category: Option<String>,
    /// Only active (`true`) or inactive (`false`) vehicles.
    #[param(value_type = Option<bool>)]
    pub active: Option<String>,
}

/// An agency's address as sent by clients (schema `AgencyAddressInput`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AgencyAddressInput)]
pub struct AddressInput {
    /// Street and number.
    pub line1: String,
    /// Building, floor, terminal…
    #[serde(default)]
    pub line2: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// Market, e.g. `FR`.
    pub country_code: String,
}

/// `POST /agencies` (and `ycyw-worker create-agency --json`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAgency {
    /// e.g. `PAR-GDL`.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Postal address; its city and country are the agency's.
    pub address: AddressInput,
    /// IANA zone, e.g. `Europe/Paris`.
    pub time_zone: String,
    /// Optional: the market's currency (the only one accepted).
    #[serde(default)]
    pub currency: Option<String>,
    /// International phone number.
    pub phone: String,
    /// Contact email.
    pub email: String,
    /// Weekly opening hours, local time.
    #[serde(default)]
    pub opening_hours: Vec<OpeningPeriodInput>,
    /// Default `true`.
    #[serde(default)]
    pub active: Option<bool>,
}

/// `PATCH /agencies/{id}`: fields left out are unchanged. Code, country and currency cannot change
/// (rates and history depend on them).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgencyPatch {
    /// Display name.
    pub name: Option<String>,
    /// The whole address; its country must stay the agency's.
    pub address: Option<AddressInput>,
    /// IANA zone.
    pub time_zone: Option<String>,
    /// International phone number.
    pub phone: Option<String>,
    /// Contact email.
    pub email: Option<String>,
    /// Replaces the whole week.
    pub opening_hours: Option<Vec<OpeningPeriodInput>>,
    /// Hide or show the agency.
    pub active: Option<bool>,
}

/// `POST /agencies/{id}/vehicles`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewVehicle {
    /// ACRISS category, e.g. `CDMR`; must be a known category.
    pub category: String,
    /// Licence plate.
    pub plate: String,
    /// Make and model.
    pub model: String,
    /// Default `true`.
    #[serde(default)]
    pub active: Option<bool>,
}

/// `PATCH /vehicles/{id}`: fields left out are unchanged.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VehiclePatch {
    /// ACRISS category.
    pub category: Option<String>,
    /// Licence plate.
    pub plate: Option<String>,
    /// Make and model.
    pub model: Option<String>,
    /// Reactivate or deactivate.
    pub active: Option<bool>,
}

/// An amount as sent by clients.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MoneyInput {
    /// Minor units.
    pub amount_minor: i64,
    /// ISO 4217; must be the agency's currency.
    pub currency: String,
}

/// One rate of `PUT /agencies/{id}/rates`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateInput {
    /// ACRISS category; must be a known category.
    pub category: String,
    /// Price per started 24 h period, > 0.
    pub daily_rate: MoneyInput,
    /// Fee when returned elsewhere, ≥ 0.
    pub one_way_fee: MoneyInput,
    /// First local date.
    pub valid_from: NaiveDate,
    /// Last local date, or `null`.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

/// `PUT /agencies/{id}/rates`: the agency's whole rate set.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatesInput {
    /// Every rate of the agency; periods of one category must not overlap.
    pub items: Vec<RateInput>,
}

/// The rates of an agency (`GET`/`PUT /agencies/{id}/rates`): the whole set, never paged
/// (`nextCursor` is always `null`; a set holds at most 500 rates).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RateSet {
    /// Sorted by category then start date.
    pub items: Vec<Rate>,
    /// Always `null`.
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_and_currencies_parse_and_map_to_their_market() {
        assert_eq!("fr".parse::<CountryCode>(), Ok(CountryCode::Fr));
        assert_eq!("GB".parse::<CountryCode>().map(CountryCode::currency), Ok(CurrencyCode::Gbp));
        assert_eq!(CountryCode::Ca.currency(), CurrencyCode::Cad);
        assert_eq!(CountryCode::Us.currency(), CurrencyCode::Usd);
        assert!("BE".parse::<CountryCode>().is_err());
        assert!("CHF".parse::<CurrencyCode>().is_err());
        assert_eq!(serde_json::to_string(&CurrencyCode::Eur).unwrap(), "\"EUR\"");
        assert_eq!(serde_json::to_string(&CountryCode::Gb).unwrap(), "\"GB\"");
    }

    #[test]
    fn agency_codes_are_normalised_and_checked() {
        assert_eq!("par-gdl".parse::<AgencyCode>().unwrap().as_str(), "PAR-GDL");
        assert_eq!("BEN-00042".parse::<AgencyCode>().unwrap().as_str(), "BEN-00042");
        for bad in ["PARGDL", "PA-GDL", "PAR-G", "PAR-GDLXXXX", "P4R-GDL", "PAR_GDL", "PAR-GD L"] {
            assert_eq!(bad.parse::<AgencyCode>().map_err(|e| e.code), Err("invalid"), "{bad}");
        }
        assert_eq!("  ".parse::<AgencyCode>().map_err(|e| e.code), Err("required"));
    }

    #[test]
    fn time_zones_must_be_iana_region_zones() {
        assert_eq!("Europe/Paris".parse::<IanaTimeZone>().unwrap().name(), "Europe/Paris");
        assert_eq!("America/Toronto".parse::<IanaTimeZone>().unwrap().tz(), chrono_tz::America::Toronto);
        for bad in ["Europe/Pariss", "CET", "UTC", "Etc/GMT+1", "", "+01:00"] {
            assert!(bad.parse::<IanaTimeZone>().is_err(), "{bad}");
        }
    }

    #[test]
    fn plates_phones_and_emails_are_normalised() {
        assert_eq!("  ab-123-cd ".parse::<Plate>().unwrap().as_str(), "AB-123-CD");
        assert_eq!("m-ab   1234".parse::<Plate>().unwrap().as_str(), "M-AB 1234");
        assert!("A".parse::<Plate>().is_err());
        assert!("AB/123".parse::<Plate>().is_err());
        assert!("--".parse::<Plate>().is_err());
        assert_eq!(phone("+33 1 99 00 12 34"), Ok("+33199001234".to_string()));
        assert!(phone("01 99 00 12 34").is_err());
        assert!(phone("+33 abc").is_err());
        assert_eq!(email(" Paris@Example.com "), Ok("paris@example.com".to_string()));
        assert!(email("paris@").is_err());
        assert!(email("paris example@x.com").is_err());
    }

    fn period(weekday: i64, opens: &str, closes: &str) -> OpeningPeriodInput {
        OpeningPeriodInput { weekday, opens: opens.into(), closes: closes.into() }
    }

    #[test]
    fn opening_hours_are_validated_with_field_paths() {
        let hours =
            OpeningHours::parse("openingHours", &[period(2, "14:00", "19:00"), period(2, "08:00", "12:00"), period(7, "22:00", "24:00")])
                .unwrap();
        let days: Vec<(u8, String)> = hours.periods().iter().map(|p| (p.weekday, p.opens.to_string())).collect();
        assert_eq!(days, vec![(2, "08:00".into()), (2, "14:00".into()), (7, "22:00".into())]);

        let errors = OpeningHours::parse("openingHours", &[period(0, "8:00", "19:00"), period(1, "19:00", "08:00")]).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["openingHours[0].weekday", "openingHours[0].opens", "openingHours[1].closes"]);

        let errors = OpeningHours::parse("openingHours", &[period(1, "08:00", "12:00"), period(1, "11:00", "19:00")]).unwrap_err();
        assert_eq!(errors[0].field, "openingHours[1]");
        assert!(OpeningHours::parse("h", &[period(1, "24:00", "24:00")]).is_err());
        assert!(OpeningHours::parse("h", &[period(1, "08:00", "24:01")]).is_err());
        let four: Vec<_> = ["01", "03", "05", "07"].iter().map(|h| period(3, &format!("{h}:00"), &format!("{h}:30"))).collect();
        assert!(OpeningHours::parse("h", &four).is_err());
    }

    #[test]
    fn opening_hours_include_their_edges() {
        let hours = OpeningHours::parse("h", &[period(1, "08:00", "19:00"), period(7, "00:00", "24:00")]).unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let at = |d: NaiveDate, h: u32, m: u32| d.and_hms_opt(h, m, 0).unwrap();
        assert!(!hours.is_open_at(at(monday, 7, 59)));
        assert!(hours.is_open_at(at(monday, 8, 0)));
        assert!(hours.is_open_at(at(monday, 19, 0)));
        assert!(!hours.is_open_at(monday.and_hms_opt(19, 0, 1).unwrap()));
        assert!(!hours.is_open_at(at(monday.succ_opt().unwrap(), 10, 0)), "Tuesday has no period");
        assert!(hours.is_open_at(monday.pred_opt().unwrap().and_hms_opt(23, 59, 59).unwrap()), "Sunday 00:00-24:00");
    }

    #[test]
    fn rates_apply_within_their_dates_inclusive() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let money = Money::new(4900, CurrencyCode::Eur);
        let rate = Rate {
            agency_id: Uuid::nil(),
            category: AcrissCode::parse("CDMR").unwrap(),
            daily_rate: money,
            one_way_fee: money,
            valid_from: d(1, 1),
            valid_to: Some(d(6, 30)),
        };
        assert!(!rate.applies_on(d(12, 31).pred_opt().unwrap().with_year(2025).unwrap()));
        assert!(rate.applies_on(d(1, 1)) && rate.applies_on(d(6, 30)));
        assert!(!rate.applies_on(d(7, 1)));
        assert!(Rate { valid_to: None, ..rate }.applies_on(d(12, 31)));
    }
}
