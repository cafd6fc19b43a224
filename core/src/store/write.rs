//! Writing the facts: households, people, visits, self-reports, verifications and
//! corrections. Each write validates first (nothing is written when any error is
//! found), then writes its rows, the derived per-household status, and its outbox entry
//! in one transaction.

use super::derive::{recompute_household, refresh_search_key};
use super::{enum_text, setup, ts, Store, WriteTx};
use crate::catalog;
use crate::error::{CoreError, CoreResult};
use crate::hlc::Hlc;
use crate::ids::{CorrectionId, HouseholdId, MemberId, OpId, PersonId, SelfReportId, VerificationId, VisitId};
use crate::model::{
    Consent, Household, HouseholdPatch, NewHousehold, NewPerson, NewSelfReport, NewVisit, Person, PersonPatch, SelfReport, SkillCorrection,
    SkillLevel, SkillVerification, Visit, VisitPlace,
};
use crate::problem::{Problem, ProblemCode, Problems};
use crate::sync::protocol::{Entity, OpKind};
use crate::validate::{self, VisitContext};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::BTreeSet;

/// A saved record's id, with any warnings the volunteer should see.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved<T> {
    pub id: T,
    pub warnings: Vec<Problem>,
}

fn invalid(p: Problem) -> CoreError {
    CoreError::Invalid(Problems(vec![p]))
}

fn not_found(entity: &'static str, id: impl ToString) -> CoreError {
    CoreError::NotFound { entity, id: id.to_string() }
}

pub(super) fn opt_bool(b: Option<bool>) -> Option<i64> {
    b.map(i64::from)
}

impl Store {
    /// Add a household with its head (who must have given consent).
    pub fn add_household(&self, h: &NewHousehold) -> CoreResult<Saved<HouseholdId>> {
        self.register_household(h, &[])
    }

