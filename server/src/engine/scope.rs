//! Who sees what: the scope of a device, decided on the server from its enrolment and the
//! records as they are now (team membership and assignments take effect at the next
//! sync), written once for both backends. A pull walks the partitions of the scope in
//! change order and keeps the rows [`DeviceScope::admits`]; a push checks writes against
//! the same scope (`engine::check`).

use super::ports::{Device, Partition, ScanRow, TeamTargets, Tx, CONFIG_SCOPE};
use crate::error::StoreError;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashSet};
use tungnha_core::clock::vietnam_date;
use tungnha_core::model::Team;
use tungnha_core::sync::protocol::Entity;
use tungnha_core::sync::Role;
use tungnha_core::units::{self, UnitLevel};

/// Whether records of `commune` fall under the official unit `unit`.
///
/// A commune official's unit is one commune key: only records with exactly that key.
/// A province official's unit is a province: a commune belongs to it when the commune's
/// province, mapped to today's structure, is the same as the unit mapped to today's
/// structure (so a 2025 province covers communes recorded under the 2008 provinces
/// merged into it).
pub fn unit_contains(unit: &str, commune: &str) -> bool {
    if unit == commune {
        return true;
    }
    let tree = units::official();
    let Some(u) = tree.get(unit) else { return false };
    if u.level != UnitLevel::Province {
        return false;
    }
    let ours = today_provinces(unit);
    let theirs = today_provinces(commune);
    theirs.iter().any(|p| ours.contains(p))
}

/// Whether `key` is a unit of this level in the official list.
pub fn is_unit(key: &str, level: UnitLevel) -> bool {
    units::official().get(key).is_some_and(|u| u.level == level)
}

/// Today's province(s) of a unit (a commune or a province, of either structure).
pub fn today_provinces(key: &str) -> Vec<String> {
    let tree = units::official();
    let Some(unit) = tree.get(key) else { return vec![] };
    let province = if unit.level == UnitLevel::Province { Some(unit) } else { tree.province_of(key) };
    let Some(province) = province else { return vec![] };
    let today = vietnam_date(Utc::now());
    let successors: Vec<String> = tree.successors_on(&province.key, today).iter().map(|p| p.key.clone()).collect();
    if successors.is_empty() {
        vec![province.key.clone()]
    } else {
        successors
    }
}

/// The province a record of this unit is filed under for province officials' pulls.
pub fn filing_province(unit: &str) -> Option<String> {
    today_provinces(unit).into_iter().next()
}

/// What a device may see, besides configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Configuration only (a member who left the team, a citizen whose household is gone).
    Nothing,
    /// A citizen: one household, its village.
    Household { household: String, village: Option<String> },
    /// A volunteer or leader: the team, its assigned villages and single households.
    Team { team: String, targets: TeamTargets, villages_of_singles: HashSet<String> },
    /// Officials: whatever their partitions hold.
    Units,
    /// Server-side projections: everything.
    Everything,
}

/// A device's scope at this moment.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceScope {
    pub reach: Reach,
    /// Slices of the change index to walk (configuration's included).
    pub partitions: Vec<Partition>,
    /// The team member the device acts as still belongs to its team (team roles).
    pub member_in_team: bool,
    /// The device's team as it is now (team roles), for authorship checks.
    pub team: Option<Team>,
}

/// What a cursor remembers of the scope it was made in: enough to tell the phone what it
/// may no longer keep when the scope shrinks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeDef {
    pub teams: BTreeSet<String>,
    pub villages: BTreeSet<String>,
    pub households: BTreeSet<String>,
    pub units: BTreeSet<String>,
}

impl ScopeDef {
    /// A short stable hash (cursors carry it).
    pub fn fingerprint(&self) -> String {
        let text = serde_json::to_string(self).unwrap_or_default();
        crate::engine::hash::hex(&Sha256::digest(text.as_bytes())[..8])
    }

    /// Whether everything `self` covers, `other` covers too.
    pub fn within(&self, other: &ScopeDef) -> bool {
        self.teams.is_subset(&other.teams)
            && self.villages.is_subset(&other.villages)
            && self.households.is_subset(&other.households)
            && self.units.is_subset(&other.units)
    }
}

fn config() -> Partition {
    Partition::Scope(CONFIG_SCOPE.to_owned())
}

