//! Sync benchmark (docs/performance.md, "Sync"; targets in docs/sync-protocol.md §7).
//!
//! A real server (`tungnha_e2e::TestServer`, SQLite in a temp dir) on 127.0.0.1, and
//! devices that are real core stores:
//! 1. A commune official's phone records a realistic 300-household assignment (the data
//!    of `core/tests/wire_size.rs`: villages, a team, assignments, a campaign, households
//!    of 2–5 people, ~600 visits, self-reports, later edits) and pushes it.
//! 2. A fresh volunteer phone of that team makes its first sync through a simulated 2G
//!    link (600 ms per round trip, 256 kbit/s). Printed: records, round trips, bytes on
//!    the wire, bytes per record, seconds on 2G.
//! 3. Server ingest: several volunteer phones (each its own team and village) push their
//!    pre-built outboxes through the real endpoint at once (HTTP, token auth, decoding,
//!    scope checks and validation, merge, durable commit before the answer), against bare
//!    SQLite inserts of the same decoded operations measured in the same run. A last round
//!    goes straight into `Storage::push`, and the pull each request runs is timed, to show
//!    where the endpoint's time goes.
//!
//! The official's ops get realistic ids before they are pushed (see
//! `tungnha_testkit::ids::fresh_ids`); the ingest phones' ops are sent exactly as their stores made them.
//!
//! `cargo bench -p tungnha-e2e --bench sync` (full: ~15 s after the build) or `… -- --test`
//! (smoke: the same first sync, a small ingest; a few seconds). Prints figures and PASS/MISS
//! against the targets; never asserts times.

use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::{Arc, Barrier, Mutex, PoisonError};
use std::time::Instant;
use tungnha_core::clock::{Clock, SystemClock};
use tungnha_core::ids::{DeviceId, MemberId, TeamId, VillageId};
use tungnha_core::store::StoreOptions;
use tungnha_core::sync::client::{self, CancelToken, Reply, SyncOptions, Transport, TransportError};
use tungnha_core::sync::codec::{self, CONTENT_TYPE};
use tungnha_core::sync::http::HttpTransport;
use tungnha_core::sync::protocol::Op;
use tungnha_core::sync::{Cursor, Role as SyncRole, SyncRequest, SyncResponse};
use tungnha_core::Store;
use tungnha_e2e::{env, TestServer};
use tungnha_server::engine::ports::{entity_text, Device};
use tungnha_server::enrolment::CodeRequest;
use tungnha_server::ServerConfig;
use tungnha_testkit::calendar::local;
use tungnha_testkit::household::{address, Family, Registration, Shape};
use tungnha_testkit::ids::{fresh_ids, remap};
use tungnha_testkit::measure::{median, thousands};
use tungnha_testkit::visits::{session, Visitor};
use tungnha_testkit::{CommuneBuilder, ManualClock, Population, TeamPlan};

/// The 2G link of the target: 600 ms per round trip, 256 kbit/s.
const RTT_S: f64 = 0.6;
const BITS_PER_S: f64 = 256_000.0;
const TARGET_BYTES_PER_RECORD: f64 = 60.0;
const TARGET_ROUND_TRIPS: u32 = 3;
const TARGET_2G_S: f64 = 6.0;
const TARGET_RATIO: f64 = 0.5;

/// Sizes of one run.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    households: u32,
    visits_per_day: u32,
    /// Phones pushing at once.
    clients: usize,
    /// Operations in each phone's outbox.
    ops_per_client: usize,
    /// Operations per request body (the app sends up to 1,000).
    body_ops: usize,
    /// Each phone's outbox is pushed in this many rounds through the endpoint; each round
    /// is compared with bare SQLite right after (or before) it. One more round goes
    /// straight to the storage engine, to show where the time goes.
    rounds: usize,
}

