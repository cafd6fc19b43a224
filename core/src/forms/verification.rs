//! A team leader's verification: the leader watched a person do skills, and ticks them;
//! or corrects a level, with the reason (audited).

use super::FormState;
use crate::error::CoreResult;
use crate::ids::{CorrectionId, MemberId, PersonId, VerificationId};
use crate::model::SkillLevel;
use crate::problem::{Problem, ProblemCode, Problems};
use crate::store::Store;
use crate::validate;
use serde::{Deserialize, Serialize};

/// The verification form for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationDraft {
    pub person_id: PersonId,
    pub leader_id: MemberId,
    /// Skills the leader saw the person do.
    pub skills: Vec<String>,
}

impl VerificationDraft {
    pub fn new(person_id: PersonId, leader_id: MemberId) -> Self {
        Self { person_id, leader_id, skills: vec![] }
    }

    pub fn toggle(&mut self, skill: &str) {
        match self.skills.iter().position(|s| s == skill) {
            Some(i) => {
                self.skills.remove(i);
            }
            None => self.skills.push(skill.to_owned()),
        }
    }

    /// Problems now: at least one skill, each one of the catalog's.
    pub fn state(&self) -> FormState {
        let mut ps = Problems::new();
        if self.skills.is_empty() {
            ps.push(validate::text::required("skills"));
        }
        for (i, s) in self.skills.iter().enumerate() {
            if crate::catalog::skill(s).is_none() {
                ps.push(unknown_skill(&format!("skills[{i}]"), s));
            }
        }
        FormState::from(ps)
    }

    /// Record every ticked skill as verified (each its own audited fact), all or none.
    pub fn save(&self, store: &Store) -> CoreResult<Vec<VerificationId>> {
        let state = self.state();
        if !state.can_save {
            return Err(crate::CoreError::Invalid(Problems(state.problems)));
        }
        store.verify_skills(self.person_id, &self.skills, self.leader_id)
    }
}

fn unknown_skill(field: &str, code: &str) -> Problem {
    Problem::error(
        field,
        ProblemCode::UnknownSkill,
        format!("Mã \"{code}\" không có trong danh mục"),
        format!("Code \"{code}\" is not in the catalog"),
    )
}

/// A leader's correction of one skill's level, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionDraft {
    pub person_id: PersonId,
    pub leader_id: MemberId,
    pub skill: String,
    pub to_level: SkillLevel,
    pub reason: String,
}

impl CorrectionDraft {
    /// A correction of `skill` to `to_level`, the reason still to write.
    pub fn new(person_id: PersonId, leader_id: MemberId, skill: &str, to_level: SkillLevel) -> Self {
        Self { person_id, leader_id, skill: skill.to_owned(), to_level, reason: String::new() }
    }

    /// Problems now: the skill is one of the catalog's, the reason is required and bounded
    /// (as the save checks).
    pub fn state(&self) -> FormState {
        let mut ps = Problems::new();
        if crate::catalog::skill(&self.skill).is_none() {
            ps.push(unknown_skill("skill", &self.skill));
        }
        if let Err(p) = validate::correction_reason("reason", &self.reason) {
            ps.push(p);
        }
        FormState::from(ps)
    }

    pub fn save(&self, store: &Store) -> CoreResult<CorrectionId> {
        store.correct_skill(self.person_id, &self.skill, self.to_level, self.leader_id, &self.reason)
    }
}