    /// Register a household with its head and other members in one transaction: all of
    /// it is saved, or nothing (a problem with member `i` is reported as `members[i].…`).
    pub fn register_household(&self, h: &NewHousehold, members: &[NewPerson]) -> CoreResult<Saved<HouseholdId>> {
        let ((h, others), warnings) = {
            let (clean, problems) = validate::registration(h, members, self.now());
            Problems::accept(clean, problems)?
        };
        self.write(|w| {
            let village_name: Option<String> =
                w.tx.prepare_cached("SELECT name FROM villages WHERE id = ?1")?.query_row([h.village_id], |r| r.get(0)).optional()?;
            let Some(village_name) = village_name else {
                return Err(invalid(Problem::error("village_id", ProblemCode::UnknownVillage, "Không tìm thấy thôn/bản", "Village not found")));
            };
            let id = HouseholdId::new();
            let head_id = PersonId::new();
            let household = Household {
                id,
                village_id: h.village_id,
                address: h.address.clone(),
                head_id,
                phone: h.phone.clone(),
                location: h.location,
                indicators: h.indicators,
                created_at: w.now,
            };
            let version = w.emit(Entity::Household, &id.to_string(), OpKind::Create, None, &household)?;
            let i = &h.indicators;
            w.tx.prepare_cached(
                "INSERT INTO households (id, village_id, address, head_id, phone, lat, lon, has_smartphone, has_broadband, has_epayment_adult,
                 uses_internet, created_at, version, search_key, head_name, member_count)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 0)",
            )?
            .execute(params![
                id,
                h.village_id,
                h.address,
                head_id,
                h.phone,
                h.location.map(|l| l.lat),
                h.location.map(|l| l.lon),
                opt_bool(i.has_smartphone),
                opt_bool(i.has_broadband),
                opt_bool(i.has_epayment_adult),
                opt_bool(i.uses_internet),
                ts(w.now),
                version.to_string(),
                crate::search::fold(&format!("{} {village_name}", h.address)),
                h.head.full_name,
            ])?;
            insert_person(w, head_id, id, &h.head)?;
            for m in &others {
                insert_person(w, PersonId::new(), id, m)?;
            }
            Ok(Saved { id, warnings })
        })
    }

    /// Add a member to a household (consent required).
    pub fn add_person(&self, household_id: HouseholdId, p: &NewPerson) -> CoreResult<Saved<PersonId>> {
        let (p, warnings) = {
            let (clean, problems) = validate::person(p, self.now());
            Problems::accept(clean, problems)?
        };
        self.write(|w| {
            let exists: bool =
                w.tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM households WHERE id = ?1 AND deleted = 0)")?
                    .query_row([household_id], |r| r.get(0))?;
            if !exists {
                return Err(not_found("household", household_id));
            }
            let id = PersonId::new();
            insert_person(w, id, household_id, &p)?;
            Ok(Saved { id, warnings })
        })
    }

    /// Edit a registered household in one transaction: its own fields, its members'
    /// changed fields, and new members. Every change is checked first (a problem of
    /// member `i` is reported as `members[i].…`, in the order given: the changed members,
    /// then the new ones); any error and nothing is written.
    pub fn edit_household(
        &self,
        id: HouseholdId,
        patch: &HouseholdPatch,
        changed: &[(PersonId, PersonPatch)],
        added: &[NewPerson],
    ) -> CoreResult<Saved<HouseholdId>> {
        let now = self.now();
        let mut all = Problems::new();
        let household = validate::household_patch(patch);
        all.extend(household.1);
        let mut people = Vec::with_capacity(changed.len());
        for (i, (person, p)) in changed.iter().enumerate() {
            let (clean, ps) = validate::person_patch(p, now);
            all.extend(ps.prefixed(&format!("members[{i}]")));
            people.push((*person, clean));
        }
        let mut new_people = Vec::with_capacity(added.len());
        for (i, p) in added.iter().enumerate() {
            let (clean, ps) = validate::person(p, now);
            all.extend(ps.prefixed(&format!("members[{}]", changed.len() + i)));
            new_people.push(clean);
        }
        if all.has_errors() {
            return Err(CoreError::Invalid(all));
        }
        let warnings = all.0;
        self.write(|w| {
            let exists: bool =
                w.tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM households WHERE id = ?1 AND deleted = 0)")?
                    .query_row([id], |r| r.get(0))?;
            if !exists {
                return Err(not_found("household", id));
            }
            if let Some(clean) = household.0.as_ref().filter(|p| **p != HouseholdPatch::default()) {
                patch_household_in(w, id, clean)?;
            }
            for (person, clean) in &people {
                let Some(clean) = clean.as_ref().filter(|p| **p != PersonPatch::default()) else { continue };
                let belongs: bool =
                    w.tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM persons WHERE id = ?1 AND household_id = ?2 AND deleted = 0)")?
                        .query_row(params![person, id], |r| r.get(0))?;
                if !belongs {
                    return Err(not_found("person", *person));
                }
                patch_person_in(w, *person, clean)?;
            }
            for p in new_people.iter().flatten() {
                insert_person(w, PersonId::new(), id, p)?;
            }
            refresh_search_key(&w.tx, id)?;
            Ok(Saved { id, warnings })
        })
    }

    /// Change household fields. Only the changed fields go into the outbox.
    pub fn update_household(&self, id: HouseholdId, patch: &HouseholdPatch) -> CoreResult<Saved<HouseholdId>> {
        let (clean, _warnings) = {
            let (clean, problems) = validate::household_patch(patch);
            Problems::accept(clean, problems)?
        };
        self.write(|w| {
            patch_household_in(w, id, &clean)?;
            refresh_search_key(&w.tx, id)?;
            Ok(Saved { id, warnings: vec![] })
        })
    }

    /// Change person fields. Only the changed fields go into the outbox.
    pub fn update_person(&self, id: PersonId, patch: &PersonPatch) -> CoreResult<Saved<PersonId>> {
        let (clean, _warnings) = {
            let (clean, problems) = validate::person_patch(patch, self.now());
            Problems::accept(clean, problems)?
        };
        self.write(|w| {
            let household = patch_person_in(w, id, &clean)?;
            refresh_search_key(&w.tx, household)?;
            Ok(Saved { id, warnings: vec![] })
        })
    }

    /// Record one guidance session. Append-only: to correct a visit, record a new one
    /// with `supersedes` set to the old id.
    pub fn record_visit(&self, v: &NewVisit) -> CoreResult<Saved<VisitId>> {
        self.write(|w| record_visit_in(w, v))
    }

    /// Record `v` in place of a visit the server refused (`refused`, the operation in
    /// quarantine): the refused operation and its local rows go, the new visit is saved
    /// and queued, in one transaction. Nothing changes if `v` has errors.
    pub fn record_visit_replacing(&self, v: &NewVisit, refused: OpId) -> CoreResult<Saved<VisitId>> {
        self.write(|w| {
            let entity: Option<String> =
                w.tx.prepare_cached("SELECT entity FROM quarantine WHERE op_id = ?1")?.query_row([refused], |r| r.get(0)).optional()?;
            if entity.as_deref() != Some(enum_text(Entity::Visit).as_str()) {
                return Err(CoreError::NotFound { entity: "refused visit", id: refused.to_string() });
            }
            super::apply::drop_refused(&w.tx, refused)?;
            record_visit_in(w, v)
        })
    }
}

