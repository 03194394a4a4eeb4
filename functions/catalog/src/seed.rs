//! Reference and demo data.
//!
//! - [`REFERENCE_CATEGORIES`]: the vehicle categories the catalog offers. The catalog migration
//!   inserts the same rows; [`seed_demo`] upserts them too, so both stay in step (a test checks
//!   the migration's rows).
//! - [`seed_demo`] (`ycyw-worker seed-demo`): a realistic demo catalog — agencies in real cities
//!   of the seven markets with their real time zones and currencies, a fleet of several vehicles
//!   per category per agency, and market-priced rates. Idempotent: rows are matched by natural key
//!   (agency code, category code, plate) and only rewritten when they differ from the demo data,
//!   so running it twice leaves the catalog unchanged, and running it after edits restores the
//!   demo values of demo rows (other rows are never touched).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::MySqlPool;
use uuid::Uuid;

use crate::error::CatalogError;
use crate::model::{
    AcrissCode, Address, Agency, AgencyCode, CurrencyCode, IanaTimeZone, Market, MinuteOfDay, Money, OpeningHours, OpeningPeriod, Plate,
    Rate, Vehicle,
};
use crate::reference::reference_categories;
use crate::repo;

/// Where an agency is, which sets its opening hours and its price level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site {
    /// A railway station.
    Station,
    /// A city-centre office (lunch break where that is the custom).
    Downtown,
    /// An airport: long hours, 10 % dearer.
    Airport,
    /// A hub airport open around the clock, 10 % dearer.
    HubAirport,
}

struct DemoAgency {
    code: &'static str,
    name: &'static str,
    line1: &'static str,
    line2: Option<&'static str>,
    postal_code: &'static str,
    city: &'static str,
    country: Market,
    time_zone: &'static str,
    phone: &'static str,
    site: Site,
    /// Prefix of German plates (the registration district).
    plate_prefix: &'static str,
}

#[allow(clippy::too_many_arguments)] // one row of the table below, in column order
const fn agency(
    code: &'static str,
    name: &'static str,
    line1: &'static str,
    line2: Option<&'static str>,
    postal_code: &'static str,
    city: &'static str,
    country: Market,
    time_zone: &'static str,
    phone: &'static str,
    site: Site,
) -> DemoAgency {
    DemoAgency { code, name, line1, line2, postal_code, city, country, time_zone, phone, site, plate_prefix: "" }
}

const fn with_plates(mut a: DemoAgency, prefix: &'static str) -> DemoAgency {
    a.plate_prefix = prefix;
    a
}

use Market::{Ca, De, Es, Fr, Gb, It, Us};
use Site::{Airport, Downtown, HubAirport, Station};