const FULL: Sizes = Sizes { households: 300, visits_per_day: 60, clients: 4, ops_per_client: 8_000, body_ops: 250, rounds: 7 };
const SMOKE: Sizes = Sizes { households: 300, visits_per_day: 60, clients: 4, ops_per_client: 400, body_ops: 50, rounds: 3 };

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "MISS"
    }
}

// ---------------------------------------------------------------------------------------
// The data: the test kit's team assignment in a Sơn La commune (as in
// core/tests/wire_size.rs), and the ingest phones' teams.

/// Villages of the ingest phones' teams (one team and village per phone).
const INGEST_VILLAGES: [&str; 8] =
    ["Bản Hụm", "Bản Pá Khoang", "Bản Nà Ngà", "Bản Lọng Luông", "Bản Phiêng", "Bản Hát", "Bản Ta Lu", "Bản Nong"];

/// One ingest phone's team, as the official creates it.
#[derive(Debug, Clone, Copy)]
struct IngestTeam {
    team: TeamId,
    member: MemberId,
    village: VillageId,
}

/// What the official's phone recorded.
#[derive(Debug)]
struct Commune {
    key: String,
    team: TeamId,
    volunteer: MemberId,
    ingest: Vec<IngestTeam>,
    people: usize,
    visits: usize,
    self_reports: usize,
}

/// The official's phone records the commune's setup and a team's assignment (its clock
/// moved through the campaign), then a team of one volunteer for each ingest phone.
fn record_commune(store: &Store, clock: Arc<ManualClock>, sizes: Sizes) -> Commune {
    let mut builder =
        CommuneBuilder::team_assignment(20_241_001).households(sizes.households as usize).visits_per_day(sizes.visits_per_day).clock(clock);
    for (i, village) in INGEST_VILLAGES.iter().enumerate().take(sizes.clients) {
        builder = builder.village_with(village, 0).team(TeamPlan::new(format!("Tổ CNSCĐ {village}")).drawn_volunteers(1).villages([4 + i]));
    }
    let made = builder.build(store).expect("the official records the commune");
    let ingest = made.teams[1..].iter().map(|t| IngestTeam { team: t.id, member: t.volunteers[0], village: t.villages[0] }).collect();
    Commune {
        team: made.teams[0].id,
        volunteer: made.teams[0].volunteers[0],
        ingest,
        people: made.people(),
        visits: made.visits,
        self_reports: made.self_reports,
        key: made.key,
    }
}

// ---------------------------------------------------------------------------------------
// Server, enrolment, transports.

fn open_store(dir: &tempfile::TempDir, name: &str, clock: Arc<dyn Clock>) -> Store {
    Store::open(dir.path().join(format!("{name}.db")), StoreOptions { clock, household_goal: 1 }).expect("open a device store")
}

fn quiet_options() -> SyncOptions {
    SyncOptions { sleep: Arc::new(|_| {}), ..SyncOptions::default() }
}

/// Post a sync body and decode the answer (setup only).
fn post_sync(http: &HttpTransport, token: &str, body: Vec<u8>) -> SyncResponse {
    let reply = http.post("/v1/sync", CONTENT_TYPE, Some(token), body).expect("the server answers");
    assert_eq!(reply.status, 200, "sync refused: {}", String::from_utf8_lossy(&reply.body));
    codec::decode(&reply.body).expect("a sync answer decodes")
}

fn request(device: DeviceId, cursor: Cursor, ops: Vec<Op>, max_bytes: u32) -> Vec<u8> {
    codec::encode(&env::request(device, ops, cursor, max_bytes)).expect("a sync request encodes")
}

/// What went over the simulated link.
#[derive(Debug, Default, Clone, Copy)]
struct LinkStats {
    round_trips: u32,
    bytes_up: u64,
    bytes_down: u64,
    /// Seconds the link adds: 600 ms per round trip plus bytes at 256 kbit/s.
    seconds: f64,
}

