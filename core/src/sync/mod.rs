//! Sync: the protocol both sides speak (`protocol`), the merge rules both sides apply
//! (`merge`), the compact wire encoding (`codec`), and the device's sync client
//! (`client`) over a [`Transport`](client::Transport) trait. No HTTP client lives here:
//! the production transport is in `http` behind the `http` feature.
//!
//! The protocol is written down in `docs/sync-protocol.md`; this module follows it.

pub mod client;
pub mod codec;
pub mod enrol_link;
#[cfg(feature = "http")]
pub mod http;
pub mod merge;
pub mod protocol;

pub use merge::{apply_op, FieldConflict, MergeError, RecordState};
pub use protocol::*;
