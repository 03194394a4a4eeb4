//! **Agency-local time**: a local date-time is read in the agency's IANA zone. One that does not
//! exist (skipped when clocks go forward, e.g. 02:30 on 2026-03-29 in Europe/Paris) is refused
//! with [`LocalTimeError::Nonexistent`]; one that happens twice (clocks go back) means the
//! **earlier** instant — the first 02:30, still on summer time — unless the request gave an
//! offset, which then picks the instant and must be one the zone uses.

use chrono::offset::LocalResult;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::model::Agency;

/// Why an agency-local date-time cannot be turned into an instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    /// Not `YYYY-MM-DDTHH:MM[:SS][offset]`.
    #[error("expected an agency-local date-time YYYY-MM-DDTHH:MM, e.g. 2026-12-01T10:00")]
    Malformed,
    /// Skipped by a daylight-saving change in that zone.
    #[error("{local} does not exist in {zone}: clocks skip that time when daylight-saving time starts")]
    Nonexistent {
        /// The local date-time asked for.
        local: NaiveDateTime,
        /// The zone's IANA name.
        zone: &'static str,
    },
    /// An offset was given that the zone does not use at that time.
    #[error("the offset {given} is not the offset of {zone} at that time ({expected})")]
    OffsetMismatch {
        /// The offset in the input.
        given: FixedOffset,
        /// The zone's offset at that instant.
        expected: FixedOffset,
        /// The zone's IANA name.
        zone: &'static str,
    },
}

/// The instant of a local date-time in `zone`: a skipped time is an error, a repeated time is its
/// earlier occurrence.
pub fn local_to_utc(zone: Tz, local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeError> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) => Ok(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(earliest, _latest) => Ok(earliest.with_timezone(&Utc)),
        LocalResult::None => Err(LocalTimeError::Nonexistent { local, zone: zone.name() }),
    }
}

/// An instant on the clock of `zone`.
pub fn utc_to_local(zone: Tz, at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&zone)
}

