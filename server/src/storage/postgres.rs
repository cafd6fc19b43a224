//! PostgreSQL: for a province-scale server. Same engine and SQL as SQLite; what differs
//! is concurrency. Several syncs run at once, so:
//!
//! - a device's row is locked (`FOR UPDATE`) for the transaction: its ops apply in
//!   order even if the app sends two requests at once, and a revocation waits for (or
//!   stops) the push in flight;
//! - a record is read for change with `FOR UPDATE`, so two merges into one record
//!   serialise; two creations of one key meet on its primary key, and the later request
//!   runs once more, merging into the record the other made (`Storage::push` below);
//! - change numbers are **not** taken when a row is written: a number taken early could
//!   commit after a larger one, and a reader that saw the larger would skip it. Instead,
//!   at the end of the transaction, under `pg_advisory_xact_lock(CHANGE_LOCK)`, the
//!   counter is bumped, the request's new records are inserted with their numbers (the
//!   engine holds them back until then) and the rows it changed before are numbered,
//!   and the transaction commits while still holding the lock. Numbering and commit are serialised, so when a reader
//!   sees number N committed, every number below N is committed too
//!   (docs/sync-protocol.md §2).

use super::sql::{self, for_update, pg, SCHEMA, SCHEMA_VERSION};
use super::*;
use crate::engine::ports::{
    entity_text, parse_entity, DeviceRow, NewRecord, OpLogEntry, Partition, Placement, PulledState, RecordKey, ScanRow, Tx,
};
use crate::engine::{pull, push, state};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, NoTls, Row};
use tungnha_core::ids::OpId;

/// Advisory lock classes (first key of the two-key form).
const MIGRATION_LOCK: i32 = 7000;
const CHANGE_LOCK: i32 = 7001;

/// The PostgreSQL backend. Cheap to clone.
#[derive(Clone)]
pub struct PgStorage {
    pool: Pool,
    server_id: Arc<str>,
    hooks: TestHooks,
}

impl fmt::Debug for PgStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStorage").field("status", &self.pool.status()).finish()
    }
}

impl PgStorage {
    /// Connect to `url` and bring its schema up to date.
    pub async fn connect(url: &str, hooks: TestHooks) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse()?;
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(16)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(15)))
            .create_timeout(Some(Duration::from_secs(15)))
            .build()
            .map_err(|e| StoreError::PoolSetup(e.to_string()))?;
        let server_id = migrate(&pool).await?;
        Ok(Self { pool, server_id: server_id.into(), hooks })
    }

    async fn page(&self, device: Option<Device>, cursor: Cursor, max_bytes: usize) -> Result<PullPage, StoreError> {
        let mut client = self.pool.get().await?;
        let page = {
            // One snapshot for the whole page, so the page and its cursor agree.
            let tx = client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start().await?;
            let mut t = PgTx { tx };
            let page = pull::pull(&mut t, &self.server_id, device.as_ref(), &cursor, max_bytes).await?;
            t.commit().await?;
            page
        };
        if let Some((hash, def)) = &page.remember {
            let mut t = PgTx { tx: client.transaction().await? };
            t.put_scope_def(hash, def).await?;
            t.commit().await?;
        }
        Ok(page)
    }
}

async fn migrate(pool: &Pool) -> Result<String, StoreError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1, 0)", &[&MIGRATION_LOCK]).await?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)").await?;
    let found: i64 = tx.query_opt("SELECT version FROM schema_version", &[]).await?.map(|r| r.get(0)).unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION });
    }
    if found < SCHEMA_VERSION {
        match found {
            0 => {
                tx.batch_execute(SCHEMA).await?;
                tx.execute("INSERT INTO meta (key, value) VALUES ('server_id', $1)", &[&crate::credentials::random_hex(8)]).await?;
            }
            _ => super::migrate::postgres_from_v1(&tx).await?,
        }
        tx.execute("DELETE FROM schema_version", &[]).await?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&SCHEMA_VERSION]).await?;
    }
    let server_id: String = tx.query_one("SELECT value FROM meta WHERE key = 'server_id'", &[]).await?.get(0);
    tx.commit().await?;
    Ok(server_id)
}

fn device_from_row(r: &Row) -> Result<Device, StoreError> {
    device_from_parts(
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        r.try_get(3)?,
        r.try_get(4)?,
        r.try_get(5)?,
        r.try_get(6)?,
        r.try_get(7)?,
        r.try_get(8)?,
        r.try_get(9)?,
    )
}

