//! Agencies: what makes a valid new agency or patch (address in one of our markets, the market's
//! currency, IANA zone, opening hours), and the operations behind `/agencies`.

use chrono::{DateTime, Utc};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::db::OnConstraint as _;
use ycyw_shared::domain::{Email, FieldErrors, InvalidValue, Pagination, PostalAddressInput, PostalCodeRule, single_line};

use super::{NAME_MAX, ensure_own_agency};
use crate::error::CatalogError;
use crate::model::{
    Address, Agency, AgencyCode, AgencyPatch, AgencyQuery, CurrencyCode, IanaTimeZone, Market, NewAgency, OpeningHours, OpeningPeriodInput,
    Page, PageQuery, phone,
};
use crate::repo::{self, AgencyFilter};

/// An agency's address: a postal address (its postal code free text, as staff type it) in one of
/// our markets.
fn address(errors: &mut FieldErrors, input: &PostalAddressInput) -> Option<Address> {
    let postal = errors.merge(input.parse_with("address", PostalCodeRule::FreeText))?;
    let market = errors.check("address.countryCode", Market::try_from(postal.country_code))?;
    Some(Address {
        line1: postal.line1,
        line2: postal.line2,
        postal_code: postal.postal_code.into(),
        city: postal.city,
        country_code: market,
    })
}

fn opening_hours(errors: &mut FieldErrors, input: &[OpeningPeriodInput]) -> Option<OpeningHours> {
    errors.merge(OpeningHours::parse("openingHours", input))
}

/// An agency's contact email (the agency's, not a user's: no verification).
fn email(raw: &str) -> Result<String, InvalidValue> {
    Email::parse(raw).map(String::from)
}

/// A new agency from `POST /agencies` (or the ops CLI), with id `id`.
pub fn validate_new_agency(input: &NewAgency, id: Uuid) -> Result<Agency, CatalogError> {
    let mut errors = FieldErrors::new();
    let code = errors.check("code", input.code.parse::<AgencyCode>());
    let name = errors.check("name", single_line(&input.name, NAME_MAX));
    let address = address(&mut errors, &input.address);
    let time_zone = errors.check("timeZone", input.time_zone.parse::<IanaTimeZone>());
    let phone = errors.check("phone", phone(&input.phone));
    let email = errors.check("email", email(&input.email));
    let hours = opening_hours(&mut errors, &input.opening_hours);
    let country = Market::parse(&input.address.country_code).ok();
    let currency = match (country, input.currency.as_deref()) {
        (Some(country), None) => Some(country.currency()),
        (country, Some(raw)) => match (country, errors.check("currency", raw.parse::<CurrencyCode>())) {
            (Some(country), Some(currency)) if currency == country.currency() => Some(currency),
            (Some(country), Some(_)) => {
                errors.push(InvalidValue::invalid(format!("agencies in {country} price in {}", country.currency())).at("currency"));
                None
            }
            _ => None,
        },
        (None, None) => None,
    };
    errors.finish()?;
    let (Some(code), Some(name), Some(address), Some(time_zone), Some(phone), Some(email), Some(opening_hours), Some(currency)) =
        (code, name, address, time_zone, phone, email, hours, currency)
    else {
        return Err(CatalogError::Invalid(Vec::new()));
    };
    Ok(Agency {
        id,
        code,
        name,
        city: address.city.clone(),
        country_code: address.country_code,
        address,
        time_zone,
        currency,
        phone,
        email,
        opening_hours,
        active: input.active.unwrap_or(true),
    })
}

