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
//! Bodies from older apps (plain JSON compressed by zstd, starting with zstd's magic
//! number) are still read, so a server can answer them (e.g. "update the app").

use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::io::Read;

/// Content type of encoded bodies. The body's first two bytes carry the layout version.
pub const CONTENT_TYPE: &str = "application/vnd.tungnha.v1+zstd";

/// Largest decoded message accepted (protects the server from zip bombs): each value and
/// object key counts 32 bytes plus the text of strings and keys (about 3× the JSON text:
/// a full 1 MiB-budget page of changes, 1.4 MB of JSON, is 4.4 MB). Bodies are also at most
/// this large once decompressed.
pub const MAX_DECODED_BYTES: usize = 64 << 20;

/// What a `String` takes besides its text.
const STRING: usize = std::mem::size_of::<String>();
/// What one `usize` of a length or shape list takes.
const WORD: usize = std::mem::size_of::<usize>();

/// Deepest nesting accepted, in layout levels (a JSON array or object takes one or two).
pub const MAX_DEPTH: usize = 256;

/// First byte of a body in this layout.
const MAGIC: u8 = b'T';
/// Layout version, second byte of the body. Bump on any incompatible change.
const FORMAT_VERSION: u8 = 1;
/// zstd's frame magic number (legacy bodies start with it; ours carry frames without it).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// zstd level, picked by measurement on the 300-household first sync
/// (`tests/wire_size.rs`): higher levels gain < 1% for several times the time.
const LEVEL: i32 = 15;

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
    let frame = zstd::bulk::compress(&payload, LEVEL)?;
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

/// JSON text of the first layout turns into at most this many times its length in
/// memory (`[0,0,…]`: 2 bytes of text per 32-byte value), so legacy bodies get this
/// fraction of the budget as text.
const JSON_EXPANSION: usize = 16;

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

// Value tags.
const V_NULL: u8 = 0;
const V_FALSE: u8 = 1;
const V_TRUE: u8 = 2;
const V_UINT: u8 = 3;
const V_NEG: u8 = 4;
const V_F64: u8 = 5;
const V_DECIMAL: u8 = 6;
const V_STRING: u8 = 7;
const V_ARRAY: u8 = 8;
const V_OBJECT: u8 = 9;

// Column kinds.
const C_VALUES: u8 = 0;
const C_NULLS: u8 = 1;
const C_NULLABLE: u8 = 2;
const C_BOOLS: u8 = 3;
const C_INTS: u8 = 4;
const C_STRINGS: u8 = 5;
const C_OBJECTS: u8 = 6;
const C_ARRAYS: u8 = 7;

// String-item heads.
const S_LITERAL: u64 = 0;
const S_UUID: u64 = 1;
const S_UUID7: u64 = 2;
const S_TIME: u64 = 3;
const S_REF: u64 = 4;

/// Strings shorter than this are always written out (a reference would not be shorter).
const DICT_MIN_LEN: usize = 2;

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// What the previous string of a column was, for the deltas of the next one.
#[derive(Default)]
struct Prev {
    reference: u64,
    uuid_ms: i64,
    time_secs: i64,
}

/// A lowercase hyphenated UUID, as the id types write them (others stay text).
fn as_uuid(s: &str) -> Option<uuid::Uuid> {
    if s.len() != 36 {
        return None;
    }
    let u = uuid::Uuid::try_parse(s).ok()?;
    let mut buf = [0u8; 36];
    (u.hyphenated().encode_lower(&mut buf) == s).then_some(u)
}

/// A UUIDv7 (time-ordered) with the RFC variant: its 48-bit millisecond prefix is sent as
/// a delta.
fn is_v7(b: &[u8; 16]) -> bool {
    b[6] >> 4 == 7 && b[8] >> 6 == 0b10
}

fn format_time(secs: i64, nanos: u32) -> Option<String> {
    if nanos >= 1_000_000_000 {
        return None;
    }
    DateTime::<Utc>::from_timestamp(secs, nanos).map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// An instant written the way chrono serialises `DateTime<Utc>` (checked by writing it
/// back, so the text round-trips exactly).
fn as_time(s: &str) -> Option<(i64, u32)> {
    if !(20..=30).contains(&s.len()) || !s.ends_with('Z') {
        return None;
    }
    let t = DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc);
    let (secs, nanos) = (t.timestamp(), t.timestamp_subsec_nanos());
    (format_time(secs, nanos).as_deref() == Some(s)).then_some((secs, nanos))
}

/// A float with a short decimal form (coordinates, percentages): mantissa and scale,
/// if they give back the same bits.
fn as_decimal(f: f64) -> Option<(i64, u8)> {
    let text = format!("{f}");
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    if int.len() + frac.len() > 17 {
        return None;
    }
    let mantissa: i64 = format!("{int}{frac}").parse().ok()?;
    let scale = u8::try_from(frac.len()).ok()?;
    (decimal(mantissa, scale)?.to_bits() == f.to_bits()).then_some((mantissa, scale))
}

fn decimal(mantissa: i64, scale: u8) -> Option<f64> {
    format!("{mantissa}e-{scale}").parse().ok()
}

