//! `agencies` and their `agency_opening_hours`.

use chrono::{DateTime, Utc};
use sqlx::{Executor, MySql, MySqlConnection, QueryBuilder};
use uuid::Uuid;

use super::{BATCH_ROWS, corrupt};
use crate::error::CatalogError;
use crate::model::{Address, Agency, AgencyCode, CurrencyCode, IanaTimeZone, Market, MinuteOfDay, OpeningHours, OpeningPeriod};

/// An agency's columns, with its opening hours folded into one string (`"weekday opens
/// closes,…"` in minutes) so that a list needs one query. Read by `query_as!` and, for the
/// filtered list, by [`QueryBuilder::build_query_as`].
#[derive(Debug, sqlx::FromRow)]
struct AgencyRow {
    id: Uuid,
    code: String,
    name: String,
    address_line1: String,
    address_line2: Option<String>,
    postal_code: String,
    city: String,
    country_code: String,
    time_zone: String,
    currency: String,
    phone: String,
    email: String,
    active: bool,
    opening_hours: Option<String>,
}

fn parse_hours(id: Uuid, folded: Option<&str>) -> Result<OpeningHours, CatalogError> {
    let mut periods = Vec::new();
    for item in folded.unwrap_or_default().split(',').filter(|s| !s.is_empty()) {
        let numbers: Vec<u16> = item.split(' ').map(str::parse).collect::<Result<_, _>>().map_err(|_| corrupt(format!("hours of {id}")))?;
        let [weekday, opens, closes] = numbers[..] else { return Err(corrupt(format!("hours of {id}"))) };
        let weekday = u8::try_from(weekday).map_err(|_| corrupt(format!("weekday of {id}")))?;
        let (Some(opens), Some(closes)) = (MinuteOfDay::new(opens), MinuteOfDay::new(closes)) else {
            return Err(corrupt(format!("hours of {id}")));
        };
        periods.push(OpeningPeriod { weekday, opens, closes });
    }
    Ok(OpeningHours::from_periods(periods))
}

impl TryFrom<AgencyRow> for Agency {
    type Error = CatalogError;

    fn try_from(row: AgencyRow) -> Result<Self, Self::Error> {
        let id = row.id;
        let bad = |column: &str| corrupt(format!("agencies.{column} of {id}"));
        let country_code: Market = row.country_code.parse().map_err(|_| bad("country_code"))?;
        Ok(Agency {
            id,
            code: row.code.parse::<AgencyCode>().map_err(|_| bad("code"))?,
            name: row.name,
            address: Address {
                line1: row.address_line1,
                line2: row.address_line2,
                postal_code: row.postal_code,
                city: row.city.clone(),
                country_code,
            },
            city: row.city,
            country_code,
            time_zone: row.time_zone.parse::<IanaTimeZone>().map_err(|_| bad("time_zone"))?,
            currency: row.currency.parse::<CurrencyCode>().map_err(|_| bad("currency"))?,
            phone: row.phone,
            email: row.email,
            opening_hours: parse_hours(id, row.opening_hours.as_deref())?,
            active: row.active,
        })
    }
}

/// Filters of an agency list, already validated.
#[derive(Debug, Clone, Default)]
pub struct AgencyFilter {
    /// Market.
    pub country: Option<Market>,
    /// City (collation: ignores case and accents).
    pub city: Option<String>,
    /// Text in name, city or code.
    pub text: Option<String>,
    /// Include inactive agencies.
    pub include_inactive: bool,
}

