//! What the team leader's and the citizen's screens show, read from the store: what a
//! device received when it enrolled ([`EnrolmentSummary`]), a team's progress against its
//! campaign's targets with each member's work ([`TeamProgress`]), and a citizen's
//! household with each person's skills ([`CitizenHome`]). Editing (verification,
//! correction, self-report) is in [`crate::forms`]; issuing codes is
//! [`crate::sync::client::issue_code`] with the QR payload of [`crate::sync::enrol_link`].

pub mod citizen;
pub mod enrolment;
pub mod team;

pub use citizen::{CitizenHome, CitizenPerson};
pub use enrolment::EnrolmentSummary;
pub use team::{MemberActivity, TeamProgress};
