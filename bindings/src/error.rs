//! The one error type apps see. Each case is something an app can act on (show the
//! problems next to the fields, ask for enrolment, retry later, tell the person to update
//! the app...). Every case carries a stable `code`, and a message in Vietnamese and
//! English, as fields: Kotlin and Swift read `e.code` / `e.messageVi`, never parse a
//! string. The core's richer errors are converted here, at the edge.

use crate::model::Problem;
use tungnha_core::sync::client::SyncError;
use tungnha_core::CoreError;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum TungNhaError {
    /// The input broke one or more rules and nothing was written. `problems` holds every
    /// problem (errors and warnings) with its field, code and message.
    #[error("{message_vi} / {message_en}")]
    Validation { code: String, message_vi: String, message_en: String, problems: Vec<Problem> },
    /// A record the call refers to does not exist on this device (or the id is not an id).
    #[error("{message_vi} / {message_en}")]
    NotFound { code: String, message_vi: String, message_en: String, entity: String, id: String },
    /// Sync needs an enrolled device: ask for an enrolment code.
    #[error("{message_vi} / {message_en}")]
    NotEnrolled { code: String, message_vi: String, message_en: String },
    /// The server could not be reached (or its answer did not arrive whole). Nothing is
    /// lost: pending work stays on the device; try again later.
    #[error("{message_vi} / {message_en}")]
    Network { code: String, message_vi: String, message_en: String, detail: String },
    /// The server answered with a refusal. `code` is the server's stable code:
    /// `update_required` (update the app), `unauthorized` (enrol again), `bad_request`,
    /// `unavailable`, `internal`, or `refused` when the server gave none.
    #[error("{message_vi} / {message_en}")]
    ServerRefused { code: String, message_vi: String, message_en: String, status: u16 },
    /// The caller cancelled the sync; what was already exchanged is kept.
    #[error("{message_vi} / {message_en}")]
    Cancelled { code: String, message_vi: String, message_en: String },
    /// The local database failed: `storage` (disk full, file unreadable...),
    /// `schema_too_new` (made by a newer app: update), `stored_data` (a record could not be
    /// read), `encryption_unavailable` (an encryption key was given to a build without it).
    #[error("{message_vi} / {message_en}")]
    Storage { code: String, message_vi: String, message_en: String, detail: String },
}

pub type Result<T, E = TungNhaError> = std::result::Result<T, E>;

impl TungNhaError {
    pub(crate) fn not_found(entity: &str, id: &str) -> Self {
        Self::NotFound {
            code: "not_found".into(),
            message_vi: format!("Không tìm thấy dữ liệu ({entity} {id})"),
            message_en: format!("{entity} {id} not found"),
            entity: entity.into(),
            id: id.into(),
        }
    }

    pub(crate) fn storage(code: &str, vi: &str, en: &str, detail: String) -> Self {
        Self::Storage { code: code.into(), message_vi: vi.into(), message_en: en.into(), detail }
    }
}

impl From<CoreError> for TungNhaError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Invalid(problems) => {
                let errors = || problems.errors();
                let message_vi = errors().map(|p| p.message_vi.as_str()).collect::<Vec<_>>().join("; ");
                let message_en = errors().map(|p| p.message_en.as_str()).collect::<Vec<_>>().join("; ");
                Self::Validation {
                    code: "invalid".into(),
                    message_vi,
                    message_en,
                    problems: problems.0.into_iter().map(Problem::from).collect(),
                }
            }
            CoreError::NotFound { entity, id } => Self::not_found(entity, &id),
            e @ CoreError::SchemaTooNew { .. } => Self::storage(
                "schema_too_new",
                "Dữ liệu trên máy do phiên bản ứng dụng mới hơn tạo ra; hãy cập nhật ứng dụng",
                "The data on this device was written by a newer app version; update the app",
                e.to_string(),
            ),
            CoreError::Storage(e) => Self::storage("storage", "Lỗi lưu trữ trên máy", "Storage error on this device", e.to_string()),
            CoreError::Encoding(e) => {
                Self::storage("stored_data", "Dữ liệu lưu trên máy không đọc được", "Stored data could not be read", e.to_string())
            }
        }
    }
}

