//! A server and its devices.

use crate::faults::{Faults, FaultyTransport};
use chrono::{DateTime, Duration, Utc};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tempfile::TempDir;
use tungnha_core::clock::Clock;
use tungnha_core::store::StoreOptions;
use tungnha_core::sync::client::{self, CancelToken, SyncError, SyncOptions};
use tungnha_core::sync::Role;
use tungnha_core::Store;
use tungnha_server::enrolment::{issue, CodeRequest, Issuer};
use tungnha_server::storage::DatabaseConfig;
use tungnha_server::{start, RunningServer, ServerConfig};

/// A phone whose clock is off by `skew_ms`.
#[derive(Debug, Clone, Copy)]
pub struct SkewedClock(pub i64);

impl Clock for SkewedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.0)
    }
}

/// The server, restartable on the same database.
pub struct ServerHandle {
    pub rt: Arc<tokio::runtime::Runtime>,
    database: DatabaseConfig,
    running: Option<RunningServer>,
    pub url: Arc<Mutex<String>>,
    pub restarts: u32,
}

impl std::fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerHandle").field("url", &self.url).field("restarts", &self.restarts).finish()
    }
}

impl ServerHandle {
    pub fn start(rt: Arc<tokio::runtime::Runtime>, database: DatabaseConfig) -> Result<Self, String> {
        let mut config = match &database {
            DatabaseConfig::Sqlite(p) => ServerConfig::sqlite(p.clone()),
            DatabaseConfig::Postgres(u) => ServerConfig::postgres(u.clone()),
        };
        config.listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let running = rt.block_on(start(config)).map_err(|e| format!("server start: {e}"))?;
        let url = Arc::new(Mutex::new(running.url()));
        Ok(Self { rt, database, running: Some(running), url, restarts: 0 })
    }

    /// Stop gracefully (in-flight requests finish) and start again on the same database.
    pub fn restart(&mut self) -> Result<(), String> {
        if let Some(r) = self.running.take() {
            self.rt.block_on(r.shutdown()).map_err(|e| format!("server shutdown: {e}"))?;
        }
        let config = match &self.database {
            DatabaseConfig::Sqlite(p) => ServerConfig::sqlite(p.clone()),
            DatabaseConfig::Postgres(u) => ServerConfig::postgres(u.clone()),
        };
        let running = self.rt.block_on(start(config)).map_err(|e| format!("server restart: {e}"))?;
        *self.url.lock().unwrap_or_else(|p| p.into_inner()) = running.url();
        self.running = Some(running);
        self.restarts += 1;
        Ok(())
    }

    /// Begin a graceful shutdown without waiting (a sync may be in flight).
    pub fn begin_shutdown(&mut self) {
        if let Some(r) = self.running.as_mut() {
            r.begin_shutdown();
        }
    }

    /// An enrolment code, as the operator issues it on the command line.
    pub fn code(&self, req: CodeRequest) -> Result<String, String> {
        let storage = self.running.as_ref().ok_or("server not running")?.storage.clone();
        let issued = self.rt.block_on(issue(storage.as_ref(), Issuer::Admin, req, Utc::now())).map_err(|e| format!("issue code: {e:?}"))?;
        Ok(issued.code)
    }

    pub fn stop(mut self) {
        if let Some(r) = self.running.take() {
            let _ = self.rt.block_on(r.shutdown());
        }
    }
}

/// One phone: a core store on a file, its clock, its faulty link.
pub struct Device {
    pub name: String,
    pub path: PathBuf,
    pub store: Option<Store>,
    pub skew_ms: i64,
    pub transport: Arc<FaultyTransport>,
    pub role: Role,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device").field("name", &self.name).field("skew_ms", &self.skew_ms).finish()
    }
}