impl Storage for PgStorage {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    fn server_id(&self) -> &str {
        &self.server_id
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(async move {
            self.pool.get().await?.query_one("SELECT 1", &[]).await?;
            Ok(())
        })
    }

    fn insert_code(&self, code: NewCode) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(async move {
            let client = self.pool.get().await?;
            let g = &code.grant;
            let n = client
                .execute(
                    &pg(sql::INSERT_CODE),
                    &[
                        &code.code_sha256,
                        &role_text(g.role),
                        &g.member_id.map(|x| x.to_string()),
                        &g.team_id.map(|x| x.to_string()),
                        &g.household_id.map(|x| x.to_string()),
                        &g.commune_key,
                        &g.holder_name,
                        &code.issued_by,
                        &millis(code.issued_at),
                        &millis(code.expires_at),
                    ],
                )
                .await?;
            Ok(n == 1)
        })
    }

    fn redeem_code(&self, code: String, e: Enrolment) -> BoxFuture<'_, Result<Option<Device>, StoreError>> {
        Box::pin(async move {
            let mut client = self.pool.get().await?;
            let tx = client.transaction().await?;
            let requested = e.device_id.to_string();
            let Some(g) = tx.query_opt(&pg(sql::USE_CODE), &[&code, &requested, &millis(e.at)]).await? else { return Ok(None) };
            let current: Option<String> = tx.query_opt(&for_update(sql::DEVICE_TOKEN), &[&requested]).await?.map(|r| r.get(0));
            let id = enrolled_id(e.device_id, current.as_deref(), e.proof_sha256.as_deref()).to_string();
            if id != requested {
                tx.execute(&pg(sql::SET_CODE_USER), &[&code, &id]).await?;
            }
            let role: String = g.try_get(0)?;
            let [member_id, team_id, household_id, commune_key, holder_name]: [Option<String>; 5] =
                [g.try_get(1)?, g.try_get(2)?, g.try_get(3)?, g.try_get(4)?, g.try_get(5)?];
            tx.execute(
                &pg(sql::UPSERT_DEVICE),
                &[
                    &id,
                    &e.token_sha256,
                    &role,
                    &member_id,
                    &team_id,
                    &household_id,
                    &commune_key,
                    &e.device_name,
                    &holder_name,
                    &millis(e.at),
                ],
            )
            .await?;
            tx.commit().await?;
            Ok(Some(device_from_parts(
                id,
                role,
                member_id,
                team_id,
                household_id,
                commune_key,
                e.device_name,
                holder_name,
                millis(e.at),
                None,
            )?))
        })
    }

    fn device_by_token(&self, token_sha256: String) -> BoxFuture<'_, Result<Option<Device>, StoreError>> {
        Box::pin(async move {
            let client = self.pool.get().await?;
            let st = client.prepare_cached(&pg(sql::DEVICE_BY_TOKEN)).await?;
            client.query_opt(&st, &[&token_sha256]).await?.map(|r| device_from_row(&r)).transpose()
        })
    }

    fn revoke(&self, device: DeviceId, at: DateTime<Utc>) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(async move {
            let client = self.pool.get().await?;
            let id = device.to_string();
            client.execute(&pg(sql::REVOKE), &[&id, &millis(at)]).await?;
            Ok(client.query_one(&pg(sql::DEVICE_EXISTS), &[&id]).await?.try_get::<_, i64>(0)? > 0)
        })
    }

    fn record(&self, entity: Entity, id: String) -> BoxFuture<'_, Result<Option<StoredRecord>, StoreError>> {
        Box::pin(async move {
            let mut client = self.pool.get().await?;
            let mut t = PgTx { tx: client.transaction().await? };
            let r = t.record(entity, &id).await?;
            t.commit().await?;
            Ok(r)
        })
    }

    fn team_targets(&self, team: String) -> BoxFuture<'_, Result<TeamTargets, StoreError>> {
        Box::pin(async move {
            let mut client = self.pool.get().await?;
            let mut t = PgTx { tx: client.transaction().await? };
            let r = t.team_targets(&team).await?;
            t.commit().await?;
            Ok(r)
        })
    }

    fn push(&self, device: Device, ops: Vec<Op>, now: DateTime<Utc>) -> BoxFuture<'_, Result<PushOutcome, StoreError>> {
        Box::pin(async move {
            // CPU work that needs no database, off the async threads.
            let prepared =
                tokio::task::spawn_blocking(move || push::prepare(ops, now)).await.map_err(|e| StoreError::Task(e.to_string()))?;
            let mut client = self.pool.get().await?;
            // New records are written at the end of the transaction (write-behind); if
            // another sync created one of them in between, run once more: this time the
            // record exists and the op merges into it, as a create of an existing record does.
            let again = prepared.clone();
            let tx = client.transaction().await?;
            match push::run(PgTx { tx }, &device, prepared, now, &self.hooks).await {
                Err(StoreError::Contended(_)) => {
                    let tx = client.transaction().await?;
                    push::run(PgTx { tx }, &device, again, now, &self.hooks).await
                }
                other => other,
            }
        })
    }

    fn pull(&self, device: Device, cursor: Cursor, max_bytes: usize) -> BoxFuture<'_, Result<PullPage, StoreError>> {
        Box::pin(self.page(Some(device), cursor, max_bytes))
    }

    fn changes(&self, cursor: Cursor, max_bytes: usize) -> BoxFuture<'_, Result<PullPage, StoreError>> {
        Box::pin(self.page(None, cursor, max_bytes))
    }

    fn devices(&self) -> BoxFuture<'_, Result<Vec<Device>, StoreError>> {
        Box::pin(async move {
            let client = self.pool.get().await?;
            let rows = client.query(&pg(sql::DEVICES), &[]).await?;
            rows.iter().map(device_from_row).collect()
        })
    }
}

