//! Enrolment, sync progress (a listener the app implements), cancellation, and what sync
//! leaves for people to look at: refused operations and conflicts.

use crate::model::{code_text, problems, Problem, Role};
use crate::time::instant;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime};
use tungnha_core::store as cs;
use tungnha_core::sync::client as core;

/// What this device is enrolled as (the device token stays inside the core).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Enrolment {
    pub role: Role,
    /// The team member this device acts as (volunteers, leaders).
    pub member_id: Option<String>,
    pub team_id: Option<String>,
    /// A citizen's own household.
    pub household_id: Option<String>,
    pub commune_key: Option<String>,
}

impl From<cs::Enrolment> for Enrolment {
    fn from(e: cs::Enrolment) -> Self {
        Self {
            role: e.role.into(),
            member_id: e.member_id.map(|m| m.to_string()),
            team_id: e.team_id.map(|t| t.to_string()),
            household_id: e.household_id.map(|h| h.to_string()),
            commune_key: e.commune_key,
        }
    }
}

/// Where a sync is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SyncPhase {
    Sending,
    Applying,
    /// A round trip failed and will be tried again after a pause.
    Retrying,
    Done,
}

/// Progress, reported after every step.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncProgress {
    pub phase: Option<SyncPhase>,
    pub round_trips: u32,
    pub ops_sent: u32,
    pub ops_acked: u32,
    pub ops_rejected: u32,
    /// Local changes still waiting for the server.
    pub ops_pending: u64,
    pub changes_received: u32,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

impl From<&core::SyncProgress> for SyncProgress {
    fn from(p: &core::SyncProgress) -> Self {
        Self {
            phase: p.phase.map(|ph| match ph {
                core::SyncPhase::Sending => SyncPhase::Sending,
                core::SyncPhase::Applying => SyncPhase::Applying,
                core::SyncPhase::Retrying => SyncPhase::Retrying,
                core::SyncPhase::Done => SyncPhase::Done,
            }),
            round_trips: p.round_trips,
            ops_sent: p.ops_sent,
            ops_acked: p.ops_acked,
            ops_rejected: p.ops_rejected,
            ops_pending: p.ops_pending,
            changes_received: p.changes_received,
            bytes_sent: p.bytes_sent,
            bytes_received: p.bytes_received,
        }
    }
}

/// The result of one sync.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncReport {
    pub progress: SyncProgress,
    /// Pulled records this app version could not read (update the app to see them).
    pub skipped: u32,
}

impl From<core::SyncReport> for SyncReport {
    fn from(r: core::SyncReport) -> Self {
        Self { progress: (&r.progress).into(), skipped: r.skipped }
    }
}

/// Tuning for slow links; every `None` keeps the core's default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, uniffi::Record)]
pub struct SyncSettings {
    /// Retries of one round trip after a network failure or an unavailable server.
    #[uniffi(default = None)]
    pub retries: Option<u32>,
    /// The first pause before a retry; it doubles at each retry.
    #[uniffi(default = None)]
    pub first_backoff_ms: Option<u32>,
    /// Bound on each whole request (keep it generous on 2G).
    #[uniffi(default = None)]
    pub timeout_seconds: Option<u32>,
}

/// Receives sync progress, on the thread that runs the sync (post to the UI yourself).
#[uniffi::export(with_foreign)]
pub trait SyncListener: Send + Sync {
    fn on_progress(&self, progress: SyncProgress);
}

/// Forwards the core's progress to the app's listener. A listener that throws must not
/// abort a sync halfway (the data matters more than the progress bar): its failure is
/// contained here.
pub(crate) struct Forward(pub Arc<dyn SyncListener>);

impl core::SyncListener for Forward {
    fn on_progress(&self, progress: &core::SyncProgress) {
        let p = SyncProgress::from(progress);
        let _ = catch_unwind(AssertUnwindSafe(|| self.0.on_progress(p)));
    }
}

/// A cancel button for one sync: `cancel()` from any thread stops the sync before its
/// next round trip, and cuts short a pause between retries. Once cancelled it stays
/// cancelled: make a new one for the next sync.
#[derive(Debug, Default, uniffi::Object)]
pub struct SyncCancel {
    token: core::CancelToken,
    lock: Mutex<()>,
    wake: Condvar,
}

