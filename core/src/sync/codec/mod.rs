//! The wire encoding of sync messages: a compact columnar binary form of the message's
//! JSON value, compressed with zstd. Kept behind [`encode`] and [`decode`] so the layout
//! can change without touching the client or the server (docs/sync-protocol.md §7).
//!
//! # Why
//! Devices sync over 2G (256 kbit/s, 600 ms round trips). A first sync of a 300-household
//! assignment is ≈2,000 records: as plain JSON ≈730 B per record, as JSON+zstd ≈52, in
//! this layout ≈25 (a push of its ≈2,000 ops: ≈34 B per op). `tests/wire_size.rs` builds
//! that assignment and prints the figures.
//!
//! # Body
//! ```text
//! body    = 'T' version(=1) zstd-frame-without-its-4-magic-bytes
//! payload = value            (the decompressed frame; nothing may follow the value)
//! ```
//! The message is serialised to a `serde_json::Value` and written as one value. The
//! layout is generic (it knows nothing about ops or changes) and lossless: decoding gives
//! back exactly the same `Value` (same numbers — `u64`, `i64`, `f64` bit for bit — same
//! strings, same keys, in the same order), hence the same message.
//!
//! Numbers below are LEB128 varints; signed ones are zigzagged.
//! ```text
//! value   = 0 null | 1 false | 2 true | 3 uint | 4 neg (n = -1 - v) | 5 f64 (8 bytes LE)
//!         | 6 decimal (zigzag mantissa, scale: the f64 nearest mantissa·10^-scale)
//!         | 7 string-item | 8 array: len column(len) | 9 object: len (string-item value)*
//! column(n) = nothing if n = 0, else one kind byte and:
//!   0 values:   n × value
//!   1 nulls:    (all null)
//!   2 nullable: bitmap of the non-null rows, column(non-null count)
//!   3 bools:    bitmap
//!   4 ints:     mode (0 plain, 1 delta), n × zigzag i64 (deltas from the previous row)
//!   5 strings:  n × string-item
//!   6 objects:  keys: k × string-item; shapes: s × (len, key index*);
//!               row shapes (n × shape index, only if s > 1);
//!               then per key, column(rows having that key)
//!   7 arrays:   n × len, column(sum of lens)
//! string-item = varint h:
//!   0 literal: len bytes             (enters the dictionary if ≥ 2 bytes)
//!   1 uuid: 16 bytes                 (a lowercase hyphenated UUID; enters the dictionary)
//!   2 uuid v7: zigzag Δ unix-ms, 10 bytes    (Δ from the previous v7 of this column)
//!   3 time: zigzag Δ seconds, nanos  (an RFC 3339 UTC instant as chrono writes it)
//!   h ≥ 4: the dictionary entry at (previous reference of this column) + unzigzag(h - 4)
//! ```
//! The dictionary is per message: every string written out in full (or as a uuid) gets
//! the next index. The deltas ("previous ... of this column") start from 0 in each column,
//! in an object's keys, and in a value standing alone.
//! So an array of objects (ops, changes, a visit's attendees) is laid out column by
//! column, recursively: each key once, then that key's values for all rows together;
//! strings seen before (ids, names, codes) become small references; ids are 16 bytes (or
//! a time delta and 10 bytes); sequence numbers and clocks become small deltas. zstd then
//! squeezes what is left.
//!
//! # Safety of decoding
//! Garbage, truncated or hostile bodies give an error, never a panic: every declared
//! length is checked against the bytes present or the size budget before anything is
//! allocated, and every allocation the decoder makes is charged to a budget
//! ([`MAX_DECODED_BYTES`], or a smaller one the caller sets with [`decode_limited`]) at
//! what it takes in memory: a value or a map entry at the size of `serde_json::Value`, a
//! string at the size of `String` plus its text (also for the dictionary's copy and the
//! keys of an object column), a bitmap, shape or length list at its bytes. So a few bytes
//! of nulls or empty keys cannot become gigabytes. The decompressed payload is bounded by
//! the same budget and nesting by [`MAX_DEPTH`] levels. Work is linear in the input and
//! the budget. The encoder counts the same way and refuses what the decoder would refuse.
//!
//! # Versions
//! | body starts with | version | written | read |
//! |---|---|---|---|
//! | `'T' 1` | 1, this layout ([`FORMAT_VERSION`]) | yes | yes |
//! | `28 b5 2f fd` (zstd's magic) | legacy: JSON compressed by zstd (apps before the layout) | no | yes, with 1/16 of the budget as text |
//! | `'T'` and another byte | a newer layout | no | [`CodecError::UnknownVersion`] |
//!
//! Legacy bodies are still read so a server can answer them (e.g. "update the app").
//!
//! # Golden vectors
//! `core/tests/wire_golden.rs` holds, for every message this codec carries
//! ([`SyncRequest`](crate::sync::SyncRequest), [`SyncResponse`](crate::sync::SyncResponse))
//! and every version read, fixed sample messages and their exact bytes
//! (`core/tests/fixtures/wire/`): encoding a sample must give its committed bytes, and
//! decoding the committed bytes must give the sample. A change to the layout, its
//! constants or the messages' serde shape fails there. Regenerating them
//! (`TUNGNHA_BLESS=1`) means phones in the field can no longer read what this code
//! writes, unless [`FORMAT_VERSION`] was bumped and the old version is still decoded.
//!
//! # Source
//! `mod.rs` (this file): the body (header, version, zstd) and the public API;
//! `layout.rs`: tags, column kinds, string heads and compact forms shared by both sides;
//! `encode.rs` and `decode.rs`: the two directions; `limits.rs`: the decoding budget and
//! the sizes it charges; `tests.rs`: round trips, hostile and damaged input.

