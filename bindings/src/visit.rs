//! Visits (guidance sessions) and self-reports, as the record-visit and self-report screens
//! send them and the household screen shows them.

use crate::error::{parse_id, parse_opt_id, Result};
use crate::model::{Channel, Location};
use crate::time::{instant, utc};
use std::time::SystemTime;
use tungnha_core::model as core;

/// Where guidance happened.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum VisitPlace {
    /// At one household's home: everyone present belongs to it.
    Household { household_id: String },
    /// A group session at a fixed point (commune hall, school, cultural house).
    Group { place: String },
}

impl From<core::VisitPlace> for VisitPlace {
    fn from(p: core::VisitPlace) -> Self {
        match p {
            core::VisitPlace::Household { household_id } => Self::Household { household_id: household_id.to_string() },
            core::VisitPlace::Group { place } => Self::Group { place },
        }
    }
}

impl VisitPlace {
    fn into_core(self) -> Result<core::VisitPlace> {
        Ok(match self {
            Self::Household { household_id } => core::VisitPlace::Household { household_id: parse_id("household", &household_id)? },
            Self::Group { place } => core::VisitPlace::Group { place },
        })
    }
}

/// One person present, and what came out of the session for them.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Attendee {
    pub person_id: String,
    /// Skill codes the volunteer guided this person through.
    #[uniffi(default)]
    pub skills_guided: Vec<String>,
    /// Action codes done during the session (see `actions()`).
    #[uniffi(default)]
    pub actions: Vec<String>,
    /// Names of apps installed (VNeID, a bank app...), free text.
    #[uniffi(default)]
    pub apps_installed: Vec<String>,
    /// The person's household (filled in by the store; ignored on input).
    #[uniffi(default = None)]
    pub household_id: Option<String>,
}

impl From<core::Attendee> for Attendee {
    fn from(a: core::Attendee) -> Self {
        Self {
            person_id: a.person_id.to_string(),
            skills_guided: a.skills_guided,
            actions: a.actions,
            apps_installed: a.apps_installed,
            household_id: a.household_id.map(|h| h.to_string()),
        }
    }
}

impl Attendee {
    fn into_core(self) -> Result<core::Attendee> {
        Ok(core::Attendee {
            person_id: parse_id("person", &self.person_id)?,
            household_id: None,
            skills_guided: self.skills_guided,
            actions: self.actions,
            apps_installed: self.apps_installed,
        })
    }
}

/// A guidance session to record. Append-only: to correct a visit, record a new one with
/// `supersedes` set to the old visit's id.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct VisitInput {
    pub place: VisitPlace,
    pub team_id: String,
    pub volunteer_id: String,
    pub occurred_at: SystemTime,
    pub attendees: Vec<Attendee>,
    /// Topic codes (see `topics()`).
    pub topics: Vec<String>,
    #[uniffi(default = "")]
    pub notes: String,
    #[uniffi(default = None)]
    pub campaign_id: Option<String>,
    #[uniffi(default = None)]
    pub location: Option<Location>,
    #[uniffi(default = None)]
    pub supersedes: Option<String>,
}

impl VisitInput {
    pub(crate) fn into_core(self) -> Result<core::NewVisit> {
        Ok(core::NewVisit {
            place: self.place.into_core()?,
            campaign_id: parse_opt_id("campaign", self.campaign_id.as_deref())?,
            team_id: parse_id("team", &self.team_id)?,
            volunteer_id: parse_id("member", &self.volunteer_id)?,
            occurred_at: utc(self.occurred_at),
            attendees: self.attendees.into_iter().map(Attendee::into_core).collect::<Result<_>>()?,
            topics: self.topics,
            notes: self.notes,
            location: self.location.map(Into::into),
            supersedes: parse_opt_id("visit", self.supersedes.as_deref())?,
        })
    }
}

/// A stored visit.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Visit {
    pub id: String,
    pub place: VisitPlace,
    pub campaign_id: Option<String>,
    pub team_id: String,
    pub volunteer_id: String,
    pub occurred_at: SystemTime,
    pub recorded_at: SystemTime,
    pub attendees: Vec<Attendee>,
    pub topics: Vec<String>,
    pub notes: String,
    pub location: Option<Location>,
    pub supersedes: Option<String>,
    /// Set when a later visit corrects this one (it then no longer counts).
    pub superseded_by: Option<String>,
}

impl From<core::Visit> for Visit {
    fn from(v: core::Visit) -> Self {
        Self {
            id: v.id.to_string(),
            place: v.place.into(),
            campaign_id: v.campaign_id.map(|c| c.to_string()),
            team_id: v.team_id.to_string(),
            volunteer_id: v.volunteer_id.to_string(),
            occurred_at: instant(v.occurred_at),
            recorded_at: instant(v.recorded_at),
            attendees: v.attendees.into_iter().map(Into::into).collect(),
            topics: v.topics,
            notes: v.notes,
            location: v.location.map(Into::into),
            supersedes: v.supersedes.map(|s| s.to_string()),
            superseded_by: v.superseded_by.map(|s| s.to_string()),
        }
    }
}

/// A citizen's own statement of which of the 5 skills they can do.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SelfReportInput {
    pub person_id: String,
    /// Skill codes (see `skills()`).
    pub skills: Vec<String>,
    pub channel: Channel,
    pub reported_at: SystemTime,
}

impl SelfReportInput {
    pub(crate) fn into_core(self) -> Result<core::NewSelfReport> {
        Ok(core::NewSelfReport {
            person_id: parse_id("person", &self.person_id)?,
            skills: self.skills,
            channel: self.channel.into(),
            reported_at: utc(self.reported_at),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SelfReport {
    pub id: String,
    pub person_id: String,
    pub skills: Vec<String>,
    pub channel: Channel,
    pub reported_at: SystemTime,
}

impl From<core::SelfReport> for SelfReport {
    fn from(r: core::SelfReport) -> Self {
        Self {
            id: r.id.to_string(),
            person_id: r.person_id.to_string(),
            skills: r.skills,
            channel: r.channel.into(),
            reported_at: instant(r.reported_at),
        }
    }
}