/// `current` with a `PATCH /agencies/{id}` applied; the country (hence the currency) never changes.
pub fn apply_agency_patch(current: &Agency, patch: &AgencyPatch) -> Result<Agency, CatalogError> {
    let mut errors = FieldErrors::new();
    let mut next = current.clone();
    if let Some(raw) = &patch.name {
        next.name = errors.check("name", single_line(raw, NAME_MAX)).unwrap_or_default();
    }
    if let Some(input) = &patch.address
        && let Some(address) = address(&mut errors, input)
    {
        if address.country_code == current.country_code {
            next.city = address.city.clone();
            next.address = address;
        } else {
            errors.push(
                InvalidValue::invalid(format!("an agency cannot move to another country (it is in {})", current.country_code))
                    .at("address.countryCode"),
            );
        }
    }
    if let Some(raw) = &patch.time_zone {
        next.time_zone = errors.check("timeZone", raw.parse::<IanaTimeZone>()).unwrap_or(current.time_zone);
    }
    if let Some(raw) = &patch.phone {
        next.phone = errors.check("phone", phone(raw)).unwrap_or_default();
    }
    if let Some(raw) = &patch.email {
        next.email = errors.check("email", email(raw)).unwrap_or_default();
    }
    if let Some(input) = &patch.opening_hours {
        next.opening_hours = opening_hours(&mut errors, input).unwrap_or_default();
    }
    if let Some(active) = patch.active {
        next.active = active;
    }
    errors.finish()?;
    Ok(next)
}

fn agency_filter(query: &AgencyQuery) -> Result<AgencyFilter, CatalogError> {
    let mut errors = FieldErrors::new();
    let non_empty = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let country = non_empty(&query.country).and_then(|raw| errors.check("country", Market::parse(&raw)));
    let city = non_empty(&query.city);
    let text = non_empty(&query.q);
    if city.as_ref().is_some_and(|c| c.chars().count() > 100) {
        errors.push(InvalidValue::invalid("at most 100 characters").at("city"));
    }
    if text.as_ref().is_some_and(|t| t.chars().count() > 100) {
        errors.push(InvalidValue::invalid("at most 100 characters").at("q"));
    }
    errors.finish()?;
    Ok(AgencyFilter { country, city, text, include_inactive: false })
}

/// `GET /agencies`: active agencies, by code.
pub async fn list_agencies(db: &MySqlPool, query: &AgencyQuery, page: &PageQuery) -> Result<Page<Agency>, CatalogError> {
    let pagination = Pagination::parse(page)?;
    let filter = agency_filter(query)?;
    let rows = repo::list_agencies(db, &filter, pagination.after.as_deref(), pagination.fetch()).await?;
    Ok(pagination.page(rows, |a| a.code.as_str()))
}

/// `GET /agencies/{id}`: an active agency; an inactive one only for its own agents.
pub async fn public_agency(db: &MySqlPool, id: Uuid, viewer_agency: Option<Uuid>) -> Result<Agency, CatalogError> {
    match repo::find_agency(db, id).await? {
        Some(agency) if agency.active || viewer_agency == Some(agency.id) => Ok(agency),
        _ => Err(CatalogError::NotFound),
    }
}

/// Creates an agency (ops CLI; `POST /agencies` once tokens can carry the right).
pub async fn create_agency(db: &MySqlPool, input: &NewAgency, now: DateTime<Utc>) -> Result<Agency, CatalogError> {
    let agency = validate_new_agency(input, Uuid::now_v7())?;
    let mut tx = db.begin().await?;
    repo::insert_agency(&mut tx, &agency, now).await.on_constraint("agencies_code_uq", || {
        CatalogError::field("code", InvalidValue::new("taken", format!("{} is already used", agency.code)))
    })?;
    tx.commit().await?;
    Ok(agency)
}