/// Demo agencies: real places, street addresses as on the stations' and airports' own pages,
/// phone numbers from ranges reserved for fiction where the country has one.
const DEMO_AGENCIES: &[DemoAgency] = &[
    agency(
        "PAR-GDL",
        "Paris Gare de Lyon",
        "20 boulevard Diderot",
        None,
        "75012",
        "Paris",
        Fr,
        "Europe/Paris",
        "+33 1 99 00 10 01",
        Station,
    ),
    agency(
        "PAR-MTP",
        "Paris Montparnasse",
        "17 boulevard de Vaugirard",
        None,
        "75015",
        "Paris",
        Fr,
        "Europe/Paris",
        "+33 1 99 00 10 02",
        Station,
    ),
    agency(
        "LYS-PDI",
        "Lyon Part-Dieu",
        "5 place Charles Béraudier",
        None,
        "69003",
        "Lyon",
        Fr,
        "Europe/Paris",
        "+33 4 99 00 10 03",
        Station,
    ),
    agency(
        "NCE-APT",
        "Nice Côte d'Azur Airport",
        "Aéroport Nice Côte d'Azur",
        Some("Terminal 2, parking P5"),
        "06200",
        "Nice",
        Fr,
        "Europe/Paris",
        "+33 4 99 00 10 04",
        Airport,
    ),
    agency(
        "BOD-STJ",
        "Bordeaux Saint-Jean",
        "Rue Charles Domercq",
        None,
        "33800",
        "Bordeaux",
        Fr,
        "Europe/Paris",
        "+33 5 99 00 10 05",
        Station,
    ),
    with_plates(
        agency(
            "BER-HBF",
            "Berlin Hauptbahnhof",
            "Europaplatz 1",
            None,
            "10557",
            "Berlin",
            De,
            "Europe/Berlin",
            "+49 30 23125 101",
            Station,
        ),
        "B",
    ),
    with_plates(
        agency(
            "MUC-HBF",
            "München Hauptbahnhof",
            "Bayerstraße 10a",
            None,
            "80335",
            "München",
            De,
            "Europe/Berlin",
            "+49 89 99998 101",
            Station,
        ),
        "M",
    ),
    with_plates(
        agency(
            "FRA-APT",
            "Frankfurt Flughafen",
            "Hugo-Eckener-Ring",
            Some("Terminal 1, Mietwagenzentrum"),
            "60549",
            "Frankfurt am Main",
            De,
            "Europe/Berlin",
            "+49 69 90009 101",
            HubAirport,
        ),
        "F",
    ),
    with_plates(
        agency(
            "HAM-HBF",
            "Hamburg Hauptbahnhof",
            "Hachmannplatz 16",
            None,
            "20099",
            "Hamburg",
            De,
            "Europe/Berlin",
            "+49 40 66969 101",
            Station,
        ),
        "HH",
    ),
    agency(
        "MAD-ATO",
        "Madrid Puerta de Atocha",
        "Plaza del Emperador Carlos V",
        None,
        "28045",
        "Madrid",
        Es,
        "Europe/Madrid",
        "+34 910 000 101",
        Station,
    ),
    agency(
        "BCN-STS",
        "Barcelona Sants",
        "Plaça dels Països Catalans 1",
        None,
        "08014",
        "Barcelona",
        Es,
        "Europe/Madrid",
        "+34 930 000 102",
        Station,
    ),
    agency(
        "AGP-APT",
        "Málaga-Costa del Sol Airport",
        "Avenida del Comandante García Morato",
        Some("Terminal 3, llegadas"),
        "29004",
        "Málaga",
        Es,
        "Europe/Madrid",
        "+34 950 000 103",
        Airport,
    ),
    agency(
        "LPA-SCT",
        "Las Palmas Santa Catalina",
        "Calle Luis Morote 6",
        None,
        "35007",
        "Las Palmas de Gran Canaria",
        Es,
        "Atlantic/Canary",
        "+34 928 000 104",
        Downtown,
    ),
    agency("ROM-TER", "Roma Termini", "Via Giovanni Giolitti 34", None, "00185", "Roma", It, "Europe/Rome", "+39 06 0000 0101", Station),
    agency("MIL-CLE", "Milano Centrale", "Piazza Duca d'Aosta 1", None, "20124", "Milano", It, "Europe/Rome", "+39 02 0000 0102", Station),
    agency(
        "FLR-SMN",
        "Firenze Santa Maria Novella",
        "Piazza della Stazione 1",
        None,
        "50123",
        "Firenze",
        It,
        "Europe/Rome",
        "+39 055 000 0103",
        Downtown,
    ),
    agency(
        "NAP-CEN",
        "Napoli Centrale",
        "Piazza Giuseppe Garibaldi",
        None,
        "80142",
        "Napoli",
        It,
        "Europe/Rome",
        "+39 081 000 0104",
        Downtown,
    ),
    agency(
        "LON-KGX",
        "London King's Cross",
        "Euston Road",
        Some("King's Cross Station"),
        "N1C 4TB",
        "London",
        Gb,
        "Europe/London",
        "+44 20 7946 0101",
        Station,
    ),
    agency(
        "LON-LHR",
        "London Heathrow Airport",
        "Northern Perimeter Road",
        Some("Car Rental Centre"),
        "TW6 2QD",
        "London",
        Gb,
        "Europe/London",
        "+44 20 7946 0102",
        HubAirport,
    ),
    agency(
        "MAN-PIC",
        "Manchester Piccadilly",
        "Piccadilly Station Approach",
        None,
        "M60 7RA",
        "Manchester",
        Gb,
        "Europe/London",
        "+44 161 496 0103",
        Station,
    ),
    agency(
        "EDI-WAV",
        "Edinburgh Waverley",
        "Waverley Bridge",
        None,
        "EH1 1BB",
        "Edinburgh",
        Gb,
        "Europe/London",
        "+44 131 496 0104",
        Station,
    ),
    agency(
        "TOR-UNI",
        "Toronto Union Station",
        "65 Front Street West",
        None,
        "M5J 1E6",
        "Toronto",
        Ca,
        "America/Toronto",
        "+1 416 555 0101",
        Station,
    ),
    agency(
        "YYZ-APT",
        "Toronto Pearson Airport",
        "6301 Silver Dart Drive",
        Some("Terminal 1, ground level"),
        "L5P 1B2",
        "Mississauga",
        Ca,
        "America/Toronto",
        "+1 905 555 0102",
        HubAirport,
    ),
    agency(
        "MTL-CEN",
        "Montréal Gare Centrale",
        "895 rue De La Gauchetière Ouest",
        None,
        "H3B 4G1",
        "Montréal",
        Ca,
        "America/Toronto",
        "+1 514 555 0103",
        Station,
    ),
    agency(
        "VAN-WFC",
        "Vancouver Waterfront",
        "601 West Cordova Street",
        None,
        "V6B 1G1",
        "Vancouver",
        Ca,
        "America/Vancouver",
        "+1 604 555 0104",
        Station,
    ),
    agency(
        "YYC-APT",
        "Calgary International Airport",
        "2000 Airport Road NE",
        None,
        "T2E 6W5",
        "Calgary",
        Ca,
        "America/Edmonton",
        "+1 403 555 0105",
        Airport,
    ),
    agency(
        "NYC-PEN",
        "New York Penn Station",
        "234 West 31st Street",
        None,
        "10001",
        "New York",
        Us,
        "America/New_York",
        "+1 212 555 0101",
        Downtown,
    ),
    agency(
        "LAX-APT",
        "Los Angeles International Airport",
        "9020 Aviation Boulevard",
        Some("Rental car shuttle stop"),
        "90045",
        "Los Angeles",
        Us,
        "America/Los_Angeles",
        "+1 310 555 0102",
        HubAirport,
    ),
    agency(
        "CHI-UNS",
        "Chicago Union Station",
        "225 South Canal Street",
        None,
        "60606",
        "Chicago",
        Us,
        "America/Chicago",
        "+1 312 555 0103",
        Station,
    ),
    agency(
        "MIA-APT",
        "Miami International Airport",
        "3900 NW 25th Street",
        Some("Rental Car Center"),
        "33142",
        "Miami",
        Us,
        "America/New_York",
        "+1 305 555 0104",
        Airport,
    ),
    agency(
        "DEN-APT",
        "Denver International Airport",
        "24530 East 78th Avenue",
        None,
        "80249",
        "Denver",
        Us,
        "America/Denver",
        "+1 303 555 0105",
        Airport,
    ),
    agency(
        "PHX-APT",
        "Phoenix Sky Harbor Airport",
        "1805 East Sky Harbor Circle South",
        Some("Rental Car Center"),
        "85034",
        "Phoenix",
        Us,
        "America/Phoenix",
        "+1 602 555 0106",
        Airport,
    ),
];

