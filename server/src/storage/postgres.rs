//! PostgreSQL: for a province-scale server. Same engine as SQLite; what differs is
//! concurrency. Several syncs run at once, so:
//!
//! - a device's row is locked (`FOR UPDATE`) for the transaction: its ops apply in
//!   order even if the app sends two requests at once;
//! - a record is read for change with `FOR UPDATE`, so two merges into one record
//!   serialise; two creations of one key meet on its primary key, and the later one is
//!   answered 503 and retried by the phone (then it merges);
//! - `change_seq` is **not** taken when a row is written: a sequence value taken early
//!   could commit after a larger one, and a reader that saw the larger would skip it.
//!   Instead, at the end of the transaction, under `pg_advisory_xact_lock(CHANGE_LOCK)`,
//!   every written row gets its number and the transaction commits while still holding
//!   the lock. Numbering and commit are serialised, so when a reader sees seq N
//!   committed, every seq below N is committed too (docs/sync-protocol.md §2).

use super::*;
use crate::engine;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, NoTls, Row};

/// Schema version of the server database (table `schema_version`).
pub const SCHEMA_VERSION: i64 = 1;

/// Advisory lock classes (first key of the two-key form).
const MIGRATION_LOCK: i32 = 7000;
const CHANGE_LOCK: i32 = 7001;

const MIGRATIONS: [&str; 1] = [r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    member_id TEXT,
    team_id TEXT,
    household_id TEXT,
    commune_key TEXT,
    name TEXT NOT NULL,
    holder_name TEXT,
    enrolled_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT,
    last_seq BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE enrolment_codes (
    code TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    member_id TEXT,
    team_id TEXT,
    household_id TEXT,
    commune_key TEXT,
    holder_name TEXT,
    issued_by TEXT NOT NULL,
    issued_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_by TEXT,
    used_at_ms BIGINT
);
CREATE TABLE op_log (
    op_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'rejected')),
    rejection TEXT,
    logged_at_ms BIGINT NOT NULL
);
CREATE INDEX op_log_device_seq ON op_log (device_id, seq);
CREATE SEQUENCE records_change_seq;
CREATE TABLE records (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    state TEXT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    version TEXT,
    commune_key TEXT,
    village_id TEXT,
    household_id TEXT,
    team_id TEXT,
    supersedes TEXT,
    change_seq BIGINT,
    PRIMARY KEY (entity, entity_id)
);
CREATE UNIQUE INDEX records_change_seq_idx ON records (change_seq);
CREATE INDEX records_household ON records (household_id) WHERE household_id IS NOT NULL;
CREATE INDEX records_village ON records (village_id) WHERE village_id IS NOT NULL;
CREATE INDEX records_team ON records (team_id, entity) WHERE team_id IS NOT NULL;
CREATE INDEX records_commune ON records (commune_key, entity);
CREATE INDEX records_supersedes ON records (supersedes) WHERE supersedes IS NOT NULL;
CREATE TABLE record_households (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    household_id TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, household_id)
);
CREATE INDEX record_households_household ON record_households (household_id);
"#];

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
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql).await?;
        if i == 0 {
            tx.execute("INSERT INTO meta (key, value) VALUES ('server_id', $1)", &[&crate::auth::random_hex(8)]).await?;
        }
    }
    if found < SCHEMA_VERSION {
        tx.execute("DELETE FROM schema_version", &[]).await?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&SCHEMA_VERSION]).await?;
    }
    let server_id: String = tx.query_one("SELECT value FROM meta WHERE key = 'server_id'", &[]).await?.get(0);
    tx.commit().await?;
    Ok(server_id)
}

