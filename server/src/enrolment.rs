//! Enrolment: officials and leaders issue short codes; a device redeems one for its token.
//!
//! Who may issue what (the API; the `tungnha` command line may issue anything):
//! - a team leader: volunteer codes for their own team, citizen codes for households in
//!   their team's area;
//! - a commune official: any role but province official, within their commune;
//! - a province official: any role within their province.

use crate::credentials::{self, code_sha256, normalize_code, token_sha256, DEFAULT_CODE_TTL_HOURS, MAX_CODE_TTL_HOURS};
use crate::engine::ports::{role_text, Device};
use crate::engine::scope::{is_unit, unit_contains};
use crate::error::ApiFailure;
use crate::storage::{Enrolment, Grant, NewCode, Storage};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::Value;
use tungnha_core::model::Team;
use tungnha_core::sync::protocol::Entity;
use tungnha_core::sync::{EnrolRequest, EnrolResponse, Role, MIN_CLIENT_SCHEMA};
use tungnha_core::units::UnitLevel;

// The wire types are the core's, so the app and the server share them.
pub use tungnha_core::sync::{CodeRequest, IssuedCode};

/// Who asks for a code.
#[derive(Debug, Clone, Copy)]
pub enum Issuer<'a> {
    /// The operator, on the server's command line.
    Admin,
    /// An enrolled device, through the API.
    Device(&'a Device),
}

fn bad(vi: impl Into<String>, en: impl Into<String>) -> ApiFailure {
    ApiFailure::bad_request(vi, en)
}

fn not_yours() -> ApiFailure {
    ApiFailure::forbidden("Bạn không được cấp mã cho vai trò hoặc địa bàn này", "You may not issue a code for this role or area")
}

/// Check a request and store a fresh code for it.
pub async fn issue(storage: &dyn Storage, issuer: Issuer<'_>, req: CodeRequest, now: DateTime<Utc>) -> Result<IssuedCode, ApiFailure> {
    let ttl = req.ttl_hours.unwrap_or(DEFAULT_CODE_TTL_HOURS);
    if !(1..=MAX_CODE_TTL_HOURS).contains(&ttl) {
        return Err(bad(
            format!("Thời hạn của mã phải từ 1 đến {MAX_CODE_TTL_HOURS} giờ"),
            format!("A code must be valid for 1 to {MAX_CODE_TTL_HOURS} hours"),
        ));
    }
    let grant = grant_for(storage, &req).await?;
    if let Issuer::Device(d) = issuer {
        may_issue(storage, d, &grant).await?;
    }
    let issued_by = match issuer {
        Issuer::Admin => "cli".to_owned(),
        Issuer::Device(d) => d.device_id.to_string(),
    };
    let expires_at = now + Duration::hours(ttl);
    for _ in 0..8 {
        let code = credentials::new_code();
        let new =
            NewCode { code_sha256: code_sha256(&code), grant: grant.clone(), issued_by: issued_by.clone(), issued_at: now, expires_at };
        if storage.insert_code(new).await? {
            tracing::info!(role = role_text(grant.role), commune = ?grant.commune_key, issued_by, "enrolment code issued");
            return Ok(IssuedCode { code, expires_at, role: grant.role, commune_key: grant.commune_key });
        }
    }
    Err(ApiFailure::internal())
}