/// The real HTTP transport behind a simulated 2G link. The delay is computed, not slept
/// (deterministic, and the bench does not wait minutes): the time of a sync on 2G is its
/// measured time here plus [`LinkStats::seconds`]. Bytes are message bodies (HTTP headers
/// are not counted).
#[derive(Debug)]
struct Link2G {
    http: HttpTransport,
    stats: Mutex<LinkStats>,
}

impl Transport for Link2G {
    fn post(&self, path: &str, content_type: &str, token: Option<&str>, body: Vec<u8>) -> Result<Reply, TransportError> {
        let up = body.len() as u64;
        let reply = self.http.post(path, content_type, token, body)?;
        let mut s = lock(&self.stats);
        s.round_trips += 1;
        s.bytes_up += up;
        s.bytes_down += reply.body.len() as u64;
        s.seconds += RTT_S + (up + reply.body.len() as u64) as f64 * 8.0 / BITS_PER_S;
        Ok(reply)
    }
}

// ---------------------------------------------------------------------------------------
// Ingest.

/// One ingest phone: its store, token and the request bodies of its outbox, by round.
struct Pusher {
    store: Store,
    token: String,
    rounds: Vec<Vec<Vec<u8>>>,
    ops_by_round: Vec<usize>,
}

/// A volunteer records households, people and visits in its own village until its
/// outbox holds `target` operations.
fn fill_outbox(store: &Store, t: IngestTeam, village_name: &str, target: usize, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let shape = Shape { members: 2..=5, ..Shape::default() };
    let by = Visitor { team: t.team, volunteer: t.member, campaign: None };
    let mut number = 1;
    while (store.pending_count().expect("pending count") as usize) < target {
        let r = Registration { village: t.village, address: address(number, village_name), at: store.now(), by: Some(t.member) };
        number += 1;
        let (h, people) = Family::draw(&mut rng, &Population::SON_LA, &shape, &r).add(store).expect("add a household");
        for _ in 0..rng.random_range(1..=2) {
            let occurred = store.now() - Duration::minutes(rng.random_range(5..90));
            store.record_visit(&session(&mut rng, by, h, &people, occurred)).expect("record visit");
        }
    }
}

/// Bodies of `body_ops` operations, split into `groups` consecutive groups. The answers
/// carry a one-byte page budget (one pulled change each), so the figure is ingest, not pull.
fn bodies(store: &Store, sizes: Sizes, groups: usize) -> (Vec<Vec<Vec<u8>>>, Vec<usize>) {
    let ops = store.pending_ops(u32::MAX).expect("pending ops");
    let cursor = store.sync_cursor().expect("cursor");
    let chunks: Vec<Vec<Op>> = ops.chunks(sizes.body_ops).map(<[Op]>::to_vec).collect();
    let n = chunks.len();
    let mut rounds = vec![];
    let mut counts = vec![];
    let mut rest = chunks.into_iter();
    for r in 0..groups {
        let group: Vec<Vec<Op>> = rest.by_ref().take((r + 1) * n / groups - r * n / groups).collect();
        counts.push(group.iter().map(Vec::len).sum());
        rounds.push(group.into_iter().map(|ops| request(store.device_id(), cursor.clone(), ops, 1)).collect());
    }
    (rounds, counts)
}

/// Every phone posts its bodies of round `r`, one after another, all phones at once.
/// Returns the wall time and each phone's answers.
fn push_round(url: &str, pushers: &[Pusher], r: usize) -> (f64, Vec<Vec<Vec<u8>>>) {
    let start = Barrier::new(pushers.len() + 1);
    std::thread::scope(|s| {
        let handles: Vec<_> = pushers
            .iter()
            .map(|p| {
                let start = &start;
                s.spawn(move || {
                    let http = HttpTransport::new(url, std::time::Duration::from_secs(120));
                    start.wait();
                    let mut answers = vec![];
                    for body in &p.rounds[r] {
                        let reply = http.post("/v1/sync", CONTENT_TYPE, Some(&p.token), body.clone()).expect("the server answers");
                        assert_eq!(reply.status, 200, "ingest refused: {}", String::from_utf8_lossy(&reply.body));
                        answers.push(reply.body);
                    }
                    (answers, Instant::now())
                })
            })
            .collect();
        start.wait();
        let t0 = Instant::now();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().expect("a pushing phone does not panic")).collect();
        let end = results.iter().map(|(_, t)| *t).max().unwrap_or(t0);
        (end.duration_since(t0).as_secs_f64(), results.into_iter().map(|(a, _)| a).collect())
    })
}

