//! ACRISS vehicle codes: four letters, one per position of the ACRISS Car Classification Matrix
//! (category, type, transmission/drive, fuel/air conditioning), each validated against the
//! official table of its position and decoded to human-readable English.
//!
//! The tables follow the current matrix published by ACRISS (acriss.org, "Car Codes"), including
//! the 2019 redefinition of the fourth letter for hybrid and electric vehicles (`I` plug-in hybrid,
//! `E`/`C` electric by battery range).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Position 1: the vehicle category (size and price class).
pub const CATEGORIES: &[(char, &str)] = &[
    ('M', "Mini"),
    ('N', "Mini Elite"),
    ('E', "Economy"),
    ('H', "Economy Elite"),
    ('C', "Compact"),
    ('D', "Compact Elite"),
    ('I', "Intermediate"),
    ('J', "Intermediate Elite"),
    ('S', "Standard"),
    ('R', "Standard Elite"),
    ('F', "Fullsize"),
    ('G', "Fullsize Elite"),
    ('P', "Premium"),
    ('U', "Premium Elite"),
    ('L', "Luxury"),
    ('W', "Luxury Elite"),
    ('O', "Oversize"),
    ('X', "Special"),
];

/// Position 2: the vehicle type (body).
pub const TYPES: &[(char, &str)] = &[
    ('B', "2-3 door"),
    ('C', "2/4 door"),
    ('D', "4-5 door"),
    ('W', "Wagon/estate"),
    ('V', "Passenger van"),
    ('L', "Limousine/sedan"),
    ('S', "Sport"),
    ('T', "Convertible"),
    ('F', "SUV"),
    ('J', "Open air all terrain"),
    ('X', "Special"),
    ('P', "Pick-up, single/extended cab, 2 door"),
    ('Q', "Pick-up, double cab, 4 door"),
    ('Z', "Special offer car"),
    ('E', "Coupe"),
    ('M', "Monospace"),
    ('R', "Recreational vehicle"),
    ('H', "Motor home"),
    ('Y', "2-wheel vehicle"),
    ('N', "Roadster"),
    ('G', "Crossover"),
    ('K', "Commercial van/truck"),
];

/// Position 3: transmission and drive ("Manual"/"Automatic" alone: drive unspecified).
pub const TRANSMISSIONS: &[(char, &str)] =
    &[('M', "Manual"), ('N', "Manual 4WD"), ('C', "Manual AWD"), ('A', "Automatic"), ('B', "Automatic 4WD"), ('D', "Automatic AWD")];

/// Position 4: fuel or power, and air conditioning.
pub const FUEL_AIR: &[(char, &str, bool)] = &[
    ('R', "Unspecified fuel, air conditioning", true),
    ('N', "Unspecified fuel, no air conditioning", false),
    ('D', "Diesel, air conditioning", true),
    ('Q', "Diesel, no air conditioning", false),
    ('H', "Hybrid, air conditioning", true),
    ('I', "Plug-in hybrid, air conditioning", true),
    ('E', "Electric (range < 250 mi/400 km), air conditioning", true),
    ('C', "Electric Plus (range ≥ 250 mi/400 km), air conditioning", true),
    ('L', "LPG/compressed gas, air conditioning", true),
    ('S', "LPG/compressed gas, no air conditioning", false),
    ('A', "Hydrogen, air conditioning", true),
    ('B', "Hydrogen, no air conditioning", false),
    ('M', "Multi-fuel/power, air conditioning", true),
    ('F', "Multi-fuel/power, no air conditioning", false),
    ('V', "Petrol, air conditioning", true),
    ('Z', "Petrol, no air conditioning", false),
    ('U', "Ethanol, air conditioning", true),
    ('X', "Ethanol, no air conditioning", false),
];

/// The names of the four positions, as used in error messages.
pub const POSITIONS: [&str; 4] = ["category", "type", "transmission/drive", "fuel/air conditioning"];

/// Why a string is not an ACRISS code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcrissError {
    /// Not exactly four ASCII letters.
    #[error("an ACRISS code is exactly four letters, e.g. CDMR")]
    Malformed,
    /// A letter that the table of its position does not define.
    #[error("{letter:?} is not a valid ACRISS {} letter (position {position})", POSITIONS[*position - 1])]
    UnknownLetter {
        /// 1 to 4.
        position: usize,
        /// The offending letter, upper-cased.
        letter: char,
    },
}

/// A valid ACRISS code, stored upper-case (`cdmr` parses as `CDMR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AcrissCode([u8; 4]);

/// What the four letters of a code mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcrissDecoded {
    /// Position 1, e.g. "Compact".
    pub category: &'static str,
    /// Position 2, e.g. "4-5 door".
    pub vehicle_type: &'static str,
    /// Position 3, e.g. "Manual".
    pub transmission: &'static str,
    /// Position 4, e.g. "Unspecified fuel, air conditioning".
    pub fuel_air: &'static str,
    /// Whether position 4 says the vehicle has air conditioning.
    pub air_conditioning: bool,
}

