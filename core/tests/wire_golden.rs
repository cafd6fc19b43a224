//! Golden byte vectors of the sync wire format (docs/sync-protocol.md §7).
//!
//! Phones in the field run old app versions for months. Every message the wire codec
//! carries ([`SyncRequest`], [`SyncResponse`]; enrolment and errors are plain JSON, not
//! the codec) has fixed sample messages here — fixed ids, clocks and times, every entity
//! kind, op kind and rejection code, deletes, quarantine (rejections), purge,
//! Vietnamese text, empty lists — and, for every wire version the code reads, their
//! exact bytes, committed under `core/tests/fixtures/wire/<version>/`:
//!
//! - `v1/`: the current layout (`'T' 1`, [`codec::FORMAT_VERSION`]). Encoding each sample
//!   must give exactly the committed `.bin`, and decoding the `.bin` must give the sample.
//! - `legacy-json-zstd/`: bodies of apps from before the layout (JSON compressed by zstd
//!   at level 9, as `codec::encode` wrote them then). Nothing writes them any more;
//!   decoding them must still give the sample, so the server can read an old app's
//!   request and tell it to update.
//!
//! Each `.bin` has a `.json` beside it: the sample as pretty JSON, for review (checked
//! too, so it cannot drift).
//!
//! # Regenerating (blessing)
//! `TUNGNHA_BLESS=1 cargo test -p tungnha-core --test wire_golden` rewrites the `v1/`
//! files from the samples, and writes legacy files only where they are missing (they
//! stand for bytes old apps sent; delete one deliberately to remake it).
//!
//! **Regenerating the current version's bytes means phones already in the field can no
//! longer read what the server writes (and the server may not read theirs) — unless
//! [`codec::FORMAT_VERSION`] was bumped, the old version is still decoded, and its
//! vectors stay here as a decode-only version.** The one harmless case is a zstd upgrade
//! that compresses the same layout into other bytes (any zstd decoder reads any frame):
//! the failure message says so when the layout itself is unchanged.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Debug;
use std::io::Read;
use std::path::{Path, PathBuf};
use tungnha_core::hlc::Hlc;
use tungnha_core::ids::{DeviceId, HouseholdId, OpId, TeamId, VillageId};
use tungnha_core::problem::{Problem, ProblemCode, Severity};
use tungnha_core::sync::protocol::{Entity, Op, OpKind};
use tungnha_core::sync::{
    codec, Change, Cursor, Purge, RejectCode, Rejection, SyncRequest, SyncResponse, DEFAULT_PAGE_BYTES, PROTOCOL_VERSION,
};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------
// Fixed ingredients

/// 09:00 on 2024-10-10 in Vietnam (02:00 UTC), in ms: the samples' clocks count from it.
const T0: i64 = 1_728_525_600_000;

/// A UUIDv7 as devices make them (a millisecond, then random bits), with fixed bits `n`.
fn v7(millis: i64, n: u32) -> Uuid {
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    b[6] = 0x71;
    b[7] = 0x2a;
    b[8] = 0x95;
    b[9] = 0xfe;
    b[10] = 0xeb;
    b[11] = 0xfa;
    b[12..].copy_from_slice(&n.to_be_bytes());
    Uuid::from_bytes(b)
}

/// The id of a record made `minutes` after T0.
fn id(minutes: i64, n: u32) -> String {
    v7(T0 + minutes * 60_000, n).hyphenated().to_string()
}

fn time(millis: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(millis).unwrap()
}

fn device() -> DeviceId {
    DeviceId(v7(T0 - 86_400_000, 0xd0))
}

fn other_device() -> DeviceId {
    DeviceId(v7(T0 - 3 * 86_400_000, 0xd1))
}

fn hlc(minutes: i64, counter: u32, device: DeviceId) -> Hlc {
    Hlc { millis: T0 + minutes * 60_000, counter, device }
}

// Records of one assignment: a village of a Sơn La commune, its team, a household of two.
const COMMUNE: &str = "2025:c:03646";

