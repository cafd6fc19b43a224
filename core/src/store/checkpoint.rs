//! WAL checkpoints off the save path, with a WAL that stays small under any write pattern.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold, so one
//! save in a few hundred would take several times longer (and on the server, one sync would
//! hold the only writer while it copies). So automatic checkpoints are off on the writer
//! and a background thread with its own connection checkpoints instead, told by the
//! writer's WAL hook — which SQLite calls after every commit with the log's length:
//!
//! - past [`WalBudget::soft_frames`]: a PASSIVE checkpoint at once, even in the middle of a
//!   burst (it never blocks the writer or readers);
//! - past [`WalBudget::hard_frames`]: under a steady stream of commits a PASSIVE checkpoint
//!   never catches up (the log only restarts from its beginning once a checkpoint has
//!   copied all of it), so the thread checkpoints with TRUNCATE, which waits for the
//!   writer's transaction in flight and holds the next one back for the moment it takes to
//!   copy what is left and empty the file. This bounds the file under any write pattern;
//! - after [`WalBudget::settle`] with no commit, and when the owner closes: TRUNCATE, so an
//!   idle database leaves no log behind.
//!
//! `journal_size_limit` trims the file to the soft budget whenever the log restarts.

use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// When to checkpoint, in WAL frames (one frame is one page, 4 KiB by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalBudget {
    /// Checkpoint (PASSIVE, in the background) once the log holds this many frames.
    pub soft_frames: u32,
    /// Past this, checkpoint with TRUNCATE: the log empties even while writes go on.
    pub hard_frames: u32,
    /// A pause in commits this long is idle: the log is emptied.
    pub settle: Duration,
}

impl WalBudget {
    /// A server's database: about 16 MiB before a checkpoint, at most about 64 MiB of log.
    pub const SERVER: WalBudget = WalBudget { soft_frames: 4_000, hard_frames: 16_000, settle: Duration::from_millis(500) };
}

impl Default for WalBudget {
    /// About 2 MiB before a checkpoint, at most about 6 MiB of log (plus the transaction
    /// in flight) with 4 KiB pages.
    fn default() -> Self {
        Self { soft_frames: 500, hard_frames: 1_500, settle: Duration::from_millis(200) }
    }
}

#[derive(Default)]
struct Signal {
    /// Frames in the log after the last commit (as the WAL hook said).
    frames: u32,
    /// Commits so far (to tell a pause from a busy spell).
    commits: u64,
    /// Commits already covered by a checkpoint that emptied the log.
    emptied_at: u64,
    closing: bool,
}

struct Shared {
    signal: Mutex<Signal>,
    wake: Condvar,
}

/// Counts and reports what the checkpointer did (for tests and `/health`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckpointStats {
    pub passive: u64,
    pub truncate: u64,
    /// Checkpoints SQLite could not run (busy); the next one catches up.
    pub busy: u64,
}

/// The background checkpointer of one database file. Dropping it stops the thread after
/// a last TRUNCATE.
pub struct Checkpointer {
    shared: Arc<Shared>,
    stats: Arc<Mutex<CheckpointStats>>,
    handle: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Checkpointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpointer").field("stats", &self.stats()).finish()
    }
}

