//! Before an op is merged: does it decode into the model struct, may this device write
//! it (docs/sync-protocol.md §4), and does it pass the core's validation rules?
//!
//! Validation is the core's (`tungnha_core::validate`), fed with what the server knows.
//! Two problem codes never reject on the server: `time_in_future` and
//! `time_implausibly_old` — a phone clock may have been wrong, and the fact is still real.
//! And a correction is not refused because another phone corrected the same visit first
//! (`already_superseded` is a rule for one device's screen, not for merging two phones).

use super::reject::Refusal;
use super::scope::unit_contains;
use crate::error::StoreError;
use crate::storage::{Device, Placement, StoredRecord, TeamTargets, Touch, Tx};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use tungnha_core::catalog;
use tungnha_core::ids::MemberId;
use tungnha_core::model::{
    Assignment, AssignmentTarget, Campaign, Household, NewCampaign, NewPerson, NewSelfReport, NewVisit, Person, SelfReport,
    SkillCorrection, SkillVerification, Team, Village, Visit, VisitPlace,
};
use tungnha_core::problem::{Problem, ProblemCode, Problems};
use tungnha_core::store::outbox::{Entity, Op, OpKind};
use tungnha_core::store::{HouseholdPatch, PersonPatch};
use tungnha_core::sync::{merge, Role};
use tungnha_core::units::UnitLevel;
use tungnha_core::validate::{self, text, VisitContext};

