//! WAL checkpoints off the save path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses the threshold, so
//! every few hundred saves one save would take several times longer. A background
//! thread with its own connection runs PASSIVE checkpoints (they never block the writer
//! or readers) shortly after writes, and a final TRUNCATE when the store closes.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::Duration;

/// Wait this long after a write before checkpointing, so a burst of saves shares one.
const SETTLE: Duration = Duration::from_millis(200);

pub(super) struct Checkpointer {
    tx: Option<SyncSender<()>>,
    handle: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub fn start(path: &Path) -> rusqlite::Result<Self> {
        let conn = super::connect(path, false)?;
        let (tx, rx) = mpsc::sync_channel::<()>(1);
        let handle = std::thread::Builder::new()
            .name("tungnha-checkpoint".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    // Let the burst settle; a closed channel still gets its checkpoint.
                    let closed = loop {
                        match rx.recv_timeout(SETTLE) {
                            Ok(()) => continue,
                            Err(RecvTimeoutError::Timeout) => break false,
                            Err(RecvTimeoutError::Disconnected) => break true,
                        }
                    };
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    if closed {
                        break;
                    }
                }
            })
            .ok();
        Ok(Self { tx: Some(tx), handle })
    }

    /// Tell the thread there was a write (never blocks).
    pub fn nudge(&self) {
        if let Some(tx) = &self.tx {
            let _ = tx.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.tx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
