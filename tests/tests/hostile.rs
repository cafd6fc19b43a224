//! Hostile clients against a real server, on SQLite and PostgreSQL: enrolled devices of
//! every role send operations made from honest ones and broken in generated ways
//! (`tungnha_e2e::hostile`), among honest phones doing their work. After every batch:
//! the server never answered 5xx, every honest phone completes its sync and holds what
//! the server holds, the dashboard answers, and its figures equal a brute-force count
//! over the canonical records the server stored.
//!
//! Size: `TUNGNHA_HOSTILE_OPS` generated ops per backend (default 10,000). Replay a
//! failure: `TUNGNHA_HOSTILE_SEED=<seed>`.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tungnha_core::figures::Figures;
use tungnha_core::ids::{MemberId, TeamId, VillageId};
use tungnha_core::model::*;
use tungnha_core::sync::client::Transport;
use tungnha_core::sync::protocol::{Entity, Op, OpKind};
use tungnha_core::sync::{codec, Cursor};
use tungnha_e2e::commune::{commune_with, TwoTeams, COMMUNE, OTHER_COMMUNE};
use tungnha_e2e::env::{citizen, leader, official, volunteer};
use tungnha_e2e::hostile::{Known, Mutation, Mutator};
use tungnha_e2e::{Backend, Env, Phone};
use tungnha_testkit::catalog::some_skills;
use tungnha_testkit::people::person;

const OPS_PER_BATCH: usize = 100;

/// A phone and the name its failures are reported under.
struct Actor {
    name: &'static str,
    phone: Phone,
}

impl std::ops::Deref for Actor {
    type Target = Phone;
    fn deref(&self) -> &Phone {
        &self.phone
    }
}

struct Scene {
    env: Env,
    official: Actor,
    honest: Vec<Actor>,
    hostile: Vec<(Actor, Mutator)>,
    team_a: TeamId,
    team_b: TeamId,
    volunteer_a: MemberId,
    volunteer_b: MemberId,
    va: VillageId,
    vb: VillageId,
    known: Known,
}

impl Scene {
    fn sync(&self, p: &Actor) -> Result<(), String> {
        sync(&self.env, p)
    }
}

/// Sync until nothing is pending.
fn sync(env: &Env, p: &Actor) -> Result<(), String> {
    env.sync_until_sent(p, 8).map_err(|e| format!("{}: {e}", p.name))
}

fn actor(env: &Env, name: &'static str, req: tungnha_server::enrolment::CodeRequest) -> Actor {
    Actor { name, phone: env.phone(name, req) }
}