fn village() -> String {
    id(-600, 1)
}
fn team() -> String {
    id(-599, 2)
}
fn leader() -> String {
    id(-599, 3)
}
fn volunteer() -> String {
    id(-599, 4)
}
fn assignment() -> String {
    id(-598, 5)
}
fn campaign() -> String {
    id(-597, 6)
}
fn household() -> String {
    id(0, 7)
}
fn head() -> String {
    id(0, 8)
}
fn daughter() -> String {
    id(1, 9)
}
fn visit() -> String {
    id(5, 10)
}
fn self_report() -> String {
    id(9, 11)
}
fn verification() -> String {
    id(12, 12)
}
fn correction() -> String {
    id(14, 13)
}
/// Conflict ids are hashes, not UUIDv7 (they are the same on every replica).
const CONFLICT: &str = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";
const LOCAL_TOPIC: &str = "local.2025c03646.zalo";

fn consent(name: &str) -> Value {
    json!({
        "given_at": "2024-10-10T02:00:00Z",
        "given_by": name,
        "purpose": "Hướng dẫn kỹ năng số và báo cáo kết quả",
        "recorded_by": volunteer(),
    })
}

/// Each entity's full record (what creates and appends carry, and changes send down).
fn record(entity: Entity) -> Value {
    match entity {
        Entity::Village => json!({"commune_key": COMMUNE, "id": village(), "name": "Bản Mòng"}),
        Entity::Team => json!({
            "commune_key": COMMUNE,
            "id": team(),
            "members": [
                {"full_name": "Lò Văn Thắng", "id": leader(), "organisation": "youth_union", "phone": "0912345678",
                 "role": {"can_verify": true, "code": "leader", "name_vi": "Tổ trưởng"},
                 "trainings": [{"completed_on": "2024-09-20", "course": "Tập huấn kỹ năng số cơ bản"}]},
                {"full_name": "Quàng Thị Hoa", "id": volunteer(), "organisation": "womens_union", "phone": null,
                 "role": {"can_verify": false, "code": "member", "name_vi": "Thành viên"}, "trainings": []},
            ],
            "name": "Tổ CNSCĐ bản Mòng",
        }),
        Entity::Assignment => json!({
            "id": assignment(),
            "target": {"id": village(), "kind": "village"},
            "team_id": team(),
            "volunteer_id": null,
        }),
        Entity::Campaign => json!({
            "deadlines": [{"due_on": "2024-11-05", "label": "Báo cáo UBND tỉnh"}],
            "ends_on": "2024-10-10",
            "id": campaign(),
            "launch_at": "2024-10-01T01:00:00Z",
            "name": "Chiến dịch 10 ngày cao điểm",
            "starts_on": "2024-10-01",
            "targets": {"households_to_visit": 300, "masters_per_household": 1, "people_to_guide": null},
            "team_label": "Tổ chuyển đổi số cộng đồng",
        }),
        Entity::LocalTopic => json!({"code": LOCAL_TOPIC, "name_en": "Using Zalo", "name_vi": "Dùng Zalo"}),
        Entity::Household => json!({
            "address": "Số 12, Bản Mòng",
            "created_at": "2024-10-10T02:00:00Z",
            "head_id": head(),
            "id": household(),
            "indicators": {"has_broadband": false, "has_epayment_adult": null, "has_smartphone": true, "uses_internet": true},
            "location": {"lat": 21.33, "lon": 103.91},
            "phone": "0212385146",
            "village_id": village(),
        }),
        Entity::Person => json!({
            "birth_year": 1968,
            "consent": consent("Lò Văn Pánh"),
            "full_name": "Lò Văn Pánh",
            "household_id": household(),
            "id": head(),
            "phone": null,
            "relation": "head",
            "sex": "male",
            "vneid_activated": true,
        }),
        Entity::Visit => json!({
            "attendees": [
                {"actions": ["vneid_activated", "app_installed"], "apps_installed": ["VNeID", "Cổng Dịch vụ công"],
                 "household_id": household(), "person_id": head(), "skills_guided": ["public_services", "online_payment"]},
                {"actions": [], "apps_installed": [], "household_id": household(), "person_id": daughter(),
                 "skills_guided": ["online_payment"]},
            ],
            "campaign_id": campaign(),
            "id": visit(),
            "location": null,
            "notes": "Bà con hỏi nhiều về thanh toán tiền điện qua điện thoại",
            "occurred_at": "2024-10-10T02:05:00Z",
            "place": {"household_id": household(), "kind": "household"},
            "recorded_at": "2024-10-10T02:41:17.250Z",
            "superseded_by": null,
            "supersedes": null,
            "team_id": team(),
            "topics": ["vneid", "online_public_services", LOCAL_TOPIC],
            "volunteer_id": volunteer(),
        }),
        Entity::SelfReport => json!({
            "channel": "app",
            "id": self_report(),
            "person_id": daughter(),
            "reported_at": "2024-10-10T02:09:00Z",
            "skills": ["online_safety", "online_shopping"],
        }),
        Entity::SkillVerification => json!({
            "at": "2024-10-10T02:12:00Z",
            "id": verification(),
            "leader_id": leader(),
            "person_id": head(),
            "skill": "online_payment",
        }),
        Entity::SkillCorrection => json!({
            "at": "2024-10-10T02:14:00Z",
            "id": correction(),
            "leader_id": leader(),
            "person_id": head(),
            "reason": "Nhầm người: bà Xuân tự làm, không phải ông Pánh",
            "skill": "online_payment",
            "to_level": "guided",
        }),
        Entity::Conflict => json!({
            "entity": "person",
            "entity_id": daughter(),
            "field": "full_name",
            "household_id": household(),
            "kept": "Lò Thị Xuân",
            "kept_version": hlc(20, 0, device()),
            "op_id": id(19, 40),
            "other": "Lò Thị Xuyến",
            "other_version": hlc(19, 2, other_device()),
            "resolved": false,
        }),
    }
}

