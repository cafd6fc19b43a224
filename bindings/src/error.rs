//! The one error type apps see, with a typed code and what to do about it. Every case
//! carries its [`ErrorCode`] and the core's message in Vietnamese and English as fields;
//! `code()`, `action()`, `message_vi()` and `message_en()` read them from any case, so a
//! screen never switches on text. The codes, the code → action rule and every message are
//! the core's (`tungnha_core::error`); this module only converts.

use tungnha_core::error::{ErrorAction, ErrorCode};
use tungnha_core::problem::Problem;
use tungnha_core::sync::client::SyncError;
use tungnha_core::CoreError;

/// The stable code of an error, whichever layer raised it (the core's `ErrorCode`).
/// `error_action(code)` says what the app should do; `error_message_vi(code)` /
/// `error_message_en(code)` are the code's own messages, for an error that has no more
/// specific one.
#[uniffi::remote(Enum)]
pub enum ErrorCode {
    /// The input broke one or more rules; nothing was written (see the problems).
    Invalid,
    /// The record asked for is not on this device (or the id is not an id).
    NotFound,
    /// The database on the device was made by a newer version of the app.
    SchemaTooNew,
    /// The device's storage is full: nothing was written.
    DiskFull,
    /// The local database failed otherwise.
    Storage,
    /// A record stored on the device could not be read.
    StoredData,
    /// An encryption key was given to a build that cannot encrypt the database.
    EncryptionUnavailable,
    /// Sync needs an enrolled device.
    NotEnrolled,
    /// The server could not be reached, or its answer did not arrive whole.
    Network,
    /// The server's answer arrived but could not be read.
    UnreadableAnswer,
    /// The person cancelled the sync; what was already exchanged is kept.
    Cancelled,
    /// This app is too old for the server (it said so, or it answered in a newer format).
    UpdateRequired,
    /// No, unknown, expired or revoked token or enrolment code.
    Unauthorized,
    /// The server could not read the request, or it was too large.
    BadRequest,
    /// Too many attempts at an enrolment code: wait before trying again.
    TooManyAttempts,
    /// The server said this role or area may not do this (e.g. a code outside the
    /// leader's team).
    Forbidden,
    /// The server is busy or shutting down.
    Unavailable,
    /// The server failed.
    ServerError,
    /// A failure no layer expected (a bug), e.g. a Rust panic caught by the app.
    Unexpected,
}

/// What the app should do when a call fails (decided by the core from the code). Show
/// the error's message whatever the action.
#[uniffi::remote(Enum)]
pub enum ErrorAction {
    /// Show the problems next to their fields; the person corrects them and saves again.
    FixFields,
    /// Ask for an enrolment code (never enrolled, access revoked, or a wrong code).
    Enrol,
    /// Send the person to the app store.
    UpdateApp,
    /// Offer to try again later; pending work waits on the device.
    RetryLater,
    /// The device's storage is full: free some space, then try again.
    FreeSpace,
    /// Nothing the person can fix: tell the team leader or commune official.
    ContactLeader,
    /// Nothing to do but read the message (cancelled, or the record is gone).
    Dismiss,
}

// The code's methods, as functions: uniffi exports methods only on types of this crate.

/// What the app should do about an error with this code.
#[uniffi::export]
pub fn error_action(code: ErrorCode) -> ErrorAction {
    code.action()
}

/// The code's own message in Vietnamese.
#[uniffi::export]
pub fn error_message_vi(code: ErrorCode) -> String {
    code.message_vi().to_owned()
}

/// The code's own message in English.
#[uniffi::export]
pub fn error_message_en(code: ErrorCode) -> String {
    code.message_en().to_owned()
}

