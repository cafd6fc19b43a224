//! Does a pull cost what its scope holds? (issue 8; docs/performance.md, "Pull scaling")
//!
//! One commune's activity is recorded once by an official's phone: villages, a team
//! assigned to all of them, households of 2–4 people, a visit or two each. The same
//! activity is then copied, with fresh ids and its own official, into other communes of
//! the country. A volunteer of the first commune's team pulls:
//! - its **first pull** (everything its team may see, page after page), and
//! - an **incremental pull** after every commune recorded a little more,
//!
//! on a server holding only its own commune, and on one holding 100 communes (smoke:
//! 5). Printed: the time of each on both, and the ratio (target ≤ 1.5), for SQLite and,
//! when `TUNGNHA_TEST_POSTGRES` is set, PostgreSQL. Medians of repeated pulls; never
//! asserts times.
//!
//! `cargo bench -p tungnha-e2e --bench pull` (full) or `… -- --test` (smoke).

use chrono::Utc;
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::collections::HashMap;
use std::time::Instant;
use tungnha_core::ids::{DeviceId, MemberId, OpId, TeamId};
use tungnha_core::store::StoreOptions;
use tungnha_core::sync::protocol::Op;
use tungnha_core::sync::{Cursor, Role as SyncRole};
use tungnha_core::Store;
use tungnha_server::credentials::{code_sha256, token_sha256};
use tungnha_server::engine::ports::Device;
use tungnha_server::enrolment::{issue, CodeRequest, Issuer};
use tungnha_server::storage::{DatabaseConfig, Enrolment, Storage};
use tungnha_server::{open_storage, testing, TestHooks};
use tungnha_testkit::commune::MadeVillage;
use tungnha_testkit::household::{address, Family, Registration, Shape};
use tungnha_testkit::ids::{fresh_ids_with, remap};
use tungnha_testkit::measure::median;
use tungnha_testkit::visits::{session, Visitor};
use tungnha_testkit::{CommuneBuilder, Population, TeamPlan};

const TARGET_RATIO: f64 = 1.5;

#[derive(Debug, Clone, Copy)]
struct Sizes {
    households: u32,
    communes: usize,
    /// New households (with a visit) each commune records before the incremental pull.
    new_per_commune: u32,
    repeats: usize,
}

const FULL: Sizes = Sizes { households: 300, communes: 100, new_per_commune: 3, repeats: 7 };
const SMOKE: Sizes = Sizes { households: 60, communes: 5, new_per_commune: 2, repeats: 3 };

/// One commune's recording: the official's phone (kept, to record more later), its team,
/// villages and volunteer.
struct Template {
    store: Store,
    team: TeamId,
    volunteer: MemberId,
    villages: Vec<MadeVillage>,
}

/// What one commune's official phone records: the test kit's commune (four villages, a
/// team of one volunteer, no campaign), then its households.
fn record(commune: &str, households: u32, dir: &std::path::Path, name: &str) -> Template {
    let s = Store::open(dir.join(format!("{name}.db")), StoreOptions::default()).expect("a store");
    let made = CommuneBuilder::new(1)
        .commune(commune)
        .village_with("Bản Mòng", 0)
        .village_with("Bản Co Sâu", 0)
        .village_with("Bản Nà Sài", 0)
        .village_with("Bản Huổi Hẹ", 0)
        .team(TeamPlan::new("Tổ CNSCĐ").volunteer("Quàng Thị Hoa").villages(0..4))
        .no_campaign()
        .build(&s)
        .expect("the commune");
    let t = Template { team: made.teams[0].id, volunteer: made.teams[0].volunteers[0], villages: made.villages, store: s };
    add_households(&t, 0, households);
    t
}

