//! One op from a device, made into what the server stores: decoded into the model type,
//! checked by the core's rules (`tungnha_core::validate`, fed with what the server
//! knows), placed by the server from records it holds, checked against the device's
//! scope and authorship, and serialised canonically. The raw payload is never stored:
//! a field the model does not know is refused; what cleaning changes (spaces, accents
//! composed, repeated codes) is stored cleaned, the same on every replica.
//!
//! Two clock problems (`time_in_future`, `time_implausibly_old`) never refuse a fact on
//! the server: a phone clock may have been wrong, and the fact is still real.

use super::ports::{is_config, Device, NewRecord, Placement, RecordKey, StoredRecord, Tx};
use super::reject::Refusal;
use super::scope::{filing_province, unit_contains, DeviceScope};
use crate::error::StoreError;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use tungnha_core::hlc::Hlc;
use tungnha_core::ids::{MemberId, OpId, TeamId};
use tungnha_core::model::{
    Assignment, AssignmentTarget, Campaign, Household, LocalTopic, NewSelfReport, NewVisit, Person, SelfReport, SkillCorrection,
    SkillVerification, Team, Village, Visit, VisitPlace,
};
use tungnha_core::problem::{Problem, ProblemCode, Problems};
use tungnha_core::sync::merge::{self, FieldConflict, MergeError};
use tungnha_core::sync::protocol::{Entity, Op, OpKind};
use tungnha_core::sync::Role;
use tungnha_core::validate::{self, LeaderContext, VisitContext};

/// Longest record id accepted (ids are UUIDs; local topic codes are short).
const MAX_ID_LEN: usize = 100;

/// Whether a record id is worth looking up (not empty, not longer than any id).
pub(crate) fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN
}

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

/// What the engine knows while applying one request: who sends, what they may see now,
/// and records read once per request.
pub(crate) struct Ctx<'a> {
    pub device: &'a Device,
    pub scope: &'a DeviceScope,
    pub now: DateTime<Utc>,
    teams: HashMap<String, Option<(Team, Placement)>>,
    campaigns: HashMap<String, Option<Campaign>>,
    local_topics: Option<HashSet<String>>,
    /// Where records sit (`None`: absent or deleted), read once per request and kept up
    /// to date with the request's own writes: a batch that registers a household, its
    /// people and their visits reads each placement at most once.
    placements: HashMap<(Entity, String), Option<Placement>>,
}

impl<'a> Ctx<'a> {
    pub fn new(device: &'a Device, scope: &'a DeviceScope, now: DateTime<Utc>) -> Self {
        Self { device, scope, now, teams: HashMap::new(), campaigns: HashMap::new(), local_topics: None, placements: HashMap::new() }
    }

    /// Where a live (not deleted) record sits.
    async fn placement<T: Tx>(&mut self, tx: &mut T, entity: Entity, id: &str) -> Result<Option<Placement>, StoreError> {
        let key = (entity, id.to_owned());
        if let Some(p) = self.placements.get(&key) {
            return Ok(p.clone());
        }
        let p = tx.placement(entity, id).await?.filter(|(_, deleted)| !deleted).map(|(p, _)| p);
        self.placements.insert(key, p.clone());
        Ok(p)
    }

    /// A record this request wrote: where it sits now, `None` if deleted (kept for the
    /// records later ops of a batch refer to: villages, households, people).
    fn placed(&mut self, entity: Entity, id: &str, place: Option<&Placement>) {
        if matches!(entity, Entity::Village | Entity::Household | Entity::Person) {
            self.placements.insert((entity, id.to_owned()), place.cloned());
        }
    }

    async fn team<T: Tx>(&mut self, tx: &mut T, id: TeamId) -> Result<Option<(Team, Placement)>, StoreError> {
        let key = id.to_string();
        if let Some(t) = self.teams.get(&key) {
            return Ok(t.clone());
        }
        let t = tx.record(Entity::Team, &key).await?.filter(|r| r.state.deleted.is_none()).and_then(|r| {
            let team: Option<Team> = Team::deserialize(&Value::Object(r.state.fields)).ok();
            team.map(|t| (t, r.place))
        });
        self.teams.insert(key, t.clone());
        Ok(t)
    }

