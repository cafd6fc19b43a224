//! The merge rules, as pure functions over a record's state. The server applies every
//! accepted operation with [`apply_op`]; because the result depends only on the set of
//! operations (not their arrival order), every replica that has seen the same
//! operations holds the same record.
//!
//! - Facts (visits, self-reports, verifications, corrections) are append-only: the
//!   first append makes the record, a repeat is a no-op.
//! - Mutable records (households, people, villages...) merge per field: the value with
//!   the greatest HLC wins. A create sets every field at the create's HLC.
//! - A concurrent change to an identity field (a person's name or birth year) — one
//!   made on a base that had not seen the field's current value — still merges by HLC,
//!   but is also reported as a [`FieldConflict`] for a team leader to resolve.
//! - Deletion is a tombstone and wins over any edit, earlier or later.

use crate::hlc::Hlc;
use crate::sync::protocol::{Entity, Op, OpKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Fields whose concurrent change is a conflict for a person to resolve, not just LWW.
pub fn identity_fields(entity: Entity) -> &'static [&'static str] {
    match entity {
        Entity::Person => &["full_name", "birth_year"],
        _ => &[],
    }
}

/// Fields an update may change; every other field is fixed when the record is made
/// (what places a record — its village, household, team — never moves).
pub fn editable_fields(entity: Entity) -> &'static [&'static str] {
    match entity {
        Entity::Household => &["address", "phone", "location", "indicators"],
        Entity::Person => &["full_name", "birth_year", "sex", "relation", "phone"],
        Entity::Village => &["name"],
        Entity::Team => &["name", "members"],
        Entity::Campaign => &["name", "starts_on", "ends_on", "launch_at", "targets", "deadlines", "team_label"],
        Entity::Assignment => &["volunteer_id"],
        Entity::LocalTopic => &["name_vi", "name_en"],
        Entity::Conflict => &["resolved"],
        Entity::Visit | Entity::SelfReport | Entity::SkillVerification | Entity::SkillCorrection => &[],
    }
}

/// Whether records of this entity are append-only facts.
pub fn is_fact(entity: Entity) -> bool {
    matches!(entity, Entity::Visit | Entity::SelfReport | Entity::SkillVerification | Entity::SkillCorrection)
}

/// A record as a replica keeps it for merging: field values with each field's version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordState {
    pub fields: Map<String, Value>,
    pub versions: BTreeMap<String, Hlc>,
    pub deleted: Option<Hlc>,
}

impl RecordState {
    /// The record's version: the greatest HLC merged into it.
    pub fn version(&self) -> Option<Hlc> {
        self.versions.values().copied().chain(self.deleted).max()
    }
}

/// A concurrent change to an identity field. Both values are kept; the one with the
/// greater HLC is the record's value until a leader decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    pub entity: Entity,
    pub entity_id: String,
    pub field: String,
    pub kept: Value,
    pub kept_version: Hlc,
    pub other: Value,
    pub other_version: Hlc,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("the operation's fields must be a JSON object")]
    NotAnObject,
    #[error("an update or delete refers to a record that does not exist")]
    UnknownRecord,
    #[error("{0:?} records are append-only and cannot be {1:?}d")]
    WrongKind(Entity, OpKind),
}

