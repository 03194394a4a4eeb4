//! What the offer search reads of the catalog, kept in memory between searches and checked
//! against the catalog's revision once per search.
//!
//! A search reads the same few catalog rows again and again (the categories, a city's agencies,
//! their fleet counts and rates), and they change rarely, while the search runs many times a
//! second. [`Catalog::current`] reads the revision (one primary-key lookup) and gives a
//! [`CatalogView`] whose reads answer from memory what was read at that revision or a later one,
//! and read the rest from the database. Any write, in any process, moves the revision (every
//! write of `repo` does, in its own transaction), and the first view at the new revision drops
//! everything kept. So a search never uses a row older than the last write committed before the
//! search began — the same guarantee as reading the tables directly — while booking, which
//! must decide on the newest rows under its locks, keeps reading through [`Catalog`].
//!
//! Rows read at revision `r` are kept only while the cache is at `r`: a read that raced a write
//! may have seen rows newer than `r`, never older, so they are right for `r` and are dropped
//! with it. The cache holds at most [`MAX_ITEMS`] entries (cities, agencies, their fleets and
//! rate sets); past that it starts again empty.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

use chrono::NaiveDate;
use uuid::Uuid;

use crate::Catalog;
use crate::error::CatalogError;
use crate::model::{Agency, Rate, VehicleCategory};
use crate::repo::{self, FleetCount};

/// At most this many entries are kept (each a city's agencies, an agency, its fleet counts, or
/// its whole rate set); past it the cache is emptied and fills again.
pub const MAX_ITEMS: usize = 20_000;

/// The catalog rows the offer search keeps between searches: one per process, provided by the
/// catalog module to every [`Catalog`] built from the application state.
#[derive(Debug, Default)]
pub struct ReadCache {
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    /// The revision the entries were read at (0: none yet).
    revision: u64,
    items: usize,
    categories: HashMap<(), Vec<VehicleCategory>>,
    cities: HashMap<String, Vec<Agency>>,
    agencies: HashMap<Uuid, Option<Agency>>,
    fleet: HashMap<Uuid, Vec<FleetCount>>,
    /// Every rate of an agency, all periods (a search picks those of its date).
    rates: HashMap<Uuid, Vec<Rate>>,
}

impl Entries {
    /// Empties the entries and moves them to `revision` when they are older.
    fn reach(&mut self, revision: u64) {
        if self.revision < revision {
            *self = Entries { revision, ..Entries::default() };
        }
    }
}

fn categories(e: &mut Entries) -> &mut HashMap<(), Vec<VehicleCategory>> {
    &mut e.categories
}
fn cities(e: &mut Entries) -> &mut HashMap<String, Vec<Agency>> {
    &mut e.cities
}
fn agencies(e: &mut Entries) -> &mut HashMap<Uuid, Option<Agency>> {
    &mut e.agencies
}
fn fleet(e: &mut Entries) -> &mut HashMap<Uuid, Vec<FleetCount>> {
    &mut e.fleet
}
fn rates(e: &mut Entries) -> &mut HashMap<Uuid, Vec<Rate>> {
    &mut e.rates
}

type Table<K, V> = fn(&mut Entries) -> &mut HashMap<K, V>;

impl ReadCache {
    /// How many entries are kept now, and at which revision (for tests and diagnostics).
    pub fn stats(&self) -> (u64, usize) {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        (entries.revision, entries.items)
    }

    /// The values kept for `keys` at `revision` or later, and the keys that are not kept.
    fn get<K: Hash + Eq + Clone, V: Clone>(&self, revision: u64, table: Table<K, V>, keys: &[K]) -> (Vec<V>, Vec<K>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.reach(revision);
        let table = table(&mut entries);
        let (mut found, mut missing) = (Vec::with_capacity(keys.len()), Vec::new());
        for key in keys {
            match table.get(key) {
                Some(value) => found.push(value.clone()),
                None => missing.push(key.clone()),
            }
        }
        (found, missing)
    }

    /// Keeps values read at `revision`, unless the cache has moved past it meanwhile.
    fn put<K: Hash + Eq, V>(&self, revision: u64, table: Table<K, V>, values: impl IntoIterator<Item = (K, V)>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.reach(revision);
        if entries.revision != revision {
            return;
        }
        for (key, value) in values {
            if entries.items >= MAX_ITEMS {
                *entries = Entries { revision, ..Entries::default() };
            }
            if table(&mut entries).insert(key, value).is_none() {
                entries.items += 1;
            }
        }
    }
}

/// The catalog as one search reads it: at the revision read when the view was made, or later.
/// Made by [`Catalog::current`]; cheap, and meant to live for one request.
#[derive(Debug)]
pub struct CatalogView<'a> {
    catalog: &'a Catalog,
    revision: u64,
}

impl<'a> CatalogView<'a> {
    pub(crate) fn new(catalog: &'a Catalog, revision: u64) -> Self {
        Self { catalog, revision }
    }

    /// Every vehicle category, by code ([`Catalog::categories`]).
    pub async fn categories(&self) -> Result<Vec<VehicleCategory>, CatalogError> {
        let cache = &self.catalog.cache;
        let (mut found, _) = cache.get(self.revision, categories, &[()]);
        if let Some(all) = found.pop() {
            return Ok(all);
        }
        let all = self.catalog.categories().await?;
        cache.put(self.revision, categories, [((), all.clone())]);
        Ok(all)
    }

