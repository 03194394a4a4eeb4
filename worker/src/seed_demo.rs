//! `ycyw-worker seed-demo`: the demo catalogue of `worker/data/demo-catalog.json` (embedded in the
//! worker, the only binary with the command) — agencies in real cities of the seven markets with
//! their real time zones and currencies, a fleet of several vehicles per category per agency, and
//! market-priced rates — loaded through the [`Catalog`] facade.
//!
//! The file describes the catalogue compactly: each agency names its site (which gives its
//! opening hours and a price percentage) and, through its country, its market (price level,
//! one-way fee, fleet). [`demo_setups`] expands it into one [`AgencySetup`] per agency; plates
//! follow each market's format and are numbered per agency, so a run always produces the same
//! plates. Loading is idempotent: [`Catalog::upsert_agency_setup`] matches agencies by code and
//! vehicles by plate and rewrites only what differs from the demo data, so running it twice
//! leaves the catalog unchanged, and running it after edits restores the demo values of demo
//! rows (other rows are never touched).

use std::collections::{BTreeMap, HashMap};

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use ycyw_catalog::{
    AgencySetup, Catalog, Market, MoneyInput, NewAgency, NewVehicle, OpeningPeriodInput, PostalAddressInput, RateInput, Written,
};

/// The demo catalogue.
const DEMO_CATALOG: &str = include_str!("../data/demo-catalog.json");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoCatalog {
    /// What the file is, for its readers.
    #[serde(rename = "about")]
    _about: String,
    /// First day of every demo rate (open-ended).
    rates_valid_from: NaiveDate,
    sites: BTreeMap<String, Site>,
    markets: BTreeMap<Market, MarketPrices>,
    fleets: BTreeMap<String, Vec<FleetLine>>,
    agencies: Vec<DemoAgency>,
}

/// A kind of place (station, airport…): its weekly opening hours and how much dearer it is.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Site {
    price_percent: i64,
    hours: Vec<Hours>,
}

/// Opening hours shared by several weekdays.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Hours {
    weekdays: Vec<i64>,
    opens: String,
    closes: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MarketPrices {
    price_level_percent: i64,
    one_way_fee_minor: i64,
    fleet: String,
}

/// Vehicles of one category in every agency of a fleet.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FleetLine {
    category: String,
    per_agency: usize,
    /// Daily rate, in minor units, before the market's level and the site's percentage.
    daily_base_minor: i64,
    models: Vec<String>,
    #[serde(default = "hundred")]
    one_way_fee_percent: i64,
}

fn hundred() -> i64 {
    100
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoAgency {
    code: String,
    name: String,
    address: PostalAddressInput,
    time_zone: String,
    phone: String,
    email: String,
    site: String,
    /// Registration district that starts the agency's plates (Germany).
    #[serde(default)]
    plate_prefix: String,
}

/// Rounds to whole currency units minus one cent (49.99).
fn price_point(minor: i64) -> i64 {
    ((minor + 50) / 100) * 100 - 1
}

const PLATE_LETTERS: &[u8; 20] = b"BCDFGHJKLMNPRSTVWXYZ";

/// `count` letters encoding `n` (base 20, consonants only, so valid in every market's format).
fn letters(n: usize, count: u32) -> String {
    (0..count).rev().map(|i| char::from(PLATE_LETTERS[(n / 20usize.pow(i)) % 20])).collect()
}

/// A plate in the market's format for vehicle `seq` of the market's agency number `index`.
fn demo_plate(market: Market, prefix: &str, index: usize, seq: usize) -> String {
    match market {
        Market::Fr => format!("{}-{:03}-{}", letters(index + 40, 2), seq + 101, letters(seq + 60, 2)),
        Market::De => format!("{}-{} {}", prefix, letters(index + 25, 2), 1001 + seq),
        Market::Es => format!("{:04} {}", 2001 + index * 100 + seq, letters(index + 2000, 3)),
        Market::It => format!("{} {:03} {}", letters(index + 80, 2), seq + 101, letters(seq + 90, 2)),
        Market::Gb => format!("{}26 {}", letters(index + 120, 2), letters(seq + 400, 3)),
        Market::Ca => format!("{} {:03}", letters(index + 9000, 4), seq + 101),
        Market::Us => format!("{} {}", letters(index + 3000, 3), 1001 + seq),
    }
}

fn money(amount_minor: i64, market: Market) -> MoneyInput {
    MoneyInput { amount_minor, currency: market.currency().as_str().to_string() }
}

/// The demo catalogue, one setup per agency, in the file's order.
pub fn demo_setups() -> anyhow::Result<Vec<AgencySetup>> {
    let demo: DemoCatalog = serde_json::from_str(DEMO_CATALOG).context("worker/data/demo-catalog.json")?;
    let mut agencies_per_market: HashMap<Market, usize> = HashMap::new();
    let mut setups = Vec::with_capacity(demo.agencies.len());
    for agency in demo.agencies {
        let code = agency.code;
        let market = Market::parse(&agency.address.country_code).map_err(|e| anyhow::anyhow!("{code}: country: {}", e.message))?;
        let prices = demo.markets.get(&market).with_context(|| format!("{code}: no prices for {market}"))?;
        let site = demo.sites.get(&agency.site).with_context(|| format!("{code}: no site {}", agency.site))?;
        let fleet = demo.fleets.get(&prices.fleet).with_context(|| format!("{market}: no fleet {}", prices.fleet))?;
        let index = {
            let count = agencies_per_market.entry(market).or_default();
            *count += 1;
            *count - 1
        };

        let opening_hours = site
            .hours
            .iter()
            .flat_map(|hours| {
                hours.weekdays.iter().map(|&weekday| OpeningPeriodInput {
                    weekday,
                    opens: hours.opens.clone(),
                    closes: hours.closes.clone(),
                })
            })
            .collect();
        let mut vehicles = Vec::new();
        let mut rates = Vec::new();
        for line in fleet {
            for n in 0..line.per_agency {
                vehicles.push(NewVehicle {
                    category: line.category.clone(),
                    plate: demo_plate(market, &agency.plate_prefix, index, vehicles.len()),
                    model: line.models.get(n % line.models.len().max(1)).cloned().unwrap_or_default(),
                    active: None,
                });
            }
            let daily = price_point(line.daily_base_minor * prices.price_level_percent / 100 * site.price_percent / 100);
            rates.push(RateInput {
                category: line.category.clone(),
                daily_rate: money(daily, market),
                one_way_fee: money(prices.one_way_fee_minor * line.one_way_fee_percent / 100, market),
                valid_from: demo.rates_valid_from,
                valid_to: None,
            });
        }
        let agency = NewAgency {
            code,
            name: agency.name,
            address: agency.address,
            time_zone: agency.time_zone,
            currency: None,
            phone: agency.phone,
            email: agency.email,
            opening_hours,
            active: None,
        };
        setups.push(AgencySetup { agency, vehicles, rates });
    }
    Ok(setups)
}

/// What [`seed_demo`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Agencies created.
    pub agencies_created: usize,
    /// Agencies restored to their demo values.
    pub agencies_updated: usize,
    /// Vehicles created.
    pub vehicles_created: usize,
    /// Vehicles restored to their demo values.
    pub vehicles_updated: usize,
    /// Agencies whose rate set was (re)written.
    pub rate_sets_written: usize,
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "agencies: {} created, {} updated; vehicles: {} created, {} updated; rate sets written: {}",
            self.agencies_created, self.agencies_updated, self.vehicles_created, self.vehicles_updated, self.rate_sets_written
        )
    }
}