/// Households `from..from + n` of the template's villages, in turn, of 2–4 people, each
/// visited once or twice now (the same households for the same numbers).
fn add_households(t: &Template, from: u32, n: u32) {
    let mut rng = StdRng::seed_from_u64(u64::from(from));
    let shape = Shape { members: 2..=4, ..Shape::default() };
    let by = Visitor { team: t.team, volunteer: t.volunteer, campaign: None };
    for i in from..from + n {
        let village = &t.villages[i as usize % t.villages.len()];
        let number = i as usize / t.villages.len() + 1;
        let r = Registration { village: village.id, address: address(number, &village.name), at: t.store.now(), by: None };
        let (h, people) = Family::draw(&mut rng, &Population::SON_LA, &shape, &r).add(&t.store).expect("household");
        for _ in 0..(1 + i % 2) {
            t.store.record_visit(&session(&mut rng, by, h, &people, t.store.now())).expect("visit");
        }
    }
}

/// A device enrolled straight through the storage (no HTTP: the bench times pulls).
fn enrol(rt: &tokio::runtime::Runtime, storage: &dyn Storage, req: CodeRequest, id: DeviceId) -> Device {
    let code = rt.block_on(issue(storage, Issuer::Admin, req, Utc::now())).expect("a code").code;
    let e = Enrolment {
        device_id: id,
        device_name: "máy".into(),
        token_sha256: token_sha256(&id.to_string()),
        proof_sha256: None,
        at: Utc::now(),
    };
    rt.block_on(storage.redeem_code(code_sha256(&code), e)).expect("enrols").expect("the code works")
}

/// `ops` (recorded by one phone) as `device`'s, numbered from `first_seq`, with the ids
/// of this copy (`map`, extended with fresh ones).
fn as_device(
    ops: &[Op],
    device: DeviceId,
    first_seq: i64,
    commune_from: &str,
    commune_to: &str,
    map: &mut HashMap<String, String>,
    seed: u64,
) -> Vec<Op> {
    let moved: Vec<Op> = ops
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, mut op)| {
            op.device_id = device;
            op.hlc.device = device;
            op.seq = first_seq + i as i64;
            op.op_id = OpId::new();
            if let Some(c) = op.fields.get_mut("commune_key") {
                if c == commune_from {
                    *c = serde_json::Value::String(commune_to.into());
                }
            }
            op
        })
        .collect();
    map.insert(device.to_string(), device.to_string());
    fresh_ids_with(moved, map, seed)
}

fn push(rt: &tokio::runtime::Runtime, storage: &dyn Storage, device: &Device, ops: Vec<Op>) {
    for chunk in ops.chunks(1000) {
        let out = rt.block_on(storage.push(device.clone(), chunk.to_vec(), Utc::now())).expect("push");
        assert!(out.rejected.is_empty() && out.deferred.is_empty(), "setup refused: {:?}", out.rejected.first());
    }
}

/// Pull pages from `cursor` to the end: (seconds, changes, rows scanned, final cursor).
fn pull_all(rt: &tokio::runtime::Runtime, storage: &dyn Storage, device: &Device, cursor: Cursor) -> (f64, usize, usize, Cursor) {
    let t = Instant::now();
    let (mut cursor, mut changes, mut scanned) = (cursor, 0, 0);
    loop {
        let page = rt.block_on(storage.pull(device.clone(), cursor, 1 << 20)).expect("pull");
        changes += page.changes.len();
        scanned += page.scanned;
        cursor = page.next_cursor;
        if !page.more {
            return (t.elapsed().as_secs_f64(), changes, scanned, cursor);
        }
    }
}

