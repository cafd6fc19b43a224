//! Unit tests of the layout (round trips, hostile sizes, nesting, damage). The golden
//! byte vectors of every message type and version are in `core/tests/wire_golden.rs`.

use super::decode::from_payload;
use super::encode::{to_payload, Encoder};
use super::layout::*;
use super::limits::NODE;
use super::*;
use chrono::{DateTime, SecondsFormat, Utc};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Number, Value};
use std::collections::HashMap;

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
    round_trip(&json!([u64::MAX, i64::MIN, i64::MAX, 0, -1, 1.5, -0.0, 0.0, 1e300, 5e-324, 0.1, 21.33, 103.9, -7.25, 1e16, 123456789.123]));
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
    use crate::sync::protocol::Entity;
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
