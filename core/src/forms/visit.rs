//! Record a visit — at a household, or a group session at a fixed point (commune hall,
//! school, cultural house) — or correct one: who was there, the skills guided and the
//! actions done per person, topics, notes, time. Problems come from the same rules and
//! the same stored facts as the save (`Store::check_visit`).

use super::FormState;
use crate::catalog;
use crate::error::CoreResult;
use crate::ids::{CampaignId, HouseholdId, MemberId, PersonId, TeamId, VisitId};
use crate::model::{Attendee, CoarseLocation, NewVisit, VisitPlace};
use crate::store::{Saved, Store};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One person present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendeeDraft {
    pub person_id: PersonId,
    pub skills_guided: Vec<String>,
    pub actions: Vec<String>,
}

/// The visit form's state (plain data, serialisable across process death).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitDraft {
    pub place: VisitPlace,
    pub team_id: TeamId,
    pub volunteer_id: MemberId,
    pub campaign_id: Option<CampaignId>,
    /// `None`: the moment of saving. Set for a session recorded afterwards (the rules
    /// warn outside the campaign and refuse the future).
    pub occurred_at: Option<DateTime<Utc>>,
    pub attendees: Vec<AttendeeDraft>,
    pub topics: Vec<String>,
    pub notes: String,
    pub location: Option<CoarseLocation>,
    /// The visit this one corrects, if it is a correction.
    pub supersedes: Option<VisitId>,
}

fn toggle(list: &mut Vec<String>, code: &str) {
    match list.iter().position(|c| c == code) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(code.to_owned()),
    }
}

impl VisitDraft {
    /// A visit at `household`.
    pub fn at_household(household_id: HouseholdId, team_id: TeamId, volunteer_id: MemberId, campaign_id: Option<CampaignId>) -> Self {
        Self::new(VisitPlace::Household { household_id }, team_id, volunteer_id, campaign_id)
    }

    /// A group session at a fixed point, named as the volunteer writes it.
    pub fn group_session(place: &str, team_id: TeamId, volunteer_id: MemberId, campaign_id: Option<CampaignId>) -> Self {
        Self::new(VisitPlace::Group { place: place.to_owned() }, team_id, volunteer_id, campaign_id)
    }

    fn new(place: VisitPlace, team_id: TeamId, volunteer_id: MemberId, campaign_id: Option<CampaignId>) -> Self {
        Self {
            place,
            team_id,
            volunteer_id,
            campaign_id,
            occurred_at: None,
            attendees: vec![],
            topics: vec![],
            notes: String::new(),
            location: None,
            supersedes: None,
        }
    }

    /// A correction of `old`: the same content, to edit, that replaces it when saved.
    pub fn correcting(store: &Store, old: VisitId) -> CoreResult<Self> {
        let v = store.visit(old)?;
        Ok(Self {
            place: v.place,
            team_id: v.team_id,
            volunteer_id: v.volunteer_id,
            campaign_id: v.campaign_id,
            occurred_at: Some(v.occurred_at),
            attendees: v
                .attendees
                .into_iter()
                .map(|a| AttendeeDraft { person_id: a.person_id, skills_guided: a.skills_guided, actions: a.actions })
                .collect(),
            topics: v.topics,
            notes: v.notes,
            location: v.location,
            supersedes: Some(old),
        })
    }

    /// Mark a person present, or no longer present.
    pub fn toggle_present(&mut self, person_id: PersonId) {
        match self.attendees.iter().position(|a| a.person_id == person_id) {
            Some(i) => {
                self.attendees.remove(i);
            }
            None => self.attendees.push(AttendeeDraft { person_id, skills_guided: vec![], actions: vec![] }),
        }
    }

    /// Tick or untick a skill guided for a person (marking them present if needed).
    pub fn toggle_skill(&mut self, person_id: PersonId, skill: &str) {
        let a = self.attendee(person_id);
        toggle(&mut a.skills_guided, skill);
    }

    /// Tick or untick an action done with a person (VNeID activated, app installed, …).
    pub fn toggle_action(&mut self, person_id: PersonId, action: &str) {
        let a = self.attendee(person_id);
        toggle(&mut a.actions, action);
    }

    /// Tick or untick a topic (catalog or local).
    pub fn toggle_topic(&mut self, code: &str) {
        toggle(&mut self.topics, code);
    }

    fn attendee(&mut self, person_id: PersonId) -> &mut AttendeeDraft {
        let i = match self.attendees.iter().position(|a| a.person_id == person_id) {
            Some(i) => i,
            None => {
                self.attendees.push(AttendeeDraft { person_id, skills_guided: vec![], actions: vec![] });
                self.attendees.len() - 1
            }
        };
        &mut self.attendees[i]
    }

    /// The form as the model's input, at `now` if no time was set.
    pub fn to_new_visit(&self, now: DateTime<Utc>) -> NewVisit {
        NewVisit {
            place: self.place.clone(),
            campaign_id: self.campaign_id,
            team_id: self.team_id,
            volunteer_id: self.volunteer_id,
            occurred_at: self.occurred_at.unwrap_or(now),
            attendees: self
                .attendees
                .iter()
                .map(|a| Attendee {
                    person_id: a.person_id,
                    household_id: None,
                    skills_guided: a.skills_guided.clone(),
                    actions: a.actions.clone(),
                    apps_installed: vec![],
                })
                .collect(),
            topics: self.topics.clone(),
            notes: self.notes.clone(),
            location: self.location,
            supersedes: self.supersedes,
        }
    }

    /// Every problem now, from the same rules and stored facts as the save.
    pub fn state(&self, store: &Store) -> CoreResult<FormState> {
        Ok(FormState::from(store.check_visit(&self.to_new_visit(store.now()))?))
    }

    /// Save it (one tap, offline, durable before this returns).
    pub fn save(&self, store: &Store) -> CoreResult<Saved<VisitId>> {
        store.record_visit(&self.to_new_visit(store.now()))
    }
}

/// The catalog's choices for the form, in catalog order: skills, topics, actions.
pub fn choices() -> (Vec<&'static str>, Vec<&'static str>, Vec<&'static str>) {
    (
        catalog::SKILLS.iter().map(|s| s.code).collect(),
        catalog::TOPICS.iter().map(|t| t.code).collect(),
        catalog::ACTIONS.iter().map(|a| a.code).collect(),
    )
}
