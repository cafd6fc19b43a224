//! Store benchmarks, each measured against a minimal floor in the same process.
//!
//! The machines that run these are shared and noisy, so absolute times mean little.
//! Each benchmark therefore times our code *and* a hand-written baseline doing the same
//! database work, and prints the ratio:
//!
//! ```text
//! RATIO record_visit/baseline = 1.23 (target <= 1.5)
//! ```
//!
//! The ratio comes from our own interleaved measurement (alternating batches of ours and
//! of the baseline, median per-op time of each), run after criterion's own report of
//! both. Nothing asserts on time.
//!
//! - `record_visit`: [`Store::record_visit`] (validate, store, derived status, outbox)
//!   vs. the same rows (visit with its HLC, topics, attendees, outcomes, skill upserts,
//!   household counters, outbox entry) written with `prepare_cached` statements in one
//!   transaction, on a separate SQLite file with the same schema and pragmas (WAL,
//!   `synchronous=FULL`, foreign keys, no automatic checkpoint). What the store does on
//!   top (validation lookups, the device row with its HLC and sequence number) is the
//!   overhead measured. The store runs with its background checkpointer live (a batch
//!   crosses the WAL budget, so checkpoints run under the saves, issue 14); the baseline
//!   checkpoints between batches, untimed, so the floor pays nothing for them. A `TAIL`
//!   line prints each side's per-save p99 / median.
//! - `footprint`: bytes on disk per household after a campaign's visits and self-reports
//!   and a completed sync (outbox drained), next to the same rows' raw size.
//! - `assignment_households`: [`Store::assignment_households`] for 300 households vs. a
//!   bare `SELECT id, village_id, address, head_name FROM households WHERE village_id = ?`
//!   of the same rows on the same file.
//!
//! `cargo bench -p tungnha-core --bench store -- --test` (or `cargo test --benches`) runs
//! everything once with tiny iteration counts, as a smoke test.

use chrono::{DateTime, Duration as TimeDelta, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, Connection};
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tungnha_core::clock::FixedClock;
use tungnha_core::hlc::Hlc;
use tungnha_core::ids::{CampaignId, DeviceId, HouseholdId, MemberId, OpId, PersonId, TeamId, VillageId, VisitId};
use tungnha_core::model::{Attendee, Channel, HouseholdStatus, NewSelfReport, NewVisit, SkillLevel, VisitPlace};
use tungnha_core::store::{ts_text, StoreOptions};
use tungnha_core::Store;
use tungnha_testkit::measure::{human, median, quantile};
use tungnha_testkit::{calendar, catalog, units, CommuneBuilder, TeamPlan};

const HOUSEHOLDS: usize = 300;
const TARGET_RATIO: f64 = 1.5;

// ---------------------------------------------------------------------------------------
// Run mode

/// How much to measure: `cargo bench` measures properly; `--test` (and `cargo test
/// --benches`, which passes no `--bench`) only checks that everything runs.
#[derive(Debug, Clone, Copy)]
struct Plan {
    quick: bool,
    /// Interleaved rounds (each: one batch of ours, one of the baseline).
    rounds: usize,
    /// Operations per timed batch.
    batch: usize,
}

