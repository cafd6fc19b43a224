//! Hostile clients against a real server, on SQLite and PostgreSQL: enrolled devices of
//! every role send operations made from honest ones and broken in generated ways
//! (`tungnha_e2e::hostile`), among honest phones doing their work. After every batch:
//! the server never answered 5xx, every honest phone completes its sync and holds what
//! the server holds, the dashboard answers, and its figures equal a brute-force count
//! over the canonical records the server stored.
//!
//! Size: `TUNGNHA_HOSTILE_OPS` generated ops per backend (default 10,000). Replay a
//! failure: `TUNGNHA_HOSTILE_SEED=<seed>`.

use chrono::Utc;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tungnha_core::figures::Figures;
use tungnha_core::ids::{HouseholdId, MemberId, TeamId, VillageId};
use tungnha_core::model::*;
use tungnha_core::store::{Enrolment, StoreOptions};
use tungnha_core::sync::client::{self, CancelToken, SyncOptions, Transport};
use tungnha_core::sync::http::HttpTransport;
use tungnha_core::sync::protocol::{Entity, Op, OpKind};
use tungnha_core::sync::{codec, Cursor, Role, SyncRequest, PROTOCOL_VERSION};
use tungnha_core::Store;
use tungnha_e2e::hostile::{Known, Mutation, Mutator};
use tungnha_server::enrolment::{issue, CodeRequest, Issuer};
use tungnha_server::storage::DatabaseConfig;
use tungnha_server::{testing, RunningServer, ServerConfig};

const COMMUNE: &str = "2025:c:00004";
const OTHER_COMMUNE: &str = "2025:c:00008";
const OPS_PER_BATCH: usize = 100;

struct Phone {
    name: &'static str,
    store: Store,
    enrolment: Enrolment,
}

struct Scene {
    rt: tokio::runtime::Runtime,
    server: RunningServer,
    http: HttpTransport,
    _dir: tempfile::TempDir,
    official: Phone,
    honest: Vec<Phone>,
    hostile: Vec<(Phone, Mutator)>,
    team_a: TeamId,
    team_b: TeamId,
    volunteer_a: MemberId,
    volunteer_b: MemberId,
    va: VillageId,
    vb: VillageId,
    known: Known,
}

fn quiet() -> SyncOptions {
    SyncOptions { retries: 0, sleep: Arc::new(|_| {}), ..SyncOptions::default() }
}

fn member(name: &str, can_verify: bool) -> TeamMember {
    TeamMember {
        id: MemberId::new(),
        full_name: name.into(),
        phone: None,
        organisation: Organisation::WomensUnion,
        role: tungnha_core::model::Role { code: "m".into(), name_vi: "Tổ viên".into(), can_verify },
        trainings: vec![],
    }
}

fn person(name: &str, relation: Relation, store: &Store) -> NewPerson {
    NewPerson {
        full_name: name.into(),
        birth_year: Some(1980),
        sex: None,
        relation,
        phone: None,
        consent: Some(Consent {
            given_by: name.into(), given_at: store.now(), purpose: "Hướng dẫn kỹ năng số".into(), recorded_by: None
        }),
    }
}

impl Scene {
    fn code(&self, req: CodeRequest) -> String {
        self.rt.block_on(issue(self.server.storage.as_ref(), Issuer::Admin, req, Utc::now())).expect("a code").code
    }

    fn phone(&self, dir: &std::path::Path, name: &'static str, req: CodeRequest) -> Phone {
        let store = Store::open(dir.join(format!("{name}.db")), StoreOptions::default()).expect("a store");
        let enrolment = client::enrol(&store, &self.http, &self.code(req), name).expect("enrols");
        Phone { name, store, enrolment }
    }

    fn sync(&self, p: &Phone) -> Result<(), String> {
        for _ in 0..8 {
            let r = client::sync(&p.store, &self.http, None, &CancelToken::new(), &quiet()).map_err(|e| format!("{}: {e}", p.name))?;
            let _ = r;
            if p.store.pending_count().map_err(|e| e.to_string())? == 0 {
                return Ok(());
            }
        }
        Err(format!("{}: ops still pending after 8 syncs", p.name))
    }
}

fn role_req(role: Role, team: Option<TeamId>, member: Option<MemberId>, household: Option<HouseholdId>, unit: Option<&str>) -> CodeRequest {
    CodeRequest {
        team_id: team,
        member_id: member,
        household_id: household,
        commune_key: unit.map(str::to_owned),
        ..CodeRequest::new(role)
    }
}

