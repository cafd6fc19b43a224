//! Households and people as the list, detail, search and "add household" screens use them.

use crate::error::{parse_id, parse_opt_id, Result};
use crate::model::{HouseholdStatus, Location, Relation, Sex, SkillLevel};
use crate::time::{instant, utc, LocalDay};
use crate::visit::{SelfReport, Visit};
use std::time::SystemTime;
use tungnha_core::model as core;
use tungnha_core::store as cs;

/// A row of an assignment list.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HouseholdSummary {
    pub id: String,
    pub village_id: String,
    pub address: String,
    pub head_name: String,
    pub member_count: u32,
    pub visit_count: u32,
    pub last_visit_at: Option<SystemTime>,
    /// Members with all 5 skills at the mastery level or above.
    pub mastered_count: u32,
    pub status: HouseholdStatus,
}

impl From<core::HouseholdSummary> for HouseholdSummary {
    fn from(h: core::HouseholdSummary) -> Self {
        Self {
            id: h.id.to_string(),
            village_id: h.village_id.to_string(),
            address: h.address,
            head_name: h.head_name,
            member_count: h.member_count,
            visit_count: h.visit_count,
            last_visit_at: h.last_visit_at.map(instant),
            mastered_count: h.mastered_count,
            status: h.status.into(),
        }
    }
}

/// Household facts behind the province's targets; `None` = not asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, uniffi::Record)]
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

impl From<core::HouseholdIndicators> for HouseholdIndicators {
    fn from(i: core::HouseholdIndicators) -> Self {
        Self {
            has_smartphone: i.has_smartphone,
            has_broadband: i.has_broadband,
            has_epayment_adult: i.has_epayment_adult,
            uses_internet: i.uses_internet,
        }
    }
}

impl From<HouseholdIndicators> for core::HouseholdIndicators {
    fn from(i: HouseholdIndicators) -> Self {
        Self {
            has_smartphone: i.has_smartphone,
            has_broadband: i.has_broadband,
            has_epayment_adult: i.has_epayment_adult,
            uses_internet: i.uses_internet,
        }
    }
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Household {
    pub id: String,
    pub village_id: String,
    pub address: String,
    pub head_id: String,
    pub phone: Option<String>,
    pub location: Option<Location>,
    pub indicators: HouseholdIndicators,
    pub created_at: SystemTime,
}

impl From<core::Household> for Household {
    fn from(h: core::Household) -> Self {
        Self {
            id: h.id.to_string(),
            village_id: h.village_id.to_string(),
            address: h.address,
            head_id: h.head_id.to_string(),
            phone: h.phone,
            location: h.location.map(Into::into),
            indicators: h.indicators.into(),
            created_at: instant(h.created_at),
        }
    }
}

/// Consent to keep a person's data: who gave it, when, for what, recorded by whom.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Consent {
    pub given_by: String,
    pub given_at: SystemTime,
    pub purpose: String,
    #[uniffi(default = None)]
    pub recorded_by: Option<String>,
}

impl From<core::Consent> for Consent {
    fn from(c: core::Consent) -> Self {
        Self { given_by: c.given_by, given_at: instant(c.given_at), purpose: c.purpose, recorded_by: c.recorded_by.map(|m| m.to_string()) }
    }
}

