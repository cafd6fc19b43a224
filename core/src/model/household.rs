use crate::ids::{HouseholdId, PersonId, VillageId};
use crate::model::NewPerson;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A village, hamlet or residential group (thôn, bản, ấp, tổ dân phố) under a commune.
/// These are local units, not in the official list: communes define them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Village {
    pub id: VillageId,
    /// Key of the commune in [`crate::units`] (e.g. `2025:c:04000`).
    pub commune_key: String,
    pub name: String,
}

/// A location rounded to about 1 km (two decimals): enough to plan a route, too coarse
/// to single out a house.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CoarseLocation {
    pub lat: f64,
    pub lon: f64,
}

impl CoarseLocation {
    /// Round to two decimals (≈1.1 km), the only precision we keep.
    pub fn coarse(lat: f64, lon: f64) -> Self {
        Self { lat: (lat * 100.0).round() / 100.0, lon: (lon * 100.0).round() / 100.0 }
    }
}

/// The household facts behind the province's 2025 targets (plan 003). `None` = not asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdIndicators {
    pub has_smartphone: Option<bool>,
    pub has_broadband: Option<bool>,
    pub has_epayment_adult: Option<bool>,
    pub uses_internet: Option<bool>,
}

/// Input for a new household: its address, and its head (who gives consent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewHousehold {
    pub village_id: VillageId,
    /// House number, lane, group: free text within the village.
    pub address: String,
    pub head: NewPerson,
    pub phone: Option<String>,
    pub location: Option<CoarseLocation>,
    pub indicators: HouseholdIndicators,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Household {
    pub id: HouseholdId,
    pub village_id: VillageId,
    pub address: String,
    pub head_id: PersonId,
    /// Normalised `0xxxxxxxxx` (see [`crate::validate::phone`]).
    pub phone: Option<String>,
    pub location: Option<CoarseLocation>,
    pub indicators: HouseholdIndicators,
    pub created_at: DateTime<Utc>,
}

/// Where a household stands, kept up to date on every write so lists open fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdStatus {
    NotVisited,
    Visited,
    /// At least the goal number of members master all 5 skills.
    GoalReached,
}

/// A row of an assignment list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HouseholdSummary {
    pub id: HouseholdId,
    pub village_id: VillageId,
    pub address: String,
    pub head_name: String,
    pub member_count: u32,
    pub visit_count: u32,
    pub last_visit_at: Option<DateTime<Utc>>,
    /// Members with all 5 skills at the mastery level or above.
    pub mastered_count: u32,
    pub status: HouseholdStatus,
}