fn record_id(entity: Entity) -> String {
    match entity {
        Entity::Village => village(),
        Entity::Team => team(),
        Entity::Assignment => assignment(),
        Entity::Campaign => campaign(),
        Entity::LocalTopic => LOCAL_TOPIC.into(),
        Entity::Household => household(),
        Entity::Person => head(),
        Entity::Visit => visit(),
        Entity::SelfReport => self_report(),
        Entity::SkillVerification => verification(),
        Entity::SkillCorrection => correction(),
        Entity::Conflict => CONFLICT.into(),
    }
}

/// Every entity kind, in the order a device makes them. The match in [`record`] is
/// exhaustive: a new kind fails to compile there until it has a sample.
const ENTITIES: [Entity; 12] = [
    Entity::Village,
    Entity::Team,
    Entity::Assignment,
    Entity::Campaign,
    Entity::LocalTopic,
    Entity::Household,
    Entity::Person,
    Entity::Visit,
    Entity::SelfReport,
    Entity::SkillVerification,
    Entity::SkillCorrection,
    Entity::Conflict,
];

fn kind_of(entity: Entity) -> OpKind {
    match entity {
        Entity::Visit | Entity::SelfReport | Entity::SkillVerification | Entity::SkillCorrection => OpKind::Append,
        _ => OpKind::Create,
    }
}

/// The `n`th op of the device (seq 40 + n), `minutes` after T0.
fn op(n: u32, minutes: i64, entity: Entity, entity_id: String, kind: OpKind, base: Option<Hlc>, fields: Value) -> Op {
    Op {
        op_id: OpId(v7(T0 + minutes * 60_000 + i64::from(n), 100 + n)),
        device_id: device(),
        seq: 40 + i64::from(n),
        hlc: hlc(minutes, n % 3, device()),
        entity,
        entity_id,
        kind,
        base_version: base,
        schema_version: 6,
        fields,
        created_at: time(T0 + minutes * 60_000 + 1_500),
    }
}

fn problem(field: &str, code: ProblemCode, severity: Severity, vi: &str, en: &str) -> Problem {
    Problem { field: field.into(), code, severity, message_vi: vi.into(), message_en: en.into() }
}

fn cursor(seq: u64) -> Cursor {
    Cursor(format!("7f3a9c1e:{}:4be01d77:{seq}", T0 - 86_400_000))
}

// ---------------------------------------------------------------------------------------
// The samples