fn record_visit_in(w: &mut WriteTx<'_>, v: &NewVisit) -> CoreResult<Saved<VisitId>> {
    let ctx = visit_context(&w.tx, v)?;
    let (v, warnings) = {
        let (clean, problems) = validate::visit(v, &ctx, w.now);
        Problems::accept(clean, problems)?
    };
    let id = VisitId::new();
    let visit = v.into_visit(id, w.now);
    let hlc = w.emit(Entity::Visit, &id.to_string(), OpKind::Append, None, &visit)?;
    insert_visit(&w.tx, &visit, hlc)?;
    raise_from_visit(&w.tx, &visit)?;
    Ok(Saved { id, warnings })
}

impl Store {
    /// The problems [`Self::record_visit`] would find in `v` now, without saving it (a
    /// visit form shows them as the volunteer ticks).
    pub fn check_visit(&self, v: &NewVisit) -> CoreResult<Problems> {
        let ctx = self.read(|c| visit_context(c, v))?;
        Ok(validate::visit(v, &ctx, self.now()).1)
    }

    /// Record a citizen's own statement of the skills they have.
    pub fn record_self_report(&self, r: &NewSelfReport) -> CoreResult<Saved<SelfReportId>> {
        let mut saved = self.record_self_reports(std::slice::from_ref(r))?;
        Ok(saved.remove(0))
    }

    /// Several people's self-reports (a household's, from one form) in one transaction:
    /// all saved, or none (a problem with report `i` is reported as `reports[i].…`).
    pub fn record_self_reports(&self, reports: &[NewSelfReport]) -> CoreResult<Vec<Saved<SelfReportId>>> {
        self.write(|w| {
            let mut clean = Vec::with_capacity(reports.len());
            let mut all = Problems::new();
            for (i, r) in reports.iter().enumerate() {
                let known = person_household(&w.tx, r.person_id)?.is_some();
                let (c, ps) = validate::self_report(r, known, w.now);
                let ps = if reports.len() == 1 { ps } else { ps.prefixed(&format!("reports[{i}]")) };
                clean.push((c, ps.warnings()));
                all.extend(ps);
            }
            if all.has_errors() {
                return Err(CoreError::Invalid(all));
            }
            let mut saved = Vec::with_capacity(clean.len());
            for (r, warnings) in clean {
                let Some(r) = r else { return Err(CoreError::Invalid(all)) };
                let report = SelfReport {
                    id: SelfReportId::new(),
                    person_id: r.person_id,
                    skills: r.skills,
                    channel: r.channel,
                    reported_at: r.reported_at,
                };
                let hlc = w.emit(Entity::SelfReport, &report.id.to_string(), OpKind::Append, None, &report)?;
                insert_self_report(&w.tx, &report, hlc)?;
                for s in &report.skills {
                    raise_skill(&w.tx, report.person_id, s, SkillLevel::SelfReported, report.reported_at)?;
                }
                refresh_mastery(&w.tx, report.person_id)?;
                saved.push(Saved { id: report.id, warnings });
            }
            Ok(saved)
        })
    }

    /// A leader saw the person do the skill: raise it to `Verified`.
    pub fn verify_skill(&self, person: PersonId, skill: &str, leader: MemberId) -> CoreResult<VerificationId> {
        let mut ids = self.verify_skills(person, &[skill.to_owned()], leader)?;
        Ok(ids.remove(0))
    }

