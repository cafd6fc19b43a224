//! The end-to-end harness: a real `tungnha` server (SQLite or PostgreSQL) on 127.0.0.1,
//! devices that are real core stores on real files, talking real HTTP through a
//! transport that injects faults. See `tests/tests/convergence.rs` for the scenarios.

pub mod faults;
pub mod world;

pub use faults::{Faults, FaultyTransport};
pub use world::{Device, ServerHandle, World};
pub mod hostile;
pub mod ids;
