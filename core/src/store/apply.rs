//! The device side of sync inside the store: enrolment state, the pull cursor, and
//! applying a server response in one transaction (acks, quarantine, pulled records,
//! derived data, rebase of unsynced edits). See docs/sync-protocol.md §2.

use super::derive::{recompute_household, recompute_person};
use super::write::{
    insert_correction, insert_self_report, insert_verification, insert_visit, opt_bool, write_household_patch, write_person_patch,
};
use super::{enum_text, json_col, parse_ts, text_enum, ts, Store, WriteTx};
use crate::error::CoreResult;
use crate::hlc::Hlc;
use crate::ids::{HouseholdId, MemberId, OpId, PersonId, TeamId, VisitId};
use crate::model::{
    Assignment, AssignmentTarget, Campaign, Household, Person, SelfReport, SkillCorrection, SkillVerification, Team, Village, Visit,
};
use crate::problem::Problem;
use crate::store::{HouseholdPatch, PersonPatch};
use crate::sync::protocol::{Change, Cursor, RejectCode, Role, SyncResponse};
use crate::sync::protocol::{Entity, OpKind};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What this device is enrolled as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub token: String,
    pub role: Role,
    pub member_id: Option<MemberId>,
    pub team_id: Option<TeamId>,
    pub household_id: Option<HouseholdId>,
    pub commune_key: Option<String>,
    /// The server the device enrolled with, when the app said (a QR code names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
}

/// An operation the server refused, kept visible until someone discards it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedOp {
    pub op_id: OpId,
    pub entity: Entity,
    pub entity_id: String,
    pub kind: OpKind,
    pub code: RejectCode,
    pub message_vi: String,
    pub message_en: String,
    pub problems: Vec<Problem>,
    pub rejected_at: chrono::DateTime<chrono::Utc>,
}

/// A concurrent identity edit the server found, for a leader to resolve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictRecord {
    pub id: String,
    pub entity: Entity,
    pub entity_id: String,
    pub field: String,
    pub kept: serde_json::Value,
    pub other: serde_json::Value,
    pub resolved: bool,
}

/// What applying one response did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    pub acked: u32,
    pub rejected: u32,
    pub changes: u32,
    /// Pulled records this app version could not apply: set aside in the inbound
    /// quarantine (kept, counted, retried after an app update), never blocking the rest.
    pub skipped: u32,
    /// Records forgotten because the device's scope shrank.
    pub purged: u32,
}

/// A pulled record this app could not apply, kept aside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetAside {
    pub entity: Entity,
    pub entity_id: String,
    pub error: String,
    pub set_aside_at: chrono::DateTime<chrono::Utc>,
}

/// The app build a set-aside record was last tried with: an update retries them.
fn app_build() -> String {
    format!("{}+{}", env!("CARGO_PKG_VERSION"), super::schema::SCHEMA_VERSION)
}

/// Whether a failure to apply one pulled record is about that record (set it aside) or
/// about the device (disk full, database locked: stop, and try the whole answer again).
fn record_failure(e: &crate::CoreError) -> bool {
    use rusqlite::ErrorCode as C;
    match e {
        crate::CoreError::Storage(rusqlite::Error::SqliteFailure(f, _)) => !matches!(
            f.code,
            C::DatabaseBusy | C::DatabaseLocked | C::DiskFull | C::SystemIoFailure | C::CannotOpen | C::ReadOnly | C::OutOfMemory
        ),
        crate::CoreError::Storage(_) | crate::CoreError::SchemaTooNew { .. } | crate::CoreError::EncryptionUnavailable => false,
        crate::CoreError::Invalid(_) | crate::CoreError::NotFound { .. } | crate::CoreError::Encoding(_) => true,
    }
}

