//! What an official's or team leader's setup screens send: villages, teams and their
//! members, assignments. (Most devices receive these through sync instead.)

use tungnha_core::ids::MemberId;
use tungnha_core::model as core;

/// A village, hamlet or residential group under a commune.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Village {
    pub id: String,
    /// Key of the commune in the official list of units, e.g. `2025:c:04000`.
    pub commune_key: String,
    pub name: String,
}

impl From<core::Village> for Village {
    fn from(v: core::Village) -> Self {
        Self { id: v.id.to_string(), commune_key: v.commune_key, name: v.name }
    }
}

/// The organisation a team member comes from.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
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
    Other { name: String },
}

impl From<core::Organisation> for Organisation {
    fn from(o: core::Organisation) -> Self {
        use core::Organisation as O;
        match o {
            O::YouthUnion => Self::YouthUnion,
            O::WomensUnion => Self::WomensUnion,
            O::FarmersUnion => Self::FarmersUnion,
            O::CooperativeAlliance => Self::CooperativeAlliance,
            O::PostOffice => Self::PostOffice,
            O::Telecom => Self::Telecom,
            O::ItCompany => Self::ItCompany,
            O::CommuneOfficial => Self::CommuneOfficial,
            O::Police => Self::Police,
            O::School => Self::School,
            O::Other(name) => Self::Other { name },
        }
    }
}

impl From<Organisation> for core::Organisation {
    fn from(o: Organisation) -> Self {
        use Organisation as O;
        match o {
            O::YouthUnion => Self::YouthUnion,
            O::WomensUnion => Self::WomensUnion,
            O::FarmersUnion => Self::FarmersUnion,
            O::CooperativeAlliance => Self::CooperativeAlliance,
            O::PostOffice => Self::PostOffice,
            O::Telecom => Self::Telecom,
            O::ItCompany => Self::ItCompany,
            O::CommuneOfficial => Self::CommuneOfficial,
            O::Police => Self::Police,
            O::School => Self::School,
            O::Other { name } => Self::Other(name),
        }
    }
}

/// A member of a team, with their role (roles are configurable per province).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TeamMember {
    pub id: String,
    pub full_name: String,
    pub phone: Option<String>,
    pub organisation: Organisation,
    pub role_code: String,
    pub role_name_vi: String,
    /// Whether the role verifies skills and corrects levels (a team leader).
    pub can_verify: bool,
}

impl From<core::TeamMember> for TeamMember {
    fn from(m: core::TeamMember) -> Self {
        Self {
            id: m.id.to_string(),
            full_name: m.full_name,
            phone: m.phone,
            organisation: m.organisation.into(),
            role_code: m.role.code,
            role_name_vi: m.role.name_vi,
            can_verify: m.role.can_verify,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Team {
    pub id: String,
    pub commune_key: String,
    pub name: String,
    pub members: Vec<TeamMember>,
}

impl From<core::Team> for Team {
    fn from(t: core::Team) -> Self {
        Self { id: t.id.to_string(), commune_key: t.commune_key, name: t.name, members: t.members.into_iter().map(Into::into).collect() }
    }
}

/// A member to add with a new team; the id is made on the device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TeamMemberInput {
    pub full_name: String,
    pub organisation: Organisation,
    pub role_code: String,
    pub role_name_vi: String,
    #[uniffi(default = false)]
    pub can_verify: bool,
    #[uniffi(default = None)]
    pub phone: Option<String>,
}

/// A new team (Tổ CNSCĐ) of a commune.
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
                    organisation: m.organisation.into(),
                    role: core::Role { code: m.role_code, name_vi: m.role_name_vi, can_verify: m.can_verify },
                    trainings: vec![],
                })
                .collect(),
        }
    }
}
