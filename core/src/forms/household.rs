//! Register a household: village, address, the head and other members, consent, the
//! household's indicators — with every field's problems as the volunteer types, a warning
//! when the village already has a household like it, and one save for all of it.

use super::{FormState, CONSENT_PURPOSE};
use crate::error::CoreResult;
use crate::ids::{HouseholdId, MemberId, PersonId, VillageId};
use crate::model::{CoarseLocation, Consent, HouseholdIndicators, HouseholdPatch, NewHousehold, NewPerson, PersonPatch, Relation, Sex};
use crate::problem::{Problem, ProblemCode, Problems};
use crate::search::{self, MatchRank};
use crate::store::{Saved, SearchHit, Store};
use crate::validate;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One person on the registration form (the first is the head).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDraft {
    pub full_name: String,
    pub relation: Relation,
    /// As typed: empty for unknown.
    pub birth_year: String,
    pub sex: Option<Sex>,
    /// As typed: empty for none.
    pub phone: String,
    /// Set for a member already registered (editing a household); `None` for a new one.
    #[serde(default)]
    pub person_id: Option<PersonId>,
}

impl MemberDraft {
    pub fn new(relation: Relation) -> Self {
        Self { full_name: String::new(), relation, birth_year: String::new(), sex: None, phone: String::new(), person_id: None }
    }
}

/// The registration form's state. Plain data: the app keeps it across screen rotations
/// and process death (serialise it), and every edit is a field assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HouseholdDraft {
    pub village_id: Option<VillageId>,
    pub address: String,
    /// The household's contact number, as typed.
    pub phone: String,
    pub location: Option<CoarseLocation>,
    pub indicators: HouseholdIndicators,
    /// `members[0]` is the head of household.
    pub members: Vec<MemberDraft>,
    /// Who agreed (the head, or another adult of the household for everyone listed).
    pub consent_given_by: String,
    /// When they agreed, after hearing [`super::consent_purpose`] in full; `None` until then.
    pub consent_given_at: Option<DateTime<Utc>>,
    /// Set when the form edits a registered household ([`Self::editing`]).
    #[serde(default)]
    pub household_id: Option<HouseholdId>,
}

impl HouseholdDraft {
    /// An empty form in `village` (if the volunteer's assignment has one village).
    pub fn new(village_id: Option<VillageId>) -> Self {
        Self {
            village_id,
            address: String::new(),
            phone: String::new(),
            location: None,
            indicators: HouseholdIndicators::default(),
            members: vec![MemberDraft::new(Relation::Head)],
            consent_given_by: String::new(),
            consent_given_at: None,
            household_id: None,
        }
    }

    /// The form over a registered household, to edit later: its fields and members as
    /// stored (head first), the consent they gave. Saving writes only what changed, and
    /// members added here, in one transaction ([`Store::edit_household`]).
    pub fn editing(store: &Store, id: HouseholdId) -> CoreResult<Self> {
        let d = store.household_detail(id)?;
        let consent = d.members.first().map(|m| m.person.consent.clone());
        Ok(Self {
            village_id: Some(d.household.village_id),
            address: d.household.address,
            phone: d.household.phone.map(|p| validate::phone::display(&p)).unwrap_or_default(),
            location: d.household.location,
            indicators: d.household.indicators,
            members: d
                .members
                .into_iter()
                .map(|m| MemberDraft {
                    full_name: m.person.full_name,
                    relation: m.person.relation,
                    birth_year: m.person.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                    sex: m.person.sex,
                    phone: m.person.phone.map(|p| validate::phone::display(&p)).unwrap_or_default(),
                    person_id: Some(m.person.id),
                })
                .collect(),
            consent_given_by: consent.as_ref().map(|c| c.given_by.clone()).unwrap_or_default(),
            consent_given_at: consent.map(|c| c.given_at),
            household_id: Some(id),
        })
    }

    /// Add an empty member row; returns its index.
    pub fn add_member(&mut self, relation: Relation) -> usize {
        self.members.push(MemberDraft::new(relation));
        self.members.len() - 1
    }

    /// Remove member `i` (never the head).
    pub fn remove_member(&mut self, i: usize) {
        if i > 0 && i < self.members.len() {
            self.members.remove(i);
        }
    }

    /// The citizen agreed, now. Who agreed defaults to the head's name.
    pub fn record_consent(&mut self, now: DateTime<Utc>) {
        if self.consent_given_by.trim().is_empty() {
            self.consent_given_by = self.members.first().map(|m| m.full_name.clone()).unwrap_or_default();
        }
        self.consent_given_at = Some(now);
    }