fn setup(database: DatabaseConfig, seed: u64) -> Scene {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("a runtime");
    let dir = tempfile::tempdir().expect("a temp dir");
    let config = ServerConfig { database, dashboard: Some(dir.path().join("dashboard.db")), ..ServerConfig::sqlite("unused") };
    let server = rt.block_on(tungnha_server::start(config)).expect("the server starts");
    let http = HttpTransport::new(&server.url(), Duration::from_secs(60));
    let path = dir.path().to_path_buf();
    let mut scene = Scene {
        rt,
        server,
        http,
        _dir: dir,
        official: Phone {
            name: "placeholder",
            store: Store::open(path.join("unused.db"), StoreOptions::default()).expect("store"),
            enrolment: placeholder(),
        },
        honest: vec![],
        hostile: vec![],
        team_a: TeamId::new(),
        team_b: TeamId::new(),
        volunteer_a: MemberId::new(),
        volunteer_b: MemberId::new(),
        va: VillageId::new(),
        vb: VillageId::new(),
        known: Known::default(),
    };
    let official = scene.phone(&path, "official", role_req(Role::CommuneOfficial, None, None, None, Some(COMMUNE)));
    let s = &official.store;
    let va = s.add_village(COMMUNE, "Bản Mòng").expect("village");
    let vb = s.add_village(COMMUNE, "Bản Hụm").expect("village");
    let (la, ma, lb, mb) =
        (member("Lò Văn Thắng", true), member("Quàng Thị Hoa", false), member("Cầm Văn Tú", true), member("Tòng Thị Ơn", false));
    let team_a = s
        .add_team(&NewTeam { commune_key: COMMUNE.into(), name: "Tổ bản Mòng".into(), members: vec![la.clone(), ma.clone()] })
        .expect("team");
    let team_b = s
        .add_team(&NewTeam { commune_key: COMMUNE.into(), name: "Tổ bản Hụm".into(), members: vec![lb.clone(), mb.clone()] })
        .expect("team");
    s.assign(team_a, None, AssignmentTarget::Village(va)).expect("assign");
    s.assign(team_b, None, AssignmentTarget::Village(vb)).expect("assign");
    let today = tungnha_core::clock::vietnam_date(Utc::now());
    let campaign = s
        .add_campaign(&NewCampaign {
            name: "Chiến dịch 10 ngày".into(),
            starts_on: today - chrono::Days::new(2),
            ends_on: today + chrono::Days::new(7),
            launch_at: None,
            targets: Targets { masters_per_household: 1, ..Default::default() },
            deadlines: vec![],
            team_label: "Tổ công nghệ số cộng đồng".into(),
        })
        .expect("campaign");
    let citizen_home = s
        .add_household(&NewHousehold {
            village_id: va,
            address: "Số 1".into(),
            head: person("Lường Văn Dân", Relation::Head, s),
            phone: None,
            location: None,
            indicators: HouseholdIndicators::default(),
        })
        .expect("household")
        .id;
    scene.sync(&official).expect("the official syncs");
    scene.team_a = team_a;
    scene.team_b = team_b;
    scene.volunteer_a = ma.id;
    scene.volunteer_b = mb.id;
    scene.va = va;
    scene.vb = vb;
    // Another commune, with a village of its own (foreign ids to aim at).
    let far = scene.phone(&path, "far-office", role_req(Role::CommuneOfficial, None, None, None, Some(OTHER_COMMUNE)));
    let far_village = far.store.add_village(OTHER_COMMUNE, "Thôn Xa").expect("village");
    scene.sync(&far).expect("far syncs");
    // Honest phones: a volunteer of each team and a citizen.
    let vol_a = scene.phone(&path, "honest-a", role_req(Role::Volunteer, Some(team_a), Some(ma.id), None, None));
    let vol_b = scene.phone(&path, "honest-b", role_req(Role::Volunteer, Some(team_b), Some(mb.id), None, None));
    let citizen = scene.phone(&path, "honest-citizen", role_req(Role::Citizen, None, None, Some(citizen_home), None));
    for p in [&vol_a, &vol_b, &citizen] {
        scene.sync(p).expect("an honest phone syncs");
    }
    // Hostile phones: one of each role.
    let hostile = [
        ("hostile-volunteer", role_req(Role::Volunteer, Some(team_a), Some(ma.id), None, None)),
        ("hostile-leader", role_req(Role::TeamLeader, Some(team_a), Some(la.id), None, None)),
        ("hostile-citizen", role_req(Role::Citizen, None, None, Some(citizen_home), None)),
        ("hostile-far-official", role_req(Role::CommuneOfficial, None, None, None, Some(OTHER_COMMUNE))),
    ];
    for (name, req) in hostile {
        let p = scene.phone(&path, name, req);
        let m = Mutator::new(p.store.device_id());
        scene.hostile.push((p, m));
    }
    scene.known = Known {
        foreign_ids: vec![
            team_b.to_string(),
            vb.to_string(),
            far_village.to_string(),
            mb.id.to_string(),
            lb.id.to_string(),
            citizen_home.to_string(),
        ],
        existing: vec![
            (Entity::Village, va.to_string()),
            (Entity::Team, team_a.to_string()),
            (Entity::Household, citizen_home.to_string()),
        ],
        members: [la.id, ma.id, lb.id, mb.id].iter().map(ToString::to_string).collect(),
        devices: vec![official.store.device_id(), vol_a.store.device_id(), vol_b.store.device_id(), far.store.device_id()],
        config: vec![(Entity::Campaign, campaign.to_string())],
    };
    scene.official = official;
    scene.honest = vec![vol_a, vol_b, citizen];
    let _ = seed;
    scene
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

fn placeholder() -> Enrolment {
    Enrolment { token: String::new(), role: Role::Citizen, member_id: None, team_id: None, household_id: None, commune_key: None }
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
                        let skills =
                            ["online_payment", "online_safety", "public_services"].choose_multiple(rng, 2).map(|x| x.to_string()).collect();
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
                    head: person("Điêu Văn Chủ", Relation::Head, s),
                    phone: None,
                    location: None,
                    indicators: HouseholdIndicators { has_smartphone: Some(rng.random_bool(0.7)), ..Default::default() },
                })
                .map_err(|e| format!("{}: {e}", p.name))?
                .id;
            s.add_person(h, &person("Điêu Thị Con", Relation::Child, s)).map_err(|e| format!("{}: {e}", p.name))?;
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
    let req = SyncRequest {
        protocol: PROTOCOL_VERSION,
        schema_version: tungnha_core::store::schema::SCHEMA_VERSION,
        device_id: phone.store.device_id(),
        client_time_ms: Utc::now().timestamp_millis(),
        ops,
        cursor: Cursor::default(),
        max_bytes: 1,
    };
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
    match scene.http.post("/v1/sync", codec::CONTENT_TYPE, Some(&phone.enrolment.token), body) {
        Ok(reply) => (reply.status, if reply.status == 200 { codec::decode(&reply.body).ok() } else { None }),
        Err(e) => panic!("the server dropped a hostile request: {e}"),
    }
}