/// Why an op did not pass: refused (its answer to the client), or the database failed.
#[derive(Debug)]
pub(crate) enum Failure {
    Refused(Refusal),
    Store(StoreError),
}

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Self {
        Failure::Refused(r)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

/// An op that may be merged, with where its record sits.
#[derive(Debug)]
pub(crate) struct Accepted {
    pub record_id: String,
    pub existing: Option<StoredRecord>,
    pub place: Placement,
    /// Visits: every household the visit touches.
    pub households: Option<Vec<String>>,
    /// Records that come into a team's scope because of this op.
    pub touch: Option<Touch>,
}

/// A locality's own topic as the core emits it.
#[derive(Debug, Deserialize)]
struct LocalTopic {
    code: String,
    name_vi: String,
    name_en: String,
}

/// Fields of a conflict record that nobody may change (they say what the conflict was).
const CONFLICT_FIXED: [&str; 9] =
    ["entity", "entity_id", "field", "kept", "kept_version", "other", "other_version", "household_id", "op_id"];

pub(crate) async fn check<T: Tx>(
    tx: &mut T,
    who: &Device,
    targets: &TeamTargets,
    op: &Op,
    now: DateTime<Utc>,
) -> Result<Accepted, Failure> {
    let Some(fields) = op.fields.as_object() else {
        return Err(Refusal::malformed("fields must be a JSON object").into());
    };
    let fact = merge::is_fact(op.entity);
    let kind_fits = if fact { op.kind == OpKind::Append } else { op.kind != OpKind::Append };
    if !kind_fits {
        return Err(Refusal::malformed(format!("{:?} records cannot be changed by {:?}", op.entity, op.kind)).into());
    }
    if op.entity == Entity::Conflict && op.kind != OpKind::Update {
        return Err(Refusal::out_of_scope("Chỉ máy chủ mới tạo bản ghi xung đột", "Only the server makes conflict records").into());
    }
    match op.kind {
        OpKind::Create | OpKind::Append => check_new(tx, who, targets, op, fields, now).await,
        OpKind::Update | OpKind::Delete => {
            let existing = tx.lock_record(op.entity, &op.entity_id).await?.ok_or_else(Refusal::unknown_record)?;
            permit(who, targets, op.entity, op.kind, &existing.place)?;
            if op.kind == OpKind::Update {
                check_update(op, fields, &existing, now)?;
            }
            Ok(Accepted {
                record_id: op.entity_id.clone(),
                place: existing.place.clone(),
                existing: Some(existing),
                households: None,
                touch: None,
            })
        }
    }
}

/// May this device write a record placed here? (docs/sync-protocol.md §4)
fn permit(who: &Device, targets: &TeamTargets, entity: Entity, kind: OpKind, place: &Placement) -> Result<(), Refusal> {
    use Entity as E;
    match who.role {
        Role::CommuneOfficial | Role::ProvinceOfficial => {
            if matches!(entity, E::Campaign | E::LocalTopic) {
                return Ok(());
            }
            let unit = who.commune_key.as_deref().unwrap_or_default();
            match place.commune_key.as_deref() {
                Some(c) if unit_contains(unit, c) => Ok(()),
                _ => Err(Refusal::outside_unit()),
            }
        }
        Role::Volunteer | Role::TeamLeader => {
            let leader = who.role == Role::TeamLeader;
            let allowed = match entity {
                E::Household | E::Person | E::SelfReport | E::Visit => true,
                E::SkillVerification | E::SkillCorrection | E::Conflict => leader,
                E::Village | E::Campaign | E::Team | E::Assignment | E::LocalTopic => false,
            };
            if !allowed {
                return Err(Refusal::role());
            }
            let in_area = if entity == E::Household && kind == OpKind::Create {
                place.village_id.as_deref().is_some_and(|v| targets.villages.contains(v))
            } else if entity == E::Visit {
                // Visits are checked household by household in `visit_permit`.
                true
            } else {
                place.household_id.as_deref().is_some_and(|h| targets.covers(h, place.village_id.as_deref()))
            };
            if in_area {
                Ok(())
            } else {
                Err(Refusal::outside_team_area())
            }
        }
        Role::Citizen => match (entity, kind) {
            (E::SelfReport, OpKind::Append) | (E::Person, OpKind::Update) => {
                let own = who.household_id.map(|h| h.to_string());
                if place.household_id.is_some() && place.household_id == own {
                    Ok(())
                } else {
                    Err(Refusal::out_of_scope(
                        "Bạn chỉ có thể cập nhật thông tin của hộ gia đình mình",
                        "You can only update your own household",
                    ))
                }
            }
            _ => Err(Refusal::role()),
        },
    }
}

/// Volunteers and leaders record visits for their own team, for households in its area.
fn visit_permit(who: &Device, targets: &TeamTargets, visit: &Visit, households: &BTreeMap<String, Option<String>>) -> Result<(), Refusal> {
    if !matches!(who.role, Role::Volunteer | Role::TeamLeader) {
        return Ok(());
    }
    if who.team_id != Some(visit.team_id) {
        return Err(Refusal::out_of_scope("Lượt hướng dẫn phải được ghi cho tổ của bạn", "The visit must be recorded for your own team"));
    }
    if households.iter().all(|(h, v)| targets.covers(h, v.as_deref())) {
        Ok(())
    } else {
        Err(Refusal::outside_team_area())
    }
}

fn decode<T: DeserializeOwned>(fields: &Map<String, Value>) -> Result<T, Refusal> {
    serde_json::from_value(Value::Object(fields.clone())).map_err(Refusal::malformed)
}

fn same_id(payload_id: impl ToString, op: &Op) -> Result<(), Refusal> {
    if payload_id.to_string() == op.entity_id {
        Ok(())
    } else {
        Err(Refusal::malformed("the record's id differs from the operation's entity_id"))
    }
}

/// Errors that block, without the clock problems the server tolerates.
fn blocking(ps: Problems) -> Vec<Problem> {
    ps.0.into_iter().filter(|p| p.is_error() && !matches!(p.code, ProblemCode::TimeInFuture | ProblemCode::TimeImplausiblyOld)).collect()
}

fn verdict(ps: Problems) -> Result<(), Refusal> {
    let errors = blocking(ps);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Refusal::invalid(errors))
    }
}

fn keep<T>(ps: &mut Problems, r: Result<T, Problem>) {
    if let Err(p) = r {
        ps.push(p);
    }
}

fn unknown_commune(ps: &mut Problems, key: &str) {
    if !super::scope::is_unit(key, UnitLevel::Commune) {
        ps.push(Problem::error(
            "commune_key",
            ProblemCode::UnknownCommune,
            "Không có xã/phường này trong danh mục đơn vị hành chính",
            "This commune is not in the list of administrative units",
        ));
    }
}

fn village_problems(v: &Village) -> Problems {
    let mut ps = Problems::new();
    keep(&mut ps, text::line("name", &v.name, text::ADDRESS_MAX_CHARS));
    unknown_commune(&mut ps, &v.commune_key);
    ps
}

