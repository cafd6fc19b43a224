//! Embedded SQLite: the default backend, one file.
//!
//! - One writer connection behind a mutex, used from Tokio's blocking pool: syncs write
//!   one at a time, so a counter bumped inside the writing transaction numbers changes
//!   in commit order. Readers (auth, pulls) use their own connections (WAL).
//! - WAL with `synchronous=FULL`: a transaction is on disk when `COMMIT` returns, and
//!   the sync answer (with its acks) is only sent after that.
//! - The engine's [`Tx`] methods are `async` for PostgreSQL's sake; here they never wait,
//!   so one poll runs them to completion on the blocking thread ([`run_ready`]).

use super::sql::{self, SCHEMA_VERSION};
use super::*;
use crate::engine::ports::{
    entity_text, parse_entity, DeviceRow, NewRecord, OpLogEntry, Partition, Placement, PulledState, RecordKey, ScanRow, Tx,
};
use crate::engine::{pull, push, state};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use tungnha_core::ids::OpId;
use tungnha_core::store::checkpoint::Checkpointer;

/// Readers kept open between requests.
const MAX_IDLE_READERS: usize = 8;

struct Inner {
    writer: Mutex<Connection>,
    /// Checkpoints the WAL in the background, off the writer (see `Checkpointer`).
    checkpointer: Checkpointer,
    readers: Mutex<Vec<Connection>>,
    path: PathBuf,
    server_id: String,
    hooks: TestHooks,
}

/// The SQLite backend. Cheap to clone.
#[derive(Clone)]
pub struct SqliteStorage {
    inner: Arc<Inner>,
}

impl fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStorage").field("path", &self.inner.path).finish()
    }
}

fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Pages in memory instead of a read() per page of a large database: 64 MiB of cache,
    // and the file mapped for reads.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Bring the schema up to [`SCHEMA_VERSION`] in one transaction.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    match found {
        0 => {
            tx.execute_batch(&sql::sqlite_schema())?;
            tx.execute("INSERT INTO meta (key, value) VALUES ('server_id', ?1)", [crate::credentials::random_hex(8)])?;
        }
        _ => super::migrate::sqlite_from_v1(&tx)?,
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// Drive a future that never waits (the SQLite `Tx`) to completion.
fn run_ready<F: std::future::Future>(f: F) -> Result<F::Output, StoreError> {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Ok(v),
        Poll::Pending => Err(StoreError::Task("a SQLite operation waited, which it never should".into())),
    }
}

impl SqliteStorage {
    /// Open (creating and migrating if needed) the database at `path`.
    pub async fn open(path: PathBuf, hooks: TestHooks) -> Result<Self, StoreError> {
        tokio::task::spawn_blocking(move || Self::open_blocking(path, hooks)).await.map_err(|e| StoreError::Task(e.to_string()))?
    }

    pub fn open_blocking(path: PathBuf, hooks: TestHooks) -> Result<Self, StoreError> {
        let mut writer = connect(&path)?;
        migrate(&mut writer)?;
        let server_id: String = writer.query_row("SELECT value FROM meta WHERE key = 'server_id'", [], |r| r.get(0))?;
        // A sync's commit never runs a checkpoint: that would hold the only writer.
        let checkpointer = Checkpointer::attach(&mut writer, &path, hooks.wal_budget())?;
        Ok(Self {
            inner: Arc::new(Inner { writer: Mutex::new(writer), checkpointer, readers: Mutex::new(Vec::new()), path, server_id, hooks }),
        })
    }