fn setup(backend: &Backend) -> Scene {
    let env = Env::new(backend);
    let names = TwoTeams {
        villages: ["Bản Mòng", "Bản Hụm"],
        teams: ["Tổ bản Mòng", "Tổ bản Hụm"],
        members: ["Lò Văn Thắng", "Quàng Thị Hoa", "Cầm Văn Tú", "Tòng Thị Ơn"],
    };
    let c = commune_with(&env, COMMUNE, names, 0);
    let official_phone = Actor { name: "official", phone: c.official };
    let (citizen_home, _) =
        tungnha_testkit::household::named(&official_phone.store, c.va, "Số 1", "Lường Văn Dân", &[]).expect("a household");
    sync(&env, &official_phone).expect("the official syncs");
    // Another commune, with a village of its own (foreign ids to aim at).
    let far = actor(&env, "far-office", official(OTHER_COMMUNE));
    let far_village = far.store.add_village(OTHER_COMMUNE, "Thôn Xa").expect("village");
    sync(&env, &far).expect("far syncs");
    // Honest phones: a volunteer of each team and a citizen.
    let vol_a = actor(&env, "honest-a", volunteer(c.team_a, c.volunteer_a));
    let vol_b = actor(&env, "honest-b", volunteer(c.team_b, c.volunteer_b));
    let citizen_phone = actor(&env, "honest-citizen", citizen(citizen_home));
    for p in [&vol_a, &vol_b, &citizen_phone] {
        sync(&env, p).expect("an honest phone syncs");
    }
    // Hostile phones: one of each role.
    let hostile_phones = [
        ("hostile-volunteer", volunteer(c.team_a, c.volunteer_a)),
        ("hostile-leader", leader(c.team_a, c.leader_a)),
        ("hostile-citizen", citizen(citizen_home)),
        ("hostile-far-official", official(OTHER_COMMUNE)),
    ];
    let hostile = hostile_phones
        .into_iter()
        .map(|(name, req)| {
            let p = actor(&env, name, req);
            let m = Mutator::new(p.store.device_id());
            (p, m)
        })
        .collect();
    let known = Known {
        foreign_ids: vec![
            c.team_b.to_string(),
            c.vb.to_string(),
            far_village.to_string(),
            c.volunteer_b.to_string(),
            c.leader_b.to_string(),
            citizen_home.to_string(),
        ],
        existing: vec![
            (Entity::Village, c.va.to_string()),
            (Entity::Team, c.team_a.to_string()),
            (Entity::Household, citizen_home.to_string()),
        ],
        members: [c.leader_a, c.volunteer_a, c.leader_b, c.volunteer_b].iter().map(ToString::to_string).collect(),
        devices: vec![official_phone.device_id(), vol_a.device_id(), vol_b.device_id(), far.device_id()],
        config: vec![(Entity::Campaign, c.campaign.to_string())],
    };
    Scene {
        official: official_phone,
        honest: vec![vol_a, vol_b, citizen_phone],
        hostile,
        team_a: c.team_a,
        team_b: c.team_b,
        volunteer_a: c.volunteer_a,
        volunteer_b: c.volunteer_b,
        va: c.va,
        vb: c.vb,
        known,
        env,
    }
}

/// Valid ops like the ones the set-up made (a village, a team, an assignment, a campaign).
fn setup_ops(scene: &Scene) -> Vec<Op> {
    let s = &scene.official.store;
    let _ = s.add_village(COMMUNE, "Bản Mẫu");
    let _ = s.add_local_topic("mau", "Nội dung mẫu", "Sample topic");
    let ops = s.pending_ops(100).unwrap_or_default();
    let _ = scene.sync(&scene.official);
    ops
}

/// Honest work for one batch: households, people, visits, self-reports.
fn honest_work(scene: &Scene, rng: &mut StdRng, templates: &mut Vec<Op>) -> Result<(), String> {
    for (i, p) in scene.honest.iter().enumerate() {
        let s = &p.store;
        let (team, volunteer, village) = match i {
            0 => (scene.team_a, scene.volunteer_a, scene.va),
            1 => (scene.team_b, scene.volunteer_b, scene.vb),
            _ => {
                // The citizen says which skills they have.
                if let Some(d) = s.enrolment().map_err(|e| e.to_string())?.and_then(|e| e.household_id) {
                    if let Ok(detail) = s.household_detail(d) {
                        let skills = some_skills(rng, 2..=2);
                        s.record_self_report(&NewSelfReport {
                            person_id: detail.household.head_id,
                            skills,
                            channel: Channel::App,
                            reported_at: s.now(),
                        })
                        .map_err(|e| format!("citizen: {e}"))?;
                    }
                }
                templates.extend(s.pending_ops(100).map_err(|e| e.to_string())?);
                continue;
            }
        };
        if rng.random_bool(0.5) {
            let h = s
                .add_household(&NewHousehold {
                    village_id: village,
                    address: format!("Số {}", rng.random_range(2..500)),
                    head: person("Điêu Văn Chủ", Relation::Head, 1980, s.now()),
                    phone: None,
                    location: None,
                    indicators: HouseholdIndicators { has_smartphone: Some(rng.random_bool(0.7)), ..Default::default() },
                })
                .map_err(|e| format!("{}: {e}", p.name))?
                .id;
            s.add_person(h, &person("Điêu Thị Con", Relation::Child, 1980, s.now())).map_err(|e| format!("{}: {e}", p.name))?;
        }
        let households: Vec<HouseholdSummary> =
            s.assignment_households(team, None).map_err(|e| e.to_string())?.into_iter().filter(|h| h.member_count > 0).collect();
        if let Some(h) = households.choose(rng) {
            let detail = s.household_detail(h.id).map_err(|e| e.to_string())?;
            let attendees = detail
                .members
                .iter()
                .take(2)
                .map(|m| Attendee {
                    person_id: m.person.id,
                    skills_guided: vec!["online_payment".into(), "digital_platforms".into()],
                    ..Default::default()
                })
                .collect();
            s.record_visit(&NewVisit {
                place: VisitPlace::Household { household_id: h.id },
                campaign_id: None,
                team_id: team,
                volunteer_id: volunteer,
                occurred_at: s.now(),
                attendees,
                topics: vec!["vneid".into(), "online_safety".into()],
                notes: "Đã hướng dẫn".into(),
                location: None,
                supersedes: None,
                correction_reason: None,
            })
            .map_err(|e| format!("{}: {e}", p.name))?;
        }
        templates.extend(s.pending_ops(100).map_err(|e| e.to_string())?);
    }
    Ok(())
}