impl DeviceScope {
    /// The scope of `device` as the records are now.
    pub async fn of<T: Tx>(tx: &mut T, device: &Device) -> Result<DeviceScope, StoreError> {
        let nothing = DeviceScope { reach: Reach::Nothing, partitions: vec![config()], member_in_team: false, team: None };
        let unit = device.commune_key.clone().unwrap_or_default();
        Ok(match device.role {
            Role::Citizen => {
                let Some(household) = device.household_id.map(|h| h.to_string()) else { return Ok(nothing) };
                match tx.placement(Entity::Household, &household).await? {
                    Some((place, false)) => DeviceScope {
                        reach: Reach::Household { household, village: place.village_id },
                        partitions: vec![Partition::Scope(place.unit.unwrap_or_default()), config()],
                        member_in_team: false,
                        team: None,
                    },
                    _ => nothing,
                }
            }
            Role::Volunteer | Role::TeamLeader => {
                let Some(team_id) = device.team_id.map(|t| t.to_string()) else { return Ok(nothing) };
                let Some(record) = tx.record(Entity::Team, &team_id).await? else { return Ok(nothing) };
                if record.state.deleted.is_some() {
                    return Ok(nothing);
                }
                let team: Option<Team> = serde_json::from_value(serde_json::Value::Object(record.state.fields.clone())).ok();
                let member_in_team = match (&team, device.member_id) {
                    (Some(t), Some(m)) => t.members.iter().any(|x| x.id == m),
                    (Some(_), None) => true,
                    (None, _) => false,
                };
                if !member_in_team {
                    return Ok(DeviceScope { team, ..nothing });
                }
                let targets = tx.team_targets(&team_id).await?;
                let mut units: BTreeSet<String> = record.place.unit.iter().cloned().collect();
                let mut villages_of_singles = HashSet::new();
                for v in &targets.villages {
                    if let Some((p, _)) = tx.placement(Entity::Village, v).await? {
                        units.extend(p.unit);
                    }
                }
                for h in &targets.households {
                    if let Some((p, _)) = tx.placement(Entity::Household, h).await? {
                        units.extend(p.unit);
                        villages_of_singles.extend(p.village_id);
                    }
                }
                let mut partitions: Vec<Partition> = units.into_iter().map(Partition::Scope).collect();
                partitions.push(config());
                DeviceScope { reach: Reach::Team { team: team_id, targets, villages_of_singles }, partitions, member_in_team, team }
            }
            Role::CommuneOfficial => {
                DeviceScope { reach: Reach::Units, partitions: vec![Partition::Scope(unit), config()], member_in_team: false, team: None }
            }
            Role::ProvinceOfficial => {
                let mut partitions: Vec<Partition> = today_provinces(&unit).into_iter().map(Partition::Province).collect();
                partitions.push(config());
                DeviceScope { reach: Reach::Units, partitions, member_in_team: false, team: None }
            }
        })
    }

    /// Every record, for the server's own projections.
    pub fn everything() -> DeviceScope {
        DeviceScope { reach: Reach::Everything, partitions: vec![Partition::All], member_in_team: false, team: None }
    }

    /// Whether a row of one of this scope's partitions is for this device.
    pub fn admits(&self, row: &ScanRow) -> bool {
        if row.scope == CONFIG_SCOPE {
            return true;
        }
        let touches = || row.touches.split_whitespace();
        match &self.reach {
            Reach::Nothing => false,
            Reach::Units | Reach::Everything => true,
            Reach::Household { household, village } => match row.entity {
                Entity::Village => Some(&row.id) == village.as_ref(),
                Entity::Visit => touches().any(|t| t == household),
                Entity::Team | Entity::Assignment | Entity::Conflict => false,
                _ => row.household_id.as_ref() == Some(household),
            },
            Reach::Team { team, targets, villages_of_singles } => match row.entity {
                Entity::Team => &row.id == team,
                Entity::Assignment => row.team_id.as_ref() == Some(team),
                Entity::Village => targets.villages.contains(&row.id) || villages_of_singles.contains(&row.id),
                Entity::Visit => {
                    row.team_id.as_ref() == Some(team) || touches().any(|t| targets.villages.contains(t) || targets.households.contains(t))
                }
                _ => {
                    row.village_id.as_ref().is_some_and(|v| targets.villages.contains(v))
                        || row.household_id.as_ref().is_some_and(|h| targets.households.contains(h))
                }
            },
        }
    }

    /// What a cursor made in this scope remembers.
    pub fn def(&self) -> ScopeDef {
        let mut d = ScopeDef::default();
        match &self.reach {
            Reach::Nothing => {}
            Reach::Household { household, village } => {
                d.households.insert(household.clone());
                d.villages.extend(village.clone());
            }
            Reach::Team { team, targets, villages_of_singles } => {
                d.teams.insert(team.clone());
                d.villages.extend(targets.villages.iter().cloned());
                d.villages.extend(villages_of_singles.iter().cloned());
                d.households.extend(targets.households.iter().cloned());
            }
            Reach::Units | Reach::Everything => {
                for p in &self.partitions {
                    match p {
                        Partition::Scope(s) | Partition::Province(s) => {
                            d.units.insert(s.clone());
                        }
                        Partition::All => {
                            d.units.insert("all".into());
                        }
                    }
                }
            }
        }
        d
    }

    /// Whether a team device may write for a household (in `village`).
    pub fn team_covers(&self, household: &str, village: Option<&str>) -> bool {
        matches!(&self.reach, Reach::Team { targets, .. } if targets.covers(household, village))
    }

    pub fn team_villages(&self) -> Option<&HashSet<String>> {
        match &self.reach {
            Reach::Team { targets, .. } => Some(&targets.villages),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn province_covers_its_communes_old_and_new() {
        // Phường Ba Đình (2025) is in Hà Nội (2025:p:01); Phường Phúc Xá (2008) was in
        // the old Hà Nội (2008:p:01), which became 2025:p:01.
        assert!(unit_contains("2025:p:01", "2025:c:00004"));
        assert!(unit_contains("2025:p:01", "2008:c:00001"));
        assert!(!unit_contains("2025:p:04", "2025:c:00004"));
        assert!(unit_contains("2025:c:00004", "2025:c:00004"));
        assert!(!unit_contains("2025:c:00004", "2025:c:00008"));
        assert!(!unit_contains("nonsense", "2025:c:00004"));
        assert!(!unit_contains("2025:p:01", "nonsense"));
        assert_eq!(filing_province("2008:c:00001").as_deref(), Some("2025:p:01"));
        assert_eq!(filing_province("2025:c:00004").as_deref(), Some("2025:p:01"));
    }
}
