//! The reservations part of the benchmark data set: R reservations spread evenly over the bench
//! vehicles (agency by agency, so over the seven markets), past and future, written through the
//! reservations module's bulk insert ([`ycyw_reservations::bulk`]); the catalog is read back
//! through the [`Catalog`] facade.
//!
//! Each vehicle's timeline — from a year before the load to a year after, shifted back by a
//! random phase per vehicle so that fleets do not all turn over on the same day — is cut into as
//! many equal slots as the vehicle has reservations, and each reservation lies inside its slot.
//! So a vehicle's rentals never overlap, whatever their status: the data set holds no
//! overbooking by construction (and the bulk insert checks it again).
//!
//! Rentals last 1 to 14 days (three in four under a week), start 09:00–19:30 agency-local time and
//! end at the same time, or up to two hours earlier; 5 % are one-way to another agency of the
//! market. Statuses follow time: past rentals are mostly `returned` (some `cancelled`, `no_show`,
//! `expired`), current ones `picked_up` (or `cancelled`), future ones mostly `confirmed` (some
//! `cancelled`, `expired`, and 1 % `pending_payment` holds taken in the half hour before the load).
//! Prices are the bench rates through [`Catalog::price`]; cancellations refund 100 % or 25 % by the
//! 7-day rule. Clients are made-up ids — reservations refer to users without a foreign key —
//! about four reservations each, with made-up names.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_catalog::{AcrissCode, Agency, Catalog, Rate};
use ycyw_reservations::Status;
use ycyw_reservations::bulk::{self, BulkReservation};

use crate::rng::Rng;

/// How far back the timelines reach.
const PAST_DAYS: i64 = 365;
/// How far ahead they reach (a booking may be at most a year ahead).
const FUTURE_DAYS: i64 = 365;
/// The shortest slot: the longest rental that fits is two days shorter.
const MIN_SLOT_DAYS: i64 = 3;
/// Most reservations per vehicle: as many slots of [`MIN_SLOT_DAYS`] as two years hold.
pub const MAX_PER_VEHICLE: usize = ((PAST_DAYS + FUTURE_DAYS) / MIN_SLOT_DAYS) as usize;
/// Agencies per bulk insert (one transaction): 100 000 reservations at the design's size.
const AGENCIES_PER_INSERT: usize = 25;
/// Reservations per made-up client, about.
const RESERVATIONS_PER_CLIENT: usize = 4;

const FIRST_NAMES: &[&str] = &[
    "Ana", "Lucas", "Emma", "Noah", "Mia", "Leon", "Sofia", "Hugo", "Lea", "Mateo", "Chloe", "Liam", "Giulia", "Oliver", "Marta", "Ethan",
    "Amelia", "Jonas", "Clara", "Luca",
];
const LAST_NAMES: &[&str] = &[
    "Silva",
    "Martin",
    "Müller",
    "García",
    "Rossi",
    "Smith",
    "Tremblay",
    "Johnson",
    "Bernard",
    "Schmidt",
    "López",
    "Russo",
    "Jones",
    "Roy",
    "Williams",
    "Dubois",
    "Fischer",
    "Martínez",
    "Bianchi",
    "Brown",
];

/// A made-up client: id (UUIDv7-shaped), name and birth date, a function of its number.
fn client(seed: u64, number: u64) -> (Uuid, &'static str, &'static str, NaiveDate) {
    let mut rng = Rng(seed ^ number.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let bits = rng.next_u64().to_le_bytes();
    let more = rng.next_u64().to_le_bytes();
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&bits);
    random[8..].copy_from_slice(&more[..2]);
    // Registered in 2024, one client a second.
    let id = uuid::Builder::from_unix_timestamp_millis(1_704_067_200_000 + number * 1000, &random).into_uuid();
    let first = FIRST_NAMES[usize::from(more[2]) % FIRST_NAMES.len()];
    let last = LAST_NAMES[usize::from(more[3]) % LAST_NAMES.len()];
    let born = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default()
        + Duration::days(i64::from(u16::from_le_bytes([more[4], more[5]])) % 18_000);
    (id, first, last, born)
}

/// A rental length in days: three in four under a week.
fn rental_days(rng: &mut Rng) -> i64 {
    match rng.below(100) {
        0..45 => 1 + rng.below_i64(3),
        45..78 => 4 + rng.below_i64(4),
        _ => 8 + rng.below_i64(7),
    }
}

/// One vehicle to book, with what pricing it needs.
struct Car<'a> {
    id: Uuid,
    category: &'a AcrissCode,
    agency: &'a Agency,
    /// Another agency of the market, for one-way rentals.
    partner: Option<&'a Agency>,
    rate: &'a Rate,
}

