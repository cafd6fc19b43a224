//! # tungnha-bindings
//!
//! The core ([`tungnha_core`]) for Kotlin and Swift, through uniffi (proc-macros, bindings
//! generated in library mode by this workspace's `uniffi-bindgen`). This crate is glue
//! only. The core's records and enums cross as they are, as uniffi *remote* types (each
//! module re-declares the core's definitions it exposes; the compiler checks them against
//! the core), and its ids, times and days as custom types (ids as UUID text, instants as
//! `java.time.Instant` / `Date`, days as `java.time.LocalDate` / ISO text). Hand-made types
//! remain only where an app's input differs from the core's model, or where a core value
//! cannot cross as it is (see bindings/README.md). Errors become one [`TungNhaError`], with
//! the core's typed `ErrorCode` and the `ErrorAction` the core decides for it. No rule
//! lives here.
//!
//! The surface is shaped for the app screens: [`Database`] (open, enrol, sync with a
//! [`SyncListener`] and a [`SyncCancel`], assignment lists, household detail, search,
//! figures, refused operations and conflicts, the setup an official does), the editing
//! screens' forms ([`HouseholdForm`], [`VisitForm`], [`SelfReportForm`],
//! [`VerificationForm`], [`CorrectionForm`]: the core's drafts, problems per field as the
//! person types), the read-only screens (`home`, `householdScreen`, `syncStatus` with the fix
//! of a refused visit, `settingsScreen`: the core's `screens` module), and the catalogs the
//! screens show.

uniffi::setup_scaffolding!();

mod database;
mod error;
mod figures;
mod forms;
mod household;
mod ids;
mod leader;
mod model;
mod screens;
mod setup;
mod sync;
mod time;
mod visit;

pub use database::Database;
pub use error::{error_action, error_message_en, error_message_vi, TungNhaError};
pub use figures::{DayRange, FigureScope};
pub use forms::{
    consent_purpose, learn_more, skill_choices, ConsentPurpose, CorrectionForm, HouseholdForm, LearnMore, SelfReportForm, SkillChoice,
    VerificationForm, VisitForm,
};
pub use household::{HouseholdInput, Member, PersonInput};
pub use leader::{enrol_link, parse_enrol_input};
pub use model::{CatalogEntry, Location, SavedHousehold, SavedPerson, SavedSelfReport, SavedVisit};
pub use setup::{TeamInput, TeamMemberInput, TeamRole};
pub use sync::{Conflict, Enrolment, FieldValue, RecordKind, SyncCancel, SyncListener, SyncSettings};
pub use time::{LocalDay, Timestamp};
pub use visit::{SelfReportInput, VisitInput};

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
