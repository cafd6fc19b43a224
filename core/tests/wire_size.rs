//! Wire budget of sync (docs/sync-protocol.md §7): a volunteer's first sync of a
//! 300-household assignment must cost ≤ 60 bytes per record on the wire and arrive in
//! ≤ 3 round trips with the default page budget. The assignment is built with the real
//! store (so the ops and states are exactly what devices send and the server merges),
//! then pushed as one `SyncRequest` and pulled as `SyncResponse` pages made the way the
//! server makes them. Run with `--nocapture` to see the figures.
#![allow(clippy::unwrap_used)]

#[path = "common/assignment.rs"]
mod assignment;

use assignment::{build, ids_made_at_their_time, local, pages};
use std::collections::BTreeMap;
use std::time::Instant;
use tungnha_core::sync::{codec, Cursor, SyncRequest, DEFAULT_PAGE_BYTES, PROTOCOL_VERSION};

struct Sizes {
    wire: usize,
    json: usize,
    zstd_json: usize,
}

fn sizes<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(message: &T) -> Sizes {
    let t = Instant::now();
    let wire = codec::encode(message).unwrap();
    let encoding = t.elapsed();
    let t = Instant::now();
    let back: T = codec::decode(&wire).unwrap();
    let decoding = t.elapsed();
    assert_eq!(&back, message, "the wire encoding round-trips");
    let json = serde_json::to_vec(message).unwrap();
    let zstd_json = zstd::bulk::compress(&json, 9).unwrap().len();
    // For information only (this machine, this build profile): never asserted.
    println!("WIRE   message of {} B: encode {encoding:.1?}, decode {decoding:.1?}", wire.len());
    Sizes { wire: wire.len(), json: json.len(), zstd_json }
}

fn per(bytes: usize, records: usize) -> f64 {
    bytes as f64 / records as f64
}

#[test]
fn first_sync_of_a_300_household_assignment_fits_the_2g_budget() {
    let a = build();
    let ops = ids_made_at_their_time(a.store.pending_ops(10_000).unwrap());
    let server_time_ms = local(12, 12, 0).timestamp_millis();

    // Push: the device sends everything it recorded.
    let request = SyncRequest {
        protocol: PROTOCOL_VERSION,
        schema_version: ops[0].schema_version,
        device_id: ops[0].device_id,
        client_time_ms: server_time_ms - 1_234,
        ops: ops.clone(),
        cursor: Cursor::default(),
        max_bytes: DEFAULT_PAGE_BYTES,
    };
    let push = sizes(&request);
    println!(
        "WIRE push ops={} bytes={} B/record={:.1} (plain json {:.1}, json+zstd as before {:.1})",
        ops.len(),
        push.wire,
        per(push.wire, ops.len()),
        per(push.json, ops.len()),
        per(push.zstd_json, ops.len())
    );

    // Pull: a second device's first sync of the same assignment.
    let pages = pages(&ops, DEFAULT_PAGE_BYTES, server_time_ms);
    let records: usize = pages.iter().map(|p| p.changes.len()).sum();
    let mut by_entity: BTreeMap<String, usize> = BTreeMap::new();
    for c in pages.iter().flat_map(|p| &p.changes) {
        *by_entity.entry(format!("{:?}", c.entity)).or_default() += 1;
    }
    let (mut wire, mut json, mut zstd_json) = (0, 0, 0);
    for p in &pages {
        let s = sizes(p);
        wire += s.wire;
        json += s.json;
        zstd_json += s.zstd_json;
    }
    println!("WIRE records by entity: {by_entity:?}");
    println!(
        "WIRE reference: plain json={json} B ({:.1} B/record), json+zstd as before={zstd_json} B ({:.1} B/record)",
        per(json, records),
        per(zstd_json, records)
    );
    // 2G: 256 kbit/s and 600 ms per round trip (request bytes of a pull are negligible).
    let seconds = pages.len() as f64 * 0.6 + wire as f64 * 8.0 / 256_000.0;
    println!(
        "WIRE first-sync records={records} pages={} bytes={wire} B/record={:.1} est_2g_seconds={seconds:.1}",
        pages.len(),
        per(wire, records)
    );
    assert!(records > 1_800, "a realistic assignment ({records} records)");
    assert!(per(push.wire, ops.len()) <= 60.0, "the push is compact too ({:.1} B/op)", per(push.wire, ops.len()));
    assert!(pages.len() <= 3, "first sync in at most 3 round trips ({} pages)", pages.len());
    assert!(per(wire, records) <= 60.0, "at most 60 bytes per record on the wire ({:.1})", per(wire, records));
}
