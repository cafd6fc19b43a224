//! Wall-clock access behind a trait, so validation and tests can fix "now", and the
//! Vietnam time zone in one place. Timestamps are stored in UTC and shown in
//! Asia/Ho_Chi_Minh; calendar days for reports are Vietnamese days.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Vietnam's time zone (UTC+7, no daylight saving).
pub const VIETNAM: Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// Source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The device's own clock (which may be wrong: never use it to order changes; see `hlc`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always says the same time (tests, benchmarks, replays).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// The Vietnamese calendar day of an instant.
pub fn vietnam_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&VIETNAM).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn late_evening_utc_is_next_day_in_vietnam() {
        let t = Utc.with_ymd_and_hms(2024, 10, 1, 17, 30, 0).single().expect("valid");
        assert_eq!(vietnam_date(t), NaiveDate::from_ymd_opt(2024, 10, 2).expect("valid"));
    }
}
