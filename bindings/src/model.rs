//! Small shared types of the surface: problems, locations, the enums the screens switch
//! on, what a save answers, and the catalogs. Each is the core's own type crossed as a uniffi
//! remote type: the definitions below re-declare the core's (uniffi generates the FFI for
//! the core's type from them; the compiler fails if one does not match).

use tungnha_core::ids::{HouseholdId, PersonId, SelfReportId, VisitId};
use tungnha_core::model::{Channel, CoarseLocation, HouseholdStatus, Relation, Sex, SkillLevel};
use tungnha_core::problem::{Problem, ProblemCode, Severity};
use tungnha_core::search::MatchRank;
use tungnha_core::store::Saved;
use tungnha_core::sync::Role;

/// The stable snake_case spelling of a core enum (the same as on the wire).
pub(crate) fn code_text<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A core enum from its snake_case spelling.
pub(crate) fn from_code_text<T: serde::de::DeserializeOwned>(text: String) -> serde_json::Result<T> {
    serde_json::from_value(serde_json::Value::String(text))
}

// A problem's code crosses as its stable snake_case text (e.g. `phone_bad_length`), so an
// app maps codes to its own strings without a new enum case per rule.
uniffi::custom_type!(ProblemCode, String, {
    remote,
    lower: |c| c.as_str(),
    try_lift: |s| Ok(from_code_text(s)?),
});

/// Whether a problem blocks the save (errors) or is only shown (warnings).
#[uniffi::remote(Enum)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem with one field: show `message_vi` next to `field`; map `code` (stable,
/// e.g. `phone_bad_length`) to your own strings if you need to.
#[uniffi::remote(Record)]
pub struct Problem {
    /// Dotted path of the field, e.g. `phone`, `attendees[2].person_id`.
    pub field: String,
    pub code: ProblemCode,
    pub severity: Severity,
    pub message_vi: String,
    pub message_en: String,
}

/// A saved household's id, with the warnings to show (they never block a save).
pub type SavedHousehold = Saved<HouseholdId>;
#[uniffi::remote(Record)]
pub struct SavedHousehold {
    pub id: HouseholdId,
    pub warnings: Vec<Problem>,
}

/// A saved person's id, with the warnings to show.
pub type SavedPerson = Saved<PersonId>;
#[uniffi::remote(Record)]
pub struct SavedPerson {
    pub id: PersonId,
    pub warnings: Vec<Problem>,
}

/// A saved visit's id, with the warnings to show (e.g. outside the campaign's days).
pub type SavedVisit = Saved<VisitId>;
#[uniffi::remote(Record)]
pub struct SavedVisit {
    pub id: VisitId,
    pub warnings: Vec<Problem>,
}

/// A saved self-report's id, with the warnings to show.
pub type SavedSelfReport = Saved<SelfReportId>;
#[uniffi::remote(Record)]
pub struct SavedSelfReport {
    pub id: SelfReportId,
    pub warnings: Vec<Problem>,
}

/// A location, rounded by the core to about 1 km before it is stored.
pub type Location = CoarseLocation;
#[uniffi::remote(Record)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

/// Where a household stands on the volunteer's list.
#[uniffi::remote(Enum)]
pub enum HouseholdStatus {
    NotVisited,
    Visited,
    /// At least the goal number of members master all 5 skills.
    GoalReached,
}

/// How far a person has come with one skill (only moves up, except a leader's correction).
#[uniffi::remote(Enum)]
pub enum SkillLevel {
    NotStarted,
    /// A volunteer guided the person through it.
    Guided,
    /// The person says they can do it themselves.
    SelfReported,
    /// A team leader saw the person do it.
    Verified,
}

#[uniffi::remote(Enum)]
pub enum Sex {
    Female,
    Male,
}

/// Relation to the head of household.
#[uniffi::remote(Enum)]
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

/// How a self-report reached us.
#[uniffi::remote(Enum)]
pub enum Channel {
    App,
    Web,
    /// Told to a volunteer, who entered it on the citizen's behalf.
    Volunteer,
}

/// What a device is enrolled as.
#[uniffi::remote(Enum)]
pub enum Role {
    Citizen,
    Volunteer,
    TeamLeader,
    CommuneOfficial,
    ProvinceOfficial,
}

/// How well a search hit matched (hits come best first).
#[uniffi::remote(Enum)]
pub enum MatchRank {
    /// A member's whole name is the query.
    WholeName,
    /// Every word of the query begins a word of the household's address, village or names.
    WordPrefix,
    /// Every word of the query occurs somewhere in them.
    Substring,
}

/// One entry of the skill, topic or action catalog: a stable code and its names.
///
/// Hand-made: the core's catalog (`catalog::Entry`) is compile-time data of `&'static str`,
/// which a uniffi record cannot carry (lifting one would need a `'static` string).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CatalogEntry {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

impl From<&tungnha_core::catalog::Entry> for CatalogEntry {
    fn from(e: &tungnha_core::catalog::Entry) -> Self {
        Self { code: e.code.into(), name_vi: e.name_vi.into(), name_en: e.name_en.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uniffi::{Lift, Lower};

    #[test]
    fn codes_cross_as_their_snake_case_text() {
        let lowered = <ProblemCode as Lower<crate::UniFfiTag>>::lower(ProblemCode::PhoneBadLength);
        assert_eq!(<ProblemCode as Lift<crate::UniFfiTag>>::try_lift(lowered).expect("lift"), ProblemCode::PhoneBadLength);
        assert_eq!(code_text(Relation::OtherRelative), "other_relative");
        assert_eq!(from_code_text::<Relation>("non_relative".into()).expect("known"), Relation::NonRelative);
    }
}