impl From<SyncError> for TungNhaError {
    fn from(e: SyncError) -> Self {
        let refused = |code: &str, status: u16, message_vi: String, message_en: String| Self::ServerRefused {
            code: code.into(),
            message_vi,
            message_en,
            status,
        };
        match e {
            SyncError::NotEnrolled => Self::NotEnrolled {
                code: "not_enrolled".into(),
                message_vi: "Thiết bị chưa đăng ký; hãy nhập mã đăng ký".into(),
                message_en: "This device is not enrolled; enter an enrolment code".into(),
            },
            SyncError::UpdateRequired { message_vi, message_en } => refused("update_required", 426, message_vi, message_en),
            SyncError::Unauthorized { message_vi, message_en } => refused("unauthorized", 401, message_vi, message_en),
            SyncError::Server { status, message_vi, message_en } => refused(server_code(status), status, message_vi, message_en),
            SyncError::Network(detail) => Self::Network {
                code: "network".into(),
                message_vi: "Không kết nối được máy chủ; dữ liệu vẫn được giữ trên máy, hãy thử lại sau".into(),
                message_en: "Could not reach the server; the data stays on this device, try again later".into(),
                detail,
            },
            SyncError::Codec(e) => Self::Network {
                code: "unreadable_answer".into(),
                message_vi: "Câu trả lời của máy chủ không đọc được; hãy thử lại sau".into(),
                message_en: "The server's answer could not be read; try again later".into(),
                detail: e.to_string(),
            },
            SyncError::Cancelled => {
                Self::Cancelled {
                    code: "cancelled".into(), message_vi: "Đã huỷ đồng bộ".into(), message_en: "Sync cancelled".into()
                }
            }
            SyncError::Store(e) => e.into(),
        }
    }
}

/// The server's code for a refusal the core reports only by status. (The core keeps the
/// codes `update_required` and `unauthorized`; the others are recovered from the status
/// the server documents for them.)
fn server_code(status: u16) -> &'static str {
    match status {
        400 => "bad_request",
        503 | 429 => "unavailable",
        500..=599 => "internal",
        _ => "refused",
    }
}

/// Parse an id that crossed the boundary as a string. A string that is not an id names no
/// record, so it is reported as not found.
pub(crate) fn parse_id<T: std::str::FromStr>(entity: &str, id: &str) -> Result<T> {
    id.trim().parse().map_err(|_| TungNhaError::not_found(entity, id))
}

pub(crate) fn parse_opt_id<T: std::str::FromStr>(entity: &str, id: Option<&str>) -> Result<Option<T>> {
    id.map(|s| parse_id(entity, s)).transpose()
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
        let TungNhaError::Validation { code, message_vi, problems, .. } = TungNhaError::from(CoreError::Invalid(ps)) else {
            panic!("expected validation")
        };
        assert_eq!(code, "invalid");
        assert_eq!(message_vi, "Số điện thoại phải có 10 chữ số");
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].code, "phone_bad_length");
        assert_eq!(problems[0].field, "phone");
    }

    #[test]
    fn sync_errors_keep_their_codes() {
        let e = TungNhaError::from(SyncError::UpdateRequired {
            message_vi: "Hãy cập nhật ứng dụng".into(), message_en: "Update".into()
        });
        assert!(matches!(e, TungNhaError::ServerRefused { ref code, status: 426, .. } if code == "update_required"));
        let e = TungNhaError::from(SyncError::Server { status: 503, message_vi: String::new(), message_en: String::new() });
        assert!(matches!(e, TungNhaError::ServerRefused { ref code, .. } if code == "unavailable"));
        assert!(matches!(TungNhaError::from(SyncError::NotEnrolled), TungNhaError::NotEnrolled { .. }));
        assert!(
            matches!(TungNhaError::from(SyncError::Network("reset".into())), TungNhaError::Network { ref detail, .. } if detail == "reset")
        );
    }

    #[test]
    fn a_string_that_is_not_an_id_is_not_found() {
        let e = parse_id::<tungnha_core::ids::HouseholdId>("household", "nope").expect_err("not an id");
        assert!(matches!(e, TungNhaError::NotFound { ref entity, ref id, .. } if entity == "household" && id == "nope"));
    }
}