/// A push: a create or append of every entity kind (a conflict is resolved by an update,
/// phones never create one), updates made on a base version (one clearing a field), and
/// deletes (tombstones), with the pull cursor of an earlier sync.
fn request_push() -> SyncRequest {
    let mut ops: Vec<Op> = ENTITIES
        .iter()
        .filter(|e| **e != Entity::Conflict)
        .enumerate()
        .map(|(i, &e)| op(i as u32 + 1, i as i64, e, record_id(e), kind_of(e), None, record(e)))
        .collect();
    let base = hlc(0, 1, device());
    ops.extend([
        op(12, 30, Entity::Person, daughter(), OpKind::Update, Some(hlc(1, 0, device())), json!({"phone": "0987654321"})),
        op(13, 31, Entity::Household, household(), OpKind::Update, Some(base), json!({"phone": null, "address": "Số 12A, Bản Mòng"})),
        op(14, 32, Entity::Conflict, CONFLICT.into(), OpKind::Update, Some(hlc(20, 0, device())), json!({"resolved": true})),
        op(15, 33, Entity::Person, daughter(), OpKind::Delete, Some(hlc(30, 0, device())), json!({})),
        op(16, 34, Entity::Assignment, assignment(), OpKind::Delete, Some(hlc(-598, 0, other_device())), json!({})),
    ]);
    SyncRequest {
        protocol: PROTOCOL_VERSION,
        schema_version: 6,
        device_id: device(),
        client_time_ms: T0 + 40 * 60_000 + 123,
        ops,
        cursor: cursor(1_042),
        max_bytes: DEFAULT_PAGE_BYTES,
    }
}

/// A new phone's first sync: nothing to push, no cursor yet.
fn request_first_pull() -> SyncRequest {
    SyncRequest {
        protocol: PROTOCOL_VERSION,
        schema_version: 6,
        device_id: device(),
        client_time_ms: T0,
        ops: vec![],
        cursor: Cursor::default(),
        max_bytes: DEFAULT_PAGE_BYTES,
    }
}

fn rejections() -> Vec<Rejection> {
    vec![
        Rejection {
            op_id: OpId(v7(T0 + 5 * 60_000, 201)),
            code: RejectCode::Invalid,
            message_vi: "Lượt hướng dẫn không hợp lệ".into(),
            message_en: "The visit is not valid".into(),
            problems: vec![
                problem(
                    "attendees[1].person_id",
                    ProblemCode::PersonNotInHousehold,
                    Severity::Error,
                    "Người này không thuộc hộ gia đình",
                    "This person is not a member of the household",
                ),
                problem(
                    "occurred_at",
                    ProblemCode::OutsideCampaignWindow,
                    Severity::Warning,
                    "Ngoài thời gian chiến dịch",
                    "Outside the campaign window",
                ),
            ],
        },
        Rejection {
            op_id: OpId(v7(T0 + 6 * 60_000, 202)),
            code: RejectCode::OutOfScope,
            message_vi: "Bạn không còn là thành viên của tổ".into(),
            message_en: "You are no longer a member of the team".into(),
            problems: vec![problem(
                "volunteer_id",
                ProblemCode::WrongAuthor,
                Severity::Error,
                "Người ghi không phải thành viên của máy này",
                "The author is not this device's member",
            )],
        },
        Rejection {
            op_id: OpId(v7(T0 + 7 * 60_000, 203)),
            code: RejectCode::OpIdReused,
            message_vi: "Mã thao tác đã được dùng cho nội dung khác".into(),
            message_en: "This operation id was used for other content".into(),
            problems: vec![],
        },
        Rejection {
            op_id: OpId(v7(T0 + 8 * 60_000, 204)),
            code: RejectCode::UnknownRecord,
            message_vi: "Máy chủ không có bản ghi này".into(),
            message_en: "The server does not have this record".into(),
            problems: vec![],
        },
    ]
}

/// A page of a pull after a push: acks, every rejection code (the ops the phone puts in
/// quarantine), a deferred op, a change of every entity kind (one deleted), more to
/// come, and a purge of what left the device's scope.
fn response_page() -> SyncResponse {
    let mut changes: Vec<Change> = ENTITIES
        .iter()
        .enumerate()
        .map(|(i, &e)| Change {
            entity: e,
            id: record_id(e),
            version: hlc(i as i64, (i % 2) as u32, if i % 4 == 3 { other_device() } else { device() }),
            deleted: false,
            state: record(e),
        })
        .collect();
    let mut gone = record(Entity::Person);
    gone["id"] = json!(daughter());
    gone["full_name"] = json!("Lò Thị Xuân");
    gone["relation"] = json!("child");
    gone["birth_year"] = json!(1995);
    gone["sex"] = json!("female");
    gone["phone"] = json!("0987654321");
    changes.push(Change { entity: Entity::Person, id: daughter(), version: hlc(33, 0, device()), deleted: true, state: gone });
    SyncResponse {
        server_time_ms: T0 + 40 * 60_000 + 987,
        acks: (1..=11).map(|n| OpId(v7(T0 + (n - 1) * 60_000 + n, 100 + n as u32))).collect(),
        rejected: rejections(),
        deferred: vec![OpId(v7(T0 + 33 * 60_000 + 15, 115))],
        changes,
        next_cursor: cursor(1_055),
        more: true,
        purge: Some(Purge {
            teams: vec![],
            villages: vec![VillageId(v7(T0 - 900 * 60_000, 301))],
            households: vec![HouseholdId(v7(T0 - 800 * 60_000, 302))],
            keep: vec![HouseholdId(v7(T0 - 850 * 60_000, 303)), HouseholdId(v7(T0 - 840 * 60_000, 304))],
        }),
    }
}

