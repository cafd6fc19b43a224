//! Enrolment, sync progress (a listener the app implements), cancellation, and what sync
//! leaves for people to look at: refused operations and conflicts. The core's progress,
//! report, refused operations and conflicts cross as remote types; the enrolment and the
//! settings are hand-made (see each).

use crate::model::{code_text, from_code_text};
use crate::time::Timestamp;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tungnha_core::ids::{HouseholdId, MemberId, OpId, TeamId};
use tungnha_core::problem::Problem;
use tungnha_core::store::{self as cs, ConflictRecord, RejectedOp};
use tungnha_core::sync::client::{self as core, SyncPhase, SyncProgress, SyncReport};
use tungnha_core::sync::protocol::{Entity, OpKind};
use tungnha_core::sync::{RejectCode, Role};

/// What this device is enrolled as.
///
/// Hand-made: the core's `Enrolment` also holds the device token, which stays inside the
/// core.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Enrolment {
    pub role: Role,
    /// The team member this device acts as (volunteers, leaders).
    pub member_id: Option<MemberId>,
    pub team_id: Option<TeamId>,
    /// A citizen's own household.
    pub household_id: Option<HouseholdId>,
    pub commune_key: Option<String>,
    /// The server the device enrolled with, when known (enrolled from a QR code or with
    /// `enrol_scanned`).
    pub server_url: Option<String>,
}

impl From<cs::Enrolment> for Enrolment {
    fn from(e: cs::Enrolment) -> Self {
        Self {
            role: e.role,
            member_id: e.member_id,
            team_id: e.team_id,
            household_id: e.household_id,
            commune_key: e.commune_key,
            server_url: e.server_url,
        }
    }
}

/// Where a sync is.
#[uniffi::remote(Enum)]
pub enum SyncPhase {
    Sending,
    Applying,
    /// A round trip failed and will be tried again after a pause.
    Retrying,
    Done,
}

/// Progress, reported after every step.
#[uniffi::remote(Record)]
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

/// The result of one sync.
#[uniffi::remote(Record)]
pub struct SyncReport {
    pub progress: SyncProgress,
    /// Pulled records this app version could not read (update the app to see them).
    pub skipped: u32,
    /// Households forgotten because this device's scope shrank.
    pub purged: u32,
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
    fn on_progress(&self, progress: &SyncProgress) {
        let p = progress.clone();
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

/// Why the server refused one operation.
#[uniffi::remote(Enum)]
pub enum RejectCode {
    /// The device's role or scope does not allow writing this record.
    OutOfScope,
    /// The record breaks a validation rule (see `problems`).
    Invalid,
    /// This operation id was seen before with different content.
    OpIdReused,
    /// The operation refers to a record the server does not have.
    UnknownRecord,
}

/// What kind of record an operation or conflict is about, as its snake_case name
/// (`visit`, `household`, `person`...).
pub type RecordKind = Entity;
uniffi::custom_type!(RecordKind, String, {
    remote,
    lower: |e| code_text(e),
    try_lift: |s| Ok(from_code_text(s)?),
});

// What an operation does, as its name: `create`, `update`, `append` or `delete`.
uniffi::custom_type!(OpKind, String, {
    remote,
    lower: |k| code_text(k),
    try_lift: |s| Ok(from_code_text(s)?),
});

/// A value in a conflict, as text: a string as it is, anything else as JSON.
pub type FieldValue = serde_json::Value;
uniffi::custom_type!(FieldValue, String, {
    remote,
    lower: |v| match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    },
    try_lift: |s| Ok(serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s))),
});

/// An operation the server refused. It is kept (never silently dropped) until someone
/// looks at it and discards it.
#[uniffi::remote(Record)]
pub struct RejectedOp {
    pub op_id: OpId,
    /// What it changed: `visit`, `household`, `person`...
    pub entity: RecordKind,
    pub entity_id: String,
    /// `create`, `update`, `append` or `delete`.
    pub kind: OpKind,
    pub code: RejectCode,
    pub message_vi: String,
    pub message_en: String,
    pub problems: Vec<Problem>,
    pub rejected_at: Timestamp,
}

/// Two people changed the same identity field (a name, a birth year) without seeing each
/// other's change. The value with the later timestamp is kept; a team leader decides.
pub type Conflict = ConflictRecord;
#[uniffi::remote(Record)]
pub struct Conflict {
    pub id: String,
    pub entity: RecordKind,
    pub entity_id: String,
    pub field: String,
    /// The kept value, as text (JSON for anything that is not a string).
    pub kept: FieldValue,
    /// The other value, as text.
    pub other: FieldValue,
    pub resolved: bool,
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
    fn conflict_values_cross_as_text() {
        use uniffi::Lower;
        let text = |v: FieldValue| {
            let buf = <FieldValue as Lower<crate::UniFfiTag>>::lower(v);
            <String as uniffi::Lift<crate::UniFfiTag>>::try_lift(buf).expect("text")
        };
        assert_eq!(text(serde_json::json!("Lò Văn Pánh")), "Lò Văn Pánh", "a string as it is");
        assert_eq!(text(serde_json::json!(1968)), "1968");
        assert_eq!(text(serde_json::json!(null)), "null");
        assert_eq!(code_text(Entity::SelfReport), "self_report");
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
        core::SyncListener::on_progress(&f, &SyncProgress::default());
    }
}
