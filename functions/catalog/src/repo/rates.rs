//! `rates`: an agency's daily rates and one-way fees per category and validity period.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Executor, MySql, MySqlConnection, QueryBuilder};
use uuid::Uuid;

use super::{BATCH_ROWS, corrupt};
use crate::error::CatalogError;
use crate::model::{AcrissCode, CurrencyCode, Money, Rate};

#[derive(Debug)]
struct RateRow {
    agency_id: Uuid,
    category_code: String,
    currency: String,
    daily_minor: i64,
    one_way_fee_minor: i64,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

impl TryFrom<RateRow> for Rate {
    type Error = CatalogError;

    fn try_from(row: RateRow) -> Result<Self, Self::Error> {
        let what = || corrupt(format!("rate of {} {}", row.agency_id, row.category_code));
        let currency: CurrencyCode = row.currency.parse().map_err(|_| what())?;
        Ok(Rate {
            agency_id: row.agency_id,
            category: AcrissCode::parse(&row.category_code).map_err(|_| what())?,
            daily_rate: Money::new(row.daily_minor, currency),
            one_way_fee: Money::new(row.one_way_fee_minor, currency),
            valid_from: row.valid_from,
            valid_to: row.valid_to,
        })
    }
}

/// An agency's whole rate set, by category then start date.
pub async fn list_rates(db: impl Executor<'_, Database = MySql>, agency_id: Uuid) -> Result<Vec<Rate>, CatalogError> {
    let rows = sqlx::query_as!(
        RateRow,
        r#"SELECT agency_id AS "agency_id: Uuid", category_code, currency, daily_minor, one_way_fee_minor, valid_from, valid_to
           FROM rates WHERE agency_id = ? ORDER BY category_code, valid_from"#,
        agency_id
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Rate::try_from).collect()
}

/// The rate of `category` at an agency that applies on the local date `on`.
pub async fn rate_in_force(
    db: impl Executor<'_, Database = MySql>,
    agency_id: Uuid,
    category: &AcrissCode,
    on: NaiveDate,
) -> Result<Option<Rate>, CatalogError> {
    let row = sqlx::query_as!(
        RateRow,
        r#"SELECT agency_id AS "agency_id: Uuid", category_code, currency, daily_minor, one_way_fee_minor, valid_from, valid_to
           FROM rates WHERE agency_id = ? AND category_code = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)
           ORDER BY valid_from DESC LIMIT 1"#,
        agency_id,
        category.as_str(),
        on,
        on
    )
    .fetch_optional(db)
    .await?;
    row.map(Rate::try_from).transpose()
}

/// The rates in force on `on` of every category at each agency of `ids`: one statement (the
/// agencies' whole rate sets, a few rows each), at most one rate per agency and category (the
/// latest period starting on or before `on`).
pub async fn rates_in_force(db: impl Executor<'_, Database = MySql>, ids: &[Uuid], on: NaiveDate) -> Result<Vec<Rate>, CatalogError> {
    Ok(in_force(&rates_of(db, ids).await?, on))
}

/// Every rate of each agency of `ids`, all periods: one statement, by agency, category and
/// period, the latest first (the order [`in_force`] reads).
pub async fn rates_of(db: impl Executor<'_, Database = MySql>, ids: &[Uuid]) -> Result<Vec<Rate>, CatalogError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query_as!(
        RateRow,
        r#"SELECT r.agency_id AS "agency_id: Uuid", r.category_code, r.currency, r.daily_minor, r.one_way_fee_minor, r.valid_from, r.valid_to
           FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted
           STRAIGHT_JOIN rates r ON r.agency_id = UNHEX(wanted.id)
           ORDER BY r.agency_id, r.category_code, r.valid_from DESC"#,
        super::hex_ids(ids)
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Rate::try_from).collect()
}

/// Of `rates` — by agency, category and period, the latest first — those in force on `on`: at
/// most one per agency and category, the latest period starting on or before `on` that has not
/// ended.
pub fn in_force(rates: &[Rate], on: NaiveDate) -> Vec<Rate> {
    let mut kept: Vec<Rate> = Vec::new();
    for rate in rates.iter().filter(|r| r.valid_from <= on && r.valid_to.is_none_or(|to| to >= on)) {
        if kept.last().is_some_and(|last| last.agency_id == rate.agency_id && last.category == rate.category) {
            continue;
        }
        kept.push(rate.clone());
    }
    kept
}

/// Replaces an agency's whole rate set (inside a transaction).
pub async fn replace_rates(conn: &mut MySqlConnection, agency_id: Uuid, rates: &[Rate], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM rates WHERE agency_id = ?", agency_id).execute(&mut *conn).await?;
    insert_rates(conn, rates, now).await
}

/// Inserts rates, each at its own agency, with multi-row `INSERT`s (call inside a transaction).
pub async fn insert_rates(conn: &mut MySqlConnection, rates: &[Rate], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    for chunk in rates.chunks(BATCH_ROWS) {
        let mut insert = QueryBuilder::<MySql>::new(
            "INSERT INTO rates (id, agency_id, category_code, currency, daily_minor, one_way_fee_minor, valid_from, valid_to, created_at) ",
        );
        insert.push_values(chunk, |mut row, rate| {
            row.push_bind(Uuid::now_v7())
                .push_bind(rate.agency_id)
                .push_bind(rate.category.as_str())
                .push_bind(rate.daily_rate.currency.as_str())
                .push_bind(rate.daily_rate.amount_minor)
                .push_bind(rate.one_way_fee.amount_minor)
                .push_bind(rate.valid_from)
                .push_bind(rate.valid_to)
                .push_bind(now);
        });
        insert.build().execute(&mut *conn).await?;
    }
    super::revision::moved(conn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(agency: u128, category: &str, daily: i64, from: &str, to: Option<&str>) -> Rate {
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        let eur: CurrencyCode = "EUR".parse().unwrap();
        Rate {
            agency_id: Uuid::from_u128(agency),
            category: AcrissCode::parse(category).unwrap(),
            daily_rate: Money::new(daily, eur),
            one_way_fee: Money::new(0, eur),
            valid_from: day(from),
            valid_to: to.map(day),
        }
    }

    #[test]
    fn in_force_keeps_the_latest_period_begun_and_not_ended_per_agency_and_category() {
        // By agency, category, and period, the latest first (the order of `rates_of`).
        let rates = [
            rate(1, "CDMR", 60, "2026-07-01", Some("2026-08-31")),
            rate(1, "CDMR", 45, "2026-01-01", None),
            rate(1, "EDMR", 30, "2026-01-01", Some("2026-03-31")),
            rate(2, "CDMR", 50, "2026-05-01", None),
        ];
        let on = |d: &str| {
            in_force(&rates, d.parse().unwrap()).into_iter().map(|r| (r.agency_id.as_u128(), r.daily_rate.amount_minor)).collect::<Vec<_>>()
        };
        assert_eq!(on("2026-03-31"), [(1, 45), (1, 30)]);
        assert_eq!(on("2026-04-01"), [(1, 45)]);
        assert_eq!(on("2026-07-01"), [(1, 60), (2, 50)]);
        assert_eq!(on("2026-09-01"), [(1, 45), (2, 50)]);
        assert_eq!(on("2025-12-31"), []);
    }
}
