//! Rates (a category's daily price and one-way fee at an agency over a validity period), the
//! quote a rental comes to, and the rate set agents replace as a whole.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ycyw_shared::domain::{Money, MoneyInput};

use super::AcrissCode;

/// The price of a category at an agency during a validity period (agency-local dates, both
/// included; no end = open-ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rate {
    /// The agency.
    pub agency_id: Uuid,
    /// The category.
    pub category: AcrissCode,
    /// Price of each started 24 h period.
    pub daily_rate: Money,
    /// Added when the car is returned to another agency.
    pub one_way_fee: Money,
    /// First local date the rate applies to.
    pub valid_from: NaiveDate,
    /// Last local date it applies to; `null` = until replaced.
    pub valid_to: Option<NaiveDate>,
}

impl Rate {
    /// Whether the rate applies on `date` (agency-local).
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// What a rental costs (DESIGN §5): `daily_rate × days + one_way_fee`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// Started 24 h periods.
    pub days: u32,
    /// The daily rate applied.
    pub daily_rate: Money,
    /// The one-way fee applied (zero when the car comes back where it left).
    pub one_way_fee: Money,
    /// The total.
    pub total: Money,
}

/// One rate of `PUT /agencies/{id}/rates`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateInput {
    /// ACRISS category; must be a known category.
    pub category: String,
    /// Price per started 24 h period, > 0.
    pub daily_rate: MoneyInput,
    /// Fee when returned elsewhere, ≥ 0.
    pub one_way_fee: MoneyInput,
    /// First local date.
    pub valid_from: NaiveDate,
    /// Last local date, or `null`.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

/// `PUT /agencies/{id}/rates`: the agency's whole rate set.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatesInput {
    /// Every rate of the agency; periods of one category must not overlap.
    pub items: Vec<RateInput>,
}

/// The rates of an agency (`GET`/`PUT /agencies/{id}/rates`): the whole set, never paged
/// (`nextCursor` is always `null`; a set holds at most 500 rates).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RateSet {
    /// Sorted by category then start date.
    pub items: Vec<Rate>,
    /// Always `null`.
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;
    use ycyw_shared::domain::CurrencyCode;

    use super::*;

    #[test]
    fn rates_apply_within_their_dates_inclusive() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let money = Money::new(4900, CurrencyCode::Eur);
        let rate = Rate {
            agency_id: Uuid::nil(),
            category: AcrissCode::parse("CDMR").unwrap(),
            daily_rate: money,
            one_way_fee: money,
            valid_from: d(1, 1),
            valid_to: Some(d(6, 30)),
        };
        assert!(!rate.applies_on(d(12, 31).pred_opt().unwrap().with_year(2025).unwrap()));
        assert!(rate.applies_on(d(1, 1)) && rate.applies_on(d(6, 30)));
        assert!(!rate.applies_on(d(7, 1)));
        assert!(Rate { valid_to: None, ..rate }.applies_on(d(12, 31)));
    }
}
