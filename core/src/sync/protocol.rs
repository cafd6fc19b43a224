//! The sync protocol's messages (see `docs/sync-protocol.md`). One endpoint carries push
//! and pull together: `POST /v1/sync` with a [`SyncRequest`], answered by a
//! [`SyncResponse`].

use crate::hlc::Hlc;
use crate::ids::{DeviceId, OpId};
use crate::problem::Problem;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What kind of record an operation changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Village,
    Household,
    Person,
    Visit,
    SelfReport,
    SkillVerification,
    SkillCorrection,
    Campaign,
    Team,
    Assignment,
    LocalTopic,
    /// A concurrent change to an identity field, made by the server for a leader to resolve.
    Conflict,
}

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// A new mutable record (household, person...) with all its fields.
    Create,
    /// Changed fields only, made on `base_version`.
    Update,
    /// A new append-only fact (visit, self-report, verification, correction).
    Append,
    /// A tombstone.
    Delete,
}

/// One operation as sync sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub op_id: OpId,
    pub device_id: DeviceId,
    /// Per-device sequence number, gap-free and increasing.
    pub seq: i64,
    pub hlc: Hlc,
    pub entity: Entity,
    pub entity_id: String,
    pub kind: OpKind,
    /// The version (HLC of the last change) the edit was made on; `None` for creates.
    pub base_version: Option<Hlc>,
    pub schema_version: i64,
    /// For creates and appends, the whole record; for updates, the changed fields only.
    pub fields: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Version of the message format. Bumped only for incompatible changes.
pub const PROTOCOL_VERSION: u32 = 1;

/// The oldest client schema the server still accepts; older apps are told to update.
pub const MIN_CLIENT_SCHEMA: i64 = 4;

/// Default page budget for pulled changes, in bytes of their uncompressed JSON state.
/// Sized so a 300-household assignment (≈1,900 records) arrives in two pages.
pub const DEFAULT_PAGE_BYTES: u32 = 1 << 20;

/// Where a device is in the server's change stream. Opaque to the client; the server
/// makes it from its commit-ordered change sequence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(pub String);

/// Push and pull in one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub protocol: u32,
    pub schema_version: i64,
    pub device_id: DeviceId,
    /// The device's own clock when it sent this (the server answers with its time).
    pub client_time_ms: i64,
    /// Unacknowledged operations, in `seq` order, starting from the oldest.
    pub ops: Vec<Op>,
    pub cursor: Cursor,
    /// Budget for this response's changes (uncompressed JSON bytes of their states).
    pub max_bytes: u32,
}

/// Why the server refused one operation. Refused operations are never applied; the
/// client keeps them visible in quarantine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The caller's role or scope does not allow writing this record.
    OutOfScope,
    /// The record breaks a validation rule (see `problems`).
    Invalid,
    /// This op id was seen before with different content.
    OpIdReused,
    /// The operation refers to a record the server does not have.
    UnknownRecord,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub op_id: OpId,
    pub code: RejectCode,
    pub message_vi: String,
    pub message_en: String,
    pub problems: Vec<Problem>,
}

/// One record's current state on the server, sent down to devices in scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub entity: Entity,
    pub id: String,
    /// HLC of the latest change merged into the record.
    pub version: Hlc,
    pub deleted: bool,
    /// The record's fields (the model struct, serialised), merged on the server.
    pub state: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub server_time_ms: i64,
    /// Operations now applied on the server (now or by an earlier delivery).
    pub acks: Vec<OpId>,
    pub rejected: Vec<Rejection>,
    /// Operations neither acked nor rejected (e.g. after a sequence gap): send again.
    pub deferred: Vec<OpId>,
    pub changes: Vec<Change>,
    pub next_cursor: Cursor,
    /// More changes wait beyond this page.
    pub more: bool,
    /// Records the device may no longer keep: its scope shrank (a member left the team,
    /// an assignment was removed). Absent from older servers' answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purge: Option<Purge>,
}

/// What a device must forget because it may no longer see it: these teams, everything
/// of these villages (but the households in `keep`, which it still sees one by one),
/// and everything of these households.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purge {
    #[serde(default)]
    pub teams: Vec<crate::ids::TeamId>,
    #[serde(default)]
    pub villages: Vec<crate::ids::VillageId>,
    #[serde(default)]
    pub households: Vec<crate::ids::HouseholdId>,
    #[serde(default)]
    pub keep: Vec<crate::ids::HouseholdId>,
}

impl Purge {
    pub fn is_empty(&self) -> bool {
        self.teams.is_empty() && self.villages.is_empty() && self.households.is_empty()
    }
}

/// Roles, from least to most reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Citizen,
    Volunteer,
    TeamLeader,
    CommuneOfficial,
    ProvinceOfficial,
}

