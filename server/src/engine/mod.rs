//! The sync engine, written once against the transaction port ([`ports::Tx`]) that both
//! storage backends implement:
//!
//! - [`push::run`] applies a request's ops exactly as `docs/sync-protocol.md` §2 says —
//!   op log idempotency, per-device seq order, clocks, scope, canonical records
//!   ([`check`]), merge, conflicts — then numbers the changes and commits;
//! - [`pull::pull`] pages through the caller's scope ([`scope`]) in change order.
//!
//! The engine owns its ports ([`ports`]); storage implements them and never calls back.

pub(crate) mod check;
pub mod hash;
pub mod ports;
pub mod pull;
pub mod push;
pub(crate) mod reject;
pub mod scope;
pub mod state;
pub(crate) mod write_behind;
