//! The offline-first local store: one SQLite file per device.
//!
//! - One writer connection and one reader connection, each behind a mutex, so the
//!   store can be shared across threads (the apps call it off their main thread).
//! - WAL journal, `synchronous=FULL`: a visit the volunteer saw saved survives the app
//!   being killed *and* the battery dying. (`NORMAL` in WAL mode is ~7× faster here but
//!   can lose the last commits on power loss, which is exactly the failure a cheap
//!   phone in a mountain village has.)
//! - Automatic WAL checkpoints are off on the writer: SQLite would otherwise run one
//!   inside whichever save crosses the threshold, and that save would stall. A small
//!   background thread checkpoints instead, told by the writer's WAL hook, and keeps the
//!   log within a budget under any write pattern ([`checkpoint`]).
//! - Every local change writes its rows and an outbox entry in one transaction (see
//!   [`outbox`]); sync sends the outbox.

mod apply;
pub mod checkpoint;
mod derive;
pub mod outbox;
mod purge;
mod read;
pub mod schema;
mod setup;
mod write;

pub use crate::model::{HouseholdPatch, PersonPatch};
pub(crate) use apply::{set_setting as write_setting, setting as read_setting};
pub use apply::{ApplyReport, ConflictRecord, Enrolment, RejectedOp, SetAside};
pub use read::{HouseholdDetail, MemberDetail, PersonRef, SearchHit, SearchPage, TodaysWork};
pub use write::Saved;

use crate::clock::{Clock, SystemClock};
use crate::error::{CoreError, CoreResult};
use crate::hlc::{Hlc, HlcClock};
use crate::ids::DeviceId;
use crate::search;
use checkpoint::{Checkpointer, WalBudget};
use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// How the store is opened.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub clock: Arc<dyn Clock>,
    /// Members per household who must master all 5 skills for the household to count as
    /// "goal reached" on the volunteer's list (plan 004: 1 to 2).
    pub household_goal: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { clock: Arc::new(SystemClock), household_goal: 1 }
    }
}

struct Writer {
    conn: Connection,
    hlc: HlcClock,
    /// The per-device sequence number the next operation gets (never reused, even after
    /// the outbox empties).
    next_seq: i64,
}

/// The local store. Cheap to share (`Arc<Store>`); all methods take `&self`.
pub struct Store {
    writer: Mutex<Writer>,
    reader: Mutex<Connection>,
    options: StoreOptions,
    /// Made on the device; replaced only when the server enrols it under another id.
    device: std::sync::RwLock<DeviceId>,
    path: PathBuf,
    checkpointer: Checkpointer,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).field("device", &self.device_id()).finish()
    }
}

fn fold_function(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function("tn_fold", 1, FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC, |ctx| {
        Ok(search::fold(&ctx.get::<String>(0)?))
    })
}

/// Open a connection with the pragmas every connection of ours uses.
fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.set_prepared_statement_cache_capacity(64);
    fold_function(&conn)?;
    Ok(conn)
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    ts_text(t)
}

/// The stored text form of a timestamp (RFC 3339, UTC, milliseconds): sorts like time.
pub fn ts_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// An enum's serde name as stored text (`Relation::Head` → `head`).
pub(crate) fn enum_text<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Stored text back to an enum, as a column conversion error if unknown.
pub(crate) fn text_enum<T: serde::de::DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// A stored JSON column back to a value.
pub(crate) fn json_col<T: serde::de::DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    serde_json::from_str(s).map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

impl Store {
    /// Open (or create) the store at `path`, upgrading its schema if needed.
    pub fn open(path: impl AsRef<Path>, options: StoreOptions) -> CoreResult<Self> {
        let path = path.as_ref().to_path_buf();
        let mut conn = connect(&path)?;
        schema::migrate(&mut conn)?;
        let (device, last, offset, next_seq) = Self::device_row(&conn)?;
        let reader = connect(&path)?;
        let checkpointer = Checkpointer::attach(&mut conn, &path, WalBudget::default())?;
        Ok(Self {
            writer: Mutex::new(Writer { conn, hlc: HlcClock::new(device, last, offset), next_seq }),
            reader: Mutex::new(reader),
            options,
            device: std::sync::RwLock::new(device),
            path,
            checkpointer,
        })
        .and_then(|store: Self| {
            // Records set aside by an older build of the app may apply now.
            if store.set_aside_by_older_app()? {
                store.retry_inbound_quarantine()?;
            }
            Ok(store)
        })
    }

