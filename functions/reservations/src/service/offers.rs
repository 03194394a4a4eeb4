//! `GET /offers`: for each category with a free vehicle at a pickup agency for the whole rental,
//! its total price, sorted by price.
//!
//! A search by city looks at every agency of the city open at the pickup time; the return is to
//! the named agency, to the cheapest open agency of the return city (the pickup agency itself
//! when it is there: no one-way fee), or by default where the car was picked up. Whatever the
//! number of agencies, the search reads the catalog's agencies, fleet counts, rates and
//! categories, and the taken vehicles, in a handful of queries (no query per agency).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;
use ycyw_catalog::{Agency, Catalog, CatalogView, Quote, VehicleCategory};
use ycyw_shared::domain::{FieldErrors, InvalidValue, PageQuery, Pagination};

use super::places::{self, CategoryFilter};
use super::{Ctx, rules};
use crate::error::ReservationsError;
use crate::model::{Offer, OfferPage, OfferQuery};

/// A text parameter, trimmed, `None` when empty.
fn text(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Where the search picks up or returns.
enum Place<'a> {
    City(&'a str),
    Agency(Uuid),
}

fn place<'a>(errors: &mut FieldErrors, city_field: &str, city: Option<&'a str>, id_field: &str, id: Option<&'a str>) -> Option<Place<'a>> {
    match (city, id) {
        (Some(_), Some(_)) => {
            errors.push(InvalidValue::invalid(format!("give {city_field} or {id_field}, not both")).at(id_field));
            None
        }
        (Some(city), None) => Some(Place::City(city)),
        (None, Some(id)) => {
            errors.check(id_field, id.parse::<Uuid>().map(Place::Agency).map_err(|_| InvalidValue::invalid("an agency id (UUID)")))
        }
        (None, None) => None,
    }
}

async fn agencies_of(
    catalog: &CatalogView<'_>,
    errors: &mut FieldErrors,
    field: &str,
    place: &Place<'_>,
) -> Result<Vec<Agency>, ReservationsError> {
    Ok(match place {
        Place::City(city) => catalog.agencies_in_city(city).await?,
        Place::Agency(id) => errors.check(field, places::active(catalog.agency(*id).await?)).into_iter().collect(),
    })
}

/// One pickup agency's rental: where it returns and when, as instants.
struct Leg<'a> {
    pickup: &'a Agency,
    back: &'a Agency,
    pickup_at: DateTime<Utc>,
    return_at: DateTime<Utc>,
}

/// An offer before the page is cut: what sorting needs, and references to what the answer
/// copies. A city search prices a few hundred; only the page's are made into [`Offer`]s.
struct Priced<'a> {
    leg: &'a Leg<'a>,
    category: &'a VehicleCategory,
    quote: Quote,
    available: u32,
}

impl Priced<'_> {
    fn offer(&self) -> Offer {
        let leg = self.leg;
        Offer {
            category: self.category.clone(),
            pickup_agency: leg.pickup.clone(),
            return_agency: leg.back.clone(),
            pickup_at: Catalog::utc_to_local(leg.pickup, leg.pickup_at).fixed_offset(),
            return_at: Catalog::utc_to_local(leg.back, leg.return_at).fixed_offset(),
            days: self.quote.days,
            daily_rate: self.quote.daily_rate,
            one_way_fee: self.quote.one_way_fee,
            total: self.quote.total,
            available: self.available,
        }
    }
}

