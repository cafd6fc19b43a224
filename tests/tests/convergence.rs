//! Convergence under faults: several devices and a real server, random interleavings of
//! offline edits and syncs, with requests dropped, answers lost after the server
//! committed, duplicate and reordered deliveries, server restarts (also mid-sync),
//! device transactions killed before commit, app restarts, and device clocks off by
//! ±10 years. After each run every device and the server agree, and no visit is lost or
//! counted twice.
//!
//! Runs: `TUNGNHA_E2E_RUNS` (default 1000, split over SQLite and, when
//! `TUNGNHA_TEST_POSTGRES` is set, PostgreSQL). Replay one: `TUNGNHA_E2E_SEED=<seed>`.

use chrono::Duration;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tungnha_core::figures::{FigureQuery, Scope};
use tungnha_core::ids::{HouseholdId, MemberId, TeamId, VillageId, VisitId};
use tungnha_core::model::*;
use tungnha_core::store::{HouseholdDetail, PersonPatch};
use tungnha_core::sync::Role;
use tungnha_core::Store;
use tungnha_e2e::{Device, Faults, TestServer, World};
use tungnha_server::enrolment::CodeRequest;
use tungnha_server::storage::DatabaseConfig;
use tungnha_server::testing;
use tungnha_testkit::calendar::running_campaign;
use tungnha_testkit::catalog::{one_skill, some_actions, some_skills, some_topics};
use tungnha_testkit::people::person;
use tungnha_testkit::{CommuneBuilder, Population, TeamPlan};

const YEAR_MS: i64 = 365 * 24 * 3_600_000;

/// Someone of a Sơn La commune (as the campaign's people), who consents now.
fn someone(rng: &mut StdRng, store: &Store, relation: Relation) -> NewPerson {
    person(&name(rng), relation, rng.random_range(1940..2015), store.now())
}

fn name(rng: &mut StdRng) -> String {
    let sex = tungnha_testkit::names::sex(rng);
    Population::SON_LA.name(rng, sex)
}

/// What the devices were told was saved: the ground truth the server must end with.
#[derive(Default)]
struct Truth {
    visits: BTreeSet<VisitId>,
    superseded: BTreeSet<VisitId>,
}