/// Triggers that abort a device's transactions at random, like the process being
/// killed before the commit: a local save (its outbox insert) or the apply of a sync
/// answer (its cursor write, the last thing it does).
const CHAOS: &str = "CREATE TABLE IF NOT EXISTS chaos (percent INTEGER NOT NULL);
    INSERT INTO chaos SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM chaos);
    CREATE TRIGGER IF NOT EXISTS chaos_save BEFORE INSERT ON outbox WHEN abs(random() % 100) < (SELECT percent FROM chaos)
        BEGIN SELECT RAISE(ABORT, 'chaos: killed before commit'); END;
    CREATE TRIGGER IF NOT EXISTS chaos_apply BEFORE INSERT ON settings WHEN NEW.key = 'sync.cursor' AND abs(random() % 100) < (SELECT percent FROM chaos)
        BEGIN SELECT RAISE(ABORT, 'chaos: killed before commit'); END;";

impl Device {
    pub fn open(dir: &TempDir, name: &str, skew_ms: i64, url: Arc<Mutex<String>>, seed: u64) -> Result<Self, String> {
        let path = dir.path().join(format!("{name}.db"));
        let store =
            Store::open(&path, StoreOptions { clock: Arc::new(SkewedClock(skew_ms)), household_goal: 1 }).map_err(|e| e.to_string())?;
        let c = rusqlite::Connection::open(&path).map_err(|e| e.to_string())?;
        c.execute_batch(CHAOS).map_err(|e| e.to_string())?;
        Ok(Self {
            name: name.into(),
            path,
            store: Some(store),
            skew_ms,
            transport: Arc::new(FaultyTransport::new(url, seed)),
            role: Role::Volunteer,
        })
    }

    pub fn store(&self) -> &Store {
        self.store.as_ref().expect("device store is open")
    }

    /// The app is killed and started again.
    pub fn reopen(&mut self) -> Result<(), String> {
        self.store.take();
        self.store = Some(
            Store::open(&self.path, StoreOptions { clock: Arc::new(SkewedClock(self.skew_ms)), household_goal: 1 })
                .map_err(|e| e.to_string())?,
        );
        Ok(())
    }

    /// Percent of transactions that are "killed" before they commit.
    pub fn set_chaos(&self, percent: u32) -> Result<(), String> {
        let c = rusqlite::Connection::open(&self.path).map_err(|e| e.to_string())?;
        c.busy_timeout(std::time::Duration::from_secs(5)).map_err(|e| e.to_string())?;
        c.execute("UPDATE chaos SET percent = ?1", [percent]).map_err(|e| e.to_string())?;
        Ok(())
    }

    pub fn set_faults(&self, f: Faults) {
        self.transport.set_faults(f);
    }

    pub fn enrol(&mut self, code: &str) -> Result<(), String> {
        let e = client::enrol(self.store(), self.transport.as_ref(), code, &self.name).map_err(|e| format!("{}: enrol: {e}", self.name))?;
        self.role = e.role;
        Ok(())
    }

    pub fn sync(&self) -> Result<(), SyncError> {
        let options = SyncOptions { retries: 2, sleep: Arc::new(|_| {}), max_bytes: 16_000, ..SyncOptions::default() };
        client::sync(self.store(), self.transport.as_ref(), None, &CancelToken::new(), &options).map(|_| ())
    }

    /// Sync until nothing is pending and nothing more comes (faults off).
    pub fn sync_fully(&self) -> Result<(), String> {
        let mut last = String::new();
        for _ in 0..6 {
            match self.sync() {
                Ok(()) if self.store().pending_count().map_err(|e| e.to_string())? == 0 => return Ok(()),
                Ok(()) => last = "ops still pending".into(),
                Err(e) => last = e.to_string(),
            }
        }
        Err(format!("{}: could not sync fully: {last}", self.name))
    }
}

/// The server and every device of one run.
#[derive(Debug)]
pub struct World {
    pub dir: TempDir,
    pub server: ServerHandle,
    pub devices: Vec<Device>,
}