/// The search. It reads the catalog through one [`CatalogView`] (the revision, then what the
/// process's read cache does not hold) and the taken vehicles from the reservations' tables.
pub async fn search(ctx: &Ctx, query: &OfferQuery, page: &PageQuery) -> Result<OfferPage, ReservationsError> {
    let now = ctx.now();
    let catalog = ctx.catalog.current().await?;
    let mut errors = FieldErrors::new();
    let pagination = errors.merge(Pagination::parse(page));
    let start = match pagination.as_ref().and_then(|p| p.after.as_deref()) {
        None => Some(0),
        Some(after) => {
            errors.check("cursor", after.parse::<usize>().map_err(|_| InvalidValue::invalid("not a cursor returned by this search")))
        }
    };
    let pickup_place = place(&mut errors, "pickupCity", text(&query.pickup_city), "pickupAgencyId", text(&query.pickup_agency_id));
    if text(&query.pickup_city).is_none() && text(&query.pickup_agency_id).is_none() {
        errors.push(InvalidValue::required("give pickupCity or pickupAgencyId").at("pickupAgencyId"));
    }
    let return_place = place(&mut errors, "returnCity", text(&query.return_city), "returnAgencyId", text(&query.return_agency_id));
    let pickup_raw = text(&query.pickup_at);
    let return_raw = text(&query.return_at);
    if pickup_raw.is_none() {
        errors.push(InvalidValue::required("the pickup date-time, agency-local YYYY-MM-DDTHH:MM").at("pickupAt"));
    }
    if return_raw.is_none() {
        errors.push(InvalidValue::required("the return date-time, agency-local YYYY-MM-DDTHH:MM").at("returnAt"));
    }
    let categories = places::by_code(catalog.categories().await?);
    let filter = errors.check("category", places::category_filter(query.category.as_deref(), &categories));
    let pickups = match &pickup_place {
        Some(p) => agencies_of(&catalog, &mut errors, "pickupAgencyId", p).await?,
        None => Vec::new(),
    };
    let returns = match &return_place {
        Some(p) => Some(agencies_of(&catalog, &mut errors, "returnAgencyId", p).await?),
        None => None,
    };
    let (Some(pagination), Some(start), Some(filter), Some(pickup_raw), Some(return_raw)) =
        (pagination, start, filter, pickup_raw, return_raw)
    else {
        return Err(errors.into());
    };
    errors.finish()?;

    let naming_pickup = matches!(pickup_place, Some(Place::Agency(_)));
    let naming_return = matches!(return_place, Some(Place::Agency(_)));
    let legs = legs(&pickups, returns.as_deref(), pickup_raw, return_raw, now, naming_pickup, naming_return)?;
    let offers = price_legs(ctx, &catalog, &legs, &filter, &categories, now).await?;
    Ok(paginate(&offers, start, &pagination))
}

/// The rentals to price: one per pickup agency open at the pickup time, with the first return
/// agency open at the return time (the pickup agency itself first: no one-way fee). The
/// request's errors are read at the first agencies (the agencies of a city share its zone);
/// naming a closed agency is `agency_closed`, while closed agencies of a city are left out.
fn legs<'a>(
    pickups: &'a [Agency],
    returns: Option<&'a [Agency]>,
    pickup_raw: &str,
    return_raw: &str,
    now: DateTime<Utc>,
    naming_pickup: bool,
    naming_return: bool,
) -> Result<Vec<Leg<'a>>, ReservationsError> {
    let Some(first) = pickups.first() else { return Ok(Vec::new()) };
    let first_back = match returns {
        Some(returns) => returns.first(),
        None => Some(first),
    };
    let mut errors = FieldErrors::new();
    let pickup_at = errors.check("pickupAt", places::local_instant(first, pickup_raw));
    let return_at = first_back.and_then(|back| errors.check("returnAt", places::local_instant(back, return_raw)));
    if let (Some(p), Some(r)) = (pickup_at, return_at) {
        errors.merge(rules::check_window(now, p, r));
    }
    errors.finish()?;
    let mut errors = FieldErrors::new();
    if let (true, Some(p)) = (naming_pickup, pickup_at) {
        errors.check("pickupAt", places::check_open(first, p));
    }
    let return_named = naming_return || (returns.is_none() && naming_pickup);
    if let (true, Some(back), Some(r)) = (return_named, first_back, return_at) {
        errors.check("returnAt", places::check_open(back, r));
    }
    errors.finish()?;

    let mut legs = Vec::new();
    for pickup in pickups {
        let Some(pickup_at) = places::local_instant(pickup, pickup_raw).ok().filter(|at| pickup.is_open_at(*at)) else { continue };
        let candidates: Vec<&Agency> = match returns {
            Some(returns) => returns.iter().filter(|r| r.id == pickup.id).chain(returns.iter().filter(|r| r.id != pickup.id)).collect(),
            None => vec![pickup],
        };
        let back = candidates.into_iter().find_map(|back| {
            let at = places::local_instant(back, return_raw).ok()?;
            back.is_open_at(at).then_some((back, at))
        });
        if let Some((back, return_at)) = back {
            legs.push(Leg { pickup, back, pickup_at, return_at });
        }
    }
    Ok(legs)
}