/// The figures, counted by brute force over the canonical records the server holds
/// (the counting rules of `tungnha_core::figures`).
fn brute_force(scene: &Scene) -> Figures {
    let storage = scene.server.storage.clone();
    let mut cursor = Cursor::default();
    let mut records: HashMap<(Entity, String), (bool, Value)> = HashMap::new();
    loop {
        let page = scene.rt.block_on(storage.changes(cursor, 8 << 20)).expect("the change feed");
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
    let url = format!("{}/api/figures?commune={COMMUNE}", scene.server.url());
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

fn run(database: DatabaseConfig, seed: u64, total: usize) -> Result<BTreeMap<String, usize>, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut scene = setup(database, seed);
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

fn suite(name: &str, database: DatabaseConfig) {
    let seed = seed();
    let total = total_ops();
    match run(database, seed, total) {
        Ok(stats) => println!("{name}: {total} hostile ops, seed {seed}: {stats:?}"),
        Err(e) => panic!(
            "{name}: failed with seed {seed} (replay: TUNGNHA_HOSTILE_SEED={seed} cargo test -p tungnha-e2e --test hostile {name}): {e}"
        ),
    }
}

#[test]
fn sqlite() {
    let dir = tempfile::tempdir().expect("a temp dir");
    suite("sqlite", DatabaseConfig::Sqlite(dir.path().join("server.db")));
}

#[test]
fn postgres() {
    let Some(cluster) = testing::postgres_url_from_env() else {
        eprintln!("skipped: TUNGNHA_TEST_POSTGRES not set (run under scripts/with-postgres.sh)");
        return;
    };
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let url = rt.block_on(testing::fresh_postgres_database(&cluster)).expect("a database");
    drop(rt);
    suite("postgres", DatabaseConfig::Postgres(url));
}