    async fn campaign<T: Tx>(&mut self, tx: &mut T, id: String) -> Result<Option<Campaign>, StoreError> {
        if let Some(c) = self.campaigns.get(&id) {
            return Ok(c.clone());
        }
        let c = tx
            .record(Entity::Campaign, &id)
            .await?
            .filter(|r| r.state.deleted.is_none())
            .and_then(|r| Campaign::deserialize(&Value::Object(r.state.fields)).ok());
        self.campaigns.insert(id, c.clone());
        Ok(c)
    }

    async fn local_topics<T: Tx>(&mut self, tx: &mut T) -> Result<HashSet<String>, StoreError> {
        if self.local_topics.is_none() {
            self.local_topics = Some(tx.local_topics().await?);
        }
        Ok(self.local_topics.clone().unwrap_or_default())
    }

    /// Forget what this request's own writes may have changed.
    fn written(&mut self, entity: Entity, id: &str) {
        match entity {
            Entity::Team => {
                self.teams.remove(id);
            }
            Entity::Campaign => {
                self.campaigns.remove(id);
            }
            Entity::LocalTopic => self.local_topics = None,
            _ => {}
        }
    }

    fn unit(&self) -> &str {
        self.device.commune_key.as_deref().unwrap_or_default()
    }

    fn is_official(&self) -> bool {
        matches!(self.device.role, Role::CommuneOfficial | Role::ProvinceOfficial)
    }
}

/// What can be known of an op without the database, found before the request takes
/// its transaction (so it runs beside other requests' writes): its shape, its payload
/// decoded into the model type and, where the rules need nothing the database holds,
/// cleaned into its canonical text. A refusal found here is kept and given at the same
/// point of the checks as before, so the answer does not depend on when it was found.
#[derive(Debug, Clone)]
pub(crate) enum Early {
    /// An update or delete: checked against the record inside the transaction.
    Change,
    Village(Village, Cleaned),
    Household(Household, Cleaned),
    Person(Person, Cleaned),
    Visit(Box<Visit>),
    SelfReport(SelfReport, Cleaned),
    Verification(SkillVerification),
    Correction(SkillCorrection),
    Campaign(Cleaned),
    Team(Team, Cleaned),
    Assignment(Assignment, Cleaned),
    LocalTopic(Cleaned),
}

/// A new record's canonical text, or why its own content is refused.
pub(crate) type Cleaned = Result<String, Refusal>;

/// Check what an op is without the database (see [`Early`]).
pub(crate) fn early(op: &Op, now: DateTime<Utc>) -> Result<Early, Refusal> {
    if !op.fields.is_object() {
        return Err(Refusal::malformed("fields must be a JSON object"));
    }
    if !plausible_id(&op.entity_id) {
        return Err(Refusal::malformed("the record id is empty or too long"));
    }
    let fact = merge::is_fact(op.entity);
    let kind_fits = if fact { op.kind == OpKind::Append } else { op.kind != OpKind::Append };
    if !kind_fits {
        return Err(Refusal::malformed(format!("{:?} records cannot be changed by {:?}", op.entity, op.kind)));
    }
    if op.entity == Entity::Conflict && op.kind != OpKind::Update {
        return Err(Refusal::out_of_scope(
            "Chỉ máy chủ mới tạo hoặc xoá bản ghi xung đột",
            "Only the server makes or removes conflict records",
        ));
    }
    if !matches!(op.kind, OpKind::Create | OpKind::Append) {
        return Ok(Early::Change);
    }
    let sent = &op.fields;
    Ok(match op.entity {
        Entity::Village => {
            let v: Village = decode(sent)?;
            same_id(v.id, op)?;
            let clean = cleaned(&v, validate::village);
            Early::Village(v, clean)
        }
        Entity::Household => {
            let h: Household = decode(sent)?;
            same_id(h.id, op)?;
            let clean = cleaned(&h, |h: &Household| validate::household_record(h, now));
            Early::Household(h, clean)
        }
        Entity::Person => {
            let p: Person = decode(sent)?;
            same_id(p.id, op)?;
            let clean = cleaned(&p, |p: &Person| validate::person_record(p, now));
            Early::Person(p, clean)
        }
        Entity::Visit => {
            let v: Visit = decode(sent)?;
            same_id(v.id, op)?;
            if v.attendees.len() > validate::MAX_ATTENDEES {
                return Err(Refusal::invalid(vec![validate::too_many("attendees", v.attendees.len(), validate::MAX_ATTENDEES)]));
            }
            Early::Visit(Box::new(v))
        }
        Entity::SelfReport => {
            let r: SelfReport = decode(sent)?;
            same_id(r.id, op)?;
            let new = NewSelfReport { person_id: r.person_id, skills: r.skills.clone(), channel: r.channel, reported_at: r.reported_at };
            let (clean, problems) = validate::self_report(&new, true, now);
            let clean = verdict(clean, problems).and_then(|c| {
                let report =
                    SelfReport { id: r.id, person_id: c.person_id, skills: c.skills, channel: c.channel, reported_at: c.reported_at };
                serde_json::to_string(&report).map_err(Refusal::malformed)
            });
            Early::SelfReport(r, clean)
        }
        Entity::SkillVerification => {
            let v: SkillVerification = decode(sent)?;
            same_id(v.id, op)?;
            Early::Verification(v)
        }
        Entity::SkillCorrection => {
            let c: SkillCorrection = decode(sent)?;
            same_id(c.id, op)?;
            Early::Correction(c)
        }
        Entity::Campaign => {
            let c: Campaign = decode(sent)?;
            same_id(c.id, op)?;
            Early::Campaign(cleaned(&c, validate::campaign_record))
        }
        Entity::Team => {
            let t: Team = decode(sent)?;
            same_id(t.id, op)?;
            let clean = cleaned(&t, validate::team_record);
            Early::Team(t, clean)
        }
        Entity::Assignment => {
            let a: Assignment = decode(sent)?;
            same_id(a.id, op)?;
            let clean = cleaned(&a, |a: &Assignment| (Some(a.clone()), Problems::new()));
            Early::Assignment(a, clean)
        }
        Entity::LocalTopic => {
            let t: LocalTopic = decode(sent)?;
            same_id(&t.code, op)?;
            Early::LocalTopic(cleaned(&t, validate::local_topic))
        }
        Entity::Conflict => return Err(Refusal::role()),
    })
}