    /// Open the store encrypted with `key`, or unencrypted without one. This build has no
    /// SQLCipher yet, so a key is refused ([`CoreError::EncryptionUnavailable`]) rather
    /// than ignored: nobody stores data unencrypted believing it is encrypted.
    pub fn open_with_key(path: impl AsRef<Path>, key: Option<&str>, options: StoreOptions) -> CoreResult<Self> {
        match key {
            Some(_) => Err(CoreError::EncryptionUnavailable),
            None => Self::open(path, options),
        }
    }

    fn device_row(conn: &Connection) -> CoreResult<(DeviceId, Option<Hlc>, i64, i64)> {
        let row = conn.query_row("SELECT device_id, hlc_last, clock_offset_ms, next_seq FROM device WHERE id = 1", [], |r| {
            Ok((r.get::<_, DeviceId>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
        });
        match row {
            Ok((d, last, off, seq)) => Ok((d, last.and_then(|s| s.parse().ok()), off, seq)),
            Err(rusqlite::Error::QueryReturnedNoRows) => {
                let d = DeviceId::new();
                conn.execute("INSERT INTO device (id, device_id) VALUES (1, ?1)", [d])?;
                Ok((d, None, 0, 1))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub fn device_id(&self) -> DeviceId {
        *self.device.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Take the id the server enrolled this device under (it was enrolled as a new device
    /// because another one holds the id it asked for). Unsent operations are renumbered
    /// from 1 and re-stamped with the new id, in one transaction, so they go out as the
    /// new device's and nothing is lost.
    pub fn adopt_device_id(&self, new: DeviceId) -> CoreResult<()> {
        if new == self.device_id() {
            return Ok(());
        }
        let mut guard = self.lock_writer()?;
        let Writer { conn, hlc, next_seq } = &mut *guard;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let rows: Vec<(i64, String)> = {
            let mut st = tx.prepare("SELECT seq, hlc FROM outbox ORDER BY seq")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        tx.execute("UPDATE outbox SET seq = -seq", [])?;
        for (i, (seq, stamp)) in rows.iter().enumerate() {
            let stamp: Hlc = stamp.parse().map_err(|e: String| {
                CoreError::Invalid(crate::Problems(vec![crate::Problem::error(
                    "hlc",
                    crate::problem::ProblemCode::Malformed,
                    e.clone(),
                    e,
                )]))
            })?;
            let stamp = Hlc { device: new, ..stamp };
            tx.execute("UPDATE outbox SET seq = ?1, hlc = ?2 WHERE seq = ?3", rusqlite::params![i as i64 + 1, stamp.to_string(), -seq])?;
        }
        let next = rows.len() as i64 + 1;
        let last = hlc.last().map(|h| Hlc { device: new, ..h });
        tx.execute(
            "UPDATE device SET device_id = ?1, next_seq = ?2, hlc_last = ?3 WHERE id = 1",
            rusqlite::params![new, next, last.map(|h| h.to_string())],
        )?;
        tx.commit()?;
        *next_seq = next;
        *hlc = HlcClock::new(new, last, hlc.offset_ms());
        *self.device.write().unwrap_or_else(|p| p.into_inner()) = new;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn options(&self) -> &StoreOptions {
        &self.options
    }

    /// The current time as validation should see it: the device clock corrected by the
    /// offset the sync server last reported.
    pub fn now(&self) -> DateTime<Utc> {
        let offset = self.lock_writer().map(|w| w.hlc.offset_ms()).unwrap_or(0);
        self.options.clock.now() + chrono::Duration::milliseconds(offset)
    }

    fn lock_writer(&self) -> CoreResult<MutexGuard<'_, Writer>> {
        // Past its hard budget the log is emptied before the next write (rarely waits).
        self.checkpointer.gate();
        // A panic in another thread while holding the lock cannot leave SQLite
        // half-written (the transaction rolls back on drop), so the poison is harmless.
        Ok(self.writer.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> CoreResult<T>) -> CoreResult<T> {
        let conn = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        f(&conn)
    }

    /// Run `f` in one write transaction. Everything it writes, outbox entries included,
    /// commits together or not at all.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut WriteTx<'_>) -> CoreResult<T>) -> CoreResult<T> {
        self.write_with(true, f)
    }

    /// [`Store::write`], optionally with foreign-key checks off (for applying pulled
    /// records, whose order is not dependency order; see docs/sync-protocol.md).
    pub(crate) fn write_with<T>(&self, foreign_keys: bool, f: impl FnOnce(&mut WriteTx<'_>) -> CoreResult<T>) -> CoreResult<T> {
        let now = self.now();
        let mut guard = self.lock_writer()?;
        if !foreign_keys {
            // Only takes effect outside a transaction, which is where we are.
            guard.conn.pragma_update(None, "foreign_keys", false)?;
        }
        let result = self.write_locked(&mut guard, now, f);
        if !foreign_keys {
            guard.conn.pragma_update(None, "foreign_keys", true)?;
        }
        drop(guard);
        result
    }

    fn write_locked<T>(&self, guard: &mut Writer, now: DateTime<Utc>, f: impl FnOnce(&mut WriteTx<'_>) -> CoreResult<T>) -> CoreResult<T> {
        let Writer { conn, hlc, next_seq } = guard;
        let (hlc_before, seq_before) = (hlc.clone(), *next_seq);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut w = WriteTx { tx, hlc, next_seq, now, wall_ms: self.options.clock.now().timestamp_millis(), ops: 0, observed: false };
        let result = f(&mut w);
        let result = result.and_then(|v| w.finish().map(|()| v));
        if result.is_err() {
            // Nothing was committed: forget the timestamps and sequence numbers handed out.
            *hlc = hlc_before;
            *next_seq = seq_before;
        }
        result
    }

    /// What the background checkpointer has done (tests, diagnostics).
    pub fn checkpoint_stats(&self) -> checkpoint::CheckpointStats {
        self.checkpointer.stats()
    }

    /// Checkpoint the WAL now (e.g. when the app goes to the background).
    pub fn checkpoint(&self) -> CoreResult<()> {
        let guard = self.lock_writer()?;
        guard.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// An open write transaction with the device's clock, handed to write closures.
pub(crate) struct WriteTx<'a> {
    pub tx: Transaction<'a>,
    hlc: &'a mut HlcClock,
    next_seq: &'a mut i64,
    /// Validation's "now" (device clock corrected by the server offset).
    pub now: DateTime<Utc>,
    wall_ms: i64,
    ops: u32,
    /// Whether the clock moved for a pulled change (its state must be persisted).
    observed: bool,
}

impl WriteTx<'_> {
    pub fn tick(&mut self) -> Hlc {
        self.hlc.tick(self.wall_ms)
    }

    /// Move the clock past a timestamp received from the server.
    pub fn observe(&mut self, remote: Hlc) {
        self.hlc.observe(remote, self.wall_ms);
        self.observed = true;
    }

    /// Remember the server's clock offset (persisted with this transaction).
    pub fn set_clock_offset(&mut self, offset_ms: i64) -> CoreResult<()> {
        self.hlc.set_offset_ms(offset_ms);
        self.tx.prepare_cached("UPDATE device SET clock_offset_ms = ?1 WHERE id = 1")?.execute([offset_ms])?;
        Ok(())
    }

    fn finish(self) -> CoreResult<()> {
        if self.ops > 0 || self.observed {
            let last = self.hlc.last().map(|h| h.to_string());
            self.tx
                .prepare_cached("UPDATE device SET hlc_last = ?1, next_seq = ?2 WHERE id = 1")?
                .execute(rusqlite::params![last, *self.next_seq])?;
        }
        self.tx.commit().map_err(CoreError::from)
    }
}
