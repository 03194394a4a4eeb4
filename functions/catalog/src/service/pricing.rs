//! **Price** (DESIGN §5): `daily rate × started 24 h periods + one-way fee when the return agency
//! is not the pickup agency`. Periods are elapsed time between the two instants, so a rental
//! across a daylight-saving change counts the hour the clocks moved (10:00 → 10:00 local across
//! the autumn change is 25 h: two periods). The rate is the pickup agency's, in its currency.

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::model::{Money, Quote, Rate};

/// Why a rental cannot be priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    /// The return is not after the pickup.
    #[error("the return must be after the pickup")]
    ReturnNotAfterPickup,
    /// The total does not fit in the money type (absurd durations or rates).
    #[error("the price is too large to compute")]
    Overflow,
}

/// Started 24 h periods between two instants: 24 h → 1, 24 h + 1 min → 2, 1 min → 1.
pub fn rental_days(pickup_at: DateTime<Utc>, return_at: DateTime<Utc>) -> Result<u32, PricingError> {
    let duration = return_at - pickup_at;
    if duration <= TimeDelta::zero() {
        return Err(PricingError::ReturnNotAfterPickup);
    }
    let whole = duration.num_days();
    let started = if duration > TimeDelta::days(whole) { whole + 1 } else { whole };
    u32::try_from(started).map_err(|_| PricingError::Overflow)
}

/// Whether a rental is one-way: returned to another agency than the pickup one.
pub fn is_one_way(pickup_agency: Uuid, return_agency: Uuid) -> bool {
    pickup_agency != return_agency
}