/// The baseline: decode the same bodies and insert their operations as plain rows, one
/// durable transaction per body (WAL, synchronous=FULL), as the server commits per request.
fn bare_round(conn: &mut rusqlite::Connection, bodies: &[&[u8]]) -> f64 {
    let t0 = Instant::now();
    for body in bodies {
        let req: SyncRequest = codec::decode(body).expect("a body decodes");
        let tx = conn.transaction().expect("begin");
        {
            let mut insert = tx
                .prepare_cached("INSERT INTO ops (op_id, device, seq, entity, entity_id, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .expect("prepare insert");
            for op in &req.ops {
                let payload = serde_json::to_string(&op.fields).expect("fields are JSON");
                insert
                    .execute(rusqlite::params![
                        op.op_id.to_string(),
                        op.device_id.to_string(),
                        op.seq,
                        entity_text(op.entity),
                        op.entity_id,
                        payload
                    ])
                    .expect("insert an op");
            }
        }
        tx.commit().expect("commit");
    }
    t0.elapsed().as_secs_f64()
}

/// The same kind of round straight into the storage engine (`Storage::push`: op log,
/// sequence, scope checks, validation, merge, durable commit), one request at a time, with
/// no HTTP, auth, decoding or pull. Returns the engine's seconds and the answers.
fn engine_round(
    rt: &tokio::runtime::Runtime,
    server: &TestServer,
    devices: &[Device],
    pushers: &[Pusher],
    r: usize,
) -> (f64, Vec<Vec<SyncResponse>>) {
    let mut seconds = 0.0;
    let mut answers: Vec<Vec<SyncResponse>> = vec![vec![]; pushers.len()];
    for k in 0..pushers.iter().map(|p| p.rounds[r].len()).max().unwrap_or(0) {
        for (p, answers) in pushers.iter().zip(answers.iter_mut()) {
            let Some(body) = p.rounds[r].get(k) else { continue };
            let req: SyncRequest = codec::decode(body).expect("a body decodes");
            let device = devices.iter().find(|d| d.device_id == req.device_id).expect("the phone is enrolled").clone();
            let t = Instant::now();
            let outcome = rt.block_on(server.storage().push(device, req.ops, Utc::now())).expect("the engine applies a request");
            seconds += t.elapsed().as_secs_f64();
            answers.push(SyncResponse {
                server_time_ms: Utc::now().timestamp_millis(),
                acks: outcome.acks,
                rejected: outcome.rejected,
                deferred: outcome.deferred,
                changes: vec![],
                next_cursor: req.cursor,
                more: false,
                purge: None,
            });
        }
    }
    (seconds, answers)
}

/// Mean time of the pull every sync request runs (here: a one-byte page from the cursor
/// the phones' requests carry), per phone.
fn pull_ms(rt: &tokio::runtime::Runtime, server: &TestServer, devices: &[Device], pushers: &[Pusher]) -> f64 {
    const TIMES: u32 = 5;
    let mut total = 0.0;
    for p in pushers {
        let device = devices.iter().find(|d| d.device_id == p.store.device_id()).expect("the phone is enrolled");
        let cursor = p.store.sync_cursor().expect("cursor");
        let t = Instant::now();
        for _ in 0..TIMES {
            rt.block_on(server.storage().pull(device.clone(), cursor.clone(), 1)).expect("a pull");
        }
        total += t.elapsed().as_secs_f64() / TIMES as f64;
    }
    total * 1e3 / pushers.len() as f64
}

fn bare_db(dir: &tempfile::TempDir) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dir.path().join("bare.db")).expect("open bare db");
    conn.pragma_update(None, "journal_mode", "WAL").expect("WAL");
    conn.pragma_update(None, "synchronous", "FULL").expect("synchronous=FULL");
    conn.execute_batch(
        "CREATE TABLE ops (op_id TEXT PRIMARY KEY, device TEXT NOT NULL, seq INTEGER NOT NULL, entity TEXT NOT NULL,
            entity_id TEXT NOT NULL, payload TEXT NOT NULL)",
    )
    .expect("create table");
    conn
}

