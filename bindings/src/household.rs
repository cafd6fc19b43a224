//! Households and people as the list, detail, search and "add household" screens use them:
//! the core's own records, crossed as uniffi remote types (re-declared below; the compiler
//! checks each re-declaration against the core's definition).

use crate::model::Location;
use crate::time::{LocalDay, Timestamp};
use tungnha_core::ids::{HouseholdId, MemberId, PersonId, VillageId};
use tungnha_core::model::{
    Consent, Household, HouseholdIndicators, HouseholdStatus, HouseholdSummary, NewHousehold, NewPerson, Person, Relation, SelfReport, Sex,
    SkillLevel, SkillProgress, Visit,
};
use tungnha_core::search::MatchRank;
use tungnha_core::store::{HouseholdDetail, MemberDetail, SearchHit, SearchPage, TodaysWork};

/// A row of an assignment list.
#[uniffi::remote(Record)]
pub struct HouseholdSummary {
    pub id: HouseholdId,
    pub village_id: VillageId,
    pub address: String,
    pub head_name: String,
    pub member_count: u32,
    pub visit_count: u32,
    pub last_visit_at: Option<Timestamp>,
    /// Members with all 5 skills at the mastery level or above.
    pub mastered_count: u32,
    pub status: HouseholdStatus,
}

/// Household facts behind the province's targets; `None` = not asked.
#[uniffi::remote(Record)]
pub struct HouseholdIndicators {
    #[uniffi(default = None)]
    pub has_smartphone: Option<bool>,
    #[uniffi(default = None)]
    pub has_broadband: Option<bool>,
    #[uniffi(default = None)]
    pub has_epayment_adult: Option<bool>,
    #[uniffi(default = None)]
    pub uses_internet: Option<bool>,
}

#[uniffi::remote(Record)]
pub struct Household {
    pub id: HouseholdId,
    pub village_id: VillageId,
    pub address: String,
    pub head_id: PersonId,
    /// Normalised `0xxxxxxxxx`.
    pub phone: Option<String>,
    pub location: Option<Location>,
    pub indicators: HouseholdIndicators,
    pub created_at: Timestamp,
}

/// Consent to keep a person's data: who gave it, when, for what, recorded by whom.
#[uniffi::remote(Record)]
pub struct Consent {
    pub given_by: String,
    pub given_at: Timestamp,
    pub purpose: String,
    #[uniffi(default = None)]
    pub recorded_by: Option<MemberId>,
}

#[uniffi::remote(Record)]
pub struct Person {
    pub id: PersonId,
    pub household_id: HouseholdId,
    pub full_name: String,
    pub birth_year: Option<i32>,
    pub sex: Option<Sex>,
    pub relation: Relation,
    pub phone: Option<String>,
    pub vneid_activated: bool,
    pub consent: Consent,
}

/// One person's level in one skill.
#[uniffi::remote(Record)]
pub struct SkillProgress {
    pub skill: String,
    pub level: SkillLevel,
    pub updated_at: Option<Timestamp>,
}

/// A member with their progress in each of the 5 skills (catalog order).
pub type Member = MemberDetail;
#[uniffi::remote(Record)]
pub struct Member {
    pub person: Person,
    pub skills: Vec<SkillProgress>,
    pub masters_all: bool,
}

/// Everything the household screen shows.
#[uniffi::remote(Record)]
pub struct HouseholdDetail {
    pub household: Household,
    pub village_name: String,
    pub status: HouseholdStatus,
    /// The head first.
    pub members: Vec<Member>,
    /// Newest first; corrected visits included, with `superseded_by` set.
    pub visits: Vec<Visit>,
    pub self_reports: Vec<SelfReport>,
}

/// A search result: a household, and the member whose name matched, if any.
#[uniffi::remote(Record)]
pub struct SearchHit {
    pub household_id: HouseholdId,
    pub address: String,
    pub village_name: String,
    pub head_name: String,
    pub person_id: Option<PersonId>,
    pub person_name: Option<String>,
    /// How well it matched (hits come best first).
    pub rank: MatchRank,
}

/// One page of search results.
#[uniffi::remote(Record)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// Every match, on all pages.
    pub total: u32,
    /// Where the next page starts, if there is one.
    pub next_offset: Option<u32>,
}

/// A volunteer's day: what they did and what is left.
#[uniffi::remote(Record)]
pub struct TodaysWork {
    pub day: LocalDay,
    pub visits_today: u32,
    pub people_guided_today: u32,
    pub households_assigned: u32,
    pub households_not_visited: u32,
    pub households_goal_reached: u32,
}

/// A new person. Without consent nothing personal is stored (the core refuses).
pub type PersonInput = NewPerson;
#[uniffi::remote(Record)]
pub struct PersonInput {
    pub full_name: String,
    #[uniffi(default = None)]
    pub birth_year: Option<i32>,
    #[uniffi(default = None)]
    pub sex: Option<Sex>,
    pub relation: Relation,
    #[uniffi(default = None)]
    pub phone: Option<String>,
    #[uniffi(default = None)]
    pub consent: Option<Consent>,
}

/// A new household with its head.
pub type HouseholdInput = NewHousehold;
#[uniffi::remote(Record)]
pub struct HouseholdInput {
    pub village_id: VillageId,
    /// House number, lane, group: free text within the village.
    pub address: String,
    pub head: PersonInput,
    #[uniffi(default = None)]
    pub phone: Option<String>,
    #[uniffi(default = None)]
    pub location: Option<Location>,
    #[uniffi(default)]
    pub indicators: HouseholdIndicators,
}
