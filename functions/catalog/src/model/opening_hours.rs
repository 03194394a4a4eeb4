//! An agency's weekly opening hours, in its local time.

use std::fmt;

use chrono::{Datelike, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use ycyw_shared::domain::{FieldErrors, InvalidValue};

/// A time of day in minutes since local midnight; 1440 (`24:00`) only as a closing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MinuteOfDay(u16);

impl MinuteOfDay {
    /// End of day, `24:00`.
    pub const END_OF_DAY: MinuteOfDay = MinuteOfDay(1440);

    /// From minutes since midnight (0..=1440).
    pub fn new(minutes: u16) -> Option<Self> {
        (minutes <= 1440).then_some(Self(minutes))
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }

    /// Parses `HH:MM` (`24:00` allowed).
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let invalid = || InvalidValue::invalid("a local time HH:MM, e.g. 08:30 (24:00 for midnight at closing)");
        let (h, m) = s.trim().split_once(':').ok_or_else(invalid)?;
        let two_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(h) || !two_digits(m) {
            // `u16::from_str` alone would take "+8:30".
            return Err(invalid());
        }
        let h: u16 = h.parse().map_err(|_| invalid())?;
        let m: u16 = m.parse().map_err(|_| invalid())?;
        if m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(invalid());
        }
        Ok(Self(h * 60 + m))
    }
}

impl fmt::Display for MinuteOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for MinuteOfDay {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

ycyw_shared::string_schema!(
    MinuteOfDay,
    "Local time of day HH:MM (24:00 = end of day)",
    Some("^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"),
    "08:00"
);

/// One opening period of a weekday, in the agency's local time: `opens` < `closes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpeningPeriod {
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    #[schema(minimum = 1, maximum = 7, example = 1)]
    pub weekday: u8,
    /// Opening time.
    pub opens: MinuteOfDay,
    /// Closing time.
    pub closes: MinuteOfDay,
}

/// An opening period as sent by clients, checked by [`OpeningHours::parse`].
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpeningPeriodInput {
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// `HH:MM`.
    pub opens: String,
    /// `HH:MM`, after `opens`; `24:00` for midnight.
    pub closes: String,
}

/// An agency's weekly opening hours in local time: per weekday, up to [`OpeningHours::MAX_PER_DAY`]
/// periods that neither overlap nor touch, sorted. A night opening is two periods (`22:00`–`24:00`
/// and `00:00`–`02:00` of the next weekday). No period at all means always closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[schema(value_type = Vec<OpeningPeriod>)]
pub struct OpeningHours(Vec<OpeningPeriod>);

impl OpeningHours {
    /// At most this many periods per weekday.
    pub const MAX_PER_DAY: usize = 3;