/// `PATCH /agencies/{id}` by an agent of that agency. Changing its time zone or deactivating it
/// first asks the fleet guard: refused with 409 `agency_has_reservations` while reservations to
/// come pick up or return there.
pub async fn update_agency(
    db: &MySqlPool,
    guard: Option<&dyn crate::fleet_guard::FleetGuard>,
    actor_agency: Uuid,
    id: Uuid,
    patch: &AgencyPatch,
    now: DateTime<Utc>,
) -> Result<Agency, CatalogError> {
    ensure_own_agency(actor_agency, id)?;
    let mut tx = db.begin().await?;
    if !repo::lock_agency(&mut tx, id).await? {
        return Err(CatalogError::NotFound);
    }
    let current = repo::find_agency(&mut *tx, id).await?.ok_or(CatalogError::NotFound)?;
    let next = apply_agency_patch(&current, patch)?;
    if let Some(guard) = guard.filter(|_| crate::fleet_guard::agency_change_matters(&current, &next)) {
        guard.agency_changing(&mut tx, &current, &next, now).await.map_err(|e| super::fleet::conflict("agency_has_reservations", e))?;
    }
    if next != current {
        repo::update_agency(&mut tx, &next, now).await?;
    }
    tx.commit().await?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::service::test_support::{fields, new_agency};

    #[test]
    fn a_valid_agency_takes_its_markets_currency() {
        let agency = validate_new_agency(&new_agency(), Uuid::nil()).unwrap();
        assert_eq!((agency.code.as_str(), agency.currency, agency.city.as_str()), ("PAR-GDL", CurrencyCode::Eur, "Paris"));
        assert_eq!(agency.phone, "+33199001234");
        assert!(agency.active);
    }

    #[test]
    fn an_invalid_agency_reports_every_field() {
        let mut input = new_agency();
        input.code = "PARIS".into();
        input.time_zone = "Europe/Parys".into();
        input.currency = Some("USD".into());
        input.address.country_code = "FR".into();
        input.address.postal_code = " ".into();
        input.opening_hours = vec![OpeningPeriodInput { weekday: 8, opens: "08:00".into(), closes: "19:00".into() }];
        let errors = fields(validate_new_agency(&input, Uuid::nil()).unwrap_err());
        let expected = [
            ("code", "invalid"),
            ("address.postalCode", "required"),
            ("timeZone", "invalid"),
            ("openingHours[0].weekday", "invalid"),
            ("currency", "invalid"),
        ];
        assert_eq!(errors, expected.map(|(f, c)| (f.to_string(), c.to_string())));
    }

    #[test]
    fn patches_change_only_what_they_name_and_never_the_country() {
        let agency = validate_new_agency(&new_agency(), Uuid::nil()).unwrap();
        let patch = AgencyPatch { name: Some("Paris Bercy".into()), active: Some(false), ..AgencyPatch::default() };
        let next = apply_agency_patch(&agency, &patch).unwrap();
        assert_eq!((next.name.as_str(), next.active, &next.opening_hours), ("Paris Bercy", false, &agency.opening_hours));

        let mut moved = new_agency().address;
        moved.country_code = "DE".into();
        let patch = AgencyPatch { address: Some(moved), phone: Some("123".into()), ..AgencyPatch::default() };
        assert_eq!(
            fields(apply_agency_patch(&agency, &patch).unwrap_err()),
            [("address.countryCode".to_string(), "invalid".to_string()), ("phone".to_string(), "invalid".to_string())]
        );
    }

    proptest! {
        #[test]
        fn agency_input_never_panics(text in "\\PC{0,40}", any_text in ".{0,40}", country in "\\PC{0,3}|FR|GB|US") {
            let mut input = new_agency();
            input.code = text.clone();
            input.name = any_text.clone();
            input.address.postal_code = any_text.clone();
            input.address.city = text.clone();
            input.address.country_code = country;
            input.time_zone = any_text.clone();
            input.phone = text.clone();
            input.email = any_text.clone();
            input.currency = Some(text.clone());
            input.opening_hours = vec![OpeningPeriodInput { weekday: 1, opens: text, closes: any_text }];
            if let Ok(agency) = validate_new_agency(&input, Uuid::nil()) {
                prop_assert_eq!(agency.currency, agency.country_code.currency());
            }
        }
    }
}
