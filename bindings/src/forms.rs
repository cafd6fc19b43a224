//! The editing screens' state, from the core (`tungnha_core::forms`): each form object holds
//! one core draft behind a mutex. Setters and toggles change the draft (the draft's own
//! methods where it has them); `state()` says what is wrong with every field now and whether
//! it can be saved; `save(db)` saves through the store; `to_json()` / `from_json()` keep a
//! draft across process death. Every rule is the core's: this module only forwards.

use crate::database::Database;
use crate::error::Result;
use crate::model::{Location, SavedHousehold, SavedPerson, SavedSelfReport, SavedVisit};
use crate::time::Timestamp;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tungnha_core::catalog;
use tungnha_core::clock::{Clock, SystemClock};
use tungnha_core::forms::{
    self as core, AttendeeDraft, CorrectionDraft, FormState, HouseholdDraft, MemberDraft, PersonSkills, RosterRow, SelfReportDraft,
    Snapshot, VerificationDraft, VisitDraft, WalkInDraft,
};
use tungnha_core::ids::{CampaignId, CorrectionId, HouseholdId, MemberId, PersonId, TeamId, VerificationId, VillageId, VisitId};
use tungnha_core::model::{Channel, HouseholdIndicators, Relation, Sex, SkillLevel, VisitPlace};
use tungnha_core::problem::Problem;
use tungnha_core::store::{SearchHit, SearchPage};

// ---------------------------------------------------------------- the drafts, as the core has them

/// What a form shows now: every problem (errors block the save, warnings only inform),
/// each with the form field it belongs to (`address`, `members[1].phone`, `consent`…).
#[uniffi::remote(Record)]
pub struct FormState {
    pub problems: Vec<Problem>,
    /// No error blocks the save (warnings may remain).
    pub can_save: bool,
}

/// One person on the registration form (the first is the head).
#[uniffi::remote(Record)]
pub struct MemberDraft {
    pub full_name: String,
    pub relation: Relation,
    /// As typed: empty for unknown.
    pub birth_year: String,
    pub sex: Option<Sex>,
    /// As typed: empty for none.
    pub phone: String,
    /// Set for a member already registered (editing a household).
    pub person_id: Option<PersonId>,
}

/// The household registration form, as typed.
#[uniffi::remote(Record)]
pub struct HouseholdDraft {
    pub village_id: Option<VillageId>,
    pub address: String,
    /// The household's contact number, as typed.
    pub phone: String,
    pub location: Option<Location>,
    pub indicators: HouseholdIndicators,
    /// `members[0]` is the head of household.
    pub members: Vec<MemberDraft>,
    /// Who agreed (the head, or another adult of the household for everyone listed).
    pub consent_given_by: String,
    /// When they agreed, after hearing `consentPurpose()` in full; `null` until then.
    pub consent_given_at: Option<Timestamp>,
    /// Set when the form edits a registered household (`HouseholdForm.editing`).
    pub household_id: Option<HouseholdId>,
}

/// One person present at a visit.
#[uniffi::remote(Record)]
pub struct AttendeeDraft {
    pub person_id: PersonId,
    pub skills_guided: Vec<String>,
    pub actions: Vec<String>,
}

/// The visit form, as ticked.
#[uniffi::remote(Record)]
pub struct VisitDraft {
    pub place: VisitPlace,
    pub team_id: TeamId,
    pub volunteer_id: MemberId,
    pub campaign_id: Option<CampaignId>,
    /// `null`: the moment of saving.
    pub occurred_at: Option<Timestamp>,
    pub attendees: Vec<AttendeeDraft>,
    pub topics: Vec<String>,
    pub notes: String,
    pub location: Option<Location>,
    /// The visit this one corrects, if it is a correction.
    pub supersedes: Option<VisitId>,
    /// Why the visit it corrects was wrong (a correction needs it).
    pub correction_reason: String,
    /// A person not registered yet, being added to a household (a walk-in).
    pub walk_in: Option<WalkInDraft>,
}