    /// Validates client input; errors name `field[i].weekday`, `field[i].opens`, ….
    pub fn parse(field: &str, input: &[OpeningPeriodInput]) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut periods = Vec::new();
        for (i, item) in input.iter().enumerate() {
            let at = |name: &str| format!("{field}[{i}].{name}");
            let weekday = match u8::try_from(item.weekday) {
                Ok(day @ 1..=7) => Some(day),
                _ => {
                    errors.push(InvalidValue::invalid("an ISO weekday, 1 (Monday) to 7 (Sunday)").at(at("weekday")));
                    None
                }
            };
            let opens = errors.check(&at("opens"), MinuteOfDay::parse(&item.opens));
            let closes = errors.check(&at("closes"), MinuteOfDay::parse(&item.closes));
            if let (Some(weekday), Some(opens), Some(closes)) = (weekday, opens, closes) {
                if opens >= closes || opens == MinuteOfDay::END_OF_DAY {
                    errors.push(InvalidValue::invalid("must be after the opening time").at(at("closes")));
                } else {
                    periods.push((i, OpeningPeriod { weekday, opens, closes }));
                }
            }
        }
        periods.sort_by_key(|(_, p)| *p);
        for pair in periods.windows(2) {
            let ((_, a), (i, b)) = (pair[0], pair[1]);
            if a.weekday == b.weekday && b.opens <= a.closes {
                errors.push(InvalidValue::invalid("overlaps or touches another period of the same weekday").at(format!("{field}[{i}]")));
            }
        }
        for day in 1..=7u8 {
            if periods.iter().filter(|(_, p)| p.weekday == day).count() > Self::MAX_PER_DAY {
                errors.push(InvalidValue::invalid(format!("at most {} periods per weekday", Self::MAX_PER_DAY)).at(field));
                break;
            }
        }
        errors.finish()?;
        Ok(Self(periods.into_iter().map(|(_, p)| p).collect()))
    }

    /// Builds hours from trusted periods (stored rows), sorted.
    pub fn from_periods(mut periods: Vec<OpeningPeriod>) -> Self {
        periods.sort();
        Self(periods)
    }

    /// The periods, sorted by weekday then opening time.
    pub fn periods(&self) -> &[OpeningPeriod] {
        &self.0
    }

    /// Whether the agency is open at this local date-time: opening and closing minutes included
    /// (a car can be picked up at 08:00 sharp and returned at 19:00 sharp).
    pub fn is_open_at(&self, local: NaiveDateTime) -> bool {
        let weekday = local.weekday().number_from_monday() as u8;
        let second = local.num_seconds_from_midnight();
        self.0
            .iter()
            .any(|p| p.weekday == weekday && u32::from(p.opens.minutes()) * 60 <= second && second <= u32::from(p.closes.minutes()) * 60)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::*;

    fn period(weekday: i64, opens: &str, closes: &str) -> OpeningPeriodInput {
        OpeningPeriodInput { weekday, opens: opens.into(), closes: closes.into() }
    }

    #[test]
    fn opening_hours_are_validated_with_field_paths() {
        let hours =
            OpeningHours::parse("openingHours", &[period(2, "14:00", "19:00"), period(2, "08:00", "12:00"), period(7, "22:00", "24:00")])
                .unwrap();
        let days: Vec<(u8, String)> = hours.periods().iter().map(|p| (p.weekday, p.opens.to_string())).collect();
        assert_eq!(days, vec![(2, "08:00".into()), (2, "14:00".into()), (7, "22:00".into())]);

        let errors = OpeningHours::parse("openingHours", &[period(0, "8:00", "19:00"), period(1, "19:00", "08:00")]).unwrap_err();
        let fields: Vec<&str> = errors.as_slice().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["openingHours[0].weekday", "openingHours[0].opens", "openingHours[1].closes"]);

        let errors = OpeningHours::parse("openingHours", &[period(1, "08:00", "12:00"), period(1, "11:00", "19:00")]).unwrap_err();
        assert_eq!(errors.as_slice()[0].field, "openingHours[1]");
        assert!(OpeningHours::parse("h", &[period(1, "24:00", "24:00")]).is_err());
        assert!(OpeningHours::parse("h", &[period(1, "08:00", "24:01")]).is_err());
        assert!(OpeningHours::parse("h", &[period(1, "+8:00", "19:00")]).is_err(), "two digits, no sign");
        let four: Vec<_> = ["01", "03", "05", "07"].iter().map(|h| period(3, &format!("{h}:00"), &format!("{h}:30"))).collect();
        assert!(OpeningHours::parse("h", &four).is_err());
    }

    #[test]
    fn opening_hours_include_their_edges() {
        let hours = OpeningHours::parse("h", &[period(1, "08:00", "19:00"), period(7, "00:00", "24:00")]).unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let at = |d: NaiveDate, h: u32, m: u32| d.and_hms_opt(h, m, 0).unwrap();
        assert!(!hours.is_open_at(at(monday, 7, 59)));
        assert!(hours.is_open_at(at(monday, 8, 0)));
        assert!(hours.is_open_at(at(monday, 19, 0)));
        assert!(!hours.is_open_at(monday.and_hms_opt(19, 0, 1).unwrap()));
        assert!(!hours.is_open_at(at(monday.succ_opt().unwrap(), 10, 0)), "Tuesday has no period");
        assert!(hours.is_open_at(monday.pred_opt().unwrap().and_hms_opt(23, 59, 59).unwrap()), "Sunday 00:00-24:00");
    }

    proptest! {
        #[test]
        fn opening_hours_never_panic(
            periods in prop::collection::vec((any::<i64>(), "\\PC{0,6}", "[0-9:]{0,6}"), 0..6),
            minutes in 0u16..=1440,
        ) {
            let input: Vec<OpeningPeriodInput> = periods
                .into_iter()
                .map(|(weekday, opens, closes)| OpeningPeriodInput { weekday, opens, closes })
                .collect();
            if let Ok(hours) = OpeningHours::parse("openingHours", &input) {
                prop_assert!(hours.periods().windows(2).all(|w| w[0] < w[1]));
            }
            let minute = MinuteOfDay::new(minutes).unwrap();
            prop_assert_eq!(MinuteOfDay::parse(&minute.to_string()), Ok(minute));
        }
    }
}
