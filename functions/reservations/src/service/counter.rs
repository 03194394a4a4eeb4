//! The agents' side (their own agency only; another agency's reservation is 404): the day's
//! pickups and returns, and the counter's state machine ([`rules::counter_transition`]).

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;
use ycyw_catalog::{Agency, Catalog};
use ycyw_shared::domain::{FieldErrors, InvalidValue, PageQuery, Pagination};
use ycyw_shared::time::in_db_range;

use super::manage::Viewer;
use super::rules::CounterAction;
use super::{Ctx, rules, views};
use crate::error::ReservationsError;
use crate::model::{Actor, DayEntryView, DayEvent, DayPage, DayQuery, ReservationView};
use crate::repo::{self, DayEntry};

/// The first instant of an agency-local day (midnight, or the first minute that exists when a
/// daylight-saving change skips midnight there).
pub fn day_start(agency: &Agency, date: NaiveDate) -> DateTime<Utc> {
    (0..=180)
        .find_map(|minutes| {
            let local = date.and_time(NaiveTime::MIN) + chrono::Duration::minutes(minutes);
            Catalog::local_to_utc(agency, local).ok()
        })
        .unwrap_or_else(|| date.and_time(NaiveTime::MIN).and_utc())
}

/// `GET /agencies/{id}/reservations?date=`.
pub async fn day(ctx: &Ctx, agent_agency: Uuid, agency_id: Uuid, query: &DayQuery, page: &PageQuery) -> Result<DayPage, ReservationsError> {
    if agent_agency != agency_id {
        return Err(ReservationsError::NotFound);
    }
    let agency = ctx.catalog.agency(agency_id).await?.ok_or(ReservationsError::NotFound)?;
    let now = ctx.now();
    let mut errors = FieldErrors::new();
    let date = match query.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => Some(agency.local_date(now)),
        Some(raw) => errors.check("date", parse_day(raw)),
    };
    let pagination = errors.merge(Pagination::parse(page));
    let after = pagination.as_ref().and_then(|p| p.after.as_deref()).and_then(|key| errors.check("cursor", decode_key(key)));
    errors.finish()?;
    let (Some(date), Some(pagination)) = (date, pagination) else { return Err(ReservationsError::Invalid(Vec::new())) };
    let from = day_start(&agency, date);
    let to = day_start(&agency, date.checked_add_days(Days::new(1)).unwrap_or(date));
    let entries = repo::agency_day(&ctx.state.db, agency_id, from, to, after.as_ref(), pagination.fetch()).await?;
    let mut ids: Vec<Uuid> = entries.iter().map(|e| e.id).collect();
    ids.dedup();
    let views: std::collections::BTreeMap<Uuid, ReservationView> =
        views::views(ctx, repo::reservations(&ctx.state.db, &ids).await?, now).await?.into_iter().map(|v| (v.id, v)).collect();
    let keyed: Vec<(String, DayEntryView)> = entries
        .iter()
        .filter_map(|e| {
            let reservation = views.get(&e.id)?.clone();
            let event = if e.pickup { DayEvent::Pickup } else { DayEvent::Return };
            Some((encode_key(e), DayEntryView { event, at: Catalog::utc_to_local(&agency, e.at).fixed_offset(), reservation }))
        })
        .collect();
    let page = pagination.page(keyed, |(key, _)| key);
    Ok(DayPage { date, items: page.items.into_iter().map(|(_, v)| v).collect(), next_cursor: page.next_cursor })
}

/// `?date=`: a day the database can hold (chrono alone reads `+262142-12-31` and `-0001-01-01`,
/// which the SQL bind refuses).
fn parse_day(raw: &str) -> Result<NaiveDate, InvalidValue> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|date| in_db_range(date.and_time(NaiveTime::MIN).and_utc()))
        .ok_or_else(|| InvalidValue::invalid("a date YYYY-MM-DD"))
}

fn encode_key(e: &DayEntry) -> String {
    format!("{}|{}|{}", e.at.timestamp_micros(), if e.pickup { 0 } else { 1 }, e.id.simple())
}

