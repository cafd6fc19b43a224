//! What an official's or team leader's setup screens send and show: villages, teams and
//! their members, assignments. (Most devices receive these through sync instead.)

use crate::time::LocalDay;
use tungnha_core::ids::{MemberId, TeamId, VillageId};
use tungnha_core::model::{self as core, Organisation, Team, TeamMember, Training, Village};

/// A village, hamlet or residential group under a commune.
#[uniffi::remote(Record)]
pub struct Village {
    pub id: VillageId,
    /// Key of the commune in the official list of units, e.g. `2025:c:04000`.
    pub commune_key: String,
    pub name: String,
}

/// The organisation a team member comes from.
#[uniffi::remote(Enum)]
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
    /// Another organisation, by name.
    Other(String),
}

/// A role in a team (roles are configurable per province); `can_verify` marks the roles
/// that verify skills and correct levels (a team leader).
pub type TeamRole = core::Role;
#[uniffi::remote(Record)]
pub struct TeamRole {
    pub code: String,
    pub name_vi: String,
    #[uniffi(default = false)]
    pub can_verify: bool,
}

/// A completed training, e.g. the national online course.
#[uniffi::remote(Record)]
pub struct Training {
    pub course: String,
    pub completed_on: LocalDay,
}

/// A member of a team.
#[uniffi::remote(Record)]
pub struct TeamMember {
    pub id: MemberId,
    pub full_name: String,
    pub phone: Option<String>,
    pub organisation: Organisation,
    pub role: TeamRole,
    pub trainings: Vec<Training>,
}

#[uniffi::remote(Record)]
pub struct Team {
    pub id: TeamId,
    pub commune_key: String,
    pub name: String,
    pub members: Vec<TeamMember>,
}

/// A member to add with a new team.
///
/// Hand-made: the core's `TeamMember` carries an id, which the core makes on the device
/// (the app never makes ids), and the trainings, which this screen does not enter.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TeamMemberInput {
    pub full_name: String,
    pub organisation: Organisation,
    pub role: TeamRole,
    #[uniffi(default = None)]
    pub phone: Option<String>,
}

/// A new team (Tổ CNSCĐ) of a commune.
///
/// Hand-made because its members are [`TeamMemberInput`]s (the core's `NewTeam` holds
/// whole `TeamMember`s, ids included).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TeamInput {
    pub commune_key: String,
    pub name: String,
    pub members: Vec<TeamMemberInput>,
}

impl From<TeamInput> for core::NewTeam {
    fn from(t: TeamInput) -> Self {
        Self {
            commune_key: t.commune_key,
            name: t.name,
            members: t
                .members
                .into_iter()
                .map(|m| core::TeamMember {
                    id: MemberId::new(),
                    full_name: m.full_name,
                    phone: m.phone,
                    organisation: m.organisation,
                    role: m.role,
                    trainings: vec![],
                })
                .collect(),
        }
    }
}