/// A walk-in being added to a household while a visit is recorded: name, birth year,
/// relation, and their consent (the same notice as a household's registration).
#[uniffi::remote(Record)]
pub struct WalkInDraft {
    pub household_id: Option<HouseholdId>,
    pub full_name: String,
    pub relation: Relation,
    /// As typed: empty for unknown.
    pub birth_year: String,
    /// Who agreed: the walk-in themselves unless set.
    pub consent_given_by: String,
    /// When they agreed, after hearing `consentPurpose()` in full; `null` until then.
    pub consent_given_at: Option<Timestamp>,
}

/// Someone the visit form shows: a member of the household visited, or someone present,
/// named by the core (empty name: present but not on this device; the form says so).
#[uniffi::remote(Record)]
pub struct RosterRow {
    pub person_id: PersonId,
    pub full_name: String,
    pub household_id: Option<HouseholdId>,
    pub address: String,
    pub village_name: String,
    pub present: bool,
    pub skills_guided: Vec<String>,
    pub actions: Vec<String>,
}

/// One person's ticks on a self-report.
#[uniffi::remote(Record)]
pub struct PersonSkills {
    pub person_id: PersonId,
    pub full_name: String,
    /// Skill codes ticked, in catalog order.
    pub skills: Vec<String>,
}

/// A household's self-report form.
#[uniffi::remote(Record)]
pub struct SelfReportDraft {
    pub household_id: HouseholdId,
    pub channel: Channel,
    pub people: Vec<PersonSkills>,
}

/// A leader's verification of one person's skills.
#[uniffi::remote(Record)]
pub struct VerificationDraft {
    pub person_id: PersonId,
    pub leader_id: MemberId,
    /// Skills the leader saw the person do.
    pub skills: Vec<String>,
}

/// A leader's correction of one skill's level, with the reason.
#[uniffi::remote(Record)]
pub struct CorrectionDraft {
    pub person_id: PersonId,
    pub leader_id: MemberId,
    pub skill: String,
    pub to_level: SkillLevel,
    pub reason: String,
}

// ---------------------------------------------------------------- what the forms show beside

/// A skill as the forms show it: its name and what it means in plain words.
///
/// Hand-made: the core's `SkillChoice` is compile-time text (`&'static str`), which a uniffi
/// record cannot carry.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SkillChoice {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub plain_vi: String,
    pub plain_en: String,
}

/// What a citizen agrees to, read to them in full before any personal data is kept.
///
/// Hand-made: the core gives the two texts as a pair of `&'static str`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsentPurpose {
    pub text_vi: String,
    pub text_en: String,
}

/// Where to learn the 5 skills: the free national course.
///
/// Hand-made: the core's `catalog::Course` holds `&'static str`s.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LearnMore {
    pub label_vi: String,
    pub label_en: String,
    pub url: String,
}

/// The 5 skills in plain words, for the self-report and verification forms (catalog order).
#[uniffi::export]
pub fn skill_choices() -> Vec<SkillChoice> {
    core::skill_choices()
        .into_iter()
        .map(|s| SkillChoice {
            code: s.code.into(),
            name_vi: s.name_vi.into(),
            name_en: s.name_en.into(),
            plain_vi: s.plain_vi.into(),
            plain_en: s.plain_en.into(),
        })
        .collect()
}

/// The consent notice the volunteer reads to the household before registering it.
#[uniffi::export]
pub fn consent_purpose() -> ConsentPurpose {
    let (vi, en) = core::consent_purpose();
    ConsentPurpose { text_vi: vi.into(), text_en: en.into() }
}

/// The free national course where citizens and team members can learn the 5 skills.
#[uniffi::export]
pub fn learn_more() -> LearnMore {
    let c = catalog::LEARN_MORE;
    LearnMore { label_vi: c.label_vi.into(), label_en: c.label_en.into(), url: c.url.into() }
}

// ---------------------------------------------------------------- glue shared by the forms

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while editing cannot leave a draft half-assigned in a way that matters: it
    // is plain data the form checks again.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn to_json<T: Snapshot>(draft: &Mutex<T>) -> Result<String> {
    Ok(core::snapshot(&*lock(draft))?)
}