fn device_from_row(r: &Row) -> Result<Device, StoreError> {
    let role: String = r.try_get(1)?;
    Ok(Device {
        device_id: parse_id(r.try_get(0)?, "device id")?.ok_or_else(|| StoreError::Data("device without id".into()))?,
        role: parse_role(&role).ok_or_else(|| StoreError::Data(format!("device with unknown role {role:?}")))?,
        member_id: parse_id(r.try_get(2)?, "member id")?,
        team_id: parse_id(r.try_get(3)?, "team id")?,
        household_id: parse_id(r.try_get(4)?, "household id")?,
        commune_key: r.try_get(5)?,
        name: r.try_get(6)?,
        holder_name: r.try_get(7)?,
        enrolled_at_ms: r.try_get(8)?,
        revoked: r.try_get::<_, Option<i64>>(9)?.is_some(),
    })
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
                    "INSERT INTO enrolment_codes (code, role, member_id, team_id, household_id, commune_key, holder_name, issued_by, issued_at_ms, expires_at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (code) DO NOTHING",
                    &[
                        &code.code,
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
            let device_id = e.device_id.to_string();
            let grant = tx
                .query_opt(
                    "UPDATE enrolment_codes SET used_by = $2, used_at_ms = $3 WHERE code = $1 AND used_by IS NULL AND expires_at_ms > $3
                     RETURNING role, member_id, team_id, household_id, commune_key, holder_name",
                    &[&code, &device_id, &millis(e.at)],
                )
                .await?;
            let Some(g) = grant else { return Ok(None) };
            let row = tx
                .query_one(
                    "INSERT INTO devices (device_id, token_sha256, role, member_id, team_id, household_id, commune_key, name, holder_name, enrolled_at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                     ON CONFLICT (device_id) DO UPDATE SET token_sha256 = excluded.token_sha256, role = excluded.role, member_id = excluded.member_id,
                        team_id = excluded.team_id, household_id = excluded.household_id, commune_key = excluded.commune_key, name = excluded.name,
                        holder_name = excluded.holder_name, enrolled_at_ms = excluded.enrolled_at_ms, revoked_at_ms = NULL
                     RETURNING device_id, role, member_id, team_id, household_id, commune_key, name, holder_name, enrolled_at_ms, revoked_at_ms",
                    &[
                        &device_id,
                        &e.token_sha256,
                        &g.try_get::<_, String>(0)?,
                        &g.try_get::<_, Option<String>>(1)?,
                        &g.try_get::<_, Option<String>>(2)?,
                        &g.try_get::<_, Option<String>>(3)?,
                        &g.try_get::<_, Option<String>>(4)?,
                        &e.device_name,
                        &g.try_get::<_, Option<String>>(5)?,
                        &millis(e.at),
                    ],
                )
                .await?;
            let device = device_from_row(&row)?;
            tx.commit().await?;
            Ok(Some(device))
        })
    }

    fn device_by_token(&self, token_sha256: String) -> BoxFuture<'_, Result<Option<Device>, StoreError>> {
        Box::pin(async move {
            let client = self.pool.get().await?;
            let st = client
                .prepare_cached(
                    "SELECT device_id, role, member_id, team_id, household_id, commune_key, name, holder_name, enrolled_at_ms, revoked_at_ms
                     FROM devices WHERE token_sha256 = $1",
                )
                .await?;
            client.query_opt(&st, &[&token_sha256]).await?.map(|r| device_from_row(&r)).transpose()
        })
    }

    fn revoke(&self, device: DeviceId, at: DateTime<Utc>) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(async move {
            let client = self.pool.get().await?;
            let id = device.to_string();
            client
                .execute("UPDATE devices SET revoked_at_ms = $2 WHERE device_id = $1 AND revoked_at_ms IS NULL", &[&id, &millis(at)])
                .await?;
            Ok(client.query_one("SELECT EXISTS (SELECT 1 FROM devices WHERE device_id = $1)", &[&id]).await?.try_get(0)?)
        })
    }

    fn record(&self, entity: Entity, id: String) -> BoxFuture<'_, Result<Option<StoredRecord>, StoreError>> {
        Box::pin(async move {
            let mut client = self.pool.get().await?;
            let tx = client.transaction().await?;
            let r = PgTx { tx: &tx }.record(entity, &id).await?;
            tx.commit().await?;
            Ok(r)
        })
    }

    fn team_targets(&self, team: String) -> BoxFuture<'_, Result<TeamTargets, StoreError>> {
        Box::pin(async move {
            let mut client = self.pool.get().await?;
            let tx = client.transaction().await?;
            let r = PgTx { tx: &tx }.team_targets(&team).await?;
            tx.commit().await?;
            Ok(r)
        })
    }

    fn push(&self, device: Device, ops: Vec<Op>, now: DateTime<Utc>) -> BoxFuture<'_, Result<PushOutcome, StoreError>> {
        Box::pin(async move {
            let mut client = self.pool.get().await?;
            let tx = client.transaction().await?;
            let mut t = PgTx { tx: &tx };
            let outcome = engine::push::push(&mut t, &device, ops, now).await?;
            if let Some(delay) = self.hooks.delay_for(device.device_id) {
                tokio::time::sleep(delay).await;
            }
            t.assign_change_seqs(&outcome.touched).await?;
            tx.commit().await?;
            Ok(outcome)
        })
    }

    fn pull(&self, device: Device, after: i64, max_bytes: usize) -> BoxFuture<'_, Result<PullPage, StoreError>> {
        Box::pin(self.page(Some(device), after, max_bytes))
    }

    fn changes(&self, after: i64, max_bytes: usize) -> BoxFuture<'_, Result<PullPage, StoreError>> {
        Box::pin(self.page(None, after, max_bytes))
    }

    fn devices(&self) -> BoxFuture<'_, Result<Vec<Device>, StoreError>> {
        Box::pin(async move {
            let client = self.pool.get().await?;
            let rows = client
                .query(
                    "SELECT device_id, role, member_id, team_id, household_id, commune_key, name, holder_name, enrolled_at_ms, revoked_at_ms
                     FROM devices ORDER BY enrolled_at_ms, device_id",
                    &[],
                )
                .await?;
            rows.iter().map(device_from_row).collect()
        })
    }
}