impl Checkpointer {
    /// Take over checkpoints of `writer`'s database (at `path`): automatic checkpoints
    /// off, the WAL hook installed, and a thread with its own connection started.
    pub fn attach(writer: &mut Connection, path: &Path, budget: WalBudget) -> rusqlite::Result<Self> {
        // The pragma installs SQLite's own hook (0 removes it); ours goes in after it.
        writer.pragma_update(None, "wal_autocheckpoint", 0)?;
        writer.pragma_update(None, "journal_size_limit", i64::from(budget.soft_frames) * 4096)?;
        let conn = Connection::open(path)?;
        // Short: a checkpoint that cannot get its locks gives up and is tried again after
        // the next commit or pause, rather than holding writers back.
        conn.busy_timeout(Duration::from_millis(250))?;
        let shared = Arc::new(Shared { signal: Mutex::new(Signal::default()), wake: Condvar::new() });
        let hook = shared.clone();
        let soft = budget.soft_frames;
        writer.wal_hook(Some(move |_: &mut rusqlite::hooks::Wal, frames: std::os::raw::c_int| {
            let mut s = hook.signal.lock().unwrap_or_else(PoisonError::into_inner);
            let was_idle = s.commits == s.emptied_at;
            s.frames = u32::try_from(frames).unwrap_or(0);
            s.commits += 1;
            // Wake the thread when there is work now, or to start timing a pause.
            if was_idle || s.frames >= soft {
                hook.wake.notify_one();
            }
            Ok(())
        }))?;
        let stats = Arc::new(Mutex::new(CheckpointStats::default()));
        let (thread_shared, thread_stats) = (shared.clone(), stats.clone());
        let handle = std::thread::Builder::new()
            .name("tungnha-checkpoint".into())
            .spawn(move || run(&conn, &thread_shared, &thread_stats, budget))
            .ok();
        Ok(Self { shared, stats, handle })
    }

    /// What the thread has done so far.
    pub fn stats(&self) -> CheckpointStats {
        *self.stats.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Clone, Copy)]
enum Mode {
    Passive,
    Truncate,
}

/// Run one checkpoint; `true` if it finished (a TRUNCATE: the log is empty).
fn checkpoint(conn: &Connection, mode: Mode, stats: &Mutex<CheckpointStats>) -> bool {
    let sql = match mode {
        Mode::Passive => "PRAGMA wal_checkpoint(PASSIVE)",
        Mode::Truncate => "PRAGMA wal_checkpoint(TRUNCATE)",
    };
    // Returns (busy, log frames, frames copied); busy = 1 when it could not finish.
    let busy = conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map(|b| b != 0).unwrap_or(true);
    let mut s = stats.lock().unwrap_or_else(PoisonError::into_inner);
    match (mode, busy) {
        (_, true) => s.busy += 1,
        (Mode::Passive, false) => s.passive += 1,
        (Mode::Truncate, false) => s.truncate += 1,
    }
    !busy
}

fn run(conn: &Connection, shared: &Shared, stats: &Mutex<CheckpointStats>, budget: WalBudget) {
    let lock = || shared.signal.lock().unwrap_or_else(PoisonError::into_inner);
    let mut s = lock();
    loop {
        if s.closing {
            break;
        }
        if s.frames >= budget.soft_frames {
            let mode = if s.frames >= budget.hard_frames { Mode::Truncate } else { Mode::Passive };
            let upto = s.commits;
            // Until the next commit says otherwise, this checkpoint has dealt with it.
            s.frames = 0;
            drop(s);
            let emptied = checkpoint(conn, mode, stats) && matches!(mode, Mode::Truncate);
            s = lock();
            if emptied {
                s.emptied_at = s.emptied_at.max(upto);
            }
            continue;
        }
        if s.commits == s.emptied_at {
            // Nothing written since the log was last emptied: sleep until a commit.
            s = shared.wake.wait(s).unwrap_or_else(PoisonError::into_inner);
            continue;
        }
        // Written since: wait for a pause (or more work), then empty the log.
        let before = s.commits;
        let (guard, timeout) = shared.wake.wait_timeout(s, budget.settle).unwrap_or_else(PoisonError::into_inner);
        s = guard;
        if timeout.timed_out() && s.commits == before && !s.closing {
            drop(s);
            // Busy (a reader or writer held on): tried again after the next pause.
            let emptied = checkpoint(conn, Mode::Truncate, stats);
            s = lock();
            if emptied {
                s.emptied_at = s.emptied_at.max(before);
            }
        }
    }
    drop(s);
    let _ = checkpoint(conn, Mode::Truncate, stats);
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.signal.lock().unwrap_or_else(PoisonError::into_inner).closing = true;
        self.shared.wake.notify_one();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