fn team_problems(t: &Team) -> Problems {
    let mut ps = Problems::new();
    keep(&mut ps, text::line("name", &t.name, text::ADDRESS_MAX_CHARS));
    unknown_commune(&mut ps, &t.commune_key);
    for (i, m) in t.members.iter().enumerate() {
        keep(&mut ps, text::name(&format!("members[{i}].full_name"), &m.full_name));
        validate::optional_phone(&mut ps, &format!("members[{i}].phone"), m.phone.as_deref());
    }
    ps
}

fn campaign_problems(c: &Campaign) -> Problems {
    let new = NewCampaign {
        name: c.name.clone(),
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        launch_at: c.launch_at,
        targets: c.targets.clone(),
        deadlines: c.deadlines.clone(),
        team_label: c.team_label.clone(),
    };
    validate::campaign(&new).1
}

fn topic_problems(t: &LocalTopic) -> Problems {
    let mut ps = Problems::new();
    keep(&mut ps, text::line("name_vi", &t.name_vi, text::NAME_MAX_CHARS));
    keep(&mut ps, text::line("name_en", &t.name_en, text::NAME_MAX_CHARS));
    if t.code.len() <= catalog::LOCAL_TOPIC_PREFIX.len() || !t.code.starts_with(catalog::LOCAL_TOPIC_PREFIX) {
        ps.push(text::required("code"));
    }
    ps
}

fn household_field_problems(
    address: Option<&str>,
    phone: Option<Option<&str>>,
    location: Option<tungnha_core::model::CoarseLocation>,
) -> Problems {
    let mut ps = Problems::new();
    if let Some(a) = address {
        keep(&mut ps, text::line("address", a, text::ADDRESS_MAX_CHARS));
    }
    if let Some(p) = phone {
        validate::optional_phone(&mut ps, "phone", p);
    }
    if let Some(l) = location {
        keep(&mut ps, validate::location("location", l));
    }
    ps
}

/// Whether `leader` is a member with a verifying role in a team of the commune.
async fn leader_can_verify<T: Tx>(tx: &mut T, commune: Option<&str>, leader: MemberId) -> Result<bool, StoreError> {
    let Some(commune) = commune else { return Ok(false) };
    let teams = tx.records_in_commune(Entity::Team, commune).await?;
    Ok(teams
        .into_iter()
        .filter_map(|r| serde_json::from_value::<Team>(Value::Object(r.state.fields)).ok())
        .any(|t| t.members.iter().any(|m| m.id == leader && m.role.can_verify)))
}

fn not_a_leader() -> Problem {
    Problem::error(
        "leader_id",
        ProblemCode::NotALeader,
        "Chỉ tổ trưởng (vai trò được xác nhận kỹ năng) mới được xác nhận hoặc sửa mức kỹ năng",
        "Only a team leader (a role that verifies skills) may verify or correct a skill level",
    )
}

fn unknown_skill(skill: &str) -> Problem {
    Problem::error(
        "skill",
        ProblemCode::UnknownSkill,
        format!("Kỹ năng \"{skill}\" không có trong danh mục"),
        format!("Skill \"{skill}\" is not in the catalog"),
    )
}

fn unknown_person() -> Refusal {
    Refusal::one("person_id", ProblemCode::UnknownPerson, "Không tìm thấy người này", "Person not found")
}

/// Where a record about one person sits: that person's household.
fn person_place(person: &StoredRecord) -> Placement {
    Placement {
        commune_key: person.place.commune_key.clone(),
        village_id: person.place.village_id.clone(),
        household_id: person.place.household_id.clone(),
        ..Placement::default()
    }
}

