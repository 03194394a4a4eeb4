//! The catalog's entities and request/response shapes (camelCase JSON, OpenAPI schemas), and the
//! validated value types they are made of: a value of one of these types is valid by construction,
//! so services and handlers never check it again. The vocabulary other modules share too (money,
//! pages, addresses, phone numbers) comes from [`ycyw_shared::domain`] and is re-exported here.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use ycyw_shared::domain::{self, FieldErrors, InvalidValue, Phone};
pub use ycyw_shared::domain::{CurrencyCode, Money, MoneyInput, Page, PageQuery, PostalAddressInput};

pub use crate::acriss::{AcrissCode, AcrissDecoded, AcrissError};

/// A market we operate in: one of the seven countries that have our agencies, each pricing in
/// one currency. A catalog rule; a user may live in any [`domain::CountryCode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Market {
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

/// An ISO code written in the source, checked when compiling.
const fn iso(code: [u8; 2]) -> domain::CountryCode {
    match domain::CountryCode::from_ascii(code) {
        Some(country) => country,
        None => panic!("not an assigned ISO 3166-1 code"),
    }
}

impl Market {
    /// Every market.
    pub const ALL: [Market; 7] = [Market::Fr, Market::De, Market::Es, Market::It, Market::Gb, Market::Ca, Market::Us];

    /// The ISO code.
    pub fn as_str(self) -> &'static str {
        self.country().as_str()
    }

    /// The country of this market.
    pub const fn country(self) -> domain::CountryCode {
        match self {
            Market::Fr => const { iso(*b"FR") },
            Market::De => const { iso(*b"DE") },
            Market::Es => const { iso(*b"ES") },
            Market::It => const { iso(*b"IT") },
            Market::Gb => const { iso(*b"GB") },
            Market::Ca => const { iso(*b"CA") },
            Market::Us => const { iso(*b"US") },
        }
    }

    /// The currency agencies of this market price in.
    pub fn currency(self) -> CurrencyCode {
        match self {
            Market::Fr | Market::De | Market::Es | Market::It => CurrencyCode::Eur,
            Market::Gb => CurrencyCode::Gbp,
            Market::Ca => CurrencyCode::Cad,
            Market::Us => CurrencyCode::Usd,
        }
    }

    /// Parses an ISO code (any case) that is one of our markets.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        domain::CountryCode::parse(raw).and_then(Market::try_from)
    }
}

impl TryFrom<domain::CountryCode> for Market {
    type Error = InvalidValue;

    fn try_from(country: domain::CountryCode) -> Result<Self, Self::Error> {
        Market::ALL
            .into_iter()
            .find(|market| market.country() == country)
            .ok_or_else(|| InvalidValue::invalid("must be one of our markets: FR, DE, ES, IT, GB, CA, US"))
    }
}

impl From<Market> for domain::CountryCode {
    fn from(market: Market) -> Self {
        market.country()
    }
}