    /// A leader saw the person do these skills: all verified in one transaction, or none
    /// (a problem with skill `i` is reported as `skills[i].…`).
    pub fn verify_skills(&self, person: PersonId, skills: &[String], leader: MemberId) -> CoreResult<Vec<VerificationId>> {
        self.write(|w| {
            let mut clean = Vec::with_capacity(skills.len());
            let mut all = Problems::new();
            for (i, skill) in skills.iter().enumerate() {
                let v =
                    SkillVerification { id: VerificationId::new(), person_id: person, skill: skill.clone(), leader_id: leader, at: w.now };
                let (c, ps) = validate::verification(&v, leader_context(&w.tx, person, leader)?, w.now);
                all.extend(if skills.len() == 1 { ps } else { ps.prefixed(&format!("skills[{i}]")) });
                clean.push(c);
            }
            if all.has_errors() {
                return Err(CoreError::Invalid(all));
            }
            let mut ids = Vec::with_capacity(clean.len());
            for v in clean {
                let Some(v) = v else { return Err(CoreError::Invalid(all)) };
                let hlc = w.emit(Entity::SkillVerification, &v.id.to_string(), OpKind::Append, None, &v)?;
                insert_verification(&w.tx, &v, hlc)?;
                raise_skill(&w.tx, person, &v.skill, SkillLevel::Verified, v.at)?;
                ids.push(v.id);
            }
            refresh_mastery(&w.tx, person)?;
            Ok(ids)
        })
    }

    /// The only way a level goes down: a leader's correction, with a reason, kept for audit.
    pub fn correct_skill(
        &self,
        person: PersonId,
        skill: &str,
        to_level: SkillLevel,
        leader: MemberId,
        reason: &str,
    ) -> CoreResult<CorrectionId> {
        self.write(|w| {
            let c = SkillCorrection {
                id: CorrectionId::new(),
                person_id: person,
                skill: skill.to_owned(),
                to_level,
                leader_id: leader,
                reason: reason.to_owned(),
                at: w.now,
            };
            let (c, _warnings) = {
                let (clean, problems) = validate::correction(&c, leader_context(&w.tx, person, leader)?, w.now);
                Problems::accept(clean, problems)?
            };
            let from: i64 =
                w.tx.query_row("SELECT level FROM person_skills WHERE person_id = ?1 AND skill = ?2", params![person, skill], |r| r.get(0))
                    .optional()?
                    .unwrap_or(0);
            if from == to_level as i64 {
                return Err(invalid(Problem::error(
                    "to_level",
                    ProblemCode::NothingChanged,
                    "Mức này không thay đổi",
                    "The level is unchanged",
                )));
            }
            let hlc = w.emit(Entity::SkillCorrection, &c.id.to_string(), OpKind::Append, None, &c)?;
            insert_correction(&w.tx, &c, from, hlc)?;
            w.tx.execute(
                "INSERT INTO person_skills (person_id, skill, level, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (person_id, skill) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at",
                params![person, skill, to_level as i64, ts(c.at)],
            )?;
            refresh_mastery(&w.tx, person)?;
            Ok(c.id)
        })
    }
}

/// Write a (validated) household patch's fields.
pub(super) fn write_household_patch(tx: &Transaction<'_>, id: HouseholdId, p: &HouseholdPatch) -> CoreResult<()> {
    if let Some(a) = &p.address {
        tx.prepare_cached("UPDATE households SET address = ?2 WHERE id = ?1")?.execute(params![id, a])?;
    }
    if let Some(phone) = &p.phone {
        tx.prepare_cached("UPDATE households SET phone = ?2 WHERE id = ?1")?.execute(params![id, phone])?;
    }
    if let Some(l) = &p.location {
        tx.prepare_cached("UPDATE households SET lat = ?2, lon = ?3 WHERE id = ?1")?.execute(params![
            id,
            l.map(|l| l.lat),
            l.map(|l| l.lon)
        ])?;
    }
    if let Some(i) = &p.indicators {
        tx.prepare_cached(
            "UPDATE households SET has_smartphone = ?2, has_broadband = ?3, has_epayment_adult = ?4, uses_internet = ?5 WHERE id = ?1",
        )?
        .execute(params![
            id,
            opt_bool(i.has_smartphone),
            opt_bool(i.has_broadband),
            opt_bool(i.has_epayment_adult),
            opt_bool(i.uses_internet)
        ])?;
    }
    Ok(())
}

