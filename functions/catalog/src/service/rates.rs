//! Rates: what makes a valid rate set (known categories, the agency's currency, amounts in
//! bounds, periods of one category not overlapping), and the operations behind
//! `/agencies/{id}/rates`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::domain::{FieldErrors, InvalidValue};
use ycyw_shared::error::FieldError;

use super::fleet::known_category;
use super::own_existing_agency;
use crate::error::CatalogError;
use crate::model::{Agency, CurrencyCode, Money, MoneyInput, Rate, RateInput, RateSet, RatesInput};
use crate::repo;

/// Largest daily rate or one-way fee, in minor units (100 000.00).
pub const AMOUNT_MAX: i64 = 10_000_000;
/// Most rates in one agency's set.
pub const RATES_MAX: usize = 500;

fn amount(errors: &mut FieldErrors, field: &str, input: &MoneyInput, currency: CurrencyCode, minimum: i64) -> Option<Money> {
    let given = errors.check(&format!("{field}.currency"), input.currency.parse::<CurrencyCode>());
    if given.is_some_and(|given| given != currency) {
        errors.push(InvalidValue::invalid(format!("this agency prices in {currency}")).at(format!("{field}.currency")));
    }
    if !(minimum..=AMOUNT_MAX).contains(&input.amount_minor) {
        let message = format!("minor units from {minimum} to {AMOUNT_MAX}");
        errors.push(InvalidValue::invalid(message).at(format!("{field}.amountMinor")));
        return None;
    }
    (given == Some(currency)).then(|| Money::new(input.amount_minor, currency))
}

/// The rate set of `PUT /agencies/{id}/rates`: known categories, the agency's currency, a daily rate
/// > 0, a fee ≥ 0, `validTo` ≥ `validFrom`, and no two periods of one category overlapping.
pub fn validate_rates(agency: &Agency, items: &[RateInput], known: &BTreeSet<String>) -> Result<Vec<Rate>, CatalogError> {
    if items.len() > RATES_MAX {
        return Err(CatalogError::field("items", InvalidValue::invalid(format!("at most {RATES_MAX} rates per agency"))));
    }
    let mut errors = FieldErrors::new();
    let mut rates: Vec<(usize, Rate)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = |name: &str| format!("items[{i}].{name}");
        let category = errors.check(&at("category"), known_category(&item.category, known));
        let daily_rate = amount(&mut errors, &at("dailyRate"), &item.daily_rate, agency.currency, 1);
        let one_way_fee = amount(&mut errors, &at("oneWayFee"), &item.one_way_fee, agency.currency, 0);
        if item.valid_to.is_some_and(|to| to < item.valid_from) {
            errors.push(InvalidValue::invalid("must not be before validFrom").at(at("validTo")));
            continue;
        }
        if let (Some(category), Some(daily_rate), Some(one_way_fee)) = (category, daily_rate, one_way_fee) {
            let rate =
                Rate { agency_id: agency.id, category, daily_rate, one_way_fee, valid_from: item.valid_from, valid_to: item.valid_to };
            rates.push((i, rate));
        }
    }
    rates.sort_by_key(|(_, a)| (a.category, a.valid_from));
    for pair in rates.windows(2) {
        let ((first, a), (second, b)) = (&pair[0], &pair[1]);
        if a.category == b.category && a.valid_to.is_none_or(|to| to >= b.valid_from) {
            let (later, earlier) = if first > second { (first, second) } else { (second, first) };
            errors.push(FieldError::new(
                format!("items[{later}].validFrom"),
                "invalid",
                format!("overlaps the {} period of items[{earlier}]", a.category),
            ));
        }
    }
    errors.finish()?;
    Ok(rates.into_iter().map(|(_, rate)| rate).collect())
}

/// `GET /agencies/{id}/rates`.
pub async fn rate_set(db: &MySqlPool, actor_agency: Uuid, agency_id: Uuid) -> Result<RateSet, CatalogError> {
    own_existing_agency(db, actor_agency, agency_id).await?;
    Ok(RateSet { items: repo::list_rates(db, agency_id).await?, next_cursor: None })
}

/// `PUT /agencies/{id}/rates`: replaces the whole set in one transaction.
pub async fn replace_rates(
    db: &MySqlPool,
    actor_agency: Uuid,
    agency_id: Uuid,
    input: &RatesInput,
    now: DateTime<Utc>,
) -> Result<RateSet, CatalogError> {
    let agency = own_existing_agency(db, actor_agency, agency_id).await?;
    let known = repo::category_codes(db).await?;
    let rates = validate_rates(&agency, &input.items, &known)?;
    let mut tx = db.begin().await?;
    if !repo::lock_agency(&mut tx, agency_id).await? {
        return Err(CatalogError::NotFound);
    }
    repo::replace_rates(&mut tx, agency_id, &rates, now).await?;
    let items = repo::list_rates(&mut *tx, agency_id).await?;
    tx.commit().await?;
    Ok(RateSet { items, next_cursor: None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::agencies::validate_new_agency;
    use crate::service::test_support::{fields, known, new_agency};

    fn rate_input(category: &str, daily: i64, currency: &str, from: &str, to: Option<&str>) -> RateInput {
        serde_json::from_value(serde_json::json!({
            "category": category,
            "dailyRate": { "amountMinor": daily, "currency": currency },
            "oneWayFee": { "amountMinor": 5000, "currency": currency },
            "validFrom": from, "validTo": to
        }))
        .unwrap()
    }

    #[test]
    fn rate_sets_are_validated_item_by_item_and_for_overlaps() {
        let agency = validate_new_agency(&new_agency(), Uuid::nil()).unwrap();
        let ok = RatesInput {
            items: vec![
                rate_input("CDMR", 4900, "EUR", "2026-07-01", None),
                rate_input("CDMR", 3900, "EUR", "2026-01-01", Some("2026-06-30")),
                rate_input("IDAR", 6500, "EUR", "2026-01-01", None),
            ],
        };
        let rates = validate_rates(&agency, &ok.items, &known()).unwrap();
        let order: Vec<(String, i64)> = rates.iter().map(|r| (r.category.to_string(), r.daily_rate.amount_minor)).collect();
        assert_eq!(order, [("CDMR".into(), 3900), ("CDMR".into(), 4900), ("IDAR".into(), 6500)]);

        let bad = RatesInput {
            items: vec![
                rate_input("CDMR", 4900, "EUR", "2026-01-01", None),
                rate_input("CDMR", 5900, "EUR", "2026-06-01", None),
                rate_input("PVAR", 0, "GBP", "2026-01-01", Some("2025-01-01")),
                rate_input("ECMR", 0, "EUR", "2026-01-01", None),
            ],
        };
        let errors = fields(validate_rates(&agency, &bad.items, &known()).unwrap_err());
        let expected = [
            ("items[2].category", "unknown_category"),
            ("items[2].dailyRate.currency", "invalid"),
            ("items[2].dailyRate.amountMinor", "invalid"),
            ("items[2].oneWayFee.currency", "invalid"),
            ("items[2].validTo", "invalid"),
            ("items[3].dailyRate.amountMinor", "invalid"),
            ("items[1].validFrom", "invalid"),
        ];
        assert_eq!(errors, expected.map(|(f, c)| (f.to_string(), c.to_string())));
    }
}
