//! Record a visit — at a household, or a group session at a fixed point (commune hall,
//! school, cultural house) — or correct one: who was there, the skills guided and the
//! actions done per person, topics, notes, time. Problems come from the same rules and
//! the same stored facts as the save (`Store::check_visit`).

use super::{FormState, CONSENT_PURPOSE};
use crate::catalog;
use crate::error::{CoreError, CoreResult};
use crate::ids::{CampaignId, HouseholdId, MemberId, PersonId, TeamId, VisitId};
use crate::model::{Attendee, CoarseLocation, Consent, NewPerson, NewVisit, Relation, VisitPlace};
use crate::problem::{Problem, ProblemCode, Problems};
use crate::store::{Saved, SearchPage, Store};
use crate::validate;
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
    /// Why the visit it corrects was wrong (a correction needs it; see `validate::visit`).
    #[serde(default)]
    pub correction_reason: String,
    /// A person not registered yet, being added to a household while the visit is recorded
    /// (a walk-in at a group session); kept with the draft so it survives the app too.
    #[serde(default)]
    pub walk_in: Option<WalkInDraft>,
}

/// A walk-in: someone at a session who is not registered yet, added quickly to a household
/// (name, birth year, relation) with their consent — the same consent, purpose and rules as
/// a household's registration. Saved, they are a member of that household and present.
/// Problems are named `walk_in.household_id`, `walk_in.full_name`, `walk_in.birth_year`,
/// `walk_in.relation`, `walk_in.consent`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkInDraft {
    /// The household they belong to (found by search; a household visit's own by default).
    pub household_id: Option<HouseholdId>,
    pub full_name: String,
    pub relation: Relation,
    /// As typed: empty for unknown.
    pub birth_year: String,
    /// Who agreed: the walk-in themselves unless set (an adult of the household for a child).
    pub consent_given_by: String,
    /// When they agreed, after hearing [`super::consent_purpose`] in full; `None` until then.
    pub consent_given_at: Option<DateTime<Utc>>,
}

/// A person the visit form can show: a member of the household visited, or someone present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterRow {
    pub person_id: PersonId,
    /// Empty for someone present this device does not hold (the form reports them).
    pub full_name: String,
    pub household_id: Option<HouseholdId>,
    /// Their household's address and village, to tell people apart.
    pub address: String,
    pub village_name: String,
    pub present: bool,
    pub skills_guided: Vec<String>,
    pub actions: Vec<String>,
}

impl WalkInDraft {
    pub fn new(household_id: Option<HouseholdId>) -> Self {
        Self {
            household_id,
            full_name: String::new(),
            relation: Relation::OtherRelative,
            birth_year: String::new(),
            consent_given_by: String::new(),
            consent_given_at: None,
        }
    }

    /// They heard the purpose in full and agreed, now. Who agreed defaults to them.
    pub fn record_consent(&mut self, now: DateTime<Utc>) {
        if self.consent_given_by.trim().is_empty() {
            self.consent_given_by = self.full_name.clone();
        }
        self.consent_given_at = Some(now);
    }

    /// The typed-in walk-in as model input, and every problem (fields named `walk_in.…`).
    fn inputs(&self, now: DateTime<Utc>, recorded_by: Option<MemberId>) -> (Option<(HouseholdId, NewPerson)>, Problems) {
        let mut ps = Problems::new();
        if self.household_id.is_none() {
            ps.push(validate::text::required("walk_in.household_id"));
        }
        let birth_year = match validate::birth_year_text("walk_in.birth_year", &self.birth_year, now) {
            Ok(y) => y,
            Err(p) => {
                ps.push(p);
                None
            }
        };
        let consent = self.consent_given_at.map(|given_at| Consent {
            given_by: self.consent_given_by.clone(),
            given_at,
            purpose: CONSENT_PURPOSE.to_owned(),
            recorded_by,
        });
        let person = NewPerson {
            full_name: self.full_name.clone(),
            birth_year,
            sex: None,
            relation: self.relation,
            phone: None,
            consent: consent.clone(),
        };
        let (clean, rule_ps) = validate::member(&person, now);
        for mut p in rule_ps.0 {
            if p.field.starts_with("consent") {
                p.field = "consent".to_owned();
            }
            p.field = format!("walk_in.{}", p.field);
            if consent.is_none() && p.code == ProblemCode::ConsentMissing {
                p = Problem::error(
                    "walk_in.consent",
                    ProblemCode::ConsentMissing,
                    "Hãy đọc mục đích cho người dân và ghi nhận sự đồng ý trước khi lưu",
                    "Read the purpose to the person and record their consent before saving",
                );
            }
            if !ps.0.iter().any(|q| q.field == p.field && q.code == p.code) {
                ps.push(p);
            }
        }
        let ok = !ps.has_errors();
        (self.household_id.zip(clean).filter(|_| ok), ps)
    }