impl Plan {
    /// `rounds` × `batch` for a real run; 3 × 3 for a smoke run.
    fn from_args(rounds: usize, batch: usize) -> Self {
        let quick = tungnha_testkit::measure::smoke_run();
        if quick {
            Self { quick, rounds: 3, batch: 3 }
        } else {
            Self { quick, rounds, batch }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The world: one commune, one village, one team, one campaign, 300 households

/// 10:00 on 2024-10-05 in Vietnam: inside the campaign 01/10–10/10.
fn now() -> DateTime<Utc> {
    calendar::at(5, 10)
}

/// 08:00 on 2024-10-01 in Vietnam: the campaign launch.
fn launch() -> DateTime<Utc> {
    calendar::at(1, 8)
}

/// Ids of what [`build_world`] made.
#[derive(Debug, Clone)]
struct World {
    village: VillageId,
    team: TeamId,
    volunteer: MemberId,
    campaign: CampaignId,
    /// Each household with its members (head first).
    households: Vec<(HouseholdId, Vec<PersonId>)>,
}

fn open_store(path: &Path) -> Store {
    Store::open(path, StoreOptions { clock: Arc::new(FixedClock(now())), household_goal: 1 }).expect("open store")
}

/// The test kit's commune: a village of Xã Thuận Châu (Sơn La), a team (leader and
/// volunteer), the campaign and `count` households of 3–4 people, registered over its
/// first days. The same seed makes the same households (names, sizes) in every store;
/// only the ids differ.
fn build_world(store: &Store, seed: u64, count: usize) -> World {
    let c = CommuneBuilder::new(seed)
        .commune(units::commune_key_named("Sơn La", "Xã Thuận Châu"))
        .village("Bản Nà Sài")
        .households(count)
        .team(TeamPlan::new("Tổ công nghệ số cộng đồng bản Nà Sài").leader("Lò Văn Thắng").volunteer("Cầm Thị Ngọc").villages([0]))
        .build(store)
        .expect("build the commune");
    World {
        village: c.villages[0].id,
        team: c.teams[0].id,
        volunteer: c.teams[0].volunteers[0],
        campaign: c.campaign(),
        households: c.households.into_iter().map(|h| (h.id, h.people)).collect(),
    }
}

// ---------------------------------------------------------------------------------------
// Visits

/// A visit independent of any store's ids, so ours and the baseline do the same work.
#[derive(Debug, Clone)]
struct VisitSpec {
    household: usize,
    /// Member index, skills guided, and an optional action.
    attendees: Vec<(usize, Vec<String>, Option<&'static str>)>,
    topics: Vec<String>,
    occurred_at: DateTime<Utc>,
}

/// A household visit: 1–3 attendees, 2 topics, 1–2 skills guided each, sometimes an
/// action, some time between the launch and now.
fn visit_spec(rng: &mut SmallRng, world: &World, household: usize) -> VisitSpec {
    let members = world.households[household].1.len();
    let count = rng.random_range(1..=3usize.min(members));
    let chosen = rand::seq::index::sample(rng, members, count).into_vec();
    let attendees = chosen
        .into_iter()
        .map(|m| {
            let guided = catalog::some_skills(rng, 1..=2);
            let action = rng.random_bool(0.3).then(|| catalog::one_action(rng));
            (m, guided, action)
        })
        .collect();
    let topics = catalog::some_topics(rng, 2..=2);
    let span = (now() - launch()).num_seconds();
    let occurred_at = launch() + TimeDelta::seconds(rng.random_range(0..span));
    VisitSpec { household, attendees, topics, occurred_at }
}

fn new_visit(world: &World, s: &VisitSpec) -> NewVisit {
    let (household, members) = &world.households[s.household];
    NewVisit {
        place: VisitPlace::Household { household_id: *household },
        campaign_id: Some(world.campaign),
        team_id: world.team,
        volunteer_id: world.volunteer,
        occurred_at: s.occurred_at,
        attendees: s
            .attendees
            .iter()
            .map(|(m, guided, action)| Attendee {
                person_id: members[*m],
                // Ignored on input (the store fills it in); set so both payloads match.
                household_id: Some(*household),
                skills_guided: guided.clone(),
                actions: action.iter().map(|a| (*a).to_owned()).collect(),
                apps_installed: vec![],
            })
            .collect(),
        topics: s.topics.clone(),
        notes: "Hướng dẫn cài VNeID và thanh toán qua ứng dụng ngân hàng".to_owned(),
        location: None,
        supersedes: None,
        correction_reason: None,
    }
}

/// The floor: the same rows [`Store::record_visit`] writes for a household visit (visit,
/// topics, attendees, outcomes, skill upserts, household counters, outbox entry) with
/// `prepare_cached` statements in one transaction, and no validation or lookups.
struct BaselineWriter {
    conn: Connection,
    device: DeviceId,
    seq: i64,
    hlc_counter: u32,
}

impl BaselineWriter {
    fn open(path: &Path) -> Self {
        let conn = Connection::open(path).expect("open baseline connection");
        conn.pragma_update(None, "journal_mode", "WAL").expect("journal_mode");
        conn.pragma_update(None, "synchronous", "FULL").expect("synchronous");
        conn.pragma_update(None, "foreign_keys", true).expect("foreign_keys");
        // SQLite's own checkpoints (every 1,000 pages, inside the commit that crosses them):
        // what a minimal app gets, paid inside the timed saves as ours pays its own.
        let seq = conn.query_row("SELECT coalesce(max(seq), 0) + 1 FROM outbox", [], |r| r.get(0)).expect("next seq");
        Self { conn, device: DeviceId::new(), seq, hlc_counter: 0 }
    }

    fn record(&mut self, v: &NewVisit) -> VisitId {
        let VisitPlace::Household { household_id } = v.place else { panic!("the benchmark only records household visits") };
        let id = VisitId::new();
        let occurred = ts_text(v.occurred_at);
        let recorded = ts_text(now());
        self.hlc_counter += 1;
        let hlc = Hlc { millis: now().timestamp_millis(), counter: self.hlc_counter, device: self.device }.to_string();
        let tx = self.conn.transaction().expect("begin");
        tx.prepare_cached(
            "INSERT INTO visits (id, household_id, place, campaign_id, team_id, volunteer_id, occurred_at, recorded_at, notes, lat, lon, supersedes, hlc)
             VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8, NULL, NULL, NULL, ?9)",
        )
        .expect("prepare visit")
        .execute(params![id, household_id, v.campaign_id, v.team_id, v.volunteer_id, occurred, recorded, v.notes, hlc])
        .expect("insert visit");
        {
            let mut topic = tx.prepare_cached("INSERT INTO visit_topics (visit_id, topic) VALUES (?1, ?2)").expect("prepare topic");
            for t in &v.topics {
                topic.execute(params![id, t]).expect("insert topic");
            }
            let mut attendee = tx
                .prepare_cached("INSERT INTO visit_attendees (visit_id, person_id, household_id) VALUES (?1, ?2, ?3)")
                .expect("prepare attendee");
            let mut outcome = tx
                .prepare_cached("INSERT INTO visit_outcomes (visit_id, person_id, kind, code) VALUES (?1, ?2, ?3, ?4)")
                .expect("prepare outcome");
            let mut skill = tx
                .prepare_cached(
                    "INSERT INTO person_skills (person_id, skill, level, updated_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (person_id, skill) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at
                     WHERE excluded.level > person_skills.level",
                )
                .expect("prepare skill");
            for a in &v.attendees {
                attendee.execute(params![id, a.person_id, household_id]).expect("insert attendee");
                for s in &a.skills_guided {
                    outcome.execute(params![id, a.person_id, "skill", s]).expect("insert skill outcome");
                    skill.execute(params![a.person_id, s, SkillLevel::Guided as i64, occurred]).expect("upsert skill");
                }
                for act in &a.actions {
                    outcome.execute(params![id, a.person_id, "action", act]).expect("insert action outcome");
                    if act == "vneid_activated" {
                        tx.prepare_cached("UPDATE persons SET vneid_activated = 1 WHERE id = ?1")
                            .expect("prepare vneid")
                            .execute([a.person_id])
                            .expect("update vneid");
                    }
                }
            }
            tx.prepare_cached(
                "UPDATE households SET visit_count = visit_count + 1,
                     last_visit_at = CASE WHEN last_visit_at IS NULL OR last_visit_at < ?2 THEN ?2 ELSE last_visit_at END
                 WHERE id = ?1",
            )
            .expect("prepare household")
            .execute(params![household_id, occurred])
            .expect("update household");
            let payload = serde_json::to_string(v).expect("payload");
            tx.prepare_cached(
                "INSERT INTO outbox (seq, op_id, hlc, entity, entity_id, kind, base_version, payload, created_at)
                 VALUES (?1, ?2, ?3, 'visit', ?4, 'append', NULL, ?5, ?6)",
            )
            .expect("prepare outbox")
            .execute(params![self.seq, OpId::new(), hlc, id.to_string(), payload, recorded])
            .expect("insert outbox");
        }
        tx.commit().expect("commit");
        self.seq += 1;
        id
    }
}

// ---------------------------------------------------------------------------------------
// Interleaved measurement and the ratio line

/// Alternate `plan.rounds` rounds of one batch of ours and one of the baseline (the order
/// flips every round), each closure returning its per-op time in ns, and print the ratio
/// of the medians.
fn ratio(name: &str, plan: Plan, mut ours: impl FnMut(usize) -> f64, mut base: impl FnMut(usize) -> f64) {
    let (mut o, mut b, mut paired) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..plan.rounds {
        let (x, y) = if round % 2 == 0 {
            let x = ours(round);
            (x, base(round))
        } else {
            let y = base(round);
            (ours(round), y)
        };
        o.push(x);
        b.push(y);
        paired.push(x / y);
    }
    let (mo, mb) = (median(&mut o), median(&mut b));
    let lo = paired.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = paired.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pm = median(&mut paired);
    println!("RATIO {name}/baseline = {:.2} (target <= {TARGET_RATIO})", mo / mb);
    println!(
        "      {name}: ours {} per op, baseline {} per op (medians of {} interleaved rounds; per-round ratio median {pm:.2}, range {lo:.2}..{hi:.2}{})",
        human(mo),
        human(mb),
        plan.rounds,
        if plan.quick { "; --test smoke run, not a measurement" } else { "" }
    );
}

fn per_op(elapsed: Duration, ops: usize) -> f64 {
    elapsed.as_nanos() as f64 / ops.max(1) as f64
}

// ---------------------------------------------------------------------------------------
// Benchmark 1: record a visit

struct VisitBench {
    _dir: TempDir,
    store: Store,
    world: World,
    base: BaselineWriter,
    base_world: World,
    rng: SmallRng,
}

impl VisitBench {
    fn new() -> Self {
        let dir = TempDir::new().expect("temp dir");
        let ours_path = dir.path().join("ours.db");
        let base_path = dir.path().join("baseline.db");
        // Both databases get the same households; build them side by side.
        let (store, world, base_world) = std::thread::scope(|s| {
            let b = s.spawn(|| {
                let store = open_store(&base_path);
                let world = build_world(&store, 7, HOUSEHOLDS);
                store.checkpoint().expect("checkpoint");
                world
            });
            let store = open_store(&ours_path);
            let world = build_world(&store, 7, HOUSEHOLDS);
            store.checkpoint().expect("checkpoint");
            (store, world, b.join().expect("baseline setup"))
        });
        let base = BaselineWriter::open(&base_path);
        Self { _dir: dir, store, world, base, base_world, rng: SmallRng::seed_from_u64(42) }
    }

    fn specs(&mut self, n: usize) -> Vec<VisitSpec> {
        (0..n)
            .map(|_| {
                let h = self.rng.random_range(0..HOUSEHOLDS);
                visit_spec(&mut self.rng, &self.world, h)
            })
            .collect()
    }
}

/// Time recording `visits` with the store, its background checkpointer running as it
/// would on a phone; each save's time goes into `saves` (ns).
fn time_ours(store: &Store, visits: &[NewVisit], saves: &mut Vec<f64>) -> Duration {
    let t = Instant::now();
    for v in visits {
        let s = Instant::now();
        black_box(store.record_visit(v).expect("record visit"));
        saves.push(s.elapsed().as_nanos() as f64);
    }
    t.elapsed()
}

/// The same for the baseline writer (SQLite's automatic checkpoints, in its saves).
fn time_base(writer: &mut BaselineWriter, visits: &[NewVisit], saves: &mut Vec<f64>) -> Duration {
    let t = Instant::now();
    for v in visits {
        let s = Instant::now();
        black_box(writer.record(v));
        saves.push(s.elapsed().as_nanos() as f64);
    }
    t.elapsed()
}

/// Print each side's per-save median, p99 and their ratio.
fn tail(name: &str, ours: &mut [f64], base: &mut [f64], note: &str) {
    let (o50, o99) = (quantile(ours, 0.5), quantile(ours, 0.99));
    let (b50, b99) = (quantile(base, 0.5), quantile(base, 0.99));
    println!(
        "TAIL {name}: ours median {} p99 {} (p99/median {:.2}); baseline median {} p99 {} (p99/median {:.2}); {} saves each; {note}",
        human(o50),
        human(o99),
        o99 / o50,
        human(b50),
        human(b99),
        b99 / b50,
        ours.len()
    );
}

fn configure(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>, quick: bool) {
    if !quick {
        group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    }
}

fn bench_record_visit(c: &mut Criterion) {
    // Writes wait on fsync, whose latency swings with whatever else uses the disk: many
    // short rounds keep each pair of batches close in time.
    let plan = Plan::from_args(30, 50);
    let mut bench: Option<VisitBench> = None;
    let mut group = c.benchmark_group("record_visit");
    configure(&mut group, plan.quick);
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("store", |b| {
        let vb = bench.get_or_insert_with(VisitBench::new);
        b.iter_custom(|iters| {
            let specs = vb.specs(iters as usize);
            let visits: Vec<NewVisit> = specs.iter().map(|s| new_visit(&vb.world, s)).collect();
            time_ours(&vb.store, &visits, &mut Vec::new())
        });
    });
    group.bench_function("baseline", |b| {
        let vb = bench.get_or_insert_with(VisitBench::new);
        b.iter_custom(|iters| {
            let specs = vb.specs(iters as usize);
            let visits: Vec<NewVisit> = specs.iter().map(|s| new_visit(&vb.base_world, s)).collect();
            time_base(&mut vb.base, &visits, &mut Vec::new())
        });
    });
    group.finish();

    // Criterion ran (filters and --list can skip it): measure the ratio ourselves. Both
    // sides record the same visits (by spec) in each round.
    let Some(vb) = bench.as_mut() else { return };
    let batch = plan.batch;
    let rounds: Vec<Vec<VisitSpec>> = (0..plan.rounds).map(|_| vb.specs(batch)).collect();
    let ours: Vec<Vec<NewVisit>> = rounds.iter().map(|r| r.iter().map(|s| new_visit(&vb.world, s)).collect()).collect();
    let base: Vec<Vec<NewVisit>> = rounds.iter().map(|r| r.iter().map(|s| new_visit(&vb.base_world, s)).collect()).collect();
    let (store, writer) = (&vb.store, &mut vb.base);
    let before = store.checkpoint_stats();
    let (mut our_saves, mut base_saves) = (Vec::new(), Vec::new());
    ratio(
        "record_visit",
        plan,
        |round| per_op(time_ours(store, &ours[round], &mut our_saves), batch),
        |round| per_op(time_base(writer, &base[round], &mut base_saves), batch),
    );
    let after = store.checkpoint_stats();
    let note = format!(
        "background checkpoints under ours: {} passive, {} restart, {} truncate, {} busy",
        after.passive - before.passive,
        after.restart - before.restart,
        after.truncate - before.truncate,
        after.busy - before.busy
    );
    tail("record_visit", &mut our_saves, &mut base_saves, &note);
}

// ---------------------------------------------------------------------------------------
// Benchmark 2: open an assignment

/// The floor's row: what a list needs at the very least.
#[derive(Debug)]
#[allow(dead_code)] // The fields are read only through `black_box`.
struct BareRow {
    id: HouseholdId,
    village_id: VillageId,
    address: String,
    head_name: String,
}

fn bare_households(conn: &Connection, village: VillageId) -> Vec<BareRow> {
    let mut st =
        conn.prepare_cached("SELECT id, village_id, address, head_name FROM households WHERE village_id = ?1").expect("prepare bare");
    let rows = st
        .query_map([village], |r| Ok(BareRow { id: r.get(0)?, village_id: r.get(1)?, address: r.get(2)?, head_name: r.get(3)? }))
        .expect("query bare");
    rows.collect::<Result<_, _>>().expect("bare rows")
}

struct AssignmentBench {
    _dir: TempDir,
    store: Store,
    world: World,
    bare: Connection,
}

impl AssignmentBench {
    fn new() -> Self {
        let dir = TempDir::new().expect("temp dir");
        let path = dir.path().join("assignment.db");
        let store = open_store(&path);
        let world = build_world(&store, 11, HOUSEHOLDS);
        let mut rng = SmallRng::seed_from_u64(99);
        // About 2 visits per household (0 to 4, so some are not visited yet)...
        for h in 0..HOUSEHOLDS {
            for _ in 0..rng.random_range(0..=4) {
                let spec = visit_spec(&mut rng, &world, h);
                store.record_visit(&new_visit(&world, &spec)).expect("record visit");
            }
        }
        // ...and self-reports: some people state all 5 skills (their household reaches
        // the goal), some state a few.
        for (_, members) in &world.households {
            for p in members {
                let n = match rng.random_range(0..100) {
                    0..12 => 5,
                    12..30 => rng.random_range(1..=3),
                    _ => continue,
                };
                let report = NewSelfReport {
                    person_id: *p,
                    skills: catalog::some_skills(&mut rng, n..=n),
                    channel: if rng.random_bool(0.5) { Channel::Volunteer } else { Channel::App },
                    reported_at: now() - TimeDelta::minutes(rng.random_range(5..3000)),
                };
                store.record_self_report(&report).expect("self-report");
            }
        }
        store.checkpoint().expect("checkpoint");
        let bare = Connection::open(&path).expect("open bare connection");
        bare.pragma_update(None, "journal_mode", "WAL").expect("journal_mode");
        bare.pragma_update(None, "synchronous", "FULL").expect("synchronous");
        bare.pragma_update(None, "foreign_keys", true).expect("foreign_keys");
        let me = Self { _dir: dir, store, world, bare };
        let list = me.store.assignment_households(me.world.team, None).expect("assignment");
        let count = |s: HouseholdStatus| list.iter().filter(|h| h.status == s).count();
        println!(
            "assignment_households: {} households ({} not visited, {} visited, {} goal reached); bare SELECT returns {}",
            list.len(),
            count(HouseholdStatus::NotVisited),
            count(HouseholdStatus::Visited),
            count(HouseholdStatus::GoalReached),
            bare_households(&me.bare, me.world.village).len()
        );
        me
    }

    fn time_ours(&self, n: usize) -> Duration {
        let t = Instant::now();
        for _ in 0..n {
            black_box(self.store.assignment_households(self.world.team, None).expect("assignment"));
        }
        t.elapsed()
    }

    fn time_bare(&self, n: usize) -> Duration {
        let t = Instant::now();
        for _ in 0..n {
            black_box(bare_households(&self.bare, self.world.village));
        }
        t.elapsed()
    }
}

fn bench_assignment(c: &mut Criterion) {
    let plan = Plan::from_args(15, 300);
    let mut bench: Option<AssignmentBench> = None;
    let mut group = c.benchmark_group("assignment_households");
    configure(&mut group, plan.quick);
    group.bench_function("store", |b| {
        let ab = bench.get_or_insert_with(AssignmentBench::new);
        b.iter_custom(|iters| ab.time_ours(iters as usize));
    });
    group.bench_function("baseline", |b| {
        let ab = bench.get_or_insert_with(AssignmentBench::new);
        b.iter_custom(|iters| ab.time_bare(iters as usize));
    });
    group.finish();

    let Some(ab) = bench.as_ref() else { return };
    ratio(
        "assignment_households",
        plan,
        |_| per_op(ab.time_ours(plan.batch), plan.batch),
        |_| per_op(ab.time_bare(plan.batch), plan.batch),
    );
}

// ---------------------------------------------------------------------------------------
// Footprint: what a campaign leaves on the phone

/// Bytes of every value in the domain tables (text and blobs by length, numbers as 8):
/// the same data as raw rows, without pages, indexes or the drained outbox.
fn raw_bytes(conn: &Connection) -> u64 {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'outbox' AND name NOT LIKE 'household_search%'")
        .expect("list tables")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("table names");
    let mut total = 0u64;
    for t in tables {
        let mut st = conn.prepare(&format!("SELECT * FROM \"{t}\"")).expect("select");
        let n = st.column_count();
        let mut rows = st.query([]).expect("rows");
        while let Some(row) = rows.next().expect("row") {
            for i in 0..n {
                total += match row.get_ref(i).expect("value") {
                    rusqlite::types::ValueRef::Null => 0,
                    rusqlite::types::ValueRef::Integer(_) | rusqlite::types::ValueRef::Real(_) => 8,
                    rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => b.len() as u64,
                };
            }
        }
    }
    total
}

fn bench_footprint(_: &mut Criterion) {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("phone.db");
    let store = open_store(&path);
    let world = build_world(&store, 13, HOUSEHOLDS);
    // A campaign: every household visited 1–4 times, a third of the people self-report.
    let mut rng = SmallRng::seed_from_u64(5);
    let mut visits = 0;
    for h in 0..HOUSEHOLDS {
        for _ in 0..rng.random_range(1..=4) {
            let spec = visit_spec(&mut rng, &world, h);
            store.record_visit(&new_visit(&world, &spec)).expect("record visit");
            visits += 1;
        }
    }
    let people: usize = world.households.iter().map(|(_, m)| m.len()).sum();
    for (_, members) in &world.households {
        for p in members {
            if !rng.random_bool(0.33) {
                continue;
            }
            let n = rng.random_range(1..=5);
            let report = NewSelfReport {
                person_id: *p,
                skills: catalog::some_skills(&mut rng, n..=n),
                channel: Channel::Volunteer,
                reported_at: now() - TimeDelta::minutes(rng.random_range(5..3000)),
            };
            store.record_self_report(&report).expect("self-report");
        }
    }
    // The sync completes: the server acknowledged every op.
    let ops: Vec<OpId> = store.pending_ops(u32::MAX).expect("pending").into_iter().map(|o| o.op_id).collect();
    store.acknowledge(&ops).expect("acknowledge");
    store.checkpoint().expect("checkpoint");
    let conn = Connection::open(&path).expect("open");
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).expect("page size");
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0)).expect("freelist");
    let raw = raw_bytes(&conn);
    drop(conn);
    let wal = std::fs::metadata(path.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0);
    let disk = std::fs::metadata(&path).expect("db file").len() + wal;
    let per = |b: u64| b as f64 / HOUSEHOLDS as f64;
    println!(
        "FOOTPRINT phone after a campaign and a completed sync: {HOUSEHOLDS} households, {people} people, {visits} visits, {} ops drained: \
         {:.0} B/household on disk ({:.2} MiB, of which {:.2} MiB free pages and {wal} B of WAL); the same rows raw {:.0} B/household; \
         disk/raw {:.2}",
        ops.len(),
        per(disk),
        disk as f64 / 1048576.0,
        (free * page_size) as f64 / 1048576.0,
        per(raw),
        disk as f64 / raw as f64
    );
}

