//! How a record's merge state is kept in a row: the fields as canonical JSON (exactly
//! what pulls send), the greatest version, and the per-field versions compactly.
//!
//! A record's fields almost always share one version (a create sets them all, an edit
//! changes one or two), and facts never change. So instead of an HLC per field (which
//! made the stored state 2.5–4× the payload), the row keeps the most common version once
//! under `"*"` and only the fields that differ; a tombstone's version sits under `"~"`.
//! Facts keep no per-field versions at all.

use crate::error::StoreError;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use tungnha_core::hlc::Hlc;
use tungnha_core::sync::protocol::Entity;
use tungnha_core::sync::{merge, RecordState};

/// A record's state as columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateColumns {
    pub fields: String,
    /// Compact per-field versions (`None` for facts).
    pub versions: Option<String>,
    /// The greatest version merged into the record.
    pub version: Option<String>,
    pub deleted: bool,
}

const DEFAULT: &str = "*";
const TOMBSTONE: &str = "~";

pub fn encode(entity: Entity, state: &RecordState) -> Result<StateColumns, StoreError> {
    let fields = serde_json::to_string(&state.fields)?;
    let version = state.version().map(|h| h.to_string());
    let versions = if merge::is_fact(entity) && state.deleted.is_none() {
        None
    } else {
        let mut counts: HashMap<Hlc, usize> = HashMap::new();
        for h in state.versions.values() {
            *counts.entry(*h).or_default() += 1;
        }
        let common = counts.into_iter().max_by_key(|(h, n)| (*n, *h)).map(|(h, _)| h);
        let mut out = Map::new();
        if let Some(c) = common {
            out.insert(DEFAULT.into(), Value::String(c.to_string()));
        }
        for (field, h) in &state.versions {
            if Some(*h) != common {
                out.insert(field.clone(), Value::String(h.to_string()));
            }
        }
        if let Some(d) = state.deleted {
            out.insert(TOMBSTONE.into(), Value::String(d.to_string()));
        }
        Some(serde_json::to_string(&out)?)
    };
    Ok(StateColumns { fields, versions, version, deleted: state.deleted.is_some() })
}

/// The columns of a record just made: every field at `version`.
pub fn new_columns(entity: Entity, fields: String, version: Hlc) -> StateColumns {
    let (version, versions) = new_versions(entity, version);
    StateColumns { fields, versions, version: Some(version), deleted: false }
}

/// The version columns of a record just made (`version`, `versions`), for a writer that
/// binds the fields it already holds.
pub fn new_versions(entity: Entity, version: Hlc) -> (String, Option<String>) {
    let version = version.to_string();
    let versions = (!merge::is_fact(entity)).then(|| format!("{{\"{DEFAULT}\":\"{version}\"}}"));
    (version, versions)
}

fn hlc(text: &str) -> Result<Hlc, StoreError> {
    text.parse().map_err(|e| StoreError::Data(format!("stored version {text:?}: {e}")))
}

pub fn decode(fields: &str, versions: Option<&str>, version: Option<&str>) -> Result<RecordState, StoreError> {
    let fields: Map<String, Value> = serde_json::from_str(fields).map_err(|e| StoreError::Data(format!("stored fields: {e}")))?;
    let (default, exceptions, deleted) = match versions {
        None => (version.map(hlc).transpose()?, Map::new(), None),
        Some(text) => {
            let mut map: Map<String, Value> = serde_json::from_str(text).map_err(|e| StoreError::Data(format!("stored versions: {e}")))?;
            let default = map.remove(DEFAULT).and_then(|v| v.as_str().map(hlc)).transpose()?;
            let deleted = map.remove(TOMBSTONE).and_then(|v| v.as_str().map(hlc)).transpose()?;
            (default, map, deleted)
        }
    };
    let mut out = BTreeMap::new();
    for name in fields.keys() {
        let h = match exceptions.get(name).and_then(Value::as_str) {
            Some(t) => Some(hlc(t)?),
            None => default,
        };
        if let Some(h) = h {
            out.insert(name.clone(), h);
        }
    }
    Ok(RecordState { fields, versions: out, deleted })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tungnha_core::ids::DeviceId;

    #[test]
    fn states_round_trip_compactly() {
        let d = DeviceId::new();
        let (a, b, c) = (
            Hlc { millis: 10, counter: 0, device: d },
            Hlc { millis: 20, counter: 1, device: d },
            Hlc { millis: 30, counter: 0, device: d },
        );
        let fields: Map<String, Value> =
            json!({"address": "Số 1", "phone": null, "village_id": "v", "x": 1}).as_object().cloned().unwrap_or_default();
        let mut versions: BTreeMap<String, Hlc> = fields.keys().map(|k| (k.clone(), a)).collect();
        versions.insert("phone".into(), b);
        let state = RecordState { fields: fields.clone(), versions, deleted: Some(c) };
        let cols = encode(Entity::Household, &state).expect("encode");
        assert_eq!(cols.version, Some(c.to_string()));
        let text = cols.versions.clone().unwrap_or_default();
        assert_eq!(text.matches("-000000-").count() + text.matches("-000001-").count(), 3, "{text}");
        assert_eq!(decode(&cols.fields, cols.versions.as_deref(), cols.version.as_deref()).expect("decode"), state);
        // A fact keeps one version for all its fields.
        let fact = RecordState { fields: fields.clone(), versions: fields.keys().map(|k| (k.clone(), a)).collect(), deleted: None };
        let cols = encode(Entity::Visit, &fact).expect("encode");
        assert_eq!(cols.versions, None);
        assert_eq!(decode(&cols.fields, None, cols.version.as_deref()).expect("decode"), fact);
        // A new record's columns say what `encode` says of it.
        let text = serde_json::to_string(&fields).expect("json");
        for entity in [Entity::Visit, Entity::Household] {
            let fresh = RecordState { fields: fields.clone(), versions: fields.keys().map(|k| (k.clone(), a)).collect(), deleted: None };
            assert_eq!(new_columns(entity, text.clone(), a), encode(entity, &fresh).expect("encode"));
        }
    }
}
