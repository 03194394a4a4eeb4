//! The catalog part of the benchmark data set: N agencies spread over the seven markets and M
//! vehicles spread evenly over them, with opening hours and rates, as [`AgencySetup`]s the
//! Catalog facade validates and inserts in bulk.
//!
//! Bench agencies are named after real cities of their market, open every day 07:00–22:00 (so
//! a benchmark can book at any reasonable time), and have a rate for every category of their
//! fleet. Codes are `BEN-00001`…, plates `BN-0000001`…; they need no other marking: the whole
//! database is the benchmark's (see [`crate::database`]).

use chrono::NaiveDate;
use ycyw_catalog::{AcrissCode, AgencySetup, Market, MoneyInput, NewAgency, NewVehicle, OpeningPeriodInput, PostalAddressInput, RateInput};

/// Most bench agencies (codes have five digits).
pub const MAX_AGENCIES: usize = 99_999;
/// Most bench vehicles (plates have seven digits).
pub const MAX_VEHICLES: usize = 9_999_999;

/// How much data to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenchSize {
    /// Agencies (1 to [`MAX_AGENCIES`]).
    pub agencies: usize,
    /// Vehicles, spread evenly over the agencies (at most [`MAX_VEHICLES`]).
    pub vehicles: usize,
    /// Reservations, spread evenly over the vehicles (at most
    /// [`crate::reservations::MAX_PER_VEHICLE`] per vehicle).
    pub reservations: usize,
}

impl BenchSize {
    /// The design's benchmark size: 500 agencies, 50 000 vehicles, 2 000 000 reservations.
    pub const DESIGN: BenchSize = BenchSize { agencies: 500, vehicles: 50_000, reservations: 2_000_000 };

    /// This size, when it is one the generator can make.
    pub fn checked(self) -> anyhow::Result<Self> {
        if !(1..=MAX_AGENCIES).contains(&self.agencies) || self.vehicles > MAX_VEHICLES {
            anyhow::bail!("--agencies must be 1 to {MAX_AGENCIES} and --vehicles at most {MAX_VEHICLES}");
        }
        let most = self.vehicles.saturating_mul(crate::reservations::MAX_PER_VEHICLE);
        if self.reservations > most {
            anyhow::bail!(
                "--reservations must be at most {} per vehicle ({most} for {} vehicles): each vehicle's rentals do not overlap",
                crate::reservations::MAX_PER_VEHICLE,
                self.vehicles
            );
        }
        Ok(self)
    }
}

/// Real cities, postal codes and zones per market, for believable bench agencies.
fn cities(market: Market) -> &'static [(&'static str, &'static str, &'static str)] {
    match market {
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

/// A market's bench fleet: categories and their daily rates in minor units.
fn fleet(market: Market) -> &'static [(&'static str, i64)] {
    match market {
        Market::Ca | Market::Us => &[("ECAR", 4199), ("CCAR", 4599), ("ICAR", 5199), ("SFAR", 7899), ("MVAR", 9899)],
        _ => &[("MBMR", 3199), ("ECMR", 3599), ("CDMR", 4499), ("IDAR", 6199), ("SFAR", 8199), ("PVAR", 15899)],
    }
}

/// One-way fee of every bench rate, in minor units.
const ONE_WAY_FEE_MINOR: i64 = 6500;

fn money(amount_minor: i64, market: Market) -> MoneyInput {
    MoneyInput { amount_minor, currency: market.currency().as_str().to_string() }
}