    /// The active agencies of a city ([`Catalog::agencies_in_city`]).
    pub async fn agencies_in_city(&self, city: &str) -> Result<Vec<Agency>, CatalogError> {
        let cache = &self.catalog.cache;
        let key = city.trim().to_string();
        let (mut found, _) = cache.get(self.revision, cities, std::slice::from_ref(&key));
        if let Some(agencies) = found.pop() {
            return Ok(agencies);
        }
        let agencies = self.catalog.agencies_in_city(&key).await?;
        cache.put(self.revision, cities, [(key, agencies.clone())]);
        Ok(agencies)
    }

    /// One agency, active or not ([`Catalog::agency`]).
    pub async fn agency(&self, id: Uuid) -> Result<Option<Agency>, CatalogError> {
        let cache = &self.catalog.cache;
        let (mut found, _) = cache.get(self.revision, agencies, &[id]);
        if let Some(agency) = found.pop() {
            return Ok(agency);
        }
        let agency = self.catalog.agency(id).await?;
        cache.put(self.revision, agencies, [(id, agency.clone())]);
        Ok(agency)
    }

    /// The active vehicles per category at each agency of `ids` ([`Catalog::fleet_counts`]): one
    /// query for the agencies not kept.
    pub async fn fleet_counts(&self, ids: &[Uuid]) -> Result<Vec<FleetCount>, CatalogError> {
        let cache = &self.catalog.cache;
        let (found, missing) = cache.get(self.revision, fleet, ids);
        let mut counts: Vec<FleetCount> = found.into_iter().flatten().collect();
        if !missing.is_empty() {
            let mut read: HashMap<Uuid, Vec<FleetCount>> = missing.iter().map(|id| (*id, Vec::new())).collect();
            for count in self.catalog.fleet_counts(&missing).await? {
                read.entry(count.agency_id).or_default().push(count);
            }
            counts.extend(read.values().flatten().cloned());
            cache.put(self.revision, fleet, read);
        }
        Ok(counts)
    }

    /// The rates in force on the agency-local date `on` at the agencies `ids`
    /// ([`Catalog::rates_in_force`]): the agencies' whole rate sets are kept, whatever the date
    /// (a few rows each), so one query reads those not kept.
    pub async fn rates_in_force(&self, ids: &[Uuid], on: NaiveDate) -> Result<Vec<Rate>, CatalogError> {
        let cache = &self.catalog.cache;
        let (found, missing) = cache.get(self.revision, rates, ids);
        let mut in_force: Vec<Rate> = found.iter().flat_map(|set| repo::in_force(set, on)).collect();
        if !missing.is_empty() {
            let mut read: HashMap<Uuid, Vec<Rate>> = missing.iter().map(|id| (*id, Vec::new())).collect();
            for rate in repo::rates_of(&self.catalog.db, &missing).await? {
                read.entry(rate.agency_id).or_default().push(rate);
            }
            in_force.extend(read.values().flat_map(|set| repo::in_force(set, on)));
            cache.put(self.revision, rates, read);
        }
        Ok(in_force)
    }
}

impl Catalog {
    /// A view of the catalog for one search: reads the revision (one primary-key lookup), then
    /// answers from the process's [`ReadCache`] what it holds at that revision or a later one.
    /// For reads that only show (the offer search); a decision under locks reads through the
    /// catalog itself.
    pub async fn current(&self) -> Result<CatalogView<'_>, CatalogError> {
        Ok(CatalogView::new(self, repo::revision(&self.db).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fleet_of(agency_id: Uuid, vehicles: u32) -> Vec<FleetCount> {
        vec![FleetCount { agency_id, category: crate::AcrissCode::parse("CDMR").unwrap(), vehicles }]
    }

    #[test]
    fn entries_of_an_older_revision_are_dropped_and_newer_ones_serve_older_views() {
        let cache = ReadCache::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        cache.put(3, fleet, [(a, fleet_of(a, 2))]);
        assert_eq!(cache.get(3, fleet, &[a, b]), (vec![fleet_of(a, 2)], vec![b]));
        // A view that read revision 2 before the write of 3 may use what 3 read: newer rows.
        assert_eq!(cache.get(2, fleet, &[a]).0, vec![fleet_of(a, 2)]);
        // … but what it read itself is not kept at 3: it may predate that write.
        cache.put(2, fleet, [(b, fleet_of(b, 9))]);
        assert_eq!(cache.get(3, fleet, &[b]).1, vec![b]);
        // A view at 4 drops everything read at 3.
        assert_eq!(cache.get(4, fleet, &[a]), (vec![], vec![a]));
        assert_eq!(cache.stats(), (4, 0));
    }

    #[test]
    fn the_cache_starts_again_empty_past_its_bound() {
        let cache = ReadCache::default();
        let ids: Vec<Uuid> = (0..MAX_ITEMS + 5).map(|_| Uuid::now_v7()).collect();
        cache.put(1, fleet, ids.iter().map(|id| (*id, Vec::new())));
        let (revision, items) = cache.stats();
        assert_eq!(revision, 1);
        assert_eq!(items, 5, "emptied when full, then the last five kept");
        assert_eq!(cache.get(1, fleet, &ids[..1]).1, vec![ids[0]]);
        assert!(cache.get(1, fleet, &ids[MAX_ITEMS..]).1.is_empty());
    }
}