impl FromStr for Market {
    type Err = InvalidValue;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl fmt::Display for Market {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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

ycyw_shared::string_schema!(AgencyCode, "Agency code", Some("^[A-Z]{3}-[A-Z0-9]{2,6}$"), "PAR-GDL");

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

ycyw_shared::string_schema!(IanaTimeZone, "IANA time zone", None, "Europe/Paris");

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

ycyw_shared::string_schema!(Plate, "Licence plate", Some("^[A-Z0-9 -]{2,12}$"), "AB-123-CD");

/// An agency's contact phone, normalised to E.164 (see [`Phone`]); demo data is built with it.
pub fn phone(raw: &str) -> Result<String, InvalidValue> {
    Phone::parse(raw).map(String::from)
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
        let two_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(h) || !two_digits(m) {
            // `u16::from_str` alone would take "+8:30".
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

ycyw_shared::string_schema!(
    MinuteOfDay,
    "Local time of day HH:MM (24:00 = end of day)",
    Some("^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"),
    "08:00"
);

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
    pub fn parse(field: &str, input: &[OpeningPeriodInput]) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
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
            let opens = errors.check(&at("opens"), MinuteOfDay::parse(&item.opens));
            let closes = errors.check(&at("closes"), MinuteOfDay::parse(&item.closes));
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
        errors.finish()?;
        Ok(Self(periods.into_iter().map(|(_, p)| p).collect()))
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

/// An agency's postal address (schema `AgencyAddress`), always in one of our markets. Parsed from
/// a [`PostalAddressInput`] with a free-text postal code.
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
    pub country_code: Market,
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
    pub country_code: Market,
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

/// `POST /agencies` (and `ycyw-worker create-agency --json`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAgency {
    /// e.g. `PAR-GDL`.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Postal address; its city and country are the agency's.
    pub address: PostalAddressInput,
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
    pub address: Option<PostalAddressInput>,
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
pub(crate) mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn markets_parse_convert_and_map_to_their_currency() {
        assert_eq!("fr".parse::<Market>(), Ok(Market::Fr));
        assert_eq!("GB".parse::<Market>().map(Market::currency), Ok(CurrencyCode::Gbp));
        assert_eq!(Market::Ca.currency(), CurrencyCode::Cad);
        assert_eq!(Market::Us.currency(), CurrencyCode::Usd);
        assert_eq!("BE".parse::<Market>().map_err(|e| e.code), Err("invalid"), "a country, not a market");
        assert_eq!("".parse::<Market>().map_err(|e| e.code), Err("required"));
        assert_eq!(serde_json::to_string(&Market::Gb).unwrap(), "\"GB\"");
        for market in Market::ALL {
            let country = domain::CountryCode::from(market);
            assert_eq!((country.as_str(), Market::try_from(country)), (market.as_str(), Ok(market)));
        }
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
    fn plates_and_phones_are_normalised() {
        assert_eq!("  ab-123-cd ".parse::<Plate>().unwrap().as_str(), "AB-123-CD");
        assert_eq!("m-ab   1234".parse::<Plate>().unwrap().as_str(), "M-AB 1234");
        assert!("A".parse::<Plate>().is_err());
        assert!("AB/123".parse::<Plate>().is_err());
        assert!("--".parse::<Plate>().is_err());
        assert_eq!(phone("+33 1 99 00 12 34"), Ok("+33199001234".to_string()));
        assert!(phone("01 99 00 12 34").is_err());
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
        let fields: Vec<&str> = errors.as_slice().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["openingHours[0].weekday", "openingHours[0].opens", "openingHours[1].closes"]);

        let errors = OpeningHours::parse("openingHours", &[period(1, "08:00", "12:00"), period(1, "11:00", "19:00")]).unwrap_err();
        assert_eq!(errors.as_slice()[0].field, "openingHours[1]");
        assert!(OpeningHours::parse("h", &[period(1, "24:00", "24:00")]).is_err());
        assert!(OpeningHours::parse("h", &[period(1, "08:00", "24:01")]).is_err());
        assert!(OpeningHours::parse("h", &[period(1, "+8:00", "19:00")]).is_err(), "two digits, no sign");
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

    /// `valid` with a multi-byte character inserted at every character boundary.
    pub(crate) fn spliced(valid: &str) -> Vec<String> {
        let at = valid.char_indices().map(|(i, _)| i).chain([valid.len()]);
        at.flat_map(|i| ["É", "日", "🚗", "\u{301}"].map(|wide| [&valid[..i], wide, &valid[i..]].concat())).collect()
    }

    #[test]
    fn wide_characters_at_every_position_are_refused_not_cut() {
        for input in spliced("PAR-GDL") {
            assert!(input.parse::<AgencyCode>().is_err(), "{input:?}");
        }
        for input in spliced("AB-123-CD") {
            assert!(input.parse::<Plate>().is_err(), "{input:?}");
        }
        for input in spliced("08:30") {
            assert!(MinuteOfDay::parse(&input).is_err(), "{input:?}");
        }
        for input in spliced("Europe/Paris") {
            assert!(input.parse::<IanaTimeZone>().is_err(), "{input:?}");
        }
        for input in spliced("FR") {
            assert!(input.parse::<Market>().is_err(), "{input:?}");
        }
        for input in spliced("19:00") {
            assert!(OpeningHours::parse("h", &[period(1, "08:00", &input)]).is_err(), "{input:?}");
        }
    }

    proptest! {
        #[test]
        fn value_parsers_never_panic(raw in "\\PC*", any_raw in ".*") {
            for raw in [&raw, &any_raw] {
                let _ = raw.parse::<AgencyCode>();
                let _ = raw.parse::<Plate>();
                let _ = MinuteOfDay::parse(raw);
                let _ = raw.parse::<IanaTimeZone>();
                let _ = raw.parse::<Market>();
                let _ = phone(raw);
            }
        }

        #[test]
        fn accepted_values_parse_again_to_themselves(code in "[a-zA-Z]{3}-[a-zA-Z0-9]{2,6}", plate in "[a-zA-Z0-9 -]{2,12}") {
            let agency: AgencyCode = code.parse().unwrap();
            prop_assert_eq!(agency.as_str().parse::<AgencyCode>(), Ok(agency.clone()));
            if let Ok(plate) = plate.parse::<Plate>() {
                prop_assert_eq!(plate.as_str().parse::<Plate>(), Ok(plate.clone()));
            }
        }

        #[test]
        fn opening_hours_never_panic(
            periods in prop::collection::vec((any::<i64>(), "\\PC{0,6}", "[0-9:]{0,6}"), 0..6),
            minutes in 0u16..=1440,
        ) {
            let input: Vec<OpeningPeriodInput> = periods
                .into_iter()
                .map(|(weekday, opens, closes)| OpeningPeriodInput { weekday, opens, closes })
                .collect();
            if let Ok(hours) = OpeningHours::parse("openingHours", &input) {
                prop_assert!(hours.periods().windows(2).all(|w| w[0] < w[1]));
            }
            let minute = MinuteOfDay::new(minutes).unwrap();
            prop_assert_eq!(MinuteOfDay::parse(&minute.to_string()), Ok(minute));
        }
    }
}