/// Apply one op (its [`early`] checks passed): check it against what the server holds,
/// merge it into the record, write. Returns the records written, in order (the op's
/// record, then any conflict it caused).
pub(crate) async fn apply<T: Tx>(tx: &mut T, ctx: &mut Ctx<'_>, op: &Op, early: Early) -> Result<Vec<RecordKey>, Failure> {
    let fact = merge::is_fact(op.entity);
    let written = match op.kind {
        OpKind::Create | OpKind::Append => {
            let (fields, place) = new_record(tx, ctx, op, early).await?;
            let record = NewRecord { entity: op.entity, id: op.entity_id.clone(), version: op.hlc, fields, place };
            if tx.insert_record(&record).await? {
                ctx.placed(op.entity, &op.entity_id, Some(&record.place));
                vec![(op.entity, op.entity_id.clone())]
            } else {
                let existing = tx.lock_record(op.entity, &op.entity_id).await?.ok_or_else(Refusal::unknown_record)?;
                let fields: Map<String, Value> = serde_json::from_str(&record.fields).map_err(Refusal::malformed)?;
                if fact {
                    // The same fact again (another op id): nothing changes. Different
                    // content under an existing id is refused, never merged into it.
                    if existing.state.fields == fields {
                        vec![]
                    } else {
                        return Err(Refusal::id_taken().into());
                    }
                } else {
                    // A create of a record the server has is an edit of its editable
                    // fields: the same whitelist and conflict detection as an update, and
                    // nothing that places the record may differ.
                    permit(ctx, op.entity, OpKind::Update, &existing.place)?;
                    let editable = merge::editable_fields(op.entity);
                    if let Some(k) =
                        fields.keys().find(|k| !editable.contains(&k.as_str()) && existing.state.fields.get(*k) != fields.get(*k))
                    {
                        return Err(Refusal::not_editable(k).into());
                    }
                    let patch: Map<String, Value> = fields.into_iter().filter(|(k, _)| editable.contains(&k.as_str())).collect();
                    update(tx, ctx, op, existing, patch).await?
                }
            }
        }
        OpKind::Update => {
            let existing = tx.lock_record(op.entity, &op.entity_id).await?.ok_or_else(Refusal::unknown_record)?;
            permit(ctx, op.entity, OpKind::Update, &existing.place)?;
            let patch = canonical_patch(tx, ctx, op, &existing).await?;
            update(tx, ctx, op, existing, patch).await?
        }
        OpKind::Delete => {
            let mut existing = tx.lock_record(op.entity, &op.entity_id).await?.ok_or_else(Refusal::unknown_record)?;
            permit(ctx, op.entity, OpKind::Delete, &existing.place)?;
            let (state, _) = merge::apply_op(Some(existing.state), op).map_err(merge_refusal)?;
            existing.state = state;
            tx.update_record(&existing).await?;
            let live = existing.state.deleted.is_none().then_some(&existing.place);
            ctx.placed(op.entity, &op.entity_id, live);
            vec![(op.entity, op.entity_id.clone())]
        }
    };
    ctx.written(op.entity, &op.entity_id);
    Ok(written)
}

