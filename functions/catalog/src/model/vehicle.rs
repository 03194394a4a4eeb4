//! Vehicle categories (ACRISS codes, decoded), the fleet's vehicles and their plates, and the
//! request shapes that add, edit and filter vehicles.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use ycyw_shared::domain::InvalidValue;

use super::AcrissCode;

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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn plates_are_normalised() {
        assert_eq!("  ab-123-cd ".parse::<Plate>().unwrap().as_str(), "AB-123-CD");
        assert_eq!("m-ab   1234".parse::<Plate>().unwrap().as_str(), "M-AB 1234");
        assert!("A".parse::<Plate>().is_err());
        assert!("AB/123".parse::<Plate>().is_err());
        assert!("--".parse::<Plate>().is_err());
    }

    proptest! {
        #[test]
        fn accepted_plates_parse_again_to_themselves(plate in "[a-zA-Z0-9 -]{2,12}") {
            if let Ok(plate) = plate.parse::<Plate>() {
                prop_assert_eq!(plate.as_str().parse::<Plate>(), Ok(plate.clone()));
            }
        }
    }
}
