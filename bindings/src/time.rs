//! Time across the boundary: the core's UTC instants (`DateTime<Utc>`) as the platform's
//! time type (`java.time.Instant` in Kotlin, `Date` in Swift, through uniffi's
//! `SystemTime`), and its calendar days (`NaiveDate`, a Vietnamese day) as
//! `java.time.LocalDate` in Kotlin and an ISO `yyyy-MM-dd` string in Swift.

use chrono::{DateTime, NaiveDate, Utc};
use std::time::SystemTime;

/// A moment, in UTC (Kotlin `Timestamp` = `java.time.Instant`, Swift `Timestamp` = `Date`).
pub type Timestamp = DateTime<Utc>;

uniffi::custom_type!(Timestamp, SystemTime, {
    remote,
    lower: |t| SystemTime::from(t),
    try_lift: |t| Ok(Timestamp::from(t)),
});

/// A Vietnamese calendar day (reports count days in UTC+7).
pub type LocalDay = NaiveDate;

uniffi::custom_type!(LocalDay, String, {
    remote,
    lower: |d| d.format("%Y-%m-%d").to_string(),
    try_lift: |s| Ok(s.parse::<NaiveDate>()?),
});

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uniffi::{Lift, Lower};

    #[test]
    fn instants_round_trip_to_the_millisecond_and_before_1970() {
        for t in [Utc.with_ymd_and_hms(2024, 10, 1, 1, 0, 0).single(), Utc.with_ymd_and_hms(1960, 1, 1, 0, 0, 0).single()] {
            let t = t.expect("valid") + chrono::Duration::milliseconds(123);
            let lowered = <Timestamp as Lower<crate::UniFfiTag>>::lower(t);
            assert_eq!(<Timestamp as Lift<crate::UniFfiTag>>::try_lift(lowered).expect("lift"), t);
        }
    }

    #[test]
    fn days_cross_as_iso_text() {
        let d = NaiveDate::from_ymd_opt(2024, 10, 1).expect("valid");
        let lowered = <LocalDay as Lower<crate::UniFfiTag>>::lower(d);
        assert_eq!(<LocalDay as Lift<crate::UniFfiTag>>::try_lift(lowered).expect("lift"), d);
    }
}
