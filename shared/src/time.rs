//! Time as a dependency: business rules and the queue read the clock through [`Clock`], so tests
//! can put "now" exactly on the edge of a rule instead of sleeping.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// A source of the current instant.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to; for tests.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    /// A clock stopped at `at`.
    pub fn at(at: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(at)))
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }

    /// Sets the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Truncates to the microsecond precision of the `DATETIME(6)` columns, so what is written is
/// exactly what is read back.
pub fn to_db_precision(at: DateTime<Utc>) -> DateTime<Utc> {
    let micros = at.timestamp_micros();
    DateTime::from_timestamp_micros(micros).unwrap_or(at)
}

/// Whether `at` fits a `DATETIME` column (years 1000 to 9999 in MariaDB and MySQL). Input that
/// carries an instant (a list's cursor, a day) is refused outside it: such a value cannot be
/// bound (sqlx refuses a year before 0, the server the rest), which would be a 500.
pub fn in_db_range(at: DateTime<Utc>) -> bool {
    (1000..=9999).contains(&chrono::Datelike::year(&at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = Utc::now();
        let clock = ManualClock::at(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::minutes(15));
        assert_eq!(clock.now(), start + Duration::minutes(15));
        clock.set(start);
        assert_eq!(clock.now(), start);
    }

    #[test]
    fn the_db_range_is_years_1000_to_9999() {
        let at = |micros: i64| DateTime::from_timestamp_micros(micros).unwrap();
        assert!(in_db_range(at(0)) && in_db_range(at(253_402_300_799_999_999)), "1970 and 9999-12-31T23:59:59.999999");
        assert!(!in_db_range(at(253_402_300_800_000_000)), "10000-01-01");
        assert!(!in_db_range(at(-30_610_224_000_000_001)), "999-12-31T23:59:59.999999");
        assert!(in_db_range(at(-30_610_224_000_000_000)), "1000-01-01");
        assert!(!in_db_range(at(-62_167_219_200_000_001)), "before year 0");
    }

    #[test]
    fn db_precision_drops_nanoseconds() {
        let at = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(to_db_precision(at).timestamp_subsec_nanos(), 123_456_000);
    }
}