/// European fleet: category, vehicles per agency, daily rate in EUR cents before the market's
/// level, and models (rotated).
const EUROPE_FLEET: &[(&str, u8, i64, &[&str])] = &[
    ("MBMR", 3, 3200, &["Fiat 500", "Toyota Aygo X"]),
    ("ECMR", 4, 3600, &["Renault Clio", "Peugeot 208", "Opel Corsa"]),
    ("CDMR", 4, 4500, &["Peugeot 308", "Volkswagen Golf", "Renault Mégane"]),
    ("CDAR", 3, 5200, &["Volkswagen Golf DSG", "Peugeot 308 EAT8"]),
    ("CWMR", 2, 5000, &["Peugeot 308 SW", "Skoda Octavia Combi"]),
    ("IDAR", 3, 6200, &["Toyota Corolla", "Skoda Octavia DSG"]),
    ("IDAH", 3, 6600, &["Toyota Corolla Hybrid", "Renault Austral E-Tech"]),
    ("SFAR", 3, 8200, &["Volkswagen Tiguan", "Peugeot 5008"]),
    ("PDAR", 2, 11500, &["BMW 5 Series", "Mercedes-Benz E-Class"]),
    ("FVMR", 2, 10500, &["Renault Trafic 9 seats", "Ford Transit Custom"]),
    ("PVAR", 2, 15900, &["Mercedes-Benz V-Class"]),
];

