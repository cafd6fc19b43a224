use crate::ids::{PersonId, SelfReportId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a self-report reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    App,
    Web,
    /// Told to a volunteer, who entered it on the citizen's behalf.
    Volunteer,
}

/// Input for a self-report: which of the 5 skills the person says they can do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSelfReport {
    pub person_id: PersonId,
    pub skills: Vec<String>,
    pub channel: Channel,
    pub reported_at: DateTime<Utc>,
}

/// A stored self-report (append-only, kept apart from volunteer observations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfReport {
    pub id: SelfReportId,
    pub person_id: PersonId,
    pub skills: Vec<String>,
    pub channel: Channel,
    pub reported_at: DateTime<Utc>,
}
