//! The core's error type, and what every error that reaches a person means: a stable
//! [`ErrorCode`], what the app should do about it ([`ErrorAction`]), and the message in
//! Vietnamese and English. Callers (bindings, server) convert errors at their edge; the
//! texts and the code → action rule live here, once.

use crate::problem::Problems;
use serde::{Deserialize, Serialize};
use std::fmt;

pub type CoreResult<T> = Result<T, CoreError>;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Input broke one or more rules; nothing was written.
    Invalid(Problems),
    /// A referenced record does not exist (in this store, or in the caller's scope).
    NotFound { entity: &'static str, id: String },
    /// The database file was written by a newer app version.
    SchemaTooNew { found: i64, supported: i64 },
    /// SQLite failed (disk full, file corrupt, locked...).
    Storage(#[from] rusqlite::Error),
    /// A stored JSON payload could not be read or written.
    Encoding(#[from] serde_json::Error),
    /// An encryption key was given, but this build cannot encrypt the database (no
    /// SQLCipher yet): refused rather than ignored.
    EncryptionUnavailable,
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::Invalid(_) => ErrorCode::Invalid,
            CoreError::NotFound { .. } => ErrorCode::NotFound,
            CoreError::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            CoreError::Storage(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) => ErrorCode::DiskFull,
            CoreError::Storage(_) => ErrorCode::Storage,
            CoreError::Encoding(_) => ErrorCode::StoredData,
            CoreError::EncryptionUnavailable => ErrorCode::EncryptionUnavailable,
        }
    }

    /// What a person reads, in Vietnamese: the blocking problems for invalid input, the
    /// kind of record for one not found, the code's message otherwise.
    pub fn message_vi(&self) -> String {
        match self {
            CoreError::Invalid(ps) => joined(ps, |p| &p.message_vi).unwrap_or_else(|| self.code().message_vi().to_owned()),
            CoreError::NotFound { entity, id } => format!("Không tìm thấy {} trên máy này (mã {id})", entity_vi(entity)),
            _ => self.code().message_vi().to_owned(),
        }
    }

    /// The same in English.
    pub fn message_en(&self) -> String {
        match self {
            CoreError::Invalid(ps) => joined(ps, |p| &p.message_en).unwrap_or_else(|| self.code().message_en().to_owned()),
            CoreError::NotFound { entity, id } => format!("No {entity} {id} on this device"),
            _ => self.code().message_en().to_owned(),
        }
    }

    /// What only a developer needs, for logs and bug reports (the problems' fields and
    /// codes, the SQLite or JSON error, the schema versions); empty when there is nothing.
    pub fn detail(&self) -> String {
        match self {
            CoreError::Invalid(ps) => ps.to_string(),
            CoreError::SchemaTooNew { found, supported } => format!("schema {found} > {supported}"),
            CoreError::Storage(e) => e.to_string(),
            CoreError::Encoding(e) => e.to_string(),
            CoreError::NotFound { .. } | CoreError::EncryptionUnavailable => String::new(),
        }
    }
}

impl fmt::Display for CoreError {
    /// Both messages, then the detail.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        shown(f, &self.message_vi(), &self.message_en(), &self.detail())
    }
}

/// How errors print (logs, `{e}`): both messages, then the detail if any.
pub(crate) fn shown(f: &mut fmt::Formatter<'_>, vi: &str, en: &str, detail: &str) -> fmt::Result {
    write!(f, "{vi} / {en}")?;
    if detail.is_empty() {
        Ok(())
    } else {
        write!(f, " [{detail}]")
    }
}

/// The blocking problems' messages, joined; `None` when there is none.
fn joined(ps: &Problems, text: impl Fn(&crate::Problem) -> &String) -> Option<String> {
    let all: Vec<&str> = ps.errors().map(|p| text(p).as_str()).collect();
    (!all.is_empty()).then(|| all.join("; "))
}

/// The Vietnamese name of a kind of record, as [`CoreError::NotFound`] names it.
fn entity_vi(entity: &str) -> &'static str {
    match entity {
        "household" => "hộ gia đình",
        "person" => "người",
        "member" => "thành viên tổ",
        "team" => "tổ",
        "village" => "thôn, bản",
        "visit" => "buổi hướng dẫn",
        "campaign" => "đợt chiến dịch",
        "operation" => "thay đổi",
        "conflict" => "xung đột",
        "day" => "ngày",
        _ => "dữ liệu",
    }
}