/// Merge a canonical patch into a record (conflicts on identity fields become conflict
/// records), check the result, write.
async fn update<T: Tx>(
    tx: &mut T,
    ctx: &mut Ctx<'_>,
    op: &Op,
    mut existing: StoredRecord,
    patch: Map<String, Value>,
) -> Result<Vec<RecordKey>, Failure> {
    let as_update = Op { kind: OpKind::Update, fields: Value::Object(patch), ..op.clone() };
    let (state, conflicts) = merge::apply_op(Some(existing.state), &as_update).map_err(merge_refusal)?;
    // What is stored must stay a valid record of its type (for every phone that reads it).
    clean_record(op.entity, &state.fields, ctx.now)?;
    existing.state = state;
    tx.update_record(&existing).await?;
    let mut written = vec![(op.entity, op.entity_id.clone())];
    for c in &conflicts {
        let conflict = conflict_record(op, c, &existing.place)?;
        if tx.insert_record(&conflict).await? {
            written.push((Entity::Conflict, conflict.id));
        }
    }
    Ok(written)
}

fn merge_refusal(e: MergeError) -> Refusal {
    match e {
        MergeError::UnknownRecord => Refusal::unknown_record(),
        other => Refusal::malformed(other),
    }
}

/// The changed fields of an update, canonical: only editable fields, each cleaned by the
/// rule of its record type (checked as part of the whole record, so cross-field rules hold).
async fn canonical_patch<T: Tx>(tx: &mut T, ctx: &mut Ctx<'_>, op: &Op, existing: &StoredRecord) -> Result<Map<String, Value>, Failure> {
    let sent = op.fields.as_object().cloned().unwrap_or_default();
    let editable = merge::editable_fields(op.entity);
    if let Some(k) = sent.keys().find(|k| !editable.contains(&k.as_str())) {
        return Err(Refusal::not_editable(k).into());
    }
    let mut overlay = existing.state.fields.clone();
    overlay.extend(sent.clone());
    let clean = clean_record(op.entity, &overlay, ctx.now)?;
    let mut patch = Map::new();
    for (k, v) in &sent {
        let c = clean.get(k).cloned().unwrap_or(Value::Null);
        if let Some(p) = validate::unknown_field_problem(v, &c) {
            return Err(Refusal::invalid(vec![Problem { field: format!("{k}.{}", p.field), ..p }]).into());
        }
        patch.insert(k.clone(), c);
    }
    if op.entity == Entity::Assignment {
        let a: Assignment = decode(&Value::Object(overlay))?;
        check_assignee(tx, ctx, &a).await?;
    }
    Ok(patch)
}

/// A whole mutable record, decoded, checked and serialised canonically.
fn clean_record(entity: Entity, fields: &Map<String, Value>, now: DateTime<Utc>) -> Result<Map<String, Value>, Refusal> {
    let sent = Value::Object(fields.clone());
    match entity {
        Entity::Village => canonical(&sent, validate::village),
        Entity::Household => canonical(&sent, |h: &Household| validate::household_record(h, now)),
        Entity::Person => canonical(&sent, |p: &Person| validate::person_record(p, now)),
        Entity::Team => canonical(&sent, validate::team_record),
        Entity::Campaign => canonical(&sent, validate::campaign_record),
        Entity::LocalTopic => canonical(&sent, validate::local_topic),
        Entity::Assignment => canonical(&sent, |a: &Assignment| (Some(a.clone()), Problems::new())),
        Entity::Conflict => canonical(&sent, |c: &ConflictState| (Some(c.clone()), Problems::new())),
        Entity::Visit | Entity::SelfReport | Entity::SkillVerification | Entity::SkillCorrection => {
            Err(Refusal::malformed(format!("{entity:?} records cannot be changed")))
        }
    }
}

/// A conflict record as the server makes it (`resolved` is all a leader may change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ConflictState {
    entity: Entity,
    entity_id: String,
    field: String,
    kept: Value,
    kept_version: Hlc,
    other: Value,
    other_version: Hlc,
    resolved: bool,
    op_id: String,
    household_id: Option<String>,
}