async fn check_new<T: Tx>(
    tx: &mut T,
    who: &Device,
    targets: &TeamTargets,
    op: &Op,
    fields: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<Accepted, Failure> {
    let record_id = op.entity_id.clone();
    let mut households = None;
    let mut touch = None;
    let place = match op.entity {
        Entity::Village => {
            let v: Village = decode(fields)?;
            same_id(v.id, op)?;
            let place = Placement { commune_key: Some(v.commune_key.clone()), village_id: Some(record_id.clone()), ..Placement::default() };
            permit(who, targets, op.entity, op.kind, &place)?;
            verdict(village_problems(&v))?;
            place
        }
        Entity::Household => {
            let h: Household = decode(fields)?;
            same_id(h.id, op)?;
            let Some(village) = tx.record(Entity::Village, &h.village_id.to_string()).await? else {
                return Err(Refusal::one("village_id", ProblemCode::UnknownVillage, "Không tìm thấy thôn/bản", "Village not found").into());
            };
            let place = Placement {
                commune_key: village.place.commune_key.clone(),
                village_id: Some(village.id.clone()),
                household_id: Some(record_id.clone()),
                ..Placement::default()
            };
            permit(who, targets, op.entity, op.kind, &place)?;
            verdict(household_field_problems(Some(&h.address), Some(h.phone.as_deref()), h.location))?;
            place
        }
        Entity::Person => {
            let p: Person = decode(fields)?;
            same_id(p.id, op)?;
            let Some(household) = tx.record(Entity::Household, &p.household_id.to_string()).await? else {
                return Err(Refusal::one(
                    "household_id",
                    ProblemCode::UnknownHousehold,
                    "Không tìm thấy hộ gia đình",
                    "Household not found",
                )
                .into());
            };
            let place = person_place(&household);
            permit(who, targets, op.entity, op.kind, &place)?;
            let new = NewPerson {
                full_name: p.full_name.clone(),
                birth_year: p.birth_year,
                sex: p.sex,
                relation: p.relation,
                phone: p.phone.clone(),
                consent: Some(p.consent.clone()),
            };
            verdict(validate::person(&new, now).1)?;
            place
        }
        Entity::Visit => {
            let v: Visit = decode(fields)?;
            same_id(v.id, op)?;
            let (place, touched) = check_visit(tx, who, targets, &v, now).await?;
            households = Some(touched);
            place
        }
        Entity::SelfReport => {
            let r: SelfReport = decode(fields)?;
            same_id(r.id, op)?;
            let person = tx.record(Entity::Person, &r.person_id.to_string()).await?;
            let new = NewSelfReport { person_id: r.person_id, skills: r.skills.clone(), channel: r.channel, reported_at: r.reported_at };
            let problems = validate::self_report(&new, person.is_some(), now).1;
            let Some(person) = person else { return Err(Refusal::invalid(blocking(problems)).into()) };
            let place = person_place(&person);
            permit(who, targets, op.entity, op.kind, &place)?;
            verdict(problems)?;
            place
        }
        Entity::SkillVerification => {
            let v: SkillVerification = decode(fields)?;
            same_id(v.id, op)?;
            let person = tx.record(Entity::Person, &v.person_id.to_string()).await?.ok_or_else(unknown_person)?;
            let place = person_place(&person);
            permit(who, targets, op.entity, op.kind, &place)?;
            let mut ps = Problems::new();
            if catalog::skill(&v.skill).is_none() {
                ps.push(unknown_skill(&v.skill));
            }
            if !leader_can_verify(tx, place.commune_key.as_deref(), v.leader_id).await? {
                ps.push(not_a_leader());
            }
            verdict(ps)?;
            place
        }
        Entity::SkillCorrection => {
            let c: SkillCorrection = decode(fields)?;
            same_id(c.id, op)?;
            let person = tx.record(Entity::Person, &c.person_id.to_string()).await?.ok_or_else(unknown_person)?;
            let place = person_place(&person);
            permit(who, targets, op.entity, op.kind, &place)?;
            let mut ps = Problems::new();
            keep(&mut ps, validate::correction_reason(&c.reason));
            if catalog::skill(&c.skill).is_none() {
                ps.push(unknown_skill(&c.skill));
            }
            if !leader_can_verify(tx, place.commune_key.as_deref(), c.leader_id).await? {
                ps.push(not_a_leader());
            }
            verdict(ps)?;
            place
        }
        Entity::Campaign => {
            let c: Campaign = decode(fields)?;
            same_id(c.id, op)?;
            let place = Placement::default();
            permit(who, targets, op.entity, op.kind, &place)?;
            verdict(campaign_problems(&c))?;
            place
        }
        Entity::Team => {
            let t: Team = decode(fields)?;
            same_id(t.id, op)?;
            let place = Placement { commune_key: Some(t.commune_key.clone()), team_id: Some(record_id.clone()), ..Placement::default() };
            permit(who, targets, op.entity, op.kind, &place)?;
            verdict(team_problems(&t))?;
            place
        }
        Entity::Assignment => {
            let a: Assignment = decode(fields)?;
            same_id(a.id, op)?;
            let Some(team) = tx.record(Entity::Team, &a.team_id.to_string()).await? else {
                return Err(Refusal::one("team_id", ProblemCode::UnknownTeam, "Không tìm thấy tổ", "Team not found").into());
            };
            let (target, target_place) = match a.target {
                AssignmentTarget::Village(v) => {
                    let r = tx.record(Entity::Village, &v.to_string()).await?;
                    (Touch::Village(v.to_string()), r.map(|r| r.place))
                }
                AssignmentTarget::Household(h) => {
                    let r = tx.record(Entity::Household, &h.to_string()).await?;
                    (Touch::Household(h.to_string()), r.map(|r| r.place))
                }
            };
            let Some(target_place) = target_place else {
                return Err(Refusal::one(
                    "target",
                    ProblemCode::UnknownVillage,
                    "Không tìm thấy thôn/bản hoặc hộ được giao",
                    "The assigned village or household was not found",
                )
                .into());
            };
            // Both the team and what it is given must be in the official's area.
            permit(who, targets, op.entity, op.kind, &target_place)?;
            let place = Placement {
                commune_key: team.place.commune_key.clone(),
                team_id: Some(team.id.clone()),
                village_id: match &target {
                    Touch::Village(v) => Some(v.clone()),
                    Touch::Household(_) => None,
                },
                household_id: match &target {
                    Touch::Household(h) => Some(h.clone()),
                    Touch::Village(_) => None,
                },
                supersedes: None,
            };
            permit(who, targets, op.entity, op.kind, &place)?;
            touch = Some(target);
            place
        }
        Entity::LocalTopic => {
            let t: LocalTopic = decode(fields)?;
            same_id(&t.code, op)?;
            let place = Placement::default();
            permit(who, targets, op.entity, op.kind, &place)?;
            verdict(topic_problems(&t))?;
            place
        }
        Entity::Conflict => return Err(Refusal::role().into()),
    };
    let existing = tx.lock_record(op.entity, &record_id).await?;
    let place = match &existing {
        // A create of a record the server already has keeps the record where it is.
        Some(e) if e.place != place => {
            permit(who, targets, op.entity, op.kind, &e.place)?;
            e.place.clone()
        }
        _ => place,
    };
    Ok(Accepted { record_id, existing, place, households, touch })
}

/// A visit: build the core's context from the server's records, check the team's area,
/// validate. Returns the visit's placement and the households it touches.
async fn check_visit<T: Tx>(
    tx: &mut T,
    who: &Device,
    targets: &TeamTargets,
    v: &Visit,
    now: DateTime<Utc>,
) -> Result<(Placement, Vec<String>), Failure> {
    let mut ctx = VisitContext::default();
    // household -> its village, for every household the visit touches
    let mut households: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut place_village = None;
    if let VisitPlace::Household { household_id } = &v.place {
        if let Some(h) = tx.record(Entity::Household, &household_id.to_string()).await? {
            ctx.household_exists = true;
            place_village = h.place.village_id.clone();
            households.insert(h.id.clone(), h.place.village_id.clone());
        }
    }
    for a in &v.attendees {
        let Some(p) = tx.record(Entity::Person, &a.person_id.to_string()).await? else { continue };
        let Some(h) = p.place.household_id.clone() else { continue };
        if let Ok(hid) = h.parse() {
            ctx.person_households.insert(a.person_id, hid);
        }
        households.insert(h, p.place.village_id.clone());
    }
    let team = tx.record(Entity::Team, &v.team_id.to_string()).await?;
    ctx.team_exists = team.is_some();
    if let Some(c) = v.campaign_id {
        ctx.campaign =
            tx.record(Entity::Campaign, &c.to_string()).await?.and_then(|r| serde_json::from_value(Value::Object(r.state.fields)).ok());
        ctx.campaign_named_but_missing = ctx.campaign.is_none();
    }
    if v.topics.iter().any(|t| catalog::topic(t.trim()).is_none()) {
        ctx.local_topics = tx.local_topics().await?;
    }
    if let Some(old) = v.supersedes {
        // Whether another correction of the same visit arrived first is not checked
        // (`supersedes_already_superseded_by` stays empty): two phones may correct one
        // visit offline, both corrections are facts, and refusing the later arrival
        // would make the result depend on arrival order.
        ctx.supersedes_exists = tx.record(Entity::Visit, &old.to_string()).await?.is_some();
    }
    let new = NewVisit {
        place: v.place.clone(),
        campaign_id: v.campaign_id,
        team_id: v.team_id,
        volunteer_id: v.volunteer_id,
        occurred_at: v.occurred_at,
        attendees: v.attendees.clone(),
        topics: v.topics.clone(),
        notes: v.notes.clone(),
        location: v.location,
        supersedes: v.supersedes,
    };
    let problems = blocking(validate::visit(&new, &ctx, now).1);
    let Some(team) = team else { return Err(Refusal::invalid(problems).into()) };
    let place = Placement {
        commune_key: team.place.commune_key.clone(),
        village_id: place_village,
        household_id: match &v.place {
            VisitPlace::Household { household_id } if ctx.household_exists => Some(household_id.to_string()),
            _ => None,
        },
        team_id: Some(team.id.clone()),
        supersedes: v.supersedes.map(|s| s.to_string()),
    };
    permit(who, targets, Entity::Visit, OpKind::Append, &place)?;
    visit_permit(who, targets, v, &households)?;
    if !problems.is_empty() {
        return Err(Refusal::invalid(problems).into());
    }
    Ok((place, households.into_keys().collect()))
}

/// An update: only editable fields, each passing the rule it passes on the device.
fn check_update(op: &Op, fields: &Map<String, Value>, existing: &StoredRecord, now: DateTime<Utc>) -> Result<(), Failure> {
    let editable: &[&str] = match op.entity {
        Entity::Household => &["address", "phone", "location", "indicators"],
        Entity::Person => &["full_name", "birth_year", "sex", "relation", "phone"],
        Entity::Village => &["name"],
        Entity::Team => &["name", "members"],
        Entity::Campaign => &["name", "starts_on", "ends_on", "launch_at", "targets", "deadlines", "team_label"],
        Entity::Assignment => &["volunteer_id"],
        Entity::LocalTopic => &["name_vi", "name_en"],
        Entity::Conflict => {
            if let Some(k) = fields.keys().find(|k| CONFLICT_FIXED.contains(&k.as_str())) {
                return Err(Refusal::malformed(format!("field \"{k}\" of a conflict cannot be changed")).into());
            }
            if fields.get("resolved").is_some_and(|r| !r.is_boolean()) {
                return Err(Refusal::malformed("\"resolved\" must be true or false").into());
            }
            return Ok(());
        }
        Entity::Visit | Entity::SelfReport | Entity::SkillVerification | Entity::SkillCorrection => &[],
    };
    if let Some(k) = fields.keys().find(|k| !editable.contains(&k.as_str())) {
        return Err(Refusal::malformed(format!("field \"{k}\" cannot be changed")).into());
    }
    match op.entity {
        Entity::Household => {
            let p: HouseholdPatch = decode(fields)?;
            let phone = p.phone.as_ref().map(|p| p.as_deref());
            verdict(household_field_problems(p.address.as_deref(), phone, p.location.flatten()))?;
        }
        Entity::Person => {
            let p: PersonPatch = decode(fields)?;
            let mut ps = Problems::new();
            if let Some(n) = &p.full_name {
                keep(&mut ps, text::name("full_name", n));
            }
            if let Some(Some(y)) = p.birth_year {
                keep(&mut ps, validate::birth_year("birth_year", y, now));
            }
            if let Some(phone) = &p.phone {
                validate::optional_phone(&mut ps, "phone", phone.as_deref());
            }
            verdict(ps)?;
        }
        _ => {
            // Validate the record as it would be after the merge.
            let (merged, _) = merge::apply_op(Some(existing.state.clone()), op).map_err(Refusal::malformed)?;
            let ps = match op.entity {
                Entity::Village => village_problems(&decode(&merged.fields)?),
                Entity::Team => team_problems(&decode(&merged.fields)?),
                Entity::Campaign => campaign_problems(&decode(&merged.fields)?),
                Entity::Assignment => {
                    let _: Assignment = decode(&merged.fields)?;
                    Problems::new()
                }
                Entity::LocalTopic => topic_problems(&decode(&merged.fields)?),
                _ => Problems::new(),
            };
            verdict(ps)?;
        }
    }
    Ok(())
}