/// Nothing new: every list empty, no purge (the field is left out).
fn response_empty() -> SyncResponse {
    SyncResponse {
        server_time_ms: T0,
        acks: vec![],
        rejected: vec![],
        deferred: vec![],
        changes: vec![],
        next_cursor: cursor(1_042),
        more: false,
        purge: None,
    }
}

/// A member removed from the team: forget the team and two households, nothing else.
fn response_purge() -> SyncResponse {
    SyncResponse {
        purge: Some(Purge {
            teams: vec![TeamId(Uuid::parse_str(&team()).unwrap())],
            villages: vec![],
            households: vec![HouseholdId(Uuid::parse_str(&household()).unwrap()), HouseholdId(v7(T0 + 60_000, 305))],
            keep: vec![],
        }),
        ..response_empty()
    }
}

/// Not a realistic record: a change whose state holds every value tag, column kind and
/// string form of the layout (module documentation of `codec`), so each of them has
/// committed bytes.
fn response_every_layout_kind() -> SyncResponse {
    let scalars = json!({
        "null": null, "false": false, "true": true,
        "uint": u64::MAX, "neg": i64::MIN, "small_neg": -7,
        "f64": 0.1 + 0.2, "decimal": 21.33, "neg_decimal": -7.25,
        "short": "a", "text": "Điện thoại tổ trưởng", "again": "Điện thoại tổ trưởng", "empty": "",
        "uuid": CONFLICT, "uuid7": id(3, 77), "upper_uuid": id(3, 77).to_uppercase(),
        "time": "2024-10-01T01:01:00.123456Z", "date": "2024-10-01", "offset_time": "2024-10-01T08:01:00+07:00",
    });
    let columns = json!({
        "nulls": [null, null],
        "nullable": [1, null, 3, null],
        "bools": [true, false, true, true, false, false, true, false, true, true],
        "ints_plain": [1_000_000, -5, 70_000, 3],
        "ints_delta": [T0, T0 + 1, T0 + 5, T0 + 5, T0 - 2],
        "strings": ["Hà", "ắ", "Hà", id(3, 77), "2024-10-01T01:01:00Z", "2024-10-01T01:02:00Z"],
        "mixed": [1, "x", true, 2.5, {"a": 1}, [1], -3],
        "floats": [1.5, 0.1, 1e300],
    });
    let nested = json!({
        "one_shape": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}],
        "shapes": [{"a": 1}, {"a": 3, "b": 2}, {}, {"c": [null]}],
        "arrays": [[1, 2], [], [3], [[]]],
        "empty_array": [], "empty_object": {},
        "nested": {"deep": [[{"x": [null, {"y": []}]}]]},
    });
    let mut state = serde_json::Map::new();
    for part in [scalars, columns, nested] {
        if let Value::Object(m) = part {
            state.extend(m);
        }
    }
    let state = Value::Object(state);
    SyncResponse {
        changes: vec![Change { entity: Entity::Household, id: household(), version: hlc(0, 0, device()), deleted: false, state }],
        ..response_empty()
    }
}