/// Decode a payload into its model type; a field the type does not know is refused (by
/// its path), never dropped in silence.
fn decode<T: DeserializeOwned>(sent: &Value) -> Result<T, Refusal> {
    let mut unknown: Option<String> = None;
    let typed = serde_ignored::deserialize(sent, |path| {
        unknown.get_or_insert_with(|| path.to_string());
    })
    .map_err(Refusal::malformed)?;
    match unknown {
        None => Ok(typed),
        Some(path) => Err(Refusal::invalid(vec![Problem::error(
            path.clone(),
            ProblemCode::Malformed,
            format!("Trường \"{path}\" không có trong mẫu dữ liệu"),
            format!("Field \"{path}\" is not part of the record"),
        )])),
    }
}

/// Decode, clean with `rule`, serialise; refuse content errors and unknown fields.
fn canonical<T: DeserializeOwned + Serialize>(
    sent: &Value,
    rule: impl FnOnce(&T) -> (Option<T>, Problems),
) -> Result<Map<String, Value>, Refusal> {
    let typed: T = decode(sent)?;
    let (clean, problems) = rule(&typed);
    let clean = verdict(clean, problems)?;
    serialise(sent, &clean)
}

/// A new record, decoded from its payload (unknown fields already refused), cleaned by
/// `rule` and serialised: its canonical fields as JSON text.
fn cleaned<T: Serialize>(typed: &T, rule: impl FnOnce(&T) -> (Option<T>, Problems)) -> Result<String, Refusal> {
    let (clean, problems) = rule(typed);
    let clean = verdict(clean, problems)?;
    serde_json::to_string(&clean).map_err(Refusal::malformed)
}

fn serialise<T: Serialize>(sent: &Value, clean: &T) -> Result<Map<String, Value>, Refusal> {
    let value = serde_json::to_value(clean).map_err(Refusal::malformed)?;
    if let Some(p) = validate::unknown_field_problem(sent, &value) {
        return Err(Refusal::invalid(vec![p]));
    }
    match value {
        Value::Object(m) => Ok(m),
        _ => Err(Refusal::malformed("a record must be a JSON object")),
    }
}

/// The clean value, unless the rules found errors other than clock problems.
fn verdict<T>(clean: Option<T>, problems: Problems) -> Result<T, Refusal> {
    let errors: Vec<Problem> = problems.0.into_iter().filter(|p| p.is_error() && !p.code.is_clock()).collect();
    match clean {
        Some(v) if errors.is_empty() => Ok(v),
        _ => Err(Refusal::invalid(errors)),
    }
}

fn same_id(payload_id: impl ToString, op: &Op) -> Result<(), Refusal> {
    if payload_id.to_string() == op.entity_id {
        Ok(())
    } else {
        Err(Refusal::malformed("the record's id differs from the operation's entity_id"))
    }
}

/// A placement in a commune (its province filed too).
fn in_unit(unit: Option<String>) -> Placement {
    Placement { province: unit.as_deref().and_then(filing_province), unit, ..Placement::default() }
}

/// Where a record about one person sits: that person's household.
fn person_place(person: &Placement) -> Placement {
    Placement {
        unit: person.unit.clone(),
        province: person.province.clone(),
        village_id: person.village_id.clone(),
        household_id: person.household_id.clone(),
        ..Placement::default()
    }
}

fn unknown(field: &str, code: ProblemCode, vi: &str, en: &str) -> Refusal {
    Refusal::one(field, code, vi, en)
}

fn unknown_person() -> Refusal {
    unknown("person_id", ProblemCode::UnknownPerson, "Không tìm thấy người này", "Person not found")
}

