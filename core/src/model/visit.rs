use crate::ids::{CampaignId, HouseholdId, MemberId, PersonId, TeamId, VisitId};
use crate::model::CoarseLocation;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where guidance happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum VisitPlace {
    /// At one household's home: everyone present belongs to it.
    Household { household_id: HouseholdId },
    /// A group session at a fixed point (commune hall, school, cultural house), with
    /// people from several households.
    Group { place: String },
}

/// One person present, and what came out of the session for them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub person_id: PersonId,
    /// The person's household, filled in by the store when the visit is saved (ignored on
    /// input), so a replica can place the visit without looking the person up.
    #[serde(default)]
    pub household_id: Option<HouseholdId>,
    /// Skill codes the volunteer guided this person through.
    pub skills_guided: Vec<String>,
    /// Action codes done during the session (see [`crate::catalog::ACTIONS`]).
    pub actions: Vec<String>,
    /// Names of apps installed (VNeID, a bank app, i-speed...), free text.
    pub apps_installed: Vec<String>,
}

/// Input for a visit. Visits are append-only: a correction is a new visit that
/// `supersedes` the old one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewVisit {
    pub place: VisitPlace,
    pub campaign_id: Option<CampaignId>,
    pub team_id: TeamId,
    pub volunteer_id: MemberId,
    pub occurred_at: DateTime<Utc>,
    pub attendees: Vec<Attendee>,
    pub topics: Vec<String>,
    pub notes: String,
    pub location: Option<CoarseLocation>,
    pub supersedes: Option<VisitId>,
    /// Why the visit it supersedes was wrong (required for a correction, kept for audit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction_reason: Option<String>,
}

impl NewVisit {
    /// The stored visit this input becomes, under `id`, recorded at `recorded_at` (the same
    /// on a phone's save and on the server's check of a pushed visit).
    pub fn into_visit(self, id: VisitId, recorded_at: DateTime<Utc>) -> Visit {
        Visit {
            id,
            place: self.place,
            campaign_id: self.campaign_id,
            team_id: self.team_id,
            volunteer_id: self.volunteer_id,
            occurred_at: self.occurred_at,
            recorded_at,
            attendees: self.attendees,
            topics: self.topics,
            notes: self.notes,
            location: self.location,
            supersedes: self.supersedes,
            correction_reason: self.correction_reason,
            superseded_by: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub id: VisitId,
    pub place: VisitPlace,
    pub campaign_id: Option<CampaignId>,
    pub team_id: TeamId,
    pub volunteer_id: MemberId,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub attendees: Vec<Attendee>,
    pub topics: Vec<String>,
    pub notes: String,
    pub location: Option<CoarseLocation>,
    pub supersedes: Option<VisitId>,
    /// Why the visit it supersedes was wrong (set on corrections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction_reason: Option<String>,
    /// Set when a later visit corrects this one (derived, never stored on the row).
    pub superseded_by: Option<VisitId>,
}
