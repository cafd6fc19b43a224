//! WAL checkpoints off the save path, with a WAL that stays small under any write pattern.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold, so one
//! save in a few hundred would take several times longer (and on the server, one sync would
//! hold the only writer while it copies). So automatic checkpoints are off on the writer
//! and a background thread with its own connection checkpoints instead, told by the
//! writer's WAL hook — which SQLite calls after every commit with the log's length:
//!
//! - past [`WalBudget::soft_frames`]: a PASSIVE checkpoint at once, even in the middle of a
//!   burst. It copies the log into the database without blocking the writer or readers.
//! - past [`WalBudget::hard_frames`]: under a steady stream of commits PASSIVE checkpoints
//!   never let the log restart (it restarts from its beginning only when a writer starts
//!   after a checkpoint copied *all* of it), so the file would grow without bound. The
//!   thread then checkpoints with RESTART, and the owner's next write waits at the
//!   [`Checkpointer::gate`] until it is done (at most [`MAX_GATE`]): the one moment a save
//!   waits, once per `hard_frames` of writes, for a log PASSIVE has mostly copied already.
//!   RESTART, not TRUNCATE: the next commits overwrite the file's existing blocks, whose
//!   fsync is cheaper than one that also has to record a file growing again from zero.
//! - after [`WalBudget::settle`] with no commit, and when the owner closes: TRUNCATE, so an
//!   idle database leaves no log behind.
//!
//! `journal_size_limit` trims the file to the hard budget whenever the log restarts.

use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The longest a write waits at the gate for a RESTART checkpoint.
pub const MAX_GATE: Duration = Duration::from_secs(1);

/// When to checkpoint, in WAL frames (one frame is one page, 4 KiB by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalBudget {
    /// Checkpoint (PASSIVE, in the background) once the log holds this many frames.
    pub soft_frames: u32,
    /// Past this, restart the log (RESTART) before the next write.
    pub hard_frames: u32,
    /// A pause in commits this long is idle: the log is emptied.
    pub settle: Duration,
}

impl WalBudget {
    /// A server's database: about 16 MiB of log before a checkpoint, emptied at about 64 MiB.
    pub const SERVER: WalBudget = WalBudget { soft_frames: 4_000, hard_frames: 16_000, settle: Duration::from_millis(500) };
}

impl Default for WalBudget {
    /// A phone: about 1 MiB of log before a checkpoint, emptied at about 4 MiB (plus the
    /// transaction in flight) with 4 KiB pages.
    fn default() -> Self {
        Self { soft_frames: 256, hard_frames: 1_024, settle: Duration::from_millis(200) }
    }
}

/// What the checkpointer has done (tests, diagnostics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckpointStats {
    pub passive: u64,
    /// The log restarted under a stream of writes (the hard budget).
    pub restart: u64,
    /// The log emptied (idle, closing).
    pub truncate: u64,
    /// Checkpoints SQLite could not finish (a reader or the writer held on); a later
    /// commit or pause tries again.
    pub busy: u64,
    /// Writes that waited at the gate, and for how long in all.
    pub gated: u64,
    pub gated_ms: u64,
}

#[derive(Default)]
struct Signal {
    /// Frames in the log after the last commit (as the WAL hook said; 0 once emptied).
    frames: u32,
    /// Commits so far.
    commits: u64,
    /// `commits` when a checkpoint last started (a new one waits for a new commit).
    checkpointed_at: u64,
    /// `frames` when a PASSIVE checkpoint last started (the next waits for the log to grow).
    passive_frames: u32,
    /// `commits` when the log was last emptied.
    emptied_at: u64,
    /// Bumped after every checkpoint (the gate waits for it to move).
    done: u64,
    closing: bool,
    stats: CheckpointStats,
}

struct Shared {
    signal: Mutex<Signal>,
    /// Wakes the thread (a commit, closing) and gate waiters (a checkpoint done).
    wake: Condvar,
    budget: WalBudget,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Signal> {
        self.signal.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The background checkpointer of one database file. Dropping it stops the thread after
/// a last TRUNCATE.
pub struct Checkpointer {
    shared: Arc<Shared>,
    handle: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Checkpointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpointer").field("stats", &self.stats()).finish()
    }
}

impl Checkpointer {
    /// Take over checkpoints of `writer`'s database (at `path`): automatic checkpoints
    /// off, the WAL hook installed, and a thread with its own connection started. The
    /// owner calls [`Self::gate`] before each write transaction.
    pub fn attach(writer: &mut Connection, path: &Path, budget: WalBudget) -> rusqlite::Result<Self> {
        // The pragma installs SQLite's own hook (0 removes it); ours goes in after it.
        writer.pragma_update(None, "wal_autocheckpoint", 0)?;
        writer.pragma_update(None, "journal_size_limit", i64::from(budget.hard_frames) * 4096)?;
        let conn = Connection::open(path)?;
        // Short: a checkpoint that cannot get its locks gives up and is tried again after
        // the next commit or pause, rather than holding writers back.
        conn.busy_timeout(Duration::from_millis(250))?;
        // Counted as one commit not yet emptied: a log left by the schema's migration or by
        // a crash is emptied at the first pause, even if nothing is written after opening.
        let signal = Signal { commits: 1, ..Signal::default() };
        let shared = Arc::new(Shared { signal: Mutex::new(signal), wake: Condvar::new(), budget });
        let hook = shared.clone();
        writer.wal_hook(Some(move |_: &mut rusqlite::hooks::Wal, frames: std::os::raw::c_int| {
            let mut s = hook.lock();
            let was_idle = s.commits == s.emptied_at;
            s.frames = u32::try_from(frames).unwrap_or(0);
            s.commits += 1;
            // Wake the thread when there is work now, or to start timing a pause.
            if was_idle || s.frames >= hook.budget.soft_frames {
                hook.wake.notify_all();
            }
            Ok(())
        }))?;
        let thread = shared.clone();
        let handle = std::thread::Builder::new().name("tungnha-checkpoint".into()).spawn(move || run(&conn, &thread)).ok();
        Ok(Self { shared, handle })
    }