/// Why a call failed. The case groups what else it carries; `code` says exactly what went
/// wrong and decides what to do (`action()`).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum TungNhaError {
    /// The input broke one or more rules and nothing was written (code `Invalid`).
    /// `problems` holds every problem (errors and warnings) with its field and message.
    #[error("{message_vi} / {message_en}")]
    Validation { code: ErrorCode, message_vi: String, message_en: String, problems: Vec<Problem> },
    /// A record the call refers to is not on this device, or the id is not an id (code
    /// `NotFound`).
    #[error("{message_vi} / {message_en}")]
    NotFound { code: ErrorCode, message_vi: String, message_en: String, entity: String, id: String },
    /// Sync needs an enrolled device (code `NotEnrolled`).
    #[error("{message_vi} / {message_en}")]
    NotEnrolled { code: ErrorCode, message_vi: String, message_en: String },
    /// The exchange with the server failed on the way: `Network` (not reached; nothing is
    /// lost), `UnreadableAnswer`, or `UpdateRequired` (it answered in a newer format).
    #[error("{message_vi} / {message_en} [{detail}]")]
    Network { code: ErrorCode, message_vi: String, message_en: String, detail: String },
    /// The server refused, with its code (`UpdateRequired`, `Unauthorized`, `Forbidden`, `BadRequest`,
    /// `TooManyAttempts`, `Unavailable`, `ServerError`) and its messages.
    #[error("{message_vi} / {message_en} [HTTP {status}]")]
    ServerRefused { code: ErrorCode, message_vi: String, message_en: String, status: u16 },
    /// The caller cancelled the sync; what was already exchanged is kept (code `Cancelled`).
    #[error("{message_vi} / {message_en}")]
    Cancelled { code: ErrorCode, message_vi: String, message_en: String },
    /// The local database failed: `DiskFull`, `Storage`, `SchemaTooNew`, `StoredData`,
    /// `EncryptionUnavailable`.
    #[error("{message_vi} / {message_en} [{detail}]")]
    Storage { code: ErrorCode, message_vi: String, message_en: String, detail: String },
}

pub type Result<T, E = TungNhaError> = std::result::Result<T, E>;

#[uniffi::export]
impl TungNhaError {
    /// The stable code, whatever the case.
    pub fn code(&self) -> ErrorCode {
        self.parts().0
    }

    /// What the app should do about this error.
    pub fn action(&self) -> ErrorAction {
        self.code().action()
    }

    /// The message to show, in Vietnamese.
    pub fn message_vi(&self) -> String {
        self.parts().1.to_owned()
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        self.parts().2.to_owned()
    }
}

impl TungNhaError {
    fn parts(&self) -> (ErrorCode, &str, &str) {
        match self {
            Self::Validation { code, message_vi, message_en, .. }
            | Self::NotFound { code, message_vi, message_en, .. }
            | Self::NotEnrolled { code, message_vi, message_en }
            | Self::Network { code, message_vi, message_en, .. }
            | Self::ServerRefused { code, message_vi, message_en, .. }
            | Self::Cancelled { code, message_vi, message_en }
            | Self::Storage { code, message_vi, message_en, .. } => (*code, message_vi, message_en),
        }
    }
}

impl From<CoreError> for TungNhaError {
    fn from(e: CoreError) -> Self {
        let (code, message_vi, message_en) = (e.code(), e.message_vi(), e.message_en());
        match e {
            CoreError::Invalid(problems) => Self::Validation { code, message_vi, message_en, problems: problems.0 },
            CoreError::NotFound { entity, id } => Self::NotFound { code, message_vi, message_en, entity: entity.into(), id },
            e => Self::Storage { code, message_vi, message_en, detail: e.detail() },
        }
    }
}

impl From<SyncError> for TungNhaError {
    fn from(e: SyncError) -> Self {
        let (code, message_vi, message_en, detail) = (e.code(), e.message_vi(), e.message_en(), e.detail());
        match e {
            SyncError::NotEnrolled => Self::NotEnrolled { code, message_vi, message_en },
            SyncError::Server { status, .. } => Self::ServerRefused { code, message_vi, message_en, status },
            SyncError::Network(_) | SyncError::Codec(_) => Self::Network { code, message_vi, message_en, detail },
            SyncError::Cancelled => Self::Cancelled { code, message_vi, message_en },
            SyncError::Store(e) => e.into(),
        }
    }
}