/// The engine's view of one PostgreSQL transaction.
pub(crate) struct PgTx<'c> {
    pub tx: deadpool_postgres::Transaction<'c>,
}

fn placement_at(r: &Row, at: usize) -> Result<(Placement, bool), StoreError> {
    let touches: String = r.try_get(at + 5)?;
    Ok((
        Placement {
            unit: r.try_get(at)?,
            province: r.try_get(at + 1)?,
            village_id: r.try_get(at + 2)?,
            household_id: r.try_get(at + 3)?,
            team_id: r.try_get(at + 4)?,
            touches: touches.split_whitespace().map(str::to_owned).collect(),
        },
        r.try_get::<_, i32>(at + 6)? != 0,
    ))
}

fn record_from_row(r: &Row) -> Result<StoredRecord, StoreError> {
    let (place, _) = placement_at(r, 2)?;
    let fields: String = r.try_get(9)?;
    let versions: Option<String> = r.try_get(10)?;
    let version: Option<String> = r.try_get(11)?;
    Ok(StoredRecord {
        entity: parse_entity(r.try_get(0)?)?,
        id: r.try_get(1)?,
        state: state::decode(&fields, versions.as_deref(), version.as_deref())?,
        place,
    })
}

impl PgTx<'_> {
    /// Insert new records in one statement, each with its change number (or none yet);
    /// returns how many were written (an existing key is skipped).
    async fn insert_rows(&self, records: &[NewRecord], seqs: &[Option<i64>]) -> Result<usize, StoreError> {
        #[derive(Default)]
        struct Columns<'a> {
            entity: Vec<&'static str>,
            id: Vec<String>,
            seq: Vec<Option<i64>>,
            scope: Vec<String>,
            unit: Vec<Option<String>>,
            province: Vec<Option<String>>,
            village: Vec<Option<String>>,
            household: Vec<Option<String>>,
            team: Vec<Option<String>>,
            touches: Vec<String>,
            deleted: Vec<i32>,
            version: Vec<Option<String>>,
            versions: Vec<Option<String>>,
            fields: Vec<&'a str>,
        }
        let mut c = Columns::default();
        for (r, seq) in records.iter().zip(seqs) {
            let (version, versions) = state::new_versions(r.entity, r.version);
            let p = &r.place;
            c.entity.push(entity_text(r.entity));
            c.id.push(r.id.clone());
            c.seq.push(*seq);
            c.scope.push(p.scope(r.entity));
            c.unit.push(p.unit.clone());
            c.province.push(p.province.clone());
            c.village.push(p.village_id.clone());
            c.household.push(p.household_id.clone());
            c.team.push(p.team_id.clone());
            c.touches.push(p.touches_text());
            c.deleted.push(0);
            c.version.push(Some(version));
            c.versions.push(versions);
            c.fields.push(&r.fields);
        }
        let written = self
            .execute(
                "INSERT INTO records (entity, entity_id, change_seq, scope, unit, province, village_id, household_id, team_id, touches, deleted, version, versions, fields)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                                      $10::text[], $11::int[], $12::text[], $13::text[], $14::text[])
                 ON CONFLICT (entity, entity_id) DO NOTHING",
                &[
                    &c.entity,
                    &c.id,
                    &c.seq,
                    &c.scope,
                    &c.unit,
                    &c.province,
                    &c.village,
                    &c.household,
                    &c.team,
                    &c.touches,
                    &c.deleted,
                    &c.version,
                    &c.versions,
                    &c.fields,
                ],
            )
            .await?;
        Ok(written as usize)
    }

    async fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        let st = self.tx.prepare_cached(sql).await?;
        Ok(self.tx.query(&st, params).await?)
    }

    async fn query_opt(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>, StoreError> {
        let st = self.tx.prepare_cached(sql).await?;
        Ok(self.tx.query_opt(&st, params).await?)
    }

    async fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        let st = self.tx.prepare_cached(sql).await?;
        Ok(self.tx.execute(&st, params).await?)
    }
}

