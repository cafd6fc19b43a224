//! The assignment of the wire budget (docs/sync-protocol.md §7), shared by
//! `tests/wire_size.rs` and `benches/codec.rs`: one team of a Sơn La commune, 4 villages,
//! 300 households registered over three days, about 600 guidance sessions over the ten
//! days, self-reports and later phone corrections, made with the real store (so the ops
//! and states are exactly what devices send and the server merges), from fixed seeds.
#![allow(dead_code, clippy::unwrap_used)]

use crate::common::*;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tungnha_core::clock::Clock;
use tungnha_core::ids::{HouseholdId, MemberId, PersonId};
use tungnha_core::model::*;
use tungnha_core::store::{PersonPatch, StoreOptions};
use tungnha_core::sync::protocol::{Entity, Op};
use tungnha_core::sync::{apply_op, Change, Cursor, RecordState, SyncResponse};
use tungnha_core::Store;

/// A clock the test moves forward, so records carry the spread of times a real
/// campaign has (registration over days, visits over the ten days, edits later).
#[derive(Debug)]
struct WallClock(Mutex<DateTime<Utc>>);

impl Clock for WallClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

impl WallClock {
    fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap() = t;
    }
}

const FAMILY: [&str; 20] = [
    "Lò", "Quàng", "Cầm", "Lường", "Vì", "Điêu", "Hà", "Tòng", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Mùa", "Giàng",
    "Sùng", "Thào", "Lầu",
];
const MIDDLE_M: [&str; 5] = ["Văn", "Văn", "Đức", "Minh", "A"];
const MIDDLE_F: [&str; 4] = ["Thị", "Thị", "Thị Thu", "Thị Ngọc"];
const GIVEN_M: [&str; 24] = [
    "Pánh", "Thắng", "Minh", "Dũng", "Hùng", "Cường", "Tuấn", "Hải", "Sơn", "Long", "Phong", "Quân", "Khánh", "Chung", "Páo", "Sếnh",
    "Chứ", "Dế", "Tủa", "Vàng", "Lả", "Bình", "Toản", "Nghĩa",
];
const GIVEN_F: [&str; 24] = [
    "Xuân", "Hoa", "Hồng", "Lan", "Mai", "Hương", "Dung", "Nga", "Thủy", "Hạnh", "Yến", "Ngọc", "Dợ", "Súa", "Mỷ", "Pàng", "Chơ", "Xay",
    "Ánh", "Tươi", "Thanh", "Lụa", "Kim", "Vân",
];
const VILLAGES: [&str; 4] = ["Bản Mòng", "Bản Co Sâu", "Bản Nà Sài", "Bản Huổi Hẹ"];
const TOPICS: [&str; 7] = ["vneid", "online_public_services", "cashless_payment", "ecommerce", "online_safety", "internet_search", "other"];
const ACTIONS: [&str; 4] = ["vneid_activated", "app_installed", "online_account_registered", "epayment_account_opened"];
const APPS: [&str; 5] = ["VNeID", "Zalo", "Cổng Dịch vụ công", "BIDV SmartBanking", "Shopee"];
const NOTES: [&str; 5] = [
    "Bà con hỏi nhiều về thanh toán tiền điện qua điện thoại",
    "Điện thoại yếu, cần đổi máy mới",
    "Hẹn quay lại vào cuối tuần để hướng dẫn thêm",
    "Cháu trong nhà giúp bố mẹ cài ứng dụng",
    "Chưa có sóng 4G ở cuối bản",
];

fn phone(rng: &mut StdRng) -> String {
    const PREFIXES: [&str; 8] = ["032", "035", "038", "086", "091", "094", "097", "098"];
    format!("{}{:07}", PREFIXES[rng.random_range(0..PREFIXES.len())], rng.random_range(0..10_000_000))
}

fn name(rng: &mut StdRng, family: &str, female: bool) -> String {
    if female {
        format!("{family} {} {}", MIDDLE_F[rng.random_range(0..MIDDLE_F.len())], GIVEN_F[rng.random_range(0..GIVEN_F.len())])
    } else {
        format!("{family} {} {}", MIDDLE_M[rng.random_range(0..MIDDLE_M.len())], GIVEN_M[rng.random_range(0..GIVEN_M.len())])
    }
}

