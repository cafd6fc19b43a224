//! What the enrol screen shows once the code is accepted: the role and the area received.

use crate::error::CoreResult;
use crate::ids::{HouseholdId, MemberId, TeamId};
use crate::store::{Enrolment, Store};
use crate::sync::Role;
use crate::units::{self, UnitLevel};
use serde::{Deserialize, Serialize};

/// The role and the area a device received, with the names the device knows. Names of
/// the team, member and household arrive with the first sync (`None` until then); the
/// commune and province names come from the official list at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentSummary {
    pub role: Role,
    /// The unit key the role covers (a commune, or a province for province officials).
    pub unit_key: Option<String>,
    /// The commune's official name, e.g. `Phường Tô Hiệu` (`None` for a province official).
    pub commune_name: Option<String>,
    /// The province's official name, e.g. `Tỉnh Sơn La`.
    pub province_name: Option<String>,
    pub team_id: Option<TeamId>,
    pub team_name: Option<String>,
    /// The team member this device acts as (volunteers, leaders).
    pub member_id: Option<MemberId>,
    pub member_name: Option<String>,
    /// A citizen's household.
    pub household_id: Option<HouseholdId>,
    pub household_address: Option<String>,
    pub village_name: Option<String>,
    /// The server the device enrolled with, if the app said.
    pub server_url: Option<String>,
}

impl EnrolmentSummary {
    /// The summary of `e`, with what `store` holds about it.
    pub fn of(store: &Store, e: &Enrolment) -> CoreResult<Self> {
        let tree = units::official();
        let unit = e.commune_key.as_deref().and_then(|k| tree.get(k));
        let (commune_name, province_name) = match unit {
            Some(u) if u.level == UnitLevel::Province => (None, Some(u.name.clone())),
            Some(u) => (Some(u.name.clone()), tree.province_of(&u.key).map(|p| p.name.clone())),
            None => (None, None),
        };
        let team = match e.team_id {
            Some(t) => found(store.team(t))?,
            None => None,
        };
        let member_name = team.as_ref().and_then(|t| t.members.iter().find(|m| Some(m.id) == e.member_id)).map(|m| m.full_name.clone());
        let household = match e.household_id {
            Some(h) => found(store.household_detail(h))?,
            None => None,
        };
        Ok(Self {
            role: e.role,
            unit_key: e.commune_key.clone(),
            commune_name,
            province_name,
            team_id: e.team_id,
            team_name: team.map(|t| t.name),
            member_id: e.member_id,
            member_name,
            household_id: e.household_id,
            household_address: household.as_ref().map(|h| h.household.address.clone()),
            village_name: household.map(|h| h.village_name),
            server_url: e.server_url.clone(),
        })
    }
}

/// A record not (yet) on the device is `None`; other failures stay failures.
pub(crate) fn found<T>(r: CoreResult<T>) -> CoreResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(crate::CoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

impl Store {
    /// What this device is enrolled as, with names; `None` when it is not enrolled.
    pub fn enrolment_summary(&self) -> CoreResult<Option<EnrolmentSummary>> {
        self.enrolment()?.map(|e| EnrolmentSummary::of(self, &e)).transpose()
    }
}