/// An app of the JSON+zstd era (schema 3, older than the server accepts): the server must
/// still read it to answer "update the app" instead of "bad request".
fn legacy_request_old_app() -> SyncRequest {
    let appended = op(1, 5, Entity::Visit, visit(), OpKind::Append, None, record(Entity::Visit));
    let edit = op(2, 6, Entity::Person, head(), OpKind::Update, Some(hlc(0, 0, device())), json!({"phone": "0912000111"}));
    SyncRequest {
        protocol: PROTOCOL_VERSION,
        schema_version: 3,
        device_id: device(),
        client_time_ms: T0 + 6 * 60_000,
        ops: vec![Op { schema_version: 3, ..appended }, Op { schema_version: 3, ..edit }],
        cursor: cursor(17),
        max_bytes: DEFAULT_PAGE_BYTES,
    }
}

/// A server of the JSON+zstd era answering: no `purge` field.
fn legacy_response_old_server() -> SyncResponse {
    SyncResponse {
        server_time_ms: T0 + 6 * 60_000 + 450,
        acks: vec![OpId(v7(T0 + 5 * 60_000 + 1, 101))],
        rejected: vec![],
        deferred: vec![OpId(v7(T0 + 6 * 60_000 + 2, 102))],
        changes: [Entity::Household, Entity::Person]
            .iter()
            .map(|&e| Change { entity: e, id: record_id(e), version: hlc(0, 1, device()), deleted: false, state: record(e) })
            .collect(),
        next_cursor: cursor(19),
        more: false,
        purge: None,
    }
}

// ---------------------------------------------------------------------------------------
// Checking and blessing

fn dir(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire").join(version)
}

fn blessing() -> bool {
    std::env::var_os("TUNGNHA_BLESS").is_some_and(|v| v == "1")
}

const HOW_TO_BLESS: &str = "regenerate deliberately with TUNGNHA_BLESS=1 cargo test -p tungnha-core --test wire_golden \
     (read the header of core/tests/wire_golden.rs first: changed bytes break phones in the field \
     unless codec::FORMAT_VERSION is bumped and the old version is still decoded)";

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}; {HOW_TO_BLESS}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    println!("BLESSED {} ({} bytes)", path.display(), bytes.len());
}

/// A message as the codec sees it (its JSON value: keys sorted), pretty-printed.
fn pretty<T: Serialize>(message: &T) -> String {
    serde_json::to_string_pretty(&serde_json::to_value(message).unwrap()).unwrap() + "\n"
}

/// The layout bytes of a `'T' 1` body (its zstd frame decompressed).
fn layout(body: &[u8]) -> Vec<u8> {
    assert_eq!(&body[..2], b"T\x01", "a version 1 body");
    let frame = [&[0x28, 0xb5, 0x2f, 0xfd][..], &body[2..]].concat();
    let mut out = Vec::new();
    zstd::stream::read::Decoder::new(&frame[..]).unwrap().read_to_end(&mut out).unwrap();
    out
}

/// Where two byte strings first differ, for the failure message.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => format!("first difference at byte {i} (0x{:02x} now, 0x{:02x} committed)", a[i], b[i]),
        None => format!("one is a prefix of the other ({} bytes now, {} committed)", a.len(), b.len()),
    }
}

type Checked = Result<(), String>;

/// Decoding the committed bytes gives the sample, through both entry points (the phone's
/// [`codec::decode`] and the server's [`codec::decode_limited`] with its 32 MiB budget).
fn decodes_to<T: Serialize + DeserializeOwned + PartialEq + Debug>(body: &[u8], sample: &T) -> Checked {
    let back: T = codec::decode(body).map_err(|e| format!("the committed bytes no longer decode: {e}"))?;
    if back != *sample {
        return Err(format!("the committed bytes decode to another message:\n{}", pretty(&back)));
    }
    let limited: T = codec::decode_limited(body, 32 << 20).map_err(|e| format!("decode_limited refuses the committed bytes: {e}"))?;
    if limited != *sample {
        return Err("decode_limited gives another message".into());
    }
    Ok(())
}

/// Encoding the sample gives the committed bytes exactly.
fn encodes_to<T: Serialize>(sample: &T, committed: &[u8]) -> Checked {
    let encoded = codec::encode(sample).map_err(|e| format!("the sample does not encode: {e}"))?;
    if encoded == committed {
        return Ok(());
    }
    let (now, then) = (layout(&encoded), layout(committed));
    if now == then {
        return Err(format!(
            "the layout is unchanged but zstd compressed it into other bytes ({}); old phones are not affected \
             (any zstd decoder reads any frame), so regenerating is safe if the zstd upgrade was intended",
            first_difference(&encoded, committed)
        ));
    }
    Err(format!(
        "encoding the sample no longer gives the committed bytes: layout of {} bytes now, {} committed, {}; \
         phones in the field would get bytes they cannot read. If the change is intended, bump codec::FORMAT_VERSION \
         and keep decoding version 1 before regenerating",
        now.len(),
        then.len(),
        first_difference(&now, &then)
    ))
}