    /// Every field's problems now.
    pub fn state(&self, now: DateTime<Utc>) -> FormState {
        FormState::from(self.inputs(now, None).1)
    }

    /// Add them to their household (with their consent), through the store's rules.
    pub fn save(&self, store: &Store, recorded_by: Option<MemberId>) -> CoreResult<Saved<PersonId>> {
        match self.inputs(store.now(), recorded_by) {
            (Some((household, person)), _) => store.add_person(household, &person).map_err(|e| match e {
                CoreError::NotFound { entity: "household", .. } => CoreError::Invalid(Problems(vec![Problem::error(
                    "walk_in.household_id",
                    ProblemCode::UnknownHousehold,
                    "Không tìm thấy hộ gia đình",
                    "Household not found",
                )])),
                e => e,
            }),
            (None, ps) => Err(CoreError::Invalid(ps)),
        }
    }
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
            correction_reason: String::new(),
            walk_in: None,
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
            correction_reason: String::new(),
            walk_in: None,
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

    /// Name the fixed point of a group session (a visit at a household has no place to name).
    pub fn set_place(&mut self, place: &str) {
        if let VisitPlace::Group { place: p } = &mut self.place {
            place.clone_into(p);
        }
    }

    /// People to mark present at a group session, found across the households this device
    /// holds (the volunteer's scope), best matches first, a page at a time.
    pub fn search_people(&self, store: &Store, query: &str, offset: u32, limit: u32) -> CoreResult<SearchPage> {
        store.search_page(query, None, offset, limit)
    }

    /// Start adding a walk-in (to the household visited, for a visit at a household).
    pub fn start_walk_in(&mut self, household_id: Option<HouseholdId>) {
        let household_id = household_id.or(match self.place {
            VisitPlace::Household { household_id } => Some(household_id),
            VisitPlace::Group { .. } => None,
        });
        self.walk_in = Some(WalkInDraft::new(household_id));
    }

    /// Edit the walk-in being added, if any.
    pub fn edit_walk_in(&mut self, edit: impl FnOnce(&mut WalkInDraft)) {
        if let Some(w) = self.walk_in.as_mut() {
            edit(w);
        }
    }

    /// Give up adding the walk-in.
    pub fn cancel_walk_in(&mut self) {
        self.walk_in = None;
    }

    /// The walk-in's problems now (nothing when no walk-in is being added).
    pub fn walk_in_state(&self, now: DateTime<Utc>) -> FormState {
        self.walk_in.as_ref().map(|w| w.state(now)).unwrap_or_else(|| FormState { problems: vec![], can_save: false })
    }

    /// Save the walk-in into their household (durable, in the outbox like any registration)
    /// and mark them present; the walk-in part of the form is then empty again. Nothing
    /// changes on a problem.
    pub fn add_walk_in(&mut self, store: &Store, recorded_by: Option<MemberId>) -> CoreResult<Saved<PersonId>> {
        let Some(w) = self.walk_in.as_ref() else {
            return Err(CoreError::Invalid(Problems(vec![validate::text::required("walk_in")])));
        };
        let saved = w.save(store, recorded_by)?;
        self.walk_in = None;
        self.attendee(saved.id);
        Ok(saved)
    }

    /// Everyone the form can show: the household's members for a visit at a household,
    /// then everyone present who is not among them, each with their ticks.
    pub fn roster(&self, store: &Store) -> CoreResult<Vec<RosterRow>> {
        let mut ids: Vec<PersonId> = match &self.place {
            VisitPlace::Household { household_id } => match store.household_detail(*household_id) {
                Ok(d) => d.members.into_iter().map(|m| m.person.id).collect(),
                Err(CoreError::NotFound { .. }) => vec![],
                Err(e) => return Err(e),
            },
            VisitPlace::Group { .. } => vec![],
        };
        for a in &self.attendees {
            if !ids.contains(&a.person_id) {
                ids.push(a.person_id);
            }
        }
        let mut known: std::collections::HashMap<PersonId, crate::store::PersonRef> =
            store.people_named(&ids)?.into_iter().map(|p| (p.person_id, p)).collect();
        Ok(ids
            .into_iter()
            .map(|id| {
                let who = known.remove(&id);
                let ticks = self.attendees.iter().find(|a| a.person_id == id);
                RosterRow {
                    person_id: id,
                    full_name: who.as_ref().map(|p| p.full_name.clone()).unwrap_or_default(),
                    household_id: who.as_ref().map(|p| p.household_id),
                    address: who.as_ref().map(|p| p.address.clone()).unwrap_or_default(),
                    village_name: who.map(|p| p.village_name).unwrap_or_default(),
                    present: ticks.is_some(),
                    skills_guided: ticks.map(|a| a.skills_guided.clone()).unwrap_or_default(),
                    actions: ticks.map(|a| a.actions.clone()).unwrap_or_default(),
                }
            })
            .collect())
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
            correction_reason: self.supersedes.map(|_| self.correction_reason.clone()),
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
