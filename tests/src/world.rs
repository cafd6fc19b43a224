//! Devices of the fault-injection suite: a core store on a file, a clock off by years
//! or minutes, a link that loses and repeats requests, transactions killed before commit.

use crate::faults::{Faults, FaultyTransport};
use crate::server::TestServer;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tempfile::TempDir;
use tungnha_core::store::StoreOptions;
use tungnha_core::sync::client::{self, CancelToken, SyncError, SyncOptions};
use tungnha_core::sync::Role;
use tungnha_core::Store;
use tungnha_testkit::OffsetClock;

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

/// A phone whose clock is off by `skew_ms`.
fn options(skew_ms: i64) -> StoreOptions {
    StoreOptions { clock: Arc::new(OffsetClock::new(chrono::Duration::milliseconds(skew_ms))), household_goal: 1 }
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
        let store = Store::open(&path, options(skew_ms)).map_err(|e| e.to_string())?;
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
        self.store = Some(Store::open(&self.path, options(self.skew_ms)).map_err(|e| e.to_string())?);
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
    pub server: TestServer,
    pub devices: Vec<Device>,
}