    async fn write<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection, &Inner) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        self.write_after(|| (), move |(), conn, inner| f(conn, inner)).await
    }

    /// Run `before` on a blocking thread without the writer (CPU work that needs no
    /// database runs beside another request's write), then `f` with it.
    async fn write_after<P, R: Send + 'static>(
        &self,
        before: impl FnOnce() -> P + Send + 'static,
        f: impl FnOnce(P, &mut Connection, &Inner) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let prepared = before();
            // Past its hard budget the log is emptied before the next write (rarely waits).
            inner.checkpointer.gate();
            // A panic while holding the lock cannot leave a half-written transaction
            // (it rolls back when dropped), so a poisoned lock is still usable.
            let mut conn = inner.writer.lock().unwrap_or_else(PoisonError::into_inner);
            f(prepared, &mut conn, &inner)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let idle = inner.readers.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let mut conn = match idle {
                Some(c) => c,
                None => connect(&inner.path)?,
            };
            let result = f(&mut conn);
            let mut idle = inner.readers.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < MAX_IDLE_READERS && conn.is_autocommit() {
                idle.push(conn);
            }
            result
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// One page, read in one snapshot; a scope the cursor will refer to is kept after.
    async fn page(&self, device: Option<Device>, cursor: Cursor, max_bytes: usize) -> Result<PullPage, StoreError> {
        let server_id = self.inner.server_id.clone();
        let page = self
            .read(move |c| {
                let tx = c.transaction()?;
                let page = run_ready(pull::pull(&mut SqliteTx::new(tx), &server_id, device.as_ref(), &cursor, max_bytes))??;
                Ok(page)
            })
            .await?;
        if let Some((hash, def)) = page.remember.clone() {
            self.write(move |c, _| {
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let mut t = SqliteTx::new(tx);
                run_ready(t.put_scope_def(&hash, &def))??;
                run_ready(t.commit())?
            })
            .await?;
        }
        Ok(page)
    }
}

fn device_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Device, StoreError>> {
    Ok(device_from_parts(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?))
}

impl Storage for SqliteStorage {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn server_id(&self) -> &str {
        &self.inner.server_id
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.read(|c| Ok(c.query_row("SELECT 1", [], |_| Ok(()))?)))
    }

    fn insert_code(&self, code: NewCode) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(self.write(move |c, _| {
            let g = &code.grant;
            let n = c.execute(
                sql::INSERT_CODE,
                params![
                    code.code_sha256,
                    role_text(g.role),
                    g.member_id.map(|x| x.to_string()),
                    g.team_id.map(|x| x.to_string()),
                    g.household_id.map(|x| x.to_string()),
                    g.commune_key,
                    g.holder_name,
                    code.issued_by,
                    millis(code.issued_at),
                    millis(code.expires_at)
                ],
            )?;
            Ok(n == 1)
        }))
    }

    fn redeem_code(&self, code: String, e: Enrolment) -> BoxFuture<'_, Result<Option<Device>, StoreError>> {
        Box::pin(self.write(move |c, _| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let requested = e.device_id.to_string();
            let grant: Option<(String, [Option<String>; 5])> = tx
                .query_row(sql::USE_CODE, params![code, requested, millis(e.at)], |r| {
                    Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?]))
                })
                .optional()?;
            let Some((role, [member_id, team_id, household_id, commune_key, holder_name])) = grant else { return Ok(None) };
            let current: Option<String> = tx.query_row(sql::DEVICE_TOKEN, [&requested], |r| r.get(0)).optional()?;
            let id = enrolled_id(e.device_id, current.as_deref(), e.proof_sha256.as_deref()).to_string();
            if id != requested {
                tx.execute(sql::SET_CODE_USER, params![code, id])?;
            }
            tx.execute(
                sql::UPSERT_DEVICE,
                params![id, e.token_sha256, role, member_id, team_id, household_id, commune_key, e.device_name, holder_name, millis(e.at)],
            )?;
            tx.commit()?;
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
        }))
    }

    fn device_by_token(&self, token_sha256: String) -> BoxFuture<'_, Result<Option<Device>, StoreError>> {
        Box::pin(
            self.read(move |c| c.prepare_cached(sql::DEVICE_BY_TOKEN)?.query_row([token_sha256], device_from_row).optional()?.transpose()),
        )
    }

    fn revoke(&self, device: DeviceId, at: DateTime<Utc>) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(self.write(move |c, _| {
            let id = device.to_string();
            c.execute(sql::REVOKE, params![id, millis(at)])?;
            Ok(c.query_row(sql::DEVICE_EXISTS, [id], |r| r.get::<_, i64>(0))? > 0)
        }))
    }

    fn record(&self, entity: Entity, id: String) -> BoxFuture<'_, Result<Option<StoredRecord>, StoreError>> {
        Box::pin(self.read(move |c| {
            let tx = c.transaction()?;
            run_ready(SqliteTx::new(tx).record(entity, &id))?
        }))
    }

    fn team_targets(&self, team: String) -> BoxFuture<'_, Result<TeamTargets, StoreError>> {
        Box::pin(self.read(move |c| {
            let tx = c.transaction()?;
            run_ready(SqliteTx::new(tx).team_targets(&team))?
        }))
    }

    fn push(&self, device: Device, ops: Vec<Op>, now: DateTime<Utc>) -> BoxFuture<'_, Result<PushOutcome, StoreError>> {
        Box::pin(self.write_after(
            move || push::prepare(ops, now),
            move |prepared, c, inner| {
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                run_ready(push::run(SqliteTx::new(tx), &device, prepared, now, &inner.hooks))?
            },
        ))
    }

    fn pull(&self, device: Device, cursor: Cursor, max_bytes: usize) -> BoxFuture<'_, Result<PullPage, StoreError>> {
        Box::pin(self.page(Some(device), cursor, max_bytes))
    }

    fn changes(&self, cursor: Cursor, max_bytes: usize) -> BoxFuture<'_, Result<PullPage, StoreError>> {
        Box::pin(self.page(None, cursor, max_bytes))
    }

    fn devices(&self) -> BoxFuture<'_, Result<Vec<Device>, StoreError>> {
        Box::pin(self.read(|c| {
            let mut st = c.prepare_cached(sql::DEVICES)?;
            let rows = st.query_map([], device_from_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().collect()
        }))
    }
}

