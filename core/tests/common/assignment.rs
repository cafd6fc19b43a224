//! The assignment of the wire budget (docs/sync-protocol.md §7), shared by
//! `tests/wire_size.rs` and `benches/codec.rs`: the test kit's team assignment (300
//! households, about 600 sessions over the ten days, self-reports), made with the real
//! store (so the ops and states are exactly what devices send and the server merges),
//! and paged the way the server pages.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use tungnha_core::store::StoreOptions;
use tungnha_core::sync::protocol::{Entity, Op};
use tungnha_core::sync::{apply_op, Change, Cursor, RecordState, SyncResponse};
use tungnha_core::Store;
pub use tungnha_testkit::calendar::local;
use tungnha_testkit::{CommuneBuilder, ManualClock};

/// The assignment of one team in a Sơn La commune, made on one device.
pub struct Assignment {
    pub _dir: tempfile::TempDir,
    pub store: Store,
}

/// The test kit's team assignment, recorded on a phone whose clock moves through the
/// campaign, so records carry the spread of times a real campaign has (registration
/// over days, visits over the ten days, edits later).
pub fn build() -> Assignment {
    let clock = Arc::new(ManualClock::new(local(1, 7, 0)));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("device.db"), StoreOptions { clock: clock.clone(), household_goal: 1 }).unwrap();
    let commune = CommuneBuilder::team_assignment(20_241_001).clock(clock).build(&store).unwrap();
    assert_eq!((commune.households.len(), commune.visits, commune.self_reports), (300, 600, 60));
    Assignment { _dir: dir, store }
}

/// Ids are UUIDv7: the wall-clock millisecond a record is created, then 74 random bits.
/// This test makes days of field work in a fraction of a second, so its ids would share
/// one timestamp and run from one counter (the uuid crate counts within a millisecond),
/// and compress unrealistically well. Give each id the timestamp of the op that first
/// mentions it (its creation) and fresh random bits, from a fixed seed.
pub fn ids_made_at_their_time(ops: Vec<Op>) -> Vec<Op> {
    tungnha_testkit::ids::fresh_ids(ops, &[], 7).0
}

/// Merge the ops as the server does and page the changes exactly as it does: in change
/// order, at least one change per page, stop before a page's state JSON exceeds the budget.
pub fn pages(ops: &[Op], budget: u32, server_time_ms: i64) -> Vec<SyncResponse> {
    let mut records: BTreeMap<(String, String), (Entity, RecordState, u64)> = BTreeMap::new();
    let mut change_seq = 0;
    for op in ops {
        let key = (format!("{:?}", op.entity), op.entity_id.clone());
        let prev = records.get(&key).map(|r| r.1.clone());
        let (next, _) = apply_op(prev, op).unwrap();
        change_seq += 1;
        records.insert(key, (op.entity, next, change_seq));
    }
    let mut pending: Vec<_> = records.iter().map(|((_, id), r)| (r.2, id.clone(), r.0, r.1.clone())).collect();
    pending.sort_by_key(|p| p.0);
    let mut out = vec![];
    let mut rest = pending.into_iter().peekable();
    while rest.peek().is_some() {
        let (mut changes, mut bytes, mut next) = (vec![], 0usize, 0);
        let mut more = false;
        while let Some((seq, _, _, s)) = rest.peek() {
            let state = serde_json::Value::Object(s.fields.clone());
            let size = state.to_string().len();
            if !changes.is_empty() && bytes + size > budget as usize {
                more = true;
                break;
            }
            bytes += size;
            next = *seq;
            let (_, id, entity, s) = rest.next().unwrap();
            changes.push(Change { entity, id, version: s.version().unwrap(), deleted: s.deleted.is_some(), state });
        }
        out.push(SyncResponse {
            server_time_ms,
            acks: vec![],
            rejected: vec![],
            deferred: vec![],
            changes,
            next_cursor: Cursor(next.to_string()),
            more,
            purge: None,
        });
    }
    out
}