#[uniffi::export]
impl SyncCancel {
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn cancel(&self) {
        self.token.cancel();
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        self.wake.notify_all();
    }

    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

impl SyncCancel {
    pub(crate) fn token(&self) -> &core::CancelToken {
        &self.token
    }

    /// Wait `d`, or less if cancelled meanwhile.
    pub(crate) fn sleep(&self, d: Duration) {
        let guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let _ = self.wake.wait_timeout_while(guard, d, |_| !self.token.is_cancelled());
    }
}

/// The core's sync options with the app's settings and an interruptible pause.
pub(crate) fn options(settings: Option<SyncSettings>, cancel: &Arc<SyncCancel>) -> core::SyncOptions {
    let s = settings.unwrap_or_default();
    let defaults = core::SyncOptions::default();
    let cancel = Arc::clone(cancel);
    core::SyncOptions {
        retries: s.retries.unwrap_or(defaults.retries),
        backoff: s.first_backoff_ms.map_or(defaults.backoff, |ms| Duration::from_millis(ms.into())),
        sleep: Arc::new(move |d| cancel.sleep(d)),
        ..defaults
    }
}

mirror_enum!(
    /// Why the server refused one operation.
    RejectCode => tungnha_core::sync::RejectCode {
        /// The device's role or scope does not allow writing this record.
        OutOfScope,
        /// The record breaks a validation rule (see `problems`).
        Invalid,
        /// This operation id was seen before with different content.
        OpIdReused,
        /// The operation refers to a record the server does not have.
        UnknownRecord,
    }
);

/// An operation the server refused. It is kept (never silently dropped) until someone
/// looks at it and discards it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RejectedOp {
    pub op_id: String,
    /// What it changed: `visit`, `household`, `person`...
    pub entity: String,
    pub entity_id: String,
    /// `create`, `update`, `append` or `delete`.
    pub kind: String,
    pub code: RejectCode,
    pub message_vi: String,
    pub message_en: String,
    pub problems: Vec<Problem>,
    pub rejected_at: SystemTime,
}

impl From<cs::RejectedOp> for RejectedOp {
    fn from(r: cs::RejectedOp) -> Self {
        Self {
            op_id: r.op_id.to_string(),
            entity: code_text(r.entity),
            entity_id: r.entity_id,
            kind: code_text(r.kind),
            code: r.code.into(),
            message_vi: r.message_vi,
            message_en: r.message_en,
            problems: problems(r.problems),
            rejected_at: instant(r.rejected_at),
        }
    }
}

/// Two people changed the same identity field (a name, a birth year) without seeing each
/// other's change. The value with the later timestamp is kept; a team leader decides.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Conflict {
    pub id: String,
    pub entity: String,
    pub entity_id: String,
    pub field: String,
    /// The kept value, as text (JSON for anything that is not a string).
    pub kept: String,
    /// The other value, as text.
    pub other: String,
    pub resolved: bool,
}

fn value_text(v: serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

impl From<cs::ConflictRecord> for Conflict {
    fn from(c: cs::ConflictRecord) -> Self {
        Self {
            id: c.id,
            entity: code_text(c.entity),
            entity_id: c.entity_id,
            field: c.field,
            kept: value_text(c.kept),
            other: value_text(c.other),
            resolved: c.resolved,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn cancel_cuts_a_retry_pause_short() {
        let cancel = SyncCancel::new();
        let c = Arc::clone(&cancel);
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            c.cancel();
        });
        let start = Instant::now();
        cancel.sleep(Duration::from_secs(30));
        assert!(start.elapsed() < Duration::from_secs(10), "the pause ended at cancel, not after 30 s");
        assert!(cancel.is_cancelled());
        t.join().expect("thread");
    }

    #[test]
    fn a_failing_listener_does_not_escape() {
        struct Boom;
        impl SyncListener for Boom {
            fn on_progress(&self, _: SyncProgress) {
                panic!("listener bug");
            }
        }
        let f = Forward(Arc::new(Boom));
        core::SyncListener::on_progress(&f, &core::SyncProgress::default());
    }
}
