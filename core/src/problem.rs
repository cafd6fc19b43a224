//! Problems found in input: each one a value with the field it concerns, a stable code
//! the apps can map to their own strings, and a message in Vietnamese and English.
//!
//! Errors block a save; warnings (e.g. a visit outside the campaign window) are shown
//! to the volunteer but never block: in the field, a slightly odd record is better than
//! a lost one.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether a problem blocks the save.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// Stable problem codes. Apps map these to their own strings; never renumber or rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    Required,
    TooLong,
    ControlCharacter,
    NoLetters,
    PhoneBadCharacters,
    PhoneBadLength,
    PhoneUnknownPrefix,
    BirthYearOutOfRange,
    TimeInFuture,
    TimeImplausiblyOld,
    UnknownSkill,
    UnknownTopic,
    UnknownAction,
    PersonNotInHousehold,
    UnknownPerson,
    UnknownHousehold,
    UnknownVillage,
    UnknownTeam,
    UnknownCampaign,
    UnknownCommune,
    UnknownVisit,
    ConsentMissing,
    DuplicateEntry,
    NoAttendees,
    NoTopics,
    OutsideCampaignWindow,
    AlreadySuperseded,
    LevelNotHigher,
    NotALeader,
    BadDateRange,
    BadCoordinates,
    HeadMustBeMember,
    NothingChanged,
    /// A record that does not decode into its type (a bug or a hostile sender).
    Malformed,
    /// An edit to a field that cannot be edited after creation.
    NotEditable,
    /// A list longer than the model allows.
    TooMany,
    /// The record's author is not the person the sending device acts for.
    WrongAuthor,
    /// A person named as a team member (volunteer, assignee) is not in the team.
    NotAMember,
    /// A number outside the range a setting allows (e.g. the text size).
    ValueOutOfRange,
    /// Not an enrolment code (8 characters of the code alphabet), nor a Từng Nhà QR code.
    BadEnrolmentCode,
    /// Not the address of a server (`https://…`).
    BadServerAddress,
}

impl ProblemCode {
    /// The code as the apps and the wire see it, e.g. `phone_bad_length`.
    pub fn as_str(self) -> String {
        // serde is the single source of the spelling.
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
}

impl ProblemCode {
    /// Problems that only say a device's clock was wrong. A phone refuses to save them
    /// (its user can fix the time); the server accepts a fact that has them, since the
    /// fact is real and the clock was the phone's.
    pub fn is_clock(self) -> bool {
        matches!(self, ProblemCode::TimeInFuture | ProblemCode::TimeImplausiblyOld)
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Dotted path of the field, e.g. `phone`, `attendees[2].person_id`.
    pub field: String,
    pub code: ProblemCode,
    pub severity: Severity,
    pub message_vi: String,
    pub message_en: String,
}

impl Problem {
    pub fn error(field: impl Into<String>, code: ProblemCode, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self { field: field.into(), code, severity: Severity::Error, message_vi: vi.into(), message_en: en.into() }
    }

    pub fn warning(field: impl Into<String>, code: ProblemCode, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self { field: field.into(), code, severity: Severity::Warning, message_vi: vi.into(), message_en: en.into() }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]: {} / {}", self.field, self.code, self.message_vi, self.message_en)
    }
}

/// A collection of problems built up while checking one record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }

    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Problem::is_error)
    }

    /// Errors other than clock problems: what a record cannot be cleaned past. A
    /// validator still returns its clean value when only clock problems remain; a phone
    /// refuses to save it anyway ([`Problems::accept`]).
    pub fn has_content_errors(&self) -> bool {
        self.0.iter().any(|p| p.is_error() && !p.code.is_clock())
    }

    /// A validator's result as a phone saves it: the clean value if nothing is wrong,
    /// else every problem (clock problems included).
    pub fn accept<T>(clean: Option<T>, problems: Problems) -> Result<(T, Vec<Problem>), crate::CoreError> {
        match clean {
            Some(v) if !problems.has_errors() => Ok((v, problems.warnings())),
            _ => Err(crate::CoreError::Invalid(problems)),
        }
    }

    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| p.is_error())
    }

    pub fn warnings(&self) -> Vec<Problem> {
        self.0.iter().filter(|p| !p.is_error()).cloned().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Fields are reported under a prefix when a record is nested in another
    /// (`head.full_name`, `attendees[1].skills_guided`).
    pub fn prefixed(mut self, prefix: &str) -> Self {
        for p in &mut self.0 {
            p.field = format!("{prefix}.{}", p.field);
        }
        self
    }

    /// `Ok(warnings)` when nothing blocks, otherwise the whole list as an error.
    pub fn into_result(self) -> Result<Vec<Problem>, crate::CoreError> {
        if self.has_errors() {
            Err(crate::CoreError::Invalid(self))
        } else {
            Ok(self.0)
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            p.fmt(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_snake_case() {
        assert_eq!(ProblemCode::PhoneBadLength.as_str(), "phone_bad_length");
        assert_eq!(ProblemCode::ConsentMissing.to_string(), "consent_missing");
    }

    #[test]
    fn warnings_do_not_block() {
        let mut ps = Problems::new();
        ps.push(Problem::warning("occurred_at", ProblemCode::OutsideCampaignWindow, "ngoài đợt", "outside"));
        assert_eq!(ps.clone().into_result().expect("only warnings").len(), 1);
        ps.push(Problem::error("phone", ProblemCode::PhoneBadLength, "sai", "wrong"));
        assert!(ps.into_result().is_err());
    }
}
