//! The catalog's entities and request/response shapes (camelCase JSON, OpenAPI schemas), and the
//! validated value types they are made of: a value of one of these types is valid by construction,
//! so services and handlers never check it again. One file per concern: [`market`], [`agency`],
//! [`opening_hours`], [`vehicle`] (categories and the fleet), [`rate`], [`setup`] (a whole agency
//! loaded at once). The vocabulary other
//! modules share too (money, pages, addresses, phone numbers) comes from [`ycyw_shared::domain`]
//! and is re-exported here.

pub mod agency;
pub mod market;
pub mod opening_hours;
pub mod rate;
pub mod setup;
pub mod vehicle;

pub use ycyw_shared::domain::{CurrencyCode, Money, MoneyInput, Page, PageQuery, PostalAddressInput};

pub use self::agency::{Address, Agency, AgencyCode, AgencyPatch, AgencyQuery, IanaTimeZone, NewAgency, phone};
pub use self::market::Market;
pub use self::opening_hours::{MinuteOfDay, OpeningHours, OpeningPeriod, OpeningPeriodInput};
pub use self::rate::{Quote, Rate, RateInput, RateSet, RatesInput};
pub use self::setup::{AgencySetup, BatchReport, SetupReport, Written};
pub use self::vehicle::{NewVehicle, Plate, Vehicle, VehicleCategory, VehiclePatch, VehicleQuery};
pub use crate::acriss::{AcrissCode, AcrissError};

#[cfg(test)]
pub(crate) mod test_support {
    /// `valid` with a multi-byte character inserted at every character boundary.
    pub(crate) fn spliced(valid: &str) -> Vec<String> {
        let at = valid.char_indices().map(|(i, _)| i).chain([valid.len()]);
        at.flat_map(|i| ["É", "日", "🚗", "\u{301}"].map(|wide| [&valid[..i], wide, &valid[i..]].concat())).collect()
    }
}

/// Every value parser of the model, on hostile input.
#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::test_support::spliced;
    use super::*;

    fn period(closes: &str) -> OpeningPeriodInput {
        OpeningPeriodInput { weekday: 1, opens: "08:00".into(), closes: closes.into() }
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
            assert!(OpeningHours::parse("h", &[period(&input)]).is_err(), "{input:?}");
        }
    }

    proptest! {
        #[test]
        /// Invariant: none of the model's value parsers (agency code, plate, minute of day, IANA
        /// zone, market, agency phone) panics, whatever the text.
        fn fuzz_catalog_value_parsers(raw in ycyw_testkit::fuzz::hostile_text(), near in ycyw_testkit::fuzz::mutated("PAR-GDL")) {
            for raw in [&raw, &near] {
                let _ = raw.parse::<AgencyCode>();
                let _ = raw.parse::<Plate>();
                let _ = MinuteOfDay::parse(raw);
                let _ = raw.parse::<IanaTimeZone>();
                let _ = raw.parse::<Market>();
                let _ = phone(raw);
            }
        }
    }
}
