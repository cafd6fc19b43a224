//! Small shared types of the surface: problems, locations, the enums the screens switch
//! on, and the "saved" answer. Each mirrors a core type and converts at the edge.

use tungnha_core::model as core;
use tungnha_core::problem as cp;

/// The stable snake_case spelling of a core enum (the same as on the wire).
pub(crate) fn code_text<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Whether a problem blocks the save (errors) or is only shown (warnings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem with one field: show `message_vi` next to `field`; map `code` (stable,
/// e.g. `phone_bad_length`) to your own strings if you need to.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Problem {
    /// Dotted path of the field, e.g. `phone`, `attendees[2].person_id`.
    pub field: String,
    pub code: String,
    pub severity: Severity,
    pub message_vi: String,
    pub message_en: String,
}

impl From<cp::Problem> for Problem {
    fn from(p: cp::Problem) -> Self {
        Self {
            field: p.field,
            code: p.code.as_str(),
            severity: match p.severity {
                cp::Severity::Error => Severity::Error,
                cp::Severity::Warning => Severity::Warning,
            },
            message_vi: p.message_vi,
            message_en: p.message_en,
        }
    }
}

pub(crate) fn problems(ps: Vec<cp::Problem>) -> Vec<Problem> {
    ps.into_iter().map(Problem::from).collect()
}

/// A saved record's id, with the warnings to show (they never block a save).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Saved {
    pub id: String,
    pub warnings: Vec<Problem>,
}

impl<T: std::fmt::Display> From<tungnha_core::store::Saved<T>> for Saved {
    fn from(s: tungnha_core::store::Saved<T>) -> Self {
        Self { id: s.id.to_string(), warnings: problems(s.warnings) }
    }
}

/// A location, rounded by the core to about 1 km before it is stored.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

impl From<core::CoarseLocation> for Location {
    fn from(l: core::CoarseLocation) -> Self {
        Self { lat: l.lat, lon: l.lon }
    }
}

impl From<Location> for core::CoarseLocation {
    fn from(l: Location) -> Self {
        Self { lat: l.lat, lon: l.lon }
    }
}

mirror_enum!(
    /// Where a household stands on the volunteer's list.
    HouseholdStatus => core::HouseholdStatus { NotVisited, Visited, GoalReached }
);
mirror_enum!(
    /// How far a person has come with one skill (only moves up, except a leader's correction).
    SkillLevel => core::SkillLevel { NotStarted, Guided, SelfReported, Verified }
);
mirror_enum!(Sex => core::Sex { Female, Male });
mirror_enum!(
    /// Relation to the head of household.
    Relation => core::Relation { Head, Spouse, Child, Parent, Grandchild, Sibling, OtherRelative, NonRelative }
);
mirror_enum!(
    /// How a self-report reached us.
    Channel => core::Channel { App, Web, Volunteer }
);
mirror_enum!(
    /// What a device is enrolled as.
    Role => tungnha_core::sync::Role { Citizen, Volunteer, TeamLeader, CommuneOfficial, ProvinceOfficial }
);

/// One entry of the skill, topic or action catalog: a stable code and its names.
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

    #[test]
    fn enums_convert_both_ways_and_codes_are_snake_case() {
        for l in core::SkillLevel::ALL {
            assert_eq!(core::SkillLevel::from(SkillLevel::from(l)), l);
        }
        assert_eq!(code_text(core::Relation::OtherRelative), "other_relative");
        assert_eq!(core::Relation::from(Relation::NonRelative), core::Relation::NonRelative);
    }
}