/// Apply one operation to a record's state (`None` = the record does not exist yet).
/// Returns the new state and any identity conflicts the operation caused.
pub fn apply_op(state: Option<RecordState>, op: &Op) -> Result<(RecordState, Vec<FieldConflict>), MergeError> {
    let fields = op.fields.as_object().ok_or(MergeError::NotAnObject)?;
    if is_fact(op.entity) {
        if op.kind != OpKind::Append {
            return Err(MergeError::WrongKind(op.entity, op.kind));
        }
        let state = state.unwrap_or_else(|| RecordState {
            fields: fields.clone(),
            versions: fields.keys().map(|k| (k.clone(), op.hlc)).collect(),
            deleted: None,
        });
        return Ok((state, vec![]));
    }
    let mut conflicts = Vec::new();
    let mut state = match (state, op.kind) {
        (Some(s), _) => s,
        (None, OpKind::Create) => RecordState { fields: Map::new(), versions: BTreeMap::new(), deleted: None },
        (None, OpKind::Append) => return Err(MergeError::WrongKind(op.entity, op.kind)),
        (None, _) => return Err(MergeError::UnknownRecord),
    };
    match op.kind {
        OpKind::Delete => {
            state.deleted = Some(state.deleted.map_or(op.hlc, |d| d.max(op.hlc)));
        }
        OpKind::Append => return Err(MergeError::WrongKind(op.entity, op.kind)),
        OpKind::Create | OpKind::Update => {
            for (name, value) in fields {
                let current = state.versions.get(name).copied();
                let identity = identity_fields(op.entity).contains(&name.as_str());
                if identity && op.kind == OpKind::Update {
                    if let (Some(cur), Some(old)) = (current, state.fields.get(name)) {
                        // The writer did not see the field's current value, and disagrees with it.
                        let concurrent = op.base_version.is_none_or(|base| cur > base);
                        if concurrent && old != value {
                            let (kept, kept_version, other, other_version) = if op.hlc > cur {
                                (value.clone(), op.hlc, old.clone(), cur)
                            } else {
                                (old.clone(), cur, value.clone(), op.hlc)
                            };
                            conflicts.push(FieldConflict {
                                entity: op.entity,
                                entity_id: op.entity_id.clone(),
                                field: name.clone(),
                                kept,
                                kept_version,
                                other,
                                other_version,
                            });
                        }
                    }
                }
                if current.is_none_or(|cur| op.hlc > cur) {
                    state.fields.insert(name.clone(), value.clone());
                    state.versions.insert(name.clone(), op.hlc);
                }
            }
        }
    }
    Ok((state, conflicts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DeviceId, OpId};
    use chrono::Utc;
    use proptest::prelude::*;
    use serde_json::json;

    fn op(kind: OpKind, entity: Entity, millis: i64, device: DeviceId, base: Option<i64>, fields: Value) -> Op {
        Op {
            op_id: OpId::new(),
            device_id: device,
            seq: 1,
            hlc: Hlc { millis, counter: 0, device },
            entity,
            entity_id: "p1".into(),
            kind,
            base_version: base.map(|m| Hlc { millis: m, counter: 0, device }),
            schema_version: 3,
            fields,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn per_field_last_writer_wins() {
        let (a, b) = (DeviceId::new(), DeviceId::new());
        let create = op(OpKind::Create, Entity::Household, 10, a, None, json!({"address": "Số 1", "phone": null}));
        let (s, _) = apply_op(None, &create).expect("create");
        let up_b = op(OpKind::Update, Entity::Household, 30, b, Some(10), json!({"phone": "0912345678"}));
        let up_a = op(OpKind::Update, Entity::Household, 20, a, Some(10), json!({"phone": "0987654321", "address": "Số 2"}));
        let (s1, _) = apply_op(Some(s.clone()), &up_b).expect("b");
        let (s1, _) = apply_op(Some(s1), &up_a).expect("a");
        let (s2, _) = apply_op(Some(s), &up_a).expect("a");
        let (s2, _) = apply_op(Some(s2), &up_b).expect("b");
        assert_eq!(s1, s2, "order does not matter");
        assert_eq!(s1.fields["phone"], "0912345678");
        assert_eq!(s1.fields["address"], "Số 2");
    }

    #[test]
    fn concurrent_name_change_is_a_conflict_sequential_is_not() {
        let (a, b) = (DeviceId::new(), DeviceId::new());
        let (s, _) =
            apply_op(None, &op(OpKind::Create, Entity::Person, 10, a, None, json!({"full_name": "Lò Văn Pánh", "birth_year": 1970})))
                .expect("c");
        // b renames on the created version; a renames, also on the created version: concurrent.
        let (s, c1) =
            apply_op(Some(s), &op(OpKind::Update, Entity::Person, 30, b, Some(10), json!({"full_name": "Lò Văn Panh"}))).expect("b");
        assert!(c1.is_empty());
        let (s, c2) =
            apply_op(Some(s), &op(OpKind::Update, Entity::Person, 20, a, Some(10), json!({"full_name": "Lò Văn Pảnh"}))).expect("a");
        assert_eq!(c2.len(), 1);
        assert_eq!((c2[0].kept.as_str(), c2[0].other.as_str()), (Some("Lò Văn Panh"), Some("Lò Văn Pảnh")));
        assert_eq!(s.fields["full_name"], "Lò Văn Panh");
        // a rename made after seeing the latest version is not a conflict.
        let mut seen = op(OpKind::Update, Entity::Person, 40, a, None, json!({"full_name": "Lò Văn Pánh"}));
        seen.base_version = s.version();
        let (_, c3) = apply_op(Some(s), &seen).expect("a2");
        assert!(c3.is_empty());
    }

    #[test]
    fn facts_are_append_only_and_tombstones_win() {
        let a = DeviceId::new();
        let v = op(OpKind::Append, Entity::Visit, 10, a, None, json!({"notes": "x"}));
        let (s, _) = apply_op(None, &v).expect("append");
        let again = op(OpKind::Append, Entity::Visit, 99, a, None, json!({"notes": "changed"}));
        assert_eq!(apply_op(Some(s.clone()), &again).expect("repeat").0, s);
        assert_eq!(
            apply_op(Some(s), &op(OpKind::Update, Entity::Visit, 20, a, None, json!({}))),
            Err(MergeError::WrongKind(Entity::Visit, OpKind::Update))
        );

        let (h, _) = apply_op(None, &op(OpKind::Create, Entity::Household, 10, a, None, json!({"address": "Số 1"}))).expect("c");
        let (h, _) = apply_op(Some(h), &op(OpKind::Delete, Entity::Household, 20, a, Some(10), json!({}))).expect("d");
        let (h, _) = apply_op(Some(h), &op(OpKind::Update, Entity::Household, 30, a, Some(10), json!({"address": "Số 2"}))).expect("u");
        assert!(h.deleted.is_some());
        assert_eq!(apply_op(None, &op(OpKind::Update, Entity::Household, 30, a, None, json!({}))), Err(MergeError::UnknownRecord));
    }

    proptest! {
        /// Any order of the same updates gives the same record.
        #[test]
        fn merge_is_order_independent(ops in proptest::collection::vec((0i64..50, 0usize..3, 0usize..3, any::<bool>()), 1..12), seed in any::<u64>()) {
            let devices = [DeviceId::new(), DeviceId::new(), DeviceId::new()];
            let create = op(OpKind::Create, Entity::Person, 0, devices[0], None, json!({"full_name": "A", "phone": null}));
            let updates: Vec<Op> = ops.iter().map(|(m, d, f, del)| {
                if *del { op(OpKind::Delete, Entity::Person, *m, devices[*d], Some(0), json!({})) }
                else { op(OpKind::Update, Entity::Person, *m, devices[*d], Some(0), json!({ ["full_name", "phone", "sex"][*f]: format!("v{m}{d}") })) }
            }).collect();
            let run = |order: &[usize]| {
                let mut s = apply_op(None, &create).expect("create").0;
                for i in order { s = apply_op(Some(s), &updates[*i]).expect("apply").0; }
                s
            };
            let forward: Vec<usize> = (0..updates.len()).collect();
            let mut shuffled = forward.clone();
            let mut x = seed;
            for i in (1..shuffled.len()).rev() { x = x.wrapping_mul(6364136223846793005).wrapping_add(1); shuffled.swap(i, (x >> 33) as usize % (i + 1)); }
            prop_assert_eq!(run(&forward), run(&shuffled));
        }
    }
}
