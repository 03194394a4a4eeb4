//! The business rules of DESIGN §5 as plain functions of instants, unit-tested at their edges:
//! the booking window, the 30-minute hold, the 48 h modification window, the 7-day full refund,
//! and the agents' state machine.

use chrono::{DateTime, Duration, Months, Utc};
use ycyw_shared::domain::{FieldErrors, InvalidValue};

use crate::model::Status;

/// How long a booking (or a dearer modification) holds its vehicle unpaid: Stripe Checkout's
/// shortest session.
pub const HOLD: Duration = Duration::minutes(30);
/// A pickup must be at least this far ahead.
pub const MIN_LEAD: Duration = Duration::hours(2);
/// A pickup may be at most this many months ahead.
pub const MAX_AHEAD_MONTHS: u32 = 12;
/// The longest rental.
pub const MAX_RENTAL: Duration = Duration::days(90);
/// Modifications close this long before pickup.
pub const MODIFICATION_CUTOFF: Duration = Duration::hours(48);
/// A cancellation refunds everything until this long before pickup.
pub const FULL_REFUND_CUTOFF: Duration = Duration::days(7);
/// What a later cancellation refunds.
pub const LATE_REFUND_PERCENT: u8 = 25;
/// A confirmed reservation nobody picked up may be marked a no-show this long after its pickup.
pub const NO_SHOW_AFTER: Duration = Duration::hours(2);

/// Checks a rental's window against `now` (DESIGN §5); errors name `pickupAt` and `returnAt`.
pub fn check_window(now: DateTime<Utc>, pickup_at: DateTime<Utc>, return_at: DateTime<Utc>) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    errors.check("pickupAt", check_pickup(now, pickup_at));
    errors.check("returnAt", check_return(pickup_at, return_at));
    errors.finish()
}

fn check_pickup(now: DateTime<Utc>, pickup_at: DateTime<Utc>) -> Result<(), InvalidValue> {
    if pickup_at < now {
        return Err(InvalidValue::new("in_past", "the pickup time has passed"));
    }
    if pickup_at < now + MIN_LEAD {
        return Err(InvalidValue::new("too_soon", "the pickup must be at least 2 hours from now"));
    }
    let latest = now.checked_add_months(Months::new(MAX_AHEAD_MONTHS)).unwrap_or(DateTime::<Utc>::MAX_UTC);
    if pickup_at > latest {
        return Err(InvalidValue::new("too_far_ahead", "the pickup may be at most one year from now"));
    }
    Ok(())
}

fn check_return(pickup_at: DateTime<Utc>, return_at: DateTime<Utc>) -> Result<(), InvalidValue> {
    if return_at <= pickup_at {
        return Err(InvalidValue::new("return_before_pickup", "the return must be after the pickup"));
    }
    if return_at - pickup_at > MAX_RENTAL {
        return Err(InvalidValue::new("too_long", "a rental lasts at most 90 days"));
    }
    Ok(())
}

/// The end of the hold of something held at `now`.
pub fn hold_end(now: DateTime<Utc>) -> DateTime<Utc> {
    now + HOLD
}

/// Whether a reservation picked up at `pickup_at` may be modified at `now`: until 48 h before,
/// that instant included.
pub fn within_modification_window(now: DateTime<Utc>, pickup_at: DateTime<Utc>) -> bool {
    now <= pickup_at - MODIFICATION_CUTOFF
}

/// The last instant of the full refund.
pub fn full_refund_until(pickup_at: DateTime<Utc>) -> DateTime<Utc> {
    pickup_at - FULL_REFUND_CUTOFF
}

/// The refund percentage of a cancellation at `now`: 100 until 7 days before pickup (included),
/// then 25; `None` from the pickup on (not cancellable).
pub fn refund_percent(now: DateTime<Utc>, pickup_at: DateTime<Utc>) -> Option<u8> {
    if now >= pickup_at {
        None
    } else if now <= full_refund_until(pickup_at) {
        Some(100)
    } else {
        Some(LATE_REFUND_PERCENT)
    }
}

/// `percent` of `paid_minor`, rounded to the nearest minor unit (halves up).
pub fn refund_amount(paid_minor: i64, percent: u8) -> i64 {
    let exact = i128::from(paid_minor.max(0)) * i128::from(percent);
    i64::try_from((exact + 50) / 100).unwrap_or(i64::MAX)
}

/// Whether a reservation in `status` can be cancelled by its client at `now`.
pub fn cancellable(status: Status, now: DateTime<Utc>, pickup_at: DateTime<Utc>) -> bool {
    matches!(status, Status::PendingPayment | Status::Confirmed) && refund_percent(now, pickup_at).is_some()
}

/// Whether a reservation in `status` can be modified at `now`.
pub fn modifiable(status: Status, now: DateTime<Utc>, pickup_at: DateTime<Utc>) -> bool {
    status == Status::Confirmed && within_modification_window(now, pickup_at)
}

/// What an agent does at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterAction {
    /// Hands the car over.
    Pickup,
    /// Takes it back.
    Return,
    /// Records that nobody came.
    NoShow,
}