struct Team {
    id: TeamId,
    leader: MemberId,
    volunteers: Vec<MemberId>,
    villages: Vec<VillageId>,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn setup(world: &mut World, commune: &str, rng: &mut StdRng, seed: u64) -> Result<Team, String> {
    let url = world.server.shared_url();
    let mut official = Device::open(&world.dir, "official", 0, url.clone(), seed)?;
    let mut req = CodeRequest::new(Role::CommuneOfficial);
    req.commune_key = Some(commune.to_owned());
    official.enrol(&world.server.try_issue(req)?)?;
    let today = tungnha_core::clock::vietnam_date(chrono::Utc::now());
    // Two villages, one team, the campaign, and a few households (heads only) already
    // known before the field work starts.
    let made = CommuneBuilder::new(seed)
        .commune(commune)
        .village("Bản Mòng")
        .village("Bản Hụm")
        .households(rng.random_range(1..4))
        .members(1..=1)
        .team(TeamPlan::new("Tổ CNSCĐ bản Mòng").leader("Lò Văn Thắng").volunteer("Quàng Thị Hoa").volunteer("Cầm Văn Tú").villages([0, 1]))
        .campaign(running_campaign(today - Duration::days(5), 10))
        .build(official.store())
        .map_err(err)?;
    official.sync_fully()?;
    world.devices.push(official);

    let t = &made.teams[0];
    let team = Team { id: t.id, leader: t.leader(), volunteers: t.volunteers.clone(), villages: t.villages.clone() };
    let skews = [0, 10 * YEAR_MS, -10 * YEAR_MS, 5 * 60_000, -3 * 3_600_000];
    let members: Vec<(Role, MemberId)> =
        std::iter::once((Role::TeamLeader, team.leader)).chain(team.volunteers.iter().map(|m| (Role::Volunteer, *m))).collect();
    for (i, (role, m)) in members.into_iter().enumerate() {
        let skew = *skews.choose(rng).unwrap_or(&0);
        let mut d = Device::open(&world.dir, &format!("phone{i}"), skew, url.clone(), seed.wrapping_add(i as u64 + 1))?;
        let mut req = CodeRequest::new(role);
        req.team_id = Some(team.id);
        req.member_id = Some(m);
        d.enrol(&world.server.try_issue(req)?)?;
        d.sync_fully()?;
        world.devices.push(d);
    }
    Ok(team)
}

/// One random step by one field device. Errors of the network kind are part of life.
fn step(world: &mut World, team: &Team, truth: &mut Truth, rng: &mut StdRng) -> Result<(), String> {
    let i = rng.random_range(1..world.devices.len());
    let action = rng.random_range(0..100);
    let d = &mut world.devices[i];
    let member = if d.role == Role::TeamLeader { team.leader } else { team.volunteers[(i - 2).min(team.volunteers.len() - 1)] };
    let households = d.store().assignment_households(team.id, None).map_err(err)?;
    match action {
        0..=9 => {
            let s = d.store();
            let head = someone(rng, s, Relation::Head);
            let _ = s.add_household(&NewHousehold {
                village_id: *team.villages.choose(rng).ok_or("no village")?,
                address: format!("Số {}", rng.random_range(1..300)),
                head,
                phone: None,
                location: None,
                indicators: HouseholdIndicators { has_smartphone: Some(rng.random_bool(0.7)), ..Default::default() },
            });
        }
        10..=19 => {
            if let Some(h) = households.choose(rng) {
                let p = someone(rng, d.store(), Relation::Child);
                let _ = d.store().add_person(h.id, &p);
            }
        }
        20..=49 => {
            if let Some(h) = households.choose(rng) {
                let detail = d.store().household_detail(h.id).map_err(err)?;
                let mut people: Vec<_> = detail.members.iter().map(|m| m.person.id).collect();
                people.truncate(rng.random_range(1..=people.len().max(1)));
                let supersedes =
                    if rng.random_bool(0.15) { detail.visits.iter().find(|v| v.superseded_by.is_none()).map(|v| v.id) } else { None };
                let v = NewVisit {
                    place: VisitPlace::Household { household_id: h.id },
                    campaign_id: None,
                    team_id: team.id,
                    volunteer_id: member,
                    occurred_at: d.store().now(),
                    attendees: people
                        .iter()
                        .map(|p| Attendee {
                            person_id: *p,
                            skills_guided: some_skills(rng, 0..=2),
                            actions: if rng.random_bool(0.2) { some_actions(rng, 1..=2) } else { vec![] },
                            ..Default::default()
                        })
                        .collect(),
                    topics: some_topics(rng, 1..=2),
                    notes: String::new(),
                    location: None,
                    supersedes,
                    correction_reason: supersedes.map(|_| "Ghi nhầm người".to_owned()),
                };
                if !people.is_empty() {
                    if let Ok(saved) = d.store().record_visit(&v) {
                        truth.visits.insert(saved.id);
                        if let Some(old) = supersedes {
                            truth.superseded.insert(old);
                        }
                    }
                }
            }
        }
        50..=57 => {
            if let Some(h) = households.choose(rng) {
                let detail = d.store().household_detail(h.id).map_err(err)?;
                if let Some(m) = detail.members.choose(rng) {
                    let skills = some_skills(rng, 1..=5);
                    let now = d.store().now();
                    let _ = d.store().record_self_report(&NewSelfReport {
                        person_id: m.person.id,
                        skills,
                        channel: Channel::Volunteer,
                        reported_at: now,
                    });
                }
            }
        }
        58..=65 => {
            if let Some(h) = households.choose(rng) {
                let detail = d.store().household_detail(h.id).map_err(err)?;
                if let Some(m) = detail.members.choose(rng) {
                    let patch = if rng.random_bool(0.5) {
                        PersonPatch { phone: Some(Some(format!("09{:08}", rng.random_range(0..100_000_000u32)))), ..Default::default() }
                    } else {
                        PersonPatch { full_name: Some(name(rng)), ..Default::default() }
                    };
                    let _ = d.store().update_person(m.person.id, &patch);
                }
            }
        }
        66..=69 => {
            if d.role == Role::TeamLeader {
                if let Some(h) = households.choose(rng) {
                    let detail = d.store().household_detail(h.id).map_err(err)?;
                    if let Some(m) = detail.members.choose(rng) {
                        let _ = d.store().verify_skill(m.person.id, one_skill(rng), team.leader);
                    }
                }
            }
        }
        70..=89 => {
            let _ = d.sync();
        }
        90..=93 => d.reopen()?,
        94..=96 => d.set_chaos(if rng.random_bool(0.5) { 30 } else { 0 })?,
        _ => {
            // The server restarts, sometimes while a device is in the middle of a sync.
            if rng.random_bool(0.5) {
                world.server.restart()?;
            } else {
                let store_path = world.devices[i].path.clone();
                let _ = store_path;
                let handle = {
                    let d = &world.devices[i];
                    let store = d.store.as_ref().ok_or("closed")?;
                    let transport = d.transport.clone();
                    std::thread::scope(|scope| {
                        let t = scope.spawn(|| {
                            let options =
                                tungnha_core::sync::client::SyncOptions { retries: 1, sleep: Arc::new(|_| {}), ..Default::default() };
                            let _ = tungnha_core::sync::client::sync(store, transport.as_ref(), None, &Default::default(), &options);
                        });
                        std::thread::sleep(std::time::Duration::from_millis(rng.random_range(0..15)));
                        world.server.begin_shutdown();
                        t.join().map_err(|_| "sync thread panicked".to_string())
                    })
                };
                handle?;
                world.server.restart()?;
            }
        }
    }
    Ok(())
}

fn check(world: &World, team: &Team, truth: &Truth, commune: &str) -> Result<(), String> {
    let official = &world.devices[0];
    for d in &world.devices {
        let pending = d.store().pending_count().map_err(err)?;
        if pending != 0 {
            return Err(format!("{}: {pending} ops still pending", d.name));
        }
        let rejected = d.store().rejected_ops().map_err(err)?;
        if !rejected.is_empty() {
            return Err(format!("{}: the server refused {} ops, first: {:?}", d.name, rejected.len(), rejected[0]));
        }
    }
    // No visit lost, none invented: the server's visits (as the commune official pulls
    // them) are exactly the ones devices were told were saved.
    let on_server: BTreeSet<VisitId> = {
        let mut ids = BTreeSet::new();
        for h in official.store().assignment_households(team.id, None).map_err(err)? {
            for v in official.store().household_detail(h.id).map_err(err)?.visits {
                ids.insert(v.id);
            }
        }
        ids
    };
    if on_server != truth.visits {
        let lost: Vec<_> = truth.visits.difference(&on_server).collect();
        let extra: Vec<_> = on_server.difference(&truth.visits).collect();
        return Err(format!("visits differ: lost {lost:?}, unexpected {extra:?}"));
    }
    // None counted twice: the figures count each effective visit once.
    let effective = truth.visits.difference(&truth.superseded).count() as u32;
    let figures = official.store().figures(&FigureQuery::all_time(Scope::Commune(commune.to_owned()))).map_err(err)?;
    if figures.visits != effective {
        return Err(format!("figures count {} visits, {} were recorded and not corrected", figures.visits, effective));
    }
    // Every device holds the same state as the server.
    let reference: BTreeMap<HouseholdId, HouseholdDetail> = official
        .store()
        .assignment_households(team.id, None)
        .map_err(err)?
        .into_iter()
        .map(|h| official.store().household_detail(h.id).map(|d| (h.id, d)))
        .collect::<Result<_, _>>()
        .map_err(err)?;
    let team_figures = official.store().figures(&FigureQuery::all_time(Scope::Team(team.id))).map_err(err)?;
    for d in &world.devices[1..] {
        let rows = d.store().assignment_households(team.id, None).map_err(err)?;
        let ids: BTreeSet<HouseholdId> = rows.iter().map(|r| r.id).collect();
        if ids != reference.keys().copied().collect() {
            return Err(format!("{}: sees {} households, the server {}", d.name, ids.len(), reference.len()));
        }
        for (id, want) in &reference {
            let got = d.store().household_detail(*id).map_err(err)?;
            if &got != want {
                return Err(format!("{}: household {id} differs from the server:\n device: {got:?}\n server: {want:?}", d.name));
            }
        }
        let f = d.store().figures(&FigureQuery::all_time(Scope::Team(team.id))).map_err(err)?;
        if f != team_figures {
            return Err(format!("{}: team figures differ from the server's", d.name));
        }
    }
    Ok(())
}

fn run(seed: u64, rt: &Arc<tokio::runtime::Runtime>, database: DatabaseConfig, commune: &str) -> Result<(), String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().map_err(err)?;
    let database = match database {
        DatabaseConfig::Sqlite(_) => DatabaseConfig::Sqlite(dir.path().join("server.db")),
        pg => pg,
    };
    let server = TestServer::on(rt.clone(), database)?;
    let mut world = World { dir, server, devices: vec![] };
    let team = setup(&mut world, commune, &mut rng, seed)?;
    let mut truth = Truth::default();
    for d in &world.devices[1..] {
        d.set_faults(Faults::random(&mut rng));
    }
    for _ in 0..rng.random_range(15..45) {
        step(&mut world, &team, &mut truth, &mut rng)?;
    }
    // Faults stop; everyone syncs until quiet, twice round so each sees the others' last changes.
    for d in &world.devices {
        d.set_faults(Faults::none());
        d.set_chaos(0)?;
    }
    for _ in 0..2 {
        for d in &world.devices {
            d.sync_fully()?;
        }
    }
    let result = check(&world, &team, &truth, commune);
    if std::env::var("TUNGNHA_E2E_VERBOSE").is_ok() {
        use std::sync::atomic::Ordering::Relaxed;
        let sum = |f: &dyn Fn(&tungnha_e2e::faults::Injected) -> u64| world.devices.iter().map(|d| f(&d.transport.injected)).sum::<u64>();
        println!(
            "seed {seed}: {} visits ({} corrected), sent {}, dropped {}, responses lost {}, duplicated {}, reordered {}, stale delivered {}, server restarts {}",
            truth.visits.len(),
            truth.superseded.len(),
            sum(&|i| i.sent.load(Relaxed)),
            sum(&|i| i.dropped.load(Relaxed)),
            sum(&|i| i.responses_lost.load(Relaxed)),
            sum(&|i| i.duplicated.load(Relaxed)),
            sum(&|i| i.reordered.load(Relaxed)),
            sum(&|i| i.stale_delivered.load(Relaxed)),
            world.server.restarts()
        );
    }
    let World { server, devices, dir } = world;
    drop(devices);
    server.stop();
    drop(dir);
    result
}

