//! A citizen's home screen, after enrolling with their household's code: each person of
//! the household with their level in each of the 5 skills, and the household's progress.
//! The skills in plain words and where to learn them are [`crate::forms::skill_choices`]
//! and [`crate::catalog::LEARN_MORE`]; ticking and submitting is
//! [`crate::forms::SelfReportDraft`].

use crate::error::CoreResult;
use crate::ids::{HouseholdId, PersonId};
use crate::model::{HouseholdStatus, SkillLevel, SkillProgress};
use crate::store::Store;
use serde::{Deserialize, Serialize};

/// One person of the household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenPerson {
    pub person_id: PersonId,
    pub full_name: String,
    /// One entry per skill of the catalog, in catalog order.
    pub skills: Vec<SkillProgress>,
    /// Skills at the mastery level (self-reported or verified).
    pub skills_mastered: u32,
    /// All 5 at the mastery level.
    pub masters_all: bool,
}

/// The household as its citizen sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitizenHome {
    pub household_id: HouseholdId,
    pub address: String,
    pub village_name: String,
    pub people: Vec<CitizenPerson>,
    /// People mastering all 5 skills.
    pub people_mastering_all: u32,
    /// Their share of the household's people, in per cent (0 for an empty household).
    pub mastering_all_percent: u32,
    pub status: HouseholdStatus,
}

impl Store {
    /// Household `household` as its citizen's home screen shows it.
    pub fn citizen_home(&self, household: HouseholdId) -> CoreResult<CitizenHome> {
        let d = self.household_detail(household)?;
        let people: Vec<CitizenPerson> = d
            .members
            .into_iter()
            .map(|m| CitizenPerson {
                person_id: m.person.id,
                full_name: m.person.full_name,
                skills_mastered: m.skills.iter().filter(|s| s.level >= SkillLevel::MASTERY).count() as u32,
                masters_all: m.masters_all,
                skills: m.skills,
            })
            .collect();
        let masters = people.iter().filter(|p| p.masters_all).count() as u32;
        let mastering_all_percent = if people.is_empty() { 0 } else { masters * 100 / people.len() as u32 };
        Ok(CitizenHome {
            household_id: household,
            address: d.household.address,
            village_name: d.village_name,
            people,
            people_mastering_all: masters,
            mastering_all_percent,
            status: d.status,
        })
    }
}
