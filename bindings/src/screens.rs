//! The read-only screens (`tungnha_core::screens`): the volunteer's home, a household's
//! ladder and visit history, the sync status (with fixing a refused visit), the settings.
//! The core's structs cross as uniffi remote types; the methods only forward.

use crate::database::Database;
use crate::error::Result;
use crate::forms::VisitForm;
use crate::model::SavedVisit;
use crate::sync::RecordKind;
use crate::time::{LocalDay, Timestamp};
use std::sync::Arc;
use tungnha_core::forms::VisitDraft;
use tungnha_core::ids::{HouseholdId, MemberId, OpId, PersonId, TeamId, VillageId, VisitId};
use tungnha_core::model::{Channel, Household, HouseholdStatus, HouseholdSummary, Person, SelfReport, SkillLevel, VisitPlace};
use tungnha_core::problem::Problem;
use tungnha_core::screens::{
    ConflictChoice, ConflictItem, FilterCounts, HomeQuery, HomeScreen, HouseholdFilter, HouseholdScreen, LadderStep, Language,
    MemberLadder, PrivacyNotice, RefusedAction, RefusedItem, Settings, SettingsScreen, SkillSource, SyncStatus, VillageChip, VisitAttendee,
    VisitEntry,
};
use tungnha_core::store::TodaysWork;
use tungnha_core::sync::protocol::{OpKind, RejectCode};
use tungnha_core::sync::Role;

// ---------------------------------------------------------------- home

/// Which households the home list shows, by status.
#[uniffi::remote(Enum)]
pub enum HouseholdFilter {
    All,
    NotVisited,
    Visited,
    GoalReached,
}

/// What the volunteer chose on the home screen.
#[uniffi::remote(Record)]
pub struct HomeQuery {
    /// One village of the assignment, or all of them.
    #[uniffi(default = None)]
    pub village: Option<VillageId>,
    pub filter: HouseholdFilter,
    /// Accent-insensitive search text (`dang` finds `Đặng`); blank for none.
    #[uniffi(default = "")]
    pub search: String,
    #[uniffi(default = 0)]
    pub offset: u32,
    /// Rows per page (at most 200).
    #[uniffi(default = 50)]
    pub limit: u32,
}

/// How many households each status chip would show.
#[uniffi::remote(Record)]
pub struct FilterCounts {
    pub all: u32,
    pub not_visited: u32,
    pub visited: u32,
    pub goal_reached: u32,
}

/// One village chip with how many households it would show.
#[uniffi::remote(Record)]
pub struct VillageChip {
    pub village_id: VillageId,
    pub name: String,
    pub households: u32,
}

/// Everything the volunteer's home screen shows.
#[uniffi::remote(Record)]
pub struct HomeScreen {
    pub today: TodaysWork,
    /// This page of matching households (search rank order with search text, else
    /// assignment order).
    pub households: Vec<HouseholdSummary>,
    pub total: u32,
    pub next_offset: Option<u32>,
    pub counts: FilterCounts,
    pub villages: Vec<VillageChip>,
    pub unsent: u64,
    pub refused: u32,
    pub set_aside: u32,
    pub conflicts: u32,
    pub last_sync_at: Option<Timestamp>,
}

// ---------------------------------------------------------------- household

/// What raised (or set) a skill to its current level.
#[uniffi::remote(Enum)]
pub enum SkillSource {
    Visit { visit_id: VisitId, volunteer_id: MemberId, volunteer_name: Option<String> },
    SelfReport { channel: Channel },
    Verification { leader_id: MemberId, leader_name: Option<String> },
    Correction { leader_id: MemberId, leader_name: Option<String>, reason: String },
}

/// One skill of one person: names, level, since when, through what.
#[uniffi::remote(Record)]
pub struct LadderStep {
    pub skill: String,
    pub name_vi: String,
    pub name_en: String,
    pub level: SkillLevel,
    pub since: Option<Timestamp>,
    pub source: Option<SkillSource>,
}

/// A member with their ladder in each of the 5 skills.
#[uniffi::remote(Record)]
pub struct MemberLadder {
    pub person: Person,
    pub ladder: Vec<LadderStep>,
    pub skills_mastered: u32,
    pub masters_all: bool,
}

/// A member of this household present at a visit.
#[uniffi::remote(Record)]
pub struct VisitAttendee {
    pub person_id: PersonId,
    pub full_name: String,
    pub skills_guided: Vec<String>,
    pub actions: Vec<String>,
}

/// One entry of a household's visit history (group sessions included).
#[uniffi::remote(Record)]
pub struct VisitEntry {
    pub visit_id: VisitId,
    pub occurred_at: Timestamp,
    pub recorded_at: Timestamp,
    pub place: VisitPlace,
    pub group_session: bool,
    pub recorded_by: MemberId,
    pub recorded_by_name: Option<String>,
    pub attendees: Vec<VisitAttendee>,
    pub other_attendees: u32,
    pub topics: Vec<String>,
    pub notes: String,
    /// Corrected by a later visit: show it struck through; it does not count.
    pub superseded: bool,
    pub superseded_by: Option<VisitId>,
    pub corrects: Option<VisitId>,
}