/// Write a (validated) person patch's fields, keeping the head's name on the household.
pub(super) fn write_person_patch(tx: &Transaction<'_>, id: PersonId, p: &PersonPatch) -> CoreResult<()> {
    if let Some(n) = &p.full_name {
        tx.prepare_cached("UPDATE persons SET full_name = ?2, search_key = tn_fold(?2) WHERE id = ?1")?.execute(params![id, n])?;
        tx.prepare_cached("UPDATE households SET head_name = ?2 WHERE head_id = ?1")?.execute(params![id, n])?;
    }
    if let Some(y) = p.birth_year {
        tx.prepare_cached("UPDATE persons SET birth_year = ?2 WHERE id = ?1")?.execute(params![id, y])?;
    }
    if let Some(sex) = p.sex {
        tx.prepare_cached("UPDATE persons SET sex = ?2 WHERE id = ?1")?.execute(params![id, sex.map(enum_text)])?;
    }
    if let Some(r) = p.relation {
        tx.prepare_cached("UPDATE persons SET relation = ?2 WHERE id = ?1")?.execute(params![id, enum_text(r)])?;
    }
    if let Some(phone) = &p.phone {
        tx.prepare_cached("UPDATE persons SET phone = ?2 WHERE id = ?1")?.execute(params![id, phone])?;
    }
    Ok(())
}

/// Write a validated household patch and its outbox op (the caller refreshes the search key).
fn patch_household_in(w: &mut WriteTx<'_>, id: HouseholdId, clean: &HouseholdPatch) -> CoreResult<()> {
    let base = version_of(&w.tx, "households", &id.to_string())?.ok_or_else(|| not_found("household", id))?;
    let version = w.emit(Entity::Household, &id.to_string(), OpKind::Update, Some(base), clean)?;
    write_household_patch(&w.tx, id, clean)?;
    w.tx.execute("UPDATE households SET version = ?2 WHERE id = ?1", params![id, version.to_string()])?;
    Ok(())
}

/// Write a validated person patch and its outbox op; returns the person's household.
fn patch_person_in(w: &mut WriteTx<'_>, id: PersonId, clean: &PersonPatch) -> CoreResult<HouseholdId> {
    let base = version_of(&w.tx, "persons", &id.to_string())?.ok_or_else(|| not_found("person", id))?;
    let household: HouseholdId = w.tx.query_row("SELECT household_id FROM persons WHERE id = ?1", [id], |r| r.get(0))?;
    let version = w.emit(Entity::Person, &id.to_string(), OpKind::Update, Some(base), clean)?;
    write_person_patch(&w.tx, id, clean)?;
    w.tx.execute("UPDATE persons SET version = ?2 WHERE id = ?1", params![id, version.to_string()])?;
    Ok(household)
}

fn insert_person(w: &mut WriteTx<'_>, id: PersonId, household: HouseholdId, p: &NewPerson) -> CoreResult<()> {
    let Some(consent) = &p.consent else {
        // validate::person refuses this; keep the invariant here too.
        return Err(invalid(Problem::error("consent", ProblemCode::ConsentMissing, "Thiếu sự đồng ý", "Consent missing")));
    };
    let person = Person {
        id,
        household_id: household,
        full_name: p.full_name.clone(),
        birth_year: p.birth_year,
        sex: p.sex,
        relation: p.relation,
        phone: p.phone.clone(),
        vneid_activated: false,
        consent: consent.clone(),
    };
    let version = w.emit(Entity::Person, &id.to_string(), OpKind::Create, None, &person)?;
    let Consent { given_by, given_at, purpose, recorded_by } = consent;
    w.tx.prepare_cached(
        "INSERT INTO persons (id, household_id, full_name, birth_year, sex, relation, phone, consent_given_by, consent_given_at,
         consent_purpose, consent_recorded_by, created_at, version, search_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, tn_fold(?3))",
    )?
    .execute(params![
        id,
        household,
        p.full_name,
        p.birth_year,
        p.sex.map(enum_text),
        enum_text(p.relation),
        p.phone,
        given_by,
        ts(*given_at),
        purpose,
        recorded_by,
        ts(w.now),
        version.to_string()
    ])?;
    w.tx.prepare_cached("UPDATE households SET member_count = member_count + 1 WHERE id = ?1")?.execute([household])?;
    refresh_search_key(&w.tx, household)
}

fn version_of(tx: &Transaction<'_>, table: &str, id: &str) -> CoreResult<Option<Hlc>> {
    let v: Option<String> =
        tx.query_row(&format!("SELECT version FROM {table} WHERE id = ?1 AND deleted = 0"), [id], |r| r.get(0)).optional()?;
    Ok(v.and_then(|s| s.parse().ok()))
}

fn person_household(tx: &rusqlite::Connection, person: PersonId) -> CoreResult<Option<HouseholdId>> {
    Ok(tx.prepare_cached("SELECT household_id FROM persons WHERE id = ?1 AND deleted = 0")?.query_row([person], |r| r.get(0)).optional()?)
}