/// Apply one pulled change inside a savepoint: all of it, or none of it and `Err`.
fn apply_one(tx: &Transaction<'_>, c: &Change, touched: &mut Touched) -> CoreResult<()> {
    tx.execute_batch("SAVEPOINT pulled_change")?;
    let mut local = Touched::default();
    match apply_change(tx, c, &mut local) {
        Ok(()) => {
            tx.execute_batch("RELEASE pulled_change")?;
            tx.prepare_cached("DELETE FROM inbound_quarantine WHERE entity = ?1 AND entity_id = ?2")?
                .execute(params![enum_text(c.entity), c.id])?;
            touched.persons.extend(local.persons);
            touched.households.extend(local.households);
            Ok(())
        }
        Err(e) => {
            tx.execute_batch("ROLLBACK TO pulled_change; RELEASE pulled_change")?;
            Err(e)
        }
    }
}

fn set_aside(tx: &Transaction<'_>, c: &Change, error: &crate::CoreError, now: chrono::DateTime<chrono::Utc>) -> CoreResult<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO inbound_quarantine (entity, entity_id, version, deleted, state, error, app, set_aside_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        enum_text(c.entity),
        c.id,
        c.version.to_string(),
        c.deleted,
        c.state.to_string(),
        error.to_string().chars().take(500).collect::<String>(),
        app_build(),
        ts(now)
    ])?;
    Ok(())
}

const ENROLMENT: &str = "sync.enrolment";
const CURSOR: &str = "sync.cursor";
/// When the last server response was applied (RFC 3339, server-corrected clock).
pub(crate) const LAST_SYNC: &str = "sync.last_at";

#[derive(Default)]
struct Touched {
    persons: BTreeSet<PersonId>,
    households: BTreeSet<HouseholdId>,
}