fn to_payload(value: &Value) -> Result<Vec<u8>, CodecError> {
    let mut e = Encoder { out: Vec::new(), dict: HashMap::new(), depth: 0, size: NODE };
    e.value(value, &mut Prev::default())?;
    if e.size > MAX_DECODED_BYTES {
        return Err(CodecError::TooLarge(MAX_DECODED_BYTES));
    }
    Ok(e.out)
}

fn from_payload(payload: &[u8], limit: usize) -> Result<Value, CodecError> {
    let budget = limit.checked_sub(NODE).ok_or(CodecError::TooLarge(limit))?;
    let mut d = Decoder { input: payload, dict: Vec::new(), depth: 0, budget, limit };
    let v = d.value(&mut Prev::default())?;
    if !d.input.is_empty() {
        return Err(CodecError::Corrupt("bytes after the message"));
    }
    Ok(v)
}

/// Decoded size of one value, or of one object entry's key (see [`MAX_DECODED_BYTES`]).
const NODE: usize = std::mem::size_of::<Value>();

struct Encoder<'v> {
    out: Vec<u8>,
    dict: HashMap<&'v str, u64>,
    depth: usize,
    /// Decoded size of the message, counted exactly as the decoder will count it.
    size: usize,
}

impl<'v> Encoder<'v> {
    fn enter(&mut self) -> Result<(), CodecError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(CodecError::TooDeep(MAX_DEPTH));
        }
        Ok(())
    }

    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    fn len(&mut self, n: usize) {
        self.varint(n as u64);
    }

    fn bitmap(&mut self, bits: impl Iterator<Item = bool>) {
        let (mut byte, mut n) = (0u8, 0);
        for b in bits {
            byte |= u8::from(b) << (n % 8);
            n += 1;
            if n % 8 == 0 {
                self.out.push(byte);
                byte = 0;
            }
        }
        if n % 8 != 0 {
            self.out.push(byte);
        }
    }

    fn string(&mut self, s: &'v str, col: &mut Prev) {
        self.size += s.len();
        if let Some(&i) = self.dict.get(s) {
            self.varint(S_REF + zigzag(i as i64 - col.reference as i64));
            col.reference = i;
            return;
        }
        if let Some(u) = as_uuid(s) {
            let b = u.as_bytes();
            if is_v7(b) {
                let mut ms = [0u8; 8];
                ms[2..].copy_from_slice(&b[..6]);
                let ms = i64::from_be_bytes(ms);
                self.varint(S_UUID7);
                self.varint(zigzag(ms - col.uuid_ms));
                self.out.extend_from_slice(&b[6..]);
                col.uuid_ms = ms;
            } else {
                self.varint(S_UUID);
                self.out.extend_from_slice(b);
            }
        } else if let Some((secs, nanos)) = as_time(s) {
            self.varint(S_TIME);
            self.varint(zigzag(secs.wrapping_sub(col.time_secs)));
            self.varint(nanos.into());
            col.time_secs = secs;
            return;
        } else {
            self.varint(S_LITERAL);
            self.len(s.len());
            self.out.extend_from_slice(s.as_bytes());
            if s.len() < DICT_MIN_LEN {
                return;
            }
        }
        let next = self.dict.len() as u64;
        self.dict.insert(s, next);
        // The decoder keeps a copy in its dictionary.
        self.size += STRING + s.len();
    }

    fn value(&mut self, v: &'v Value, col: &mut Prev) -> Result<(), CodecError> {
        self.enter()?;
        match v {
            Value::Null => self.out.push(V_NULL),
            Value::Bool(b) => self.out.push(if *b { V_TRUE } else { V_FALSE }),
            Value::Number(n) => self.number(n),
            Value::String(s) => {
                self.out.push(V_STRING);
                self.string(s, col);
            }
            Value::Array(a) => {
                self.out.push(V_ARRAY);
                self.len(a.len());
                self.column(&a.iter().collect::<Vec<_>>())?;
            }
            Value::Object(m) => {
                self.out.push(V_OBJECT);
                self.len(m.len());
                self.size += 2 * NODE * m.len();
                let mut keys = Prev::default();
                for (k, x) in m {
                    self.string(k, &mut keys);
                    self.value(x, &mut Prev::default())?;
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn number(&mut self, n: &Number) {
        if let Some(u) = n.as_u64() {
            self.out.push(V_UINT);
            self.varint(u);
        } else if let Some(i) = n.as_i64() {
            self.out.push(V_NEG);
            self.varint(!(i as u64));
        } else if let Some(f) = n.as_f64() {
            if let Some((mantissa, scale)) = as_decimal(f) {
                self.out.push(V_DECIMAL);
                self.varint(zigzag(mantissa));
                self.out.push(scale);
            } else {
                self.out.push(V_F64);
                self.out.extend_from_slice(&f.to_le_bytes());
            }
        }
    }

    fn column(&mut self, rows: &[&'v Value]) -> Result<(), CodecError> {
        if rows.is_empty() {
            return Ok(());
        }
        self.enter()?;
        self.size += NODE * rows.len();
        let nulls = rows.iter().filter(|v| v.is_null()).count();
        let int = |v: &&Value| v.as_number().filter(|n| !n.is_f64()).and_then(Number::as_i64);
        if nulls == rows.len() {
            self.out.push(C_NULLS);
        } else if nulls > 0 {
            self.out.push(C_NULLABLE);
            self.size += rows.len();
            self.bitmap(rows.iter().map(|v| !v.is_null()));
            let present: Vec<&Value> = rows.iter().copied().filter(|v| !v.is_null()).collect();
            self.column(&present)?;
        } else if rows.iter().all(|v| v.is_boolean()) {
            self.out.push(C_BOOLS);
            self.size += rows.len();
            self.bitmap(rows.iter().map(|v| v.as_bool() == Some(true)));
        } else if let Some(ints) = rows.iter().map(int).collect::<Option<Vec<i64>>>() {
            self.ints(&ints);
        } else if rows.iter().all(|v| v.is_string()) {
            self.out.push(C_STRINGS);
            let mut col = Prev::default();
            for s in rows.iter().filter_map(|v| v.as_str()) {
                self.string(s, &mut col);
            }
        } else if rows.iter().all(|v| v.is_object()) {
            self.objects(rows)?;
        } else if rows.iter().all(|v| v.is_array()) {
            self.out.push(C_ARRAYS);
            self.size += WORD * rows.len();
            let mut items = Vec::new();
            for a in rows.iter().filter_map(|v| v.as_array()) {
                self.len(a.len());
                items.extend(a.iter());
            }
            self.column(&items)?;
        } else {
            self.out.push(C_VALUES);
            let mut col = Prev::default();
            for v in rows {
                self.value(v, &mut col)?;
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Integers, plain or as deltas from the previous row, whichever is shorter.
    fn ints(&mut self, ints: &[i64]) {
        let varint_len = |v: u64| (64 - v.leading_zeros()).max(1).div_ceil(7) as usize;
        let plain: Vec<u64> = ints.iter().map(|&v| zigzag(v)).collect();
        let deltas: Vec<u64> = ints.iter().scan(0i64, |prev, &v| Some(zigzag(v.wrapping_sub(std::mem::replace(prev, v))))).collect();
        let delta = deltas.iter().map(|&v| varint_len(v)).sum::<usize>() < plain.iter().map(|&v| varint_len(v)).sum::<usize>();
        self.out.push(C_INTS);
        self.out.push(u8::from(delta));
        for v in if delta { deltas } else { plain } {
            self.varint(v);
        }
    }

    /// Objects column by column: the keys once, each row's shape (which keys, in which
    /// order), then for each key the column of its values.
    fn objects(&mut self, rows: &[&'v Value]) -> Result<(), CodecError> {
        let mut keys: Vec<&'v str> = Vec::new();
        let mut key_index: HashMap<&'v str, usize> = HashMap::new();
        let mut shapes: Vec<Vec<usize>> = Vec::new();
        let mut shape_index: HashMap<Vec<usize>, usize> = HashMap::new();
        let mut row_shapes = Vec::with_capacity(rows.len());
        for m in rows.iter().filter_map(|v| v.as_object()) {
            let shape: Vec<usize> = m
                .keys()
                .map(|k| {
                    *key_index.entry(k.as_str()).or_insert_with(|| {
                        keys.push(k.as_str());
                        keys.len() - 1
                    })
                })
                .collect();
            let next = shapes.len();
            row_shapes.push(*shape_index.entry(shape.clone()).or_insert_with(|| {
                shapes.push(shape);
                next
            }));
        }
        self.out.push(C_OBJECTS);
        // The decoder's key list, shapes, row shapes and per-shape and per-key counts.
        self.size += STRING * keys.len()
            + shapes.iter().map(|s| STRING + WORD * s.len()).sum::<usize>()
            + WORD * (rows.len() + shapes.len() + keys.len());
        self.len(keys.len());
        let mut key_col = Prev::default();
        for k in &keys {
            self.string(k, &mut key_col);
        }
        self.len(shapes.len());
        for shape in &shapes {
            self.len(shape.len());
            shape.iter().for_each(|&k| self.len(k));
        }
        if shapes.len() > 1 {
            row_shapes.iter().for_each(|&s| self.len(s));
        }
        for k in &keys {
            let values: Vec<&Value> = rows.iter().filter_map(|v| v.get(k)).collect();
            self.size += values.len() * (NODE + k.len());
            self.column(&values)?;
        }
        Ok(())
    }
}

struct Decoder<'b> {
    input: &'b [u8],
    dict: Vec<String>,
    depth: usize,
    /// Decoded size the message may still take.
    budget: usize,
    /// The whole budget (for the error).
    limit: usize,
}

impl Decoder<'_> {
    fn enter(&mut self) -> Result<(), CodecError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(CodecError::TooDeep(MAX_DEPTH));
        }
        Ok(())
    }

    /// Count `n` items of `each` bytes against the budget (before allocating them).
    fn charge(&mut self, n: usize, each: usize) -> Result<(), CodecError> {
        let limit = self.limit;
        let bytes = n.checked_mul(each).ok_or(CodecError::TooLarge(limit))?;
        self.budget = self.budget.checked_sub(bytes).ok_or(CodecError::TooLarge(limit))?;
        Ok(())
    }

    fn take(&mut self, n: usize) -> Result<&[u8], CodecError> {
        if n > self.input.len() {
            return Err(CodecError::Corrupt("truncated"));
        }
        let (head, rest) = self.input.split_at(n);
        self.input = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, CodecError> {
        Ok(self.take(1)?[0])
    }

    fn varint(&mut self) -> Result<u64, CodecError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            if shift == 63 && b > 1 {
                break;
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(CodecError::Corrupt("varint too long"))
    }

    /// A count of things still to decode: more than the budget cannot fit.
    fn len(&mut self) -> Result<usize, CodecError> {
        let n = self.varint()?;
        usize::try_from(n).ok().filter(|&n| n <= self.budget).ok_or(CodecError::TooLarge(self.limit))
    }

    /// An index below `bound`.
    fn index(&mut self, bound: usize) -> Result<usize, CodecError> {
        let i = self.varint()?;
        usize::try_from(i).ok().filter(|&i| i < bound).ok_or(CodecError::Corrupt("index out of range"))
    }

    fn bitmap(&mut self, n: usize) -> Result<Vec<bool>, CodecError> {
        self.charge(n, 1)?;
        let bytes = self.take(n.div_ceil(8))?;
        Ok((0..n).map(|i| bytes[i / 8] >> (i % 8) & 1 == 1).collect())
    }

    fn string(&mut self, col: &mut Prev) -> Result<String, CodecError> {
        let h = self.varint()?;
        let s = match h {
            S_LITERAL => {
                let n = self.len()?;
                let text = std::str::from_utf8(self.take(n)?).map_err(|_| CodecError::Corrupt("text is not UTF-8"))?.to_owned();
                if n < DICT_MIN_LEN {
                    self.charge(1, n)?;
                    return Ok(text);
                }
                text
            }
            S_UUID => {
                let mut b = [0u8; 16];
                b.copy_from_slice(self.take(16)?);
                uuid::Uuid::from_bytes(b).hyphenated().to_string()
            }
            S_UUID7 => {
                let ms = col.uuid_ms.checked_add(unzigzag(self.varint()?)).filter(|ms| (0..1 << 48).contains(ms));
                let ms = ms.ok_or(CodecError::Corrupt("uuid time out of range"))?;
                let mut b = [0u8; 16];
                b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
                b[6..].copy_from_slice(self.take(10)?);
                col.uuid_ms = ms;
                uuid::Uuid::from_bytes(b).hyphenated().to_string()
            }
            S_TIME => {
                let secs = col.time_secs.wrapping_add(unzigzag(self.varint()?));
                let nanos = u32::try_from(self.varint()?).map_err(|_| CodecError::Corrupt("time out of range"))?;
                let text = format_time(secs, nanos).ok_or(CodecError::Corrupt("time out of range"))?;
                col.time_secs = secs;
                self.charge(1, text.len())?;
                return Ok(text);
            }
            _ => {
                let i = (col.reference as i64).wrapping_add(unzigzag(h - S_REF));
                let len = usize::try_from(i).ok().and_then(|i| self.dict.get(i)).map(String::len);
                let len = len.ok_or(CodecError::Corrupt("unknown string reference"))?;
                self.charge(1, len)?;
                col.reference = i as u64;
                return Ok(self.dict[i as usize].clone());
            }
        };
        // The returned text, and the dictionary's copy.
        self.charge(1, s.len())?;
        self.charge(1, STRING + s.len())?;
        self.dict.push(s.clone());
        Ok(s)
    }

    fn value(&mut self, col: &mut Prev) -> Result<Value, CodecError> {
        self.enter()?;
        let tag = self.byte()?;
        let v = match tag {
            V_NULL => Value::Null,
            V_FALSE | V_TRUE => Value::Bool(tag == V_TRUE),
            V_UINT => Value::from(self.varint()?),
            V_NEG => {
                let v = self.varint()?;
                let v = i64::try_from(v).map_err(|_| CodecError::Corrupt("negative number out of range"))?;
                Value::from(!v)
            }
            V_F64 => {
                let mut b = [0u8; 8];
                b.copy_from_slice(self.take(8)?);
                float(f64::from_le_bytes(b))?
            }
            V_DECIMAL => {
                let mantissa = unzigzag(self.varint()?);
                let scale = self.byte()?;
                float(decimal(mantissa, scale).ok_or(CodecError::Corrupt("bad decimal"))?)?
            }
            V_STRING => Value::String(self.string(col)?),
            V_ARRAY => {
                let n = self.len()?;
                Value::Array(self.column(n)?)
            }
            V_OBJECT => {
                let n = self.len()?;
                self.charge(n, 2 * NODE)?;
                let mut m = Map::new();
                let mut keys = Prev::default();
                for _ in 0..n {
                    let k = self.string(&mut keys)?;
                    let x = self.value(&mut Prev::default())?;
                    if m.insert(k, x).is_some() {
                        return Err(CodecError::Corrupt("repeated key"));
                    }
                }
                Value::Object(m)
            }
            _ => return Err(CodecError::Corrupt("unknown value tag")),
        };
        self.depth -= 1;
        Ok(v)
    }

    fn column(&mut self, n: usize) -> Result<Vec<Value>, CodecError> {
        if n == 0 {
            return Ok(Vec::new());
        }
        self.enter()?;
        self.charge(n, NODE)?;
        let rows = match self.byte()? {
            C_VALUES => {
                let mut col = Prev::default();
                (0..n).map(|_| self.value(&mut col)).collect::<Result<_, _>>()?
            }
            C_NULLS => vec![Value::Null; n],
            C_NULLABLE => {
                let present = self.bitmap(n)?;
                let mut values = self.column(present.iter().filter(|&&p| p).count())?.into_iter();
                present.into_iter().map(|p| if p { values.next().unwrap_or(Value::Null) } else { Value::Null }).collect()
            }
            C_BOOLS => self.bitmap(n)?.into_iter().map(Value::Bool).collect(),
            C_INTS => {
                let delta = match self.byte()? {
                    0 => false,
                    1 => true,
                    _ => return Err(CodecError::Corrupt("unknown integer mode")),
                };
                let mut prev = 0i64;
                let mut out = Vec::with_capacity(n);
                for _ in 0..n {
                    let v = unzigzag(self.varint()?);
                    prev = if delta { prev.wrapping_add(v) } else { v };
                    out.push(Value::from(prev));
                }
                out
            }
            C_STRINGS => {
                let mut col = Prev::default();
                (0..n).map(|_| self.string(&mut col).map(Value::String)).collect::<Result<_, _>>()?
            }
            C_OBJECTS => self.objects(n)?,
            C_ARRAYS => {
                self.charge(n, WORD)?;
                let mut lens = Vec::with_capacity(n);
                let mut total = 0usize;
                for _ in 0..n {
                    let len = self.len()?;
                    total = total.checked_add(len).ok_or(CodecError::TooLarge(self.limit))?;
                    lens.push(len);
                }
                let mut items = self.column(total)?.into_iter();
                lens.into_iter().map(|len| Value::Array(items.by_ref().take(len).collect())).collect()
            }
            _ => return Err(CodecError::Corrupt("unknown column kind")),
        };
        self.depth -= 1;
        Ok(rows)
    }

    fn objects(&mut self, n: usize) -> Result<Vec<Value>, CodecError> {
        let key_count = self.len()?;
        self.charge(key_count, STRING + WORD)?;
        let mut keys = Vec::new();
        let mut key_col = Prev::default();
        for _ in 0..key_count {
            keys.push(self.string(&mut key_col)?);
        }
        let shape_count = self.index(n + 1)?;
        if shape_count == 0 {
            return Err(CodecError::Corrupt("objects without a shape"));
        }
        // Shapes, row shapes and per-shape counts (per-key counts were charged with the keys).
        self.charge(shape_count, STRING + WORD)?;
        self.charge(n, WORD)?;
        let mut shapes = Vec::new();
        for _ in 0..shape_count {
            let len = self.index(key_count + 1)?;
            self.charge(len, WORD)?;
            let shape = (0..len).map(|_| self.index(key_count)).collect::<Result<Vec<_>, _>>()?;
            let mut sorted = shape.clone();
            sorted.sort_unstable();
            if sorted.windows(2).any(|w| w[0] == w[1]) {
                return Err(CodecError::Corrupt("repeated key"));
            }
            shapes.push(shape);
        }
        let row_shapes = if shape_count > 1 { (0..n).map(|_| self.index(shape_count)).collect::<Result<_, _>>()? } else { vec![0; n] };
        let mut per_shape = vec![0usize; shape_count];
        for &s in &row_shapes {
            per_shape[s] += 1;
        }
        let mut per_key = vec![0usize; key_count];
        for (shape, rows) in shapes.iter().zip(per_shape) {
            for &k in shape {
                per_key[k] += rows;
            }
        }
        let mut columns = Vec::with_capacity(key_count);
        for (k, &count) in per_key.iter().enumerate() {
            self.charge(count, NODE + keys[k].len())?;
            columns.push(self.column(count)?.into_iter());
        }
        let mut rows = Vec::with_capacity(n);
        for s in row_shapes {
            let mut m = Map::new();
            for &k in &shapes[s] {
                let v = columns[k].next().ok_or(CodecError::Corrupt("short column"))?;
                m.insert(keys[k].clone(), v);
            }
            rows.push(Value::Object(m));
        }
        Ok(rows)
    }
}

fn float(f: f64) -> Result<Value, CodecError> {
    Number::from_f64(f).map(Value::Number).ok_or(CodecError::Corrupt("not a finite number"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::collection::{btree_map, vec};
    use proptest::prelude::*;
    use proptest::sample::Index;
    use serde_json::json;

    /// A body in the current layout around a hand-made payload.
    fn body(payload: &[u8]) -> Vec<u8> {
        let frame = zstd::bulk::compress(payload, 1).expect("compress");
        [&[MAGIC, FORMAT_VERSION][..], &frame[4..]].concat()
    }

    fn round_trip(v: &Value) -> Value {
        let back: Value = decode(&encode(v).expect("encode")).expect("decode");
        // Same value, and the same text (so floats keep their bits, e.g. -0.0).
        assert_eq!(&back, v);
        assert_eq!(back.to_string(), v.to_string());
        back
    }

    #[test]
    fn round_trips_awkward_values() {
        round_trip(&json!(null));
        round_trip(&json!([]));
        round_trip(&json!({}));
        round_trip(&json!(""));
        round_trip(&json!({"": [[], {}, [[]], [{}], [null], [null, {}], [{}, null]]}));
        round_trip(&json!([
            u64::MAX,
            i64::MIN,
            i64::MAX,
            0,
            -1,
            1.5,
            -0.0,
            0.0,
            1e300,
            5e-324,
            0.1,
            21.33,
            103.9,
            -7.25,
            1e16,
            123456789.123
        ]));
        round_trip(&json!([1, 2.0, 3, null, -4, u64::MAX]));
        round_trip(&json!([[1, 2], [3], [], [4.5, "x"], null]));
        round_trip(&json!({
            "vi": ["Lò Văn Pánh", "Đặng Thị Hồng", "Nguyễn Thị Ánh Tuyết", "Hà", "ắ", "Điện thoại tổ trưởng"],
            "ids": [
                "01924598-44e0-7725-aab5-cbbf58282ddc",
                "01924598-44e0-7725-aab5-cbbf58282ddc",
                "01924598-44E0-7725-AAB5-CBBF58282DDC",
                "0192459844e07725aab5cbbf58282ddc",
                "{01924598-44e0-7725-aab5-cbbf58282ddc}",
                "01924598-44e0-7725-aab5-cbbf58282ddg",
                "01924598-44e0-7725-aab5-cbbf58282dd",
                "01924598_44e0_7725_aab5_cbbf58282ddc",
                "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
                "00000000-0000-0000-0000-000000000000",
                "ffffffff-ffff-7fff-bfff-ffffffffffff",
            ],
            "times": [
                "2024-10-01T01:01:00Z", "2024-10-01T01:01:00.120Z", "2024-10-01T01:01:00.123456Z", "2024-10-01T01:01:00.123456789Z",
                "2024-10-01T01:01:00.000Z", "2024-10-01T01:01:00+00:00", "2024-10-01t01:01:00z", "2024-10-01 01:01:00Z",
                "1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2016-12-31T23:59:60Z",
                "2024-02-30T00:00:00Z", "2024-10-01",
            ],
        }));
        // The compact forms are taken exactly when the text would come back the same.
        assert!(as_uuid("01924598-44e0-7725-aab5-cbbf58282ddc").is_some_and(|u| is_v7(u.as_bytes())));
        assert!(as_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8").is_some_and(|u| !is_v7(u.as_bytes())));
        assert!(as_uuid("01924598-44E0-7725-AAB5-CBBF58282DDC").is_none());
        assert!(as_uuid("{01924598-44e0-7725-aab5-cbbf58282dd}").is_none());
        assert_eq!(as_time("2024-10-01T01:01:00Z"), Some((1_727_744_460, 0)));
        assert_eq!(as_time("2024-10-01T01:01:00.123456Z"), Some((1_727_744_460, 123_456_000)));
        for t in ["2024-10-01T01:01:00.000Z", "2024-10-01T01:01:00+00:00", "2024-10-01t01:01:00z", "2016-12-31T23:59:60Z"] {
            assert_eq!(as_time(t), None, "{t}");
        }
        assert_eq!(as_decimal(21.33), Some((2133, 2)));
        assert_eq!(as_decimal(-0.0), None);
        assert_eq!(as_decimal(1e300), None);
        // Arrays of objects with missing, extra and reordered keys, nested.
        round_trip(&json!([
            {"id": 1, "name": "Bản Mòng", "people": [{"n": "a", "y": 1970}, {"n": "b"}]},
            {"id": 2, "people": [], "extra": {"deep": [{"x": null}, {"x": [1]}, {"y": true}]}},
            {"name": null, "id": "3"},
            {},
            {"id": 2.5, "people": null, "name": "Bản Mòng"},
        ]));
    }

    #[test]
    fn typed_messages_round_trip_and_a_wrong_shape_is_a_format_error() {
        use crate::store::outbox::Entity;
        let c = crate::sync::Change {
            entity: Entity::Person,
            id: "01924598-44e0-7725-aab5-cbc02fc8203d".into(),
            version: crate::hlc::Hlc { millis: 1_727_744_460_000, counter: 1, device: crate::ids::DeviceId::new() },
            deleted: false,
            state: json!({"full_name": "Quàng Thị Nga", "birth_year": 1959, "phone": null}),
        };
        let back: crate::sync::Change = decode(&encode(&c).expect("encode")).expect("decode");
        assert_eq!(back, c);
        assert!(matches!(decode::<crate::sync::Change>(&encode(&json!({"x": 1})).expect("encode")), Err(CodecError::Format(_))));
    }

    #[test]
    fn the_body_carries_its_version_and_old_bodies_are_still_read() {
        let v = json!({"a": [1, 2, 3], "b": "Nguyễn"});
        let encoded = encode(&v).expect("encode");
        assert_eq!(&encoded[..2], &[b'T', 1]);
        let mut future = encoded.clone();
        future[1] = 2;
        assert!(matches!(decode::<Value>(&future), Err(CodecError::UnknownVersion(2))));
        // The previous layout: JSON compressed by zstd.
        let legacy = zstd::bulk::compress(v.to_string().as_bytes(), 9).expect("zstd");
        assert_eq!(decode::<Value>(&legacy).expect("legacy"), v);
        let not_json = zstd::bulk::compress(b"{nope", 3).expect("zstd");
        assert!(matches!(decode::<Value>(&not_json), Err(CodecError::Format(_))));
        for garbage in [&b""[..], b"T", b"not zstd", b"T\x01", b"T\x01\x00", &[0x28, 0xb5, 0x2f, 0xfd]] {
            assert!(decode::<Value>(garbage).is_err(), "{garbage:?}");
        }
        // A frame with something after the message.
        let mut payload = to_payload(&v).expect("payload");
        payload.push(0);
        assert!(matches!(decode::<Value>(&body(&payload)), Err(CodecError::Corrupt(_))));
    }

    #[test]
    fn hostile_sizes_are_refused_before_allocating() {
        let huge = |tag: u8, n: u64, rest: &[u8]| {
            let mut e = Encoder { out: vec![tag], dict: HashMap::new(), depth: 0, size: 0 };
            e.varint(n);
            e.out.extend_from_slice(rest);
            from_payload(&e.out, MAX_DECODED_BYTES)
        };
        assert!(matches!(huge(V_ARRAY, u64::MAX, &[C_NULLS]), Err(CodecError::TooLarge(_))));
        assert!(matches!(huge(V_ARRAY, 3_000_000, &[C_NULLS]), Err(CodecError::TooLarge(_))));
        assert!(matches!(huge(V_OBJECT, 1 << 40, &[]), Err(CodecError::TooLarge(_))));
        assert!(matches!(huge(V_STRING, 0, &[0xff, 0xff, 0xff, 0x0f]), Err(CodecError::Corrupt(_))));
        assert!(matches!(huge(V_ARRAY, 1, &[C_ARRAYS, 0xff, 0xff, 0xff, 0xff, 0x0f]), Err(CodecError::TooLarge(_))));
        // Nulls are cheap on the wire but count at their decoded size.
        let ok = huge(V_ARRAY, 1_000, &[C_NULLS]).expect("a thousand nulls");
        assert_eq!(ok.as_array().map(Vec::len), Some(1_000));
        // A zip bomb.
        assert!(matches!(decode::<Value>(&body(&vec![0; MAX_DECODED_BYTES + 1])), Err(CodecError::TooLarge(_))));
        // A message that would decode too large is not encoded either.
        let big = Value::Array(vec![Value::Null; MAX_DECODED_BYTES / NODE]);
        assert!(matches!(encode(&big), Err(CodecError::TooLarge(_))));
    }

    /// Issue 8, incident 3: a 2 KB body of objects with millions of empty keys took 1.8 GB
    /// and 30 s of CPU before it was refused. Every key now costs what it takes in memory.
    #[test]
    fn millions_of_empty_keys_are_refused_within_the_budget() {
        let keys = 3_000_000u64;
        let mut e = Encoder { out: vec![V_ARRAY, 1, C_OBJECTS], dict: HashMap::new(), depth: 0, size: 0 };
        e.varint(keys);
        for _ in 0..keys {
            e.out.extend_from_slice(&[S_LITERAL as u8, 0]);
        }
        e.out.extend_from_slice(&[1, 0]);
        let wire = body(&e.out);
        assert!(wire.len() < 4_096, "the attack is small on the wire: {} bytes", wire.len());
        let started = std::time::Instant::now();
        assert!(matches!(decode_limited::<Value>(&wire, 16 << 20), Err(CodecError::TooLarge(_))));
        assert!(matches!(decode::<Value>(&wire), Err(CodecError::TooLarge(_))));
        // Not a timing assertion: a generous bound that only a quadratic or unbounded
        // decoder would exceed.
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        // Many shapes of many keys are charged too.
        let mut e = Encoder { out: vec![V_ARRAY, 100, C_OBJECTS, 0x90, 0x4e], dict: HashMap::new(), depth: 0, size: 0 };
        for i in 0..10_000u32 {
            e.varint(S_LITERAL);
            let k = i.to_string();
            e.len(k.len());
            e.out.extend_from_slice(k.as_bytes());
        }
        e.varint(100);
        for _ in 0..100 {
            e.varint(10_000);
            for k in 0..10_000 {
                e.varint(k);
            }
        }
        assert!(matches!(from_payload(&e.out, 1 << 20), Err(CodecError::TooLarge(_))));
        // A legacy (JSON + zstd) body is bounded too.
        let legacy = zstd::bulk::compress(format!("[{}0]", "0,".repeat(1 << 20)).as_bytes(), 3).expect("zstd");
        assert!(matches!(decode_limited::<Value>(&legacy, 16 << 20), Err(CodecError::TooLarge(_))));
    }

    #[test]
    fn nesting_is_limited_both_ways() {
        let nest = |depth: usize| (0..depth).fold(json!(1), |v, _| json!([v]));
        round_trip(&nest(120));
        assert!(matches!(encode(&nest(MAX_DEPTH + 1)), Err(CodecError::TooDeep(_))));
        let mut payload = vec![V_ARRAY, 1];
        for _ in 0..10_000 {
            payload.extend_from_slice(&[C_ARRAYS, 1]);
        }
        payload.extend_from_slice(&[C_NULLS]);
        assert!(matches!(from_payload(&payload, MAX_DECODED_BYTES), Err(CodecError::TooDeep(_))));
        let mut payload = vec![V_ARRAY, 8];
        for _ in 0..10_000 {
            payload.extend_from_slice(&[C_NULLABLE, 0xff]);
        }
        assert!(matches!(from_payload(&payload, MAX_DECODED_BYTES), Err(CodecError::TooDeep(_))));
    }

    fn text() -> impl Strategy<Value = String> {
        let v7 = (0u64..1 << 48, any::<[u8; 10]>()).prop_map(|(ms, rest)| {
            let mut b = [0u8; 16];
            b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
            b[6..].copy_from_slice(&rest);
            b[6] = 0x70 | (b[6] & 0x0f);
            b[8] = 0x80 | (b[8] & 0x3f);
            uuid::Uuid::from_bytes(b).hyphenated().to_string()
        });
        let time = (
            -62_135_596_800i64..253_402_300_800,
            prop_oneof![Just(0u32), Just(120_000_000), Just(123_456_000), 0u32..1_000_000_000],
            0..4usize,
            any::<bool>(),
        )
            .prop_map(|(secs, nanos, form, z)| {
                let t = DateTime::<Utc>::from_timestamp(secs, nanos).unwrap_or_default();
                let form = [SecondsFormat::AutoSi, SecondsFormat::Secs, SecondsFormat::Millis, SecondsFormat::Nanos][form];
                t.to_rfc3339_opts(form, z)
            });
        prop_oneof![
            "[a-z0-9_ ]{0,12}",
            "[a-zA-ZàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđĐ ]{0,24}",
            any::<[u8; 16]>().prop_map(|b| uuid::Uuid::from_bytes(b).hyphenated().to_string()),
            v7.clone(),
            v7.prop_map(|s| s.to_uppercase()),
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-gA-F]{4}-[0-9a-f]{4}-[0-9a-f]{11,13}",
            "[0-9a-f]{36}",
            time,
            "\\PC{0,10}",
        ]
    }

    fn number() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1000i64..1000).prop_map(Value::from),
            any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
            (-10_000_000i64..10_000_000, 0..6i32)
                .prop_filter_map("finite", |(m, s)| Number::from_f64(m as f64 / 10f64.powi(s)).map(Value::Number)),
        ]
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(vec!["id", "household_id", "tên", "a", "", "full_name", "phone"]).prop_map(String::from),
            1 => "[a-zđ_]{0,8}",
        ]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::Bool), number(), text().prop_map(Value::String)];
        let object = |inner| btree_map(key(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect()));
        leaf.prop_recursive(5, 256, 10, move |inner| {
            prop_oneof![
                vec(inner.clone(), 0..10).prop_map(Value::Array),
                object(inner.clone()),
                // Arrays of objects sharing some keys: the columnar case.
                vec(object(inner.clone()), 0..10).prop_map(Value::Array),
                // Uniform columns, with and without nulls.
                vec(prop_oneof![Just(Value::Null), number()], 0..10).prop_map(Value::Array),
                vec(text().prop_map(Value::String), 0..10).prop_map(Value::Array),
                vec(prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::Bool)], 0..10).prop_map(Value::Array),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn any_json_round_trips_exactly(v in json_value()) {
            let back: Value = decode(&encode(&v).expect("encode")).expect("decode");
            prop_assert_eq!(back.to_string(), v.to_string());
            prop_assert_eq!(back, v);
        }

        /// The encoder counts a message's decoded size exactly as the decoder charges it.
        #[test]
        fn encoder_and_decoder_agree_on_the_size(v in json_value()) {
            let mut e = Encoder { out: Vec::new(), dict: HashMap::new(), depth: 0, size: NODE };
            e.value(&v, &mut Prev::default()).expect("encode");
            prop_assert_eq!(&from_payload(&e.out, e.size).expect("fits its own size"), &v);
            prop_assert!(matches!(from_payload(&e.out, e.size - 1), Err(CodecError::TooLarge(_))));
        }

        #[test]
        fn random_bytes_are_an_error_not_a_panic(bytes in vec(any::<u8>(), 0..400)) {
            let _ = decode::<Value>(&bytes);
            let _ = decode::<Value>(&[&[MAGIC, FORMAT_VERSION][..], &bytes].concat());
            let _ = decode::<Value>(&body(&bytes));
            let _ = from_payload(&bytes, MAX_DECODED_BYTES);
            for tag in [V_ARRAY, V_OBJECT, V_STRING] {
                let _ = from_payload(&[&[tag][..], &bytes].concat(), MAX_DECODED_BYTES);
            }
        }

        #[test]
        fn damaged_messages_are_an_error_not_a_panic(v in json_value(), edits in vec((any::<Index>(), any::<u8>()), 1..6), cut in any::<Index>()) {
            let payload = to_payload(&v).expect("payload");
            let cut = cut.index(payload.len());
            prop_assert!(from_payload(&payload[..cut], MAX_DECODED_BYTES).is_err(), "a truncated message is an error");
            let mut damaged = payload.clone();
            for (at, byte) in edits {
                let at = at.index(damaged.len());
                damaged[at] = byte;
            }
            let _ = from_payload(&damaged, MAX_DECODED_BYTES);
            let _ = decode::<Value>(&body(&damaged));
            let encoded = encode(&v).expect("encode");
            prop_assert!(decode::<Value>(&encoded[..cut.min(encoded.len() - 1)]).is_err());
        }
    }
}
