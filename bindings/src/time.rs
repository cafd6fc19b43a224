//! Time across the boundary: instants as the platform's time type (`SystemTime` becomes
//! `java.time.Instant` in Kotlin and `Date` in Swift), calendar days as [`LocalDay`]
//! (`java.time.LocalDate` in Kotlin, an ISO `yyyy-MM-dd` string in Swift).

use chrono::{DateTime, NaiveDate, Utc};
use std::time::SystemTime;

/// A Vietnamese calendar day (reports count days in UTC+7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDay(pub NaiveDate);

uniffi::custom_type!(LocalDay, String, {
    lower: |d| d.0.format("%Y-%m-%d").to_string(),
    try_lift: |s| Ok(LocalDay(s.parse::<NaiveDate>()?)),
});

pub(crate) fn instant(t: DateTime<Utc>) -> SystemTime {
    t.into()
}

pub(crate) fn utc(t: SystemTime) -> DateTime<Utc> {
    t.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_round_trip_to_the_millisecond_and_before_1970() {
        for t in [Utc.with_ymd_and_hms(2024, 10, 1, 1, 0, 0).single(), Utc.with_ymd_and_hms(1960, 1, 1, 0, 0, 0).single()] {
            let t = t.expect("valid") + chrono::Duration::milliseconds(123);
            assert_eq!(utc(instant(t)), t);
        }
    }
}
