//! What sync has left for the person to look at: changes waiting to be sent, changes the
//! server refused (what each was, the server's reason, and what can be done: fix it or
//! discard it), records set aside, conflicts, and when the last sync was.
//!
//! Fixing a refused visit opens a new visit draft prefilled from the refused content
//! ([`VisitDraft::from_refused`]); saving it ([`VisitDraft::save_replacing`]) records the
//! new visit and drops the refused one, in one transaction.

use crate::error::{CoreError, CoreResult};
use crate::forms::{AttendeeDraft, VisitDraft};
use crate::ids::{OpId, VisitId};
use crate::model::{Visit, VisitPlace};
use crate::problem::Problem;
use crate::store::{Saved, Store};
use crate::sync::protocol::{Entity, OpKind, RejectCode};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

/// The most refused items one status screen lists (newest first).
pub const MAX_REFUSED_LISTED: u32 = 200;

/// What the person can do with a refused change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusedAction {
    /// Open the record's form prefilled with what was refused, correct it, save again.
    Fix,
    /// Drop it (it never reached the server; it is removed from this phone too).
    Discard,
}

/// One change the server refused, as the sync status screen lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RefusedItem {
    pub op_id: OpId,
    /// What kind of record: visit, household, person…
    pub entity: Entity,
    pub entity_id: String,
    pub kind: OpKind,
    /// What it was, in the record's own words: the household's address, the person's
    /// name, a group session's place…
    pub title: String,
    /// When it happened, for facts (a visit's time, a self-report's).
    pub occurred_at: Option<DateTime<Utc>>,
    pub code: RejectCode,
    /// The server's reason.
    pub reason_vi: String,
    pub reason_en: String,
    /// The fields the server found wrong (to show on the form when fixing).
    pub problems: Vec<Problem>,
    pub rejected_at: DateTime<Utc>,
    /// What the person can do, in the order to offer it.
    pub actions: Vec<RefusedAction>,
}

/// Everything the sync status screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncStatus {
    /// Local changes not yet acknowledged by the server.
    pub pending: u64,
    /// Newest first, at most [`MAX_REFUSED_LISTED`].
    pub refused: Vec<RefusedItem>,
    /// All refused changes (may exceed the list).
    pub refused_total: u32,
    /// Records from the server this app version could not read (kept, retried after an update).
    pub set_aside: u32,
    /// Unresolved conflicts (a team leader settles them).
    pub conflicts: u32,
    /// The unresolved conflicts, to settle (at most [`MAX_REFUSED_LISTED`]).
    pub conflict_items: Vec<ConflictItem>,
    pub last_sync_at: Option<DateTime<Utc>>,
}

/// Two people changed the same identity field (a name, a birth year) offline: the record
/// kept one value, the other is kept here until a team leader chooses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictItem {
    pub id: String,
    pub entity: Entity,
    pub entity_id: String,
    /// Whose record: the person's name, the household's address.
    pub title: String,
    pub field: String,
    /// The record's value now, and the other one, as text to show.
    pub kept: String,
    pub other: String,
}

/// What a team leader chooses for a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictChoice {
    /// The record's value stays.
    Kept,
    /// The other value replaces it (an ordinary edit, validated and synced like any).
    Other,
}

/// A stored value as text for the screen (a name as is, a year as digits, none as empty).
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// What the person can do with a refusal of this code for this record.
pub fn actions_for(entity: Entity, code: RejectCode) -> Vec<RefusedAction> {
    let fixable = entity == Entity::Visit && matches!(code, RejectCode::Invalid | RejectCode::UnknownRecord);
    if fixable {
        vec![RefusedAction::Fix, RefusedAction::Discard]
    } else {
        vec![RefusedAction::Discard]
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.trim().is_empty()).map(str::to_owned)
}

fn time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    v.get(key).and_then(|t| serde_json::from_value(t.clone()).ok())
}

