//! Visits (guidance sessions) and self-reports, as the record-visit and self-report screens
//! send them and the household screen shows them: the core's own types, crossed as uniffi
//! remote types.

use crate::model::Location;
use crate::time::Timestamp;
use tungnha_core::ids::{CampaignId, HouseholdId, MemberId, PersonId, SelfReportId, TeamId, VisitId};
use tungnha_core::model::{Attendee, Channel, NewSelfReport, NewVisit, SelfReport, Visit, VisitPlace};

/// Where guidance happened.
#[uniffi::remote(Enum)]
pub enum VisitPlace {
    /// At one household's home: everyone present belongs to it.
    Household { household_id: HouseholdId },
    /// A group session at a fixed point (commune hall, school, cultural house).
    Group { place: String },
}

/// One person present, and what came out of the session for them.
#[uniffi::remote(Record)]
pub struct Attendee {
    pub person_id: PersonId,
    /// The person's household (filled in by the store; ignored on input).
    #[uniffi(default = None)]
    pub household_id: Option<HouseholdId>,
    /// Skill codes the volunteer guided this person through.
    #[uniffi(default)]
    pub skills_guided: Vec<String>,
    /// Action codes done during the session (see `actions()`).
    #[uniffi(default)]
    pub actions: Vec<String>,
    /// Names of apps installed (VNeID, a bank app...), free text.
    #[uniffi(default)]
    pub apps_installed: Vec<String>,
}

/// A guidance session to record. Append-only: to correct a visit, record a new one with
/// `supersedes` set to the old visit's id (or use `VisitForm.correcting`).
pub type VisitInput = NewVisit;
#[uniffi::remote(Record)]
pub struct VisitInput {
    pub place: VisitPlace,
    #[uniffi(default = None)]
    pub campaign_id: Option<CampaignId>,
    pub team_id: TeamId,
    pub volunteer_id: MemberId,
    pub occurred_at: Timestamp,
    pub attendees: Vec<Attendee>,
    /// Topic codes (see `topics()`).
    pub topics: Vec<String>,
    #[uniffi(default = "")]
    pub notes: String,
    #[uniffi(default = None)]
    pub location: Option<Location>,
    #[uniffi(default = None)]
    pub supersedes: Option<VisitId>,
    /// Why the visit it supersedes was wrong (required for a correction).
    #[uniffi(default = None)]
    pub correction_reason: Option<String>,
}

/// A stored visit.
#[uniffi::remote(Record)]
pub struct Visit {
    pub id: VisitId,
    pub place: VisitPlace,
    pub campaign_id: Option<CampaignId>,
    pub team_id: TeamId,
    pub volunteer_id: MemberId,
    pub occurred_at: Timestamp,
    pub recorded_at: Timestamp,
    pub attendees: Vec<Attendee>,
    pub topics: Vec<String>,
    pub notes: String,
    pub location: Option<Location>,
    pub supersedes: Option<VisitId>,
    /// Why the visit it supersedes was wrong (set on corrections).
    pub correction_reason: Option<String>,
    /// Set when a later visit corrects this one (it then no longer counts).
    pub superseded_by: Option<VisitId>,
}

/// A citizen's own statement of which of the 5 skills they can do.
pub type SelfReportInput = NewSelfReport;
#[uniffi::remote(Record)]
pub struct SelfReportInput {
    pub person_id: PersonId,
    /// Skill codes (see `skills()`).
    pub skills: Vec<String>,
    pub channel: Channel,
    pub reported_at: Timestamp,
}

#[uniffi::remote(Record)]
pub struct SelfReport {
    pub id: SelfReportId,
    pub person_id: PersonId,
    pub skills: Vec<String>,
    pub channel: Channel,
    pub reported_at: Timestamp,
}