/// One hostile request: its status, and (for a 200) the answer.
fn send_hostile(scene: &Scene, rng: &mut StdRng, who: usize, ops: Vec<Op>) -> (u16, Option<tungnha_core::sync::SyncResponse>) {
    let (phone, _) = &scene.hostile[who];
    let req = phone.request(ops, Cursor::default(), 1);
    let body = match rng.random_range(0..10) {
        // The first format, as an old app sends it.
        0..=2 => zstd::bulk::compress(&serde_json::to_vec(&req).unwrap_or_default(), 1).unwrap_or_default(),
        // Damaged on the way.
        3 => {
            let mut b = codec::encode(&req).unwrap_or_default();
            if !b.is_empty() {
                let at = rng.random_range(0..b.len());
                b[at] ^= 0x5a;
                b.truncate(rng.random_range(at..=b.len()));
            }
            b
        }
        _ => match codec::encode(&req) {
            Ok(b) => b,
            Err(_) => zstd::bulk::compress(&serde_json::to_vec(&req).unwrap_or_default(), 1).unwrap_or_default(),
        },
    };
    match scene.env.transport().post("/v1/sync", codec::CONTENT_TYPE, Some(&phone.enrolment.token), body) {
        Ok(reply) => (reply.status, if reply.status == 200 { codec::decode(&reply.body).ok() } else { None }),
        Err(e) => panic!("the server dropped a hostile request: {e}"),
    }
}

/// The figures, counted by brute force over the canonical records the server holds
/// (the counting rules of `tungnha_core::figures`).
fn brute_force(scene: &Scene) -> Figures {
    let storage = scene.env.storage();
    let mut cursor = Cursor::default();
    let mut records: HashMap<(Entity, String), (bool, Value)> = HashMap::new();
    loop {
        let page = scene.env.rt.block_on(storage.changes(cursor, 8 << 20)).expect("the change feed");
        for c in page.changes {
            records.insert((c.entity, c.id), (c.deleted, c.state));
        }
        cursor = page.next_cursor;
        if !page.more {
            break;
        }
    }
    let of = |e: Entity| records.iter().filter(move |((x, _), _)| *x == e);
    let villages: BTreeSet<&str> =
        of(Entity::Village).filter(|(_, (d, s))| !d && s["commune_key"] == COMMUNE).map(|((_, id), _)| id.as_str()).collect();
    let households: BTreeSet<&str> = of(Entity::Household)
        .filter(|(_, (d, s))| !d && s["village_id"].as_str().is_some_and(|v| villages.contains(v)))
        .map(|((_, id), _)| id.as_str())
        .collect();
    let people = of(Entity::Person).filter(|(_, (d, s))| !d && s["household_id"].as_str().is_some_and(|h| households.contains(h))).count();
    let superseded: BTreeSet<&str> = of(Entity::Visit).filter_map(|(_, (_, s))| s["supersedes"].as_str()).collect();
    let (mut visits, mut at_home, mut group) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let (mut visited, mut guided) = (BTreeSet::new(), BTreeSet::new());
    for ((_, id), (_, s)) in of(Entity::Visit).filter(|((_, id), _)| !superseded.contains(id.as_str())) {
        for a in s["attendees"].as_array().into_iter().flatten() {
            let Some(h) = a["household_id"].as_str().filter(|h| households.contains(h)) else { continue };
            visits.insert(id.clone());
            if s["place"]["kind"] == "household" {
                at_home.insert(id.clone());
            } else {
                group.insert(id.clone());
            }
            visited.insert(h.to_owned());
            guided.insert(a["person_id"].as_str().unwrap_or_default().to_owned());
        }
    }
    Figures {
        households: households.len() as u32,
        people: people as u32,
        visits: visits.len() as u32,
        household_visits: at_home.len() as u32,
        group_sessions: group.len() as u32,
        households_visited: visited.len() as u32,
        people_guided: guided.len() as u32,
        ..Figures::default()
    }
}