/// Everything the household screen shows.
#[uniffi::remote(Record)]
pub struct HouseholdScreen {
    pub household: Household,
    pub village_name: String,
    pub status: HouseholdStatus,
    pub members: Vec<MemberLadder>,
    pub visits: Vec<VisitEntry>,
    pub self_reports: Vec<SelfReport>,
}

// ---------------------------------------------------------------- sync status

/// What the person can do with a refused change.
#[uniffi::remote(Enum)]
pub enum RefusedAction {
    /// Open the record's form prefilled with what was refused (`refusedVisitForm`), save
    /// it with `saveRefusedFix`.
    Fix,
    /// Drop it (`discardRejected`).
    Discard,
}

/// One change the server refused: what it was, why, what can be done.
#[uniffi::remote(Record)]
pub struct RefusedItem {
    pub op_id: OpId,
    pub entity: RecordKind,
    pub entity_id: String,
    pub kind: OpKind,
    /// The record's own words: the household's address, a person's name, a session's place.
    pub title: String,
    pub occurred_at: Option<Timestamp>,
    pub code: RejectCode,
    pub reason_vi: String,
    pub reason_en: String,
    pub problems: Vec<Problem>,
    pub rejected_at: Timestamp,
    pub actions: Vec<RefusedAction>,
}

/// Everything the sync status screen shows.
#[uniffi::remote(Record)]
pub struct SyncStatus {
    pub pending: u64,
    pub refused: Vec<RefusedItem>,
    pub refused_total: u32,
    pub set_aside: u32,
    pub conflicts: u32,
    pub conflict_items: Vec<ConflictItem>,
    pub last_sync_at: Option<Timestamp>,
}

/// Two people changed the same name or birth year offline; a team leader chooses.
#[uniffi::remote(Record)]
pub struct ConflictItem {
    pub id: String,
    pub entity: RecordKind,
    pub entity_id: String,
    /// Whose record: the person's name, the household's address.
    pub title: String,
    pub field: String,
    pub kept: String,
    pub other: String,
}

/// Keep the record's value, or take the other one (`settleConflict`).
#[uniffi::remote(Enum)]
pub enum ConflictChoice {
    Kept,
    Other,
}

// ---------------------------------------------------------------- settings

/// The language the app shows.
#[uniffi::remote(Enum)]
pub enum Language {
    Vi,
    En,
}

/// What a person chose on the settings screen.
#[uniffi::remote(Record)]
pub struct Settings {
    pub language: Language,
    /// Text size as a factor of the platform's default (0.85 to 2.0).
    pub text_scale: f32,
}

/// The privacy notice, Vietnamese and English.
#[uniffi::remote(Record)]
pub struct PrivacyNotice {
    pub text_vi: String,
    pub text_en: String,
    pub consent_purpose: String,
}

/// Everything the settings screen shows.
#[uniffi::remote(Record)]
pub struct SettingsScreen {
    pub settings: Settings,
    pub privacy: PrivacyNotice,
    /// The server this device enrolled with; `null` before enrolment.
    pub server_url: Option<String>,
    pub role: Option<Role>,
    pub commune_key: Option<String>,
}

#[uniffi::export]
impl Database {
    /// The volunteer's home on a Vietnamese calendar day: today's work, the assignment
    /// filtered (village, status, search) a page at a time, the chips' counts, and what
    /// sync left (unsent, refused, set aside, conflicts, last sync).
    pub fn home(&self, team_id: TeamId, volunteer_id: MemberId, day: LocalDay, query: HomeQuery) -> Result<HomeScreen> {
        Ok(self.store().home(team_id, volunteer_id, day, &query)?)
    }

    /// A household with each member's skill ladder and its visit history.
    pub fn household_screen(&self, household_id: HouseholdId) -> Result<HouseholdScreen> {
        Ok(self.store().household_screen(household_id)?)
    }

    /// Pending, refused (with reasons and what can be done), set aside, conflicts, last sync.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        Ok(self.store().sync_status()?)
    }

    /// A team leader settles a conflict; taking the other value is an ordinary, validated edit.
    pub fn settle_conflict(&self, conflict_id: String, choice: ConflictChoice) -> Result<()> {
        Ok(self.store().settle_conflict(&conflict_id, choice)?)
    }

    /// Fixing a refused visit: a visit form prefilled with what the server refused.
    pub fn refused_visit_form(&self, op_id: OpId) -> Result<Arc<VisitForm>> {
        Ok(VisitForm::with(VisitDraft::from_refused(self.store(), op_id)?))
    }

    /// Save `form` in place of the refused visit `op_id` (the refused one is dropped, the
    /// new one queued, together).
    pub fn save_refused_fix(&self, op_id: OpId, form: Arc<VisitForm>) -> Result<SavedVisit> {
        Ok(form.draft().save_replacing(self.store(), op_id)?)
    }

    /// The settings screen: settings, privacy notice, enrolled server.
    pub fn settings_screen(&self) -> Result<SettingsScreen> {
        Ok(self.store().settings_screen()?)
    }

    /// Keep new settings; an out-of-range text size is a `Validation` error on `text_scale`.
    pub fn save_settings(&self, settings: Settings) -> Result<Settings> {
        Ok(self.store().save_settings(&settings)?)
    }
}