impl Consent {
    fn into_core(self) -> Result<core::Consent> {
        Ok(core::Consent {
            given_by: self.given_by,
            given_at: utc(self.given_at),
            purpose: self.purpose,
            recorded_by: parse_opt_id("member", self.recorded_by.as_deref())?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Person {
    pub id: String,
    pub household_id: String,
    pub full_name: String,
    pub birth_year: Option<i32>,
    pub sex: Option<Sex>,
    pub relation: Relation,
    pub phone: Option<String>,
    pub vneid_activated: bool,
    pub consent: Consent,
}

impl From<core::Person> for Person {
    fn from(p: core::Person) -> Self {
        Self {
            id: p.id.to_string(),
            household_id: p.household_id.to_string(),
            full_name: p.full_name,
            birth_year: p.birth_year,
            sex: p.sex.map(Into::into),
            relation: p.relation.into(),
            phone: p.phone,
            vneid_activated: p.vneid_activated,
            consent: p.consent.into(),
        }
    }
}

/// One person's level in one skill.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SkillProgress {
    pub skill: String,
    pub level: SkillLevel,
    pub updated_at: Option<SystemTime>,
}

impl From<core::SkillProgress> for SkillProgress {
    fn from(s: core::SkillProgress) -> Self {
        Self { skill: s.skill, level: s.level.into(), updated_at: s.updated_at.map(instant) }
    }
}

/// A member with their progress in each of the 5 skills (catalog order).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Member {
    pub person: Person,
    pub skills: Vec<SkillProgress>,
    pub masters_all: bool,
}

/// Everything the household screen shows.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
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

impl From<cs::HouseholdDetail> for HouseholdDetail {
    fn from(d: cs::HouseholdDetail) -> Self {
        Self {
            household: d.household.into(),
            village_name: d.village_name,
            status: d.status.into(),
            members: d
                .members
                .into_iter()
                .map(|m| Member {
                    person: m.person.into(),
                    skills: m.skills.into_iter().map(Into::into).collect(),
                    masters_all: m.masters_all,
                })
                .collect(),
            visits: d.visits.into_iter().map(Into::into).collect(),
            self_reports: d.self_reports.into_iter().map(Into::into).collect(),
        }
    }
}

/// A search result: a household, and the member whose name matched, if any.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SearchHit {
    pub household_id: String,
    pub address: String,
    pub village_name: String,
    pub head_name: String,
    pub person_id: Option<String>,
    pub person_name: Option<String>,
}

impl From<cs::SearchHit> for SearchHit {
    fn from(h: cs::SearchHit) -> Self {
        Self {
            household_id: h.household_id.to_string(),
            address: h.address,
            village_name: h.village_name,
            head_name: h.head_name,
            person_id: h.person_id.map(|p| p.to_string()),
            person_name: h.person_name,
        }
    }
}

/// A volunteer's day: what they did and what is left.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TodaysWork {
    pub day: LocalDay,
    pub visits_today: u32,
    pub people_guided_today: u32,
    pub households_assigned: u32,
    pub households_not_visited: u32,
    pub households_goal_reached: u32,
}

impl From<cs::TodaysWork> for TodaysWork {
    fn from(w: cs::TodaysWork) -> Self {
        Self {
            day: LocalDay(w.day),
            visits_today: w.visits_today,
            people_guided_today: w.people_guided_today,
            households_assigned: w.households_assigned,
            households_not_visited: w.households_not_visited,
            households_goal_reached: w.households_goal_reached,
        }
    }
}

/// A new person. Without consent nothing personal is stored (the core refuses).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PersonInput {
    pub full_name: String,
    pub relation: Relation,
    #[uniffi(default = None)]
    pub birth_year: Option<i32>,
    #[uniffi(default = None)]
    pub sex: Option<Sex>,
    #[uniffi(default = None)]
    pub phone: Option<String>,
    #[uniffi(default = None)]
    pub consent: Option<Consent>,
}

impl PersonInput {
    pub(crate) fn into_core(self) -> Result<core::NewPerson> {
        Ok(core::NewPerson {
            full_name: self.full_name,
            birth_year: self.birth_year,
            sex: self.sex.map(Into::into),
            relation: self.relation.into(),
            phone: self.phone,
            consent: self.consent.map(Consent::into_core).transpose()?,
        })
    }
}

/// A new household with its head.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HouseholdInput {
    pub village_id: String,
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

impl HouseholdInput {
    pub(crate) fn into_core(self) -> Result<core::NewHousehold> {
        Ok(core::NewHousehold {
            village_id: parse_id("village", &self.village_id)?,
            address: self.address,
            head: self.head.into_core()?,
            phone: self.phone,
            location: self.location.map(Into::into),
            indicators: self.indicators.into(),
        })
    }
}