/// `POST /v1/enrol`: a device exchanges a short enrolment code for a device token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    pub device_id: DeviceId,
    pub device_name: String,
    pub schema_version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolResponse {
    /// The id the server enrolled the device under: the one it asked for, unless another
    /// device holds it and the request did not prove to be that device (then a new one,
    /// which the device adopts). Absent from older servers' answers.
    #[serde(default)]
    pub device_id: Option<DeviceId>,
    pub token: String,
    pub role: Role,
    /// The team member this device acts as (volunteers, leaders), if any.
    pub member_id: Option<crate::ids::MemberId>,
    pub team_id: Option<crate::ids::TeamId>,
    pub household_id: Option<crate::ids::HouseholdId>,
    pub commune_key: Option<String>,
    pub server_time_ms: i64,
}

/// `POST /v1/enrolment-codes` body: a code for whom (a team leader asks from the app; the
/// server's command line fills in the same). Who may issue what is the server's decision
/// (`server/src/enrolment.rs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeRequest {
    pub role: Role,
    #[serde(default)]
    pub member_id: Option<crate::ids::MemberId>,
    #[serde(default)]
    pub team_id: Option<crate::ids::TeamId>,
    #[serde(default)]
    pub household_id: Option<crate::ids::HouseholdId>,
    /// For officials: their unit (a commune key, or a province key for province officials).
    #[serde(default)]
    pub commune_key: Option<String>,
    #[serde(default)]
    pub ttl_hours: Option<i64>,
    /// Whom the code is for (shown in audit, copied to the device).
    #[serde(default)]
    pub holder_name: Option<String>,
}

impl CodeRequest {
    pub fn new(role: Role) -> Self {
        Self { role, member_id: None, team_id: None, household_id: None, commune_key: None, ttl_hours: None, holder_name: None }
    }

    /// A code for a member of a team (a volunteer or a leader) to enrol their phone.
    pub fn member(role: Role, team_id: crate::ids::TeamId, member_id: crate::ids::MemberId) -> Self {
        Self { team_id: Some(team_id), member_id: Some(member_id), ..Self::new(role) }
    }

    /// A code for a citizen of a household to enrol their phone.
    pub fn household(household_id: crate::ids::HouseholdId) -> Self {
        Self { household_id: Some(household_id), ..Self::new(Role::Citizen) }
    }
}

/// An issued enrolment code: `code` is shown (and put in a QR code) once, never stored by
/// the server in clear.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedCode {
    pub code: String,
    pub expires_at: DateTime<Utc>,
    pub role: Role,
    pub commune_key: Option<String>,
}

/// Stable error codes of the HTTP API (body of any non-2xx answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorCode {
    /// The app's schema is older than the server accepts: update the app.
    UpdateRequired,
    /// No, unknown, expired or revoked token or enrolment code.
    Unauthorized,
    /// The request could not be decoded, or is larger than the server accepts.
    BadRequest,
    /// Too many attempts (enrolment codes): wait before trying again.
    TooManyAttempts,
    /// Authenticated, but this role or area may not do this (e.g. a leader issuing a code
    /// outside their team). Older apps read it by its status, 403, as `unauthorized`.
    Forbidden,
    /// The server is shutting down or overloaded: try again later.
    Unavailable,
    /// The server failed.
    Internal,
}

impl ApiErrorCode {
    /// The code for an answer that carries none the client knows (no body, a proxy's page,
    /// a code added by a newer server): the one the server documents for that status.
    pub fn from_status(status: u16) -> Self {
        match status {
            426 => ApiErrorCode::UpdateRequired,
            401 => ApiErrorCode::Unauthorized,
            403 => ApiErrorCode::Forbidden,
            429 => ApiErrorCode::TooManyAttempts,
            // A request the server timed out, or a proxy that could not reach it.
            408 | 502 | 503 | 504 => ApiErrorCode::Unavailable,
            500..=599 => ApiErrorCode::Internal,
            _ => ApiErrorCode::BadRequest,
        }
    }

    /// The same code among the errors apps see.
    pub fn error_code(self) -> crate::error::ErrorCode {
        use crate::error::ErrorCode as E;
        match self {
            ApiErrorCode::UpdateRequired => E::UpdateRequired,
            ApiErrorCode::Unauthorized => E::Unauthorized,
            ApiErrorCode::BadRequest => E::BadRequest,
            ApiErrorCode::TooManyAttempts => E::TooManyAttempts,
            ApiErrorCode::Forbidden => E::Forbidden,
            ApiErrorCode::Unavailable => E::Unavailable,
            ApiErrorCode::Internal => E::ServerError,
        }
    }

    /// The code's message in Vietnamese, for answers that need nothing more specific.
    pub fn message_vi(self) -> &'static str {
        self.error_code().message_vi()
    }

    /// The code's message in English.
    pub fn message_en(self) -> &'static str {
        self.error_code().message_en()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ApiErrorCode,
    pub message_vi: String,
    pub message_en: String,
}