fn local(c: &Connection, sql: &str, id: &str) -> CoreResult<Option<String>> {
    Ok(c.prepare_cached(sql)?.query_row([id], |r| r.get(0)).optional()?)
}

const ADDRESS: &str = "SELECT address FROM households WHERE id = ?1";
const PERSON: &str = "SELECT full_name FROM persons WHERE id = ?1";

/// What a refused operation was, in its own words, and when (for facts).
fn describe(c: &Connection, entity: Entity, entity_id: &str, payload: &Value) -> CoreResult<(String, Option<DateTime<Utc>>)> {
    let id_of = |key: &str| text(payload, key).unwrap_or_default();
    Ok(match entity {
        Entity::Visit => {
            let title = match serde_json::from_value::<VisitPlace>(payload.get("place").cloned().unwrap_or(Value::Null)) {
                Ok(VisitPlace::Household { household_id }) => local(c, ADDRESS, &household_id.to_string())?,
                Ok(VisitPlace::Group { place }) => Some(place),
                Err(_) => None,
            };
            (title.unwrap_or_default(), time(payload, "occurred_at"))
        }
        Entity::Household => (text(payload, "address").or(local(c, ADDRESS, entity_id)?).unwrap_or_default(), None),
        Entity::Person => (text(payload, "full_name").or(local(c, PERSON, entity_id)?).unwrap_or_default(), None),
        Entity::SelfReport => (local(c, PERSON, &id_of("person_id"))?.unwrap_or_default(), time(payload, "reported_at")),
        Entity::SkillVerification | Entity::SkillCorrection => {
            (local(c, PERSON, &id_of("person_id"))?.unwrap_or_default(), time(payload, "at"))
        }
        Entity::LocalTopic => (text(payload, "name_vi").unwrap_or_else(|| entity_id.to_owned()), None),
        Entity::Village | Entity::Team | Entity::Campaign => (text(payload, "name").unwrap_or_default(), None),
        Entity::Assignment | Entity::Conflict => (String::new(), None),
    })
}

impl Store {
    /// The sync status screen.
    pub fn sync_status(&self) -> CoreResult<SyncStatus> {
        let (refused_total, set_aside, conflicts) = self.sync_counts()?;
        let rejected = self.rejected_ops()?;
        let refused = self.read(|c| {
            let mut payload = c.prepare_cached("SELECT payload FROM quarantine WHERE op_id = ?1")?;
            rejected
                .into_iter()
                .take(MAX_REFUSED_LISTED as usize)
                .map(|r| {
                    let body: Option<String> = payload.query_row([r.op_id], |row| row.get(0)).optional()?;
                    let body: Value = body.and_then(|b| serde_json::from_str(&b).ok()).unwrap_or(Value::Null);
                    let (title, occurred_at) = describe(c, r.entity, &r.entity_id, &body)?;
                    Ok(RefusedItem {
                        actions: actions_for(r.entity, r.code),
                        op_id: r.op_id,
                        entity: r.entity,
                        entity_id: r.entity_id,
                        kind: r.kind,
                        title,
                        occurred_at,
                        code: r.code,
                        reason_vi: r.message_vi,
                        reason_en: r.message_en,
                        problems: r.problems,
                        rejected_at: r.rejected_at,
                    })
                })
                .collect::<CoreResult<Vec<_>>>()
        })?;
        let open: Vec<_> = self.conflicts()?.into_iter().filter(|k| !k.resolved).take(MAX_REFUSED_LISTED as usize).collect();
        let conflict_items = self.read(|c| {
            open.into_iter()
                .map(|k| {
                    let title = match k.entity {
                        Entity::Person => local(c, PERSON, &k.entity_id)?,
                        Entity::Household => local(c, ADDRESS, &k.entity_id)?,
                        _ => None,
                    };
                    Ok(ConflictItem {
                        title: title.unwrap_or_default(),
                        kept: shown(&k.kept),
                        other: shown(&k.other),
                        id: k.id,
                        entity: k.entity,
                        entity_id: k.entity_id,
                        field: k.field,
                    })
                })
                .collect::<CoreResult<Vec<_>>>()
        })?;
        Ok(SyncStatus {
            pending: self.pending_count()?,
            refused,
            refused_total,
            set_aside,
            conflicts,
            conflict_items,
            last_sync_at: self.last_sync_at()?,
        })
    }

