//! The content hash that tells a resent op (same hash: acknowledge again) from a
//! different op reusing an id (`op_id_reused`).
//!
//! It covers what the op *means*: device, seq, HLC, entity, id, kind, base version and
//! fields — not `schema_version` or `created_at`, so an app update between two sends does
//! not turn a resend into a "different" op. Every part is length-prefixed and the fields
//! are serialised with sorted keys, so the hash does not depend on JSON key order.

use sha2::{Digest, Sha256};
use tungnha_core::hlc::Hlc;
use tungnha_core::sync::protocol::{Op, OpKind};

use super::ports::entity_text;

pub fn content_hash(op: &Op) -> String {
    let mut h = Sha256::new();
    let mut part = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    part(op.device_id.to_string().as_bytes());
    part(&op.seq.to_be_bytes());
    part(hlc_text(&op.hlc).as_bytes());
    part(entity_text(op.entity).as_bytes());
    part(op.entity_id.as_bytes());
    part(kind_text(op.kind).as_bytes());
    part(op.base_version.as_ref().map(hlc_text).unwrap_or_default().as_bytes());
    // serde_json's map keeps keys sorted (its `preserve_order` feature is off: the test
    // `maps_iterate_in_key_order` fails if a dependency turns it on), so serialising the
    // fields gives their canonical form: JSON with sorted keys, as hashes always were.
    FIELDS.with_borrow_mut(|buf| {
        buf.clear();
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *buf, &op.fields);
        part(buf);
    });
    hex(&h.finalize())
}

thread_local! {
    /// A buffer reused for every op's fields.
    static FIELDS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The HLC's parts in full (its `Display` clamps negative millis).
fn hlc_text(h: &Hlc) -> String {
    format!("{}:{}:{}", h.millis, h.counter, h.device)
}

fn kind_text(k: OpKind) -> &'static str {
    match k {
        OpKind::Create => "create",
        OpKind::Update => "update",
        OpKind::Append => "append",
        OpKind::Delete => "delete",
    }
}

pub(crate) use crate::credentials::hex;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use serde_json::json;
    use tungnha_core::ids::{DeviceId, OpId};
    use tungnha_core::sync::protocol::Entity;

    fn op(fields: serde_json::Value) -> Op {
        let device = DeviceId::new();
        Op {
            op_id: OpId::new(),
            device_id: device,
            seq: 3,
            hlc: Hlc { millis: 10, counter: 1, device },
            entity: Entity::Household,
            entity_id: "h".into(),
            kind: OpKind::Update,
            base_version: None,
            schema_version: 3,
            fields,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn maps_iterate_in_key_order() {
        let m: serde_json::Map<String, serde_json::Value> =
            [("b", 1), ("a", 2), ("c", 3)].into_iter().map(|(k, v)| (k.to_owned(), json!(v))).collect();
        assert_eq!(
            m.keys().collect::<Vec<_>>(),
            ["a", "b", "c"],
            "serde_json's preserve_order feature must stay off (content_hash relies on it)"
        );
    }

    #[test]
    fn key_order_and_metadata_do_not_matter_content_does() {
        let a = op(json!({"address": "Số 1", "phone": {"x": 1, "y": [1, 2]}}));
        let mut b = a.clone();
        b.fields = serde_json::from_str(r#"{"phone": {"y": [1, 2], "x": 1}, "address": "Số 1"}"#).expect("json");
        b.schema_version = 9;
        b.created_at = Utc::now() + chrono::Duration::days(1);
        assert_eq!(content_hash(&a), content_hash(&b));
        let mut c = a.clone();
        c.fields = json!({"address": "Số 2", "phone": {"x": 1, "y": [1, 2]}});
        assert_ne!(content_hash(&a), content_hash(&c));
        let mut d = a.clone();
        d.seq = 4;
        assert_ne!(content_hash(&a), content_hash(&d));
        let mut e = a.clone();
        e.hlc.millis = -10;
        assert_ne!(content_hash(&a), content_hash(&e));
    }
}
