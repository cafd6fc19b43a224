//! Hostile ops, made from honest ones: what an old buggy app, a stolen phone or someone
//! who read the protocol doc would send. [`Mutator`] takes a valid operation (from an
//! honest phone's outbox), re-targets it to a hostile device, and breaks it in one to
//! three ways drawn from a seeded generator, so a failing run replays exactly.

use chrono::Utc;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::{json, Map, Value};
use tungnha_core::hlc::Hlc;
use tungnha_core::ids::{DeviceId, OpId};
use tungnha_core::sync::protocol::{Entity, Op, OpKind};

/// Ids a hostile device knows from what it pulled or overheard.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Ids of records of other teams, other communes, other devices.
    pub foreign_ids: Vec<String>,
    /// Ids of records that exist (for creates on existing ids and edits).
    pub existing: Vec<(Entity, String)>,
    /// Member ids of the commune's teams (authors to impersonate).
    pub members: Vec<String>,
    /// Other devices' ids (to claim their ops and clocks).
    pub devices: Vec<DeviceId>,
    /// Configuration every device sees (campaigns) to edit or delete.
    pub config: Vec<(Entity, String)>,
}

/// How one op was broken (printed with a failing seed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mutation {
    RepeatListItems,
    UnknownKey,
    DeepNesting,
    HugeString,
    ExtremeClock,
    ForeignClockDevice,
    ForeignOpDevice,
    ForeignIds,
    WrongAuthor,
    CreateOnExisting,
    EditConfiguration,
    WrongKind,
    WrongTypes,
    DropField,
    NullEverything,
    WrongEntity,
    ReusedSeq,
    HugeId,
}

pub const MUTATIONS: [Mutation; 18] = [
    Mutation::RepeatListItems,
    Mutation::UnknownKey,
    Mutation::DeepNesting,
    Mutation::HugeString,
    Mutation::ExtremeClock,
    Mutation::ForeignClockDevice,
    Mutation::ForeignOpDevice,
    Mutation::ForeignIds,
    Mutation::WrongAuthor,
    Mutation::CreateOnExisting,
    Mutation::EditConfiguration,
    Mutation::WrongKind,
    Mutation::WrongTypes,
    Mutation::DropField,
    Mutation::NullEverything,
    Mutation::WrongEntity,
    Mutation::ReusedSeq,
    Mutation::HugeId,
];

/// A hostile device's op factory.
#[derive(Debug)]
pub struct Mutator {
    pub device: DeviceId,
    /// The device's next sequence number.
    pub next_seq: i64,
}

/// Every list down to `depth` levels, children first (repeating items of nested lists
/// at every level would grow a deeply nested value exponentially).
fn walk_lists(v: &mut Value, depth: usize, f: &mut impl FnMut(&mut Vec<Value>)) {
    if depth == 0 {
        return;
    }
    match v {
        Value::Array(items) => {
            for i in items.iter_mut() {
                walk_lists(i, depth - 1, f);
            }
            f(items);
        }
        Value::Object(m) => {
            for (_, x) in m.iter_mut() {
                walk_lists(x, depth - 1, f);
            }
        }
        _ => {}
    }
}

/// Every object, children first (so what `f` adds is not walked again).
fn walk_objects(v: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    match v {
        Value::Object(m) => {
            for (_, x) in m.iter_mut() {
                walk_objects(x, f);
            }
            f(m);
        }
        Value::Array(items) => {
            for i in items {
                walk_objects(i, f);
            }
        }
        _ => {}
    }
}

fn nest(depth: usize) -> Value {
    (0..depth).fold(json!({"x": 1}), |v, i| if i % 2 == 0 { json!([v]) } else { json!({"k": v}) })
}

impl Mutator {
    pub fn new(device: DeviceId) -> Self {
        Self { device, next_seq: 1 }
    }

