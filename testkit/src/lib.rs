//! # tungnha-testkit
//!
//! One test kit for Từng Nhà: the realistic commune that core tests, end-to-end tests,
//! benchmarks and the server's demo all need, built once, from a seed.
//!
//! - [`names`]: Vietnamese names by region and ethnicity (Kinh north and south, Thái,
//!   Mông, Tày/Nùng, Mường, Khmer) and the mix of a place ([`names::Population`]).
//! - [`people`]: a person with consent, a team member with a role, a mobile number.
//! - [`household`]: households of a population: head, spouse, children; phones,
//!   locations, indicators ([`household::Family`]).
//! - [`visits`]: guidance sessions (attendees, skills, actions, apps, topics, notes).
//! - [`catalog`]: seeded picks of skill, topic and action codes, from the core's catalog.
//! - [`calendar`]: the 10-day drive of October 2024 and its moments; campaigns.
//! - [`clock`]: clocks a test moves ([`clock::ManualClock`], [`clock::OffsetClock`]).
//! - [`units`]: real communes of the 2025 structure.
//! - [`commune`]: the seeded builder of a whole commune into a core store
//!   ([`commune::CommuneBuilder`]), which returns the ids it made.
//! - [`measure`]: medians, quantiles and numbers as the benchmarks print them.
//! - [`ids`]: fresh, realistic ids for recorded operations (benchmarks that replay one
//!   recording as many).
//!
//! It depends on the core only: the server's demo uses it, so it cannot depend on the
//! server. Server harnesses live in the end-to-end crate (`tests/`).

pub mod calendar;
pub mod catalog;
pub mod clock;
pub mod commune;
pub mod household;
pub mod ids;
pub mod measure;
pub mod names;
pub mod people;
pub mod units;
pub mod visits;

pub use clock::{ManualClock, OffsetClock};
pub use commune::{Commune, CommuneBuilder, TeamPlan};
pub use names::{Group, Population};