fn communes() -> Vec<String> {
    tungnha_testkit::units::all_communes(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default())
}

fn runs() -> u64 {
    std::env::var("TUNGNHA_E2E_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000)
}

fn suite(db: &str, first: u64, count: u64) {
    let rt = Arc::new(tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime"));
    let database = match db {
        "postgres" => {
            let Some(cluster) = testing::postgres_url_from_env() else {
                println!("skipped: {} not set (scripts/with-postgres.sh sets it)", testing::POSTGRES_ENV);
                return;
            };
            let url = rt.block_on(testing::fresh_postgres_database(&cluster)).expect("fresh PostgreSQL database");
            DatabaseConfig::Postgres(url)
        }
        _ => DatabaseConfig::Sqlite("unused".into()),
    };
    let communes = communes();
    // SQLite and PostgreSQL get different seeds.
    let salt: u64 = if db == "postgres" { 1 << 32 } else { 0 };
    // (run index, seed): the index picks the run's commune, unique within a database.
    let seeds: Vec<(u64, u64)> = match std::env::var("TUNGNHA_E2E_SEED").ok().and_then(|s| s.parse().ok()) {
        Some(seed) => vec![(first, seed)],
        None => (first..first + count).map(|i| (i, 0x7475_6e67_6e68_6100 ^ (i + salt).wrapping_mul(0x9e37_79b9_7f4a_7c15))).collect(),
    };
    let started = std::time::Instant::now();
    for (n, (index, seed)) in seeds.iter().enumerate() {
        // Each run in its own commune, so runs sharing one PostgreSQL database stay apart.
        let commune = &communes[(*index % communes.len() as u64) as usize];
        if let Err(e) = run(*seed, &rt, database.clone(), commune) {
            panic!("{db}: run {n} failed with seed {seed} (replay: TUNGNHA_E2E_SEED={seed} cargo test -p tungnha-e2e {db}): {e}");
        }
    }
    println!("{db}: {} runs converged in {:.1} s", seeds.len(), started.elapsed().as_secs_f64());
}

/// Runs are split into parts so the test harness can run them on both cores.
fn part(db: &str, index: u64, parts: u64) {
    let total = if db == "postgres" { runs() / 2 } else { runs() - runs() / 2 };
    let per = total.div_ceil(parts);
    let first = index * per;
    let count = per.min(total.saturating_sub(index * per));
    if std::env::var("TUNGNHA_E2E_SEED").is_ok() && index > 0 {
        return;
    }
    suite(db, first, count);
}

#[test]
fn sqlite_part_1() {
    part("sqlite", 0, 2);
}
#[test]
fn sqlite_part_2() {
    part("sqlite", 1, 2);
}
#[test]
fn postgres_part_1() {
    part("postgres", 0, 2);
}
#[test]
fn postgres_part_2() {
    part("postgres", 1, 2);
}
