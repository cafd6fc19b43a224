//! Errors: [`StoreError`] inside the server, [`ApiFailure`] at the HTTP edge (a status and
//! the JSON [`ApiError`] with a stable code and Vietnamese/English messages).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use tungnha_core::sync::{ApiError, ApiErrorCode};

/// A storage failure. Never caused by a client's input: input problems are rejections.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("postgres pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("postgres setup: {0}")]
    PoolSetup(String),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("stored data is inconsistent: {0}")]
    Data(String),
    #[error("the database schema is version {found}, newer than this server ({supported}); update the server")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("background task failed: {0}")]
    Task(String),
    /// Two syncs wrote the same record at once; the later one is retried.
    #[error("concurrent write: {0}")]
    Contended(String),
    /// The device was revoked (or enrolled again) while its request was in flight.
    #[error("the device was revoked or enrolled again during the request")]
    DeviceRevoked,
}

impl StoreError {
    /// Whether trying again later may succeed (busy database, deadlock, lost connection).
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Pool(_) | StoreError::Contended(_) => true,
            StoreError::Postgres(e) => {
                use tokio_postgres::error::SqlState;
                e.is_closed()
                    || e.code().is_some_and(|c| {
                        *c == SqlState::T_R_DEADLOCK_DETECTED
                            || *c == SqlState::T_R_SERIALIZATION_FAILURE
                            || *c == SqlState::ADMIN_SHUTDOWN
                            || *c == SqlState::TOO_MANY_CONNECTIONS
                    })
                    // Two requests logged one op id at once (a phone and a copy of it):
                    // the retry finds the other's row and answers from it.
                    || e.as_db_error().is_some_and(|d| *d.code() == SqlState::UNIQUE_VIOLATION && d.constraint() == Some("op_log_pkey"))
            }
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
                matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            }
            _ => false,
        }
    }
}

/// A failed API request: what the client sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    pub status: StatusCode,
    pub error: ApiError,
}

impl ApiFailure {
    pub fn new(status: StatusCode, code: ApiErrorCode, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self { status, error: ApiError { code, message_vi: vi.into(), message_en: en.into() } }
    }

    /// A refusal that needs nothing more specific than its code: the code's own messages
    /// (the core's, the same a phone shows when an answer carries none).
    pub fn of(status: StatusCode, code: ApiErrorCode) -> Self {
        Self::new(status, code, code.message_vi(), code.message_en())
    }

    pub fn bad_request(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ApiErrorCode::BadRequest, vi, en)
    }

    /// The body could not be decoded.
    pub fn undecodable(detail: impl std::fmt::Display) -> Self {
        Self::bad_request(format!("Không đọc được yêu cầu: {detail}"), format!("The request could not be read: {detail}"))
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ApiErrorCode::BadRequest,
            format!("Yêu cầu quá lớn (tối đa {limit} byte); hãy đồng bộ thành nhiều lần"),
            format!("The request is too large (at most {limit} bytes); sync in smaller batches"),
        )
    }

    /// Too many ops in one sync request.
    pub fn too_many_ops(max: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ApiErrorCode::BadRequest,
            format!("Quá nhiều thao tác trong một lần đồng bộ (tối đa {max}); hãy cập nhật ứng dụng"),
            format!("Too many operations in one sync (at most {max}); update the app"),
        )
    }

    /// Enrolment attempts from this address are paused.
    pub fn too_many_attempts(seconds: u64) -> Self {
        let minutes = seconds.div_ceil(60);
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ApiErrorCode::TooManyAttempts,
            format!("Nhập sai mã quá nhiều lần; hãy thử lại sau {minutes} phút"),
            format!("Too many attempts; try again in {minutes} minutes"),
        )
    }

    pub fn unauthorized() -> Self {
        Self::of(StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthorized)
    }

    pub fn bad_code() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ApiErrorCode::Unauthorized,
            "Mã đăng ký không đúng, đã được dùng hoặc đã hết hạn; hãy xin mã mới",
            "The enrolment code is wrong, already used or expired; ask for a new code",
        )
    }

    /// Authenticated, but this role or scope may not do this.
    pub fn forbidden(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ApiErrorCode::Forbidden, vi, en)
    }

    pub fn update_required() -> Self {
        Self::of(StatusCode::UPGRADE_REQUIRED, ApiErrorCode::UpdateRequired)
    }

    pub fn unavailable() -> Self {
        Self::of(StatusCode::SERVICE_UNAVAILABLE, ApiErrorCode::Unavailable)
    }

    pub fn internal() -> Self {
        Self::of(StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal)
    }
}

impl From<StoreError> for ApiFailure {
    fn from(e: StoreError) -> Self {
        if matches!(e, StoreError::DeviceRevoked) {
            return Self::unauthorized();
        }
        if e.is_transient() {
            tracing::warn!(error = %e, "storage busy");
            Self::unavailable()
        } else {
            tracing::error!(error = %e, "storage failure");
            Self::internal()
        }
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        (self.status, Json(self.error)).into_response()
    }
}