// ---------------------------------------------------------------------------------------
// Search at commune scale

/// What volunteers type: a common family name, a whole name, a rare given name, two
/// words without tones, a piece of an address.
const SEARCHES: [&str; 6] = ["nguyen", "Lò Văn Thắng", "nguyet", "cam ngoc", "nha 12", "quang thi hoa"];

fn bench_search(_: &mut Criterion) {
    let plan = Plan::from_args(15, 1);
    let households = if plan.quick { 800 } else { 8_000 };
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("commune.db");
    let store = open_store(&path);
    build_world(&store, 17, households);
    let conn = Connection::open(&path).expect("open");
    let fts: Vec<String> = SEARCHES
        .iter()
        .map(|q| tungnha_core::search::fts_query(&tungnha_core::search::query_terms(q)).expect("every benchmark query uses the index"))
        .collect();
    let mut matches = 0;
    let mut bare =
        conn.prepare("SELECT household_id, head_name, key FROM household_search WHERE household_search MATCH ?1").expect("bare FTS5 query");
    ratio(
        "search",
        plan,
        |_| {
            let t = Instant::now();
            for q in SEARCHES {
                let page = store.search_page(q, None, 0, 20).expect("search");
                matches = page.total;
                black_box(page);
            }
            per_op(t.elapsed(), SEARCHES.len())
        },
        |_| {
            let t = Instant::now();
            for q in &fts {
                let rows: Vec<(String, String, String)> =
                    bare.query_map([q], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).expect("query").collect::<Result<_, _>>().expect("rows");
                black_box(rows);
            }
            per_op(t.elapsed(), fts.len())
        },
    );
    let common = store.search_page("nguyen", None, 0, 20).expect("search").total;
    println!(
        "      search: {households} households; ours = the first page of 20, ranked (whole name, word prefix, substring), with address, \
         village and the matching member; baseline = the bare FTS5 query returning every matching row; `nguyen` matches {common}, \
         the last query {matches}"
    );
}

