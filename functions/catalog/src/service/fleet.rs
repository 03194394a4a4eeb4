//! The fleet: vehicle categories (known ACRISS codes) and vehicles — what makes a valid new
//! vehicle or patch, and the operations behind `/vehicle-categories`, `/agencies/{id}/vehicles`
//! and `/vehicles/{id}`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::db::OnConstraint as _;
use ycyw_shared::domain::{FieldErrors, InvalidValue, Pagination, single_line};

use super::{NAME_MAX, ensure_own_agency, own_existing_agency};
use crate::error::CatalogError;
use crate::fleet_guard::{self, FleetConflict, FleetGuard};
use crate::model::{AcrissCode, AcrissError, NewVehicle, Page, PageQuery, Plate, Vehicle, VehicleCategory, VehiclePatch, VehicleQuery};
use crate::repo::{self, VehicleFilter};

/// A category code from a request: malformed or with letters outside the ACRISS tables →
/// `invalid`; valid ACRISS but not one of ours → `unknown_category`.
pub fn known_category(raw: &str, known: &BTreeSet<String>) -> Result<AcrissCode, InvalidValue> {
    let code = AcrissCode::parse(raw).map_err(|e| match e {
        AcrissError::Malformed if raw.trim().is_empty() => InvalidValue::required("an ACRISS category is required, e.g. CDMR"),
        other => InvalidValue::invalid(other.to_string()),
    })?;
    if known.contains(code.as_str()) {
        Ok(code)
    } else {
        Err(InvalidValue::new("unknown_category", format!("{code} is not a vehicle category of the catalog")))
    }
}

/// A new vehicle of `agency_id` from `POST /agencies/{id}/vehicles`, with id `id`.
pub fn validate_new_vehicle(agency_id: Uuid, input: &NewVehicle, known: &BTreeSet<String>, id: Uuid) -> Result<Vehicle, CatalogError> {
    let mut errors = FieldErrors::new();
    let category = errors.check("category", known_category(&input.category, known));
    let plate = errors.check("plate", input.plate.parse::<Plate>());
    let model = errors.check("model", single_line(&input.model, NAME_MAX));
    errors.finish()?;
    match (category, plate, model) {
        (Some(category), Some(plate), Some(model)) => {
            Ok(Vehicle { id, agency_id, category, plate, model, active: input.active.unwrap_or(true) })
        }
        _ => Err(CatalogError::Invalid(Vec::new())),
    }
}

/// `current` with a `PATCH /vehicles/{id}` applied.
pub fn apply_vehicle_patch(current: &Vehicle, patch: &VehiclePatch, known: &BTreeSet<String>) -> Result<Vehicle, CatalogError> {
    let mut errors = FieldErrors::new();
    let mut next = current.clone();
    if let Some(raw) = &patch.category {
        next.category = errors.check("category", known_category(raw, known)).unwrap_or(current.category);
    }
    if let Some(raw) = &patch.plate {
        next.plate = errors.check("plate", raw.parse::<Plate>()).unwrap_or_else(|| current.plate.clone());
    }
    if let Some(raw) = &patch.model {
        next.model = errors.check("model", single_line(raw, NAME_MAX)).unwrap_or_default();
    }
    if let Some(active) = patch.active {
        next.active = active;
    }
    errors.finish()?;
    Ok(next)
}

/// `GET /vehicle-categories`, by code.
pub async fn list_categories(db: &MySqlPool, page: &PageQuery) -> Result<Page<VehicleCategory>, CatalogError> {
    let pagination = Pagination::parse(page)?;
    let rows = repo::list_categories(db, pagination.after.as_deref(), pagination.fetch()).await?;
    Ok(pagination.page(rows, |c| c.code.as_str()))
}

/// `GET /agencies/{id}/vehicles`: the fleet, active and inactive, by plate.
pub async fn list_vehicles(
    db: &MySqlPool,
    actor_agency: Uuid,
    agency_id: Uuid,
    query: &VehicleQuery,
    page: &PageQuery,
) -> Result<Page<Vehicle>, CatalogError> {
    own_existing_agency(db, actor_agency, agency_id).await?;
    let pagination = Pagination::parse(page)?;
    let mut errors = FieldErrors::new();
    let category = match query.category.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => errors.check("category", AcrissCode::parse(raw).map_err(|e| InvalidValue::invalid(e.to_string()))),
    };
    let active = match query.active.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            errors.push(InvalidValue::invalid("true or false").at("active"));
            None
        }
    };
    errors.finish()?;
    let filter = VehicleFilter { category, active };
    let rows = repo::list_vehicles(db, agency_id, &filter, pagination.after.as_deref(), pagination.fetch()).await?;
    Ok(pagination.page(rows, |v| v.plate.as_str()))
}

fn plate_taken(vehicle: &Vehicle) -> CatalogError {
    CatalogError::field("plate", InvalidValue::new("taken", format!("a vehicle with plate {} exists", vehicle.plate.as_str())))
}