/// A vector of the current layout: encoding gives the committed bytes exactly, the
/// committed bytes decode to the sample, and the readable companion is the sample.
fn verify_current<T: Serialize + DeserializeOwned + PartialEq + Debug>(committed: &[u8], json: &str, sample: &T) -> Checked {
    if committed.get(..2) != Some(&[b'T', codec::FORMAT_VERSION][..]) {
        return Err("not a version 1 body".into());
    }
    encodes_to(sample, committed)?;
    decodes_to(committed, sample)?;
    if json != pretty(sample) {
        return Err("the sample's JSON changed (a field of a message renamed, added or removed?)".into());
    }
    Ok(())
}

fn check_current<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str, sample: &T) {
    let path = dir("v1").join(format!("{name}.bin"));
    if blessing() {
        write(&path, &codec::encode(sample).unwrap());
        write(&path.with_extension("json"), pretty(sample).as_bytes());
    }
    let json = String::from_utf8(read(&path.with_extension("json"))).unwrap();
    if let Err(e) = verify_current(&read(&path), &json, sample) {
        panic!("{}: {e}; {HOW_TO_BLESS}", path.display());
    }
}

/// What apps of the JSON+zstd era sent: `codec::encode` was then zstd level 9 of the JSON.
fn legacy_encode<T: Serialize>(message: &T) -> Vec<u8> {
    zstd::bulk::compress(&serde_json::to_vec(message).unwrap(), 9).unwrap()
}

/// A vector of the legacy format: the committed bytes decode to the sample, and the
/// readable companion is their JSON (what the old app sent, not the sample as it is now).
fn verify_legacy<T: Serialize + DeserializeOwned + PartialEq + Debug>(committed: &[u8], json: &str, sample: &T) -> Checked {
    if committed.get(..4) != Some(&[0x28, 0xb5, 0x2f, 0xfd][..]) {
        return Err("not a zstd frame".into());
    }
    decodes_to(committed, sample)?;
    let text = zstd::stream::decode_all(committed).map_err(|e| e.to_string())?;
    let sent: Value = serde_json::from_slice(&text).map_err(|e| e.to_string())?;
    if json != pretty(&sent) {
        return Err("the readable companion is not the JSON of the committed bytes".into());
    }
    Ok(())
}

fn check_legacy<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str, sample: &T) {
    let path = dir("legacy-json-zstd").join(format!("{name}.bin"));
    if blessing() && !path.exists() {
        write(&path, &legacy_encode(sample));
        write(&path.with_extension("json"), pretty(sample).as_bytes());
    }
    let json = String::from_utf8(read(&path.with_extension("json"))).unwrap();
    if let Err(e) = verify_legacy(&read(&path), &json, sample) {
        panic!("{}: {e}; {HOW_TO_BLESS}", path.display());
    }
}

#[test]
fn the_current_layout_writes_and_reads_the_committed_bytes() {
    assert_eq!(
        codec::FORMAT_VERSION,
        1,
        "the layout version changed: add a v{}/ directory of vectors written by this version, and keep v1/ \
         as decode-only vectors (like legacy-json-zstd/) while phones may still send version 1",
        codec::FORMAT_VERSION
    );
    check_current("sync_request_push", &request_push());
    check_current("sync_request_first_pull", &request_first_pull());
    check_current("sync_response_page", &response_page());
    check_current("sync_response_empty", &response_empty());
    check_current("sync_response_purge", &response_purge());
    check_current("sync_response_every_layout_kind", &response_every_layout_kind());
}

#[test]
fn legacy_json_zstd_bodies_are_still_read() {
    check_legacy("sync_request_old_app", &legacy_request_old_app());
    check_legacy("sync_response_old_server", &legacy_response_old_server());
}

