//! Which vehicles are taken, for the offer search: each pickup agency's reservations and pending
//! changes that can still take a vehicle, kept in memory between searches and checked against
//! the agency's revision once per search.
//!
//! The search asks, for a few dozen agencies at once, how many vehicles of each category are
//! taken for some part of a window, many times a second, while an agency's bookings change a
//! few times a minute at most. Counting them in SQL read some two thousand index entries per
//! city search (docs/benchmarks.md); here a search reads the agencies' marks
//! (`reservation_agencies`: one primary-key lookup each, one statement in all) and counts from
//! memory the agencies whose mark has not moved since their rows were read. An agency whose mark
//! moved — any write that can change its taken vehicles moves it, in the write's own
//! transaction, by trigger, in any process — is read again (one index range) before the count.
//! So a search never counts from rows older than the last write committed before it began: the
//! guarantee reading the tables directly gives. Booking and modification, which decide under
//! the fleet lock, keep reading the tables ([`crate::repo::busy_vehicles`]).
//!
//! An agency's rows are read at an instant `from` (the search's now): what overlaps a window
//! after it and holds a vehicle then. They answer a search whose now and window start at `from`
//! or later, since holds only end and rentals that were over stay over; a search before it (a
//! test's clock put back) reads the agency again. At most [`MAX_SLOTS`] rows are kept; past it
//! the memory starts again empty.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_catalog::AcrissCode;

use crate::repo::{self, AgencyMark, HoldingRow};

/// At most this many reservations and changes are kept, over all agencies (32 bytes each).
pub const MAX_SLOTS: usize = 1_500_000;

/// Vehicles of a category taken at an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyCount {
    /// The agency.
    pub agency_id: Uuid,
    /// The category.
    pub category: AcrissCode,
    /// Distinct vehicles taken for some part of the window.
    pub vehicles: u32,
}

/// The agencies' rows the offer search keeps: one per process, provided by the module.
#[derive(Debug, Default)]
pub struct Occupancy {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    agencies: HashMap<Uuid, Arc<AgencySlots>>,
    slots: usize,
}

/// A reservation or change, in microseconds since the epoch; `until` is the end of its hold
/// (`i64::MAX`: none); `holder` indexes [`AgencySlots::holders`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    pickup: i64,
    back: i64,
    until: i64,
    holder: u32,
}

/// One agency's rows, read at revision `revision` and instant `from`, sorted by pickup.
#[derive(Debug, Default, PartialEq, Eq)]
struct AgencySlots {
    revision: u64,
    from: i64,
    /// The longest of `slots`.
    longest: i64,
    slots: Vec<Slot>,
    /// The distinct (vehicle, category) pairs of `slots`.
    holders: Vec<(Uuid, u16)>,
    categories: Vec<AcrissCode>,
}

fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

impl AgencySlots {
    /// The rows of an agency read at `revision` and `from`; a row whose category no longer
    /// parses is corrupt.
    fn new(revision: u64, from: DateTime<Utc>, rows: Vec<HoldingRow>) -> Result<Self, sqlx::Error> {
        let mut out = AgencySlots { revision, from: micros(from), ..AgencySlots::default() };
        let mut holders: HashMap<(Uuid, u16), u32> = HashMap::new();
        for row in rows {
            let category = match out.categories.iter().position(|c| c.as_str() == row.category_code) {
                Some(at) => at,
                None => {
                    let code =
                        AcrissCode::parse(&row.category_code).map_err(|_| repo::corrupt(format!("category {}", row.category_code)))?;
                    out.categories.push(code);
                    out.categories.len() - 1
                }
            };
            let key = (row.vehicle_id, u16::try_from(category).unwrap_or(u16::MAX));
            let next = u32::try_from(out.holders.len()).unwrap_or(u32::MAX);
            let holder = *holders.entry(key).or_insert_with(|| {
                out.holders.push(key);
                next
            });
            let slot =
                Slot { pickup: micros(row.pickup_at), back: micros(row.return_at), until: row.hold_until.map_or(i64::MAX, micros), holder };
            out.longest = out.longest.max(slot.back - slot.pickup);
            out.slots.push(slot);
        }
        out.slots.sort_unstable_by_key(|s| s.pickup);
        Ok(out)
    }

