//! The team leader's and the citizen's tasks: enrolment codes (issue one, its QR payload,
//! read a scanned or typed one), what a device received when it enrolled, a team's
//! progress against its campaign, and a citizen's household. The core's records cross as
//! remote types; every rule (who may issue what, what a code looks like, how figures are
//! counted) is the core's or the server's.

use crate::database::Database;
use crate::error::Result;
use crate::time::{LocalDay, Timestamp};
use tungnha_core::figures::Figures;
use tungnha_core::ids::{CampaignId, HouseholdId, MemberId, PersonId, TeamId};
use tungnha_core::model::{Campaign, Deadline, HouseholdStatus, SkillProgress, Targets};
use tungnha_core::problem::Problems;
use tungnha_core::screens::{CitizenHome, CitizenPerson, EnrolmentSummary, MemberActivity, TeamProgress};
use tungnha_core::sync::client;
use tungnha_core::sync::enrol_link::{self, EnrolTarget};
use tungnha_core::sync::http::HttpTransport;
use tungnha_core::sync::{CodeRequest, IssuedCode, Role};
use tungnha_core::CoreError;

/// What a new enrolment code is for: a member of a team (`role` volunteer or team leader,
/// with `team_id` and `member_id`), a household's citizen (`role` citizen, `household_id`),
/// or an official (`commune_key`).
#[uniffi::remote(Record)]
pub struct CodeRequest {
    pub role: Role,
    #[uniffi(default = None)]
    pub member_id: Option<MemberId>,
    #[uniffi(default = None)]
    pub team_id: Option<TeamId>,
    #[uniffi(default = None)]
    pub household_id: Option<HouseholdId>,
    #[uniffi(default = None)]
    pub commune_key: Option<String>,
    /// How long the code stays valid (the server's default, 7 days, when `null`).
    #[uniffi(default = None)]
    pub ttl_hours: Option<i64>,
    /// Whom it is for (kept in the server's audit).
    #[uniffi(default = None)]
    pub holder_name: Option<String>,
}

/// A code the server issued: show it and its QR code (`enrol_link`) once.
#[uniffi::remote(Record)]
pub struct IssuedCode {
    pub code: String,
    pub expires_at: Timestamp,
    pub role: Role,
    pub commune_key: Option<String>,
}

/// What a scanned QR code or a typed code holds.
#[uniffi::remote(Record)]
pub struct EnrolTarget {
    /// The server the QR code names; `null` for a typed code (use the app's server).
    pub server_url: Option<String>,
    pub code: String,
}

/// The role and area a device received, with the names it knows (team, member and
/// household names arrive with the first sync).
#[uniffi::remote(Record)]
pub struct EnrolmentSummary {
    pub role: Role,
    pub unit_key: Option<String>,
    pub commune_name: Option<String>,
    pub province_name: Option<String>,
    pub team_id: Option<TeamId>,
    pub team_name: Option<String>,
    pub member_id: Option<MemberId>,
    pub member_name: Option<String>,
    pub household_id: Option<HouseholdId>,
    pub household_address: Option<String>,
    pub village_name: Option<String>,
    pub server_url: Option<String>,
}

/// A campaign's targets.
#[uniffi::remote(Record)]
pub struct Targets {
    /// Members per household who should master all 5 skills.
    pub masters_per_household: u32,
    pub households_to_visit: Option<u32>,
    pub people_to_guide: Option<u32>,
}

/// A reporting deadline.
#[uniffi::remote(Record)]
pub struct Deadline {
    pub label: String,
    pub due_on: LocalDay,
}

/// A campaign (đợt cao điểm) with its window and targets.
#[uniffi::remote(Record)]
pub struct Campaign {
    pub id: CampaignId,
    pub name: String,
    pub starts_on: LocalDay,
    pub ends_on: LocalDay,
    pub launch_at: Option<Timestamp>,
    pub targets: Targets,
    pub deadlines: Vec<Deadline>,
    pub team_label: String,
}

/// One member's work in the window.
#[uniffi::remote(Record)]
pub struct MemberActivity {
    pub member_id: MemberId,
    pub full_name: String,
    pub role_name: String,
    pub can_verify: bool,
    pub visits: u32,
    pub group_sessions: u32,
    pub people_guided: u32,
    pub households_visited: u32,
    pub households_goal_reached: u32,
    pub verifications: u32,
    pub last_activity_at: Option<Timestamp>,
}