pub(crate) fn op_log_entry(
    op: String,
    device: String,
    seq: i64,
    content_hash: String,
    rejection: Option<String>,
    at: i64,
) -> Result<OpLogEntry, StoreError> {
    Ok(OpLogEntry {
        op_id: parse_id(Some(op), "op id")?.ok_or_else(|| StoreError::Data("op log without op id".into()))?,
        device_id: parse_id(Some(device), "device id")?.ok_or_else(|| StoreError::Data("op log without device".into()))?,
        seq,
        content_hash,
        rejection: rejection.map(|r| serde_json::from_str(&r)).transpose()?,
        at: from_millis(at),
    })
}

/// The engine's view of one SQLite transaction.
pub(crate) struct SqliteTx<'c> {
    pub tx: Transaction<'c>,
    /// The change number the next write takes. SQLite has one writer at a time, so
    /// numbering as records are written is numbering in commit order (no second write
    /// of each row to number it at the end).
    next_change: Option<i64>,
}

impl<'c> SqliteTx<'c> {
    pub fn new(tx: Transaction<'c>) -> Self {
        Self { tx, next_change: None }
    }

    fn take_change(&mut self) -> Result<i64, StoreError> {
        let next = match self.next_change {
            Some(n) => n,
            None => self.tx.prepare_cached(sql::MAX_CHANGE)?.query_row([], |r| r.get::<_, i64>(0))? + 1,
        };
        self.next_change = Some(next + 1);
        Ok(next)
    }
}

fn placement_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<(Placement, bool)> {
    let touches: String = r.get(at + 5)?;
    Ok((
        Placement {
            unit: r.get(at)?,
            province: r.get(at + 1)?,
            village_id: r.get(at + 2)?,
            household_id: r.get(at + 3)?,
            team_id: r.get(at + 4)?,
            touches: touches.split_whitespace().map(str::to_owned).collect(),
        },
        r.get::<_, i64>(at + 6)? != 0,
    ))
}

type RawRecord = (String, String, (Placement, bool), String, Option<String>, Option<String>);

fn raw_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRecord> {
    Ok((r.get(0)?, r.get(1)?, placement_at(r, 2)?, r.get(9)?, r.get(10)?, r.get(11)?))
}

fn record_from_raw((entity, id, (place, _), fields, versions, version): RawRecord) -> Result<StoredRecord, StoreError> {
    Ok(StoredRecord { entity: parse_entity(&entity)?, id, state: state::decode(&fields, versions.as_deref(), version.as_deref())?, place })
}

fn scan_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, ScanRow)> {
    let entity: String = r.get(0)?;
    Ok((
        entity,
        ScanRow {
            entity: tungnha_core::sync::protocol::Entity::Village,
            id: r.get(1)?,
            change_seq: r.get(2)?,
            scope: r.get(3)?,
            village_id: r.get(4)?,
            household_id: r.get(5)?,
            team_id: r.get(6)?,
            touches: r.get(7)?,
        },
    ))
}