// ---------------------------------------------------------------------------------------
// Memory: the core open and in use on a phone

/// This process's peak resident set (`VmHWM`) and current one (`VmRSS`), in bytes.
fn resident() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Peak RSS with 1,000 households (~3,500 people) and 5,000 visits open and in use: the
/// assignment list, household screens, searches and new visits. Runs first, and resets
/// the peak (`/proc/self/clear_refs`) so earlier work in this process does not count.
fn bench_memory(_: &mut Criterion) {
    const TARGET_MIB: f64 = 30.0;
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let (_, before) = resident();
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("phone.db");
    let store = open_store(&path);
    let world = build_world(&store, 19, 1_000);
    let people: usize = world.households.iter().map(|(_, m)| m.len()).sum();
    let mut rng = SmallRng::seed_from_u64(23);
    for _ in 0..5_000 {
        let h = rng.random_range(0..world.households.len());
        let spec = visit_spec(&mut rng, &world, h);
        store.record_visit(&new_visit(&world, &spec)).expect("record visit");
    }
    // In use: the list, 200 household screens, every search, 100 more visits.
    black_box(store.assignment_households(world.team, None).expect("assignment"));
    for (h, _) in world.households.iter().step_by(5) {
        black_box(store.household_detail(*h).expect("detail"));
    }
    for q in SEARCHES {
        black_box(store.search_page(q, None, 0, 50).expect("search"));
    }
    for _ in 0..100 {
        let h = rng.random_range(0..world.households.len());
        let spec = visit_spec(&mut rng, &world, h);
        store.record_visit(&new_visit(&world, &spec)).expect("record visit");
    }
    let (peak, now) = resident();
    let conn = Connection::open(&path).expect("open");
    let raw = raw_bytes(&conn);
    drop(conn);
    let mib = |b: u64| b as f64 / 1048576.0;
    let verdict = if !reset {
        "peak not reset: includes earlier work"
    } else if mib(peak) <= TARGET_MIB {
        "PASS"
    } else {
        "MISS"
    };
    println!(
        "MEMORY core with 1000 households, {people} people, 5100 visits open and in use: peak RSS {:.1} MiB (target <= {TARGET_MIB}: {verdict}); \
         {:.1} MiB before opening, {:.1} MiB at the end; the same data as raw rows {:.1} MiB",
        mib(peak),
        mib(before),
        mib(now),
        mib(raw)
    );
}

criterion_group!(benches, bench_memory, bench_record_visit, bench_assignment, bench_footprint, bench_search);
criterion_main!(benches);