/// A team's figures against its campaign's targets, and each member's work.
#[uniffi::remote(Record)]
pub struct TeamProgress {
    pub team_id: TeamId,
    pub team_name: String,
    pub campaign_id: Option<CampaignId>,
    pub campaign_name: Option<String>,
    pub first_day: Option<LocalDay>,
    pub last_day: Option<LocalDay>,
    pub targets: Targets,
    pub household_goal: u32,
    pub households_goal_reached: u32,
    pub households_visited_percent: Option<u32>,
    pub people_guided_percent: Option<u32>,
    pub figures: Figures,
    pub members: Vec<MemberActivity>,
}

/// One person of a citizen's household, with their level in each of the 5 skills.
#[uniffi::remote(Record)]
pub struct CitizenPerson {
    pub person_id: PersonId,
    pub full_name: String,
    pub skills: Vec<SkillProgress>,
    pub skills_mastered: u32,
    pub masters_all: bool,
}

/// A citizen's household and its progress.
#[uniffi::remote(Record)]
pub struct CitizenHome {
    pub household_id: HouseholdId,
    pub address: String,
    pub village_name: String,
    pub people: Vec<CitizenPerson>,
    pub people_mastering_all: u32,
    pub mastering_all_percent: u32,
    pub status: HouseholdStatus,
}

fn invalid(p: tungnha_core::Problem) -> CoreError {
    CoreError::Invalid(Problems(vec![p]))
}

/// The QR payload for an issued `code` at `server_url`. A bad address or code is a
/// `Validation` error.
#[uniffi::export]
pub fn enrol_link(server_url: String, code: String) -> Result<String> {
    Ok(enrol_link::encode(&server_url, &code).map_err(invalid)?)
}

/// What a camera scanned or a person typed: the server (from a QR code) and the code.
/// Anything else is a `Validation` error on the field `code` with the core's message.
#[uniffi::export]
pub fn parse_enrol_input(text: String) -> Result<EnrolTarget> {
    Ok(enrol_link::parse(&text).map_err(invalid)?)
}

#[uniffi::export]
impl Database {
    /// Enrol with what was scanned or typed: the QR code's server, else `default_server_url`.
    /// The server enrolled with is kept in the enrolment.
    pub fn enrol_scanned(&self, scanned: String, default_server_url: String, device_name: String) -> Result<EnrolmentSummary> {
        let target = enrol_link::parse(&scanned).map_err(invalid)?;
        let server = target.server_or(&default_server_url).to_owned();
        let transport = HttpTransport::with_defaults(&server);
        client::enrol_at(self.store(), &transport, Some(&server), &target.code, &device_name)?;
        Ok(self.store().enrolment_summary()?.ok_or(CoreError::NotFound { entity: "enrolment", id: String::new() })?)
    }

    /// What this device is enrolled as, with names; `null` when it is not enrolled.
    pub fn enrolment_summary(&self) -> Result<Option<EnrolmentSummary>> {
        Ok(self.store().enrolment_summary()?)
    }

    /// Ask the server for an enrolment code (a leader: for a member of their team, or for
    /// a household of their area). A refusal is `ServerRefused` with the server's code
    /// (`Forbidden` outside the leader's team or area) and message.
    pub fn issue_code(&self, server_url: String, request: CodeRequest) -> Result<IssuedCode> {
        let transport = HttpTransport::with_defaults(&server_url);
        Ok(client::issue_code(self.store(), &transport, &request)?)
    }

    /// The campaigns on this device.
    pub fn campaigns(&self) -> Result<Vec<Campaign>> {
        Ok(self.store().campaigns()?)
    }

    /// A team's progress in a campaign (its window and targets), or over all time.
    #[uniffi::method(default(campaign_id = None))]
    pub fn team_progress(&self, team_id: TeamId, campaign_id: Option<CampaignId>) -> Result<TeamProgress> {
        Ok(self.store().team_progress(team_id, campaign_id)?)
    }

    /// A citizen's household, each person with their skills, and its progress.
    pub fn citizen_home(&self, household_id: HouseholdId) -> Result<CitizenHome> {
        Ok(self.store().citizen_home(household_id)?)
    }
}
