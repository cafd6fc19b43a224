//! The core's error type. Callers (bindings, server) convert it at their edge.

use crate::problem::Problems;

pub type CoreResult<T> = Result<T, CoreError>;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Input broke one or more rules; nothing was written.
    #[error("dữ liệu không hợp lệ / invalid input: {0}")]
    Invalid(Problems),
    /// A referenced record does not exist (in this store, or in the caller's scope).
    #[error("không tìm thấy {entity} {id} / {entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    /// The database file was written by a newer app version.
    #[error("cơ sở dữ liệu mới hơn ứng dụng (phiên bản {found} > {supported}); hãy cập nhật ứng dụng / database is newer than this app (schema {found} > {supported}); update the app")]
    SchemaTooNew { found: i64, supported: i64 },
    /// SQLite failed (disk full, file corrupt, locked...).
    #[error("lỗi lưu trữ / storage error: {0}")]
    Storage(#[from] rusqlite::Error),
    /// A stored JSON payload could not be read or written.
    #[error("lỗi dữ liệu lưu trữ / stored data error: {0}")]
    Encoding(#[from] serde_json::Error),
}
