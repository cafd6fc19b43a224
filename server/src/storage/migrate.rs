//! Upgrading a version-1 database (the first release) to version 2, on either backend,
//! in the migration's one transaction. Nothing is lost: devices keep their sequence
//! numbers, the op log keeps every answer, records keep their change numbers (so phones'
//! cursors still point at the right place once they start over in the new cursor form),
//! enrolment codes are kept as hashes.
//!
//! Version 1 kept a record's state as `{fields, versions: {field: hlc}, deleted}` with
//! its placement in separate columns and a `record_households` table for visits;
//! [`convert`] makes the version-2 row from that, the same way for both backends.

use super::sql;
use crate::credentials::code_sha256;
use crate::engine::ports::{Placement, StoredRecord};
use crate::engine::scope::filing_province;
use crate::engine::state;
use crate::error::StoreError;
use std::collections::{BTreeSet, HashMap};
use tungnha_core::sync::RecordState;

/// Rename the version-1 tables out of the way, create version 2's.
const RENAME_V1: &str = "ALTER TABLE enrolment_codes RENAME TO enrolment_codes_v1;
ALTER TABLE op_log RENAME TO op_log_v1;
ALTER TABLE records RENAME TO records_v1;";

const COPY_OP_LOG: &str = "INSERT INTO op_log (op_id, device_id, seq, content_hash, rejection, logged_at_ms)
    SELECT op_id, device_id, seq, content_hash, rejection, logged_at_ms FROM op_log_v1";

const CODES_V1: &str = "SELECT code, role, member_id, team_id, household_id, commune_key, holder_name, issued_by, issued_at_ms, expires_at_ms, used_by, used_at_ms FROM enrolment_codes_v1";
const INSERT_CODE_V2: &str = "INSERT INTO enrolment_codes (code_sha256, role, member_id, team_id, household_id, commune_key, holder_name, issued_by, issued_at_ms, expires_at_ms, used_by, used_at_ms)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
const RECORDS_V1: &str = "SELECT entity, entity_id, state, commune_key, village_id, household_id, team_id, change_seq FROM records_v1";
const TOUCHED_V1: &str = "SELECT rh.entity_id, rh.household_id, h.village_id FROM record_households rh
    LEFT JOIN records_v1 h ON h.entity = 'household' AND h.entity_id = rh.household_id WHERE rh.entity = 'visit'";
const INSERT_RECORD_V2: &str = "INSERT INTO records (entity, entity_id, change_seq, scope, unit, province, village_id, household_id, team_id, touches, deleted, version, versions, fields)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
const DROP_V1: &str = "DROP TABLE enrolment_codes_v1; DROP TABLE op_log_v1; DROP TABLE records_v1; DROP TABLE record_households;";

/// A version-1 record row.
#[derive(Debug)]
pub struct V1Record {
    pub entity: String,
    pub id: String,
    pub state: String,
    pub commune_key: Option<String>,
    pub village_id: Option<String>,
    pub household_id: Option<String>,
    pub team_id: Option<String>,
    pub change_seq: Option<i64>,
}

/// A version-2 record row, in [`INSERT_RECORD_V2`]'s order.
#[derive(Debug)]
pub struct V2Record {
    pub entity: &'static str,
    pub id: String,
    pub change_seq: Option<i64>,
    pub scope: String,
    pub place: Placement,
    pub deleted: bool,
    pub version: Option<String>,
    pub versions: Option<String>,
    pub fields: String,
}

/// The version-2 row of a version-1 record; `touched` are the (household, village) pairs
/// of a visit's `record_households`.
pub fn convert(r: V1Record, touched: &[(String, Option<String>)]) -> Result<V2Record, StoreError> {
    let entity = crate::engine::ports::parse_entity(&r.entity)?;
    let old: RecordState =
        serde_json::from_str(&r.state).map_err(|e| StoreError::Data(format!("version-1 state of {} {}: {e}", r.entity, r.id)))?;
    let mut touches = BTreeSet::new();
    for (h, v) in touched {
        touches.insert(h.clone());
        touches.extend(v.clone());
    }
    let place = Placement {
        province: r.commune_key.as_deref().and_then(filing_province),
        unit: r.commune_key,
        village_id: r.village_id,
        household_id: r.household_id,
        team_id: r.team_id,
        touches: touches.into_iter().collect(),
    };
    let record = StoredRecord { entity, id: r.id, state: old, place };
    let cols = state::encode(entity, &record.state)?;
    Ok(V2Record {
        entity: crate::engine::ports::entity_text(entity),
        scope: record.place.scope(entity),
        id: record.id,
        change_seq: r.change_seq,
        place: record.place,
        deleted: cols.deleted,
        version: cols.version,
        versions: cols.versions,
        fields: cols.fields,
    })
}

fn touched_by_visit(rows: Vec<(String, String, Option<String>)>) -> HashMap<String, Vec<(String, Option<String>)>> {
    let mut out: HashMap<String, Vec<(String, Option<String>)>> = HashMap::new();
    for (visit, household, village) in rows {
        out.entry(visit).or_default().push((household, village));
    }
    out
}