/// `POST /agencies/{id}/vehicles`.
pub async fn create_vehicle(
    db: &MySqlPool,
    actor_agency: Uuid,
    agency_id: Uuid,
    input: &NewVehicle,
    now: DateTime<Utc>,
) -> Result<Vehicle, CatalogError> {
    own_existing_agency(db, actor_agency, agency_id).await?;
    let known = repo::category_codes(db).await?;
    let vehicle = validate_new_vehicle(agency_id, input, &known, Uuid::now_v7())?;
    let mut tx = db.begin().await?;
    repo::insert_vehicle(&mut tx, &vehicle, now).await.on_constraint("vehicles_plate_uq", || plate_taken(&vehicle))?;
    tx.commit().await?;
    Ok(vehicle)
}

/// `PATCH /vehicles/{id}` by an agent of the vehicle's agency. Deactivating a vehicle or moving
/// it to another category first asks the fleet guard (its future reservations move to another
/// vehicle, or the change is refused with 409 `vehicle_has_reservations`).
pub async fn update_vehicle(
    db: &MySqlPool,
    guard: Option<&dyn FleetGuard>,
    actor_agency: Uuid,
    id: Uuid,
    patch: &VehiclePatch,
    now: DateTime<Utc>,
) -> Result<Vehicle, CatalogError> {
    let known = repo::category_codes(db).await?;
    let mut tx = db.begin().await?;
    if !repo::lock_vehicle(&mut tx, id).await? {
        return Err(CatalogError::NotFound);
    }
    let current = repo::find_vehicle(&mut *tx, id).await?.ok_or(CatalogError::NotFound)?;
    ensure_own_agency(actor_agency, current.agency_id)?;
    let next = apply_vehicle_patch(&current, patch, &known)?;
    if let Some(guard) = guard.filter(|_| fleet_guard::vehicle_change_matters(&current, &next)) {
        guard.vehicle_changing(&mut tx, &current, &next, now).await.map_err(|e| conflict("vehicle_has_reservations", e))?;
    }
    if next != current {
        repo::update_vehicle(&mut tx, &next, now).await.on_constraint("vehicles_plate_uq", || plate_taken(&next))?;
    }
    tx.commit().await?;
    Ok(next)
}

/// 404 unless the vehicle exists and belongs to the agent's agency.
pub async fn ensure_vehicle_owner(db: &MySqlPool, actor_agency: Uuid, id: Uuid) -> Result<(), CatalogError> {
    let vehicle = repo::find_vehicle(db, id).await?.ok_or(CatalogError::NotFound)?;
    ensure_own_agency(actor_agency, vehicle.agency_id)
}

/// `DELETE /vehicles/{id}`: deactivates (reservations keep referring to it); repeating it is a no-op.
pub async fn deactivate_vehicle(
    db: &MySqlPool,
    guard: Option<&dyn FleetGuard>,
    actor_agency: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), CatalogError> {
    let patch = VehiclePatch { active: Some(false), ..VehiclePatch::default() };
    update_vehicle(db, guard, actor_agency, id, &patch, now).await.map(|_| ())
}

/// A refusal of the fleet guard as a 409 with `code`.
pub(crate) fn conflict(code: &'static str, refusal: FleetConflict) -> CatalogError {
    match refusal {
        FleetConflict::Reservations { .. } => CatalogError::Conflict { code, detail: refusal.to_string() },
        FleetConflict::Failed(e) => CatalogError::Corrupt(format!("the fleet guard failed: {e:#}")),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::test_support::spliced;
    use crate::service::test_support::known;

    #[test]
    fn category_codes_are_invalid_or_unknown() {
        assert_eq!(known_category("cdmr", &known()).map(|c| c.to_string()), Ok("CDMR".into()));
        assert_eq!(known_category("PVAR", &known()).map_err(|e| e.code), Err("unknown_category"));
        assert_eq!(known_category("QQQQ", &known()).map_err(|e| e.code), Err("invalid"));
        assert_eq!(known_category("CD", &known()).map_err(|e| e.code), Err("invalid"));
        assert_eq!(known_category("", &known()).map_err(|e| e.code), Err("required"));
    }

    #[test]
    fn wide_characters_at_every_position_are_refused_not_cut() {
        for input in spliced("CDMR") {
            assert!(known_category(&input, &known()).is_err(), "{input:?}");
        }
    }

    proptest! {
        #[test]
        fn vehicle_input_never_panics(text in "\\PC{0,40}", any_text in ".{0,40}") {
            let _ = known_category(&text, &known());
            let _ = known_category(&any_text, &known());
            let vehicle = NewVehicle { category: text.clone(), plate: any_text, model: text, active: None };
            let _ = validate_new_vehicle(Uuid::nil(), &vehicle, &known(), Uuid::nil());
        }
    }
}
