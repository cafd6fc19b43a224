//! Issue 14: the phone's database stays small. The WAL file must stay within a few MB
//! under any write pattern — saves back to back, saves with pauses shorter than the
//! checkpointer's settle time, a first sync applying a large scope — and an idle or
//! closed store leaves no log behind.
//!
//! Sizes: `TUNGNHA_WAL_VISITS` (default 10,000) visits back to back,
//! `TUNGNHA_WAL_PAUSED_VISITS` (default 1,500) with pauses.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tungnha_core::ids::{HouseholdId, PersonId};
use tungnha_core::store::checkpoint::WalBudget;
use tungnha_core::sync::{apply_op, Change, Cursor, SyncResponse};
use tungnha_core::Store;
use tungnha_testkit::calendar::at;
use tungnha_testkit::catalog::skill_codes;

/// The stated bound: the phone's budget says a checkpoint that empties the log starts at
/// `hard_frames` (about 4 MiB); what a save commits while it waits comes on top.
const WAL_BOUND: u64 = 6 << 20;

fn count(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn wal_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

/// The WAL file's size now (0 if there is none).
fn wal_size(db: &Path) -> u64 {
    std::fs::metadata(wal_path(db)).map(|m| m.len()).unwrap_or(0)
}

/// The largest WAL size seen, sample by sample.
#[derive(Default)]
struct Samples {
    max: u64,
    n: usize,
}

impl Samples {
    fn take(&mut self, db: &Path) {
        self.max = self.max.max(wal_size(db));
        self.n += 1;
    }

    fn assert_within(&self, what: &str) {
        println!(
            "{what}: {} samples, largest WAL {:.2} MiB (bound {:.0} MiB)",
            self.n,
            self.max as f64 / 1048576.0,
            WAL_BOUND as f64 / 1048576.0
        );
        assert!(self.max <= WAL_BOUND, "{what}: the WAL reached {} bytes, over the bound of {WAL_BOUND}", self.max);
    }
}

/// The log is emptied once writes pause (and the store is open).
fn assert_emptied_when_idle(db: &Path) {
    let deadline = Instant::now() + WalBudget::default().settle * 10;
    while wal_size(db) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(wal_size(db), 0, "an idle store leaves no log behind");
}

/// A village of `n` households of three, for visits.
fn households(f: &Fixture, n: usize) -> Vec<(HouseholdId, Vec<PersonId>)> {
    (0..n).map(|i| f.household(&format!("Số {i}"), &format!("Lò Văn Hộ {i}"), &["Lò Thị Một", "Lò Văn Hai"])).collect()
}

fn record_visits(f: &Fixture, n: usize, pause: impl Fn(usize) -> Duration) -> Samples {
    let homes = households(f, 60);
    let db = f.dir.path().join("device.db");
    let mut samples = Samples::default();
    for i in 0..n {
        let (h, people) = &homes[i % homes.len()];
        f.store.record_visit(&f.visit(*h, people, &skill_codes()[..1 + i % 5], at(10, 9))).unwrap();
        samples.take(&db);
        let p = pause(i);
        if !p.is_zero() {
            std::thread::sleep(p);
        }
    }
    samples
}

#[test]
fn visits_back_to_back_keep_the_wal_small() {
    let f = Fixture::new();
    let n = count("TUNGNHA_WAL_VISITS", 10_000);
    let samples = record_visits(&f, n, |_| Duration::ZERO);
    samples.assert_within(&format!("{n} visits back to back"));
    let stats = f.store.checkpoint_stats();
    println!("checkpoints: {stats:?}");
    assert!(stats.passive + stats.restart > 0, "checkpoints ran during the burst: {stats:?}");
    assert_emptied_when_idle(&f.dir.path().join("device.db"));
}

#[test]
fn visits_with_short_pauses_keep_the_wal_small() {
    let f = Fixture::new();
    let n = count("TUNGNHA_WAL_PAUSED_VISITS", 1_500);
    // Pauses of 5–45 ms: each shorter than the settle time, so the log is never idle.
    let settle = WalBudget::default().settle;
    let samples = record_visits(&f, n, |i| Duration::from_millis(5 + (i as u64 * 7) % 41).min(settle / 2));
    samples.assert_within(&format!("{n} visits with pauses under {settle:?}"));
    assert_emptied_when_idle(&f.dir.path().join("device.db"));
}

#[test]
fn a_first_sync_of_a_large_scope_keeps_the_wal_small() {
    // A leader's phone records a commune's worth of households; a new phone applies them
    // as its first sync, page by page.
    let source = Fixture::new();
    for i in 0..1_000 {
        source.household(&format!("Số {i}, bản Mòng"), &format!("Lò Văn Hộ {i}"), &["Lò Thị Một", "Lò Văn Hai"]);
    }
    let changes: Vec<Change> = source
        .store
        .pending_ops(u32::MAX)
        .unwrap()
        .into_iter()
        .map(|op| {
            let (s, _) = apply_op(None, &op).unwrap();
            Change {
                entity: op.entity,
                id: op.entity_id.clone(),
                version: s.version().unwrap(),
                deleted: false,
                state: serde_json::Value::Object(s.fields),
            }
        })
        .collect();
    assert!(changes.len() > 3_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("device.db");
    let phone = Store::open(&db, options(at(10, 20))).unwrap();
    let mut samples = Samples::default();
    let pages: Vec<&[Change]> = changes.chunks(250).collect();
    for (i, page) in pages.iter().enumerate() {
        let resp = SyncResponse {
            server_time_ms: at(10, 20).timestamp_millis(),
            acks: vec![],
            rejected: vec![],
            deferred: vec![],
            changes: page.to_vec(),
            next_cursor: Cursor(format!("{i}")),
            more: i + 1 < pages.len(),
            purge: None,
        };
        phone.apply_sync_response(&resp, 0).unwrap();
        samples.take(&db);
    }
    assert_eq!(phone.assignment_households(source.team, None).unwrap().len(), 1_000);
    samples.assert_within(&format!("a first sync of {} records", changes.len()));
    assert_emptied_when_idle(&db);
    drop(phone);
    assert_eq!(wal_size(&db), 0, "a closed store leaves no log behind");
}