/// Bench agency `i` (from 0): its market, city and rates, open every day 07:00–22:00.
fn agency(i: usize, valid_from: NaiveDate) -> AgencySetup {
    let market = Market::ALL[i % Market::ALL.len()];
    let market_cities = cities(market);
    let (city, postal_code, time_zone) = market_cities[(i / Market::ALL.len()) % market_cities.len()];
    let number = i + 1;
    let code = format!("BEN-{number:05}");
    let agency = NewAgency {
        name: format!("Bench {city} {number:05}"),
        address: PostalAddressInput {
            line1: format!("{} Bench Street", 1 + number % 400),
            line2: None,
            postal_code: postal_code.into(),
            city: city.into(),
            country_code: market.as_str().into(),
        },
        time_zone: time_zone.into(),
        currency: None,
        phone: "+15550100000".into(),
        email: format!("{}@bench.yourcaryourway.com", code.to_ascii_lowercase()),
        opening_hours: (1..=7).map(|weekday| OpeningPeriodInput { weekday, opens: "07:00".into(), closes: "22:00".into() }).collect(),
        active: None,
        code,
    };
    let rates = fleet(market)
        .iter()
        .map(|(category, daily)| RateInput {
            category: (*category).into(),
            daily_rate: money(*daily, market),
            one_way_fee: money(ONE_WAY_FEE_MINOR, market),
            valid_from,
            valid_to: None,
        })
        .collect();
    AgencySetup { agency, vehicles: Vec::new(), rates }
}

/// The data set of `size`: vehicle `n` (from 0) goes to agency `n mod N`, cycling through that
/// market's fleet, so agencies differ by at most one vehicle and every vehicle has a rate.
pub fn setups(size: BenchSize) -> Vec<AgencySetup> {
    let valid_from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let mut setups: Vec<AgencySetup> = (0..size.agencies).map(|i| agency(i, valid_from)).collect();
    let count = setups.len();
    if count == 0 {
        return setups;
    }
    for n in 0..size.vehicles {
        let setup = &mut setups[n % count];
        let market = Market::ALL[(n % count) % Market::ALL.len()];
        let categories = fleet(market);
        let (category, _) = categories[(n / count) % categories.len()];
        let model = AcrissCode::parse(category).map(|code| format!("Bench {}", code.decode().category)).unwrap_or_default();
        setup.vehicles.push(NewVehicle { category: category.into(), plate: format!("BN-{:07}", n + 1), model, active: None });
    }
    setups
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn vehicles_spread_evenly_over_agencies_of_every_market_and_have_rates() {
        let setups = setups(BenchSize { agencies: 14, vehicles: 1234, reservations: 0 });
        assert_eq!(setups.len(), 14);
        let markets: BTreeSet<&str> = setups.iter().map(|s| s.agency.address.country_code.as_str()).collect();
        assert_eq!(markets.len(), 7);
        let sizes: Vec<usize> = setups.iter().map(|s| s.vehicles.len()).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 1234);
        assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{sizes:?}");
        for setup in &setups {
            let priced: BTreeSet<&str> = setup.rates.iter().map(|r| r.category.as_str()).collect();
            assert!(setup.vehicles.iter().all(|v| priced.contains(v.category.as_str())), "{}", setup.agency.code);
        }
        let plates: BTreeSet<&str> = setups.iter().flat_map(|s| s.vehicles.iter().map(|v| v.plate.as_str())).collect();
        assert_eq!(plates.len(), 1234);
        assert_eq!((setups[0].agency.code.as_str(), setups[13].agency.code.as_str()), ("BEN-00001", "BEN-00014"));
    }

    #[test]
    fn sizes_are_bounded() {
        assert!(BenchSize::DESIGN.checked().is_ok());
        assert!(BenchSize { agencies: 0, vehicles: 10, reservations: 0 }.checked().is_err());
        assert!(BenchSize { agencies: MAX_AGENCIES + 1, vehicles: 0, reservations: 0 }.checked().is_err());
        assert!(BenchSize { agencies: 1, vehicles: MAX_VEHICLES + 1, reservations: 0 }.checked().is_err());
        let per_vehicle = crate::reservations::MAX_PER_VEHICLE;
        assert!(BenchSize { agencies: 1, vehicles: 10, reservations: 10 * per_vehicle }.checked().is_ok());
        assert!(BenchSize { agencies: 1, vehicles: 10, reservations: 10 * per_vehicle + 1 }.checked().is_err());
        assert!(BenchSize { agencies: 1, vehicles: 0, reservations: 1 }.checked().is_err());
    }
}