impl PgStorage {
    async fn page(&self, device: Option<Device>, after: i64, max_bytes: usize) -> Result<PullPage, StoreError> {
        let mut client = self.pool.get().await?;
        // One snapshot for the whole page, so the page and its `upto` agree.
        let tx = client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start().await?;
        let page = engine::pull::pull(&mut PgTx { tx: &tx }, device.as_ref(), after, max_bytes).await?;
        tx.commit().await?;
        Ok(page)
    }
}

/// The engine's view of one PostgreSQL transaction.
struct PgTx<'t, 'c> {
    tx: &'t deadpool_postgres::Transaction<'c>,
}

const RECORD_COLUMNS: &str = "entity, entity_id, state, commune_key, village_id, household_id, team_id, supersedes";

fn record_from_row(r: &Row) -> Result<StoredRecord, StoreError> {
    Ok(StoredRecord {
        entity: parse_entity(r.try_get(0)?)?,
        id: r.try_get(1)?,
        state: parse_state(r.try_get(2)?)?,
        place: Placement {
            commune_key: r.try_get(3)?,
            village_id: r.try_get(4)?,
            household_id: r.try_get(5)?,
            team_id: r.try_get(6)?,
            supersedes: r.try_get(7)?,
        },
    })
}

impl PgTx<'_, '_> {
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

impl Tx for PgTx<'_, '_> {
    async fn lock_device(&mut self, device: DeviceId) -> Result<i64, StoreError> {
        self.query_opt("SELECT last_seq FROM devices WHERE device_id = $1 FOR UPDATE", &[&device.to_string()])
            .await?
            .map(|r| r.try_get(0))
            .transpose()?
            .ok_or_else(|| StoreError::Data(format!("device {device} is not enrolled")))
    }

    async fn set_last_seq(&mut self, device: DeviceId, seq: i64) -> Result<(), StoreError> {
        self.execute("UPDATE devices SET last_seq = $2 WHERE device_id = $1", &[&device.to_string(), &seq]).await?;
        Ok(())
    }

    async fn op_log_get(&mut self, op: OpId) -> Result<Option<OpLogEntry>, StoreError> {
        let Some(r) = self
            .query_opt("SELECT device_id, seq, content_hash, rejection, logged_at_ms FROM op_log WHERE op_id = $1", &[&op.to_string()])
            .await?
        else {
            return Ok(None);
        };
        let rejection: Option<String> = r.try_get(3)?;
        Ok(Some(OpLogEntry {
            op_id: op,
            device_id: parse_id(r.try_get(0)?, "device id")?.ok_or_else(|| StoreError::Data("op log without device".into()))?,
            seq: r.try_get(1)?,
            content_hash: r.try_get(2)?,
            rejection: rejection.map(|r| serde_json::from_str(&r)).transpose()?,
            at: from_millis(r.try_get(4)?),
        }))
    }

    async fn op_log_put(&mut self, e: &OpLogEntry) -> Result<(), StoreError> {
        let rejection = e.rejection.as_ref().map(serde_json::to_string).transpose()?;
        let outcome = if rejection.is_some() { "rejected" } else { "applied" };
        self.execute(
            "INSERT INTO op_log (op_id, device_id, seq, content_hash, outcome, rejection, logged_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&e.op_id.to_string(), &e.device_id.to_string(), &e.seq, &e.content_hash, &outcome, &rejection, &millis(e.at)],
        )
        .await?;
        Ok(())
    }