fn decode_key(key: &str) -> Result<DayEntry, InvalidValue> {
    let bad = || InvalidValue::invalid("not a cursor returned by this list");
    let mut parts = key.split('|');
    let (Some(micros), Some(kind), Some(id), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else { return Err(bad()) };
    let at = micros.parse::<i64>().ok().and_then(DateTime::<Utc>::from_timestamp_micros).filter(|at| in_db_range(*at)).ok_or_else(bad)?;
    let pickup = match kind {
        "0" => true,
        "1" => false,
        _ => return Err(bad()),
    };
    Ok(DayEntry { id: id.parse().map_err(|_| bad())?, at, pickup })
}

/// `POST /reservations/{id}/pickup|return|no-show` by an agent of `agent_agency`: the pickup
/// agency's agents hand over and record no-shows, the return agency's take cars back.
pub async fn act(ctx: &Ctx, agent_agency: Uuid, id: Uuid, action: CounterAction) -> Result<ReservationView, ReservationsError> {
    let now = ctx.now();
    let current = super::manage::find(ctx, Viewer::Agent(agent_agency), id).await?;
    let pickup_agency = ctx.catalog.agency(current.slot.pickup_agency_id).await?.ok_or(ReservationsError::NotFound)?;
    let start = day_start(&pickup_agency, pickup_agency.local_date(current.slot.pickup_at));
    let mut tx = ctx.state.db.begin().await?;
    let r =
        repo::lock_reservation(&mut tx, id).await?.filter(|r| Viewer::Agent(agent_agency).sees(r)).ok_or(ReservationsError::NotFound)?;
    let at_counter = match action {
        CounterAction::Pickup | CounterAction::NoShow => r.slot.pickup_agency_id,
        CounterAction::Return => r.slot.return_agency_id,
    };
    if at_counter != agent_agency {
        let detail = match action {
            CounterAction::Return => "the car is returned at the return agency",
            _ => "the car is picked up at the pickup agency",
        };
        return Err(ReservationsError::conflict("invalid_transition", detail));
    }
    if r.version != current.version {
        return Err(ReservationsError::conflict("reservation_changed", "the reservation changed meanwhile; reload it and try again"));
    }
    let status = rules::counter_transition(action, r.status_at(now), now, r.slot.pickup_at, r.slot.return_at, start)
        .map_err(|e| ReservationsError::conflict("invalid_transition", e.0))?;
    let mut after = r.clone();
    after.status = status;
    after.hold_expires_at = None;
    after.version += 1;
    after.updated_at = now;
    repo::update_reservation(&mut tx, r.status, &after, Actor::Agent).await?;
    tx.commit().await?;
    tracing::info!(reservation = %id, status = %status, "counter transition");
    views::view_one(ctx, after, now).await
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, TimeZone};
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;

    const KEY: &str = "1796634000000000|0|0190d7e26a4b7c1d9e8f1a2b3c4d5e6f";

    #[test]
    fn days_outside_the_database_range_are_refused() {
        assert_eq!(parse_day("2026-12-08"), Ok(NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()));
        // chrono alone reads years beyond 4 digits and before 0, which the SQL bind refuses (a 500).
        // chrono alone reads years beyond 4 digits and before 0, which the SQL bind refuses (a 500).
        for far in ["+262142-12-31", "-0001-01-01"] {
            assert!(NaiveDate::parse_from_str(far, "%Y-%m-%d").is_ok(), "{far}");
        }
        for bad in ["+262142-12-31", "-0001-01-01", "0999-12-31", "999-12-31", "+10000-01-01", "2026-02-30", "2026-12-8x"] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
        assert!(decode_key("-99999999999999999|0|0190d7e26a4b7c1d9e8f1a2b3c4d5e6f").is_err(), "year -1199");
    }

    proptest! {
        /// Invariant: `?date=` never panics; an accepted day is a real date of years 1000 to
        /// 9999 (what a `DATETIME` holds), and its canonical form reads back to it.
        #[test]
        fn fuzz_counter_day_parse(raw in prop_oneof![hostile_text(), mutated("2026-12-08"), "[+-]?[0-9]{1,7}-[0-9]{1,2}-[0-9]{1,2}"]) {
            if let Ok(date) = parse_day(&raw) {
                prop_assert!((1000..=9999).contains(&date.year()));
                prop_assert_eq!(parse_day(&date.format("%Y-%m-%d").to_string()), Ok(date));
            }
        }

        /// Invariant: a day-list cursor key never panics; accepted, it is an instant the
        /// database can hold, and it encodes back to the same key.
        #[test]
        fn fuzz_counter_cursor_key(raw in prop_oneof![hostile_text(), mutated(KEY), "[+-]?[0-9]{1,20}\\|[0-2]\\|[0-9a-f]{32}"]) {
            if let Ok(entry) = decode_key(&raw) {
                prop_assert!(in_db_range(entry.at));
                prop_assert_eq!(decode_key(&encode_key(&entry)), Ok(entry));
            }
        }
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let entry = DayEntry { id: Uuid::now_v7(), at: Utc.with_ymd_and_hms(2026, 12, 8, 9, 0, 0).unwrap(), pickup: false };
        assert_eq!(decode_key(&encode_key(&entry)).unwrap(), entry);
        for bad in ["", "1|0", "x|0|y", "1|2|0190d7e26a4b7c1d9e8f1a2b3c4d5e6f", "1|0|nope|4"] {
            assert!(decode_key(bad).is_err(), "{bad}");
        }
    }
}
