//! Where the server keeps its state: devices and enrolment codes, the op log, and the
//! merged records with their commit-ordered change sequence.
//!
//! Two backends implement [`Storage`] — embedded SQLite (the default: one file, one
//! writer) and PostgreSQL — and both run the same sync engine (`crate::engine`) over the
//! small transactional interface [`Tx`], so a rule lives once and both backends pass the
//! same tests. A backend only decides how to open a transaction, how to lock, and how to
//! give each record write its `change_seq` in commit order (see `docs/sync-protocol.md` §2).

pub mod postgres;
pub mod sqlite;

use crate::error::StoreError;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tungnha_core::hlc::Hlc;
use tungnha_core::ids::{DeviceId, HouseholdId, MemberId, OpId, TeamId};
use tungnha_core::store::outbox::{Entity, Op};
use tungnha_core::sync::{Change, RecordState, Rejection, Role};

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

/// Fault injection for tests: lets a test hold a sync's transaction open (after its ops
/// are applied, before its changes are numbered and committed) to provoke races.
#[derive(Clone, Default)]
pub struct TestHooks {
    /// Called once per sync that writes, with the pushing device; a returned duration is
    /// slept inside the open transaction.
    pub before_commit: Option<Arc<dyn Fn(DeviceId) -> Option<Duration> + Send + Sync>>,
}

impl TestHooks {
    pub(crate) fn delay_for(&self, device: DeviceId) -> Option<Duration> {
        self.before_commit.as_ref().and_then(|f| f(device))
    }
}

impl fmt::Debug for TestHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestHooks").field("before_commit", &self.before_commit.is_some()).finish()
    }
}

/// Open (and migrate) the configured database.
pub async fn open_storage(config: &DatabaseConfig, hooks: TestHooks) -> Result<Arc<dyn Storage>, StoreError> {
    Ok(match config {
        DatabaseConfig::Sqlite(path) => Arc::new(sqlite::SqliteStorage::open(path.clone(), hooks).await?),
        DatabaseConfig::Postgres(url) => Arc::new(postgres::PgStorage::connect(url, hooks).await?),
    })
}

/// An enrolled device: who it acts for and where. Every authenticated request carries one.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub device_id: DeviceId,
    pub role: Role,
    pub member_id: Option<MemberId>,
    pub team_id: Option<TeamId>,
    pub household_id: Option<HouseholdId>,
    /// The official's unit: a commune key for commune officials, a province key for
    /// province officials; for other roles the commune of their team or household.
    pub commune_key: Option<String>,
    /// The device's name as the app reported it at enrolment.
    pub name: String,
    /// The person the code was issued to, if named.
    pub holder_name: Option<String>,
    /// When the device was last enrolled (ms). Cursors carry it: a device enrolled again
    /// (perhaps with another scope) starts its pull over.
    pub enrolled_at_ms: i64,
    pub revoked: bool,
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

/// A code to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCode {
    pub code: String,
    pub grant: Grant,
    /// `cli` or the issuing device's id.
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A device redeeming a code.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrolment {
    pub device_id: DeviceId,
    pub device_name: String,
    pub token_sha256: String,
    pub at: DateTime<Utc>,
}

/// The key of a record.
pub type RecordKey = (Entity, String);

/// Where a record sits, for scope checks and pull filters. Set when the record is made
/// and never changed by updates (the fields they come from cannot be edited).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    pub commune_key: Option<String>,
    pub village_id: Option<String>,
    pub household_id: Option<String>,
    pub team_id: Option<String>,
    /// Visits only: the visit this one corrects.
    pub supersedes: Option<String>,
}

/// A record as the server keeps it: merge state plus placement.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub entity: Entity,
    pub id: String,
    pub state: RecordState,
    pub place: Placement,
}

/// One op's outcome in the op log; `rejection == None` means applied.
#[derive(Debug, Clone, PartialEq)]
pub struct OpLogEntry {
    pub op_id: OpId,
    pub device_id: DeviceId,
    pub seq: i64,
    pub content_hash: String,
    pub rejection: Option<Rejection>,
    pub at: DateTime<Utc>,
}

