//! # tungnha-bindings
//!
//! The core ([`tungnha_core`]) for Kotlin and Swift, through uniffi (proc-macros, bindings
//! generated in library mode by this workspace's `uniffi-bindgen`). This crate is glue
//! only: it converts types (ids become strings, instants become `java.time.Instant` /
//! `Date`, days become `java.time.LocalDate`) and errors (one [`TungNhaError`], with a
//! typed [`ErrorCode`] and the [`ErrorAction`] the core decides for it) at the edge, and
//! holds no rule of its own.
//!
//! The surface is shaped for the app screens: [`Database`] (open, enrol, sync with a
//! [`SyncListener`] and a [`SyncCancel`], assignment lists, household detail, search,
//! recording visits and self-reports, figures, refused operations and conflicts, and the
//! setup an official does), plus the catalogs the screens show.

uniffi::setup_scaffolding!();

/// Mirror a fieldless core enum, converting both ways (declared before the modules that use it).
macro_rules! mirror_enum {
    ($(#[$doc:meta])* $name:ident => $core:path { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl From<$core> for $name {
            fn from(v: $core) -> Self {
                use $core as C;
                match v { $(C::$variant => Self::$variant),+ }
            }
        }

        impl From<$name> for $core {
            fn from(v: $name) -> Self {
                use $core as C;
                match v { $($name::$variant => C::$variant),+ }
            }
        }
    };
}

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
pub use error::{ErrorAction, ErrorCode, TungNhaError};
pub use figures::{ActionFigure, DayFigure, DayRange, FigureScope, Figures, IndicatorFigure, SkillFigure, TopicFigure};
pub use household::{
    Consent, Household, HouseholdDetail, HouseholdIndicators, HouseholdInput, HouseholdSummary, Member, Person, PersonInput, SearchHit,
    SkillProgress, TodaysWork,
};
pub use model::{CatalogEntry, Channel, HouseholdStatus, Location, Problem, Relation, Role, Saved, Severity, Sex, SkillLevel};
pub use setup::{Organisation, Team, TeamInput, TeamMember, TeamMemberInput, Village};
pub use sync::{Conflict, Enrolment, RejectCode, RejectedOp, SyncCancel, SyncListener, SyncPhase, SyncProgress, SyncReport, SyncSettings};
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