/// The generator's state across vehicles.
struct Generator {
    now: DateTime<Utc>,
    seed: u64,
    rng: Rng,
    clients: u64,
    next_reference: u64,
}

impl Generator {
    /// Appends `count` reservations of `car` to `out`, one per slot of its timeline.
    fn car(&mut self, car: &Car<'_>, count: usize, out: &mut Vec<BulkReservation>) -> anyhow::Result<()> {
        if count == 0 {
            return Ok(());
        }
        let span = (PAST_DAYS + FUTURE_DAYS) * 86_400;
        let slot = span / i64::try_from(count)?;
        let slot_days = slot / 86_400;
        anyhow::ensure!(slot_days >= MIN_SLOT_DAYS, "{count} reservations do not fit one vehicle (at most {MAX_PER_VEHICLE})");
        let start = self.now - Duration::days(PAST_DAYS) - Duration::seconds(self.rng.below_i64(slot));
        for j in 0..i64::try_from(count)? {
            let slot_start = start + Duration::seconds(slot * j);
            let slot_end = slot_start + Duration::seconds(slot);
            out.push(self.rental(car, slot_start, slot_end, slot_days)?);
        }
        Ok(())
    }

    /// One rental inside `[slot_start, slot_end)`, `slot_days` whole days long at least.
    fn rental(
        &mut self,
        car: &Car<'_>,
        slot_start: DateTime<Utc>,
        slot_end: DateTime<Utc>,
        slot_days: i64,
    ) -> anyhow::Result<BulkReservation> {
        let now = self.now;
        let rng = &mut self.rng;
        // Picked up on a local day after the slot's first, back by the slot's last: inside it.
        let days = rental_days(rng).min(slot_days - 2).max(1);
        let offset = rng.below_i64(slot_days - 2 - days + 1);
        let day = car.agency.local_date(slot_start) + Duration::days(1 + offset);
        let minute = 9 * 60 + 30 * rng.below(22);
        let local = day.and_hms_opt(u32::try_from(minute / 60)?, u32::try_from(minute % 60)?, 0).unwrap_or_default();
        let pickup_at = car.agency.local_to_utc(local)?;
        let return_at = pickup_at + Duration::days(days) - Duration::hours(rng.below_i64(3));
        anyhow::ensure!(slot_start <= pickup_at && return_at <= slot_end, "a rental left its slot ({pickup_at}..{return_at})");
        let partner = car.partner.filter(|_| rng.below(100) < 5);
        let back = partner.unwrap_or(car.agency);
        let quote = Catalog::price(car.rate, pickup_at, return_at, partner.is_some())?;

        let roll = rng.below(100);
        let status = if return_at <= now {
            match roll {
                0..90 => Status::Returned,
                90..96 => Status::Cancelled,
                96..98 => Status::NoShow,
                _ => Status::Expired,
            }
        } else if pickup_at <= now {
            if roll < 94 { Status::PickedUp } else { Status::Cancelled }
        } else {
            match roll {
                0..91 => Status::Confirmed,
                91..97 => Status::Cancelled,
                97..99 => Status::Expired,
                _ if pickup_at > now + Duration::days(1) => Status::PendingPayment,
                _ => Status::Confirmed,
            }
        };
        let booked = pickup_at - Duration::hours(1) - Duration::seconds(rng.below_i64(60 * 86_400));
        let created_at = if status == Status::PendingPayment {
            now - Duration::seconds(rng.below_i64(25 * 60))
        } else {
            booked.min(now - Duration::hours(1) - Duration::seconds(rng.below_i64(3600)))
        };
        let price = quote.total.amount_minor;
        let (mut paid, mut refunded, mut hold, mut cancelled_at, mut refund_percent) = (price, 0, None, None, None);
        let updated_at = match status {
            Status::PendingPayment | Status::Expired => {
                paid = 0;
                hold = Some(created_at + Duration::minutes(30));
                if status == Status::Expired { created_at + Duration::minutes(30) } else { created_at }
            }
            Status::Confirmed => created_at + Duration::minutes(2),
            Status::PickedUp => pickup_at,
            Status::Returned => return_at,
            Status::NoShow => pickup_at + Duration::hours(2),
            Status::Cancelled => {
                let until = pickup_at.min(now);
                let at = created_at + Duration::seconds(rng.below_i64((until - created_at).num_seconds().max(1)));
                let percent: u8 = if at <= pickup_at - Duration::days(7) { 100 } else { 25 };
                refunded = price * i64::from(percent) / 100;
                cancelled_at = Some(at);
                refund_percent = Some(percent);
                at
            }
        };
        let (user_id, first_name, last_name, birth_date) = client(self.seed, rng.below(self.clients));
        let reference = bulk::reference_number(self.next_reference).map_err(|e| anyhow::anyhow!("reference: {e}"))?;
        self.next_reference += 1;
        Ok(BulkReservation {
            id: Uuid::now_v7(),
            reference,
            user_id,
            vehicle_id: car.id,
            category: *car.category,
            pickup_agency_id: car.agency.id,
            return_agency_id: back.id,
            pickup_at,
            return_at,
            status,
            days: u16::try_from(quote.days)?,
            daily_rate_minor: quote.daily_rate.amount_minor,
            one_way_fee_minor: quote.one_way_fee.amount_minor,
            price_minor: price,
            currency: quote.total.currency,
            paid_minor: paid,
            refunded_minor: refunded,
            driver_first_name: first_name.to_string(),
            driver_last_name: last_name.to_string(),
            driver_birth_date: Some(birth_date),
            hold_expires_at: hold,
            cancelled_at,
            refund_percent,
            created_at,
            updated_at,
        })
    }
}