fn leader_context(tx: &Transaction<'_>, person: PersonId, leader: MemberId) -> CoreResult<validate::LeaderContext> {
    Ok(validate::LeaderContext {
        person_known: person_household(tx, person)?.is_some(),
        leader_can_verify: setup::member_can_verify(tx, leader)?,
    })
}

fn visit_context(tx: &rusqlite::Connection, v: &NewVisit) -> CoreResult<VisitContext> {
    let mut ctx = VisitContext::default();
    for a in &v.attendees {
        if let Some(h) = person_household(tx, a.person_id)? {
            ctx.person_households.insert(a.person_id, h);
        }
    }
    if let VisitPlace::Household { household_id } = &v.place {
        ctx.household_exists = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM households WHERE id = ?1 AND deleted = 0)")?
            .query_row([household_id], |r| r.get(0))?;
    }
    ctx.team_exists = tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM teams WHERE id = ?1)")?.query_row([v.team_id], |r| r.get(0))?;
    if let Some(c) = v.campaign_id {
        ctx.campaign = setup::load_campaign(tx, c)?;
        ctx.campaign_named_but_missing = ctx.campaign.is_none();
    }
    if v.topics.iter().any(|t| catalog::topic(t).is_none()) {
        let mut st = tx.prepare_cached("SELECT code FROM local_topics")?;
        ctx.local_topics = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    }
    if let Some(old) = v.supersedes {
        ctx.supersedes_exists = tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM visits WHERE id = ?1)")?.query_row([old], |r| r.get(0))?;
        ctx.supersedes_already_superseded_by =
            tx.prepare_cached("SELECT id FROM visits WHERE supersedes = ?1")?.query_row([old], |r| r.get(0)).optional()?;
    }
    Ok(ctx)
}

/// Write a visit's rows (visit, topics, attendees, outcomes) and its households' status.
/// Used for local saves and for visits pulled from the server alike.
pub(super) fn insert_visit(tx: &Transaction<'_>, v: &Visit, hlc: Hlc) -> CoreResult<()> {
    let (household, place) = match &v.place {
        VisitPlace::Household { household_id } => (Some(*household_id), None),
        VisitPlace::Group { place } => (None, Some(place.as_str())),
    };
    tx.prepare_cached(
        "INSERT INTO visits (id, household_id, place, campaign_id, team_id, volunteer_id, occurred_at, recorded_at, notes, lat, lon, supersedes, hlc, correction_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        v.id,
        household,
        place,
        v.campaign_id,
        v.team_id,
        v.volunteer_id,
        ts(v.occurred_at),
        ts(v.recorded_at),
        v.notes,
        v.location.map(|l| l.lat),
        v.location.map(|l| l.lon),
        v.supersedes,
        hlc.to_string(),
        v.correction_reason
    ])?;
    let mut topic = tx.prepare_cached("INSERT INTO visit_topics (visit_id, topic) VALUES (?1, ?2)")?;
    for t in &v.topics {
        topic.execute(params![v.id, t])?;
    }
    let mut attendee = tx.prepare_cached("INSERT INTO visit_attendees (visit_id, person_id, household_id) VALUES (?1, ?2, ?3)")?;
    let mut outcome = tx.prepare_cached("INSERT INTO visit_outcomes (visit_id, person_id, kind, code) VALUES (?1, ?2, ?3, ?4)")?;
    let mut households = BTreeSet::new();
    for a in &v.attendees {
        let Some(h) = a.household_id else { continue };
        households.insert(h);
        attendee.execute(params![v.id, a.person_id, h])?;
        for s in &a.skills_guided {
            outcome.execute(params![v.id, a.person_id, "skill", s])?;
        }
        for act in &a.actions {
            outcome.execute(params![v.id, a.person_id, "action", act])?;
        }
        for app in &a.apps_installed {
            outcome.execute(params![v.id, a.person_id, "app", app])?;
        }
    }
    let mut bump = tx.prepare_cached(
        "UPDATE households SET visit_count = visit_count + 1,
             last_visit_at = CASE WHEN last_visit_at IS NULL OR last_visit_at < ?2 THEN ?2 ELSE last_visit_at END
         WHERE id = ?1",
    )?;
    for h in &households {
        bump.execute(params![h, ts(v.occurred_at)])?;
    }
    if let Some(old) = v.supersedes {
        // The corrected visit no longer counts: recompute its households from the facts (a rare path).
        let mut st = tx.prepare_cached("SELECT DISTINCT household_id FROM visit_attendees WHERE visit_id = ?1")?;
        let olds: Vec<HouseholdId> = st.query_map([old], |r| r.get(0))?.collect::<Result<_, _>>()?;
        for h in olds {
            recompute_household(tx, h)?;
        }
    }
    Ok(())
}