/// One server with `communes` copies of the activity: the volunteer's first and
/// incremental pull times (medians), what they returned, and the rows the last read.
fn measure(
    database: DatabaseConfig,
    communes: &[String],
    sizes: Sizes,
    dir: &std::path::Path,
    tag: &str,
) -> (f64, f64, usize, usize, usize) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    let storage = rt.block_on(open_storage(&database, TestHooks::default())).expect("storage");
    let t = record(&communes[0], sizes.households, dir, &format!("{tag}-template"));
    let ops = t.store.pending_ops(u32::MAX).expect("ops");
    // Each commune: its own official, and the recording with fresh ids (`maps[i]`).
    let mut copies = vec![];
    for (i, commune) in communes.iter().enumerate() {
        let mut req = CodeRequest::new(SyncRole::CommuneOfficial);
        req.commune_key = Some(commune.clone());
        let official = enrol(&rt, storage.as_ref(), req, DeviceId::new());
        let mut map = HashMap::new();
        push(&rt, storage.as_ref(), &official, as_device(&ops, official.device_id, 1, &communes[0], commune, &mut map, i as u64));
        copies.push((official, map));
    }
    let mut req = CodeRequest::new(SyncRole::Volunteer);
    req.team_id = Some(remap(&copies[0].1, t.team));
    req.member_id = Some(remap::<MemberId>(&copies[0].1, t.volunteer));
    let phone = enrol(&rt, storage.as_ref(), req, DeviceId::new());
    // First pull, from the start, repeated.
    let mut first = vec![];
    let (mut records, mut cursor) = (0, Cursor::default());
    for _ in 0..sizes.repeats {
        let (s, n, _, c) = pull_all(&rt, storage.as_ref(), &phone, Cursor::default());
        first.push(s);
        records = n;
        cursor = c;
    }
    // Every commune records a little more; the phone pulls from where it was, repeatedly.
    add_households(&t, sizes.households, sizes.new_per_commune);
    let extra = t.store.pending_ops(u32::MAX).expect("ops").split_off(ops.len());
    for (i, ((official, map), commune)) in copies.iter_mut().zip(communes).enumerate() {
        let more = as_device(&extra, official.device_id, ops.len() as i64 + 1, &communes[0], commune, map, 1_000 + i as u64);
        push(&rt, storage.as_ref(), official, more);
    }
    let mut incremental = vec![];
    let (mut new_records, mut scanned) = (0, 0);
    for _ in 0..sizes.repeats {
        let (s, n, sc, _) = pull_all(&rt, storage.as_ref(), &phone, cursor.clone());
        incremental.push(s);
        new_records = n;
        scanned = sc;
    }
    (median(&mut first), median(&mut incremental), records, new_records, scanned)
}

fn communes(n: usize) -> Vec<String> {
    // Communes across the country (2025 structure), one per copy.
    tungnha_testkit::units::communes_across_country(n, tungnha_core::clock::vietnam_date(Utc::now()))
}

fn run(name: &str, big: DatabaseConfig, small: DatabaseConfig, sizes: Sizes) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let all = communes(sizes.communes);
    let (f1, i1, r1, n1, _) = measure(small, &all[..1], sizes, dir.path(), &format!("{name}-one"));
    let (fn_, in_, rn, nn, scanned) = measure(big, &all, sizes, dir.path(), &format!("{name}-many"));
    assert_eq!((r1, n1), (rn, nn), "the phone pulls the same on both servers");
    let (rf, ri) = (fn_ / f1, in_ / i1);
    let verdict = |r: f64| if r <= TARGET_RATIO { "PASS" } else { "MISS" };
    println!(
        "PULL {name}: {} households; first pull {r1} records: {:.1} ms with 1 commune, {:.1} ms with {} communes, ratio {rf:.2} {}",
        sizes.households,
        f1 * 1e3,
        fn_ * 1e3,
        sizes.communes,
        verdict(rf)
    );
    println!(
        "PULL {name}: incremental pull {n1} records (rows read: {scanned}): {:.2} ms with 1 commune, {:.2} ms with {} communes, ratio {ri:.2} {}",
        i1 * 1e3,
        in_ * 1e3,
        sizes.communes,
        verdict(ri)
    );
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--test");
    let sizes = if smoke { SMOKE } else { FULL };
    println!(
        "PULL mode: {} ({} households per commune, {} communes vs 1)",
        if smoke { "smoke (--test)" } else { "full" },
        sizes.households,
        sizes.communes
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    run("sqlite", DatabaseConfig::Sqlite(dir.path().join("many.db")), DatabaseConfig::Sqlite(dir.path().join("one.db")), sizes);
    if let Some(cluster) = testing::postgres_url_from_env() {
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        let many = rt.block_on(testing::fresh_postgres_database(&cluster)).expect("a database");
        let one = rt.block_on(testing::fresh_postgres_database(&cluster)).expect("a database");
        drop(rt);
        run("postgres", DatabaseConfig::Postgres(many), DatabaseConfig::Postgres(one), sizes);
    } else {
        println!("PULL postgres: skipped (TUNGNHA_TEST_POSTGRES not set)");
    }
}
