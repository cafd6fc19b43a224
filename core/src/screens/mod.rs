//! What the read-only screens show, computed from the store as plain structs: the
//! volunteer's home ([`home`]), a household's detail with each member's skill ladder and
//! visit history ([`household`]), the sync status with what the server refused and what
//! the person can do about it ([`sync_status`]), the app's settings ([`settings`]), what a
//! device received when it enrolled ([`enrolment`]), a team's progress against its
//! campaign's targets with each member's work ([`team`]), and a citizen's household with
//! each person's skills ([`citizen`]). Editing is in [`crate::forms`]; issuing codes is
//! [`crate::sync::client::issue_code`] with the QR payload of [`crate::sync::enrol_link`].
//! The apps render these as they are: every count, filter, label source and choice is
//! decided here, once for Android and iOS.

pub mod citizen;
pub mod enrolment;
pub mod home;
pub mod household;
pub mod settings;
pub mod sync_status;
pub mod team;

pub use citizen::{CitizenHome, CitizenPerson};
pub use enrolment::EnrolmentSummary;
pub use home::{FilterCounts, HomeQuery, HomeScreen, HouseholdFilter, VillageChip};
pub use household::{HouseholdScreen, LadderStep, MemberLadder, SkillSource, VisitAttendee, VisitEntry};
pub use settings::{Language, PrivacyNotice, Settings, SettingsScreen};
pub use sync_status::{ConflictChoice, ConflictItem, RefusedAction, RefusedItem, SyncStatus};
pub use team::{MemberActivity, TeamProgress};