/// Loads `total` reservations over the vehicles of `agency_ids` (read through the catalog), at
/// `now`, with generator seed `seed`: one bulk insert (one transaction) per
/// [`AGENCIES_PER_INSERT`] agencies. Returns how many were written.
pub async fn load(pool: &MySqlPool, agency_ids: &[Uuid], total: usize, now: DateTime<Utc>, seed: u64) -> anyhow::Result<usize> {
    if total == 0 {
        return Ok(0);
    }
    let catalog = Catalog::new(pool.clone());
    let agencies: HashMap<Uuid, Agency> = catalog.agencies(agency_ids).await?.into_iter().map(|a| (a.id, a)).collect();
    let mut fleets: BTreeMap<Uuid, Vec<AcrissCode>> = BTreeMap::new();
    let mut vehicle_count = 0usize;
    for count in catalog.fleet_counts(agency_ids).await? {
        vehicle_count += usize::try_from(count.vehicles)?;
        fleets.entry(count.agency_id).or_default().push(count.category);
    }
    anyhow::ensure!(vehicle_count > 0, "no vehicles to book: load the catalog first");
    anyhow::ensure!(total <= vehicle_count * MAX_PER_VEHICLE, "{total} reservations do not fit {vehicle_count} vehicles");
    let rates: HashMap<(Uuid, AcrissCode), Rate> =
        catalog.rates_in_force(agency_ids, now.date_naive()).await?.into_iter().map(|r| ((r.agency_id, r.category), r)).collect();

    let mut generator =
        Generator { now, seed, rng: Rng(seed), clients: u64::try_from((total / RESERVATIONS_PER_CLIENT).max(1))?, next_reference: 0 };
    let (base, extra) = (total / vehicle_count, total % vehicle_count);
    let mut vehicle_number = 0usize;
    let mut written = 0usize;
    for group in agency_ids.chunks(AGENCIES_PER_INSERT) {
        let mut rows = Vec::new();
        for id in group {
            let agency = agencies.get(id).ok_or_else(|| anyhow::anyhow!("agency {id} not found"))?;
            // One-way rentals go to the next agency of the same market.
            let partner = agency_ids
                .iter()
                .cycle()
                .skip_while(|other| *other != id)
                .skip(1)
                .take(agency_ids.len())
                .filter_map(|other| agencies.get(other))
                .find(|other| other.id != agency.id && other.country_code == agency.country_code);
            let mut categories = fleets.get(id).cloned().unwrap_or_default();
            categories.sort();
            for category in &categories {
                let rate = rates
                    .get(&(*id, *category))
                    .ok_or_else(|| anyhow::anyhow!("no rate in force for {category} at {} on {}", agency.code, now.date_naive()))?;
                for vehicle in catalog.vehicles(*id, category).await? {
                    let count = base + usize::from(vehicle_number < extra);
                    vehicle_number += 1;
                    let car = Car { id: vehicle.id, category, agency, partner, rate };
                    generator.car(&car, count, &mut rows)?;
                }
            }
        }
        written += bulk::insert_reservations(pool, &rows).await?;
    }
    anyhow::ensure!(written == total, "wrote {written} reservations of {total}: the fleet changed during the load");
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rental_lengths_are_mostly_under_a_week() {
        let mut rng = Rng(1);
        let days: Vec<i64> = (0..10_000).map(|_| rental_days(&mut rng)).collect();
        assert!(days.iter().all(|d| (1..=14).contains(d)));
        let short = days.iter().filter(|d| **d < 8).count();
        assert!((7_000..8_500).contains(&short), "{short}");
    }

    #[test]
    fn made_up_clients_are_stable_and_distinct() {
        assert_eq!(client(3, 42), client(3, 42));
        assert_ne!(client(3, 42).0, client(3, 43).0);
        assert_eq!(client(3, 42).0.get_version_num(), 7);
        assert!(client(3, 42).3.year() >= 1950);
    }

    use chrono::Datelike as _;
}