/// Parse an id that crossed the boundary as a string. A string that is not an id names no
/// record, so it is reported as not found.
pub(crate) fn parse_id<T: std::str::FromStr>(entity: &'static str, id: &str) -> Result<T> {
    id.trim().parse().map_err(|_| CoreError::NotFound { entity, id: id.into() }.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tungnha_core::problem::{Problem as CoreProblem, ProblemCode, Problems};

    #[test]
    fn validation_keeps_every_problem_and_joins_the_errors() {
        let ps = Problems(vec![
            CoreProblem::error("phone", ProblemCode::PhoneBadLength, "Số điện thoại phải có 10 chữ số", "10 digits"),
            CoreProblem::warning("occurred_at", ProblemCode::OutsideCampaignWindow, "Ngoài đợt", "Outside"),
        ]);
        let e = TungNhaError::from(CoreError::Invalid(ps));
        assert_eq!((e.code(), e.action()), (ErrorCode::Invalid, ErrorAction::FixFields));
        let TungNhaError::Validation { message_vi, problems, .. } = e else { panic!("expected validation") };
        assert_eq!(message_vi, "Số điện thoại phải có 10 chữ số");
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].code, ProblemCode::PhoneBadLength);
        assert_eq!(problems[0].field, "phone");
    }

    #[test]
    fn a_refusal_crosses_with_the_servers_code_and_message() {
        let reply = |status, body: &str| SyncError::Server {
            status,
            code: tungnha_core::sync::ApiErrorCode::from_status(status),
            message_vi: body.into(),
            message_en: body.into(),
        };
        let e = TungNhaError::from(reply(426, "Hãy cập nhật ứng dụng"));
        assert!(matches!(e, TungNhaError::ServerRefused { code: ErrorCode::UpdateRequired, status: 426, .. }), "{e:?}");
        assert_eq!((e.action(), e.message_vi()), (ErrorAction::UpdateApp, "Hãy cập nhật ứng dụng".to_owned()));
        assert_eq!(TungNhaError::from(reply(503, "bận")).action(), ErrorAction::RetryLater);
        assert_eq!(TungNhaError::from(reply(401, "thu hồi")).action(), ErrorAction::Enrol);
    }

    #[test]
    fn every_sync_and_core_error_converts_with_the_cores_code_and_messages() {
        let core = || CoreError::SchemaTooNew { found: 9, supported: 5 };
        let cases: Vec<(SyncError, ErrorCode, ErrorAction)> = vec![
            (SyncError::NotEnrolled, ErrorCode::NotEnrolled, ErrorAction::Enrol),
            (SyncError::Network("reset".into()), ErrorCode::Network, ErrorAction::RetryLater),
            (SyncError::Codec(tungnha_core::sync::codec::CodecError::UnknownVersion(7)), ErrorCode::UpdateRequired, ErrorAction::UpdateApp),
            (SyncError::Codec(tungnha_core::sync::codec::CodecError::Corrupt("x")), ErrorCode::UnreadableAnswer, ErrorAction::RetryLater),
            (SyncError::Cancelled, ErrorCode::Cancelled, ErrorAction::Dismiss),
            (SyncError::Store(core()), ErrorCode::SchemaTooNew, ErrorAction::UpdateApp),
            (SyncError::Store(CoreError::EncryptionUnavailable), ErrorCode::EncryptionUnavailable, ErrorAction::ContactLeader),
        ];
        for (sync, code, action) in cases {
            let (vi, en) = (sync.message_vi(), sync.message_en());
            let e = TungNhaError::from(sync);
            assert_eq!((e.code(), e.action()), (code, action), "{e:?}");
            assert_eq!((e.message_vi(), e.message_en()), (vi, en));
            assert!(!e.message_vi().is_empty() && !e.message_en().is_empty());
        }
        assert!(
            matches!(TungNhaError::from(SyncError::Network("reset".into())), TungNhaError::Network { ref detail, .. } if detail == "reset")
        );
        assert!(matches!(TungNhaError::from(core()), TungNhaError::Storage { ref detail, .. } if detail == "schema 9 > 5"));
    }

    #[test]
    fn the_code_functions_are_the_cores() {
        for code in ErrorCode::ALL {
            assert_eq!(error_action(code), code.action());
            assert_eq!(error_message_vi(code), code.message_vi());
            assert_eq!(error_message_en(code), code.message_en());
        }
    }

    #[test]
    fn a_string_that_is_not_an_id_is_not_found() {
        let e = parse_id::<tungnha_core::ids::HouseholdId>("household", "nope").expect_err("not an id");
        assert_eq!((e.code(), e.action()), (ErrorCode::NotFound, ErrorAction::Dismiss));
        assert!(matches!(e, TungNhaError::NotFound { ref entity, ref id, .. } if entity == "household" && id == "nope"));
        assert!(e.message_vi().contains("hộ gia đình"), "{}", e.message_vi());
    }
}