/// Creates or restores the demo catalogue (see the module documentation), after restoring the
/// reference vehicle categories; `now` stamps what it writes.
pub async fn seed_demo(catalog: &Catalog, now: DateTime<Utc>) -> anyhow::Result<SeedReport> {
    let setups = demo_setups()?;
    catalog.restore_reference_categories().await?;
    let mut report = SeedReport::default();
    for setup in &setups {
        let done = catalog.upsert_agency_setup(setup, now).await.with_context(|| format!("demo agency {}", setup.agency.code))?;
        match done.agency_written {
            Written::Created => report.agencies_created += 1,
            Written::Updated => report.agencies_updated += 1,
            Written::Unchanged => {}
        }
        report.vehicles_created += done.vehicles_created;
        report.vehicles_updated += done.vehicles_updated;
        report.rate_sets_written += usize::from(done.rates_written);
        for plate in done.plates_elsewhere {
            tracing::warn!(plate, "a vehicle of another agency has this demo plate; left alone");
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_market_has_at_least_three_agencies_with_unique_codes() {
        let setups = demo_setups().unwrap();
        let mut per_market: HashMap<Market, usize> = HashMap::new();
        let mut codes = BTreeSet::new();
        for setup in &setups {
            *per_market.entry(Market::parse(&setup.agency.address.country_code).unwrap()).or_default() += 1;
            assert!(codes.insert(setup.agency.code.clone()), "duplicate code {}", setup.agency.code);
            assert!(!setup.agency.opening_hours.is_empty(), "{} never opens", setup.agency.code);
            assert_eq!(setup.rates.len(), setup.vehicles.iter().map(|v| &v.category).collect::<BTreeSet<_>>().len());
        }
        for market in Market::ALL {
            assert!(per_market.get(&market).copied().unwrap_or(0) >= 3, "{market} has fewer than 3 agencies");
        }
    }

    #[test]
    fn demo_plates_are_unique_and_every_category_has_several_vehicles() {
        let mut plates = BTreeSet::new();
        for setup in demo_setups().unwrap() {
            let mut per_category: HashMap<&str, usize> = HashMap::new();
            for vehicle in &setup.vehicles {
                assert!(plates.insert(vehicle.plate.clone()), "duplicate plate {}", vehicle.plate);
                assert!(!vehicle.model.is_empty(), "{} has no model", vehicle.plate);
                *per_category.entry(&vehicle.category).or_default() += 1;
            }
            assert!(per_category.values().all(|n| *n >= 2), "{}: {per_category:?}", setup.agency.code);
        }
    }

    #[test]
    fn rates_are_price_points_in_the_market_currency() {
        for setup in demo_setups().unwrap() {
            let currency = Market::parse(&setup.agency.address.country_code).unwrap().currency();
            for rate in &setup.rates {
                assert_eq!(rate.daily_rate.amount_minor % 100, 99, "{} {}", setup.agency.code, rate.category);
                assert_eq!((rate.daily_rate.currency.as_str(), rate.one_way_fee.currency.as_str()), (currency.as_str(), currency.as_str()));
            }
        }
        assert_eq!(price_point(4500), 4499);
        assert_eq!(price_point(4549), 4499);
        assert_eq!(price_point(4551), 4599);
        assert_eq!(letters(0, 2), "BB");
        assert_eq!(letters(21, 2), "CC");
    }
}
