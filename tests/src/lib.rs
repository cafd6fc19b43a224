//! The end-to-end harness: a real `tungnha` server (SQLite or PostgreSQL) on 127.0.0.1,
//! devices that are real core stores on real files, talking real HTTP.
//!
//! - [`server`]: the server of a test ([`TestServer`]), restartable; [`Backend`] and
//!   [`on_both_backends!`].
//! - [`env`]: a server with its dashboard and enrolled phones ([`Env`], [`Phone`]), code
//!   requests for each role; used by these tests and the server crate's own.
//! - [`commune`]: a commune set up by its official's phone with the test kit's builder.
//! - [`faults`], [`world`]: phones whose link loses, repeats and reorders requests, and
//!   whose transactions die before commit (`tests/tests/convergence.rs`).
//! - [`hostile`]: operations broken in generated ways (`tests/tests/hostile.rs`).
//!
//! The data (names, households, campaigns, clocks) comes from `tungnha-testkit`.

pub mod commune;
pub mod env;
pub mod faults;
pub mod hostile;
pub mod server;
pub mod world;

pub use commune::{commune, Commune};
pub use env::{Env, Phone};
pub use faults::{Faults, FaultyTransport};
pub use server::{Backend, TestServer};
pub use world::{Device, World};