mod decode;
mod encode;
mod layout;
mod limits;
#[cfg(test)]
mod tests;

pub use limits::{MAX_DECODED_BYTES, MAX_DEPTH};

use decode::from_payload;
use encode::to_payload;
use limits::JSON_EXPANSION;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::Read;

/// Content type of encoded bodies. The body's first two bytes carry the layout version.
pub const CONTENT_TYPE: &str = "application/vnd.tungnha.v1+zstd";

/// First byte of a body in this layout.
const MAGIC: u8 = b'T';
/// Layout version, second byte of the body: the one [`encode`] writes and [`decode`]
/// reads (besides legacy JSON+zstd bodies). Bump on any incompatible change of the
/// layout; the golden vectors of every version still read are in
/// `core/tests/fixtures/wire/` (`core/tests/wire_golden.rs`).
pub const FORMAT_VERSION: u8 = 1;
/// zstd's frame magic number (legacy bodies start with it; ours carry frames without it).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// zstd level, picked by measurement on the 300-household first sync
/// (`tests/wire_size.rs`): higher levels gain < 1% for several times the time. Public so
/// comparisons (the codec benchmark) compress other formats at the same level.
pub const ZSTD_LEVEL: i32 = 15;

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("could not compress or decompress the body: {0}")]
    Compression(#[from] std::io::Error),
    #[error("the body is not a valid message: {0}")]
    Format(#[from] serde_json::Error),
    #[error("the body is larger than {0} bytes once decoded")]
    TooLarge(usize),
    #[error("the body's encoding (version {0}) is not known to this app: update it")]
    UnknownVersion(u8),
    #[error("the body is damaged: {0}")]
    Corrupt(&'static str),
    #[error("the message is nested more than {0} levels deep")]
    TooDeep(usize),
}

/// Encode a message for the wire.
pub fn encode<T: Serialize>(message: &T) -> Result<Vec<u8>, CodecError> {
    let value = serde_json::to_value(message)?;
    let payload = to_payload(&value)?;
    let frame = zstd::bulk::compress(&payload, ZSTD_LEVEL)?;
    let Some(frame) = frame.strip_prefix(&ZSTD_MAGIC[..]) else {
        return Err(CodecError::Corrupt("zstd wrote an unexpected frame"));
    };
    let mut body = Vec::with_capacity(frame.len() + 2);
    body.extend_from_slice(&[MAGIC, FORMAT_VERSION]);
    body.extend_from_slice(frame);
    Ok(body)
}

/// Decode a message from the wire, within [`MAX_DECODED_BYTES`].
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, CodecError> {
    decode_limited(body, MAX_DECODED_BYTES)
}

/// Decode a message from the wire, refusing it ([`CodecError::TooLarge`]) if decoding
/// would take more than `limit` bytes of memory (a server sets this per endpoint).
pub fn decode_limited<T: DeserializeOwned>(body: &[u8], limit: usize) -> Result<T, CodecError> {
    match body {
        [MAGIC, FORMAT_VERSION, frame @ ..] => {
            let payload = decompress((&ZSTD_MAGIC[..]).chain(frame), limit)?;
            Ok(serde_json::from_value(from_payload(&payload, limit)?)?)
        }
        [MAGIC, version, ..] => Err(CodecError::UnknownVersion(*version)),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Ok(serde_json::from_slice(&decompress(body, limit / JSON_EXPANSION)?)?),
        _ => Err(CodecError::Corrupt("unknown body format")),
    }
}

fn decompress(frame: impl Read, limit: usize) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::new();
    zstd::stream::read::Decoder::new(frame)?.take(limit as u64 + 1).read_to_end(&mut out)?;
    if out.len() > limit {
        return Err(CodecError::TooLarge(limit));
    }
    Ok(out)
}