/// Escapes `%`, `_` and `\` for a `LIKE` pattern (default escape character `\`).
fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Agencies matching `filter`, by code, after the code `after`, at most `limit`. Each filter
/// adds its condition only when it is set (a [`QueryBuilder`]: the statement varies).
pub async fn list_agencies(
    db: impl Executor<'_, Database = MySql>,
    filter: &AgencyFilter,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<Agency>, CatalogError> {
    let mut query = QueryBuilder::<MySql>::new(
        "SELECT a.id, a.code, a.name, a.address_line1, a.address_line2, a.postal_code, a.city, a.country_code, a.time_zone, a.currency, \
         a.phone, a.email, a.active, (SELECT CAST(GROUP_CONCAT(CONCAT(h.weekday, ' ', h.opens_minute, ' ', h.closes_minute) \
         ORDER BY h.weekday, h.opens_minute SEPARATOR ',') AS CHAR) FROM agency_opening_hours h WHERE h.agency_id = a.id) AS opening_hours \
         FROM agencies a WHERE a.code > ",
    );
    query.push_bind(after.unwrap_or_default());
    if !filter.include_inactive {
        query.push(" AND a.active");
    }
    if let Some(country) = filter.country {
        query.push(" AND a.country_code = ").push_bind(country.as_str());
    }
    if let Some(city) = &filter.city {
        query.push(" AND a.city = ").push_bind(city.as_str());
    }
    if let Some(text) = &filter.text {
        let pattern = like_pattern(text);
        query.push(" AND (a.name LIKE ").push_bind(pattern.clone());
        query.push(" OR a.city LIKE ").push_bind(pattern.clone());
        query.push(" OR a.code LIKE ").push_bind(pattern).push(")");
    }
    query.push(" ORDER BY a.code LIMIT ").push_bind(limit);
    let rows: Vec<AgencyRow> = query.build_query_as().fetch_all(db).await?;
    rows.into_iter().map(Agency::try_from).collect()
}

/// One agency, active or not.
pub async fn find_agency(db: impl Executor<'_, Database = MySql>, id: Uuid) -> Result<Option<Agency>, CatalogError> {
    let row = sqlx::query_as!(
        AgencyRow,
        r#"SELECT a.id AS "id: Uuid", a.code, a.name, a.address_line1, a.address_line2, a.postal_code, a.city, a.country_code,
             a.time_zone, a.currency, a.phone, a.email, a.active AS "active: bool",
             (SELECT CAST(GROUP_CONCAT(CONCAT(h.weekday, ' ', h.opens_minute, ' ', h.closes_minute) ORDER BY h.weekday, h.opens_minute
               SEPARATOR ',') AS CHAR) FROM agency_opening_hours h WHERE h.agency_id = a.id) AS "opening_hours?: String"
           FROM agencies a WHERE a.id = ?"#,
        id
    )
    .fetch_optional(db)
    .await?;
    row.map(Agency::try_from).transpose()
}

/// The agencies among `ids` (active or not), in no particular order; unknown ids are left out.
/// One statement for any number of ids: they travel as a JSON array of hex strings.
pub async fn find_agencies(db: impl Executor<'_, Database = MySql>, ids: &[Uuid]) -> Result<Vec<Agency>, CatalogError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query_as!(
        AgencyRow,
        r#"SELECT a.id AS "id: Uuid", a.code, a.name, a.address_line1, a.address_line2, a.postal_code, a.city, a.country_code,
             a.time_zone, a.currency, a.phone, a.email, a.active AS "active: bool",
             (SELECT CAST(GROUP_CONCAT(CONCAT(h.weekday, ' ', h.opens_minute, ' ', h.closes_minute) ORDER BY h.weekday, h.opens_minute
               SEPARATOR ',') AS CHAR) FROM agency_opening_hours h WHERE h.agency_id = a.id) AS "opening_hours?: String"
           FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS wanted
           STRAIGHT_JOIN agencies a ON a.id = UNHEX(wanted.id)"#,
        super::hex_ids(ids)
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Agency::try_from).collect()
}