/// What the code will grant, checked against the records it names.
async fn grant_for(storage: &dyn Storage, req: &CodeRequest) -> Result<Grant, ApiFailure> {
    let holder_name = req.holder_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(|n| n.chars().take(100).collect());
    let mut grant = Grant { role: req.role, member_id: None, team_id: None, household_id: None, commune_key: None, holder_name };
    match req.role {
        Role::Citizen => {
            let h = req.household_id.ok_or_else(|| bad("Cần chọn hộ gia đình", "A household is required"))?;
            let record = storage
                .record(Entity::Household, h.to_string())
                .await?
                .ok_or_else(|| bad("Không tìm thấy hộ gia đình", "Household not found"))?;
            grant.household_id = Some(h);
            grant.commune_key = record.place.unit;
        }
        Role::Volunteer | Role::TeamLeader => {
            let t = req.team_id.ok_or_else(|| bad("Cần chọn tổ", "A team is required"))?;
            let record = storage.record(Entity::Team, t.to_string()).await?.ok_or_else(|| bad("Không tìm thấy tổ", "Team not found"))?;
            if let Some(m) = req.member_id {
                let team: Option<Team> = Team::deserialize(&Value::Object(record.state.fields.clone())).ok();
                if !team.is_some_and(|team| team.members.iter().any(|x| x.id == m)) {
                    return Err(bad("Người này không phải thành viên của tổ", "This person is not a member of the team"));
                }
            }
            grant.team_id = Some(t);
            grant.member_id = req.member_id;
            grant.commune_key = record.place.unit;
        }
        Role::CommuneOfficial | Role::ProvinceOfficial => {
            let level = if req.role == Role::CommuneOfficial { UnitLevel::Commune } else { UnitLevel::Province };
            let unit = req.commune_key.clone().filter(|k| is_unit(k, level)).ok_or_else(|| match level {
                UnitLevel::Province => bad(
                    "Cần mã tỉnh/thành phố trong danh mục, ví dụ 2025:p:01",
                    "A province key from the official list is required, e.g. 2025:p:01",
                ),
                _ => bad(
                    "Cần mã xã/phường trong danh mục, ví dụ 2025:c:00004",
                    "A commune key from the official list is required, e.g. 2025:c:00004",
                ),
            })?;
            grant.commune_key = Some(unit);
        }
    }
    Ok(grant)
}

async fn may_issue(storage: &dyn Storage, d: &Device, grant: &Grant) -> Result<(), ApiFailure> {
    let unit = d.commune_key.as_deref().unwrap_or_default();
    let within = |key: &Option<String>| key.as_deref().is_some_and(|k| unit_contains(unit, k));
    let ok = match d.role {
        Role::Citizen | Role::Volunteer => false,
        Role::TeamLeader => match grant.role {
            Role::Volunteer => grant.team_id.is_some() && grant.team_id == d.team_id,
            Role::Citizen => {
                let (Some(team), Some(h)) = (d.team_id, grant.household_id) else { return Err(not_yours()) };
                let targets = storage.team_targets(team.to_string()).await?;
                let village = storage.record(Entity::Household, h.to_string()).await?.and_then(|r| r.place.village_id);
                targets.covers(&h.to_string(), village.as_deref())
            }
            _ => false,
        },
        Role::CommuneOfficial => grant.role != Role::ProvinceOfficial && within(&grant.commune_key),
        Role::ProvinceOfficial => within(&grant.commune_key),
    };
    if ok {
        Ok(())
    } else {
        Err(not_yours())
    }
}

/// Redeem a code: the device gets its token (shown once, never stored). `proof` is the
/// token the device presented, if any: a phone enrolling again keeps its id (and its
/// sequence) only by proving it holds that id's token; otherwise it gets a new id.
/// `Ok(None)`: the code is wrong, used, expired or its issuer was revoked.
pub async fn enrol(
    storage: &dyn Storage,
    req: EnrolRequest,
    proof: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<EnrolResponse>, ApiFailure> {
    if req.schema_version < MIN_CLIENT_SCHEMA {
        return Err(ApiFailure::update_required());
    }
    let Some(code) = normalize_code(&req.code) else { return Ok(None) };
    let device_name: String = req.device_name.trim().chars().filter(|c| !c.is_control()).take(100).collect();
    let token = credentials::new_token();
    let enrolment = Enrolment {
        device_id: req.device_id,
        device_name,
        token_sha256: token_sha256(&token),
        proof_sha256: proof.map(token_sha256),
        at: now,
    };
    let Some(device) = storage.redeem_code(code_sha256(&code), enrolment).await? else { return Ok(None) };
    if device.device_id != req.device_id {
        tracing::warn!(asked = %req.device_id, given = %device.device_id, "enrolment asked for another device's id without its token; a new id was given");
    }
    tracing::info!(device = %device.device_id, role = role_text(device.role), "device enrolled");
    Ok(Some(EnrolResponse {
        device_id: Some(device.device_id),
        token,
        role: device.role,
        member_id: device.member_id,
        team_id: device.team_id,
        household_id: device.household_id,
        commune_key: device.commune_key,
        server_time_ms: now.timestamp_millis(),
    }))
}