/// North-American fleet, daily rate in US cents before the market's level.
const NORTH_AMERICA_FLEET: &[(&str, u8, i64, &[&str])] = &[
    ("ECAR", 3, 4200, &["Mitsubishi Mirage", "Kia Rio"]),
    ("CCAR", 4, 4600, &["Nissan Versa", "Hyundai Accent"]),
    ("ICAR", 4, 5200, &["Toyota Corolla", "Hyundai Elantra"]),
    ("SCAR", 3, 5800, &["Volkswagen Jetta", "Kia K5"]),
    ("FCAR", 3, 6400, &["Toyota Camry", "Nissan Altima"]),
    ("IFAR", 3, 6900, &["Toyota RAV4", "Honda CR-V"]),
    ("SFAR", 3, 7900, &["Ford Edge", "Jeep Grand Cherokee"]),
    ("FFAR", 2, 11900, &["Chevrolet Tahoe", "Ford Expedition"]),
    ("MVAR", 2, 9900, &["Chrysler Pacifica", "Toyota Sienna"]),
    ("PCAR", 2, 8900, &["Chrysler 300", "Nissan Maxima"]),
    ("STAR", 2, 9500, &["Ford Mustang Convertible"]),
];

/// The market's price level (percent of the base rate) and one-way fee, in its own currency.
fn market_prices(country: Market) -> (i64, i64) {
    match country {
        Fr => (100, 6500),
        De => (105, 7000),
        Es => (85, 5500),
        It => (95, 6000),
        Gb => (90, 6000),
        Ca => (125, 12_500),
        Us => (100, 9900),
    }
}

fn fleet_of(country: Market) -> &'static [(&'static str, u8, i64, &'static [&'static str])] {
    match country {
        Ca | Us => NORTH_AMERICA_FLEET,
        _ => EUROPE_FLEET,
    }
}

/// First day of the demo rates (open-ended).
fn rates_valid_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
}

fn period(weekday: u8, opens: u16, closes: u16) -> Option<OpeningPeriod> {
    Some(OpeningPeriod { weekday, opens: MinuteOfDay::new(opens)?, closes: MinuteOfDay::new(closes)? })
}

fn hours(site: Site, country: Market) -> OpeningHours {
    let h = |hh: u16, mm: u16| hh * 60 + mm;
    let mut periods = Vec::new();
    for day in 1..=7u8 {
        let weekend = day >= 6;
        let day_periods: Vec<(u16, u16)> = match site {
            Site::HubAirport => vec![(0, 1440)],
            Site::Airport => vec![(h(6, 0), h(23, 0))],
            Site::Station if day == 7 => vec![(h(9, 0), h(13, 0))],
            Site::Station => vec![(h(7, 30), h(20, 0))],
            Site::Downtown if day == 7 => vec![],
            Site::Downtown if weekend => vec![(h(9, 0), h(13, 0))],
            // Lunch break, as is usual in Spain and Italy.
            Site::Downtown if matches!(country, Es | It) => vec![(h(9, 0), h(13, 30)), (h(16, 0), h(19, 30))],
            Site::Downtown => vec![(h(8, 0), h(19, 0))],
        };
        periods.extend(day_periods.into_iter().filter_map(|(opens, closes)| period(day, opens, closes)));
    }
    OpeningHours::from_periods(periods)
}

/// Rounds to whole currency units minus one cent (49.99).
fn price_point(minor: i64) -> i64 {
    ((minor + 50) / 100) * 100 - 1
}

const PLATE_LETTERS: &[u8; 20] = b"BCDFGHJKLMNPRSTVWXYZ";