/// Every op kind and rejection code. The matches fail to compile when one is added, as a
/// reminder to give it a sample.
fn op_kinds() -> [OpKind; 4] {
    let all = [OpKind::Create, OpKind::Update, OpKind::Append, OpKind::Delete];
    all.map(|k| match k {
        OpKind::Create | OpKind::Update | OpKind::Append | OpKind::Delete => k,
    })
}

fn reject_codes() -> [RejectCode; 4] {
    let all = [RejectCode::OutOfScope, RejectCode::Invalid, RejectCode::OpIdReused, RejectCode::UnknownRecord];
    all.map(|c| match c {
        RejectCode::OutOfScope | RejectCode::Invalid | RejectCode::OpIdReused | RejectCode::UnknownRecord => c,
    })
}

/// The samples cover what the protocol can say: every entity kind pushed and pulled,
/// every op kind, every rejection code, both severities, a deleted record, a purge.
#[test]
fn the_samples_cover_every_kind() {
    let push = request_push();
    let page = response_page();
    for e in ENTITIES {
        assert!(push.ops.iter().any(|o| o.entity == e), "{e:?} pushed");
        assert!(page.changes.iter().any(|c| c.entity == e), "{e:?} pulled");
    }
    for k in op_kinds() {
        assert!(push.ops.iter().any(|o| o.kind == k), "{k:?}");
    }
    for c in reject_codes() {
        assert!(page.rejected.iter().any(|r| r.code == c), "{c:?}");
    }
    let problems: Vec<&Problem> = page.rejected.iter().flat_map(|r| &r.problems).collect();
    assert!(problems.iter().any(|p| p.severity == Severity::Error) && problems.iter().any(|p| p.severity == Severity::Warning));
    assert!(page.rejected.iter().any(|r| r.problems.is_empty()));
    assert!(page.changes.iter().any(|c| c.deleted) && page.purge.is_some() && page.more);
    assert!(push.ops.iter().any(|o| o.base_version.is_some()) && push.ops.iter().any(|o| o.base_version.is_none()));
    // The legacy request is one the server must answer with "update the app".
    assert!(legacy_request_old_app().schema_version < tungnha_core::sync::MIN_CLIENT_SCHEMA);
}

/// The checks can fail: a committed body with one byte of its layout changed, a sample
/// with one field changed, and a layout compressed differently are each caught.
#[test]
fn a_changed_byte_or_field_is_caught() {
    if blessing() {
        return; // The files are being rewritten by the other tests.
    }
    let path = dir("v1").join("sync_request_push.bin");
    let (committed, json) = (read(&path), String::from_utf8(read(&path.with_extension("json"))).unwrap());
    let sample = request_push();
    verify_current(&committed, &json, &sample).unwrap();
    let body = |payload: &[u8], level: i32| [&b"T\x01"[..], &zstd::bulk::compress(payload, level).unwrap()[4..]].concat();
    let payload = layout(&committed);
    // Any byte of the layout changed (+1): the body is no longer the committed bytes, which
    // `encode(sample)` gives (checked above), and in almost every case it no longer
    // decodes to the sample either. The exceptions are other spellings of the same
    // message (an integer column of one row read plainly or as a delta is one number):
    // only the exact-bytes check sees those.
    let mut same_message = vec![];
    for at in 0..payload.len() {
        let mut damaged = payload.clone();
        damaged[at] = damaged[at].wrapping_add(1);
        let damaged = body(&damaged, 1);
        assert_ne!(damaged, committed);
        if codec::decode::<SyncRequest>(&damaged).is_ok_and(|m| m == sample) {
            same_message.push(at);
        }
    }
    assert!(
        same_message.len() <= 8,
        "{} of {} changed layout bytes still read as the sample: {same_message:?}",
        same_message.len(),
        payload.len()
    );
    // One field of the sample changed (a sequence number, an entity kind).
    let mut other = sample.clone();
    other.ops[0].seq += 1;
    assert!(verify_current(&committed, &json, &other).is_err());
    let mut other = sample.clone();
    other.ops[3].entity = Entity::Team;
    assert!(verify_current(&committed, &json, &other).is_err());
    // The same layout compressed at another level: decodes, but is not the committed bytes.
    let other_frame = body(&payload, 1);
    assert_ne!(other_frame, committed);
    assert!(decodes_to(&other_frame, &sample).is_ok());
    let e = verify_current(&other_frame, &json, &sample).unwrap_err();
    assert!(e.contains("layout is unchanged"), "{e}");
}