fn pick(rng: &mut StdRng, from: &[&str], max: usize) -> Vec<String> {
    let n = rng.random_range(1..=max.min(from.len()));
    let mut out: Vec<String> = vec![];
    while out.len() < n {
        let s = from[rng.random_range(0..from.len())];
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

pub fn local(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    at(d, h) + Duration::minutes(m as i64)
}

/// The assignment of one team in a Sơn La commune, made on one device.
pub struct Assignment {
    _dir: tempfile::TempDir,
    pub store: Store,
}

pub fn build() -> Assignment {
    let mut rng = StdRng::seed_from_u64(20_241_001);
    let clock = Arc::new(WallClock(Mutex::new(local(1, 7, 0))));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("device.db"), StoreOptions { clock: clock.clone(), household_goal: 1 }).unwrap();
    let commune = commune_key();
    let villages: Vec<_> = VILLAGES.iter().map(|v| store.add_village(&commune, v).unwrap()).collect();
    let mut members = vec![member("Lò Văn Thắng", "leader", true, Organisation::YouthUnion)];
    for (i, (n, org)) in [
        ("Quàng Thị Hoa", Organisation::WomensUnion),
        ("Cầm Văn Sơn", Organisation::FarmersUnion),
        ("Lường Thị Mai", Organisation::PostOffice),
        ("Vì Văn Long", Organisation::Telecom),
        ("Điêu Thị Ngọc", Organisation::School),
    ]
    .into_iter()
    .enumerate()
    {
        let mut m = member(n, "member", false, org);
        m.phone = Some(format!("09{}{:07}", [1, 4, 7, 8, 6][i], 1_234_567 + i * 1_111));
        m.trainings = vec![Training {
            course: "Tập huấn kỹ năng số cơ bản".into(),
            completed_on: NaiveDate::from_ymd_opt(2024, 9, 20).unwrap(),
        }];
        members.push(m);
    }
    let volunteers: Vec<MemberId> = members.iter().map(|m| m.id).collect();
    let team = store.add_team(&NewTeam { commune_key: commune, name: "Tổ CNSCĐ xã Chiềng Sơn".into(), members }).unwrap();
    for v in &villages {
        store.assign(team, None, AssignmentTarget::Village(*v)).unwrap();
    }
    let campaign = store
        .add_campaign(&NewCampaign {
            name: "Chiến dịch 10 ngày cao điểm".into(),
            starts_on: day(1),
            ends_on: day(10),
            launch_at: Some(at(1, 8)),
            targets: Targets { masters_per_household: 1, ..Default::default() },
            deadlines: vec![Deadline { label: "Báo cáo UBND tỉnh".into(), due_on: NaiveDate::from_ymd_opt(2024, 11, 5).unwrap() }],
            team_label: "Tổ chuyển đổi số cộng đồng".into(),
        })
        .unwrap();

    // 300 households registered over the first three days, 2–5 members each.
    let mut households: Vec<(HouseholdId, Vec<PersonId>)> = vec![];
    for i in 0..300u32 {
        clock.set(local(1 + i / 100, 8, (i % 100) * 5 + rng.random_range(0..4)));
        let family = FAMILY[rng.random_range(0..FAMILY.len())];
        let head_female = rng.random_bool(0.25);
        let head_name = name(&mut rng, family, head_female);
        let volunteer = volunteers[1 + rng.random_range(0..5)];
        let consent = |given_by: &str, when: DateTime<Utc>| Consent {
            given_by: given_by.into(),
            given_at: when,
            purpose: "Hướng dẫn kỹ năng số và báo cáo kết quả".into(),
            recorded_by: Some(volunteer),
        };
        let now = clock.now();
        let head = NewPerson {
            full_name: head_name.clone(),
            birth_year: Some(rng.random_range(1945..=1992)),
            sex: Some(if head_female { Sex::Female } else { Sex::Male }),
            relation: Relation::Head,
            phone: rng.random_bool(0.6).then(|| phone(&mut rng)),
            consent: Some(consent(&head_name, now)),
        };
        let village = i as usize % villages.len();
        let h = store
            .add_household(&NewHousehold {
                village_id: villages[village],
                address: format!("Số {}, {}", 1 + i / 4, VILLAGES[village]),
                head,
                phone: rng.random_bool(0.3).then(|| phone(&mut rng)),
                location: rng
                    .random_bool(0.5)
                    .then(|| CoarseLocation::coarse(21.30 + rng.random_range(0.0..0.08), 103.90 + rng.random_range(0.0..0.08))),
                indicators: HouseholdIndicators {
                    has_smartphone: Some(rng.random_bool(0.7)),
                    has_broadband: rng.random_bool(0.8).then(|| rng.random_bool(0.3)),
                    has_epayment_adult: rng.random_bool(0.8).then(|| rng.random_bool(0.4)),
                    uses_internet: Some(rng.random_bool(0.6)),
                },
            })
            .unwrap()
            .id;
        let mut people = vec![store.household_detail(h).unwrap().household.head_id];
        for _ in 0..rng.random_range(1..=4) {
            let female = rng.random_bool(0.5);
            let (relation, years) = match rng.random_range(0..10) {
                0..=2 => (Relation::Spouse, 1948..=1994),
                3..=7 => (Relation::Child, 1975..=2020),
                8 => (Relation::Parent, 1935..=1960),
                _ => (Relation::Grandchild, 2005..=2022),
            };
            let their_family = if relation == Relation::Spouse { FAMILY[rng.random_range(0..FAMILY.len())] } else { family };
            let full_name = name(&mut rng, their_family, female);
            let p = NewPerson {
                consent: Some(consent(&head_name, clock.now())),
                full_name,
                birth_year: rng.random_bool(0.95).then(|| rng.random_range(years)),
                sex: rng.random_bool(0.9).then_some(if female { Sex::Female } else { Sex::Male }),
                relation,
                phone: rng.random_bool(0.4).then(|| phone(&mut rng)),
            };
            people.push(store.add_person(h, &p).unwrap().id);
        }
        households.push((h, people));
    }

    // About 600 guidance sessions over the ten days, recorded shortly after they happen.
    let mut visits = 0;
    for d in 1..=10u32 {
        for k in 0..60u32 {
            let (h, people) = &households[rng.random_range(0..households.len())];
            let occurred = local(d, 8 + k / 6, (k % 6) * 9 + rng.random_range(0..5));
            clock.set(occurred + Duration::minutes(rng.random_range(5..90)));
            let n = rng.random_range(1..=people.len().min(3));
            let skills = pick(&mut rng, &ALL_SKILLS, 3);
            let attendees = people[..n]
                .iter()
                .map(|p| Attendee {
                    person_id: *p,
                    skills_guided: skills.clone(),
                    actions: if rng.random_bool(0.3) { pick(&mut rng, &ACTIONS, 2) } else { vec![] },
                    apps_installed: if rng.random_bool(0.2) { pick(&mut rng, &APPS, 2) } else { vec![] },
                    ..Default::default()
                })
                .collect();
            store
                .record_visit(&NewVisit {
                    place: VisitPlace::Household { household_id: *h },
                    campaign_id: Some(campaign),
                    team_id: team,
                    volunteer_id: volunteers[1 + rng.random_range(0..5)],
                    occurred_at: occurred,
                    attendees,
                    topics: pick(&mut rng, &TOPICS, 3),
                    notes: if rng.random_bool(0.15) { NOTES[rng.random_range(0..NOTES.len())].into() } else { String::new() },
                    location: None,
                    supersedes: None,
                })
                .unwrap();
            visits += 1;
        }
    }
    assert_eq!(visits, 600);

    // Some citizens report their own skills, and some phone numbers are corrected later.
    clock.set(local(11, 9, 0));
    for (k, (_, people)) in households.iter().enumerate().filter(|(k, _)| k % 5 == 0) {
        clock.set(local(11, 9, k as u32));
        store
            .record_self_report(&NewSelfReport {
                person_id: people[people.len() - 1],
                skills: pick(&mut rng, &ALL_SKILLS, 5),
                channel: if k % 2 == 0 { Channel::Web } else { Channel::App },
                reported_at: clock.now(),
            })
            .unwrap();
    }
    for (k, (_, people)) in households.iter().enumerate().filter(|(k, _)| k % 10 == 3) {
        clock.set(local(12, 10, k as u32));
        store.update_person(people[0], &PersonPatch { phone: Some(Some(phone(&mut rng))), ..Default::default() }).unwrap();
    }
    Assignment { _dir: dir, store }
}

/// Ids are UUIDv7: the wall-clock millisecond a record is created, then 74 random bits.
/// This test makes days of field work in a fraction of a second, so its ids would share
/// one timestamp and run from one counter (the uuid crate counts within a millisecond),
/// and compress unrealistically well. Give each id the timestamp of the op that first
/// mentions it (its creation) and fresh random bits, from a fixed seed.
pub fn ids_made_at_their_time(ops: Vec<Op>) -> Vec<Op> {
    fn walk(v: &mut serde_json::Value, millis: i64, seen: &mut HashMap<String, String>, rng: &mut StdRng) {
        match v {
            serde_json::Value::String(s) => {
                if let Some(new) = seen.get(s.as_str()) {
                    *s = new.clone();
                } else if let Ok(u) = uuid::Uuid::parse_str(s) {
                    if u.get_version_num() == 7 && u.hyphenated().to_string() == *s {
                        let mut b: [u8; 16] = rng.random();
                        b[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
                        b[6] = 0x70 | (b[6] & 0x0f);
                        b[8] = 0x80 | (b[8] & 0x3f);
                        let new = uuid::Uuid::from_bytes(b).hyphenated().to_string();
                        seen.insert(s.clone(), new.clone());
                        *s = new;
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, millis, seen, rng)),
            serde_json::Value::Object(o) => o.values_mut().for_each(|x| walk(x, millis, seen, rng)),
            _ => {}
        }
    }
    let mut seen = HashMap::new();
    let mut rng = StdRng::seed_from_u64(7);
    ops.into_iter()
        .map(|op| {
            let mut v = serde_json::to_value(&op).unwrap();
            walk(&mut v, op.hlc.millis, &mut seen, &mut rng);
            serde_json::from_value(v).unwrap()
        })
        .collect()
}

/// Merge the ops as the server does and page the changes exactly as it does: in change
/// order, at least one change per page, stop before a page's state JSON exceeds the budget.
pub fn pages(ops: &[Op], budget: u32, server_time_ms: i64) -> Vec<SyncResponse> {
    let mut records: BTreeMap<(String, String), (Entity, RecordState, u64)> = BTreeMap::new();
    let mut change_seq = 0;
    for op in ops {
        let key = (format!("{:?}", op.entity), op.entity_id.clone());
        let prev = records.get(&key).map(|r| r.1.clone());
        let (next, _) = apply_op(prev, op).unwrap();
        change_seq += 1;
        records.insert(key, (op.entity, next, change_seq));
    }
    let mut pending: Vec<_> = records.iter().map(|((_, id), r)| (r.2, id.clone(), r.0, r.1.clone())).collect();
    pending.sort_by_key(|p| p.0);
    let mut out = vec![];
    let mut rest = pending.into_iter().peekable();
    while rest.peek().is_some() {
        let (mut changes, mut bytes, mut next) = (vec![], 0usize, 0);
        let mut more = false;
        while let Some((seq, _, _, s)) = rest.peek() {
            let state = serde_json::Value::Object(s.fields.clone());
            let size = state.to_string().len();
            if !changes.is_empty() && bytes + size > budget as usize {
                more = true;
                break;
            }
            bytes += size;
            next = *seq;
            let (_, id, entity, s) = rest.next().unwrap();
            changes.push(Change { entity, id, version: s.version().unwrap(), deleted: s.deleted.is_some(), state });
        }
        out.push(SyncResponse {
            server_time_ms,
            acks: vec![],
            rejected: vec![],
            deferred: vec![],
            changes,
            next_cursor: Cursor(next.to_string()),
            more,
            purge: None,
        });
    }
    out
}
