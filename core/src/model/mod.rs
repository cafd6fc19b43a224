//! The domain model: what Từng Nhà stores. Plain data, serde-serialisable (the outbox
//! and the sync wire carry these), with no storage or network code.

mod campaign;
mod household;
mod patch;
mod person;
mod progress;
mod self_report;
mod team;
mod visit;

pub use campaign::{Campaign, Deadline, LocalTopic, NewCampaign, Targets};
pub use household::{CoarseLocation, Household, HouseholdIndicators, HouseholdStatus, HouseholdSummary, NewHousehold, Village};
pub use patch::{HouseholdPatch, PersonPatch};
pub use person::{Consent, NewPerson, Person, Relation, Sex};
pub use progress::{SkillCorrection, SkillLevel, SkillProgress, SkillVerification};
pub use self_report::{Channel, NewSelfReport, SelfReport};
pub use team::{Assignment, AssignmentTarget, NewTeam, Organisation, Role, Team, TeamMember, Training};
pub use visit::{Attendee, NewVisit, Visit, VisitPlace};
