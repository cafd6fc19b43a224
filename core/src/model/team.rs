use crate::ids::{AssignmentId, HouseholdId, MemberId, TeamId, VillageId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The organisation a member comes from (plan 003 lists them).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Organisation {
    YouthUnion,
    WomensUnion,
    FarmersUnion,
    CooperativeAlliance,
    PostOffice,
    Telecom,
    ItCompany,
    CommuneOfficial,
    Police,
    School,
    Other(String),
}

/// A role in a team. Roles are configurable per province: the plans name no team
/// leader, but many teams have one; `can_verify` marks roles that verify skills and
/// correct levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub code: String,
    pub name_vi: String,
    pub can_verify: bool,
}

/// A completed training, e.g. the national online course "Phổ cập kỹ năng số cộng đồng".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Training {
    pub course: String,
    pub completed_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: MemberId,
    pub full_name: String,
    pub phone: Option<String>,
    pub organisation: Organisation,
    pub role: Role,
    pub trainings: Vec<Training>,
}

/// Input for a team (Tổ CNSCĐ) of a commune, usually one per village.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTeam {
    pub commune_key: String,
    pub name: String,
    pub members: Vec<TeamMember>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub commune_key: String,
    pub name: String,
    pub members: Vec<TeamMember>,
}

/// What an assignment covers: a whole village, or one household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum AssignmentTarget {
    Village(VillageId),
    Household(HouseholdId),
}

/// Villages or households assigned to a team, optionally to one volunteer of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: AssignmentId,
    pub team_id: TeamId,
    pub volunteer_id: Option<MemberId>,
    pub target: AssignmentTarget,
}
