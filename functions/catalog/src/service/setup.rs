//! Whole agencies — details, fleet, rate set — loaded at once, validated as the HTTP API
//! validates each part: upserted by natural key (agency code, plate) for demo data, or inserted
//! in bulk for benchmark data.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::db::OnConstraint as _;
use ycyw_shared::domain::InvalidValue;

use super::agencies::validate_new_agency;
use super::fleet::validate_new_vehicle;
use super::rates::validate_rates;
use crate::error::CatalogError;
use crate::model::{Agency, AgencyCode, AgencySetup, BatchReport, Rate, SetupReport, Vehicle, Written};
use crate::repo;

/// `error` with its field names moved under `prefix` (`code` → `agency.code`); `rename` first
/// replaces a leading name (`items[0]` → `rates[0]`).
fn within(error: CatalogError, prefix: &str, rename: Option<(&str, &str)>) -> CatalogError {
    match error {
        CatalogError::Invalid(mut errors) => {
            for error in &mut errors {
                if let Some((from, to)) = rename
                    && let Some(rest) = error.field.strip_prefix(from)
                {
                    error.field = format!("{to}{rest}");
                }
                if !prefix.is_empty() {
                    error.field = format!("{prefix}{}", error.field);
                }
            }
            CatalogError::Invalid(errors)
        }
        other => other,
    }
}