/// Why a counter action is refused (409 `invalid_transition`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidTransition(pub &'static str);

/// The status after `action` on a reservation in `status` at `now`. `pickup_day_start` is the
/// start of the pickup's agency-local day: a car may be handed over from then on.
pub fn counter_transition(
    action: CounterAction,
    status: Status,
    now: DateTime<Utc>,
    pickup_at: DateTime<Utc>,
    return_at: DateTime<Utc>,
    pickup_day_start: DateTime<Utc>,
) -> Result<Status, InvalidTransition> {
    match (action, status) {
        (CounterAction::Pickup, Status::Confirmed) if now < pickup_day_start => {
            Err(InvalidTransition("the car can be picked up from the start of the pickup day, agency time"))
        }
        (CounterAction::Pickup, Status::Confirmed) if now >= return_at => Err(InvalidTransition("the rental period is over")),
        (CounterAction::Pickup, Status::Confirmed) => Ok(Status::PickedUp),
        (CounterAction::Pickup, Status::PendingPayment) => Err(InvalidTransition("the reservation is not paid")),
        (CounterAction::Return, Status::PickedUp) => Ok(Status::Returned),
        (CounterAction::Return, _) => Err(InvalidTransition("only a picked-up car can be returned")),
        (CounterAction::NoShow, Status::Confirmed) if now < pickup_at + NO_SHOW_AFTER => {
            Err(InvalidTransition("a no-show can be recorded from 2 hours after the pickup time"))
        }
        (CounterAction::NoShow, Status::Confirmed) => Ok(Status::NoShow),
        (CounterAction::NoShow, _) => Err(InvalidTransition("only a confirmed reservation can be a no-show")),
        (CounterAction::Pickup, _) => Err(InvalidTransition("only a confirmed reservation can be picked up")),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::America::Toronto;
    use chrono_tz::Asia::Tokyo;
    use chrono_tz::Europe::Paris;
    use chrono_tz::Tz;
    use proptest::prelude::*;

    use super::*;

    fn at(zone: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        zone.with_ymd_and_hms(y, mo, d, h, mi, 0).single().unwrap().with_timezone(&Utc)
    }

    fn codes(result: Result<(), FieldErrors>) -> Vec<(String, String)> {
        result.err().map(|e| e.into_vec().into_iter().map(|e| (e.field, e.code)).collect()).unwrap_or_default()
    }

    #[test]
    fn the_booking_window_has_exact_edges() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        let ok = |p: DateTime<Utc>, r: DateTime<Utc>| codes(check_window(now, p, r));
        let day = Duration::days(1);
        assert!(ok(now + MIN_LEAD, now + MIN_LEAD + day).is_empty());
        let too_soon = now + MIN_LEAD - Duration::seconds(1);
        assert_eq!(ok(too_soon, too_soon + day), [("pickupAt".into(), "too_soon".into())]);
        let past = now - Duration::seconds(1);
        assert_eq!(ok(past, now + day), [("pickupAt".into(), "in_past".into())]);
        let latest = Utc.with_ymd_and_hms(2027, 12, 1, 8, 0, 0).unwrap();
        assert!(ok(latest, latest + day).is_empty());
        let beyond = latest + Duration::seconds(1);
        assert_eq!(ok(beyond, beyond + day), [("pickupAt".into(), "too_far_ahead".into())]);
        let p = now + day;
        assert_eq!(ok(p, p), [("returnAt".into(), "return_before_pickup".into())]);
        assert_eq!(ok(p, p - Duration::hours(1)), [("returnAt".into(), "return_before_pickup".into())]);
        assert!(ok(p, p + MAX_RENTAL).is_empty());
        assert_eq!(ok(p, p + MAX_RENTAL + Duration::seconds(1)), [("returnAt".into(), "too_long".into())]);
        assert_eq!(ok(past, past).len(), 2, "both fields are reported at once");
    }

    /// 48 h before a pickup just after a daylight-saving change is 48 elapsed hours, not the
    /// same wall-clock time two days earlier.
    #[test]
    fn the_48_hour_window_is_elapsed_time_across_dst_changes() {
        for (zone, pickup) in [
            (Paris, at(Paris, 2026, 3, 30, 10, 0)),     // clocks went forward on the 29th
            (Paris, at(Paris, 2026, 10, 26, 10, 0)),    // back on the 25th
            (Toronto, at(Toronto, 2026, 3, 9, 10, 0)),  // forward on the 8th
            (Toronto, at(Toronto, 2026, 11, 2, 10, 0)), // back on the 1st
            (Tokyo, at(Tokyo, 2026, 12, 10, 10, 0)),
        ] {
            let edge = pickup - Duration::hours(48);
            assert!(within_modification_window(edge, pickup), "{zone}: 48:00:00 before is still open");
            assert!(!within_modification_window(edge + Duration::seconds(1), pickup), "{zone}: 47:59:59 before is closed");
            let local_two_days_before = zone.from_local_datetime(&(pickup.with_timezone(&zone).naive_local() - Duration::days(2))).unwrap();
            if zone != Tokyo {
                assert_ne!(local_two_days_before.with_timezone(&Utc), edge, "{zone}: the change moved the wall clock");
            }
        }
    }

    #[test]
    fn the_refund_is_full_until_seven_days_before_then_a_quarter_then_none() {
        for (zone, pickup) in [
            (Paris, at(Paris, 2026, 4, 2, 9, 30)),   // the window spans the March change
            (Paris, at(Paris, 2026, 10, 29, 9, 30)), // and the October one
            (Toronto, at(Toronto, 2026, 3, 12, 9, 30)),
            (Toronto, at(Toronto, 2026, 11, 5, 9, 30)),
            (Tokyo, at(Tokyo, 2026, 12, 10, 9, 30)),
        ] {
            let edge = pickup - Duration::days(7);
            assert_eq!(full_refund_until(pickup), edge, "{zone}");
            assert_eq!(refund_percent(edge - Duration::seconds(1), pickup), Some(100), "{zone}");
            assert_eq!(refund_percent(edge, pickup), Some(100), "{zone}: the edge itself is still full");
            assert_eq!(refund_percent(edge + Duration::seconds(1), pickup), Some(25), "{zone}");
            assert_eq!(refund_percent(pickup - Duration::seconds(1), pickup), Some(25), "{zone}");
            assert_eq!(refund_percent(pickup, pickup), None, "{zone}: not after pickup");
        }
    }

    #[test]
    fn refunds_round_to_the_nearest_minor_unit() {
        assert_eq!(refund_amount(10_000, 100), 10_000);
        assert_eq!(refund_amount(10_000, 25), 2_500);
        assert_eq!(refund_amount(10_001, 25), 2_500); // 2500.25
        assert_eq!(refund_amount(10_002, 25), 2_501); // 2500.5 → up
        assert_eq!(refund_amount(0, 25), 0);
        assert_eq!(refund_amount(-5, 100), 0);
    }

    #[test]
    fn counters_follow_the_state_machine() {
        let pickup = at(Paris, 2026, 12, 8, 10, 0);
        let ret = pickup + Duration::days(3);
        let day_start = at(Paris, 2026, 12, 8, 0, 0);
        let go = |action, status, now| counter_transition(action, status, now, pickup, ret, day_start);
        assert_eq!(go(CounterAction::Pickup, Status::Confirmed, day_start), Ok(Status::PickedUp));
        assert!(go(CounterAction::Pickup, Status::Confirmed, day_start - Duration::seconds(1)).is_err());
        assert!(go(CounterAction::Pickup, Status::Confirmed, ret).is_err());
        assert!(go(CounterAction::Pickup, Status::PendingPayment, pickup).is_err());
        assert!(go(CounterAction::Pickup, Status::PickedUp, pickup).is_err());
        assert_eq!(go(CounterAction::Return, Status::PickedUp, pickup), Ok(Status::Returned));
        assert!(go(CounterAction::Return, Status::Confirmed, pickup).is_err());
        assert!(go(CounterAction::Return, Status::Returned, pickup).is_err());
        assert_eq!(go(CounterAction::NoShow, Status::Confirmed, pickup + NO_SHOW_AFTER), Ok(Status::NoShow));
        assert!(go(CounterAction::NoShow, Status::Confirmed, pickup + NO_SHOW_AFTER - Duration::seconds(1)).is_err());
        assert!(go(CounterAction::NoShow, Status::PickedUp, ret).is_err());
        assert!(go(CounterAction::NoShow, Status::Cancelled, ret).is_err());
    }

    #[test]
    fn only_confirmed_reservations_are_modified_and_only_open_ones_cancelled() {
        let pickup = at(Paris, 2026, 12, 20, 10, 0);
        let early = pickup - Duration::days(10);
        assert!(modifiable(Status::Confirmed, early, pickup));
        assert!(!modifiable(Status::PendingPayment, early, pickup));
        for status in [Status::Cancelled, Status::Expired, Status::PickedUp, Status::Returned, Status::NoShow] {
            assert!(!modifiable(status, early, pickup), "{status}");
            assert!(!cancellable(status, early, pickup), "{status}");
        }
        assert!(cancellable(Status::PendingPayment, early, pickup));
        assert!(cancellable(Status::Confirmed, pickup - Duration::seconds(1), pickup));
        assert!(!cancellable(Status::Confirmed, pickup, pickup));
    }

    proptest! {
        /// The refund never exceeds what was paid and never drops as the cancellation comes earlier.
        #[test]
        fn refunds_are_bounded_and_monotonic(paid in 0i64..10_000_000, before_a in 0i64..30*24*3600, before_b in 0i64..30*24*3600) {
            let pickup = at(Paris, 2026, 12, 20, 10, 0);
            let (early, late) = (before_a.max(before_b), before_a.min(before_b));
            let refund = |before: i64| refund_percent(pickup - Duration::seconds(before), pickup).map(|p| refund_amount(paid, p));
            let (early, late) = (refund(early), refund(late));
            if let Some(early) = early { prop_assert!(early <= paid); }
            if let (Some(e), Some(l)) = (early, late) { prop_assert!(e >= l); }
        }
    }
}