/// Parses a request's agency-local date-time (API.md): `YYYY-MM-DDTHH:MM` (seconds optional),
/// read in `zone`; an offset, if present, must be the zone's at that instant.
pub fn parse_agency_local(zone: Tz, input: &str) -> Result<DateTime<Utc>, LocalTimeError> {
    let input = input.trim();
    if !fixed_width(input) {
        return Err(LocalTimeError::Malformed);
    }
    let zulu = input.strip_suffix(['Z', 'z']).map(|rest| format!("{rest}+00:00"));
    let input = zulu.as_deref().unwrap_or(input);
    let with_offset = DateTime::parse_from_rfc3339(input).or_else(|_| DateTime::parse_from_str(input, "%Y-%m-%dT%H:%M%:z"));
    if let Ok(at) = with_offset {
        let expected = zone.offset_from_utc_datetime(&at.naive_utc()).fix();
        if expected != *at.offset() {
            return Err(LocalTimeError::OffsetMismatch { given: *at.offset(), expected, zone: zone.name() });
        }
        return Ok(at.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| LocalTimeError::Malformed)?;
    local_to_utc(zone, local)
}

/// Whether `input` starts `YYYY-MM-DDTHH:MM`, then `:SS` or not, with every field at its full
/// width: chrono alone also reads `026-10-25T02:3` (the year 26) or `2026-12-1T9:5`.
fn fixed_width(input: &str) -> bool {
    let shape = |text: &[u8], pattern: &[u8]| {
        text.len() >= pattern.len() && pattern.iter().zip(text).all(|(p, c)| if *p == b'9' { c.is_ascii_digit() } else { p == c })
    };
    let bytes = input.as_bytes();
    let Some((date, rest)) = bytes.split_at_checked(10) else { return false };
    let separator = rest.first().is_some_and(|c| matches!(c, b'T' | b't' | b' '));
    let seconds = rest.get(6) != Some(&b':') || shape(&rest[6..], b":99");
    shape(date, b"9999-99-99") && separator && shape(&rest[1..], b"99:99") && seconds
}

impl Agency {
    /// The instant of a local date-time of this agency (see [`local_to_utc`]).
    pub fn local_to_utc(&self, local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeError> {
        local_to_utc(self.time_zone.tz(), local)
    }

    /// An instant on this agency's clock.
    pub fn utc_to_local(&self, at: DateTime<Utc>) -> DateTime<Tz> {
        utc_to_local(self.time_zone.tz(), at)
    }

    /// The agency-local date of an instant (the date a rate is chosen by).
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        self.utc_to_local(at).date_naive()
    }

    /// Whether the agency is open at an instant, by its local opening hours.
    pub fn is_open_at(&self, at: DateTime<Utc>) -> bool {
        self.opening_hours.is_open_at(self.utc_to_local(at).naive_local())
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use chrono_tz::America::Toronto;
    use chrono_tz::Europe::{London, Paris};
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;
    use crate::model::test_support::spliced;
    use crate::service::test_support::{local, utc};

    #[test]
    fn paris_spring_forward_gap_is_rejected() {
        let err = local_to_utc(Paris, local(2026, 3, 29, 2, 30)).unwrap_err();
        assert_eq!(err, LocalTimeError::Nonexistent { local: local(2026, 3, 29, 2, 30), zone: "Europe/Paris" });
        assert!(err.to_string().contains("does not exist in Europe/Paris"), "{err}");
        assert_eq!(parse_agency_local(Paris, "2026-03-29T02:30"), Err(err));
        // Either side of the gap exists.
        assert_eq!(local_to_utc(Paris, local(2026, 3, 29, 1, 59)), Ok(utc(2026, 3, 29, 0, 59)));
        assert_eq!(local_to_utc(Paris, local(2026, 3, 29, 3, 0)), Ok(utc(2026, 3, 29, 1, 0)));
    }

    #[test]
    fn autumn_overlap_resolves_to_the_earlier_instant_unless_an_offset_says_otherwise() {
        // 02:30 happens twice in Paris on 2026-10-25: first at +02:00, then at +01:00.
        assert_eq!(local_to_utc(Paris, local(2026, 10, 25, 2, 30)), Ok(utc(2026, 10, 25, 0, 30)));
        assert_eq!(parse_agency_local(Paris, "2026-10-25T02:30"), Ok(utc(2026, 10, 25, 0, 30)));
        assert_eq!(parse_agency_local(Paris, "2026-10-25T02:30+01:00"), Ok(utc(2026, 10, 25, 1, 30)));
        assert_eq!(parse_agency_local(Paris, "2026-10-25T02:30:00+02:00"), Ok(utc(2026, 10, 25, 0, 30)));
    }

    #[test]
    fn toronto_offsets_are_right_across_dst() {
        // EST (-05:00) until 2026-03-08 02:00, EDT (-04:00) until 2026-11-01 02:00.
        let offset = |at: DateTime<Utc>| utc_to_local(Toronto, at).offset().fix().local_minus_utc() / 3600;
        assert_eq!(offset(utc(2026, 3, 8, 6, 59)), -5);
        assert_eq!(offset(utc(2026, 3, 8, 7, 0)), -4);
        assert_eq!(offset(utc(2026, 11, 1, 5, 59)), -4);
        assert_eq!(offset(utc(2026, 11, 1, 6, 0)), -5);
        assert_eq!(local_to_utc(Toronto, local(2026, 1, 15, 10, 0)), Ok(utc(2026, 1, 15, 15, 0)));
        assert_eq!(local_to_utc(Toronto, local(2026, 7, 15, 10, 0)), Ok(utc(2026, 7, 15, 14, 0)));
        assert!(matches!(local_to_utc(Toronto, local(2026, 3, 8, 2, 30)), Err(LocalTimeError::Nonexistent { .. })));
        assert_eq!(local_to_utc(Toronto, local(2026, 11, 1, 1, 30)), Ok(utc(2026, 11, 1, 5, 30)), "earlier of the two 01:30");
    }

    #[test]
    fn london_offsets_are_right_across_dst() {
        // GMT until 2026-03-29 01:00 UTC, BST (+01:00) until 2026-10-25 01:00 UTC.
        let offset = |at: DateTime<Utc>| utc_to_local(London, at).offset().fix().local_minus_utc() / 3600;
        assert_eq!(offset(utc(2026, 3, 29, 0, 59)), 0);
        assert_eq!(offset(utc(2026, 3, 29, 1, 0)), 1);
        assert_eq!(offset(utc(2026, 10, 25, 0, 59)), 1);
        assert_eq!(offset(utc(2026, 10, 25, 1, 0)), 0);
        assert_eq!(local_to_utc(London, local(2026, 12, 1, 10, 0)), Ok(utc(2026, 12, 1, 10, 0)));
        assert_eq!(local_to_utc(London, local(2026, 6, 1, 10, 0)), Ok(utc(2026, 6, 1, 9, 0)));
        assert!(matches!(local_to_utc(London, local(2026, 3, 29, 1, 30)), Err(LocalTimeError::Nonexistent { .. })));
        assert_eq!(utc_to_local(London, utc(2026, 6, 1, 9, 0)).to_rfc3339(), "2026-06-01T10:00:00+01:00");
    }

    #[test]
    fn agency_local_input_is_parsed_strictly() {
        assert_eq!(parse_agency_local(Paris, "2026-12-01T10:00"), Ok(utc(2026, 12, 1, 9, 0)));
        assert_eq!(parse_agency_local(Paris, "2026-12-01T10:00:30"), Ok(utc(2026, 12, 1, 9, 0) + Duration::seconds(30)));
        assert_eq!(parse_agency_local(Paris, "2026-12-01T10:00+01:00"), Ok(utc(2026, 12, 1, 9, 0)));
        assert!(matches!(parse_agency_local(Paris, "2026-12-01T10:00+02:00"), Err(LocalTimeError::OffsetMismatch { .. })));
        assert!(matches!(parse_agency_local(Paris, "2026-12-01T10:00Z"), Err(LocalTimeError::OffsetMismatch { .. })));
        for bad in [
            "2026-12-01",
            "01/12/2026 10:00",
            "2026-13-01T10:00",
            "2026-12-01T25:00",
            "",
            "026-10-25T02:3",
            "2026-12-1T9:05",
            "2026-12-01T10:00:5",
            "+02026-12-01T10:00",
        ] {
            assert_eq!(parse_agency_local(Paris, bad), Err(LocalTimeError::Malformed), "{bad}");
        }
    }

    #[test]
    fn wide_characters_at_every_position_are_refused_not_cut() {
        for input in spliced("2026-12-01T10:00:00+01:00") {
            assert!(parse_agency_local(Paris, &input).is_err(), "{input:?}");
        }
    }

    fn zones() -> impl Strategy<Value = Tz> {
        prop::sample::select(vec![Paris, London, Toronto, chrono_tz::America::Los_Angeles, chrono_tz::Australia::Lord_Howe])
    }

    proptest! {
        #[test]
        fn local_times_round_trip_in_every_market_zone(
            zone in prop::sample::select(vec![Paris, London, Toronto, chrono_tz::America::Los_Angeles, chrono_tz::Atlantic::Canary]),
            minutes in 0i64..(2 * 365 * 24 * 60),
        ) {
            let local = local(2026, 1, 1, 0, 0) + Duration::minutes(minutes);
            match local_to_utc(zone, local) {
                Ok(at) => prop_assert_eq!(utc_to_local(zone, at).naive_local(), local),
                Err(LocalTimeError::Nonexistent { .. }) => {
                    prop_assert!(matches!(zone.from_local_datetime(&local), LocalResult::None));
                }
                Err(other) => prop_assert!(false, "unexpected {other}"),
            }
        }

        /// Invariant: never panics; an accepted input has the contract's fixed-width shape, and
        /// its instant, written back as the zone's wall-clock time, reads as that time again; a
        /// refusal is one of the three typed errors.
        #[test]
        fn fuzz_agency_local_parse(
            raw in prop_oneof![
                hostile_text(),
                "[+-]?[0-9]{4,6}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?([+-][0-9]{2}:?[0-9]{2}|[Zz])?",
                mutated("2026-10-25T02:30:00+01:00"),
            ],
            zone in zones(),
        ) {
            match parse_agency_local(zone, &raw) {
                Ok(at) => {
                    // Written back as the zone's wall-clock time, it reads as that time again.
                    let wall = |at: DateTime<Utc>| utc_to_local(zone, at).format("%Y-%m-%dT%H:%M:%S").to_string();
                    let again = parse_agency_local(zone, &wall(at)).map(wall);
                    prop_assert_eq!(again, Ok(wall(at)), "{}", raw);
                }
                Err(LocalTimeError::Malformed | LocalTimeError::Nonexistent { .. } | LocalTimeError::OffsetMismatch { .. }) => {}
            }
        }

        /// Invariant: every existing local minute of the zone, written `YYYY-MM-DDTHH:MM`, with
        /// seconds, or with the zone's own offset, parses to the instant whose local time it is.
        #[test]
        fn fuzz_agency_local_valid_round_trip(zone in zones(), minutes in 0i64..(3 * 365 * 24 * 60), form in 0u8..3) {
            let at = utc(2026, 1, 1, 0, 0) + Duration::minutes(minutes);
            let local = utc_to_local(zone, at);
            let text = match form {
                0 => local.format("%Y-%m-%dT%H:%M").to_string(),
                1 => local.format("%Y-%m-%dT%H:%M:%S").to_string(),
                _ => local.format("%Y-%m-%dT%H:%M%:z").to_string(),
            };
            let parsed = parse_agency_local(zone, &text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            prop_assert_eq!(utc_to_local(zone, parsed).naive_local(), local.naive_local());
            if form == 2 {
                prop_assert_eq!(parsed, at);
            }
        }
    }
}