    /// Whether these rows answer a search at `now` for a window from `pickup_at`, at `revision`.
    fn answers(&self, revision: u64, now: i64, pickup_at: i64) -> bool {
        self.revision == revision && self.from <= now && self.from <= pickup_at
    }

    /// Distinct vehicles per category taken for some part of `[pickup_at, return_at)` at `now`.
    fn busy(&self, pickup_at: i64, return_at: i64, now: i64) -> Vec<(AcrissCode, u32)> {
        // Only a slot picked up less than the longest rental before the window can reach it.
        let first = self.slots.partition_point(|s| s.pickup <= pickup_at.saturating_sub(self.longest));
        let last = self.slots.partition_point(|s| s.pickup < return_at);
        let mut seen = vec![false; self.holders.len()];
        let mut counts = vec![0u32; self.categories.len()];
        for slot in self.slots.get(first..last).unwrap_or_default() {
            if slot.back > pickup_at && slot.until > now {
                let at = usize::try_from(slot.holder).unwrap_or(usize::MAX);
                if let Some(seen) = seen.get_mut(at).filter(|seen| !**seen) {
                    *seen = true;
                    if let Some(count) = self.holders.get(at).and_then(|(_, category)| counts.get_mut(usize::from(*category))) {
                        *count += 1;
                    }
                }
            }
        }
        self.categories.iter().cloned().zip(counts).filter(|(_, n)| *n > 0).collect()
    }
}

impl Occupancy {
    /// How many agencies and rows are kept now (for tests and diagnostics).
    pub fn stats(&self) -> (usize, usize) {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        (kept.agencies.len(), kept.slots)
    }