/// A draft from a kept snapshot, read as outside input: a damaged or hostile text is an
/// `Invalid` error on the field `snapshot`, never a crash.
fn from_json<T: Snapshot>(json: &str) -> Result<Mutex<T>> {
    Ok(Mutex::new(core::restore(json)?))
}

/// The moment the core's rules see for a form checked without a database.
fn now() -> Timestamp {
    SystemClock.now()
}

// ---------------------------------------------------------------- household registration

/// Register a household: village, address, the head and other members, consent, the
/// indicators; problems per field as the volunteer types; one save for all of it.
#[derive(Debug, uniffi::Object)]
pub struct HouseholdForm {
    draft: Mutex<HouseholdDraft>,
}

impl HouseholdForm {
    fn member(&self, index: u32, edit: impl FnOnce(&mut MemberDraft)) {
        if let Some(m) = lock(&self.draft).members.get_mut(index as usize) {
            edit(m);
        }
    }
}

#[uniffi::export]
impl HouseholdForm {
    /// An empty form (in `village_id` if the volunteer's assignment has one village), with
    /// one member row: the head.
    #[uniffi::constructor(default(village_id = None))]
    pub fn new(village_id: Option<VillageId>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self { draft: Mutex::new(HouseholdDraft::new(village_id)) }))
    }

    /// A form kept by `to_json()`.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Self { draft: from_json(&json)? }))
    }

    /// A registered household, to edit: saving writes what changed and the members added.
    #[uniffi::constructor]
    pub fn editing(db: &Database, household_id: HouseholdId) -> Result<Arc<Self>> {
        Ok(Arc::new(Self { draft: Mutex::new(HouseholdDraft::editing(db.store(), household_id)?) }))
    }

    pub fn to_json(&self) -> Result<String> {
        to_json(&self.draft)
    }

    /// What the form holds now, to show.
    pub fn draft(&self) -> HouseholdDraft {
        lock(&self.draft).clone()
    }

    pub fn set_village(&self, village_id: Option<VillageId>) -> Result<()> {
        lock(&self.draft).village_id = village_id;
        Ok(())
    }

    pub fn set_address(&self, address: String) {
        lock(&self.draft).address = address;
    }

    pub fn set_phone(&self, phone: String) {
        lock(&self.draft).phone = phone;
    }

    pub fn set_location(&self, location: Option<Location>) {
        lock(&self.draft).location = location;
    }

    pub fn set_indicators(&self, indicators: HouseholdIndicators) {
        lock(&self.draft).indicators = indicators;
    }

    /// Add an empty member row; returns its index.
    pub fn add_member(&self, relation: Relation) -> u32 {
        lock(&self.draft).add_member(relation) as u32
    }

    /// Remove member row `index` (never the head).
    pub fn remove_member(&self, index: u32) {
        lock(&self.draft).remove_member(index as usize);
    }

    pub fn set_member_name(&self, index: u32, full_name: String) {
        self.member(index, |m| m.full_name = full_name);
    }

    pub fn set_member_relation(&self, index: u32, relation: Relation) {
        self.member(index, |m| m.relation = relation);
    }

    /// The birth year as typed (the form says if it is not a year).
    pub fn set_member_birth_year(&self, index: u32, birth_year: String) {
        self.member(index, |m| m.birth_year = birth_year);
    }

    pub fn set_member_sex(&self, index: u32, sex: Option<Sex>) {
        self.member(index, |m| m.sex = sex);
    }

    pub fn set_member_phone(&self, index: u32, phone: String) {
        self.member(index, |m| m.phone = phone);
    }

    /// Who agreed (defaults to the head's name when consent is recorded).
    pub fn set_consent_given_by(&self, name: String) {
        lock(&self.draft).consent_given_by = name;
    }

    /// The household heard `consentPurpose()` in full and agreed, now.
    pub fn record_consent(&self) {
        lock(&self.draft).record_consent(now());
    }

    /// Every field's problems now.
    pub fn state(&self) -> FormState {
        lock(&self.draft).state(now())
    }

    /// Households of the village that look like this one (same head's name, same address):
    /// a warning to show; the volunteer may still save.
    pub fn similar(&self, db: &Database) -> Result<Vec<SearchHit>> {
        let draft = self.draft();
        Ok(draft.similar(db.store())?)
    }

    /// Save the household and everyone on the form, in one transaction. `recorded_by`: the
    /// team member who recorded the consent (this device's member).
    #[uniffi::method(default(recorded_by = None))]
    pub fn save(&self, db: &Database, recorded_by: Option<MemberId>) -> Result<SavedHousehold> {
        let draft = self.draft();
        Ok(draft.save(db.store(), recorded_by)?)
    }
}