/// `count` letters encoding `n` (base 20, consonants only, so valid in every market's format).
fn letters(n: usize, count: u32) -> String {
    (0..count).rev().map(|i| PLATE_LETTERS[(n / 20usize.pow(i)) % 20] as char).collect()
}

/// A plate in the market's format for vehicle `seq` of the market's agency number `index`.
fn demo_plate(demo: &DemoAgency, index: usize, seq: usize) -> String {
    match demo.country {
        Fr => format!("{}-{:03}-{}", letters(index + 40, 2), seq + 101, letters(seq + 60, 2)),
        De => format!("{}-{} {}", demo.plate_prefix, letters(index + 25, 2), 1001 + seq),
        Es => format!("{:04} {}", 2001 + index * 100 + seq, letters(index + 2000, 3)),
        It => format!("{} {:03} {}", letters(index + 80, 2), seq + 101, letters(seq + 90, 2)),
        Gb => format!("{}26 {}", letters(index + 120, 2), letters(seq + 400, 3)),
        Ca => format!("{} {:03}", letters(index + 9000, 4), seq + 101),
        Us => format!("{} {}", letters(index + 3000, 3), 1001 + seq),
    }
}

/// The demo agency as an [`Agency`] with id `id`.
fn demo_agency(demo: &DemoAgency, id: Uuid) -> Result<Agency, CatalogError> {
    let bad = |what: &str| CatalogError::Corrupt(format!("demo agency {}: {what}", demo.code));
    let address = Address {
        line1: demo.line1.into(),
        line2: demo.line2.map(Into::into),
        postal_code: demo.postal_code.into(),
        city: demo.city.into(),
        country_code: demo.country,
    };
    Ok(Agency {
        id,
        code: demo.code.parse::<AgencyCode>().map_err(|_| bad("code"))?,
        name: demo.name.into(),
        city: demo.city.into(),
        country_code: demo.country,
        address,
        time_zone: demo.time_zone.parse::<IanaTimeZone>().map_err(|_| bad("time zone"))?,
        currency: demo.country.currency(),
        phone: crate::model::phone(demo.phone).map_err(|_| bad("phone"))?,
        email: format!("{}@agencies.yourcaryourway.com", demo.code.to_ascii_lowercase()),
        opening_hours: hours(demo.site, demo.country),
        active: true,
    })
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

/// Whether the catalog has no agency at all.
pub async fn catalog_is_empty(pool: &MySqlPool) -> Result<bool, CatalogError> {
    Ok(!repo::has_agencies(pool).await?)
}

/// Creates or restores the demo catalog (see the module documentation); `now` stamps what it writes.
pub async fn seed_demo(pool: &MySqlPool, now: DateTime<Utc>) -> Result<SeedReport, CatalogError> {
    let mut report = SeedReport::default();
    for category in reference_categories()? {
        repo::upsert_category(pool, &category).await?;
    }
    let mut market_index = std::collections::HashMap::<Market, usize>::new();
    for demo in DEMO_AGENCIES {
        let index = {
            let next = market_index.entry(demo.country).or_insert(0);
            *next += 1;
            *next - 1
        };
        let mut tx = pool.begin().await?;
        let code = demo.code.parse::<AgencyCode>().map_err(|_| CatalogError::Corrupt(format!("demo agency code {}", demo.code)))?;
        let agency = match repo::find_agency_by_code(&mut *tx, &code).await? {
            None => {
                let agency = demo_agency(demo, Uuid::now_v7())?;
                repo::insert_agency(&mut tx, &agency, now).await?;
                report.agencies_created += 1;
                agency
            }
            Some(current) => {
                let wanted = demo_agency(demo, current.id)?;
                if wanted != current {
                    repo::update_agency(&mut tx, &wanted, now).await?;
                    report.agencies_updated += 1;
                }
                wanted
            }
        };

        let (level, one_way_fee) = market_prices(demo.country);
        let airport = matches!(demo.site, Site::Airport | Site::HubAirport);
        let mut rates = Vec::new();
        let mut seq = 0;
        for (category, count, base, models) in fleet_of(demo.country) {
            let category = AcrissCode::parse(category).map_err(|e| CatalogError::Corrupt(format!("demo fleet {category}: {e}")))?;
            for n in 0..usize::from(*count) {
                let plate = demo_plate(demo, index, seq)
                    .parse::<Plate>()
                    .map_err(|_| CatalogError::Corrupt(format!("demo plate of {}", demo.code)))?;
                seq += 1;
                let model = models[n % models.len()].to_string();
                match repo::find_vehicle_by_plate(&mut *tx, &plate).await? {
                    None => {
                        let vehicle = Vehicle { id: Uuid::now_v7(), agency_id: agency.id, category, plate, model, active: true };
                        repo::insert_vehicle(&mut *tx, &vehicle, now).await?;
                        report.vehicles_created += 1;
                    }
                    Some(current) if current.agency_id == agency.id => {
                        let wanted = Vehicle { category, model, active: true, ..current.clone() };
                        if wanted != current {
                            repo::update_vehicle(&mut *tx, &wanted, now).await?;
                            report.vehicles_updated += 1;
                        }
                    }
                    Some(_) => tracing::warn!(plate = plate.as_str(), "a vehicle of another agency has this demo plate; left alone"),
                }
            }
            let currency: CurrencyCode = agency.currency;
            let location = if airport { 110 } else { 100 };
            let daily = price_point(base * level / 100 * location / 100);
            let fee = if category.decode().vehicle_type == "Passenger van" { one_way_fee * 3 / 2 } else { one_way_fee };
            rates.push(Rate {
                agency_id: agency.id,
                category,
                daily_rate: Money::new(daily, currency),
                one_way_fee: Money::new(fee, currency),
                valid_from: rates_valid_from(),
                valid_to: None,
            });
        }
        rates.sort_by_key(|r| (r.category, r.valid_from));
        if repo::list_rates(&mut *tx, agency.id).await? != rates {
            repo::replace_rates(&mut tx, agency.id, &rates, now).await?;
            report.rate_sets_written += 1;
        }
        tx.commit().await?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap};

    use super::*;

    #[test]
    fn every_market_has_at_least_three_agencies_with_valid_data() {
        let mut per_market: HashMap<Market, usize> = HashMap::new();
        let mut codes = BTreeSet::new();
        for demo in DEMO_AGENCIES {
            let agency = demo_agency(demo, Uuid::nil()).unwrap();
            *per_market.entry(agency.country_code).or_default() += 1;
            assert!(codes.insert(agency.code.clone()), "duplicate code {}", agency.code);
            assert_eq!(agency.time_zone.tz().name(), demo.time_zone);
            assert!(!agency.opening_hours.periods().is_empty(), "{} never opens", demo.code);
        }
        for market in Market::ALL {
            assert!(per_market.get(&market).copied().unwrap_or(0) >= 3, "{market} has fewer than 3 agencies");
        }
    }

    #[test]
    fn demo_plates_are_valid_and_unique() {
        let mut plates = BTreeSet::new();
        let mut index: HashMap<Market, usize> = HashMap::new();
        for demo in DEMO_AGENCIES {
            let i = *index.entry(demo.country).and_modify(|n| *n += 1).or_insert(0);
            let count: usize = fleet_of(demo.country).iter().map(|(_, n, _, _)| usize::from(*n)).sum();
            for seq in 0..count {
                let plate = demo_plate(demo, i, seq);
                assert_eq!(plate.parse::<Plate>().map(|p| p.as_str().to_string()), Ok(plate.clone()));
                assert!(plates.insert(plate.clone()), "duplicate plate {plate}");
            }
        }
    }

    #[test]
    fn fleets_use_reference_categories_and_rates_are_price_points() {
        let reference: BTreeSet<&str> = crate::reference::REFERENCE_CATEGORIES.iter().map(|(code, ..)| *code).collect();
        for (code, count, base, models) in EUROPE_FLEET.iter().chain(NORTH_AMERICA_FLEET) {
            assert!(reference.contains(code), "{code} is not a reference category");
            assert!(*count >= 2 && *base > 0 && !models.is_empty());
        }
        assert_eq!(price_point(4500), 4499);
        assert_eq!(price_point(4549), 4499);
        assert_eq!(price_point(4551), 4599);
        assert_eq!(letters(0, 2), "BB");
        assert_eq!(letters(21, 2), "CC");
    }
}