pub(crate) fn setting(tx: &rusqlite::Connection, key: &str) -> CoreResult<Option<String>> {
    Ok(tx.prepare_cached("SELECT value FROM settings WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

pub(crate) fn set_setting(tx: &Transaction<'_>, key: &str, value: &str) -> CoreResult<()> {
    tx.prepare_cached("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")?
        .execute(params![key, value])?;
    Ok(())
}

impl Store {
    /// The device's enrolment, if it has one.
    pub fn enrolment(&self) -> CoreResult<Option<Enrolment>> {
        self.read(|c| setting(c, ENROLMENT)?.map(|s| Ok(serde_json::from_str(&s)?)).transpose())
    }

    /// Keep the enrolment and the server's clock offset (both from the enrolment answer).
    pub fn save_enrolment(&self, e: &Enrolment, clock_offset_ms: i64) -> CoreResult<()> {
        self.write(|w| {
            set_setting(&w.tx, ENROLMENT, &serde_json::to_string(e)?)?;
            w.set_clock_offset(clock_offset_ms)
        })
    }

    /// Where this device is in the server's change stream.
    pub fn sync_cursor(&self) -> CoreResult<Cursor> {
        self.read(|c| Ok(Cursor(setting(c, CURSOR)?.unwrap_or_default())))
    }

    /// The server clock offset in ms (server minus device), 0 before the first contact.
    pub fn clock_offset_ms(&self) -> CoreResult<i64> {
        self.read(|c| Ok(c.query_row("SELECT clock_offset_ms FROM device WHERE id = 1", [], |r| r.get(0))?))
    }

    /// Apply a server response: forget acknowledged ops, quarantine refused ones, write
    /// pulled records, recompute what derives from them, re-apply unsynced local edits,
    /// and store the new cursor and clock offset — all in one transaction.
    pub fn apply_sync_response(&self, resp: &SyncResponse, clock_offset_ms: i64) -> CoreResult<ApplyReport> {
        self.write_with(false, |w| {
            let mut report = ApplyReport::default();
            {
                let mut del = w.tx.prepare_cached("DELETE FROM outbox WHERE op_id = ?1")?;
                for id in &resp.acks {
                    report.acked += del.execute([id])? as u32;
                }
            }
            for r in &resp.rejected {
                let moved = w.tx.prepare_cached(
                    "INSERT OR REPLACE INTO quarantine (op_id, seq, entity, entity_id, kind, payload, code, message_vi, message_en, problems, rejected_at)
                     SELECT op_id, seq, entity, entity_id, kind, payload, ?2, ?3, ?4, ?5, ?6 FROM outbox WHERE op_id = ?1",
                )?
                .execute(params![r.op_id, enum_text(r.code), r.message_vi, r.message_en, serde_json::to_string(&r.problems)?, ts(w.now)])?;
                w.tx.prepare_cached("DELETE FROM outbox WHERE op_id = ?1")?.execute([r.op_id])?;
                report.rejected += moved as u32;
            }
            // The server's time first: pulled versions are then judged against the
            // corrected clock, not a phone clock that may be years off.
            w.set_clock_offset(clock_offset_ms)?;
            if let Some(p) = &resp.purge {
                report.purged += super::purge::purge(&w.tx, p)?;
            }
            let mut touched = Touched::default();
            for c in &resp.changes {
                w.observe(c.version);
                match apply_one(&w.tx, c, &mut touched) {
                    Ok(()) => report.changes += 1,
                    // A record this app cannot apply must not block every later sync:
                    // it is set aside, counted, and tried again after an update.
                    Err(e) if record_failure(&e) => {
                        set_aside(&w.tx, c, &e, w.now)?;
                        report.skipped += 1;
                    }
                    Err(e) => return Err(e),
                }
            }
            rebase_pending(w, &touched)?;
            for p in &touched.persons {
                recompute_person(&w.tx, *p)?;
                if let Some(h) = w.tx.prepare_cached("SELECT household_id FROM persons WHERE id = ?1")?.query_row([p], |r| r.get(0)).optional()? {
                    touched.households.insert(h);
                }
            }
            for h in &touched.households {
                recompute_household(&w.tx, *h)?;
            }
            set_setting(&w.tx, CURSOR, &resp.next_cursor.0)?;
            set_setting(&w.tx, LAST_SYNC, &ts(w.now))?;
            Ok(report)
        })
    }

    /// Pulled records set aside because this app could not apply them.
    pub fn inbound_quarantine(&self) -> CoreResult<Vec<SetAside>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT entity, entity_id, error, set_aside_at FROM inbound_quarantine ORDER BY set_aside_at, entity, entity_id",
            )?;
            let rows = st.query_map([], |r| {
                Ok(SetAside {
                    entity: text_enum(&r.get::<_, String>(0)?)?,
                    entity_id: r.get(1)?,
                    error: r.get(2)?,
                    set_aside_at: parse_ts(&r.get::<_, String>(3)?)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// How many pulled records are set aside.
    pub fn inbound_quarantine_count(&self) -> CoreResult<u64> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM inbound_quarantine", [], |r| r.get::<_, i64>(0))? as u64))
    }

    /// Try the set-aside records again (after an app update, or when asked); returns how
    /// many now applied. Those that still fail stay aside.
    pub fn retry_inbound_quarantine(&self) -> CoreResult<u32> {
        self.write_with(false, |w| {
            let rows: Vec<(String, String, String, bool, String)> = {
                let mut st = w.tx.prepare_cached("SELECT entity, entity_id, version, deleted, state FROM inbound_quarantine")?;
                let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut touched = Touched::default();
            let mut applied = 0;
            for (entity, id, version, deleted, state) in rows {
                let (Ok(entity), Ok(version), Ok(state)) = (text_enum::<Entity>(&entity), version.parse(), serde_json::from_str(&state))
                else {
                    continue;
                };
                let c = Change { entity, id, version, deleted, state };
                match apply_one(&w.tx, &c, &mut touched) {
                    Ok(()) => applied += 1,
                    Err(e) if record_failure(&e) => set_aside(&w.tx, &c, &e, w.now)?,
                    Err(e) => return Err(e),
                }
            }
            for p in &touched.persons {
                recompute_person(&w.tx, *p)?;
            }
            for h in &touched.households {
                recompute_household(&w.tx, *h)?;
            }
            w.tx.prepare_cached("UPDATE inbound_quarantine SET app = ?1")?.execute([app_build()])?;
            Ok(applied)
        })
    }

    /// Whether records were set aside by an older build of the app (retry them).
    pub(crate) fn set_aside_by_older_app(&self) -> CoreResult<bool> {
        self.read(|c| Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM inbound_quarantine WHERE app <> ?1)", [app_build()], |r| r.get(0))?))
    }

    /// Operations the server refused, newest first.
    pub fn rejected_ops(&self) -> CoreResult<Vec<RejectedOp>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT op_id, entity, entity_id, kind, code, message_vi, message_en, problems, rejected_at FROM quarantine ORDER BY seq DESC",
            )?;
            let rows = st.query_map([], |r| {
                Ok(RejectedOp {
                    op_id: r.get(0)?,
                    entity: text_enum(&r.get::<_, String>(1)?)?,
                    entity_id: r.get(2)?,
                    kind: text_enum(&r.get::<_, String>(3)?)?,
                    code: text_enum(&r.get::<_, String>(4)?)?,
                    message_vi: r.get(5)?,
                    message_en: r.get(6)?,
                    problems: json_col(&r.get::<_, String>(7)?)?,
                    rejected_at: parse_ts(&r.get::<_, String>(8)?)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// A person looked at a refused operation and chose to drop it. A refused visit (or
    /// self-report) is dropped from this device too, so it no longer counts here what the
    /// server never accepted.
    pub fn discard_rejected(&self, op_id: OpId) -> CoreResult<()> {
        self.write(|w| drop_refused(&w.tx, op_id))
    }

    /// When this device last applied a server response, if ever.
    pub fn last_sync_at(&self) -> CoreResult<Option<chrono::DateTime<chrono::Utc>>> {
        self.read(|c| Ok(setting(c, LAST_SYNC)?.map(|s| parse_ts(&s)).transpose()?))
    }

    /// Conflicts on identity fields, unresolved first.
    pub fn conflicts(&self) -> CoreResult<Vec<ConflictRecord>> {
        self.read(|c| {
            let mut st =
                c.prepare_cached("SELECT id, entity, entity_id, field, kept, other, resolved FROM conflicts ORDER BY resolved, id")?;
            let rows = st.query_map([], |r| {
                Ok(ConflictRecord {
                    id: r.get(0)?,
                    entity: text_enum(&r.get::<_, String>(1)?)?,
                    entity_id: r.get(2)?,
                    field: r.get(3)?,
                    kept: json_col(&r.get::<_, String>(4)?)?,
                    other: json_col(&r.get::<_, String>(5)?)?,
                    resolved: r.get(6)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// A leader settled a conflict (after correcting the field, if needed).
    pub fn resolve_conflict(&self, id: &str) -> CoreResult<()> {
        self.write(|w| {
            let version: Option<String> =
                w.tx.query_row("SELECT kept_version FROM conflicts WHERE id = ?1", [id], |r| r.get(0)).optional()?;
            let Some(version) = version else { return Err(crate::CoreError::NotFound { entity: "conflict", id: id.to_owned() }) };
            w.tx.execute("UPDATE conflicts SET resolved = 1 WHERE id = ?1", [id])?;
            w.emit(Entity::Conflict, id, OpKind::Update, version.parse().ok(), &serde_json::json!({ "resolved": true }))?;
            Ok(())
        })
    }
}

/// Remove a refused operation and the local facts it made (a visit's rows, a
/// self-report), recomputing what derives from them. Records that are edited in place
/// (households, people) stay as they are on the device.
pub(crate) fn drop_refused(tx: &Transaction<'_>, op_id: OpId) -> CoreResult<()> {
    let row: Option<(String, String, String)> = tx
        .prepare_cached("SELECT entity, entity_id, kind FROM quarantine WHERE op_id = ?1")?
        .query_row([op_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((entity, entity_id, kind)) = row else { return Ok(()) };
    tx.prepare_cached("DELETE FROM quarantine WHERE op_id = ?1")?.execute([op_id])?;
    if kind != enum_text(OpKind::Append) {
        return Ok(());
    }
    let mut touched = Touched::default();
    match text_enum::<Entity>(&entity) {
        Ok(Entity::Visit) => {
            // A correction of the refused visit made later on this device keeps its rows.
            let other_refs: bool =
                tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM visits WHERE supersedes = ?1)")?.query_row([&entity_id], |r| r.get(0))?;
            if other_refs {
                return Ok(());
            }
            let people: Vec<(PersonId, HouseholdId)> = tx
                .prepare_cached("SELECT person_id, household_id FROM visit_attendees WHERE visit_id = ?1")?
                .query_map([&entity_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            for table in ["visit_outcomes", "visit_attendees", "visit_topics"] {
                tx.execute(&format!("DELETE FROM {table} WHERE visit_id = ?1"), [&entity_id])?;
            }
            tx.prepare_cached("DELETE FROM visits WHERE id = ?1")?.execute([&entity_id])?;
            for (p, h) in people {
                touched.persons.insert(p);
                touched.households.insert(h);
            }
        }
        Ok(Entity::SelfReport) => {
            let person: Option<PersonId> =
                tx.prepare_cached("SELECT person_id FROM self_reports WHERE id = ?1")?.query_row([&entity_id], |r| r.get(0)).optional()?;
            tx.prepare_cached("DELETE FROM self_reports WHERE id = ?1")?.execute([&entity_id])?;
            touched.persons.extend(person);
        }
        _ => return Ok(()),
    }
    for p in &touched.persons {
        recompute_person(tx, *p)?;
        if let Some(h) = tx.prepare_cached("SELECT household_id FROM persons WHERE id = ?1")?.query_row([p], |r| r.get(0)).optional()? {
            touched.households.insert(h);
        }
    }
    for h in &touched.households {
        recompute_household(tx, *h)?;
    }
    Ok(())
}

fn from_state<T: serde::de::DeserializeOwned>(c: &Change) -> CoreResult<T> {
    Ok(serde_json::from_value(c.state.clone())?)
}

fn apply_change(tx: &Transaction<'_>, c: &Change, touched: &mut Touched) -> CoreResult<()> {
    let version = c.version.to_string();
    match c.entity {
        Entity::Village => {
            let v: Village = from_state(c)?;
            tx.prepare_cached("INSERT INTO villages (id, commune_key, name) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET commune_key = excluded.commune_key, name = excluded.name")?
                .execute(params![v.id, v.commune_key, v.name])?;
            let mut st = tx.prepare_cached("SELECT id FROM households WHERE village_id = ?1")?;
            touched.households.extend(st.query_map([v.id], |r| r.get::<_, HouseholdId>(0))?.collect::<Result<Vec<_>, _>>()?);
        }
        Entity::Household => {
            let h: Household = from_state(c)?;
            let i = &h.indicators;
            tx.prepare_cached(
                "INSERT INTO households (id, village_id, address, head_id, phone, lat, lon, has_smartphone, has_broadband, has_epayment_adult,
                     uses_internet, created_at, version, deleted)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT (id) DO UPDATE SET village_id = excluded.village_id, address = excluded.address, head_id = excluded.head_id,
                     phone = excluded.phone, lat = excluded.lat, lon = excluded.lon, has_smartphone = excluded.has_smartphone,
                     has_broadband = excluded.has_broadband, has_epayment_adult = excluded.has_epayment_adult, uses_internet = excluded.uses_internet,
                     created_at = excluded.created_at, version = excluded.version, deleted = excluded.deleted",
            )?
            .execute(params![
                h.id,
                h.village_id,
                h.address,
                h.head_id,
                h.phone,
                h.location.map(|l| l.lat),
                h.location.map(|l| l.lon),
                opt_bool(i.has_smartphone),
                opt_bool(i.has_broadband),
                opt_bool(i.has_epayment_adult),
                opt_bool(i.uses_internet),
                ts(h.created_at),
                version,
                c.deleted
            ])?;
            touched.households.insert(h.id);
        }
        Entity::Person => {
            let p: Person = from_state(c)?;
            tx.prepare_cached(
                "INSERT INTO persons (id, household_id, full_name, birth_year, sex, relation, phone, consent_given_by, consent_given_at,
                     consent_purpose, consent_recorded_by, created_at, version, deleted, search_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, tn_fold(?3))
                 ON CONFLICT (id) DO UPDATE SET household_id = excluded.household_id, full_name = excluded.full_name, birth_year = excluded.birth_year,
                     sex = excluded.sex, relation = excluded.relation, phone = excluded.phone, consent_given_by = excluded.consent_given_by,
                     consent_given_at = excluded.consent_given_at, consent_purpose = excluded.consent_purpose,
                     consent_recorded_by = excluded.consent_recorded_by, version = excluded.version, deleted = excluded.deleted,
                     search_key = excluded.search_key",
            )?
            .execute(params![
                p.id,
                p.household_id,
                p.full_name,
                p.birth_year,
                p.sex.map(enum_text),
                enum_text(p.relation),
                p.phone,
                p.consent.given_by,
                ts(p.consent.given_at),
                p.consent.purpose,
                p.consent.recorded_by,
                ts(p.consent.given_at),
                version,
                c.deleted
            ])?;
            touched.persons.insert(p.id);
            touched.households.insert(p.household_id);
        }
        Entity::Visit => {
            let mut v: Visit = from_state(c)?;
            let known: bool = tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM visits WHERE id = ?1)")?.query_row([v.id], |r| r.get(0))?;
            if known {
                // The server's version of a fact is the one every replica orders by (it
                // re-stamps clocks from the future): take it for this device's own facts too.
                let moved = tx.prepare_cached("UPDATE visits SET hlc = ?2 WHERE id = ?1 AND hlc <> ?2")?.execute(params![v.id, version])?;
                if moved > 0 {
                    let mut st = tx.prepare_cached("SELECT person_id FROM visit_attendees WHERE visit_id = ?1")?;
                    touched.persons.extend(st.query_map([v.id], |r| r.get::<_, PersonId>(0))?.collect::<Result<Vec<_>, _>>()?);
                }
            } else {
                for a in &mut v.attendees {
                    if a.household_id.is_none() {
                        a.household_id = tx
                            .prepare_cached("SELECT household_id FROM persons WHERE id = ?1")?
                            .query_row([a.person_id], |r| r.get(0))
                            .optional()?;
                    }
                }
                insert_visit(tx, &v, c.version)?;
                touched.persons.extend(v.attendees.iter().map(|a| a.person_id));
                touched.households.extend(v.attendees.iter().filter_map(|a| a.household_id));
                if let Some(old) = v.supersedes {
                    touched.households.extend(households_of_visit(tx, old)?);
                }
            }
        }
        Entity::SelfReport => {
            let r: SelfReport = from_state(c)?;
            insert_self_report(tx, &r, c.version)?;
            touched.persons.insert(r.person_id);
        }
        Entity::SkillVerification => {
            let v: SkillVerification = from_state(c)?;
            insert_verification(tx, &v, c.version)?;
            touched.persons.insert(v.person_id);
        }
        Entity::SkillCorrection => {
            let k: SkillCorrection = from_state(c)?;
            let from: i64 = tx
                .prepare_cached("SELECT level FROM person_skills WHERE person_id = ?1 AND skill = ?2")?
                .query_row(params![k.person_id, k.skill], |r| r.get(0))
                .optional()?
                .unwrap_or(0);
            insert_correction(tx, &k, from, c.version)?;
            touched.persons.insert(k.person_id);
        }
        Entity::Campaign => {
            let k: Campaign = from_state(c)?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO campaigns (id, name, starts_on, ends_on, launch_at, targets, deadlines, team_label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                k.id,
                k.name,
                k.starts_on.to_string(),
                k.ends_on.to_string(),
                k.launch_at.map(ts),
                serde_json::to_string(&k.targets)?,
                serde_json::to_string(&k.deadlines)?,
                k.team_label
            ])?;
        }
        Entity::Team => {
            let t: Team = from_state(c)?;
            tx.prepare_cached("INSERT INTO teams (id, commune_key, name) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET commune_key = excluded.commune_key, name = excluded.name")?
                .execute(params![t.id, t.commune_key, t.name])?;
            tx.prepare_cached("DELETE FROM team_members WHERE team_id = ?1")?.execute([t.id])?;
            for m in &t.members {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO team_members (id, team_id, full_name, phone, organisation, role, trainings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    m.id,
                    t.id,
                    m.full_name,
                    m.phone,
                    serde_json::to_string(&m.organisation)?,
                    serde_json::to_string(&m.role)?,
                    serde_json::to_string(&m.trainings)?
                ])?;
            }
        }
        Entity::Assignment => {
            let a: Assignment = from_state(c)?;
            if c.deleted {
                tx.prepare_cached("DELETE FROM assignments WHERE id = ?1")?.execute([a.id])?;
            } else {
                let (village, household) = match a.target {
                    AssignmentTarget::Village(v) => (Some(v), None),
                    AssignmentTarget::Household(h) => (None, Some(h)),
                };
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO assignments (id, team_id, volunteer_id, village_id, household_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![a.id, a.team_id, a.volunteer_id, village, household])?;
            }
        }
        Entity::LocalTopic => {
            #[derive(Deserialize)]
            struct Topic {
                code: String,
                name_vi: String,
                name_en: String,
            }
            let t: Topic = from_state(c)?;
            tx.prepare_cached("INSERT OR REPLACE INTO local_topics (code, name_vi, name_en) VALUES (?1, ?2, ?3)")?
                .execute(params![t.code, t.name_vi, t.name_en])?;
        }
        Entity::Conflict => {
            #[derive(Deserialize)]
            struct Conflict {
                entity: Entity,
                entity_id: String,
                field: String,
                kept: serde_json::Value,
                kept_version: Hlc,
                other: serde_json::Value,
                other_version: Hlc,
                #[serde(default)]
                resolved: bool,
            }
            let k: Conflict = from_state(c)?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO conflicts (id, entity, entity_id, field, kept, kept_version, other, other_version, resolved)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                c.id,
                enum_text(k.entity),
                k.entity_id,
                k.field,
                k.kept.to_string(),
                k.kept_version.to_string(),
                k.other.to_string(),
                k.other_version.to_string(),
                k.resolved
            ])?;
        }
    }
    Ok(())
}

fn households_of_visit(tx: &Transaction<'_>, visit: VisitId) -> CoreResult<Vec<HouseholdId>> {
    let mut st = tx.prepare_cached("SELECT DISTINCT household_id FROM visit_attendees WHERE visit_id = ?1")?;
    let rows = st.query_map([visit], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Re-apply this device's unsynced edits on top of pulled households and people, so an
/// edit the server has not seen yet is not overwritten on screen.
fn rebase_pending(w: &mut WriteTx<'_>, touched: &Touched) -> CoreResult<()> {
    let mut st = w.tx.prepare_cached(
        "SELECT entity_id, kind, payload FROM outbox WHERE entity = ?1 AND entity_id = ?2 AND kind IN ('update', 'delete') ORDER BY seq",
    )?;
    for h in &touched.households {
        let rows: Vec<(String, String, String)> = st
            .query_map(params![enum_text(Entity::Household), h.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for (_, kind, payload) in rows {
            if kind == "delete" {
                w.tx.prepare_cached("UPDATE households SET deleted = 1 WHERE id = ?1")?.execute([h])?;
            } else {
                write_household_patch(&w.tx, *h, &serde_json::from_str::<HouseholdPatch>(&payload)?)?;
            }
        }
    }
    for p in &touched.persons {
        let rows: Vec<(String, String, String)> = st
            .query_map(params![enum_text(Entity::Person), p.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for (_, kind, payload) in rows {
            if kind == "delete" {
                w.tx.prepare_cached("UPDATE persons SET deleted = 1 WHERE id = ?1")?.execute([p])?;
            } else {
                write_person_patch(&w.tx, *p, &serde_json::from_str::<PersonPatch>(&payload)?)?;
            }
        }
    }
    Ok(())
}