/// A new record (create or append): its canonical fields and where it sits.
async fn new_record<T: Tx>(tx: &mut T, ctx: &mut Ctx<'_>, op: &Op, early: Early) -> Result<(String, Placement), Failure> {
    let now = ctx.now;
    Ok(match early {
        Early::Village(v, clean) => {
            let place = Placement { village_id: Some(op.entity_id.clone()), ..in_unit(Some(v.commune_key.clone())) };
            permit(ctx, op.entity, op.kind, &place)?;
            (clean?, place)
        }
        Early::Household(h, clean) => {
            let village = ctx
                .placement(tx, Entity::Village, &h.village_id.to_string())
                .await?
                .ok_or_else(|| unknown("village_id", ProblemCode::UnknownVillage, "Không tìm thấy thôn/bản", "Village not found"))?;
            let place =
                Placement { village_id: Some(h.village_id.to_string()), household_id: Some(op.entity_id.clone()), ..in_unit(village.unit) };
            permit(ctx, op.entity, op.kind, &place)?;
            (clean?, place)
        }
        Early::Person(p, clean) => {
            let household = ctx.placement(tx, Entity::Household, &p.household_id.to_string()).await?.ok_or_else(|| {
                unknown("household_id", ProblemCode::UnknownHousehold, "Không tìm thấy hộ gia đình", "Household not found")
            })?;
            let place = person_place(&household);
            permit(ctx, op.entity, op.kind, &place)?;
            if let (Some(by), Some(me)) = (p.consent.recorded_by, ctx.device.member_id) {
                if by != me && !ctx.is_official() {
                    return Err(Refusal::wrong_author("consent.recorded_by").into());
                }
            }
            (clean?, place)
        }
        Early::Visit(v) => visit(tx, ctx, &v).await?,
        Early::SelfReport(r, clean) => {
            let person = ctx.placement(tx, Entity::Person, &r.person_id.to_string()).await?.ok_or_else(unknown_person)?;
            let place = person_place(&person);
            permit(ctx, op.entity, op.kind, &place)?;
            (clean?, place)
        }
        Early::Verification(v) => {
            let person = ctx.placement(tx, Entity::Person, &v.person_id.to_string()).await?.ok_or_else(unknown_person)?;
            let place = person_place(&person);
            permit(ctx, op.entity, op.kind, &place)?;
            let leader = leader_context(tx, ctx, v.leader_id, &place).await?;
            (cleaned(&v, |v: &SkillVerification| validate::verification(v, leader, now))?, place)
        }
        Early::Correction(c) => {
            let person = ctx.placement(tx, Entity::Person, &c.person_id.to_string()).await?.ok_or_else(unknown_person)?;
            let place = person_place(&person);
            permit(ctx, op.entity, op.kind, &place)?;
            let leader = leader_context(tx, ctx, c.leader_id, &place).await?;
            (cleaned(&c, |c: &SkillCorrection| validate::correction(c, leader, now))?, place)
        }
        Early::Campaign(clean) | Early::LocalTopic(clean) => {
            let place = in_unit(ctx.device.commune_key.clone());
            permit(ctx, op.entity, op.kind, &place)?;
            (clean?, place)
        }
        Early::Team(t, clean) => {
            let place = Placement { team_id: Some(op.entity_id.clone()), ..in_unit(Some(t.commune_key.clone())) };
            permit(ctx, op.entity, op.kind, &place)?;
            (clean?, place)
        }
        Early::Assignment(a, clean) => {
            let (_, team_place) = ctx
                .team(tx, a.team_id)
                .await?
                .ok_or_else(|| unknown("team_id", ProblemCode::UnknownTeam, "Không tìm thấy tổ", "Team not found"))?;
            let (target_place, village_id, household_id) = match a.target {
                AssignmentTarget::Village(v) => (ctx.placement(tx, Entity::Village, &v.to_string()).await?, Some(v.to_string()), None),
                AssignmentTarget::Household(h) => (ctx.placement(tx, Entity::Household, &h.to_string()).await?, None, Some(h.to_string())),
            };
            let target_place = target_place.ok_or_else(|| {
                unknown(
                    "target",
                    ProblemCode::UnknownVillage,
                    "Không tìm thấy thôn/bản hoặc hộ được giao",
                    "The assigned village or household was not found",
                )
            })?;
            // Both the team and what it is given must be in the official's area.
            permit(ctx, op.entity, op.kind, &target_place)?;
            let place = Placement { team_id: Some(a.team_id.to_string()), village_id, household_id, ..in_unit(team_place.unit) };
            permit(ctx, op.entity, op.kind, &place)?;
            check_assignee(tx, ctx, &a).await?;
            (clean?, place)
        }
        Early::Change => return Err(Refusal::malformed("a change of a record is not a new record").into()),
    })
}

/// An assignment to one volunteer names a member of the team.
async fn check_assignee<T: Tx>(tx: &mut T, ctx: &mut Ctx<'_>, a: &Assignment) -> Result<(), Failure> {
    let Some(v) = a.volunteer_id else { return Ok(()) };
    let team = ctx.team(tx, a.team_id).await?;
    if team.is_some_and(|(t, _)| t.members.iter().any(|m| m.id == v)) {
        Ok(())
    } else {
        Err(Refusal::one(
            "volunteer_id",
            ProblemCode::NotAMember,
            "Người được giao không phải thành viên của tổ",
            "The assignee is not a member of the team",
        )
        .into())
    }
}