// ---------------------------------------------------------------- visits

/// Record a visit at a household or a group session, or correct one: who was there, the
/// skills guided and actions done per person, topics, notes, time.
#[derive(Debug, uniffi::Object)]
pub struct VisitForm {
    draft: Mutex<VisitDraft>,
}

impl VisitForm {
    pub(crate) fn with(draft: VisitDraft) -> Arc<Self> {
        Arc::new(Self { draft: Mutex::new(draft) })
    }
}

#[uniffi::export]
impl VisitForm {
    /// A visit at one household's home.
    #[uniffi::constructor(default(campaign_id = None))]
    pub fn at_household(
        household_id: HouseholdId,
        team_id: TeamId,
        volunteer_id: MemberId,
        campaign_id: Option<CampaignId>,
    ) -> Result<Arc<Self>> {
        Ok(Self::with(VisitDraft::at_household(household_id, team_id, volunteer_id, campaign_id)))
    }

    /// A group session at a fixed point (commune hall, school…), named as the volunteer writes it.
    #[uniffi::constructor(default(campaign_id = None))]
    pub fn group_session(place: String, team_id: TeamId, volunteer_id: MemberId, campaign_id: Option<CampaignId>) -> Result<Arc<Self>> {
        Ok(Self::with(VisitDraft::group_session(&place, team_id, volunteer_id, campaign_id)))
    }

    /// A correction of a stored visit: its content to edit; saved, it replaces the old one.
    #[uniffi::constructor]
    pub fn correcting(db: &Database, visit_id: VisitId) -> Result<Arc<Self>> {
        Ok(Self::with(VisitDraft::correcting(db.store(), visit_id)?))
    }

