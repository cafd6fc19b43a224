//! # tungnha-bindings
//!
//! The core ([`tungnha_core`]) for Kotlin and Swift, through uniffi (proc-macros, bindings
//! generated in library mode by this workspace's `uniffi-bindgen`). This crate is glue
//! only: it converts types (ids become strings, instants become `java.time.Instant` /
//! `Date`, days become `java.time.LocalDate`) and errors (one small [`TungNhaError`]) at
//! the edge, and holds no rule of its own.
//!
//! The surface is shaped for the app screens: [`Database`] (open, enrol, sync with a
//! [`SyncListener`] and a [`SyncCancel`], assignment lists, household detail, search,
//! recording visits and self-reports, figures, refused operations and conflicts, and the
//! setup an official does), plus the catalogs the screens show.

uniffi::setup_scaffolding!();

mod database;
mod error;
mod figures;
mod household;
mod model;
mod setup;
mod sync;
mod time;
mod visit;

pub use database::Database;
pub use error::TungNhaError;
pub use figures::{ActionFigure, DayFigure, DayRange, FigureScope, Figures, IndicatorFigure, SkillFigure, TopicFigure};
pub use household::{
    Consent, Household, HouseholdDetail, HouseholdIndicators, HouseholdInput, HouseholdSummary, Member, Person, PersonInput, SearchHit,
    SkillProgress, TodaysWork,
};
pub use model::{CatalogEntry, Channel, HouseholdStatus, Location, Problem, Relation, Role, Saved, Severity, Sex, SkillLevel};
pub use setup::{Organisation, Team, TeamInput, TeamMember, TeamMemberInput, Village};
pub use sync::{Conflict, Enrolment, RejectedOp, SyncCancel, SyncListener, SyncPhase, SyncProgress, SyncReport, SyncSettings};
pub use time::LocalDay;
pub use visit::{Attendee, SelfReport, SelfReportInput, Visit, VisitInput, VisitPlace};

use tungnha_core::catalog;

/// The 5 basic digital skills, in the order of the source plan.
#[uniffi::export]
pub fn skills() -> Vec<CatalogEntry> {
    catalog::SKILLS.iter().map(Into::into).collect()
}

/// The campaign's guidance topics.
#[uniffi::export]
pub fn topics() -> Vec<CatalogEntry> {
    catalog::TOPICS.iter().map(Into::into).collect()
}

/// Per-person actions a visit can record.
#[uniffi::export]
pub fn actions() -> Vec<CatalogEntry> {
    catalog::ACTIONS.iter().map(Into::into).collect()
}

/// The core's version, e.g. for an "about" screen and bug reports.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
