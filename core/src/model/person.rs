use crate::ids::{HouseholdId, MemberId, PersonId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

/// Relation to the head of household (quan hệ với chủ hộ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Head,
    Spouse,
    Child,
    Parent,
    Grandchild,
    Sibling,
    OtherRelative,
    NonRelative,
}

/// Consent to keep a person's personal data (Law 91/2025/QH15): who gave it, when, for
/// what purpose, and which team member recorded it. Without it, no personal field is
/// stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// Name of whoever consented (the person, or the head of household for a child).
    pub given_by: String,
    pub given_at: DateTime<Utc>,
    /// The purpose as shown to the citizen, e.g. "hướng dẫn kỹ năng số, báo cáo kết quả".
    pub purpose: String,
    pub recorded_by: Option<MemberId>,
}

/// Input for a new person. No national ID number exists in this model on purpose: VNeID
/// activation is recorded as a yes/no fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPerson {
    pub full_name: String,
    pub birth_year: Option<i32>,
    pub sex: Option<Sex>,
    pub relation: Relation,
    pub phone: Option<String>,
    pub consent: Option<Consent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub household_id: HouseholdId,
    pub full_name: String,
    pub birth_year: Option<i32>,
    pub sex: Option<Sex>,
    pub relation: Relation,
    pub phone: Option<String>,
    pub vneid_activated: bool,
    pub consent: Consent,
}