impl Tx for SqliteTx<'_> {
    async fn device_row(&mut self, device: DeviceId) -> Result<Option<DeviceRow>, StoreError> {
        Ok(self
            .tx
            .prepare_cached(sql::DEVICE_ROW)?
            .query_row([device.to_string()], |r| {
                Ok(DeviceRow { last_seq: r.get(0)?, enrolled_at_ms: r.get(1)?, revoked: r.get::<_, Option<i64>>(2)?.is_some() })
            })
            .optional()?)
    }

    async fn set_last_seq(&mut self, device: DeviceId, seq: i64) -> Result<(), StoreError> {
        self.tx.prepare_cached(sql::SET_LAST_SEQ)?.execute(params![device.to_string(), seq])?;
        Ok(())
    }

    async fn op_log_many(&mut self, ops: &[OpId]) -> Result<Vec<OpLogEntry>, StoreError> {
        let ids = serde_json::to_string(&ops.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        let mut st = self.tx.prepare_cached(sql::OP_LOG_MANY_SQLITE)?;
        let rows = st
            .query_map([ids], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|(op, device, seq, hash, rejection, at)| op_log_entry(op, device, seq, hash, rejection, at)).collect()
    }

    async fn op_log_put(&mut self, e: &OpLogEntry) -> Result<(), StoreError> {
        let rejection = e.rejection.as_ref().map(serde_json::to_string).transpose()?;
        self.tx.prepare_cached(sql::OP_LOG_PUT)?.execute(params![
            e.op_id.to_string(),
            e.device_id.to_string(),
            e.seq,
            e.content_hash,
            rejection,
            millis(e.at)
        ])?;
        Ok(())
    }

    async fn op_log_put_many(&mut self, entries: &[OpLogEntry]) -> Result<(), StoreError> {
        // In-process statements cost no round trip: one at a time is as fast.
        for e in entries {
            self.op_log_put(e).await?;
        }
        Ok(())
    }

    async fn missing(&mut self, keys: &[RecordKey]) -> Result<Vec<RecordKey>, StoreError> {
        let mut st = self.tx.prepare_cached(sql::EXISTS)?;
        let mut out = Vec::new();
        for key in keys {
            if !st.exists(params![entity_text(key.0), key.1])? {
                out.push(key.clone());
            }
        }
        Ok(out)
    }

    async fn placement(&mut self, entity: Entity, id: &str) -> Result<Option<(Placement, bool)>, StoreError> {
        Ok(self.tx.prepare_cached(sql::PLACEMENT)?.query_row(params![entity_text(entity), id], |r| placement_at(r, 0)).optional()?)
    }

    async fn record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        let row = self.tx.prepare_cached(sql::RECORD)?.query_row(params![entity_text(entity), id], raw_record).optional()?;
        row.map(record_from_raw).transpose()
    }

    async fn lock_record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        // The writer is alone: reading is locking.
        self.record(entity, id).await
    }

    async fn insert_record(&mut self, r: &NewRecord) -> Result<bool, StoreError> {
        let (version, versions) = state::new_versions(r.entity, r.version);
        let p = &r.place;
        let seq = self.take_change()?;
        let written = self.tx.prepare_cached(sql::INSERT_RECORD)?.execute(params![
            entity_text(r.entity),
            r.id,
            seq,
            p.scope(r.entity),
            p.unit,
            p.province,
            p.village_id,
            p.household_id,
            p.team_id,
            p.touches_text(),
            0,
            version,
            versions,
            r.fields
        ])?;
        Ok(written == 1)
    }

    async fn insert_records(&mut self, records: &[NewRecord]) -> Result<usize, StoreError> {
        let mut written = 0;
        for r in records {
            written += usize::from(self.insert_record(r).await?);
        }
        Ok(written)
    }

    async fn update_record(&mut self, r: &StoredRecord) -> Result<(), StoreError> {
        let s = state::encode(r.entity, &r.state)?;
        let seq = self.take_change()?;
        let written = self.tx.prepare_cached(sql::UPDATE_RECORD)?.execute(params![
            entity_text(r.entity),
            r.id,
            i64::from(s.deleted),
            s.version,
            s.versions,
            s.fields,
            seq
        ])?;
        if written != 1 {
            return Err(StoreError::Data(format!("{} {} vanished inside its transaction", entity_text(r.entity), r.id)));
        }
        Ok(())
    }

    async fn local_topics(&mut self) -> Result<HashSet<String>, StoreError> {
        let mut st = self.tx.prepare_cached(sql::LOCAL_TOPICS)?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    async fn records_in_unit(&mut self, entity: Entity, unit: &str) -> Result<Vec<StoredRecord>, StoreError> {
        if entity != Entity::Team {
            return Err(StoreError::Data(format!("records_in_unit is kept for teams only, not {entity:?}")));
        }
        let mut st = self.tx.prepare_cached(sql::TEAMS_IN_UNIT)?;
        let rows = st.query_map([unit], raw_record)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(record_from_raw).collect()
    }

    async fn team_targets(&mut self, team: &str) -> Result<TeamTargets, StoreError> {
        let mut st = self.tx.prepare_cached(sql::TEAM_TARGETS)?;
        let mut targets = TeamTargets::default();
        for row in st.query_map([team], |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<String>>(1)?)))? {
            let (village, household) = row?;
            targets.villages.extend(village);
            targets.households.extend(household);
        }
        Ok(targets)
    }

    async fn max_change_seq(&mut self) -> Result<i64, StoreError> {
        Ok(self.tx.prepare_cached(sql::MAX_CHANGE)?.query_row([], |r| r.get(0))?)
    }

    async fn scan(&mut self, part: &Partition, after: i64, upto: i64, limit: i64) -> Result<Vec<ScanRow>, StoreError> {
        let rows = match part {
            Partition::Scope(key) => self
                .tx
                .prepare_cached(sql::SCAN_SCOPE)?
                .query_map(params![key, after, upto, limit], scan_row)?
                .collect::<Result<Vec<_>, _>>()?,
            Partition::Province(key) => self
                .tx
                .prepare_cached(sql::SCAN_PROVINCE)?
                .query_map(params![key, after, upto, limit], scan_row)?
                .collect::<Result<Vec<_>, _>>()?,
            Partition::All => {
                self.tx.prepare_cached(sql::SCAN_ALL)?.query_map(params![after, upto, limit], scan_row)?.collect::<Result<Vec<_>, _>>()?
            }
        };
        rows.into_iter().map(|(entity, row)| Ok(ScanRow { entity: parse_entity(&entity)?, ..row })).collect()
    }

    async fn states(&mut self, keys: &[RecordKey]) -> Result<Vec<PulledState>, StoreError> {
        let mut st = self.tx.prepare_cached(sql::STATE)?;
        let mut out = Vec::with_capacity(keys.len());
        for (entity, id) in keys {
            let (fields, version, deleted) = st.query_row(params![entity_text(*entity), id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, i64>(2)?))
            })?;
            let version = version.map(|v| v.parse().map_err(|e| StoreError::Data(format!("stored version {v:?}: {e}")))).transpose()?;
            out.push(PulledState { fields, version, deleted: deleted != 0 });
        }
        Ok(out)
    }

    async fn scope_def(&mut self, hash: &str) -> Result<Option<String>, StoreError> {
        Ok(self.tx.prepare_cached(sql::SCOPE_DEF)?.query_row([hash], |r| r.get(0)).optional()?)
    }

    async fn put_scope_def(&mut self, hash: &str, def: &str) -> Result<(), StoreError> {
        self.tx.prepare_cached(sql::PUT_SCOPE_DEF)?.execute([hash, def])?;
        Ok(())
    }

    async fn finish_writes(&mut self, held: &[NewRecord], _order: &[RecordKey]) -> Result<usize, StoreError> {
        // Numbered as written (`take_change`), held records last as `order` has them;
        // keep the counter.
        let written = self.insert_records(held).await?;
        if let Some(next) = self.next_change {
            self.tx.prepare_cached(sql::SET_COUNTER)?.execute([next - 1])?;
        }
        Ok(written)
    }

    async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        Ok(())
    }

    async fn hold(&mut self, how_long: Duration) {
        std::thread::sleep(how_long);
    }
}
