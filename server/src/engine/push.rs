//! Push: apply a request's operations (docs/sync-protocol.md §2), inside the caller's
//! transaction. The backend commits durably before the answer leaves the server.

use super::check::{self, Failure};
use super::hash::content_hash;
use super::reject::Refusal;
use crate::error::StoreError;
use crate::storage::{Device, OpLogEntry, Placement, PushOutcome, RecordKey, StoredRecord, TeamTargets, Tx};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use tungnha_core::ids::OpId;
use tungnha_core::store::outbox::{Entity, Op};
use tungnha_core::sync::merge::{self, FieldConflict, MergeError, RecordState};
use tungnha_core::sync::Role;

/// Apply `ops` for `device`, in seq order. Returns acks, rejections and deferrals, and
/// the records written (whose change sequence the backend assigns before commit).
/// Records a request changed, in the order its ops touched them. Change numbers follow
/// this order, so pulled pages keep creation order (and compress better: measured
/// 36.6 → 25.5 B/record against a random order).
#[derive(Default)]
struct Touched {
    order: Vec<RecordKey>,
    seen: HashSet<RecordKey>,
}

impl Touched {
    fn insert(&mut self, key: RecordKey) {
        if self.seen.insert(key.clone()) {
            self.order.push(key);
        }
    }

    fn extend(&mut self, keys: impl IntoIterator<Item = RecordKey>) {
        for k in keys {
            self.insert(k);
        }
    }
}

pub(crate) async fn push<T: Tx>(tx: &mut T, device: &Device, mut ops: Vec<Op>, now: DateTime<Utc>) -> Result<PushOutcome, StoreError> {
    ops.sort_by_key(|o| o.seq);
    let mut out = PushOutcome::default();
    let first = tx.lock_device(device.device_id).await?;
    let mut last = first;
    let targets = match (device.role, device.team_id) {
        (Role::Volunteer | Role::TeamLeader, Some(team)) => tx.team_targets(&team.to_string()).await?,
        _ => TeamTargets::default(),
    };
    let mut touched = Touched::default();
    for op in ops {
        let hash = content_hash(&op);
        // 1. Seen before: the same answer again; never applied twice.
        if let Some(seen) = tx.op_log_get(op.op_id).await? {
            if seen.content_hash != hash {
                out.rejected.push(Refusal::id_reused().into_rejection(&op));
            } else if let Some(rejection) = seen.rejection {
                out.rejected.push(rejection);
            } else {
                out.acks.push(op.op_id);
            }
            continue;
        }
        if op.device_id != device.device_id {
            out.rejected.push(
                Refusal::out_of_scope("Thao tác này thuộc một thiết bị khác", "This operation belongs to another device")
                    .into_rejection(&op),
            );
            continue;
        }
        // 2. Sequence: apply only the next one; a gap defers the rest.
        if op.seq > last + 1 {
            out.deferred.push(op.op_id);
            continue;
        }
        if op.seq <= last {
            out.rejected.push(Refusal::seq_reused().into_rejection(&op));
            continue;
        }
        // 3. and 4. Scope, validation, merge. A refused op still uses up its seq.
        let rejection = match apply_one(tx, device, &targets, &op, now, &mut touched).await {
            Ok(()) => None,
            Err(Failure::Refused(r)) => Some(r.into_rejection(&op)),
            Err(Failure::Store(e)) => return Err(e),
        };
        // 5. The op log row goes into the same transaction as the record.
        tx.op_log_put(&OpLogEntry {
            op_id: op.op_id,
            device_id: op.device_id,
            seq: op.seq,
            content_hash: hash,
            rejection: rejection.clone(),
            at: now,
        })
        .await?;
        match rejection {
            None => {
                out.acks.push(op.op_id);
                out.applied += 1;
            }
            Some(r) => out.rejected.push(r),
        }
        last = op.seq;
    }
    if last != first {
        tx.set_last_seq(device.device_id, last).await?;
    }
    out.touched = touched.order;
    Ok(out)
}

async fn apply_one<T: Tx>(
    tx: &mut T,
    device: &Device,
    targets: &TeamTargets,
    op: &Op,
    now: DateTime<Utc>,
    touched: &mut Touched,
) -> Result<(), Failure> {
    let accepted = check::check(tx, device, targets, op, now).await?;
    if merge::is_fact(op.entity) && accepted.existing.is_some() {
        // A fact is made once; a repeat append changes nothing.
        return Ok(());
    }
    let new = accepted.existing.is_none();
    let (state, conflicts) = merge::apply_op(accepted.existing.map(|r| r.state), op).map_err(|e| match e {
        MergeError::UnknownRecord => Refusal::unknown_record(),
        other => Refusal::malformed(other),
    })?;
    let record = StoredRecord { entity: op.entity, id: accepted.record_id, state, place: accepted.place };
    tx.put_record(&record, accepted.households.as_deref(), new).await?;
    for c in &conflicts {
        let conflict = conflict_record(op, c, &record.place)?;
        tx.put_record(&conflict, None, true).await?;
        touched.insert((Entity::Conflict, conflict.id));
    }
    touched.insert((record.entity, record.id));
    if let Some(t) = &accepted.touch {
        touched.extend(tx.touch(t).await?);
    }
    Ok(())
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
fn conflict_record(op: &Op, c: &FieldConflict, place: &Placement) -> Result<StoredRecord, StoreError> {
    let mut fields = match serde_json::to_value(c)? {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    fields.insert("resolved".into(), Value::Bool(false));
    fields.insert("op_id".into(), Value::String(op.op_id.to_string()));
    fields.insert("household_id".into(), place.household_id.clone().map_or(Value::Null, Value::String));
    let versions = fields.keys().map(|k| (k.clone(), op.hlc)).collect();
    Ok(StoredRecord {
        entity: Entity::Conflict,
        id: conflict_id(op.op_id, &c.field),
        state: RecordState { fields, versions, deleted: None },
        place: Placement { team_id: None, supersedes: None, ..place.clone() },
    })
}
