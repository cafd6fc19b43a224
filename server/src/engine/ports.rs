//! What the sync engine needs from a database, and the values it passes through it. The
//! engine owns these ports; the backends in `crate::storage` implement [`Tx`] and never
//! call back into the engine's rules (the way matrix-sdk-base owns `StateStore`).

use crate::error::StoreError;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use tungnha_core::hlc::Hlc;
use tungnha_core::ids::{DeviceId, HouseholdId, MemberId, OpId, TeamId};
use tungnha_core::sync::protocol::Entity;
use tungnha_core::sync::{Rejection, Role};

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

/// A device's row as a writing transaction sees it (locked until commit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceRow {
    pub last_seq: i64,
    pub enrolled_at_ms: i64,
    pub revoked: bool,
}

/// The pull partition of configuration every enrolled device receives (campaigns,
/// local topics).
pub const CONFIG_SCOPE: &str = "*";

/// Where a record sits: decided by the server from records it already holds, never taken
/// from the sender, and never changed after the record is made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    /// The commune the record belongs to; for configuration, the unit (commune or
    /// province) of the official who made it, who alone with their superiors may change it.
    pub unit: Option<String>,
    /// Today's province of `unit` (province officials pull by it).
    pub province: Option<String>,
    pub village_id: Option<String>,
    pub household_id: Option<String>,
    pub team_id: Option<String>,
    /// Visits: the households and villages of everyone present (who may see the session).
    pub touches: Vec<String>,
}

impl Placement {
    /// The pull partition: [`CONFIG_SCOPE`] for configuration, else the commune.
    pub fn scope(&self, entity: Entity) -> String {
        if is_config(entity) {
            CONFIG_SCOPE.to_owned()
        } else {
            self.unit.clone().unwrap_or_default()
        }
    }

    pub fn touches_text(&self) -> String {
        self.touches.join(" ")
    }
}

/// Configuration every device receives, owned by the unit that made it.
pub fn is_config(entity: Entity) -> bool {
    matches!(entity, Entity::Campaign | Entity::LocalTopic)
}

/// A record as the server keeps it: merge state plus placement.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub entity: Entity,
    pub id: String,
    pub state: tungnha_core::sync::RecordState,
    pub place: Placement,
}

/// A record to create: its canonical fields as JSON text (all of them at `version`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    pub entity: Entity,
    pub id: String,
    pub version: Hlc,
    pub fields: String,
    pub place: Placement,
}

/// The key of a record.
pub type RecordKey = (Entity, String);

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

/// What a team was given: whole villages and single households.
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

/// One slice of the change index a pull walks in change order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Partition {
    /// Records of one commune, or configuration ([`CONFIG_SCOPE`]).
    Scope(String),
    /// Records of every commune of one (today's) province.
    Province(String),
    /// Every record (server-side projections).
    All,
}

/// One row of a walk of the change index: a record's placement, without its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRow {
    pub entity: Entity,
    pub id: String,
    pub change_seq: i64,
    pub scope: String,
    pub village_id: Option<String>,
    pub household_id: Option<String>,
    pub team_id: Option<String>,
    /// Space-separated ids (see [`Placement::touches`]).
    pub touches: String,
}

/// A record's state as pulls send it.
#[derive(Debug, Clone, PartialEq)]
pub struct PulledState {
    /// The record's fields, canonical JSON text.
    pub fields: String,
    pub version: Option<Hlc>,
    pub deleted: bool,
}

