//! # tungnha-core
//!
//! The shared heart of Từng Nhà: the domain model (households, people, visits, the
//! skill catalog, campaigns, teams), the one place where every validation rule lives,
//! the offline-first local store (SQLite) with its outbox, and the progress figures the
//! reports need. No uniffi and no HTTP client live here: the bindings crate wraps this
//! crate for Kotlin/Swift, and sync talks to the network through a trait.
//!
//! A newcomer's path through the code: [`model`] (what we store) → [`validate`] (what
//! is allowed, with Vietnamese/English messages from [`problem`]) → [`store`] (how it is
//! kept, queried and queued for sync) → [`figures`] (what officials report).

pub mod catalog;
pub mod clock;
pub mod error;
pub mod figures;
pub mod forms;
pub mod hlc;
pub mod ids;
pub mod model;
pub mod problem;
pub mod screens;
pub mod search;
pub mod store;
pub mod sync;
pub mod units;
pub mod validate;

pub use error::{CoreError, CoreResult};
pub use problem::{Problem, Problems, Severity};
pub use store::Store;
