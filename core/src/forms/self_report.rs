//! A household's self-report: for each person, the 5 skills in plain words, ticked by
//! the citizen (in the app, on the web, or told to a volunteer); one save for everyone.

use super::FormState;
use crate::catalog;
use crate::error::CoreResult;
use crate::ids::{HouseholdId, PersonId, SelfReportId};
use crate::model::{Channel, NewSelfReport};
use crate::problem::Problems;
use crate::store::{Saved, Store};
use crate::validate;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One person's ticks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonSkills {
    pub person_id: PersonId,
    pub full_name: String,
    /// Skill codes ticked, in catalog order.
    pub skills: Vec<String>,
}

/// The self-report form of one household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfReportDraft {
    pub household_id: HouseholdId,
    pub channel: Channel,
    pub people: Vec<PersonSkills>,
}

/// A skill as the form shows it: its name, what it means in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkillChoice {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub plain_vi: &'static str,
    pub plain_en: &'static str,
}

/// The 5 skills for the form, in plain words; where to learn them is [`catalog::LEARN_MORE`].
pub fn skill_choices() -> Vec<SkillChoice> {
    catalog::SKILLS
        .iter()
        .map(|s| {
            let plain = catalog::SKILL_PLAIN_WORDS.iter().find(|(code, _, _)| *code == s.code);
            SkillChoice {
                code: s.code,
                name_vi: s.name_vi,
                name_en: s.name_en,
                plain_vi: plain.map_or(s.name_vi, |p| p.1),
                plain_en: plain.map_or(s.name_en, |p| p.2),
            }
        })
        .collect()
}

impl SelfReportDraft {
    /// The household's members, nothing ticked.
    pub fn for_household(store: &Store, household_id: HouseholdId, channel: Channel) -> CoreResult<Self> {
        let detail = store.household_detail(household_id)?;
        let people = detail
            .members
            .into_iter()
            .map(|m| PersonSkills { person_id: m.person.id, full_name: m.person.full_name, skills: vec![] })
            .collect();
        Ok(Self { household_id, channel, people })
    }

    /// Tick or untick a skill for a person (kept in catalog order).
    pub fn toggle(&mut self, person_id: PersonId, skill: &str) {
        let Some(p) = self.people.iter_mut().find(|p| p.person_id == person_id) else { return };
        match p.skills.iter().position(|s| s == skill) {
            Some(i) => {
                p.skills.remove(i);
            }
            None => {
                p.skills.push(skill.to_owned());
                p.skills.sort_by_key(|s| catalog::SKILLS.iter().position(|c| c.code == s.as_str()).unwrap_or(usize::MAX));
            }
        }
    }

    /// The reports this form makes: one per person who ticked something.
    fn reports(&self, now: DateTime<Utc>) -> Vec<NewSelfReport> {
        self.people
            .iter()
            .filter(|p| !p.skills.is_empty())
            .map(|p| NewSelfReport { person_id: p.person_id, skills: p.skills.clone(), channel: self.channel, reported_at: now })
            .collect()
    }

    /// Problems now: each ticked skill must be one of the 5; someone must tick something.
    pub fn state(&self, now: DateTime<Utc>) -> FormState {
        let mut ps = Problems::new();
        let reports = self.reports(now);
        if reports.is_empty() {
            ps.push(validate::text::required("people"));
        }
        for r in &reports {
            let i = self.people.iter().position(|p| p.person_id == r.person_id).unwrap_or_default();
            ps.extend(validate::self_report(r, true, now).1.prefixed(&format!("people[{i}]")));
        }
        FormState::from(ps)
    }

    /// Save everyone's report in one transaction.
    pub fn save(&self, store: &Store) -> CoreResult<Vec<Saved<SelfReportId>>> {
        let reports = self.reports(store.now());
        if reports.is_empty() {
            let mut ps = Problems::new();
            ps.push(validate::text::required("people"));
            return Err(crate::CoreError::Invalid(ps));
        }
        store.record_self_reports(&reports)
    }
}