fn scan_rows(rows: Vec<Row>) -> Result<Vec<ScanRow>, StoreError> {
    rows.iter()
        .map(|r| {
            Ok(ScanRow {
                entity: parse_entity(r.try_get(0)?)?,
                id: r.try_get(1)?,
                change_seq: r.try_get(2)?,
                scope: r.try_get(3)?,
                village_id: r.try_get(4)?,
                household_id: r.try_get(5)?,
                team_id: r.try_get(6)?,
                touches: r.try_get(7)?,
            })
        })
        .collect()
}

impl Tx for PgTx<'_> {
    async fn device_row(&mut self, device: DeviceId) -> Result<Option<DeviceRow>, StoreError> {
        self.query_opt(&for_update(sql::DEVICE_ROW), &[&device.to_string()])
            .await?
            .map(|r| {
                Ok(DeviceRow { last_seq: r.try_get(0)?, enrolled_at_ms: r.try_get(1)?, revoked: r.try_get::<_, Option<i64>>(2)?.is_some() })
            })
            .transpose()
    }

    async fn set_last_seq(&mut self, device: DeviceId, seq: i64) -> Result<(), StoreError> {
        self.execute(&pg(sql::SET_LAST_SEQ), &[&device.to_string(), &seq]).await?;
        Ok(())
    }

    async fn op_log_many(&mut self, ops: &[OpId]) -> Result<Vec<OpLogEntry>, StoreError> {
        let ids: Vec<String> = ops.iter().map(ToString::to_string).collect();
        let rows = self.query(sql::OP_LOG_MANY_PG, &[&ids]).await?;
        rows.iter()
            .map(|r| super::sqlite::op_log_entry(r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?))
            .collect()
    }

    async fn op_log_put(&mut self, e: &OpLogEntry) -> Result<(), StoreError> {
        let rejection = e.rejection.as_ref().map(serde_json::to_string).transpose()?;
        self.execute(
            &pg(sql::OP_LOG_PUT),
            &[&e.op_id.to_string(), &e.device_id.to_string(), &e.seq, &e.content_hash, &rejection, &millis(e.at)],
        )
        .await?;
        Ok(())
    }

    async fn op_log_put_many(&mut self, entries: &[OpLogEntry]) -> Result<(), StoreError> {
        #[derive(Default)]
        struct Columns<'a> {
            op: Vec<String>,
            device: Vec<String>,
            seq: Vec<i64>,
            hash: Vec<&'a str>,
            rejection: Vec<Option<String>>,
            at: Vec<i64>,
        }
        let mut c = Columns::default();
        for e in entries {
            c.op.push(e.op_id.to_string());
            c.device.push(e.device_id.to_string());
            c.seq.push(e.seq);
            c.hash.push(&e.content_hash);
            c.rejection.push(e.rejection.as_ref().map(serde_json::to_string).transpose()?);
            c.at.push(millis(e.at));
        }
        self.execute(
            "INSERT INTO op_log (op_id, device_id, seq, content_hash, rejection, logged_at_ms)
             SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[])",
            &[&c.op, &c.device, &c.seq, &c.hash, &c.rejection, &c.at],
        )
        .await?;
        Ok(())
    }

    async fn missing(&mut self, keys: &[RecordKey]) -> Result<Vec<RecordKey>, StoreError> {
        let entities: Vec<&str> = keys.iter().map(|(e, _)| entity_text(*e)).collect();
        let ids: Vec<&str> = keys.iter().map(|(_, id)| id.as_str()).collect();
        let rows = self
            .query(
                "SELECT k.i FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(entity, entity_id, i)
                 WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.entity = k.entity AND r.entity_id = k.entity_id)",
                &[&entities, &ids],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let i: i64 = r.try_get(0)?;
                keys.get((i - 1) as usize).cloned().ok_or_else(|| StoreError::Data("unnest numbered a key out of range".into()))
            })
            .collect()
    }

    async fn placement(&mut self, entity: Entity, id: &str) -> Result<Option<(Placement, bool)>, StoreError> {
        self.query_opt(&pg(sql::PLACEMENT), &[&entity_text(entity), &id]).await?.map(|r| placement_at(&r, 0)).transpose()
    }

    async fn record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        self.query_opt(&pg(sql::RECORD), &[&entity_text(entity), &id]).await?.map(|r| record_from_row(&r)).transpose()
    }

    async fn lock_record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        // A row lock (kept on the row, not in the shared lock table, so a batch of a
        // thousand ops costs nothing there). A record that does not exist yet is
        // protected by its primary key instead: see `put_record`.
        self.query_opt(&for_update(sql::RECORD), &[&entity_text(entity), &id]).await?.map(|r| record_from_row(&r)).transpose()
    }

    async fn insert_record(&mut self, r: &NewRecord) -> Result<bool, StoreError> {
        let s = state::new_columns(r.entity, r.fields.clone(), r.version);
        let p = &r.place;
        // The change number is given at commit. A concurrent creation of the same key
        // makes this insert wait for the other transaction, then do nothing: the engine
        // reads the row then and merges into it.
        let written = self
            .execute(
                &pg(sql::INSERT_RECORD),
                &[
                    &entity_text(r.entity),
                    &r.id,
                    &None::<i64>,
                    &p.scope(r.entity),
                    &p.unit,
                    &p.province,
                    &p.village_id,
                    &p.household_id,
                    &p.team_id,
                    &p.touches_text(),
                    &i32::from(s.deleted),
                    &s.version,
                    &s.versions,
                    &s.fields,
                ],
            )
            .await?;
        Ok(written == 1)
    }

    async fn insert_records(&mut self, records: &[NewRecord]) -> Result<usize, StoreError> {
        // Change numbers are given at commit (`finish_writes`).
        self.insert_rows(records, &vec![None; records.len()]).await
    }

    async fn update_record(&mut self, r: &StoredRecord) -> Result<(), StoreError> {
        let s = state::encode(r.entity, &r.state)?;
        let written = self
            .execute(
                &pg(sql::UPDATE_RECORD),
                &[&entity_text(r.entity), &r.id, &i32::from(s.deleted), &s.version, &s.versions, &s.fields, &None::<i64>],
            )
            .await?;
        if written != 1 {
            return Err(StoreError::Data(format!("{} {} vanished inside its transaction", entity_text(r.entity), r.id)));
        }
        Ok(())
    }

    async fn local_topics(&mut self) -> Result<HashSet<String>, StoreError> {
        let rows = self.query(&pg(sql::LOCAL_TOPICS), &[]).await?;
        rows.iter().map(|r| r.try_get(0).map_err(StoreError::from)).collect()
    }

    async fn records_in_unit(&mut self, entity: Entity, unit: &str) -> Result<Vec<StoredRecord>, StoreError> {
        if entity != Entity::Team {
            return Err(StoreError::Data(format!("records_in_unit is kept for teams only, not {entity:?}")));
        }
        let rows = self.query(&pg(sql::TEAMS_IN_UNIT), &[&unit]).await?;
        rows.iter().map(record_from_row).collect()
    }

    async fn team_targets(&mut self, team: &str) -> Result<TeamTargets, StoreError> {
        let rows = self.query(&pg(sql::TEAM_TARGETS), &[&team]).await?;
        let mut targets = TeamTargets::default();
        for r in rows {
            targets.villages.extend(r.try_get::<_, Option<String>>(0)?);
            targets.households.extend(r.try_get::<_, Option<String>>(1)?);
        }
        Ok(targets)
    }

    async fn max_change_seq(&mut self) -> Result<i64, StoreError> {
        Ok(self.query_opt(&pg(sql::MAX_CHANGE), &[]).await?.map(|r| r.try_get(0)).transpose()?.unwrap_or(0))
    }

    async fn scan(&mut self, part: &Partition, after: i64, upto: i64, limit: i64) -> Result<Vec<ScanRow>, StoreError> {
        let rows = match part {
            Partition::Scope(key) => self.query(&pg(sql::SCAN_SCOPE), &[key, &after, &upto, &limit]).await?,
            Partition::Province(key) => self.query(&pg(sql::SCAN_PROVINCE), &[key, &after, &upto, &limit]).await?,
            Partition::All => self.query(&pg(sql::SCAN_ALL), &[&after, &upto, &limit]).await?,
        };
        scan_rows(rows)
    }

    async fn states(&mut self, keys: &[RecordKey]) -> Result<Vec<PulledState>, StoreError> {
        let entities: Vec<&str> = keys.iter().map(|(e, _)| entity_text(*e)).collect();
        let ids: Vec<&str> = keys.iter().map(|(_, id)| id.as_str()).collect();
        let rows = self
            .query(
                "SELECT k.i, r.fields, r.version, r.deleted FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(entity, entity_id, i)
                 JOIN records r ON r.entity = k.entity AND r.entity_id = k.entity_id ORDER BY k.i",
                &[&entities, &ids],
            )
            .await?;
        if rows.len() != keys.len() {
            return Err(StoreError::Data("a record of the page vanished inside its snapshot".into()));
        }
        rows.iter()
            .map(|r| {
                let version: Option<String> = r.try_get(2)?;
                Ok(PulledState {
                    fields: r.try_get(1)?,
                    version: version.map(|v| v.parse().map_err(|e| StoreError::Data(format!("stored version {v:?}: {e}")))).transpose()?,
                    deleted: r.try_get::<_, i32>(3)? != 0,
                })
            })
            .collect()
    }

    async fn scope_def(&mut self, hash: &str) -> Result<Option<String>, StoreError> {
        Ok(self.query_opt(&pg(sql::SCOPE_DEF), &[&hash]).await?.map(|r| r.try_get(0)).transpose()?)
    }

    async fn put_scope_def(&mut self, hash: &str, def: &str) -> Result<(), StoreError> {
        self.execute(&pg(sql::PUT_SCOPE_DEF), &[&hash, &def]).await?;
        Ok(())
    }

    async fn finish_writes(&mut self, held: &[NewRecord], order: &[RecordKey]) -> Result<usize, StoreError> {
        if order.is_empty() && held.is_empty() {
            return Ok(0);
        }
        // Held until COMMIT: numbering and commit are one step for every writer.
        self.execute("SELECT pg_advisory_xact_lock($1, 0)", &[&CHANGE_LOCK]).await?;
        let n = order.len() as i64;
        let last: i64 = self.query_opt(&pg(sql::BUMP_COUNTER), &[&n]).await?.map(|r| r.try_get(0)).transpose()?.unwrap_or(0);
        let seq_of: HashMap<(Entity, &str), i64> =
            order.iter().enumerate().map(|(i, (e, id))| ((*e, id.as_str()), last - n + 1 + i as i64)).collect();
        // New rows are written once, with their numbers; rows written earlier are numbered.
        let held_seqs: Vec<Option<i64>> = held.iter().map(|r| seq_of.get(&(r.entity, r.id.as_str())).copied()).collect();
        if held_seqs.contains(&None) {
            return Err(StoreError::Data("a new record of the request is missing from its change order".into()));
        }
        let written = if held.is_empty() { 0 } else { self.insert_rows(held, &held_seqs).await? };
        let new: HashSet<(Entity, &str)> = held.iter().map(|r| (r.entity, r.id.as_str())).collect();
        let earlier: Vec<&RecordKey> = order.iter().filter(|(e, id)| !new.contains(&(*e, id.as_str()))).collect();
        if !earlier.is_empty() {
            let entities: Vec<&str> = earlier.iter().map(|(e, _)| entity_text(*e)).collect();
            let ids: Vec<&str> = earlier.iter().map(|(_, id)| id.as_str()).collect();
            let seqs: Vec<Option<i64>> = earlier.iter().map(|(e, id)| seq_of.get(&(*e, id.as_str())).copied()).collect();
            self.execute(
                "UPDATE records r SET change_seq = k.seq FROM unnest($1::text[], $2::text[], $3::bigint[]) AS k(entity, entity_id, seq)
                 WHERE r.entity = k.entity AND r.entity_id = k.entity_id",
                &[&entities, &ids, &seqs],
            )
            .await?;
        }
        Ok(written)
    }

    async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    async fn hold(&mut self, how_long: Duration) {
        tokio::time::sleep(how_long).await;
    }
}