/// A locally recorded visit is the newest fact (its HLC is the device's latest), so
/// raising levels incrementally gives what a recompute from all facts would.
fn raise_from_visit(tx: &Transaction<'_>, v: &Visit) -> CoreResult<()> {
    for a in &v.attendees {
        for s in &a.skills_guided {
            raise_skill(tx, a.person_id, s, SkillLevel::Guided, v.occurred_at)?;
        }
        if a.actions.iter().any(|x| x == "vneid_activated") {
            tx.prepare_cached("UPDATE persons SET vneid_activated = 1 WHERE id = ?1")?.execute([a.person_id])?;
        }
        if SkillLevel::Guided >= SkillLevel::MASTERY && !a.skills_guided.is_empty() {
            refresh_mastery(tx, a.person_id)?;
        }
    }
    Ok(())
}

pub(super) fn insert_self_report(tx: &Transaction<'_>, r: &SelfReport, hlc: Hlc) -> CoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO self_reports (id, person_id, skills, channel, reported_at, hlc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET hlc = excluded.hlc",
    )?
    .execute(params![r.id, r.person_id, r.skills.join(","), enum_text(r.channel), ts(r.reported_at), hlc.to_string()])?;
    Ok(())
}

pub(super) fn insert_verification(tx: &Transaction<'_>, v: &SkillVerification, hlc: Hlc) -> CoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO skill_verifications (id, person_id, skill, leader_id, at, hlc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET hlc = excluded.hlc",
    )?
    .execute(params![v.id, v.person_id, v.skill, v.leader_id, ts(v.at), hlc.to_string()])?;
    Ok(())
}

pub(super) fn insert_correction(tx: &Transaction<'_>, c: &SkillCorrection, from_level: i64, hlc: Hlc) -> CoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO skill_corrections (id, person_id, skill, from_level, to_level, leader_id, reason, at, hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO UPDATE SET hlc = excluded.hlc",
    )?
    .execute(params![c.id, c.person_id, c.skill, from_level, c.to_level as i64, c.leader_id, c.reason, ts(c.at), hlc.to_string()])?;
    Ok(())
}

/// Raise a skill to at least `level` (never lowers it).
fn raise_skill(tx: &Transaction<'_>, person: PersonId, skill: &str, level: SkillLevel, at: DateTime<Utc>) -> CoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO person_skills (person_id, skill, level, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (person_id, skill) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at
         WHERE excluded.level > person_skills.level",
    )?
    .execute(params![person, skill, level as i64, ts(at)])?;
    Ok(())
}

/// Recount a person's mastered skills and, if that changed, their household's masters.
fn refresh_mastery(tx: &Transaction<'_>, person: PersonId) -> CoreResult<()> {
    let skills: Vec<&str> = catalog::SKILLS.iter().map(|s| s.code).collect();
    let changed = tx
        .prepare_cached(
            "UPDATE persons SET skills_mastered = (SELECT count(*) FROM person_skills s WHERE s.person_id = ?1 AND s.level >= ?2
                 AND s.skill IN (?3, ?4, ?5, ?6, ?7))
             WHERE id = ?1 AND skills_mastered IS NOT (SELECT count(*) FROM person_skills s WHERE s.person_id = ?1 AND s.level >= ?2
                 AND s.skill IN (?3, ?4, ?5, ?6, ?7))",
        )?
        .execute(params![person, SkillLevel::MASTERY as i64, skills[0], skills[1], skills[2], skills[3], skills[4]])?;
    if changed > 0 {
        tx.prepare_cached(
            "UPDATE households SET mastered_count = (SELECT count(*) FROM persons p WHERE p.household_id = households.id AND p.deleted = 0 AND p.skills_mastered >= ?2)
             WHERE id = (SELECT household_id FROM persons WHERE id = ?1)",
        )?
        .execute(params![person, catalog::SKILLS.len() as i64])?;
    }
    Ok(())
}
