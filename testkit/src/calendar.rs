//! Times and campaigns. Hours are Vietnamese local time (UTC+7), days are Vietnamese
//! days, as volunteers and reports count them.
//!
//! Most fixtures live in the 10-day drive of October 2024 ("đợt cao điểm 10 ngày",
//! 01/10–10/10, launched at 08:00 on 01/10): [`at`], [`local`] and [`day`] name its
//! moments. [`ten_day_campaign`] is that campaign for any year; [`running_campaign`] one
//! that runs around today, for tests against the real clock.

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use tungnha_core::clock::VIETNAM;
use tungnha_core::model::{Deadline, NewCampaign, Targets};

/// The year of the fixtures' campaign.
pub const YEAR: i32 = 2024;

/// `h:m` on `d`/`month`/`year`, Vietnamese time.
pub fn vietnam_time(year: i32, month: u32, d: u32, h: u32, m: u32) -> DateTime<Utc> {
    VIETNAM.with_ymd_and_hms(year, month, d, h, m, 0).single().expect("a valid Vietnamese time").with_timezone(&Utc)
}

/// Day `d` of October 2024 at `h:m`, Vietnamese time (`m` may exceed 59: minutes after `h:00`).
pub fn local(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    vietnam_time(YEAR, 10, d, h, 0) + chrono::Duration::minutes(i64::from(m))
}

/// Day `d` of October 2024 at `h:00`, Vietnamese time.
pub fn at(d: u32, h: u32) -> DateTime<Utc> {
    local(d, h, 0)
}

/// Day `d` of October 2024.
pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, 10, d).expect("a valid October day")
}

/// The 10-day drive 01/10–10/10 of `year`, launched at 08:00 on 01/10, one member per
/// household mastering the 5 skills, the province's report due on 05/11.
pub fn ten_day_campaign(year: i32) -> NewCampaign {
    NewCampaign {
        name: "Chiến dịch 10 ngày cao điểm".into(),
        starts_on: NaiveDate::from_ymd_opt(year, 10, 1).expect("a valid date"),
        ends_on: NaiveDate::from_ymd_opt(year, 10, 10).expect("a valid date"),
        launch_at: Some(vietnam_time(year, 10, 1, 8, 0)),
        targets: Targets { masters_per_household: 1, ..Default::default() },
        deadlines: vec![Deadline {
            label: "Báo cáo UBND tỉnh".into(),
            due_on: NaiveDate::from_ymd_opt(year, 11, 5).expect("a valid date"),
        }],
        team_label: "Tổ chuyển đổi số cộng đồng".into(),
    }
}

/// A campaign of `days` days from `first` (e.g. around today), with no launch moment
/// and no deadlines.
pub fn running_campaign(first: NaiveDate, days: u64) -> NewCampaign {
    NewCampaign {
        name: "Chiến dịch cao điểm".into(),
        starts_on: first,
        ends_on: first + Days::new(days.saturating_sub(1)),
        launch_at: None,
        targets: Targets { masters_per_household: 1, ..Default::default() },
        deadlines: vec![],
        team_label: "Tổ công nghệ số cộng đồng".into(),
    }
}

/// The year of the latest 10-day drive (01/10–10/10) that is over by `today`: this
/// year's from 11/10 on, last year's before.
pub fn last_finished_drive(today: NaiveDate) -> i32 {
    let end = NaiveDate::from_ymd_opt(today.year(), 10, 10).expect("a valid date");
    if today > end {
        today.year()
    } else {
        today.year() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_vietnamese() {
        assert_eq!(at(5, 10), Utc.with_ymd_and_hms(2024, 10, 5, 3, 0, 0).single().expect("valid"));
        assert_eq!(local(1, 8, 75), at(1, 9) + chrono::Duration::minutes(15));
        assert_eq!(tungnha_core::clock::vietnam_date(at(10, 23)), day(10));
    }

    #[test]
    fn campaigns() {
        let c = ten_day_campaign(2024);
        assert_eq!((c.starts_on, c.ends_on, c.launch_at), (day(1), day(10), Some(at(1, 8))));
        let r = running_campaign(day(3), 10);
        assert_eq!(r.ends_on, day(12));
        assert_eq!(last_finished_drive(day(10)), 2023);
        assert_eq!(last_finished_drive(day(11)), 2024);
        assert_eq!(last_finished_drive(NaiveDate::from_ymd_opt(2025, 3, 1).expect("valid")), 2024);
    }
}