/// The agency of `setup` with id `agency_id`, its vehicles (fresh ids) and its rates, or every
/// field error of the setup, named inside it.
fn validate_setup(
    setup: &AgencySetup,
    agency_id: Uuid,
    known: &BTreeSet<String>,
) -> Result<(Agency, Vec<Vehicle>, Vec<Rate>), CatalogError> {
    let agency = validate_new_agency(&setup.agency, agency_id).map_err(|e| within(e, "agency.", None))?;
    let vehicles = setup
        .vehicles
        .iter()
        .enumerate()
        .map(|(i, input)| {
            validate_new_vehicle(agency.id, input, known, Uuid::now_v7()).map_err(|e| within(e, &format!("vehicles[{i}]."), None))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rates = validate_rates(&agency, &setup.rates, known).map_err(|e| within(e, "", Some(("items", "rates"))))?;
    Ok((agency, vehicles, rates))
}

fn code_taken(agency: &Agency) -> CatalogError {
    CatalogError::field("code", InvalidValue::new("taken", format!("{} is already used", agency.code)))
}

/// Brings the agency of `setup` (matched by code), the vehicles it lists (matched by plate) and
/// its rate set to what `setup` says, in one transaction, writing only what differs: a second
/// run changes no row. Vehicles of the agency that `setup` does not list, and other agencies,
/// are left alone; so is a listed plate that belongs to another agency's vehicle (reported).
/// An agency cannot move to another market.
pub async fn upsert_agency_setup(db: &MySqlPool, setup: &AgencySetup, now: DateTime<Utc>) -> Result<SetupReport, CatalogError> {
    let known = repo::category_codes(db).await?;
    let mut tx = db.begin().await?;
    let current = match setup.agency.code.parse::<AgencyCode>() {
        Ok(code) => repo::find_agency_by_code(&mut tx, &code).await?,
        Err(_) => None,
    };
    let agency_id = current.as_ref().map_or_else(Uuid::now_v7, |agency| agency.id);
    let (agency, vehicles, rates) = validate_setup(setup, agency_id, &known)?;
    let agency_written = match &current {
        None => {
            repo::insert_agency(&mut tx, &agency, now).await.on_constraint("agencies_code_uq", || code_taken(&agency))?;
            Written::Created
        }
        Some(current) if current.country_code != agency.country_code => {
            let moved = InvalidValue::invalid(format!("an agency cannot move to another country (it is in {})", current.country_code));
            return Err(CatalogError::field("agency.address.countryCode", moved));
        }
        Some(current) if *current == agency => Written::Unchanged,
        Some(_) => {
            repo::update_agency(&mut tx, &agency, now).await?;
            Written::Updated
        }
    };

    let (mut vehicles_created, mut vehicles_updated, mut plates_elsewhere) = (0, 0, Vec::new());
    for wanted in vehicles {
        match repo::find_vehicle_by_plate(&mut *tx, &wanted.plate).await? {
            None => {
                repo::insert_vehicle(&mut tx, &wanted, now).await?;
                vehicles_created += 1;
            }
            Some(current) if current.agency_id == agency.id => {
                let wanted = Vehicle { id: current.id, ..wanted };
                if wanted != current {
                    repo::update_vehicle(&mut tx, &wanted, now).await?;
                    vehicles_updated += 1;
                }
            }
            Some(_) => plates_elsewhere.push(wanted.plate.as_str().to_string()),
        }
    }

    let rates_written = repo::list_rates(&mut *tx, agency.id).await? != rates;
    if rates_written {
        repo::replace_rates(&mut tx, agency.id, &rates, now).await?;
    }
    tx.commit().await?;
    Ok(SetupReport { agency, agency_written, vehicles_created, vehicles_updated, plates_elsewhere, rates_written })
}

/// Inserts new agencies with their fleets and rate sets in one transaction, by multi-row
/// `INSERT`s: all or nothing. Every setup is validated first (errors named `[n].agency.code`,
/// …); an agency code or a plate already used (or used twice) is a `taken` error.
pub async fn insert_agency_setups(db: &MySqlPool, setups: &[AgencySetup], now: DateTime<Utc>) -> Result<BatchReport, CatalogError> {
    let known = repo::category_codes(db).await?;
    let (mut agencies, mut vehicles, mut rates) = (Vec::with_capacity(setups.len()), Vec::new(), Vec::new());
    for (n, setup) in setups.iter().enumerate() {
        let (agency, fleet, rate_set) = validate_setup(setup, Uuid::now_v7(), &known).map_err(|e| within(e, &format!("[{n}]."), None))?;
        agencies.push(agency);
        vehicles.extend(fleet);
        rates.extend(rate_set);
    }
    let mut tx = db.begin().await?;
    repo::insert_agencies(&mut tx, &agencies, now)
        .await
        .on_constraint("agencies_code_uq", || CatalogError::field("code", InvalidValue::new("taken", "an agency code is already used")))?;
    repo::insert_vehicles(&mut tx, &vehicles, now)
        .await
        .on_constraint("vehicles_plate_uq", || CatalogError::field("plate", InvalidValue::new("taken", "a plate is already used")))?;
    repo::insert_rates(&mut tx, &rates, now).await?;
    tx.commit().await?;
    Ok(BatchReport { agency_ids: agencies.iter().map(|a| a.id).collect(), vehicles: vehicles.len(), rates: rates.len() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NewAgency, NewVehicle};
    use crate::service::test_support::{fields, known, new_agency};

    fn setup() -> AgencySetup {
        let vehicle = |category: &str, plate: &str, model: &str| NewVehicle {
            category: category.into(),
            plate: plate.into(),
            model: model.into(),
            active: None,
        };
        let rate = serde_json::from_value(serde_json::json!({
            "category": "CDMR", "dailyRate": { "amountMinor": 0, "currency": "EUR" },
            "oneWayFee": { "amountMinor": 0, "currency": "EUR" }, "validFrom": "2026-01-01"
        }))
        .unwrap();
        AgencySetup {
            agency: NewAgency { code: "PARIS".into(), ..new_agency() },
            vehicles: vec![vehicle("CDMR", "AB-123-CD", "Peugeot 308"), vehicle("PVAR", "AB", "")],
            rates: vec![rate],
        }
    }

    #[test]
    fn setup_errors_name_the_field_inside_the_setup() {
        let errors = fields(validate_setup(&setup(), Uuid::nil(), &known()).unwrap_err());
        assert_eq!(errors, [("agency.code".to_string(), "invalid".to_string())]);
        let mut fixed = setup();
        fixed.agency.code = "PAR-GDL".into();
        let errors = fields(validate_setup(&fixed, Uuid::nil(), &known()).unwrap_err());
        let expected = [("vehicles[1].category", "unknown_category"), ("vehicles[1].model", "required")];
        assert_eq!(errors, expected.map(|(f, c)| (f.to_string(), c.to_string())));
        fixed.vehicles.pop();
        let errors = fields(validate_setup(&fixed, Uuid::nil(), &known()).unwrap_err());
        assert_eq!(errors, [("rates[0].dailyRate.amountMinor".to_string(), "invalid".to_string())]);
        assert_eq!(
            fields(within(CatalogError::field("code", InvalidValue::invalid("x")), "[3].", None)),
            [("[3].code".into(), "invalid".into())]
        );
    }
}