/// Stable codes of every error that reaches an app, whichever layer raised it. Apps switch
/// on these (never on text), log them, and may map them to their own strings. Never
/// rename or reuse one; the snake_case spelling ([`ErrorCode::as_str`]) is stable too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // ---- the device
    /// The input broke one or more rules; nothing was written (see the problems).
    Invalid,
    /// The record asked for is not on this device (or the id is not an id).
    NotFound,
    /// The database on the device was made by a newer version of the app.
    SchemaTooNew,
    /// The device's storage is full: nothing was written.
    DiskFull,
    /// The local database failed otherwise (file unreadable, locked...).
    Storage,
    /// A record stored on the device could not be read.
    StoredData,
    /// An encryption key was given to a build that cannot encrypt the database.
    EncryptionUnavailable,
    // ---- sync, on the device's side
    /// Sync needs an enrolled device.
    NotEnrolled,
    /// The server could not be reached, or its answer did not arrive whole.
    Network,
    /// The server's answer arrived but could not be read.
    UnreadableAnswer,
    /// The person cancelled the sync; what was already exchanged is kept.
    Cancelled,
    // ---- refusals by the server (its `ApiErrorCode`), or an answer in a newer format
    /// This app is too old for the server.
    UpdateRequired,
    /// No, unknown, expired or revoked token or enrolment code.
    Unauthorized,
    /// The server could not read the request or it was too large.
    BadRequest,
    /// Too many attempts (enrolment codes): wait before trying again.
    TooManyAttempts,
    /// The server said this role or area may not do this (e.g. issue a code outside the
    /// leader's team).
    Forbidden,
    /// The server is busy, shutting down or unreachable behind its proxy.
    Unavailable,
    /// The server failed.
    ServerError,
    // ---- anything else
    /// A failure no layer expected (a bug); the bindings report Rust panics this way.
    Unexpected,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::Invalid,
        ErrorCode::NotFound,
        ErrorCode::SchemaTooNew,
        ErrorCode::DiskFull,
        ErrorCode::Storage,
        ErrorCode::StoredData,
        ErrorCode::EncryptionUnavailable,
        ErrorCode::NotEnrolled,
        ErrorCode::Network,
        ErrorCode::UnreadableAnswer,
        ErrorCode::Cancelled,
        ErrorCode::UpdateRequired,
        ErrorCode::Unauthorized,
        ErrorCode::BadRequest,
        ErrorCode::TooManyAttempts,
        ErrorCode::Forbidden,
        ErrorCode::Unavailable,
        ErrorCode::ServerError,
        ErrorCode::Unexpected,
    ];

    /// The code as logs and the wire spell it, e.g. `update_required`.
    pub fn as_str(self) -> String {
        // serde is the single source of the spelling.
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }

    /// What the app should do about an error with this code. The one place this is decided.
    pub fn action(self) -> ErrorAction {
        use ErrorAction as A;
        match self {
            ErrorCode::Invalid => A::FixFields,
            ErrorCode::NotEnrolled | ErrorCode::Unauthorized => A::Enrol,
            ErrorCode::UpdateRequired | ErrorCode::SchemaTooNew => A::UpdateApp,
            ErrorCode::Network
            | ErrorCode::UnreadableAnswer
            | ErrorCode::Unavailable
            | ErrorCode::ServerError
            | ErrorCode::TooManyAttempts => A::RetryLater,
            ErrorCode::DiskFull => A::FreeSpace,
            ErrorCode::Storage
            | ErrorCode::StoredData
            | ErrorCode::EncryptionUnavailable
            | ErrorCode::BadRequest
            | ErrorCode::Forbidden
            | ErrorCode::Unexpected => A::ContactLeader,
            ErrorCode::NotFound | ErrorCode::Cancelled => A::Dismiss,
        }
    }

    /// The code's message in Vietnamese: what an error says when it has nothing more
    /// specific (the server's own message, the problems, the record not found).
    pub fn message_vi(self) -> &'static str {
        match self {
            ErrorCode::Invalid => "Thông tin nhập chưa hợp lệ; hãy sửa các mục được đánh dấu",
            ErrorCode::NotFound => "Không tìm thấy dữ liệu này trên máy",
            ErrorCode::SchemaTooNew => "Dữ liệu trên máy do phiên bản ứng dụng mới hơn tạo ra; hãy cập nhật ứng dụng",
            ErrorCode::DiskFull => "Bộ nhớ máy đã đầy nên chưa lưu được; hãy xoá bớt ảnh, video hoặc ứng dụng không dùng rồi thử lại",
            ErrorCode::Storage => "Lỗi lưu trữ trên máy; hãy báo tổ trưởng hoặc cán bộ xã",
            ErrorCode::StoredData => "Dữ liệu lưu trên máy không đọc được; hãy báo tổ trưởng hoặc cán bộ xã",
            ErrorCode::EncryptionUnavailable => "Phiên bản này chưa hỗ trợ mã hoá cơ sở dữ liệu; hãy báo tổ trưởng hoặc cán bộ xã",
            ErrorCode::NotEnrolled => "Thiết bị chưa đăng ký; hãy nhập mã đăng ký",
            ErrorCode::Network => "Không kết nối được máy chủ; dữ liệu vẫn được giữ trên máy, hãy thử lại sau",
            ErrorCode::UnreadableAnswer => "Câu trả lời của máy chủ không đọc được; dữ liệu vẫn được giữ trên máy, hãy thử lại sau",
            ErrorCode::Cancelled => "Đã huỷ đồng bộ; những gì đã gửi và nhận vẫn được giữ",
            ErrorCode::UpdateRequired => "Phiên bản ứng dụng đã cũ, hãy cập nhật ứng dụng",
            ErrorCode::Unauthorized => "Thiết bị chưa đăng ký hoặc đã bị thu hồi quyền; hãy đăng ký lại bằng mã mới",
            ErrorCode::BadRequest => "Máy chủ không đọc được yêu cầu; hãy báo tổ trưởng hoặc cán bộ xã",
            ErrorCode::TooManyAttempts => "Thử quá nhiều lần; hãy đợi vài phút rồi thử lại",
            ErrorCode::Forbidden => "Bạn không có quyền làm việc này cho vai trò hoặc địa bàn đã chọn; hãy hỏi cán bộ xã",
            ErrorCode::Unavailable => "Máy chủ đang bận; dữ liệu vẫn an toàn trên máy, hãy thử lại sau ít phút",
            ErrorCode::ServerError => "Lỗi máy chủ; dữ liệu vẫn an toàn trên máy, hãy thử lại sau",
            ErrorCode::Unexpected => "Ứng dụng gặp lỗi không mong đợi; hãy báo tổ trưởng hoặc cán bộ xã",
        }
    }

    /// The code's message in English.
    pub fn message_en(self) -> &'static str {
        match self {
            ErrorCode::Invalid => "Some of the input is not valid; fix the marked fields",
            ErrorCode::NotFound => "Not found on this device",
            ErrorCode::SchemaTooNew => "The data on this device was written by a newer app version; update the app",
            ErrorCode::DiskFull => {
                "The phone's storage is full, so nothing was saved; delete some photos, videos or unused apps and try again"
            }
            ErrorCode::Storage => "Storage error on this device; tell your team leader or the commune official",
            ErrorCode::StoredData => "Data stored on this device could not be read; tell your team leader or the commune official",
            ErrorCode::EncryptionUnavailable => "This build cannot encrypt the database yet; tell your team leader or the commune official",
            ErrorCode::NotEnrolled => "This device is not enrolled; enter an enrolment code",
            ErrorCode::Network => "Could not reach the server; the data stays on this device, try again later",
            ErrorCode::UnreadableAnswer => "The server's answer could not be read; the data stays on this device, try again later",
            ErrorCode::Cancelled => "Sync cancelled; what was already sent and received is kept",
            ErrorCode::UpdateRequired => "This app version is too old; please update the app",
            ErrorCode::Unauthorized => "This device is not enrolled or its access was revoked; enrol it again with a new code",
            ErrorCode::BadRequest => "The server could not read the request; tell your team leader or the commune official",
            ErrorCode::TooManyAttempts => "Too many attempts; wait a few minutes and try again",
            ErrorCode::Forbidden => "You may not do this for the chosen role or area; ask the commune official",
            ErrorCode::Unavailable => "The server is busy; your data is safe on the phone, try again in a few minutes",
            ErrorCode::ServerError => "Server error; your data is safe on the phone, try again later",
            ErrorCode::Unexpected => "The app met an unexpected error; tell your team leader or the commune official",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// What the app should do when a call fails: the screens branch on this, and show the
/// error's message whatever the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorAction {
    /// Show the problems next to the fields they concern; the person corrects them and
    /// saves again. Nothing was written.
    FixFields,
    /// Ask for an enrolment code: the device was never enrolled, its access was revoked,
    /// or the code typed was wrong, used or expired.
    Enrol,
    /// Send the person to the app store: this version is too old for the server or for the
    /// data on the device.
    UpdateApp,
    /// Offer to try again later; nothing is lost, pending work waits on the device.
    RetryLater,
    /// The device's storage is full: free some space, then try again.
    FreeSpace,
    /// Nothing the person can fix: show the message and who to tell (the team leader or
    /// commune official, who pass it on); keep the code for the report.
    ContactLeader,
    /// Nothing to do but read the message: the person cancelled, or the record is no
    /// longer on the device (go back to the list).
    Dismiss,
}

