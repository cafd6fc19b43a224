use crate::ids::CampaignId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Target figures of a campaign. The 2024 plans set no numeric count of people or
/// households; the one stated goal is 1–2 people per household mastering the 5 skills.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targets {
    /// Members per household who should master all 5 skills (plan 004: "01 đến 02").
    pub masters_per_household: u32,
    pub households_to_visit: Option<u32>,
    pub people_to_guide: Option<u32>,
}

/// A reporting deadline: who reports to whom, by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub label: String,
    pub due_on: NaiveDate,
}

/// Input for a campaign (đợt cao điểm), e.g. the 10-day drive 01/10–10/10.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCampaign {
    pub name: String,
    /// First and last day (inclusive), Vietnamese calendar days.
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The common launch moment (e.g. 08:00 on 01/10 at every commune).
    pub launch_at: Option<DateTime<Utc>>,
    pub targets: Targets,
    pub deadlines: Vec<Deadline>,
    /// What this province calls its teams ("Tổ công nghệ số cộng đồng" or
    /// "Tổ chuyển đổi số cộng đồng").
    pub team_label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: CampaignId,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub launch_at: Option<DateTime<Utc>>,
    pub targets: Targets,
    pub deadlines: Vec<Deadline>,
    pub team_label: String,
}

impl Campaign {
    /// Whether a Vietnamese calendar day falls inside the window.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

/// A guidance topic a commune or province adds to the catalog's seven (plans 000 and
/// 002 let the district or commune direct "other topics"). Its code starts with
/// [`crate::catalog::LOCAL_TOPIC_PREFIX`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTopic {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}