    /// The typed-in form as model input, and the problems found turning it into one.
    /// Field names are the form's: `village_id`, `address`, `phone`, `members[i].full_name`,
    /// `consent`, ….
    fn inputs(&self, now: DateTime<Utc>, recorded_by: Option<MemberId>) -> (Option<(NewHousehold, Vec<NewPerson>)>, Problems) {
        let mut ps = Problems::new();
        if self.village_id.is_none() {
            ps.push(validate::text::required("village_id"));
        }
        let consent = self.consent_given_at.map(|given_at| Consent {
            given_by: self.consent_given_by.clone(),
            given_at,
            purpose: CONSENT_PURPOSE.to_owned(),
            recorded_by,
        });
        let mut people = Vec::with_capacity(self.members.len());
        for (i, m) in self.members.iter().enumerate() {
            let birth_year = match validate::birth_year_text(&format!("members[{i}].birth_year"), &m.birth_year, now) {
                Ok(y) => y,
                Err(p) => {
                    ps.push(p);
                    None
                }
            };
            let phone = (!m.phone.trim().is_empty()).then(|| m.phone.clone());
            people.push(NewPerson {
                full_name: m.full_name.clone(),
                birth_year,
                sex: m.sex,
                relation: m.relation,
                phone,
                consent: consent.clone(),
            });
        }
        let Some(head) = people.first().cloned() else {
            ps.push(validate::text::required("members[0].full_name"));
            return (None, ps);
        };
        let household = NewHousehold {
            // A placeholder when none is chosen: the form already reports `village_id`.
            village_id: self.village_id.unwrap_or_default(),
            address: self.address.clone(),
            head,
            phone: (!self.phone.trim().is_empty()).then(|| self.phone.clone()),
            location: self.location,
            indicators: self.indicators,
        };
        let (clean, rule_ps) = validate::registration(&household, &people[1..], now);
        // The rules speak of `head.…` and `members[i].…` (the others); the form lists
        // everyone in `members`, head first.
        for mut p in rule_ps.0 {
            p.field = form_field(&p.field);
            if !ps.0.iter().any(|q| q.field == p.field && q.code == p.code) {
                ps.push(p);
            }
        }
        if consent.is_none() {
            // One consent covers the form: say so once, where the form asks for it.
            ps.0.retain(|p| p.code != ProblemCode::ConsentMissing);
            ps.push(Problem::error(
                "consent",
                ProblemCode::ConsentMissing,
                "Hãy đọc mục đích cho người dân và ghi nhận sự đồng ý trước khi lưu",
                "Read the purpose to the household and record their consent before saving",
            ));
        }
        let ok = self.village_id.is_some() && !ps.has_errors();
        (clean.filter(|_| ok), ps)
    }

    /// Every field's problems now, for the screen to show as the volunteer types.
    pub fn state(&self, now: DateTime<Utc>) -> FormState {
        FormState::from(self.inputs(now, None).1)
    }

    /// Households of the same village that look like this one: a member named exactly as
    /// the head, or the same address. Shown as a warning; the volunteer may still save.
    pub fn similar(&self, store: &Store) -> CoreResult<Vec<SearchHit>> {
        let Some(village) = self.village_id else { return Ok(vec![]) };
        let head = self.members.first().map(|m| m.full_name.as_str()).unwrap_or_default();
        let mut hits: Vec<SearchHit> = Vec::new();
        if !search::query_terms(head).is_empty() {
            let page = store.search_page(head, Some(village), 0, 10)?;
            hits.extend(page.hits.into_iter().filter(|h| h.rank == MatchRank::WholeName));
        }
        let address = search::fold(&self.address);
        if !address.is_empty() {
            for h in store.search_page(&self.address, Some(village), 0, 20)?.hits {
                if search::fold(&h.address) == address && !hits.iter().any(|x| x.household_id == h.household_id) {
                    hits.push(h);
                }
            }
        }
        Ok(hits)
    }

    /// Save the household and everyone on the form in one transaction (for an edited
    /// household: what changed, and the members added).
    pub fn save(&self, store: &Store, recorded_by: Option<MemberId>) -> CoreResult<Saved<HouseholdId>> {
        let (household, others) = match self.inputs(store.now(), recorded_by) {
            (Some(clean), _) => clean,
            (None, ps) => return Err(crate::CoreError::Invalid(ps)),
        };
        let Some(id) = self.household_id else { return store.register_household(&household, &others) };
        let stored = store.household_detail(id)?;
        let h = &stored.household;
        let patch = HouseholdPatch {
            address: (household.address != h.address).then(|| household.address.clone()),
            phone: (household.phone != h.phone).then(|| household.phone.clone()),
            location: (household.location != h.location).then_some(household.location),
            indicators: (household.indicators != h.indicators).then_some(household.indicators),
        };
        // The cleaned people in form order: the head, then the others.
        let people: Vec<&NewPerson> = std::iter::once(&household.head).chain(others.iter()).collect();
        let mut changed = Vec::new();
        let mut added = Vec::new();
        for (m, p) in self.members.iter().zip(people) {
            let Some(person_id) = m.person_id else {
                added.push(p.clone());
                continue;
            };
            let Some(old) = stored.members.iter().map(|x| &x.person).find(|x| x.id == person_id) else {
                return Err(crate::CoreError::NotFound { entity: "person", id: person_id.to_string() });
            };
            let patch = PersonPatch {
                full_name: (p.full_name != old.full_name).then(|| p.full_name.clone()),
                birth_year: (p.birth_year != old.birth_year).then_some(p.birth_year),
                sex: (p.sex != old.sex).then_some(p.sex),
                relation: (p.relation != old.relation).then_some(p.relation),
                phone: (p.phone != old.phone).then(|| p.phone.clone()),
            };
            if patch != PersonPatch::default() {
                changed.push((person_id, patch));
            }
        }
        store.edit_household(id, &patch, &changed, &added)
    }
}

/// `head.full_name` → `members[0].full_name`; `members[i].x` (others) → `members[i+1].x`.
fn form_field(rule_field: &str) -> String {
    if let Some(rest) = rule_field.strip_prefix("head.") {
        if rest.starts_with("consent") {
            return "consent".to_owned();
        }
        return format!("members[0].{rest}");
    }
    if let Some(rest) = rule_field.strip_prefix("members[") {
        if let Some((i, tail)) = rest.split_once(']') {
            if let Ok(i) = i.parse::<usize>() {
                if tail.starts_with(".consent") {
                    return "consent".to_owned();
                }
                return format!("members[{}]{tail}", i + 1);
            }
        }
    }
    rule_field.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_fields_become_form_fields() {
        assert_eq!(form_field("head.full_name"), "members[0].full_name");
        assert_eq!(form_field("members[0].phone"), "members[1].phone");
        assert_eq!(form_field("members[3].consent.given_by"), "consent");
        assert_eq!(form_field("address"), "address");
    }
}