impl ErrorAction {
    pub const ALL: [ErrorAction; 7] = [
        ErrorAction::FixFields,
        ErrorAction::Enrol,
        ErrorAction::UpdateApp,
        ErrorAction::RetryLater,
        ErrorAction::FreeSpace,
        ErrorAction::ContactLeader,
        ErrorAction::Dismiss,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{Problem, ProblemCode};

    #[test]
    fn every_code_has_both_messages_a_spelling_and_an_action() {
        let mut spellings = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(!code.message_vi().trim().is_empty() && !code.message_en().trim().is_empty(), "{code:?}");
            assert_ne!(code.message_vi(), code.message_en(), "{code:?}: the Vietnamese text is Vietnamese");
            assert!(spellings.insert(code.as_str()), "{code:?} spelled twice");
            assert_eq!(serde_json::from_value::<ErrorCode>(serde_json::json!(code.as_str())).expect("round trip"), code);
        }
        assert_eq!(ErrorCode::UpdateRequired.as_str(), "update_required");
        assert_eq!(ErrorCode::DiskFull.to_string(), "disk_full");
    }

    #[test]
    fn every_action_is_reached_by_some_code() {
        for action in ErrorAction::ALL {
            assert!(ErrorCode::ALL.iter().any(|c| c.action() == action), "{action:?} is never chosen");
        }
        assert_eq!(ErrorCode::Invalid.action(), ErrorAction::FixFields);
        assert_eq!(ErrorCode::Unauthorized.action(), ErrorAction::Enrol);
        assert_eq!(ErrorCode::SchemaTooNew.action(), ErrorAction::UpdateApp);
        assert_eq!(ErrorCode::Unavailable.action(), ErrorAction::RetryLater);
        assert_eq!(ErrorCode::DiskFull.action(), ErrorAction::FreeSpace);
        assert_eq!(ErrorCode::BadRequest.action(), ErrorAction::ContactLeader);
        assert_eq!(ErrorCode::Cancelled.action(), ErrorAction::Dismiss);
    }

