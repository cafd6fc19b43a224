//! Fresh ids for recorded operations. Ids are UUIDv7: the millisecond a record was made,
//! then 74 random bits. Benchmarks make days of field work (or a hundred communes) from
//! one recording in a second; rewriting every id gives each record the time of the op
//! that first mentions it and fresh random bits, as real phones would have made them.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::str::FromStr;
use tungnha_core::sync::protocol::Op;

/// Rewrite every UUIDv7 in `ops` (ids of records and ops, in fields too), except the
/// strings in `keep`. The same old id always becomes the same new one. Returns the ops
/// and the map (old → new).
pub fn fresh_ids(ops: Vec<Op>, keep: &[String], seed: u64) -> (Vec<Op>, HashMap<String, String>) {
    let mut map: HashMap<String, String> = keep.iter().map(|k| (k.clone(), k.clone())).collect();
    let ops = fresh_ids_with(ops, &mut map, seed);
    (ops, map)
}

/// [`fresh_ids`] continuing an earlier map: ids it already has keep their new ids (later
/// ops of the same recording land on the same copy).
pub fn fresh_ids_with(ops: Vec<Op>, seen: &mut HashMap<String, String>, seed: u64) -> Vec<Op> {
    fn walk(v: &mut serde_json::Value, millis: i64, seen: &mut HashMap<String, String>, rng: &mut StdRng) {
        match v {
            serde_json::Value::String(s) => {
                if let Some(new) = seen.get(s.as_str()) {
                    *s = new.clone();
                } else if let Ok(u) = uuid::Uuid::parse_str(s) {
                    if u.get_version_num() == 7 && u.hyphenated().to_string() == *s {
                        let mut b: [u8; 16] = rng.random();
                        b[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
                        b[6] = 0x70 | (b[6] & 0x0f);
                        b[8] = 0x80 | (b[8] & 0x3f);
                        let new = uuid::Uuid::from_bytes(b).hyphenated().to_string();
                        seen.insert(s.clone(), new.clone());
                        *s = new;
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, millis, seen, rng)),
            serde_json::Value::Object(o) => o.values_mut().for_each(|x| walk(x, millis, seen, rng)),
            _ => {}
        }
    }
    let mut rng = StdRng::seed_from_u64(seed);
    ops.into_iter()
        .map(|op| {
            let mut v = serde_json::to_value(&op).expect("an op is JSON");
            walk(&mut v, op.hlc.millis, seen, &mut rng);
            serde_json::from_value(v).expect("a rewritten op is still an op")
        })
        .collect()
}

/// The new id of `id` in a map made by [`fresh_ids`].
pub fn remap<T: FromStr>(map: &HashMap<String, String>, id: impl std::fmt::Display) -> T {
    let new = map.get(&id.to_string()).expect("every id of the recording was rewritten");
    new.parse().ok().expect("a rewritten id parses")
}