    /// Call before a write transaction. Past the hard budget, wait (at most [`MAX_GATE`])
    /// for the thread's RESTART checkpoint: under a steady stream of writes, the log can
    /// only be emptied while no write runs.
    pub fn gate(&self) {
        let budget = self.shared.budget;
        let mut s = self.shared.lock();
        if s.frames < budget.hard_frames || s.closing || self.handle.is_none() {
            return;
        }
        let started = Instant::now();
        let done = s.done;
        self.shared.wake.notify_all();
        while s.done == done && !s.closing {
            let left = MAX_GATE.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            s = self.shared.wake.wait_timeout(s, left).unwrap_or_else(PoisonError::into_inner).0;
        }
        s.stats.gated += 1;
        s.stats.gated_ms += started.elapsed().as_millis() as u64;
    }

    /// What the thread has done so far.
    pub fn stats(&self) -> CheckpointStats {
        self.shared.lock().stats
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Passive,
    Restart,
    Truncate,
}

/// Run one checkpoint; `true` if it finished.
fn checkpoint(conn: &Connection, mode: Mode) -> bool {
    let sql = match mode {
        Mode::Passive => "PRAGMA wal_checkpoint(PASSIVE)",
        Mode::Restart => "PRAGMA wal_checkpoint(RESTART)",
        Mode::Truncate => "PRAGMA wal_checkpoint(TRUNCATE)",
    };
    // The first column is 1 when it could not finish (busy).
    conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map(|busy| busy == 0).unwrap_or(false)
}

/// What the thread does next.
fn next(s: &Signal, budget: &WalBudget) -> Option<Mode> {
    let new_commits = s.commits > s.checkpointed_at;
    // One PASSIVE per soft budget the log grows (or after it restarted): each costs two
    // fsyncs that compete with the writer's, so not one per commit.
    let grown = s.frames < s.passive_frames || s.frames - s.passive_frames >= budget.soft_frames;
    if s.frames >= budget.hard_frames && new_commits {
        Some(Mode::Restart)
    } else if s.frames >= budget.soft_frames && new_commits && grown {
        Some(Mode::Passive)
    } else {
        None
    }
}

fn run(conn: &Connection, shared: &Shared) {
    let budget = shared.budget;
    let mut s = shared.lock();
    loop {
        if s.closing {
            break;
        }
        if let Some(mode) = next(&s, &budget) {
            let upto = s.commits;
            s.checkpointed_at = upto;
            if mode == Mode::Passive {
                s.passive_frames = s.frames;
            }
            drop(s);
            let finished = checkpoint(conn, mode);
            s = shared.lock();
            match (mode, finished) {
                (_, false) => s.stats.busy += 1,
                (Mode::Passive, true) => s.stats.passive += 1,
                (Mode::Restart, true) => {
                    s.stats.restart += 1;
                    if s.commits == upto {
                        s.frames = 0;
                    }
                }
                (Mode::Truncate, true) => {
                    s.stats.truncate += 1;
                    if s.commits == upto {
                        s.frames = 0;
                    }
                    s.emptied_at = s.emptied_at.max(upto);
                }
            }
            s.done += 1;
            shared.wake.notify_all();
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
            s.checkpointed_at = before;
            drop(s);
            let finished = checkpoint(conn, Mode::Truncate);
            s = shared.lock();
            if finished {
                s.stats.truncate += 1;
                if s.commits == before {
                    s.frames = 0;
                }
                s.emptied_at = s.emptied_at.max(before);
            } else {
                // Busy: tried again after the next pause.
                s.stats.busy += 1;
            }
            s.done += 1;
            shared.wake.notify_all();
        }
    }
    drop(s);
    let _ = checkpoint(conn, Mode::Truncate);
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.lock().closing = true;
        self.shared.wake.notify_all();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
