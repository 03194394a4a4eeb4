//! Where and when, as requests give them: agencies by id, agency-local times, categories. The
//! checks here are shared by the search, the booking and the modification, so the same input
//! gets the same field error everywhere.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;
use ycyw_catalog::{AcrissCode, Agency, Catalog, LocalTimeError, VehicleCategory};
use ycyw_shared::domain::{FieldErrors, InvalidValue};

use super::{Ctx, rules};
use crate::error::ReservationsError;
use crate::model::Price;

/// An active agency, or the field error of an unknown or inactive one.
pub async fn active_agency(ctx: &Ctx, id: Uuid) -> Result<Result<Agency, InvalidValue>, ReservationsError> {
    Ok(active(ctx.catalog.agency(id).await?))
}

/// The agency found when it is active, else the field error of an unknown or inactive one.
pub fn active(found: Option<Agency>) -> Result<Agency, InvalidValue> {
    match found {
        Some(agency) if agency.active => Ok(agency),
        _ => Err(InvalidValue::invalid("no open agency has this id")),
    }
}

/// A request's agency-local date-time read at `agency`.
pub fn local_instant(agency: &Agency, raw: &str) -> Result<DateTime<Utc>, InvalidValue> {
    Catalog::parse_local(agency, raw).map_err(|e| match e {
        LocalTimeError::Malformed => InvalidValue::invalid(e.to_string()),
        LocalTimeError::Nonexistent { .. } | LocalTimeError::OffsetMismatch { .. } => InvalidValue::invalid(e.to_string()),
    })
}

/// A wall-clock time kept from before, read at a (possibly other) agency.
pub fn wall_clock_instant(agency: &Agency, local: NaiveDateTime) -> Result<DateTime<Utc>, InvalidValue> {
    Catalog::local_to_utc(agency, local).map_err(|e| InvalidValue::invalid(e.to_string()))
}

/// `agency_closed` when the agency is closed at `at`, its local time.
pub fn check_open(agency: &Agency, at: DateTime<Utc>) -> Result<(), InvalidValue> {
    if agency.is_open_at(at) {
        return Ok(());
    }
    let local = Catalog::utc_to_local(agency, at).format("%A %H:%M");
    Err(InvalidValue::new("agency_closed", format!("{} is closed on {local} (local time)", agency.name)))
}

/// What a search may ask for: any category, a class letter (`C` for compact), or one code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategoryFilter {
    /// Every category.
    Any,
    /// The categories of a class (first ACRISS letter).
    Class(char),
    /// One category.
    Code(AcrissCode),
}

impl CategoryFilter {
    /// Whether `code` passes.
    pub fn admits(&self, code: &AcrissCode) -> bool {
        match self {
            CategoryFilter::Any => true,
            CategoryFilter::Class(letter) => code.class_letter() == *letter,
            CategoryFilter::Code(wanted) => wanted == code,
        }
    }
}

/// The reference categories by code.
pub type Categories = BTreeMap<String, VehicleCategory>;

/// Every category by code.
pub async fn categories(ctx: &Ctx) -> Result<Categories, ReservationsError> {
    Ok(by_code(ctx.catalog.categories().await?))
}

/// Categories by code.
pub fn by_code(categories: Vec<VehicleCategory>) -> Categories {
    categories.into_iter().map(|c| (c.code.as_str().to_string(), c)).collect()
}

/// A category that the catalog offers: `unknown_category` otherwise.
pub fn known_category(raw: &str, categories: &Categories) -> Result<AcrissCode, InvalidValue> {
    let trimmed = raw.trim().to_ascii_uppercase();
    if trimmed.is_empty() {
        return Err(InvalidValue::required("a category is required, e.g. CDMR"));
    }
    let code = AcrissCode::parse(&trimmed).map_err(|e| InvalidValue::new("unknown_category", e.to_string()))?;
    if categories.contains_key(code.as_str()) {
        Ok(code)
    } else {
        Err(InvalidValue::new("unknown_category", format!("{code} is not a category we rent")))
    }
}

/// `?category=`: absent, a class letter that some category has, or a known code.
pub fn category_filter(raw: Option<&str>, categories: &Categories) -> Result<CategoryFilter, InvalidValue> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(CategoryFilter::Any) };
    let mut chars = raw.chars();
    if let (Some(letter), None) = (chars.next(), chars.next()) {
        let letter = letter.to_ascii_uppercase();
        return if categories.keys().any(|code| code.starts_with(letter)) {
            Ok(CategoryFilter::Class(letter))
        } else {
            Err(InvalidValue::new("unknown_category", format!("no category of class {letter}")))
        };
    }
    known_category(raw, categories).map(CategoryFilter::Code)
}

/// A rental the client asks for, checked: open agencies, a valid window, a known category.
#[derive(Debug, Clone)]
pub struct Target {
    /// Pickup agency.
    pub pickup_agency: Agency,
    /// Return agency.
    pub return_agency: Agency,
    /// Pickup instant.
    pub pickup_at: DateTime<Utc>,
    /// Return instant.
    pub return_at: DateTime<Utc>,
    /// Category.
    pub category: AcrissCode,
}

