//! What decoding may cost: the budget every allocation of the decoder is charged to, at
//! what it takes in memory, and the nesting limit. The encoder counts the same sizes, so
//! it refuses exactly what the decoder would refuse (see the module documentation,
//! "Safety of decoding").

use serde_json::Value;

/// Largest decoded message accepted (protects the server from zip bombs): each value and
/// object key counts 32 bytes plus the text of strings and keys (about 3× the JSON text:
/// a full 1 MiB-budget page of changes, 1.4 MB of JSON, is 4.4 MB). Bodies are also at most
/// this large once decompressed.
pub const MAX_DECODED_BYTES: usize = 64 << 20;

/// Deepest nesting accepted, in layout levels (a JSON array or object takes one or two).
pub const MAX_DEPTH: usize = 256;

/// Decoded size of one value, or of one object entry's key (see [`MAX_DECODED_BYTES`]).
pub(super) const NODE: usize = std::mem::size_of::<Value>();
/// What a `String` takes besides its text.
pub(super) const STRING: usize = std::mem::size_of::<String>();
/// What one `usize` of a length or shape list takes.
pub(super) const WORD: usize = std::mem::size_of::<usize>();

/// JSON text of the first layout turns into at most this many times its length in
/// memory (`[0,0,…]`: 2 bytes of text per 32-byte value), so legacy bodies get this
/// fraction of the budget as text.
pub(super) const JSON_EXPANSION: usize = 16;