    /// A hostile version of `template`, and the mutations applied.
    pub fn mutate(&mut self, rng: &mut StdRng, template: &Op, known: &Known) -> (Op, Vec<Mutation>) {
        let mut op = template.clone();
        op.op_id = OpId::new();
        op.device_id = self.device;
        op.seq = self.next_seq;
        op.hlc = Hlc { millis: Utc::now().timestamp_millis(), counter: rng.random_range(0..3), device: self.device };
        op.created_at = Utc::now();
        // A fresh id most of the time, so a valid-looking record could be created.
        if rng.random_bool(0.6) && op.kind != OpKind::Update && op.kind != OpKind::Delete {
            let fresh = tungnha_core::ids::VisitId::new().to_string();
            if let Some(m) = op.fields.as_object_mut() {
                if m.contains_key("id") {
                    m.insert("id".into(), json!(fresh));
                }
            }
            op.entity_id = fresh;
        }
        let n = rng.random_range(1..=3);
        let mut applied = Vec::with_capacity(n);
        let mut advance = true;
        for _ in 0..n {
            let m = *MUTATIONS.choose(rng).unwrap_or(&Mutation::UnknownKey);
            applied.push(m);
            match m {
                Mutation::RepeatListItems => walk_lists(&mut op.fields, 4, &mut |items| {
                    if let Some(first) = items.first().cloned() {
                        for _ in 0..rng.random_range(1..4) {
                            items.push(first.clone());
                        }
                    }
                }),
                Mutation::UnknownKey => {
                    let key = ["bonus", "is_admin", "__proto__", "role", "", "commune_key", "deleted"].choose(rng).copied().unwrap_or("x");
                    walk_objects(&mut op.fields, &mut |o| {
                        if rng.random_bool(0.5) || o.is_empty() {
                            o.insert(key.to_owned(), json!({"x": [1, 2, 3]}));
                        }
                    })
                }
                Mutation::DeepNesting => {
                    if let Some(o) = op.fields.as_object_mut() {
                        let key = o.keys().cloned().collect::<Vec<_>>().choose(rng).cloned().unwrap_or_else(|| "x".into());
                        o.insert(key, nest(rng.random_range(50..200)));
                    }
                }
                Mutation::HugeString => {
                    let s = "Ư".repeat(rng.random_range(3_000..60_000));
                    walk_objects(&mut op.fields, &mut |o| {
                        for k in ["notes", "full_name", "address", "name", "reason", "place", "given_by", "purpose"] {
                            if o.contains_key(k) {
                                o.insert(k.into(), json!(s));
                            }
                        }
                    })
                }
                Mutation::ExtremeClock => {
                    op.hlc.millis = *[i64::MAX, i64::MIN, 0, -1, 4_102_444_800_000, i64::MAX / 3].choose(rng).unwrap_or(&0);
                    op.hlc.counter = *[0, u32::MAX].choose(rng).unwrap_or(&0);
                    if rng.random_bool(0.5) {
                        op.base_version = Some(Hlc { millis: i64::MAX, counter: u32::MAX, device: self.device });
                    }
                }
                Mutation::ForeignClockDevice => {
                    if let Some(d) = known.devices.choose(rng) {
                        op.hlc.device = *d;
                    }
                }
                Mutation::ForeignOpDevice => {
                    if let Some(d) = known.devices.choose(rng) {
                        op.device_id = *d;
                    }
                }
                Mutation::ForeignIds => {
                    let ids = &known.foreign_ids;
                    walk_objects(&mut op.fields, &mut |o| {
                        for (k, v) in o.iter_mut() {
                            if k.ends_with("_id") && v.is_string() && rng.random_bool(0.7) {
                                if let Some(x) = ids.choose(rng) {
                                    *v = json!(x);
                                }
                            }
                        }
                    })
                }
                Mutation::WrongAuthor => {
                    let members = &known.members;
                    walk_objects(&mut op.fields, &mut |o| {
                        for k in ["volunteer_id", "leader_id", "recorded_by"] {
                            if o.contains_key(k) {
                                if let Some(x) = members.choose(rng) {
                                    o.insert(k.into(), json!(x));
                                }
                            }
                        }
                    })
                }
                Mutation::CreateOnExisting => {
                    if let Some((entity, id)) = known.existing.choose(rng) {
                        op.entity = *entity;
                        op.entity_id = id.clone();
                        op.kind = if tungnha_core::sync::merge::is_fact(*entity) { OpKind::Append } else { OpKind::Create };
                        if let Some(o) = op.fields.as_object_mut() {
                            o.insert("id".into(), json!(id));
                        }
                    }
                }
                Mutation::EditConfiguration => {
                    if let Some((entity, id)) = known.config.choose(rng) {
                        op.entity = *entity;
                        op.entity_id = id.clone();
                        op.kind = *[OpKind::Update, OpKind::Delete, OpKind::Create].choose(rng).unwrap_or(&OpKind::Update);
                        op.fields = json!({"name": "Chiến dịch giả", "team_label": "x", "ends_on": "1999-01-01"});
                    }
                }
                Mutation::WrongKind => {
                    op.kind = *[OpKind::Create, OpKind::Update, OpKind::Append, OpKind::Delete].choose(rng).unwrap_or(&OpKind::Update);
                    if op.kind == OpKind::Delete {
                        // Deletes of records honest phones use are legitimate for some
                        // roles; keep hostile deletes on configuration and conflicts.
                        op.entity =
                            *[Entity::Campaign, Entity::Team, Entity::Conflict, Entity::Village].choose(rng).unwrap_or(&Entity::Team);
                    }
                }
                Mutation::WrongTypes => walk_objects(&mut op.fields, &mut |o| {
                    for (_, v) in o.iter_mut() {
                        if rng.random_bool(0.3) {
                            *v = match v {
                                Value::String(_) => json!(12345),
                                Value::Number(_) => json!("mười hai"),
                                Value::Array(_) => json!({"0": 1}),
                                Value::Object(_) => json!([1]),
                                Value::Bool(_) => json!("true"),
                                Value::Null => json!([]),
                            };
                        }
                    }
                }),
                Mutation::DropField => {
                    if let Some(o) = op.fields.as_object_mut() {
                        if let Some(k) = o.keys().cloned().collect::<Vec<_>>().choose(rng).cloned() {
                            o.remove(&k);
                        }
                    }
                }
                Mutation::NullEverything => {
                    op.fields = if rng.random_bool(0.5) { Value::Null } else { json!([op.fields.clone()]) };
                }
                Mutation::WrongEntity => {
                    op.entity = *[
                        Entity::Household,
                        Entity::Person,
                        Entity::Visit,
                        Entity::Team,
                        Entity::Conflict,
                        Entity::LocalTopic,
                        Entity::Assignment,
                    ]
                    .choose(rng)
                    .unwrap_or(&Entity::Person);
                }
                Mutation::ReusedSeq => {
                    op.seq = (self.next_seq - rng.random_range(1..5)).max(0);
                    advance = false;
                }
                Mutation::HugeId => {
                    op.entity_id = "9".repeat(rng.random_range(101..5_000));
                }
            }
        }
        if advance && op.device_id == self.device {
            self.next_seq += 1;
        }
        (op, applied)
    }
}