impl Target {
    /// The slot of this target on `vehicle`.
    pub fn slot(&self, vehicle: Uuid) -> crate::model::Slot {
        crate::model::Slot {
            vehicle_id: vehicle,
            category: self.category,
            pickup_agency_id: self.pickup_agency.id,
            return_agency_id: self.return_agency.id,
            pickup_at: self.pickup_at,
            return_at: self.return_at,
        }
    }
}

/// A time as a request gives it, or as kept from before.
#[derive(Debug, Clone)]
pub enum When<'a> {
    /// Agency-local text from the request.
    Text(&'a str),
    /// A wall-clock time kept from the reservation.
    WallClock(NaiveDateTime),
}

impl When<'_> {
    fn at(&self, agency: &Agency) -> Result<DateTime<Utc>, InvalidValue> {
        match self {
            When::Text(raw) => local_instant(agency, raw),
            When::WallClock(local) => wall_clock_instant(agency, *local),
        }
    }
}

/// What [`resolve`] needs.
#[derive(Debug, Clone)]
pub struct Asked<'a> {
    /// Pickup agency id.
    pub pickup_agency_id: Uuid,
    /// Return agency id.
    pub return_agency_id: Uuid,
    /// Pickup time.
    pub pickup_at: When<'a>,
    /// Return time.
    pub return_at: When<'a>,
    /// Category code.
    pub category: &'a str,
}

/// Checks what the client asks for at `now`, reporting every field's error at once.
pub async fn resolve(ctx: &Ctx, asked: &Asked<'_>, now: DateTime<Utc>) -> Result<Target, ReservationsError> {
    let mut errors = FieldErrors::new();
    let pickup_agency = errors.check("pickupAgencyId", active_agency(ctx, asked.pickup_agency_id).await?);
    let return_agency = if asked.return_agency_id == asked.pickup_agency_id {
        pickup_agency.clone()
    } else {
        errors.check("returnAgencyId", active_agency(ctx, asked.return_agency_id).await?)
    };
    let categories = categories(ctx).await?;
    let category = errors.check("category", known_category(asked.category, &categories));
    let pickup_at = pickup_agency.as_ref().and_then(|a| errors.check("pickupAt", asked.pickup_at.at(a)));
    let return_at = return_agency.as_ref().and_then(|a| errors.check("returnAt", asked.return_at.at(a)));
    if let (Some(p), Some(r)) = (pickup_at, return_at) {
        errors.merge(rules::check_window(now, p, r));
    }
    let (Some(pickup_agency), Some(return_agency), Some(pickup_at), Some(return_at), Some(category)) =
        (pickup_agency, return_agency, pickup_at, return_at, category)
    else {
        return Err(errors.into());
    };
    errors.finish()?;
    let mut errors = FieldErrors::new();
    errors.check("pickupAt", check_open(&pickup_agency, pickup_at));
    errors.check("returnAt", check_open(&return_agency, return_at));
    errors.finish()?;
    Ok(Target { pickup_agency, return_agency, pickup_at, return_at, category })
}

/// The price of a target at the pickup agency's rate on the pickup's local date; `unavailable`
/// when the agency has no rate for the category then (it does not rent it).
pub async fn price(ctx: &Ctx, target: &Target) -> Result<Price, ReservationsError> {
    let on = target.pickup_agency.local_date(target.pickup_at);
    let rate =
        ctx.catalog.rate_in_force(target.pickup_agency.id, &target.category, on).await?.ok_or_else(ReservationsError::unavailable)?;
    let one_way = Catalog::is_one_way(target.pickup_agency.id, target.return_agency.id);
    let quote = Catalog::price(&rate, target.pickup_at, target.return_at, one_way)
        .map_err(|e| ReservationsError::field("returnAt", InvalidValue::invalid(e.to_string())))?;
    Ok(Price { days: quote.days, daily_rate: quote.daily_rate, one_way_fee: quote.one_way_fee, total: quote.total })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories() -> Categories {
        ["CDMR", "CDAR", "EDMR"]
            .into_iter()
            .map(|code| {
                let category = VehicleCategory {
                    code: AcrissCode::parse(code).unwrap(),
                    category: String::new(),
                    vehicle_type: String::new(),
                    transmission: String::new(),
                    fuel_air: String::new(),
                    air_conditioning: true,
                    seats: 5,
                    doors: 5,
                    bags: 2,
                    description: String::new(),
                };
                (code.to_string(), category)
            })
            .collect()
    }

    #[test]
    fn categories_are_codes_or_class_letters_we_rent() {
        let known = categories();
        assert_eq!(category_filter(None, &known), Ok(CategoryFilter::Any));
        assert_eq!(category_filter(Some(" "), &known), Ok(CategoryFilter::Any));
        assert_eq!(category_filter(Some("c"), &known), Ok(CategoryFilter::Class('C')));
        assert_eq!(category_filter(Some("cdmr"), &known), Ok(CategoryFilter::Code(AcrissCode::parse("CDMR").unwrap())));
        for unknown in ["L", "LDAR", "ZZZZ", "CD"] {
            assert_eq!(category_filter(Some(unknown), &known).unwrap_err().code, "unknown_category", "{unknown}");
        }
        assert_eq!(known_category("", &known).unwrap_err().code, "required");
        let class = CategoryFilter::Class('C');
        assert!(class.admits(&AcrissCode::parse("CDAR").unwrap()));
        assert!(!class.admits(&AcrissCode::parse("EDMR").unwrap()));
    }
}