    /// How many vehicles per category are taken at each of `agencies` for some part of
    /// `[pickup_at, return_at)` at `now`: the agencies' marks (one statement), then the rows
    /// of those whose kept rows do not answer (one statement each), then the count in memory.
    pub async fn busy_counts(
        &self,
        db: &MySqlPool,
        agencies: &[Uuid],
        pickup_at: DateTime<Utc>,
        return_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<BusyCount>, sqlx::Error> {
        // The marks first: rows read after them are at least as new.
        let marks = repo::agency_marks(db, agencies).await?;
        let (start, end, at) = (micros(pickup_at), micros(return_at), micros(now));
        let mut answering = Vec::with_capacity(marks.len());
        let mut stale: Vec<AgencyMark> = Vec::new();
        {
            let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
            for mark in marks {
                match kept.agencies.get(&mark.agency_id).filter(|slots| slots.answers(mark.revision, at, start)) {
                    Some(slots) => answering.push((mark.agency_id, Arc::clone(slots))),
                    None => stale.push(mark),
                }
            }
        }
        if !stale.is_empty() {
            let mut conn = db.acquire().await?;
            for mark in stale {
                let rows = repo::holding_rows(&mut conn, mark.agency_id, now - mark.longest, now).await?;
                let slots = Arc::new(AgencySlots::new(mark.revision, now, rows)?);
                self.keep(mark.agency_id, &slots);
                answering.push((mark.agency_id, slots));
            }
        }
        let mut counts = Vec::new();
        for (agency_id, slots) in answering {
            counts.extend(slots.busy(start, end, at).into_iter().map(|(category, vehicles)| BusyCount { agency_id, category, vehicles }));
        }
        Ok(counts)
    }

    /// Keeps an agency's rows unless newer ones are kept already.
    fn keep(&self, agency: Uuid, slots: &Arc<AgencySlots>) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let old = kept.agencies.get(&agency).map(|old| (old.revision, old.from, old.slots.len()));
        if old.is_some_and(|(revision, from, _)| (revision, from) > (slots.revision, slots.from)) {
            return;
        }
        let freed = old.map_or(0, |(_, _, len)| len);
        if kept.slots - freed + slots.slots.len() > MAX_SLOTS {
            *kept = Kept::default();
        } else {
            kept.slots -= freed;
        }
        kept.slots += slots.slots.len();
        kept.agencies.insert(agency, Arc::clone(slots));
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000) + Duration::hours(hours)
    }

    fn row(vehicle: u128, category: &str, from: i64, to: i64, hold_until: Option<i64>) -> HoldingRow {
        HoldingRow {
            pickup_at: at(from),
            return_at: at(to),
            hold_until: hold_until.map(at),
            category_code: category.to_string(),
            vehicle_id: Uuid::from_u128(vehicle),
        }
    }

    fn busy(slots: &AgencySlots, from: i64, to: i64, now: i64) -> Vec<(String, u32)> {
        slots.busy(micros(at(from)), micros(at(to)), micros(at(now))).into_iter().map(|(c, n)| (c.as_str().to_string(), n)).collect()
    }

    #[test]
    fn counts_distinct_vehicles_overlapping_the_window_per_category() {
        let slots = AgencySlots::new(
            1,
            at(0),
            vec![
                // Vehicle 1 twice in the window: one vehicle.
                row(1, "CDMR", 10, 20, None),
                row(1, "CDMR", 30, 40, None),
                row(2, "CDMR", 35, 50, None),
                row(3, "EDMR", 5, 300, None),
                // Ends as the window starts; starts as it ends: neither overlaps.
                row(4, "CDMR", 0, 15, None),
                row(5, "CDMR", 45, 60, None),
            ],
        )
        .unwrap();
        assert_eq!(busy(&slots, 15, 45, 1), vec![("CDMR".to_string(), 2), ("EDMR".to_string(), 1)]);
        assert_eq!(busy(&slots, 14, 46, 1), vec![("CDMR".to_string(), 4), ("EDMR".to_string(), 1)]);
        assert_eq!(busy(&slots, 301, 400, 1), vec![]);
        // The long rental is found although it was picked up long before the window.
        assert_eq!(busy(&slots, 299, 400, 1), vec![("EDMR".to_string(), 1)]);
    }

    #[test]
    fn a_hold_takes_its_vehicle_until_it_ends() {
        let slots = AgencySlots::new(1, at(0), vec![row(1, "CDMR", 10, 20, Some(2)), row(2, "CDMR", 10, 20, Some(3))]).unwrap();
        assert_eq!(busy(&slots, 10, 20, 1), vec![("CDMR".to_string(), 2)]);
        assert_eq!(busy(&slots, 10, 20, 2), vec![("CDMR".to_string(), 1)]);
        assert_eq!(busy(&slots, 10, 20, 3), vec![]);
    }

    #[test]
    fn a_vehicle_counts_once_per_category_it_was_booked_in() {
        // A pending change holding the car its reservation holds, and a car moved to another
        // category with a booking left in the old one.
        let slots = AgencySlots::new(
            1,
            at(0),
            vec![
                row(1, "CDMR", 10, 20, None),
                row(1, "CDMR", 12, 22, Some(100)),
                row(2, "CDMR", 10, 20, None),
                row(2, "EDMR", 10, 20, None),
            ],
        )
        .unwrap();
        assert_eq!(busy(&slots, 10, 20, 1), vec![("CDMR".to_string(), 2), ("EDMR".to_string(), 1)]);
    }

    #[test]
    fn rows_answer_only_their_revision_and_later_instants() {
        let slots = AgencySlots::new(7, at(10), vec![]).unwrap();
        assert!(slots.answers(7, micros(at(10)), micros(at(12))));
        assert!(!slots.answers(8, micros(at(10)), micros(at(12))));
        assert!(!slots.answers(7, micros(at(9)), micros(at(12))));
        assert!(!slots.answers(7, micros(at(10)), micros(at(9))));
    }

    #[test]
    fn a_corrupt_category_is_an_error() {
        assert!(AgencySlots::new(1, at(0), vec![row(1, "??", 1, 2, None)]).is_err());
    }

    #[test]
    fn the_kept_rows_are_bounded_and_the_newest_stay() {
        let occupancy = Occupancy::default();
        let agency = Uuid::from_u128(9);
        let newer = Arc::new(AgencySlots::new(2, at(0), vec![row(1, "CDMR", 1, 2, None)]).unwrap());
        let older = Arc::new(AgencySlots::new(1, at(0), vec![row(1, "CDMR", 1, 2, None), row(2, "CDMR", 1, 2, None)]).unwrap());
        occupancy.keep(agency, &newer);
        occupancy.keep(agency, &older);
        assert_eq!(occupancy.stats(), (1, 1));
        let big =
            Arc::new(AgencySlots { slots: vec![Slot { pickup: 0, back: 1, until: 0, holder: 0 }; MAX_SLOTS], ..AgencySlots::default() });
        occupancy.keep(Uuid::from_u128(10), &big);
        assert_eq!(occupancy.stats(), (1, MAX_SLOTS), "past the bound the memory starts again");
    }
}