/// SQLite: version 1 → 2 inside `tx`.
pub fn sqlite_from_v1(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    use rusqlite::params;
    tx.execute_batch(RENAME_V1)?;
    tx.execute_batch(sql::sync_tables(&sql::sqlite_schema()))?;
    tx.execute(COPY_OP_LOG, [])?;
    {
        let mut read = tx.prepare(CODES_V1)?;
        let mut write = tx.prepare(INSERT_CODE_V2)?;
        let rows = read.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                [r.get::<_, Option<String>>(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
                [r.get::<_, Option<i64>>(8)?, r.get(9)?],
                r.get::<_, Option<String>>(10)?,
                r.get::<_, Option<i64>>(11)?,
            ))
        })?;
        for row in rows {
            let (code, [role, member, team, household, commune, holder, issuer], [issued, expires], used_by, used_at) = row?;
            write.execute(params![
                code_sha256(&code),
                role,
                member,
                team,
                household,
                commune,
                holder,
                issuer,
                issued,
                expires,
                used_by,
                used_at
            ])?;
        }
    }
    let touched = {
        let mut st = tx.prepare(TOUCHED_V1)?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
        touched_by_visit(rows)
    };
    {
        let mut read = tx.prepare(RECORDS_V1)?;
        let mut write = tx.prepare(INSERT_RECORD_V2)?;
        let rows = read.query_map([], |r| {
            Ok(V1Record {
                entity: r.get(0)?,
                id: r.get(1)?,
                state: r.get(2)?,
                commune_key: r.get(3)?,
                village_id: r.get(4)?,
                household_id: r.get(5)?,
                team_id: r.get(6)?,
                change_seq: r.get(7)?,
            })
        })?;
        for row in rows {
            let row = row?;
            let t = touched.get(&row.id).map(Vec::as_slice).unwrap_or_default();
            let n = convert(row, t)?;
            let p = &n.place;
            write.execute(params![
                n.entity,
                n.id,
                n.change_seq,
                n.scope,
                p.unit,
                p.province,
                p.village_id,
                p.household_id,
                p.team_id,
                p.touches_text(),
                i64::from(n.deleted),
                n.version,
                n.versions,
                n.fields
            ])?;
        }
    }
    tx.execute_batch(DROP_V1)?;
    Ok(())
}

/// PostgreSQL: version 1 → 2 inside `tx` (which holds the migration lock).
pub async fn postgres_from_v1(tx: &deadpool_postgres::Transaction<'_>) -> Result<(), StoreError> {
    use sql::pg;
    tx.batch_execute(RENAME_V1).await?;
    tx.batch_execute(
        "CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), last BIGINT NOT NULL);
         INSERT INTO change_counter (id, last) SELECT 1, COALESCE(MAX(change_seq), 0) FROM records_v1;",
    )
    .await?;
    tx.batch_execute(sql::sync_tables(sql::SCHEMA)).await?;
    tx.execute(COPY_OP_LOG, &[]).await?;
    for r in tx.query(CODES_V1, &[]).await? {
        let code: String = r.try_get(0)?;
        let mut values: Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send>> = vec![Box::new(code_sha256(&code))];
        for i in 1..8 {
            values.push(Box::new(r.try_get::<_, Option<String>>(i)?));
        }
        values.push(Box::new(r.try_get::<_, Option<i64>>(8)?));
        values.push(Box::new(r.try_get::<_, Option<i64>>(9)?));
        values.push(Box::new(r.try_get::<_, Option<String>>(10)?));
        values.push(Box::new(r.try_get::<_, Option<i64>>(11)?));
        let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            values.iter().map(|v| v.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync)).collect();
        tx.execute(&pg(INSERT_CODE_V2), &params).await?;
    }
    let mut rows = Vec::new();
    for r in tx.query(TOUCHED_V1, &[]).await? {
        rows.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
    }
    let touched = touched_by_visit(rows);
    let insert = tx.prepare(&pg(INSERT_RECORD_V2)).await?;
    for r in tx.query(RECORDS_V1, &[]).await? {
        let row = V1Record {
            entity: r.try_get(0)?,
            id: r.try_get(1)?,
            state: r.try_get(2)?,
            commune_key: r.try_get(3)?,
            village_id: r.try_get(4)?,
            household_id: r.try_get(5)?,
            team_id: r.try_get(6)?,
            change_seq: r.try_get(7)?,
        };
        let t = touched.get(&row.id).map(Vec::as_slice).unwrap_or_default();
        let n = convert(row, t)?;
        let p = &n.place;
        tx.execute(
            &insert,
            &[
                &n.entity,
                &n.id,
                &n.change_seq,
                &n.scope,
                &p.unit,
                &p.province,
                &p.village_id,
                &p.household_id,
                &p.team_id,
                &p.touches_text(),
                &i32::from(n.deleted),
                &n.version,
                &n.versions,
                &n.fields,
            ],
        )
        .await?;
    }
    tx.batch_execute(DROP_V1).await?;
    tx.batch_execute("DROP SEQUENCE IF EXISTS records_change_seq").await?;
    Ok(())
}