    /// A form kept by `to_json()`.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Self { draft: from_json(&json)? }))
    }

    pub fn to_json(&self) -> Result<String> {
        to_json(&self.draft)
    }

    pub fn draft(&self) -> VisitDraft {
        lock(&self.draft).clone()
    }

    /// Mark a person present, or no longer present.
    pub fn toggle_present(&self, person_id: PersonId) -> Result<()> {
        lock(&self.draft).toggle_present(person_id);
        Ok(())
    }

    /// Tick or untick a skill guided for a person (marking them present if needed).
    pub fn toggle_skill(&self, person_id: PersonId, skill: String) -> Result<()> {
        lock(&self.draft).toggle_skill(person_id, &skill);
        Ok(())
    }

    /// Tick or untick an action done with a person (see `actions()`).
    pub fn toggle_action(&self, person_id: PersonId, action: String) -> Result<()> {
        lock(&self.draft).toggle_action(person_id, &action);
        Ok(())
    }

    /// Tick or untick a topic (see `topics()` and the local topics).
    pub fn toggle_topic(&self, code: String) {
        lock(&self.draft).toggle_topic(&code);
    }

    /// Name a group session's fixed point (commune hall, school, cultural house).
    pub fn set_place(&self, place: String) {
        lock(&self.draft).set_place(&place);
    }

    /// People to mark present, found across the households this device holds, best first.
    #[uniffi::method(default(offset = 0, limit = 50))]
    pub fn search_people(&self, db: &Database, query: String, offset: u32, limit: u32) -> Result<SearchPage> {
        let draft = self.draft();
        Ok(draft.search_people(db.store(), &query, offset, limit)?)
    }

    /// Everyone the form shows: the household's members (for a visit at a household), then
    /// everyone present, named, with their ticks.
    pub fn roster(&self, db: &Database) -> Result<Vec<RosterRow>> {
        let draft = self.draft();
        Ok(draft.roster(db.store())?)
    }

    /// Start adding a walk-in to `household_id` (`null`: the household visited, if any).
    #[uniffi::method(default(household_id = None))]
    pub fn start_walk_in(&self, household_id: Option<HouseholdId>) -> Result<()> {
        lock(&self.draft).start_walk_in(household_id);
        Ok(())
    }

    pub fn set_walk_in_household(&self, household_id: Option<HouseholdId>) -> Result<()> {
        lock(&self.draft).edit_walk_in(|w| w.household_id = household_id);
        Ok(())
    }

    pub fn set_walk_in_name(&self, full_name: String) {
        lock(&self.draft).edit_walk_in(|w| w.full_name = full_name);
    }

    /// The birth year as typed (the form says if it is not a year).
    pub fn set_walk_in_birth_year(&self, birth_year: String) {
        lock(&self.draft).edit_walk_in(|w| w.birth_year = birth_year);
    }

    pub fn set_walk_in_relation(&self, relation: Relation) {
        lock(&self.draft).edit_walk_in(|w| w.relation = relation);
    }

    /// Who agreed (defaults to the walk-in when consent is recorded).
    pub fn set_walk_in_consent_given_by(&self, name: String) {
        lock(&self.draft).edit_walk_in(|w| w.consent_given_by = name);
    }

    /// The walk-in heard `consentPurpose()` in full and agreed, now.
    pub fn record_walk_in_consent(&self) {
        lock(&self.draft).edit_walk_in(|w| w.record_consent(now()));
    }

    pub fn cancel_walk_in(&self) {
        lock(&self.draft).cancel_walk_in();
    }

    /// The walk-in's problems now (`walk_in.full_name`, `walk_in.consent`…).
    pub fn walk_in_state(&self) -> FormState {
        lock(&self.draft).walk_in_state(now())
    }

    /// Save the walk-in into their household (with consent, durable) and mark them present.
    /// `recorded_by`: this device's team member.
    #[uniffi::method(default(recorded_by = None))]
    pub fn add_walk_in(&self, db: &Database, recorded_by: Option<MemberId>) -> Result<SavedPerson> {
        // The save runs with the form locked: an edit cannot slip between it and the tick.
        Ok(lock(&self.draft).add_walk_in(db.store(), recorded_by)?)
    }

    pub fn set_notes(&self, notes: String) {
        lock(&self.draft).notes = notes;
    }

    /// Why the visit being corrected was wrong (only a correction has one).
    pub fn set_correction_reason(&self, reason: String) {
        lock(&self.draft).correction_reason = reason;
    }

    /// When it happened; `null` for the moment of saving.
    pub fn set_occurred_at(&self, occurred_at: Option<Timestamp>) {
        lock(&self.draft).occurred_at = occurred_at;
    }

    pub fn set_location(&self, location: Option<Location>) {
        lock(&self.draft).location = location;
    }

    pub fn set_campaign(&self, campaign_id: Option<CampaignId>) -> Result<()> {
        lock(&self.draft).campaign_id = campaign_id;
        Ok(())
    }

    /// Every problem now, from the same rules and stored facts as the save.
    pub fn state(&self, db: &Database) -> Result<FormState> {
        let draft = self.draft();
        Ok(draft.state(db.store())?)
    }

    /// Save it (durable before this returns).
    pub fn save(&self, db: &Database) -> Result<SavedVisit> {
        let draft = self.draft();
        Ok(draft.save(db.store())?)
    }
}

// ---------------------------------------------------------------- self-reports

/// A household's self-report: for each person, the 5 skills in plain words (see
/// `skillChoices()`), ticked by the citizen; one save for everyone.
#[derive(Debug, uniffi::Object)]
pub struct SelfReportForm {
    draft: Mutex<SelfReportDraft>,
}

