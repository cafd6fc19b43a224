//! What the read-only screens show, computed from the store as plain structs: the
//! volunteer's home ([`home`]), a household's detail with each member's skill ladder and
//! visit history ([`household`]), the sync status with what the server refused and what
//! the person can do about it ([`sync_status`]), and the app's settings ([`settings`]).
//! The apps render these as they are: every count, filter, label source and choice is
//! decided here, once for Android and iOS.

pub mod home;
pub mod household;
pub mod settings;
pub mod sync_status;

pub use home::{FilterCounts, HomeQuery, HomeScreen, HouseholdFilter, VillageChip};
pub use household::{HouseholdScreen, LadderStep, MemberLadder, SkillSource, VisitAttendee, VisitEntry};
pub use settings::{Language, PrivacyNotice, Settings, SettingsScreen};
pub use sync_status::{RefusedAction, RefusedItem, SyncStatus};
