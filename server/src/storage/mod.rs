//! Where the server keeps its state: devices and enrolment codes, the op log, and the
//! merged records with their commit-ordered change numbers.
//!
//! Two backends — embedded SQLite (the default: one file, one writer) and PostgreSQL —
//! implement the engine's transaction port ([`crate::engine::ports::Tx`]) with the same
//! SQL ([`sql`]), and the object-safe [`Storage`] the HTTP layer uses. A backend decides
//! only how to open a transaction, how to lock, and how to number changes in commit order
//! (see `docs/sync-protocol.md` §2); every rule is the engine's.

pub mod migrate;
pub mod postgres;
pub mod sql;
pub mod sqlite;

use crate::engine::ports::{Device, PushOutcome, StoredRecord, TeamTargets, TestHooks};
use crate::engine::pull::PullPage;
use crate::error::StoreError;
use chrono::{DateTime, Utc};
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use tungnha_core::ids::{DeviceId, HouseholdId, MemberId, TeamId};
use tungnha_core::sync::protocol::{Entity, Op};
use tungnha_core::sync::{Cursor, Role};

pub use crate::engine::ports::{parse_role, role_text};

/// A boxed, sendable future: what [`Storage`] methods return (keeps the trait object-safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Which database to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseConfig {
    /// An embedded SQLite file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, e.g. `postgres://user@host:5432/db`.
    Postgres(String),
}

/// Open (and migrate) the configured database.
pub async fn open_storage(config: &DatabaseConfig, hooks: TestHooks) -> Result<Arc<dyn Storage>, StoreError> {
    Ok(match config {
        DatabaseConfig::Sqlite(path) => Arc::new(sqlite::SqliteStorage::open(path.clone(), hooks).await?),
        DatabaseConfig::Postgres(url) => Arc::new(postgres::PgStorage::connect(url, hooks).await?),
    })
}

/// What an enrolment code grants the device that redeems it.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub role: Role,
    pub member_id: Option<MemberId>,
    pub team_id: Option<TeamId>,
    pub household_id: Option<HouseholdId>,
    pub commune_key: Option<String>,
    pub holder_name: Option<String>,
}

/// A code to store (only its hash is kept).
#[derive(Debug, Clone, PartialEq)]
pub struct NewCode {
    pub code_sha256: String,
    pub grant: Grant,
    /// `cli` or the issuing device's id.
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A device redeeming a code.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrolment {
    /// The id the device asked for.
    pub device_id: DeviceId,
    pub device_name: String,
    pub token_sha256: String,
    /// The hash of the token the device presented, if any: proof that it is the device
    /// already enrolled under `device_id` (a phone enrolling again).
    pub proof_sha256: Option<String>,
    pub at: DateTime<Utc>,
}

/// The id a redeeming device gets: the one it asked for when that id is free or the
/// device proved it holds its token; otherwise a fresh one. Enrolment never takes over
/// another device's id (device ids are visible to every phone in record versions).
pub fn enrolled_id(requested: DeviceId, current_token: Option<&str>, proof: Option<&str>) -> DeviceId {
    match current_token {
        None => requested,
        Some(token) if proof == Some(token) => requested,
        Some(_) => DeviceId::new(),
    }
}

/// The server's storage. Object-safe (`Arc<dyn Storage>`); both backends implement it by
/// running the shared engine inside their own transactions.
pub trait Storage: Send + Sync + fmt::Debug {
    /// `sqlite` or `postgres`.
    fn kind(&self) -> &'static str;
    /// A random id made when the database was created; cursors carry it, so a cursor
    /// from another database (or a database recreated from scratch) starts over.
    fn server_id(&self) -> &str;
    fn ping(&self) -> BoxFuture<'_, Result<(), StoreError>>;
    /// Store a new code; `false` if the code already exists (the caller draws another).
    fn insert_code(&self, code: NewCode) -> BoxFuture<'_, Result<bool, StoreError>>;
    /// Use a code (single use, unexpired, its issuer not revoked) and enrol the device
    /// ([`enrolled_id`] decides its id); `None` if the code is unusable.
    fn redeem_code(&self, code_sha256: String, enrolment: Enrolment) -> BoxFuture<'_, Result<Option<Device>, StoreError>>;
    fn device_by_token(&self, token_sha256: String) -> BoxFuture<'_, Result<Option<Device>, StoreError>>;
    /// Revoke a device's token; `false` if no such device.
    fn revoke(&self, device: DeviceId, at: DateTime<Utc>) -> BoxFuture<'_, Result<bool, StoreError>>;
    fn record(&self, entity: Entity, id: String) -> BoxFuture<'_, Result<Option<StoredRecord>, StoreError>>;
    fn team_targets(&self, team: String) -> BoxFuture<'_, Result<TeamTargets, StoreError>>;
    /// Apply a request's ops in one durable transaction (docs/sync-protocol.md §2, push).
    fn push(&self, device: Device, ops: Vec<Op>, now: DateTime<Utc>) -> BoxFuture<'_, Result<PushOutcome, StoreError>>;
    /// Changes in the device's scope after `cursor`, up to `max_bytes` of state JSON.
    fn pull(&self, device: Device, cursor: Cursor, max_bytes: usize) -> BoxFuture<'_, Result<PullPage, StoreError>>;
    /// Every record changed after `cursor` (no scope): for projections kept by the server
    /// itself, such as the dashboard's figures. Same paging and ordering as [`Self::pull`].
    fn changes(&self, cursor: Cursor, max_bytes: usize) -> BoxFuture<'_, Result<PullPage, StoreError>>;
    /// Every enrolled device, oldest enrolment first (for the operator).
    fn devices(&self) -> BoxFuture<'_, Result<Vec<Device>, StoreError>>;
}

pub(crate) fn parse_id<T: std::str::FromStr>(s: Option<String>, what: &str) -> Result<Option<T>, StoreError> {
    s.map(|s| s.parse::<T>().map_err(|_| StoreError::Data(format!("stored {what} {s:?} is not an id")))).transpose()
}

pub(crate) fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A device from the columns of [`sql::DEVICE_COLUMNS`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn device_from_parts(
    device_id: String,
    role: String,
    member_id: Option<String>,
    team_id: Option<String>,
    household_id: Option<String>,
    commune_key: Option<String>,
    name: String,
    holder_name: Option<String>,
    enrolled_at_ms: i64,
    revoked_at_ms: Option<i64>,
) -> Result<Device, StoreError> {
    Ok(Device {
        device_id: parse_id(Some(device_id), "device id")?.ok_or_else(|| StoreError::Data("device without id".into()))?,
        role: parse_role(&role).ok_or_else(|| StoreError::Data(format!("device with unknown role {role:?}")))?,
        member_id: parse_id(member_id, "member id")?,
        team_id: parse_id(team_id, "team id")?,
        household_id: parse_id(household_id, "household id")?,
        commune_key,
        name,
        holder_name,
        enrolled_at_ms,
        revoked: revoked_at_ms.is_some(),
    })
}