fn check_batch(scene: &Scene) -> Result<(), String> {
    // Twice round: what one honest phone pushed reaches the others.
    for _ in 0..2 {
        for p in scene.honest.iter().chain(std::iter::once(&scene.official)) {
            scene.sync(p)?;
        }
    }
    // Converge: each honest team phone holds exactly what the official's phone (a full
    // copy of the commune from the server) holds for its team.
    let reference = &scene.official.store;
    for (p, team) in scene.honest.iter().zip([scene.team_a, scene.team_b]) {
        let want = reference.assignment_households(team, None).map_err(|e| e.to_string())?;
        let got = p.store.assignment_households(team, None).map_err(|e| e.to_string())?;
        let ids = |rows: &[HouseholdSummary]| rows.iter().map(|r| r.id).collect::<BTreeSet<_>>();
        if ids(&want) != ids(&got) {
            return Err(format!("{}: sees {} households, the server {}", p.name, got.len(), want.len()));
        }
        for h in &want {
            let (a, b) =
                (p.store.household_detail(h.id).map_err(|e| e.to_string())?, reference.household_detail(h.id).map_err(|e| e.to_string())?);
            if a != b {
                return Err(format!("{}: household {} differs from the server:\n phone: {a:?}\n server: {b:?}", p.name, h.id));
            }
        }
        let rejected = p.store.rejected_ops().map_err(|e| e.to_string())?;
        if !rejected.is_empty() {
            return Err(format!("{}: an honest op was refused: {:?}", p.name, rejected[0]));
        }
    }
    // The dashboard answers, with the figures a brute-force count gives.
    let url = format!("{}/api/figures?commune={COMMUNE}", scene.env.url());
    let reply = ureq::get(&url).call().map_err(|e| format!("dashboard: {e}"))?;
    let mut reply = reply;
    let shown: Figures = serde_json::from_str(&reply.body_mut().read_to_string().map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let want = brute_force(scene);
    let pick =
        |f: &Figures| (f.households, f.people, f.visits, f.household_visits, f.group_sessions, f.households_visited, f.people_guided);
    if pick(&shown) != pick(&want) {
        return Err(format!("the dashboard shows {:?}, the stored records count {:?}", pick(&shown), pick(&want)));
    }
    Ok(())
}

fn run(backend: &Backend, seed: u64, total: usize) -> Result<BTreeMap<String, usize>, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut scene = setup(backend);
    // The first material: what the official's phone set up (already on the server).
    let mut templates: Vec<Op> = setup_ops(&scene);
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let mut mutations: BTreeMap<Mutation, usize> = BTreeMap::new();
    let mut sent = 0;
    let mut batch = 0;
    while sent < total {
        batch += 1;
        // Honest work of this batch; its ops become material for hostile ones only once
        // synced (nobody can guess an id the phone has not sent yet).
        let mut fresh = Vec::new();
        honest_work(&scene, &mut rng, &mut fresh)?;
        if templates.len() > 400 {
            let keep = templates.split_off(templates.len() - 400);
            templates = keep;
        }
        let n = OPS_PER_BATCH.min(total - sent);
        let mut remaining = n;
        while remaining > 0 {
            let who = rng.random_range(0..scene.hostile.len());
            let size = rng.random_range(1..=remaining.min(40));
            let seq_before = scene.hostile[who].1.next_seq;
            let mut ops = Vec::with_capacity(size);
            for _ in 0..size {
                let Some(t) = templates.choose(&mut rng).cloned() else { break };
                let (op, how) = scene.hostile[who].1.mutate(&mut rng, &t, &scene.known);
                for m in how {
                    *mutations.entry(m).or_default() += 1;
                }
                ops.push(op);
            }
            // Now and then a batch larger than any request may carry.
            if rng.random_bool(0.01) {
                if let Some(t) = ops.first().cloned() {
                    ops.extend(std::iter::repeat_n(t, 1_001));
                }
            }
            if std::env::var("TUNGNHA_HOSTILE_TRACE").is_ok() {
                eprintln!(
                    "batch {batch}: {} ops from {} ({} bytes as JSON)",
                    ops.len(),
                    scene.hostile[who].0.name,
                    serde_json::to_vec(&ops).map(|v| v.len()).unwrap_or(0)
                );
            }
            let (status, answer) = send_hostile(&scene, &mut rng, who, ops);
            *statuses.entry(format!("http {status}")).or_default() += size;
            if let Some(a) = answer {
                *statuses.entry("ops applied".into()).or_default() += a.acks.len();
                *statuses.entry("ops refused".into()).or_default() += a.rejected.len();
                *statuses.entry("ops deferred".into()).or_default() += a.deferred.len();
            }
            if status >= 500 {
                return Err(format!("batch {batch}: the server answered {status} to a hostile request"));
            }
            if status != 200 {
                // Nothing of the request was applied: its sequence numbers are still free.
                scene.hostile[who].1.next_seq = seq_before;
            }
            remaining -= size;
            sent += size;
        }
        // What the hostile devices saw exists now too (creates on existing ids).
        if let Some(v) = scene.official.store.assignment_households(scene.team_a, None).ok().and_then(|h| h.choose(&mut rng).map(|h| h.id))
        {
            scene.known.existing.push((Entity::Household, v.to_string()));
            if let Ok(d) = scene.official.store.household_detail(v) {
                scene.known.existing.extend(d.members.iter().map(|m| (Entity::Person, m.person.id.to_string())));
                scene.known.existing.extend(d.visits.iter().map(|x| (Entity::Visit, x.id.to_string())));
            }
        }
        check_batch(&scene).map_err(|e| format!("batch {batch} ({sent} hostile ops): {e}"))?;
        templates.extend(fresh);
    }
    statuses.insert("batches".into(), batch);
    for (m, n) in mutations {
        statuses.insert(format!("{m:?}"), n);
    }
    let _ = OpKind::Create;
    Ok(statuses)
}

fn total_ops() -> usize {
    std::env::var("TUNGNHA_HOSTILE_OPS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

fn seed() -> u64 {
    std::env::var("TUNGNHA_HOSTILE_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| StdRng::from_os_rng().random())
}

fn suite(name: &str, backend: &Backend) {
    let seed = seed();
    let total = total_ops();
    match run(backend, seed, total) {
        Ok(stats) => println!("{name}: {total} hostile ops, seed {seed}: {stats:?}"),
        Err(e) => panic!(
            "{name}: failed with seed {seed} (replay: TUNGNHA_HOSTILE_SEED={seed} cargo test -p tungnha-e2e --test hostile {name}): {e}"
        ),
    }
}

#[test]
fn sqlite() {
    suite("sqlite", &Backend::Sqlite);
}

#[test]
fn postgres() {
    let Some(backend) = Backend::postgres() else {
        eprintln!("skipped: TUNGNHA_TEST_POSTGRES not set (run under scripts/with-postgres.sh)");
        return;
    };
    suite("postgres", &backend);
}