// ---------------------------------------------------------------------------------------

fn main() {
    let smoke = std::env::args().any(|a| a == "--test");
    let sizes = if smoke { SMOKE } else { FULL };
    let started = Instant::now();
    println!(
        "SYNC mode: {} ({} households; {} phones × {} ops, bodies of {} ops, {} endpoint rounds + 1 engine-only round); 2G delays are computed, not slept",
        if smoke { "smoke (--test)" } else { "full" },
        sizes.households,
        sizes.clients,
        sizes.ops_per_client,
        sizes.body_ops,
        sizes.rounds
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    run("sqlite", ServerConfig::sqlite(dir.path().join("server.db")), sizes);
    match tungnha_server::testing::postgres_url_from_env() {
        Some(cluster) => {
            let rt = tokio::runtime::Runtime::new().expect("a runtime");
            let url = rt.block_on(tungnha_server::testing::fresh_postgres_database(&cluster)).expect("a database");
            drop(rt);
            run("postgres", ServerConfig::postgres(url), sizes);
        }
        None => println!("SYNC postgres: skipped (TUNGNHA_TEST_POSTGRES not set)"),
    }
    println!("SYNC done in {:.1} s", started.elapsed().as_secs_f64());
}

/// Everything above against one server (`name` labels the lines it prints). The bare
/// baseline is SQLite on both: the target is the endpoint on either database against
/// the cheapest way to keep the same ops.
fn run(name: &str, config: ServerConfig, sizes: Sizes) {
    let rt = Arc::new(tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a Tokio runtime"));
    let dir = tempfile::tempdir().expect("a temp dir");
    let server = TestServer::start(rt.clone(), config).expect("the server starts");
    let url = server.url();
    let http = HttpTransport::new(&url, std::time::Duration::from_secs(120));

    // 1. The official's phone records the commune offline, then enrols and pushes.
    let clock = Arc::new(ManualClock::new(local(1, 7, 0)));
    let official = open_store(&dir, "official", clock.clone());
    let t = Instant::now();
    let commune = record_commune(&official, clock, sizes);
    let recorded_in = t.elapsed().as_secs_f64();
    let mut req = CodeRequest::new(SyncRole::CommuneOfficial);
    req.commune_key = Some(commune.key.clone());
    let enrolment = client::enrol(&official, &http, &server.issue(req), "Điện thoại cán bộ xã").expect("the official enrols");
    let (ops, ids) = fresh_ids(official.pending_ops(u32::MAX).expect("pending ops"), &[official.device_id().to_string()], 7);
    let pushed = ops.len();
    let t = Instant::now();
    let mut requests = 0;
    for chunk in ops.chunks(1_000) {
        let answer = post_sync(&http, &enrolment.token, request(official.device_id(), Cursor::default(), chunk.to_vec(), 1));
        assert!(
            answer.acks.len() == chunk.len() && answer.rejected.is_empty(),
            "the commune's ops are accepted: {} acked, rejected {:?}",
            answer.acks.len(),
            answer.rejected.first()
        );
        requests += 1;
    }
    println!(
        "SYNC {name} setup: {} households, {} people, {} visits, {} self-reports recorded in {recorded_in:.1} s; the official pushed {} ops in {requests} request(s) ({:.1} s)",
        sizes.households,
        commune.people,
        commune.visits,
        commune.self_reports,
        thousands(pushed as u64),
        t.elapsed().as_secs_f64()
    );

    // 2. A fresh volunteer phone's first sync over 2G.
    let team: TeamId = remap(&ids, commune.team);
    let mut req = CodeRequest::new(SyncRole::Volunteer);
    req.team_id = Some(team);
    req.member_id = Some(remap(&ids, commune.volunteer));
    let phone = open_store(&dir, "volunteer", Arc::new(SystemClock));
    client::enrol(&phone, &http, &server.issue(req), "Điện thoại tình nguyện viên").expect("the volunteer enrols");
    let link = Link2G { http: http.clone(), stats: Mutex::new(LinkStats::default()) };
    let t = Instant::now();
    let report = client::sync(&phone, &link, None, &CancelToken::new(), &quiet_options()).expect("the first sync");
    let processing = t.elapsed().as_secs_f64();
    let s = *lock(&link.stats);
    let records = report.progress.changes_received as u64;
    let bytes = s.bytes_up + s.bytes_down;
    let per_record = bytes as f64 / records.max(1) as f64;
    let on_2g = s.seconds + processing;
    println!(
        "SYNC {name} first sync: records={} round_trips={} bytes={} (up {}, down {}) B/record={per_record:.1}",
        thousands(records),
        s.round_trips,
        thousands(bytes),
        thousands(s.bytes_up),
        thousands(s.bytes_down)
    );
    println!(
        "SYNC {name} first sync 2G: link {:.2} s ({} × {RTT_S} s + {} B at {} kbit/s) + measured processing {processing:.2} s (server and device, this machine) = {on_2g:.2} s",
        s.seconds,
        s.round_trips,
        thousands(bytes),
        BITS_PER_S / 1000.0
    );
    println!(
        "SYNC {name} targets: {} B/record <= {TARGET_BYTES_PER_RECORD} | {} round trips <= {TARGET_ROUND_TRIPS} | {} 2G seconds <= {TARGET_2G_S}",
        verdict(per_record <= TARGET_BYTES_PER_RECORD),
        verdict(s.round_trips <= TARGET_ROUND_TRIPS),
        verdict(on_2g <= TARGET_2G_S),
    );

    // 3. Ingest: phones of other teams, each with its outbox, push at once.
    let t = Instant::now();
    let mut pushers: Vec<Pusher> = std::thread::scope(|s| {
        let handles: Vec<_> = commune
            .ingest
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let it = IngestTeam { team: remap(&ids, it.team), member: remap(&ids, it.member), village: remap(&ids, it.village) };
                let mut req = CodeRequest::new(SyncRole::Volunteer);
                req.team_id = Some(it.team);
                req.member_id = Some(it.member);
                let code = server.issue(req);
                let (dir, url) = (&dir, &url);
                s.spawn(move || {
                    let http = HttpTransport::new(url, std::time::Duration::from_secs(120));
                    let store = open_store(dir, &format!("ingest{i}"), Arc::new(SystemClock));
                    let e = client::enrol(&store, &http, &code, &format!("Điện thoại {i}")).expect("an ingest phone enrols");
                    client::sync(&store, &http, None, &CancelToken::new(), &quiet_options()).expect("an ingest phone's first sync");
                    fill_outbox(&store, it, INGEST_VILLAGES[i], sizes.ops_per_client, 1_000 + i as u64);
                    let (rounds, ops_by_round) = bodies(&store, sizes, sizes.rounds + 1);
                    Pusher { store, token: e.token, rounds, ops_by_round }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("an ingest phone is ready")).collect()
    });
    let total_ops: usize = pushers.iter().flat_map(|p| &p.ops_by_round).sum();
    println!(
        "SYNC {name} ingest setup: {} phones recorded {} ops ({:.1} s); answers carry a 1-byte page budget (one pulled change each)",
        pushers.len(),
        thousands(total_ops as u64),
        t.elapsed().as_secs_f64()
    );

    let mut bare = bare_db(&dir);
    let (mut server_rates, mut bare_rates, mut ratios) = (vec![], vec![], vec![]);
    let mut answers: Vec<Vec<Vec<u8>>> = vec![vec![]; pushers.len()];
    for r in 0..sizes.rounds {
        let ops: usize = pushers.iter().map(|p| p.ops_by_round[r]).sum();
        let round_bodies: Vec<&[u8]> = (0..pushers.iter().map(|p| p.rounds[r].len()).max().unwrap_or(0))
            .flat_map(|k| pushers.iter().filter_map(move |p| p.rounds[r].get(k).map(Vec::as_slice)))
            .collect();
        // Alternate which goes first, so neither always meets a warmer (or busier) disk.
        let (served, bare_s) = if r % 2 == 0 {
            let served = push_round(&url, &pushers, r);
            (served, bare_round(&mut bare, &round_bodies))
        } else {
            let bare_s = bare_round(&mut bare, &round_bodies);
            (push_round(&url, &pushers, r), bare_s)
        };
        let (server_s, round_answers) = served;
        for (all, mine) in answers.iter_mut().zip(round_answers) {
            all.extend(mine);
        }
        let (sr, br) = (ops as f64 / server_s, ops as f64 / bare_s);
        println!(
            "SYNC {name} ingest round {}: {} ops from {} phones in {} requests: endpoint {:.3} s = {} ops/s; bare SQLite {:.3} s = {} ops/s; ratio {:.2}",
            r + 1,
            thousands(ops as u64),
            pushers.len(),
            round_bodies.len(),
            server_s,
            thousands(sr as u64),
            bare_s,
            thousands(br as u64),
            sr / br
        );
        server_rates.push(sr);
        bare_rates.push(br);
        ratios.push(sr / br);
    }

    // Where the time goes: the storage engine alone, and the pull each request runs.
    let devices = rt.block_on(server.storage().devices()).expect("the enrolled devices");
    let r = sizes.rounds;
    let engine_ops: usize = pushers.iter().map(|p| p.ops_by_round[r]).sum();
    let (engine_s, engine_answers) = engine_round(&rt, &server, &devices, &pushers, r);
    let engine_rate = engine_ops as f64 / engine_s;
    let pull = pull_ms(&rt, &server, &devices, &pushers);

    // Every phone applies its answers: each outbox must now be empty.
    let mut acked = 0;
    for ((p, answers), engine) in pushers.iter_mut().zip(&answers).zip(engine_answers) {
        let endpoint = answers.iter().map(|a| codec::decode::<SyncResponse>(a).expect("an answer decodes"));
        for response in endpoint.chain(engine) {
            assert!(
                response.rejected.is_empty() && response.deferred.is_empty(),
                "ingest ops are accepted: {:?}",
                response.rejected.first()
            );
            acked += response.acks.len();
            p.store.apply_sync_response(&response, 0).expect("apply an answer");
        }
        assert_eq!(p.store.pending_count().expect("pending count"), 0, "the outbox is empty after the push");
    }
    assert_eq!(acked, total_ops, "every pushed op is acknowledged");
    let ratio = median(&mut ratios);
    let bare_median = median(&mut bare_rates);
    println!(
        "SYNC {name} ingest median: endpoint {} ops/s ({} phones at once), bare SQLite {} ops/s",
        thousands(median(&mut server_rates) as u64),
        pushers.len(),
        thousands(bare_median as u64)
    );
    println!(
        "SYNC {name} ingest breakdown: storage engine alone (Storage::push, one request at a time, no HTTP/auth/decoding/pull) {} ops/s = {:.2} × bare; \
         the pull every sync request runs (1-byte page) {pull:.1} ms",
        thousands(engine_rate as u64),
        engine_rate / bare_median
    );
    println!("RATIO ingest/bare ({name}) = {ratio:.2} (target >= {TARGET_RATIO}) {}", verdict(ratio >= TARGET_RATIO));
    server.shutdown().expect("the server stops");
}
