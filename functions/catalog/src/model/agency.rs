//! Agencies: their code, time zone, address and contact, and the request shapes that create,
//! edit and filter them.

use std::fmt;
use std::str::FromStr;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use ycyw_shared::domain::{CurrencyCode, InvalidValue, Phone, PostalAddressInput};

use super::{Market, OpeningHours, OpeningPeriodInput};

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

/// An agency's contact phone, normalised to E.164 (see [`Phone`]).
pub fn phone(raw: &str) -> Result<String, InvalidValue> {
    Phone::parse(raw).map(String::from)
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

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
    fn phones_are_normalised() {
        assert_eq!(phone("+33 1 99 00 12 34"), Ok("+33199001234".to_string()));
        assert!(phone("01 99 00 12 34").is_err());
    }

    proptest! {
        #[test]
        fn accepted_agency_codes_parse_again_to_themselves(code in "[a-zA-Z]{3}-[a-zA-Z0-9]{2,6}") {
            let agency: AgencyCode = code.parse().unwrap();
            prop_assert_eq!(agency.as_str().parse::<AgencyCode>(), Ok(agency.clone()));
        }
    }
}