/// What a team was assigned: whole villages and single households.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeamTargets {
    pub villages: HashSet<String>,
    pub households: HashSet<String>,
}

impl TeamTargets {
    /// Whether a household (in `village`) is in the team's area.
    pub fn covers(&self, household: &str, village: Option<&str>) -> bool {
        self.households.contains(household) || village.is_some_and(|v| self.villages.contains(v))
    }
}

/// Work that makes existing records reappear in the change stream, because they just
/// came into someone's scope (a village or household was assigned to a team).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Touch {
    Village(String),
    Household(String),
}

/// Which records a device pulls, besides the global configuration every device gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PullFilter {
    /// A citizen: one household, its village, its people and facts, visits touching it.
    Household { household: String, village: Option<String> },
    /// A volunteer or leader: the team, its assignments and villages, and the households in scope.
    Team { team: String, villages: Vec<String>, households: Vec<String> },
    /// Officials: everything of these communes.
    Communes(Vec<String>),
    /// Server-side projections (the dashboard): every record.
    Everything,
}

/// One row of a pull query.
#[derive(Debug, Clone)]
pub(crate) struct PulledRow {
    pub entity: Entity,
    pub id: String,
    pub state: String,
    pub change_seq: i64,
}

/// The result of applying a request's ops.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PushOutcome {
    pub acks: Vec<OpId>,
    pub rejected: Vec<Rejection>,
    pub deferred: Vec<OpId>,
    /// Ops applied by this request (not counting re-acknowledged ones).
    pub applied: usize,
    pub(crate) touched: Vec<RecordKey>,
}

/// One page of changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PullPage {
    pub changes: Vec<Change>,
    /// The change sequence to continue after.
    pub next_seq: i64,
    pub more: bool,
    /// Bytes of state JSON in this page.
    pub bytes: usize,
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
    /// Use a code (single use, unexpired) and enrol the device; `None` if the code is
    /// unknown, used or expired. Re-enrolling a device keeps its sequence position.
    fn redeem_code(&self, code: String, enrolment: Enrolment) -> BoxFuture<'_, Result<Option<Device>, StoreError>>;
    fn device_by_token(&self, token_sha256: String) -> BoxFuture<'_, Result<Option<Device>, StoreError>>;
    /// Revoke a device's token; `false` if no such device.
    fn revoke(&self, device: DeviceId, at: DateTime<Utc>) -> BoxFuture<'_, Result<bool, StoreError>>;
    fn record(&self, entity: Entity, id: String) -> BoxFuture<'_, Result<Option<StoredRecord>, StoreError>>;
    fn team_targets(&self, team: String) -> BoxFuture<'_, Result<TeamTargets, StoreError>>;
    /// Apply a request's ops in one durable transaction (docs/sync-protocol.md §2, push).
    fn push(&self, device: Device, ops: Vec<Op>, now: DateTime<Utc>) -> BoxFuture<'_, Result<PushOutcome, StoreError>>;
    /// Changes in the device's scope after `after`, up to `max_bytes` of state JSON.
    fn pull(&self, device: Device, after: i64, max_bytes: usize) -> BoxFuture<'_, Result<PullPage, StoreError>>;
    /// Every record changed after `after` (no scope): for projections kept by the server
    /// itself, such as the dashboard's figures. Same paging and ordering as [`Self::pull`].
    fn changes(&self, after: i64, max_bytes: usize) -> BoxFuture<'_, Result<PullPage, StoreError>>;
    /// Every enrolled device, oldest enrolment first (for the operator).
    fn devices(&self) -> BoxFuture<'_, Result<Vec<Device>, StoreError>>;
}