    /// A team leader settles a conflict: keep the record's value, or take the other one
    /// (saved as an ordinary edit of that field, through the same rules, before the
    /// conflict is marked settled — a refused value leaves the conflict open).
    pub fn settle_conflict(&self, id: &str, choice: ConflictChoice) -> CoreResult<()> {
        let k = self
            .conflicts()?
            .into_iter()
            .find(|k| k.id == id)
            .ok_or_else(|| CoreError::NotFound { entity: "conflict", id: id.to_owned() })?;
        if choice == ConflictChoice::Other && !k.resolved {
            let patch = serde_json::json!({ k.field.as_str(): k.other });
            let bad = || CoreError::NotFound { entity: "conflict record", id: k.entity_id.clone() };
            match k.entity {
                Entity::Person => {
                    let p: crate::model::PersonPatch = serde_json::from_value(patch)?;
                    self.update_person(k.entity_id.parse().map_err(|_| bad())?, &p)?;
                }
                Entity::Household => {
                    let h: crate::model::HouseholdPatch = serde_json::from_value(patch)?;
                    self.update_household(k.entity_id.parse().map_err(|_| bad())?, &h)?;
                }
                _ => return Err(bad()),
            }
        }
        self.resolve_conflict(id)
    }

    /// The content of a refused visit, as it was sent.
    fn refused_visit(&self, op_id: OpId) -> CoreResult<Visit> {
        let not_found = || CoreError::NotFound { entity: "refused visit", id: op_id.to_string() };
        let row: Option<(String, String)> = self.read(|c| {
            Ok(c.prepare_cached("SELECT entity, payload FROM quarantine WHERE op_id = ?1")?
                .query_row([op_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?)
        })?;
        let (entity, payload) = row.ok_or_else(not_found)?;
        if serde_json::from_value::<Entity>(Value::String(entity)).ok() != Some(Entity::Visit) {
            return Err(not_found());
        }
        Ok(serde_json::from_str(&payload)?)
    }
}

impl VisitDraft {
    /// A new visit draft prefilled with what the server refused (`op_id`, a refused visit):
    /// the same place, people, skills, actions, topics, notes and time, to correct and save
    /// with [`Self::save_replacing`].
    pub fn from_refused(store: &Store, op_id: OpId) -> CoreResult<Self> {
        let v = store.refused_visit(op_id)?;
        // Built through the draft's constructors, so fields it gains keep their defaults.
        let mut d = match &v.place {
            VisitPlace::Household { household_id } => Self::at_household(*household_id, v.team_id, v.volunteer_id, v.campaign_id),
            VisitPlace::Group { place } => Self::group_session(place, v.team_id, v.volunteer_id, v.campaign_id),
        };
        d.occurred_at = Some(v.occurred_at);
        d.attendees = v
            .attendees
            .into_iter()
            .map(|a| AttendeeDraft { person_id: a.person_id, skills_guided: a.skills_guided, actions: a.actions })
            .collect();
        d.topics = v.topics;
        d.notes = v.notes;
        d.location = v.location;
        d.supersedes = v.supersedes;
        Ok(d)
    }

    /// Save this draft in place of the refused visit `op_id`: the new visit is recorded
    /// and queued, the refused one dropped, together (nothing changes on a problem).
    pub fn save_replacing(&self, store: &Store, op_id: OpId) -> CoreResult<Saved<VisitId>> {
        store.record_visit_replacing(&self.to_new_visit(store.now()), op_id)
    }
}