    /// One of each variant, with its expected code.
    fn one_of_each() -> Vec<(CoreError, ErrorCode)> {
        let full = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL), None);
        let busy = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None);
        let json = serde_json::from_str::<u32>("x").expect_err("not a number");
        let problems = Problems(vec![Problem::error("phone", ProblemCode::PhoneBadLength, "Số điện thoại phải có 10 chữ số", "10 digits")]);
        vec![
            (CoreError::Invalid(problems), ErrorCode::Invalid),
            (CoreError::Invalid(Problems::new()), ErrorCode::Invalid),
            (CoreError::NotFound { entity: "household", id: "h1".into() }, ErrorCode::NotFound),
            (CoreError::NotFound { entity: "something new", id: "x".into() }, ErrorCode::NotFound),
            (CoreError::SchemaTooNew { found: 9, supported: 5 }, ErrorCode::SchemaTooNew),
            (CoreError::Storage(full), ErrorCode::DiskFull),
            (CoreError::Storage(busy), ErrorCode::Storage),
            (CoreError::Encoding(json), ErrorCode::StoredData),
            (CoreError::EncryptionUnavailable, ErrorCode::EncryptionUnavailable),
        ]
    }

    #[test]
    fn every_variant_has_its_code_and_non_empty_messages() {
        for (e, code) in one_of_each() {
            assert_eq!(e.code(), code, "{e:?}");
            assert!(!e.message_vi().trim().is_empty() && !e.message_en().trim().is_empty(), "{e:?}");
            let shown = e.to_string();
            assert!(shown.contains(&e.message_vi()) && shown.contains(&e.message_en()), "{shown}");
        }
    }

    #[test]
    fn specific_messages_say_what_is_wrong() {
        let mut all = one_of_each().into_iter().map(|(e, _)| e);
        let mut next = || all.next().expect("listed");
        let (invalid, empty, household, unknown) = (next(), next(), next(), next());
        assert_eq!(invalid.message_vi(), "Số điện thoại phải có 10 chữ số");
        assert_eq!(empty.message_vi(), ErrorCode::Invalid.message_vi(), "no problem listed: the code's message");
        assert_eq!(household.message_vi(), "Không tìm thấy hộ gia đình trên máy này (mã h1)");
        assert_eq!(household.message_en(), "No household h1 on this device");
        assert!(unknown.message_vi().starts_with("Không tìm thấy dữ liệu"), "{}", unknown.message_vi());
    }

    #[test]
    fn a_full_database_is_reported_as_disk_full() {
        // SQLite's own "database or disk is full", reached for real through a page limit.
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        conn.execute_batch("CREATE TABLE t (x BLOB); PRAGMA max_page_count = 3;").expect("setup");
        let err = conn.execute("INSERT INTO t VALUES (zeroblob(100000))", []).expect_err("full");
        let e = CoreError::from(err);
        assert_eq!(e.code(), ErrorCode::DiskFull, "{e}");
        assert_eq!(e.code().action(), ErrorAction::FreeSpace);
    }
}