/// Whether `leader` may verify or correct skills of a person placed at `place`, acting
/// through this device. A leader's phone verifies as its own member, in its own team; an
/// official names a leader of a team of the person's commune.
async fn leader_context<T: Tx>(tx: &mut T, ctx: &mut Ctx<'_>, leader: MemberId, place: &Placement) -> Result<LeaderContext, Failure> {
    let can_verify = |t: &Team| t.members.iter().any(|m| m.id == leader && m.role.can_verify);
    let ok = if ctx.is_official() {
        let Some(unit) = &place.unit else { return Ok(LeaderContext { person_known: true, leader_can_verify: false }) };
        tx.records_in_unit(Entity::Team, unit)
            .await?
            .into_iter()
            .filter_map(|r| Team::deserialize(&Value::Object(r.state.fields)).ok())
            .any(|t| can_verify(&t))
    } else {
        if ctx.device.member_id.is_some_and(|m| m != leader) {
            return Err(Refusal::wrong_author("leader_id").into());
        }
        ctx.scope.team.as_ref().is_some_and(can_verify)
    };
    Ok(LeaderContext { person_known: true, leader_can_verify: ok })
}

/// A visit: build the core's context from the server's records, check the team's area
/// and the author, validate, and place it with every household it touches.
async fn visit<T: Tx>(tx: &mut T, ctx: &mut Ctx<'_>, v: &Visit) -> Result<(String, Placement), Failure> {
    let mut vctx = VisitContext::default();
    // household -> its village, for every household the visit touches
    let mut households: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut place_village = None;
    if let VisitPlace::Household { household_id } = &v.place {
        if let Some(h) = ctx.placement(tx, Entity::Household, &household_id.to_string()).await? {
            vctx.household_exists = true;
            place_village = h.village_id.clone();
            households.insert(household_id.to_string(), h.village_id);
        }
    }
    for a in &v.attendees {
        let Some(p) = ctx.placement(tx, Entity::Person, &a.person_id.to_string()).await? else { continue };
        let Some(h) = p.household_id.clone() else { continue };
        if let Ok(hid) = h.parse() {
            vctx.person_households.insert(a.person_id, hid);
        }
        households.insert(h, p.village_id);
    }
    let team = ctx.team(tx, v.team_id).await?;
    vctx.team_exists = team.is_some();
    if let Some(c) = v.campaign_id {
        vctx.campaign = ctx.campaign(tx, c.to_string()).await?;
        vctx.campaign_named_but_missing = vctx.campaign.is_none();
    }
    if v.topics.iter().any(|t| tungnha_core::catalog::topic(t.trim()).is_none()) {
        vctx.local_topics = ctx.local_topics(tx).await?;
    }
    if let Some(old) = v.supersedes {
        // Whether another correction of the same visit arrived first is not checked
        // (`supersedes_already_superseded_by` stays empty): two phones may correct one
        // visit offline, both corrections are facts, and refusing the later arrival
        // would make the result depend on arrival order.
        vctx.supersedes_exists = ctx.placement(tx, Entity::Visit, &old.to_string()).await?.is_some();
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
        correction_reason: v.correction_reason.clone(),
    };
    let (clean, problems) = validate::visit(&new, &vctx, ctx.now);
    let Some((team, team_place)) = team else {
        return Err(Refusal::invalid(problems.0.into_iter().filter(Problem::is_error).collect()).into());
    };
    let mut touches: BTreeSet<String> = BTreeSet::new();
    for (h, village) in &households {
        touches.insert(h.clone());
        touches.extend(village.clone());
    }
    let place = Placement {
        village_id: place_village,
        household_id: match &v.place {
            VisitPlace::Household { household_id } if vctx.household_exists => Some(household_id.to_string()),
            _ => None,
        },
        team_id: Some(v.team_id.to_string()),
        touches: touches.into_iter().collect(),
        ..in_unit(team_place.unit.clone())
    };
    permit(ctx, Entity::Visit, OpKind::Append, &place)?;
    // Authorship and area: a team's phone records for its own team, as its own member,
    // for households in its area; an official names a member of the visit's team.
    match ctx.device.role {
        Role::Volunteer | Role::TeamLeader => {
            if ctx.device.team_id != Some(v.team_id) {
                return Err(Refusal::out_of_scope(
                    "Lượt hướng dẫn phải được ghi cho tổ của bạn",
                    "The visit must be recorded for your own team",
                )
                .into());
            }
            if ctx.device.member_id.is_some_and(|m| m != v.volunteer_id) {
                return Err(Refusal::wrong_author("volunteer_id").into());
            }
            if !households.iter().all(|(h, village)| ctx.scope.team_covers(h, village.as_deref())) {
                return Err(Refusal::outside_team_area().into());
            }
        }
        _ => {}
    }
    if !team.members.iter().any(|m| m.id == v.volunteer_id) {
        return Err(Refusal::one(
            "volunteer_id",
            ProblemCode::NotAMember,
            "Người hướng dẫn không phải thành viên của tổ",
            "The volunteer is not a member of the team",
        )
        .into());
    }
    let clean = verdict(clean, problems)?;
    let visit = clean.into_visit(v.id, v.recorded_at);
    Ok((serde_json::to_string(&visit).map_err(Refusal::malformed)?, place))
}