/// The price of a rental under `rate` (DESIGN §5): `daily rate × started 24 h periods`, plus the
/// rate's one-way fee when `one_way`.
pub fn price(rate: &Rate, pickup_at: DateTime<Utc>, return_at: DateTime<Utc>, one_way: bool) -> Result<Quote, PricingError> {
    let days = rental_days(pickup_at, return_at)?;
    let currency = rate.daily_rate.currency;
    let one_way_fee = if one_way { rate.one_way_fee } else { Money::zero(currency) };
    let total = rate
        .daily_rate
        .amount_minor
        .checked_mul(i64::from(days))
        .and_then(|rent| rent.checked_add(one_way_fee.amount_minor))
        .ok_or(PricingError::Overflow)?;
    Ok(Quote { days, daily_rate: rate.daily_rate, one_way_fee, total: Money::new(total, currency) })
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate};
    use chrono_tz::Europe::Paris;
    use proptest::prelude::*;

    use super::*;
    use crate::model::{AcrissCode, CurrencyCode};
    use crate::service::local_time::local_to_utc;
    use crate::service::rates::AMOUNT_MAX;
    use crate::service::test_support::{local, utc};

    fn rate(daily: i64, fee: i64) -> Rate {
        Rate {
            agency_id: Uuid::nil(),
            category: AcrissCode::parse("CDMR").unwrap(),
            daily_rate: Money::new(daily, CurrencyCode::Eur),
            one_way_fee: Money::new(fee, CurrencyCode::Eur),
            valid_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            valid_to: None,
        }
    }

    #[test]
    fn days_are_started_24_hour_periods() {
        let start = utc(2026, 12, 1, 9, 0);
        let days = |d: Duration| rental_days(start, start + d);
        assert_eq!(days(Duration::minutes(1)), Ok(1));
        assert_eq!(days(Duration::hours(24)), Ok(1));
        assert_eq!(days(Duration::hours(24) + Duration::minutes(1)), Ok(2));
        assert_eq!(days(Duration::hours(24) + Duration::microseconds(1)), Ok(2));
        assert_eq!(days(Duration::days(3)), Ok(3));
        assert_eq!(days(Duration::days(90)), Ok(90));
        assert_eq!(days(Duration::zero()), Err(PricingError::ReturnNotAfterPickup));
        assert_eq!(days(-Duration::hours(1)), Err(PricingError::ReturnNotAfterPickup));
    }

    #[test]
    fn price_is_daily_rate_times_days_plus_the_fee_when_one_way() {
        let start = utc(2026, 12, 1, 9, 0);
        let quote = price(&rate(4900, 7500), start, start + Duration::days(3), false).unwrap();
        assert_eq!(
            (quote.days, quote.total, quote.one_way_fee),
            (3, Money::new(14_700, CurrencyCode::Eur), Money::zero(CurrencyCode::Eur))
        );
        let quote = price(&rate(4900, 7500), start, start + Duration::days(3) + Duration::minutes(1), true).unwrap();
        assert_eq!((quote.days, quote.total.amount_minor, quote.one_way_fee.amount_minor), (4, 4 * 4900 + 7500, 7500));
        assert_eq!(price(&rate(i64::MAX / 2, 0), start, start + Duration::days(3), false), Err(PricingError::Overflow));
    }

    #[test]
    fn periods_are_elapsed_time_across_daylight_saving_changes() {
        // 10:00 → 10:00 in Paris across the autumn change is 25 h: two started periods.
        let pickup = local_to_utc(Paris, local(2026, 10, 24, 10, 0)).unwrap();
        let back = local_to_utc(Paris, local(2026, 10, 25, 10, 0)).unwrap();
        assert_eq!(back - pickup, Duration::hours(25));
        assert_eq!(rental_days(pickup, back), Ok(2));
        // And across the spring change, 23 h: one.
        let pickup = local_to_utc(Paris, local(2026, 3, 28, 10, 0)).unwrap();
        let back = local_to_utc(Paris, local(2026, 3, 29, 10, 0)).unwrap();
        assert_eq!(rental_days(pickup, back), Ok(1));
    }

    proptest! {
        #[test]
        fn price_never_decreases_with_duration(
            daily in 1i64..=AMOUNT_MAX,
            fee in 0i64..=AMOUNT_MAX,
            minutes in 1i64..=(90 * 24 * 60),
            extra in 0i64..=(90 * 24 * 60),
            one_way in any::<bool>(),
        ) {
            let start = utc(2026, 12, 1, 9, 0);
            let rate = rate(daily, fee);
            let shorter = price(&rate, start, start + Duration::minutes(minutes), one_way).unwrap();
            let longer = price(&rate, start, start + Duration::minutes(minutes + extra), one_way).unwrap();
            prop_assert!(longer.days >= shorter.days);
            prop_assert!(longer.total.amount_minor >= shorter.total.amount_minor);
            prop_assert_eq!(shorter.total.amount_minor, daily * i64::from(shorter.days) + if one_way { fee } else { 0 });
        }

        #[test]
        fn days_are_the_smallest_number_of_periods_covering_the_rental(seconds in 1i64..=(365 * 86_400)) {
            let start = utc(2026, 1, 1, 0, 0);
            let days = i64::from(rental_days(start, start + Duration::seconds(seconds)).unwrap());
            prop_assert!(days * 86_400 >= seconds);
            prop_assert!((days - 1) * 86_400 < seconds);
        }

        #[test]
        fn the_one_way_fee_is_charged_only_when_agencies_differ(
            daily in 1i64..=AMOUNT_MAX,
            fee in 0i64..=AMOUNT_MAX,
            hours in 1i64..=(90 * 24),
            same in any::<bool>(),
            a in any::<u128>(),
            b in any::<u128>(),
        ) {
            let pickup_agency = Uuid::from_u128(a);
            let return_agency = if same { pickup_agency } else { Uuid::from_u128(b) };
            let start = utc(2026, 12, 1, 9, 0);
            let quote = price(&rate(daily, fee), start, start + Duration::hours(hours), is_one_way(pickup_agency, return_agency)).unwrap();
            let round_trip = price(&rate(daily, fee), start, start + Duration::hours(hours), is_one_way(pickup_agency, pickup_agency)).unwrap();
            if pickup_agency == return_agency {
                prop_assert_eq!(quote.one_way_fee.amount_minor, 0);
                prop_assert_eq!(quote.total, round_trip.total);
            } else {
                prop_assert_eq!(quote.one_way_fee.amount_minor, fee);
                prop_assert_eq!(quote.total.amount_minor, round_trip.total.amount_minor + fee);
            }
        }
    }
}