async fn price_legs<'a>(
    ctx: &Ctx,
    catalog: &CatalogView<'_>,
    legs: &'a [Leg<'a>],
    filter: &CategoryFilter,
    categories: &'a places::Categories,
    now: DateTime<Utc>,
) -> Result<Vec<Priced<'a>>, ReservationsError> {
    let ids: Vec<Uuid> = legs.iter().map(|l| l.pickup.id).collect();
    let fleet = catalog.fleet_counts(&ids).await?;
    // Agencies of one search nearly always share one window and one local date: one query each.
    let mut by_window: BTreeMap<(DateTime<Utc>, DateTime<Utc>), Vec<Uuid>> = BTreeMap::new();
    let mut by_date: BTreeMap<NaiveDate, Vec<Uuid>> = BTreeMap::new();
    for leg in legs {
        by_window.entry((leg.pickup_at, leg.return_at)).or_default().push(leg.pickup.id);
        by_date.entry(leg.pickup.local_date(leg.pickup_at)).or_default().push(leg.pickup.id);
    }
    let mut busy: BTreeMap<(Uuid, String), u32> = BTreeMap::new();
    for ((pickup_at, return_at), agencies) in &by_window {
        for count in ctx.occupancy.busy_counts(&ctx.state.db, agencies, *pickup_at, *return_at, now).await? {
            busy.insert((count.agency_id, count.category.as_str().to_string()), count.vehicles);
        }
    }
    let mut rates = BTreeMap::new();
    for (on, agencies) in &by_date {
        for rate in catalog.rates_in_force(agencies, *on).await? {
            rates.insert((rate.agency_id, rate.category.as_str().to_string()), rate);
        }
    }
    let legs: BTreeMap<Uuid, &Leg<'a>> = legs.iter().map(|l| (l.pickup.id, l)).collect();
    let mut offers = Vec::new();
    for count in fleet {
        let key = (count.agency_id, count.category.as_str().to_string());
        let (Some(leg), Some(rate), Some(category)) = (legs.get(&count.agency_id), rates.get(&key), categories.get(&key.1)) else {
            continue;
        };
        let available = count.vehicles.saturating_sub(busy.get(&key).copied().unwrap_or(0));
        if available == 0 || !filter.admits(&count.category) {
            continue;
        }
        let one_way = Catalog::is_one_way(leg.pickup.id, leg.back.id);
        let Ok(quote) = Catalog::price(rate, leg.pickup_at, leg.return_at, one_way) else { continue };
        offers.push(Priced { leg, category, quote, available });
    }
    offers.sort_by(|a, b| {
        (a.quote.total.amount_minor, a.category.code.as_str(), a.leg.pickup.code.as_str()).cmp(&(
            b.quote.total.amount_minor,
            b.category.code.as_str(),
            b.leg.pickup.code.as_str(),
        ))
    });
    Ok(offers)
}

/// Offers are computed, not stored: the cursor is the position of the next offer.
fn paginate(offers: &[Priced<'_>], start: usize, pagination: &Pagination) -> OfferPage {
    let limit = usize::try_from(pagination.limit).unwrap_or(usize::MAX);
    let total = offers.len();
    let items: Vec<Offer> = offers.iter().skip(start).take(limit).map(Priced::offer).collect();
    let next = start + items.len();
    let next_cursor = (next < total).then(|| ycyw_shared::domain::page::encode_cursor(&next.to_string()));
    OfferPage { items, next_cursor }
}