/// May this device write a record placed here? (docs/sync-protocol.md §4)
fn permit(ctx: &Ctx<'_>, entity: Entity, kind: OpKind, place: &Placement) -> Result<(), Refusal> {
    use Entity as E;
    if kind == OpKind::Delete && matches!(entity, E::Conflict) {
        return Err(Refusal::role());
    }
    match ctx.device.role {
        Role::CommuneOfficial | Role::ProvinceOfficial => {
            // Configuration belongs to the unit that made it: a commune official changes
            // the commune's, a province official the province's and its communes'.
            match place.unit.as_deref() {
                Some(c) if unit_contains(ctx.unit(), c) => Ok(()),
                _ if is_config(entity) => Err(Refusal::out_of_scope(
                    "Cấu hình này do đơn vị khác lập; bạn không được thay đổi",
                    "This configuration belongs to another unit; you may not change it",
                )),
                _ => Err(Refusal::outside_unit()),
            }
        }
        Role::Volunteer | Role::TeamLeader => {
            if !ctx.scope.member_in_team {
                return Err(Refusal::not_in_team());
            }
            let leader = ctx.device.role == Role::TeamLeader;
            let allowed = match entity {
                E::Household | E::Person | E::SelfReport | E::Visit => true,
                E::SkillVerification | E::SkillCorrection | E::Conflict => leader,
                E::Village | E::Campaign | E::Team | E::Assignment | E::LocalTopic => false,
            };
            if !allowed {
                return Err(Refusal::role());
            }
            let in_area = if entity == E::Household && kind == OpKind::Create {
                place.village_id.as_deref().is_some_and(|v| ctx.scope.team_villages().is_some_and(|vs| vs.contains(v)))
            } else if entity == E::Visit {
                // Visits are checked household by household in `visit`.
                true
            } else {
                place.household_id.as_deref().is_some_and(|h| ctx.scope.team_covers(h, place.village_id.as_deref()))
            };
            if in_area {
                Ok(())
            } else {
                Err(Refusal::outside_team_area())
            }
        }
        Role::Citizen => match (entity, kind) {
            (E::SelfReport, OpKind::Append) | (E::Person, OpKind::Update) => {
                let own = ctx.device.household_id.map(|h| h.to_string());
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

/// The id of the conflict an op caused on a field: the same op and field give the same id.
pub(crate) fn conflict_id(op: OpId, field: &str) -> String {
    let digest = Sha256::digest(format!("conflict/{op}/{field}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().to_string()
}

/// A concurrent identity change becomes a record for a team leader, placed with the
/// person's household.
fn conflict_record(op: &Op, c: &FieldConflict, place: &Placement) -> Result<NewRecord, Refusal> {
    let state = ConflictState {
        entity: c.entity,
        entity_id: c.entity_id.clone(),
        field: c.field.clone(),
        kept: c.kept.clone(),
        kept_version: c.kept_version,
        other: c.other.clone(),
        other_version: c.other_version,
        resolved: false,
        op_id: op.op_id.to_string(),
        household_id: place.household_id.clone(),
    };
    Ok(NewRecord {
        entity: Entity::Conflict,
        id: conflict_id(op.op_id, &c.field),
        version: op.hlc,
        fields: serde_json::to_string(&state).map_err(Refusal::malformed)?,
        place: Placement { team_id: None, touches: vec![], ..place.clone() },
    })
}