fn lookup(table: &[(char, &'static str)], letter: char) -> Option<&'static str> {
    table.iter().find(|(l, _)| *l == letter).map(|(_, name)| *name)
}

fn lookup_fuel(letter: char) -> Option<(&'static str, bool)> {
    FUEL_AIR.iter().find(|(l, _, _)| *l == letter).map(|(_, name, air)| (*name, *air))
}

impl AcrissCode {
    /// Parses and validates a code, letter by letter against the official tables.
    pub fn parse(input: &str) -> Result<Self, AcrissError> {
        let bytes = input.trim().as_bytes();
        let Ok(letters) = <[u8; 4]>::try_from(bytes) else {
            return Err(AcrissError::Malformed);
        };
        if !letters.iter().all(u8::is_ascii_alphabetic) {
            return Err(AcrissError::Malformed);
        }
        let letters = letters.map(|b| b.to_ascii_uppercase());
        let known = [
            lookup(CATEGORIES, letters[0] as char).is_some(),
            lookup(TYPES, letters[1] as char).is_some(),
            lookup(TRANSMISSIONS, letters[2] as char).is_some(),
            lookup_fuel(letters[3] as char).is_some(),
        ];
        if let Some(index) = known.iter().position(|ok| !ok) {
            return Err(AcrissError::UnknownLetter { position: index + 1, letter: letters[index] as char });
        }
        Ok(Self(letters))
    }

    /// The code, e.g. `"CDMR"`.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("????")
    }

    /// The category letter (position 1), which searches may use alone.
    pub fn class_letter(&self) -> char {
        self.0[0] as char
    }

    /// The meaning of each letter.
    pub fn decode(&self) -> AcrissDecoded {
        let (fuel_air, air_conditioning) = lookup_fuel(self.0[3] as char).unwrap_or(("", false));
        AcrissDecoded {
            category: lookup(CATEGORIES, self.0[0] as char).unwrap_or_default(),
            vehicle_type: lookup(TYPES, self.0[1] as char).unwrap_or_default(),
            transmission: lookup(TRANSMISSIONS, self.0[2] as char).unwrap_or_default(),
            fuel_air,
            air_conditioning,
        }
    }
}

impl fmt::Display for AcrissCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AcrissCode {
    type Err = AcrissError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for AcrissCode {
    type Error = AcrissError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl Serialize for AcrissCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AcrissCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

ycyw_shared::string_schema!(AcrissCode, "An ACRISS vehicle code: category, type, transmission/drive, fuel/air", Some("^[A-Z]{4}$"), "CDMR");

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;
    use crate::model::test_support::spliced;

    const ALPHABET: std::ops::RangeInclusive<char> = 'A'..='Z';

    fn letters_of(table: &[(char, &str)]) -> Vec<char> {
        table.iter().map(|(l, _)| *l).collect()
    }

    fn fuel_letters() -> Vec<char> {
        FUEL_AIR.iter().map(|(l, _, _)| *l).collect()
    }

    /// Builds a code from a base valid code with one position replaced.
    fn with(position: usize, letter: char) -> String {
        let mut code: Vec<char> = "CDMR".chars().collect();
        code[position] = letter;
        code.into_iter().collect()
    }

    #[test]
    fn tables_have_the_official_letters() {
        let sorted = |mut v: Vec<char>| {
            v.sort_unstable();
            v.into_iter().collect::<String>()
        };
        assert_eq!(sorted(letters_of(CATEGORIES)), "CDEFGHIJLMNOPRSUWX");
        assert_eq!(sorted(letters_of(TYPES)), "BCDEFGHJKLMNPQRSTVWXYZ");
        assert_eq!(sorted(letters_of(TRANSMISSIONS)), "ABCDMN");
        assert_eq!(sorted(fuel_letters()), "ABCDEFHILMNQRSUVXZ");
    }

    #[test]
    fn every_category_letter_decodes_and_every_other_letter_is_rejected() {
        for letter in ALPHABET {
            let result = AcrissCode::parse(&with(0, letter));
            match lookup(CATEGORIES, letter) {
                Some(name) => assert_eq!(result.map(|c| c.decode().category), Ok(name), "{letter}"),
                None => assert_eq!(result, Err(AcrissError::UnknownLetter { position: 1, letter }), "{letter}"),
            }
        }
    }

    #[test]
    fn every_type_letter_decodes_and_every_other_letter_is_rejected() {
        for letter in ALPHABET {
            let result = AcrissCode::parse(&with(1, letter));
            match lookup(TYPES, letter) {
                Some(name) => assert_eq!(result.map(|c| c.decode().vehicle_type), Ok(name), "{letter}"),
                None => assert_eq!(result, Err(AcrissError::UnknownLetter { position: 2, letter }), "{letter}"),
            }
        }
    }

    #[test]
    fn every_transmission_letter_decodes_and_every_other_letter_is_rejected() {
        for letter in ALPHABET {
            let result = AcrissCode::parse(&with(2, letter));
            match lookup(TRANSMISSIONS, letter) {
                Some(name) => assert_eq!(result.map(|c| c.decode().transmission), Ok(name), "{letter}"),
                None => assert_eq!(result, Err(AcrissError::UnknownLetter { position: 3, letter }), "{letter}"),
            }
        }
    }

    #[test]
    fn every_fuel_air_letter_decodes_and_every_other_letter_is_rejected() {
        for letter in ALPHABET {
            let result = AcrissCode::parse(&with(3, letter));
            match lookup_fuel(letter) {
                Some((name, air)) => {
                    let decoded = result.unwrap().decode();
                    assert_eq!((decoded.fuel_air, decoded.air_conditioning), (name, air), "{letter}");
                    assert_eq!(air, !name.contains("no air"), "{letter}: {name}");
                }
                None => assert_eq!(result, Err(AcrissError::UnknownLetter { position: 4, letter }), "{letter}"),
            }
        }
    }

    #[test]
    fn the_contract_example_decodes_as_documented() {
        let decoded = AcrissCode::parse("CDMR").unwrap().decode();
        assert_eq!(decoded.category, "Compact");
        assert_eq!(decoded.vehicle_type, "4-5 door");
        assert_eq!(decoded.transmission, "Manual");
        assert_eq!(decoded.fuel_air, "Unspecified fuel, air conditioning");
        assert!(decoded.air_conditioning);
    }

    #[test]
    fn malformed_codes_are_rejected() {
        for input in ["", "CDM", "CDMRX", "CD1R", "CD R", "ÇDMR", "CDM-", "C", "    "] {
            assert_eq!(AcrissCode::parse(input), Err(AcrissError::Malformed), "{input:?}");
        }
    }

    #[test]
    fn lower_case_is_normalised_and_the_first_bad_position_is_reported() {
        assert_eq!(AcrissCode::parse(" cdmr ").unwrap().as_str(), "CDMR");
        assert_eq!(AcrissCode::parse("ZAMR"), Err(AcrissError::UnknownLetter { position: 1, letter: 'Z' }));
        assert_eq!(AcrissCode::parse("CAGR"), Err(AcrissError::UnknownLetter { position: 2, letter: 'A' }));
        let message = AcrissCode::parse("CDMG").unwrap_err().to_string();
        assert!(message.contains("fuel/air") && message.contains('G'), "{message}");
    }

    #[test]
    fn codes_round_trip_through_json() {
        let code: AcrissCode = serde_json::from_str("\"idar\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"IDAR\"");
        assert!(serde_json::from_str::<AcrissCode>("\"QQQQ\"").is_err());
    }

    #[test]
    fn wide_characters_at_every_position_are_refused() {
        for input in spliced("CDMR") {
            assert_eq!(AcrissCode::parse(&input), Err(AcrissError::Malformed), "{input:?}");
        }
    }

    proptest! {
        /// Invariant: never panics; an accepted code is the trimmed input upper-cased, parses
        /// again to itself and decodes every position; a refusal is `Malformed` (not four ASCII
        /// letters) or `UnknownLetter` naming the first position its table does not define.
        #[test]
        fn fuzz_acriss_parse(raw in prop_oneof![hostile_text(), "[a-zA-Z]{4}", mutated("CDMR")]) {
            let letters = raw.trim();
            match AcrissCode::parse(&raw) {
                Ok(code) => {
                    prop_assert_eq!(code.as_str(), letters.to_ascii_uppercase());
                    prop_assert_eq!(AcrissCode::parse(code.as_str()), Ok(code));
                    let decoded = code.decode();
                    prop_assert!(![decoded.category, decoded.vehicle_type, decoded.transmission, decoded.fuel_air].contains(&""));
                }
                Err(AcrissError::Malformed) => {
                    prop_assert!(letters.len() != 4 || !letters.bytes().all(|b| b.is_ascii_alphabetic()));
                }
                Err(AcrissError::UnknownLetter { position, letter }) => {
                    prop_assert!((1..=4).contains(&position));
                    prop_assert_eq!(letters.to_ascii_uppercase().chars().nth(position - 1), Some(letter));
                }
            }
        }

        /// Invariant: every code of four letters from the tables is accepted and decodes to
        /// their names, and JSON round-trips it.
        #[test]
        fn fuzz_acriss_valid_codes_round_trip(
            a in prop::sample::select(letters_of(CATEGORIES)),
            b in prop::sample::select(letters_of(TYPES)),
            c in prop::sample::select(letters_of(TRANSMISSIONS)),
            d in prop::sample::select(fuel_letters()),
            lower in any::<bool>(),
        ) {
            let text: String = [a, b, c, d].iter().collect();
            let typed = if lower { text.to_ascii_lowercase() } else { text.clone() };
            let code = AcrissCode::parse(&typed).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(code.as_str(), text.as_str());
            prop_assert_eq!(code.decode().category, lookup(CATEGORIES, a).unwrap_or_default());
            let json = serde_json::to_string(&code).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(serde_json::from_str::<AcrissCode>(&json).ok(), Some(code));
        }
    }
}