/// What the sync engine needs from one open transaction. Implemented by both backends;
/// the engine (`crate::engine`) is written once against it.
pub(crate) trait Tx {
    /// The device's last applied seq, locking the device row for this transaction.
    async fn lock_device(&mut self, device: DeviceId) -> Result<i64, StoreError>;
    async fn set_last_seq(&mut self, device: DeviceId, seq: i64) -> Result<(), StoreError>;
    async fn op_log_get(&mut self, op: OpId) -> Result<Option<OpLogEntry>, StoreError>;
    async fn op_log_put(&mut self, entry: &OpLogEntry) -> Result<(), StoreError>;
    async fn record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError>;
    /// Read a record to change it, holding it against concurrent writers until commit.
    async fn lock_record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError>;
    /// Write a record (its change sequence is assigned at the end): insert it if `new`
    /// (it was absent when read), otherwise update it. `households` replaces the
    /// households the record touches (visits). A `new` record someone else created in
    /// the meantime is [`StoreError::Contended`].
    async fn put_record(&mut self, record: &StoredRecord, households: Option<&[String]>, new: bool) -> Result<(), StoreError>;
    async fn local_topics(&mut self) -> Result<HashSet<String>, StoreError>;
    async fn records_in_commune(&mut self, entity: Entity, commune: &str) -> Result<Vec<StoredRecord>, StoreError>;
    async fn team_targets(&mut self, team: &str) -> Result<TeamTargets, StoreError>;
    /// `(household, village)` of every household in these villages or among these ids.
    async fn households_in(&mut self, targets: &TeamTargets) -> Result<Vec<(String, Option<String>)>, StoreError>;
    /// Every commune key that records use.
    async fn communes(&mut self) -> Result<Vec<String>, StoreError>;
    /// Mark records for a new change sequence (see [`Touch`]); returns their keys.
    async fn touch(&mut self, touch: &Touch) -> Result<Vec<RecordKey>, StoreError>;
    async fn max_change_seq(&mut self) -> Result<i64, StoreError>;
    async fn pull_rows(&mut self, filter: &PullFilter, after: i64, upto: i64, limit: i64) -> Result<Vec<PulledRow>, StoreError>;
    /// Give every written record its change sequence, in commit order.
    async fn assign_change_seqs(&mut self, keys: &[RecordKey]) -> Result<(), StoreError>;
}

/// Stable text of an entity (as on the wire).
pub fn entity_text(e: Entity) -> &'static str {
    match e {
        Entity::Village => "village",
        Entity::Household => "household",
        Entity::Person => "person",
        Entity::Visit => "visit",
        Entity::SelfReport => "self_report",
        Entity::SkillVerification => "skill_verification",
        Entity::SkillCorrection => "skill_correction",
        Entity::Campaign => "campaign",
        Entity::Team => "team",
        Entity::Assignment => "assignment",
        Entity::LocalTopic => "local_topic",
        Entity::Conflict => "conflict",
    }
}

pub(crate) fn parse_entity(s: &str) -> Result<Entity, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| StoreError::Data(format!("unknown entity {s:?}")))
}

/// Stable text of a role (as on the wire).
pub fn role_text(r: Role) -> &'static str {
    match r {
        Role::Citizen => "citizen",
        Role::Volunteer => "volunteer",
        Role::TeamLeader => "team_leader",
        Role::CommuneOfficial => "commune_official",
        Role::ProvinceOfficial => "province_official",
    }
}

pub fn parse_role(s: &str) -> Option<Role> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

pub(crate) fn parse_id<T: std::str::FromStr>(s: Option<String>, what: &str) -> Result<Option<T>, StoreError> {
    s.map(|s| s.parse::<T>().map_err(|_| StoreError::Data(format!("stored {what} {s:?} is not an id")))).transpose()
}

pub(crate) fn state_text(state: &RecordState) -> Result<String, StoreError> {
    Ok(serde_json::to_string(state)?)
}

pub(crate) fn parse_state(text: &str) -> Result<RecordState, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Data(format!("stored record state: {e}")))
}

pub(crate) fn version_text(state: &RecordState) -> Option<String> {
    state.version().map(|h: Hlc| h.to_string())
}

pub(crate) fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