/// The id of the agency with this code, active or not.
async fn agency_id_by_code(db: impl Executor<'_, Database = MySql>, code: &AgencyCode) -> Result<Option<Uuid>, CatalogError> {
    Ok(sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM agencies WHERE code = ?"#, code.as_str()).fetch_optional(db).await?)
}

/// One agency by its code, active or not.
pub async fn find_agency_by_code(conn: &mut MySqlConnection, code: &AgencyCode) -> Result<Option<Agency>, CatalogError> {
    match agency_id_by_code(&mut *conn, code).await? {
        Some(id) => find_agency(&mut *conn, id).await,
        None => Ok(None),
    }
}

/// Whether the catalog has any agency at all.
pub async fn has_agencies(db: impl Executor<'_, Database = MySql>) -> Result<bool, CatalogError> {
    let any = sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM agencies LIMIT 1"#).fetch_optional(db).await?;
    Ok(any.is_some())
}

/// Locks the agency's row until the transaction ends; false when it does not exist.
pub async fn lock_agency(conn: &mut MySqlConnection, id: Uuid) -> Result<bool, CatalogError> {
    let found = sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM agencies WHERE id = ? FOR UPDATE"#, id).fetch_optional(conn).await?;
    Ok(found.is_some())
}

/// Inserts an agency and its opening hours (call inside a transaction).
pub async fn insert_agency(conn: &mut MySqlConnection, agency: &Agency, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO agencies (id, code, name, address_line1, address_line2, postal_code, city, country_code, time_zone, currency,
           phone, email, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        agency.id,
        agency.code.as_str(),
        agency.name,
        agency.address.line1,
        agency.address.line2,
        agency.address.postal_code,
        agency.city,
        agency.country_code.as_str(),
        agency.time_zone.name(),
        agency.currency.as_str(),
        agency.phone,
        agency.email,
        agency.active,
        now,
        now
    )
    .execute(&mut *conn)
    .await?;
    insert_opening_hours(conn, &[agency]).await?;
    super::revision::moved(conn).await
}

/// Inserts many agencies and their opening hours with multi-row `INSERT`s (call inside a
/// transaction).
pub async fn insert_agencies(conn: &mut MySqlConnection, agencies: &[Agency], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    for chunk in agencies.chunks(BATCH_ROWS) {
        let mut insert = QueryBuilder::<MySql>::new(
            "INSERT INTO agencies (id, code, name, address_line1, address_line2, postal_code, city, country_code, time_zone, currency, \
             phone, email, active, created_at, updated_at) ",
        );
        insert.push_values(chunk, |mut row, agency| {
            row.push_bind(agency.id)
                .push_bind(agency.code.as_str())
                .push_bind(agency.name.as_str())
                .push_bind(agency.address.line1.as_str())
                .push_bind(agency.address.line2.as_deref())
                .push_bind(agency.address.postal_code.as_str())
                .push_bind(agency.city.as_str())
                .push_bind(agency.country_code.as_str())
                .push_bind(agency.time_zone.name())
                .push_bind(agency.currency.as_str())
                .push_bind(agency.phone.as_str())
                .push_bind(agency.email.as_str())
                .push_bind(agency.active)
                .push_bind(now)
                .push_bind(now);
        });
        insert.build().execute(&mut *conn).await?;
    }
    let refs: Vec<&Agency> = agencies.iter().collect();
    insert_opening_hours(conn, &refs).await?;
    super::revision::moved(conn).await
}

/// Writes the mutable fields of an agency and replaces its opening hours (inside a transaction).
pub async fn update_agency(conn: &mut MySqlConnection, agency: &Agency, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE agencies SET name = ?, address_line1 = ?, address_line2 = ?, postal_code = ?, city = ?, time_zone = ?, phone = ?,
           email = ?, active = ?, updated_at = ? WHERE id = ?",
        agency.name,
        agency.address.line1,
        agency.address.line2,
        agency.address.postal_code,
        agency.city,
        agency.time_zone.name(),
        agency.phone,
        agency.email,
        agency.active,
        now,
        agency.id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM agency_opening_hours WHERE agency_id = ?", agency.id).execute(&mut *conn).await?;
    insert_opening_hours(conn, &[agency]).await?;
    super::revision::moved(conn).await
}

/// Inserts the opening periods of agencies that have none stored yet (a multi-row `INSERT`).
async fn insert_opening_hours(conn: &mut MySqlConnection, agencies: &[&Agency]) -> Result<(), sqlx::Error> {
    let periods: Vec<(Uuid, &OpeningPeriod)> =
        agencies.iter().flat_map(|agency| agency.opening_hours.periods().iter().map(|period| (agency.id, period))).collect();
    for chunk in periods.chunks(BATCH_ROWS) {
        let mut insert = QueryBuilder::<MySql>::new("INSERT INTO agency_opening_hours (agency_id, weekday, opens_minute, closes_minute) ");
        insert.push_values(chunk, |mut row, (agency_id, period)| {
            row.push_bind(*agency_id).push_bind(period.weekday).push_bind(period.opens.minutes()).push_bind(period.closes.minutes());
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("gare"), "%gare%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn folded_hours_parse_back() {
        let hours = parse_hours(Uuid::nil(), Some("1 480 1140,7 0 1440")).unwrap();
        assert_eq!(hours.periods().len(), 2);
        assert_eq!(hours.periods()[1].closes, MinuteOfDay::END_OF_DAY);
        assert!(parse_hours(Uuid::nil(), None).unwrap().periods().is_empty());
        assert!(parse_hours(Uuid::nil(), Some("1 480")).is_err());
    }

    proptest! {
        #[test]
        fn folded_hours_never_panic(raw in "\\PC*", numeric in "([0-9]{1,5}[ ,]){0,12}") {
            let _ = parse_hours(Uuid::nil(), Some(&raw));
            let _ = parse_hours(Uuid::nil(), Some(&numeric));
        }
    }
}