    async fn record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        self.query_opt(&format!("SELECT {RECORD_COLUMNS} FROM records WHERE entity = $1 AND entity_id = $2"), &[&entity_text(entity), &id])
            .await?
            .map(|r| record_from_row(&r))
            .transpose()
    }

    async fn lock_record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        // A row lock (kept on the row, not in the shared lock table, so a batch of a
        // thousand ops costs nothing there). A record that does not exist yet is
        // protected by its primary key instead: see `put_record`.
        self.query_opt(
            &format!("SELECT {RECORD_COLUMNS} FROM records WHERE entity = $1 AND entity_id = $2 FOR UPDATE"),
            &[&entity_text(entity), &id],
        )
        .await?
        .map(|r| record_from_row(&r))
        .transpose()
    }

    async fn put_record(&mut self, r: &StoredRecord, households: Option<&[String]>, new: bool) -> Result<(), StoreError> {
        let p = &r.place;
        // A new record is inserted only if nobody else did meanwhile: a concurrent
        // creation of the same key waits for the other transaction and then finds the
        // row, and this transaction is retried rather than overwrite what it did not see.
        let sql = if new {
            "INSERT INTO records (entity, entity_id, state, deleted, version, commune_key, village_id, household_id, team_id, supersedes, change_seq)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)
             ON CONFLICT (entity, entity_id) DO NOTHING"
        } else {
            "UPDATE records SET state = $3, deleted = $4, version = $5, commune_key = $6, village_id = $7, household_id = $8,
                team_id = $9, supersedes = $10, change_seq = NULL
             WHERE entity = $1 AND entity_id = $2"
        };
        let written = self
            .execute(
                sql,
                &[
                    &entity_text(r.entity),
                    &r.id,
                    &state_text(&r.state)?,
                    &r.state.deleted.is_some(),
                    &version_text(&r.state),
                    &p.commune_key,
                    &p.village_id,
                    &p.household_id,
                    &p.team_id,
                    &p.supersedes,
                ],
            )
            .await?;
        if written != 1 {
            return Err(StoreError::Contended(format!("{} {} was written by another sync at the same time", entity_text(r.entity), r.id)));
        }
        if let Some(households) = households {
            let entity = entity_text(r.entity);
            self.execute("DELETE FROM record_households WHERE entity = $1 AND entity_id = $2", &[&entity, &r.id]).await?;
            self.execute(
                "INSERT INTO record_households (entity, entity_id, household_id) SELECT $1, $2, h FROM unnest($3::text[]) AS h ON CONFLICT DO NOTHING",
                &[&entity, &r.id, &households],
            )
            .await?;
        }
        Ok(())
    }

    async fn local_topics(&mut self) -> Result<HashSet<String>, StoreError> {
        let rows = self.query("SELECT entity_id FROM records WHERE entity = 'local_topic' AND NOT deleted", &[]).await?;
        rows.iter().map(|r| r.try_get(0).map_err(StoreError::from)).collect()
    }

    async fn records_in_commune(&mut self, entity: Entity, commune: &str) -> Result<Vec<StoredRecord>, StoreError> {
        let rows = self
            .query(
                &format!("SELECT {RECORD_COLUMNS} FROM records WHERE commune_key = $1 AND entity = $2 AND NOT deleted ORDER BY entity_id"),
                &[&commune, &entity_text(entity)],
            )
            .await?;
        rows.iter().map(record_from_row).collect()
    }

    async fn team_targets(&mut self, team: &str) -> Result<TeamTargets, StoreError> {
        let rows = self
            .query("SELECT village_id, household_id FROM records WHERE entity = 'assignment' AND team_id = $1 AND NOT deleted", &[&team])
            .await?;
        let mut targets = TeamTargets::default();
        for r in rows {
            targets.villages.extend(r.try_get::<_, Option<String>>(0)?);
            targets.households.extend(r.try_get::<_, Option<String>>(1)?);
        }
        Ok(targets)
    }

    async fn households_in(&mut self, targets: &TeamTargets) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let villages: Vec<&String> = targets.villages.iter().collect();
        let households: Vec<&String> = targets.households.iter().collect();
        let rows = self
            .query(
                "SELECT entity_id, village_id FROM records WHERE entity = 'household'
                   AND (village_id = ANY($1::text[]) OR entity_id = ANY($2::text[])) ORDER BY entity_id",
                &[&villages, &households],
            )
            .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }

    async fn communes(&mut self) -> Result<Vec<String>, StoreError> {
        let rows = self.query("SELECT DISTINCT commune_key FROM records WHERE commune_key IS NOT NULL ORDER BY 1", &[]).await?;
        rows.iter().map(|r| r.try_get(0).map_err(StoreError::from)).collect()
    }

    async fn touch(&mut self, touch: &Touch) -> Result<Vec<RecordKey>, StoreError> {
        // Row locks are taken here, in the body of the transaction, so numbering at the
        // end only updates rows this transaction already holds.
        let (sql, key) = match touch {
            Touch::Village(v) => (
                "UPDATE records SET change_seq = NULL
                 WHERE village_id = $1 OR (entity = 'village' AND entity_id = $1)
                    OR (entity = 'visit' AND entity_id IN (SELECT rh.entity_id FROM record_households rh
                        JOIN records h ON h.entity = 'household' AND h.entity_id = rh.household_id
                        WHERE rh.entity = 'visit' AND h.village_id = $1))
                 RETURNING entity, entity_id",
                v,
            ),
            Touch::Household(h) => (
                "UPDATE records SET change_seq = NULL
                 WHERE household_id = $1
                    OR (entity = 'village' AND entity_id = (SELECT village_id FROM records WHERE entity = 'household' AND entity_id = $1))
                    OR (entity = 'visit' AND entity_id IN (SELECT entity_id FROM record_households WHERE entity = 'visit' AND household_id = $1))
                 RETURNING entity, entity_id",
                h,
            ),
        };
        let rows = self.query(sql, &[key]).await?;
        rows.iter().map(|r| Ok((parse_entity(r.try_get(0)?)?, r.try_get(1)?))).collect()
    }

    async fn max_change_seq(&mut self) -> Result<i64, StoreError> {
        let row = self.query_opt("SELECT COALESCE(MAX(change_seq), 0) FROM records", &[]).await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?.unwrap_or(0))
    }

    async fn pull_rows(&mut self, filter: &PullFilter, after: i64, upto: i64, limit: i64) -> Result<Vec<PulledRow>, StoreError> {
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&after, &upto, &limit];
        let scope = match filter {
            PullFilter::Household { household, village } => {
                params.push(household);
                params.push(village);
                "(household_id = $4 AND entity <> 'conflict') OR (entity = 'village' AND entity_id = $5)
                 OR (entity = 'visit' AND entity_id IN (SELECT entity_id FROM record_households WHERE entity = 'visit' AND household_id = $4))"
            }
            PullFilter::Team { team, villages, households } => {
                params.push(team);
                params.push(villages);
                params.push(households);
                "(entity = 'team' AND entity_id = $4) OR (entity = 'assignment' AND team_id = $4)
                 OR (entity = 'village' AND entity_id = ANY($5::text[]))
                 OR household_id = ANY($6::text[])
                 OR (entity = 'visit' AND (team_id = $4 OR entity_id IN (SELECT entity_id FROM record_households
                     WHERE entity = 'visit' AND household_id = ANY($6::text[]))))"
            }
            PullFilter::Communes(communes) => {
                params.push(communes);
                "commune_key = ANY($4::text[])"
            }
            PullFilter::Everything => "TRUE",
        };
        let sql = format!(
            "SELECT entity, entity_id, state, change_seq FROM records
             WHERE change_seq > $1 AND change_seq <= $2 AND (entity IN ('campaign', 'local_topic') OR {scope})
             ORDER BY change_seq LIMIT $3"
        );
        let rows = self.query(&sql, &params).await?;
        rows.iter()
            .map(|r| {
                Ok(PulledRow { entity: parse_entity(r.try_get(0)?)?, id: r.try_get(1)?, state: r.try_get(2)?, change_seq: r.try_get(3)? })
            })
            .collect()
    }

    async fn assign_change_seqs(&mut self, keys: &[RecordKey]) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        // Held until COMMIT: numbering and commit are one step for every writer.
        self.execute("SELECT pg_advisory_xact_lock($1, 0)", &[&CHANGE_LOCK]).await?;
        let entities: Vec<&str> = keys.iter().map(|(e, _)| entity_text(*e)).collect();
        let ids: Vec<&str> = keys.iter().map(|(_, id)| id.as_str()).collect();
        self.execute(
            "UPDATE records r SET change_seq = nextval('records_change_seq')
             FROM unnest($1::text[], $2::text[]) AS k(entity, entity_id)
             WHERE r.entity = k.entity AND r.entity_id = k.entity_id",
            &[&entities, &ids],
        )
        .await?;
        Ok(())
    }
}