/// One open transaction. Both backends implement it; the engine (`crate::engine`) is
/// written once against it. Reads of a writing transaction see its own writes.
#[allow(async_fn_in_trait)]
pub trait Tx {
    /// The device's row, locked for this transaction (`None` if unknown).
    async fn device_row(&mut self, device: DeviceId) -> Result<Option<DeviceRow>, StoreError>;
    async fn set_last_seq(&mut self, device: DeviceId, seq: i64) -> Result<(), StoreError>;
    /// The op log's entries for these ops (those it has).
    async fn op_log_many(&mut self, ops: &[OpId]) -> Result<Vec<OpLogEntry>, StoreError>;
    async fn op_log_put(&mut self, entry: &OpLogEntry) -> Result<(), StoreError>;
    /// Several op log rows at once (one statement where the database allows).
    async fn op_log_put_many(&mut self, entries: &[OpLogEntry]) -> Result<(), StoreError>;
    /// Which of these records do not exist (deleted ones exist).
    async fn missing(&mut self, keys: &[RecordKey]) -> Result<Vec<RecordKey>, StoreError>;
    /// Where a record sits, without reading its state.
    async fn placement(&mut self, entity: Entity, id: &str) -> Result<Option<(Placement, bool)>, StoreError>;
    async fn record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError>;
    /// Read a record to change it, holding it against concurrent writers until commit.
    async fn lock_record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError>;
    /// Insert a new record; `false` (nothing written) if one with its key exists — also
    /// one a concurrent transaction just committed (the caller then reads it with
    /// [`Tx::lock_record`] and merges into it).
    async fn insert_record(&mut self, record: &NewRecord) -> Result<bool, StoreError>;
    /// Insert new records in this order (one statement where the database allows);
    /// returns how many were written (a key that exists is skipped, as above).
    async fn insert_records(&mut self, records: &[NewRecord]) -> Result<usize, StoreError>;
    /// Write a record read with [`Tx::lock_record`] back.
    async fn update_record(&mut self, record: &StoredRecord) -> Result<(), StoreError>;
    /// Codes of local topics that are not deleted.
    async fn local_topics(&mut self) -> Result<HashSet<String>, StoreError>;
    /// Records of one entity placed in a unit, not deleted.
    async fn records_in_unit(&mut self, entity: Entity, unit: &str) -> Result<Vec<StoredRecord>, StoreError>;
    /// A team's assignments that are not deleted.
    async fn team_targets(&mut self, team: &str) -> Result<TeamTargets, StoreError>;
    /// The greatest committed change number.
    async fn max_change_seq(&mut self) -> Result<i64, StoreError>;
    /// Up to `limit` rows of a partition with `after < change_seq <= upto`, in change order.
    async fn scan(&mut self, part: &Partition, after: i64, upto: i64, limit: i64) -> Result<Vec<ScanRow>, StoreError>;
    /// The states of these records, in the same order.
    async fn states(&mut self, keys: &[RecordKey]) -> Result<Vec<PulledState>, StoreError>;
    /// A scope definition a cursor refers to (by its hash).
    async fn scope_def(&mut self, hash: &str) -> Result<Option<String>, StoreError>;
    async fn put_scope_def(&mut self, hash: &str, def: &str) -> Result<(), StoreError>;
    /// The last writes before commit: insert `held` (new records not written yet, whose
    /// keys were absent) and give every record this transaction wrote — `order` lists
    /// them all, `held` ones included, each once — its change number, in this order and
    /// in commit order. A backend that writes one transaction at a time may have numbered
    /// the others as it wrote them, in the same order (then `held` come last). Returns how
    /// many of `held` were written: fewer if another transaction created one meanwhile.
    async fn finish_writes(&mut self, held: &[NewRecord], order: &[RecordKey]) -> Result<usize, StoreError>;
    async fn commit(self) -> Result<(), StoreError>;
    /// Keep the transaction open a while (fault injection in tests).
    async fn hold(&mut self, how_long: std::time::Duration);
}

/// Stable text of an entity (as on the wire and in the database).
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

pub fn parse_entity(s: &str) -> Result<Entity, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| StoreError::Data(format!("unknown entity {s:?}")))
}

/// Stable text of a role (as on the wire and in the database).
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

/// The result of applying a request's ops.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PushOutcome {
    pub acks: Vec<OpId>,
    pub rejected: Vec<Rejection>,
    pub deferred: Vec<OpId>,
    /// Ops applied by this request (not counting re-acknowledged ones).
    pub applied: usize,
    /// Ops whose clock was ahead of the server's and was re-stamped.
    pub restamped: usize,
}

/// Fault injection for tests (cargo feature `test-hooks`): hold a sync's transaction
/// open after its ops are applied, before its changes are numbered and committed; shrink
/// the SQLite WAL budget.
#[cfg(feature = "test-hooks")]
#[derive(Clone, Default)]
pub struct TestHooks {
    /// Called once per sync that writes, with the pushing device; a returned duration is
    /// slept inside the open transaction.
    #[allow(clippy::type_complexity)]
    pub before_commit: Option<std::sync::Arc<dyn Fn(DeviceId) -> Option<std::time::Duration> + Send + Sync>>,
    /// A smaller WAL budget for the server's SQLite file, so a test can cross it quickly.
    pub wal_budget: Option<tungnha_core::store::checkpoint::WalBudget>,
}

#[cfg(feature = "test-hooks")]
impl std::fmt::Debug for TestHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestHooks").field("before_commit", &self.before_commit.is_some()).field("wal_budget", &self.wal_budget).finish()
    }
}

/// Without the `test-hooks` feature there is nothing to inject.
#[cfg(not(feature = "test-hooks"))]
#[derive(Clone, Debug, Default)]
pub struct TestHooks;

impl TestHooks {
    /// How long to hold this device's transaction open (tests only).
    pub fn delay_for(&self, _device: DeviceId) -> Option<std::time::Duration> {
        #[cfg(feature = "test-hooks")]
        return self.before_commit.as_ref().and_then(|f| f(_device));
        #[cfg(not(feature = "test-hooks"))]
        None
    }

    /// When the server's SQLite file checkpoints its WAL.
    pub fn wal_budget(&self) -> tungnha_core::store::checkpoint::WalBudget {
        #[cfg(feature = "test-hooks")]
        if let Some(budget) = self.wal_budget {
            return budget;
        }
        tungnha_core::store::checkpoint::WalBudget::SERVER
    }
}