#[uniffi::export]
impl SelfReportForm {
    /// The household's members, nothing ticked.
    #[uniffi::constructor]
    pub fn for_household(db: &Database, household_id: HouseholdId, channel: Channel) -> Result<Arc<Self>> {
        Ok(Arc::new(Self { draft: Mutex::new(SelfReportDraft::for_household(db.store(), household_id, channel)?) }))
    }

    /// A form kept by `to_json()`.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Self { draft: from_json(&json)? }))
    }

    pub fn to_json(&self) -> Result<String> {
        to_json(&self.draft)
    }

    pub fn draft(&self) -> SelfReportDraft {
        lock(&self.draft).clone()
    }

    /// Tick or untick a skill for a person of the household.
    pub fn toggle(&self, person_id: PersonId, skill: String) -> Result<()> {
        lock(&self.draft).toggle(person_id, &skill);
        Ok(())
    }

    pub fn state(&self) -> FormState {
        lock(&self.draft).state(now())
    }

    /// Save everyone's report in one transaction.
    pub fn save(&self, db: &Database) -> Result<Vec<SavedSelfReport>> {
        let draft = self.draft();
        Ok(draft.save(db.store())?)
    }
}

// ---------------------------------------------------------------- a leader's verification and correction

/// A team leader saw a person do skills, and ticks them: all verified in one save.
#[derive(Debug, uniffi::Object)]
pub struct VerificationForm {
    draft: Mutex<VerificationDraft>,
}

#[uniffi::export]
impl VerificationForm {
    #[uniffi::constructor]
    pub fn new(person_id: PersonId, leader_id: MemberId) -> Result<Arc<Self>> {
        Ok(Arc::new(Self { draft: Mutex::new(VerificationDraft::new(person_id, leader_id)) }))
    }

    /// A form kept by `to_json()`.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Self { draft: from_json(&json)? }))
    }

    pub fn to_json(&self) -> Result<String> {
        to_json(&self.draft)
    }

    pub fn draft(&self) -> VerificationDraft {
        lock(&self.draft).clone()
    }

    pub fn toggle(&self, skill: String) {
        lock(&self.draft).toggle(&skill);
    }

    pub fn state(&self) -> FormState {
        lock(&self.draft).state()
    }

    /// Record every ticked skill as verified (each its own audited fact), all or none.
    pub fn save(&self, db: &Database) -> Result<Vec<VerificationId>> {
        let draft = self.draft();
        Ok(draft.save(db.store())?)
    }
}

/// A team leader corrects one skill's level (the only way a level goes down), with the
/// reason, kept for audit.
#[derive(Debug, uniffi::Object)]
pub struct CorrectionForm {
    draft: Mutex<CorrectionDraft>,
}

#[uniffi::export]
impl CorrectionForm {
    #[uniffi::constructor]
    pub fn new(person_id: PersonId, leader_id: MemberId, skill: String, to_level: SkillLevel) -> Result<Arc<Self>> {
        Ok(Arc::new(Self { draft: Mutex::new(CorrectionDraft::new(person_id, leader_id, &skill, to_level)) }))
    }

    /// A form kept by `to_json()`.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Self { draft: from_json(&json)? }))
    }

    pub fn to_json(&self) -> Result<String> {
        to_json(&self.draft)
    }

    pub fn draft(&self) -> CorrectionDraft {
        lock(&self.draft).clone()
    }

    pub fn set_skill(&self, skill: String) {
        lock(&self.draft).skill = skill;
    }

    pub fn set_to_level(&self, to_level: SkillLevel) {
        lock(&self.draft).to_level = to_level;
    }

    pub fn set_reason(&self, reason: String) {
        lock(&self.draft).reason = reason;
    }

    pub fn state(&self) -> FormState {
        lock(&self.draft).state()
    }

    pub fn save(&self, db: &Database) -> Result<CorrectionId> {
        let draft = self.draft();
        Ok(draft.save(db.store())?)
    }
}
