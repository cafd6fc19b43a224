//! The sync engine, written once against the storage's [`Tx`](crate::storage::Tx)
//! interface and run by both backends inside their own transactions:
//!
//! - [`push::push`] applies a request's ops exactly as `docs/sync-protocol.md` §2 says:
//!   op log idempotency, per-device seq order, scope, validation, merge, conflicts;
//! - [`pull::pull`] pages through the caller's scope in change-sequence order.

pub(crate) mod check;
pub(crate) mod hash;
pub(crate) mod pull;
pub(crate) mod push;
pub(crate) mod reject;
pub mod scope;
