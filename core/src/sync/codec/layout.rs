//! The layout's vocabulary, shared by the encoder and the decoder: value tags, column
//! kinds, string-item heads, and the compact forms of numbers, UUIDs and instants
//! (see the module documentation for the grammar). Changing any of these changes the
//! bytes on the wire: bump [`super::FORMAT_VERSION`] and add golden vectors.

use chrono::{DateTime, SecondsFormat, Utc};

// Value tags.
pub(super) const V_NULL: u8 = 0;
pub(super) const V_FALSE: u8 = 1;
pub(super) const V_TRUE: u8 = 2;
pub(super) const V_UINT: u8 = 3;
pub(super) const V_NEG: u8 = 4;
pub(super) const V_F64: u8 = 5;
pub(super) const V_DECIMAL: u8 = 6;
pub(super) const V_STRING: u8 = 7;
pub(super) const V_ARRAY: u8 = 8;
pub(super) const V_OBJECT: u8 = 9;

// Column kinds.
pub(super) const C_VALUES: u8 = 0;
pub(super) const C_NULLS: u8 = 1;
pub(super) const C_NULLABLE: u8 = 2;
pub(super) const C_BOOLS: u8 = 3;
pub(super) const C_INTS: u8 = 4;
pub(super) const C_STRINGS: u8 = 5;
pub(super) const C_OBJECTS: u8 = 6;
pub(super) const C_ARRAYS: u8 = 7;

// String-item heads.
pub(super) const S_LITERAL: u64 = 0;
pub(super) const S_UUID: u64 = 1;
pub(super) const S_UUID7: u64 = 2;
pub(super) const S_TIME: u64 = 3;
pub(super) const S_REF: u64 = 4;

/// Strings shorter than this are always written out (a reference would not be shorter).
pub(super) const DICT_MIN_LEN: usize = 2;

pub(super) fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

pub(super) fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// What the previous string of a column was, for the deltas of the next one.
#[derive(Default)]
pub(super) struct Prev {
    pub(super) reference: u64,
    pub(super) uuid_ms: i64,
    pub(super) time_secs: i64,
}

/// A lowercase hyphenated UUID, as the id types write them (others stay text).
pub(super) fn as_uuid(s: &str) -> Option<uuid::Uuid> {
    if s.len() != 36 {
        return None;
    }
    let u = uuid::Uuid::try_parse(s).ok()?;
    let mut buf = [0u8; 36];
    (u.hyphenated().encode_lower(&mut buf) == s).then_some(u)
}

/// A UUIDv7 (time-ordered) with the RFC variant: its 48-bit millisecond prefix is sent as
/// a delta.
pub(super) fn is_v7(b: &[u8; 16]) -> bool {
    b[6] >> 4 == 7 && b[8] >> 6 == 0b10
}

pub(super) fn format_time(secs: i64, nanos: u32) -> Option<String> {
    if nanos >= 1_000_000_000 {
        return None;
    }
    DateTime::<Utc>::from_timestamp(secs, nanos).map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// An instant written the way chrono serialises `DateTime<Utc>` (checked by writing it
/// back, so the text round-trips exactly).
pub(super) fn as_time(s: &str) -> Option<(i64, u32)> {
    if !(20..=30).contains(&s.len()) || !s.ends_with('Z') {
        return None;
    }
    let t = DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc);
    let (secs, nanos) = (t.timestamp(), t.timestamp_subsec_nanos());
    (format_time(secs, nanos).as_deref() == Some(s)).then_some((secs, nanos))
}

/// A float with a short decimal form (coordinates, percentages): mantissa and scale,
/// if they give back the same bits.
pub(super) fn as_decimal(f: f64) -> Option<(i64, u8)> {
    let text = format!("{f}");
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    if int.len() + frac.len() > 17 {
        return None;
    }
    let mantissa: i64 = format!("{int}{frac}").parse().ok()?;
    let scale = u8::try_from(frac.len()).ok()?;
    (decimal(mantissa, scale)?.to_bits() == f.to_bits()).then_some((mantissa, scale))
}

pub(super) fn decimal(mantissa: i64, scale: u8) -> Option<f64> {
    format!("{mantissa}e-{scale}").parse().ok()
}
