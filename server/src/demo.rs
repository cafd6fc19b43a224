//! `tungnha serve --demo`: a living demo commune. A fresh database in a temp dir; a
//! commune official's phone sets up villages, two teams and the 10-day campaign;
//! volunteers' phones enrol, pull their assignments, record the campaign's guidance
//! sessions — at households, and now and then a group session at a fixed point with people
//! of several households — and then keep recording live ones; team leaders verify skills
//! they see people do; citizens self-report. Every phone is a
//! real core `Store` syncing through the real `POST /v1/sync` over HTTP, so what the
//! dashboard shows is what the field would produce.

use crate::engine::ports::TestHooks;
use crate::enrolment::{issue, CodeRequest, Issuer};
use crate::projection::Projection;
use crate::state::AppState;
use crate::storage::{open_storage, DatabaseConfig};
use crate::{start_app, RunningServer};
use chrono::{Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tungnha_core::clock::vietnam_date;
use tungnha_core::ids::{HouseholdId, MemberId, PersonId, TeamId};
use tungnha_core::model::*;
use tungnha_core::store::StoreOptions;
use tungnha_core::sync::client::{self, CancelToken, SyncOptions};
use tungnha_core::sync::http::HttpTransport;
use tungnha_core::sync::Role as SyncRole;
use tungnha_core::Store;
use tungnha_testkit::calendar::{last_finished_drive, ten_day_campaign, vietnam_time};
use tungnha_testkit::catalog::some_skills;
use tungnha_testkit::visits::{group_session, session, Visitor, PLACES};
use tungnha_testkit::{CommuneBuilder, TeamPlan};

const VILLAGES: [&str; 4] = ["Bản Mòng", "Bản Hụm", "Bản Cọ", "Bản Nà Sản"];

/// A phone in the demo.
struct Phone {
    store: Store,
    transport: HttpTransport,
    member: Option<MemberId>,
    team: Option<TeamId>,
    /// A team leader's phone: its owner also verifies skills.
    leader: bool,
}

impl Phone {
    fn open(dir: &std::path::Path, name: &str, url: &str) -> Result<Self, String> {
        let store = Store::open(dir.join(format!("{name}.db")), StoreOptions::default()).map_err(|e| e.to_string())?;
        Ok(Self { store, transport: HttpTransport::with_defaults(url), member: None, team: None, leader: false })
    }

    fn enrol(&mut self, code: &str, name: &str) -> Result<(), String> {
        let e = client::enrol(&self.store, &self.transport, code, name).map_err(|e| e.to_string())?;
        self.member = e.member_id;
        self.team = e.team_id;
        self.leader = e.role == SyncRole::TeamLeader;
        Ok(())
    }

    fn sync(&self) -> Result<(), String> {
        client::sync(&self.store, &self.transport, None, &CancelToken::new(), &SyncOptions::default())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The demo's commune: the first rural commune (xã) of Sơn La in today's structure.
pub fn demo_commune() -> String {
    tungnha_testkit::units::rural_commune_key("Sơn La")
}

/// The year of the demo's campaign: the latest 10-day drive (01–10/10) that is over, so
/// every session of its ten days lies in the past.
fn demo_year() -> i32 {
    last_finished_drive(vietnam_date(Utc::now()))
}

/// What the demo prints for a newcomer.
#[derive(Debug, Clone)]
pub struct DemoInfo {
    pub url: String,
    pub commune_key: String,
    pub volunteer_code: String,
}

/// Start the demo server and its simulated field activity. Returns the running server and
/// a flag that stops the simulation.
pub async fn start_demo(listen: SocketAddr, dir: &std::path::Path) -> Result<(RunningServer, DemoInfo, Arc<AtomicBool>), String> {
    let storage =
        open_storage(&DatabaseConfig::Sqlite(dir.join("tungnha-demo.db")), TestHooks::default()).await.map_err(|e| e.to_string())?;
    let projection = Arc::new(Projection::open(&dir.join("dashboard.db"))?);
    let commune = demo_commune();
    let mut state = AppState::new(storage.clone()).with_projection(projection);
    state.home_commune = Some(commune.clone());
    let server = start_app(state, listen).await.map_err(|e| e.to_string())?;
    let url = server.url();

    let mut req = CodeRequest::new(SyncRole::CommuneOfficial);
    req.commune_key = Some(commune.clone());
    req.holder_name = Some("Cán bộ văn hoá - thông tin xã".into());
    let official_code = issue(storage.as_ref(), Issuer::Admin, req, Utc::now()).await.map_err(|e| format!("{e:?}"))?.code;

    // Setting up is blocking work (phones are synchronous): do it off the runtime.
    let dir_owned = dir.to_path_buf();
    let (url2, commune2) = (url.clone(), commune.clone());
    let (official, teams) =
        tokio::task::spawn_blocking(move || setup(&dir_owned, &url2, &official_code, &commune2)).await.map_err(|e| e.to_string())??;

    // Enrolment codes for the volunteers' phones (one per member), and one spare to try.
    let mut phones = Vec::new();
    let mut spare = None;
    for (t, (team, members)) in teams.iter().enumerate() {
        for (i, (member, role)) in members.iter().enumerate() {
            let mut req = CodeRequest::new(*role);
            req.team_id = Some(*team);
            req.member_id = Some(*member);
            let code = issue(storage.as_ref(), Issuer::Admin, req.clone(), Utc::now()).await.map_err(|e| format!("{e:?}"))?.code;
            phones.push((code, format!("phone-team{}-{i}", t + 1)));
            if spare.is_none() && *role == SyncRole::Volunteer {
                spare = Some(issue(storage.as_ref(), Issuer::Admin, req, Utc::now()).await.map_err(|e| format!("{e:?}"))?.code);
            }
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let (dir_owned, url2, stop2) = (dir.to_path_buf(), url.clone(), stop.clone());
    std::thread::Builder::new()
        .name("demo-field".into())
        .spawn(move || {
            if let Err(e) = field(&dir_owned, &url2, official, phones, &stop2) {
                tracing::warn!(error = %e, "demo field activity stopped");
            }
        })
        .map_err(|e| e.to_string())?;
    Ok((server, DemoInfo { url, commune_key: commune, volunteer_code: spare.unwrap_or_default() }, stop))
}

type Teams = Vec<(TeamId, Vec<(MemberId, SyncRole)>)>;

/// The official's phone: the test kit's commune (four villages of 40–60 households of
/// 2–5 people registered before the drive, two teams of a leader and two volunteers,
/// each assigned two villages, the campaign), then a sync.
fn setup(dir: &std::path::Path, url: &str, code: &str, commune: &str) -> Result<(Phone, Teams), String> {
    let mut rng = StdRng::seed_from_u64(20_241_010);
    let mut official = Phone::open(dir, "official", url)?;
    official.enrol(code, "Máy cán bộ xã")?;
    let year = demo_year();
    let date = |m, d| NaiveDate::from_ymd_opt(year, m, d).unwrap_or_default();
    let campaign = NewCampaign {
        name: format!("Chiến dịch 10 ngày cao điểm \"đi từng ngõ, gõ từng nhà\" {year}"),
        deadlines: vec![
            Deadline { label: "Xã báo cáo kết quả".into(), due_on: date(10, 12) },
            Deadline { label: "Tỉnh tổng hợp gửi Bộ".into(), due_on: date(11, 5) },
        ],
        team_label: "Tổ công nghệ số cộng đồng".into(),
        ..ten_day_campaign(year)
    };
    let mut builder = CommuneBuilder::new(20_241_010)
        .commune(commune)
        .members(2..=5)
        .near(21.32, 103.91)
        .campaign(campaign)
        .registered(vietnam_time(year, 9, 28, 9, 0), 1);
    for v in VILLAGES {
        builder = builder.village_with(v, rng.random_range(40..60));
    }
    let crews = [["Lò Văn Thắng", "Quàng Thị Hoa", "Hà Văn Hải"], ["Cầm Thị Ngân", "Lường Văn Tú", "Bạc Thị Mai"]];
    for (t, [leader, a, b]) in crews.into_iter().enumerate() {
        let name = format!("Tổ CNSCĐ {} – {}", VILLAGES[2 * t], VILLAGES[2 * t + 1]);
        builder = builder.team(TeamPlan::new(name).leader(leader).volunteer(a).volunteer(b).villages([2 * t, 2 * t + 1]));
    }
    let made = builder.build(&official.store).map_err(|e| e.to_string())?;
    let teams = made
        .teams
        .iter()
        .map(|t| {
            let leader = t.leader.map(|m| (m, SyncRole::TeamLeader));
            (t.id, leader.into_iter().chain(t.volunteers.iter().map(|m| (*m, SyncRole::Volunteer))).collect())
        })
        .collect();
    official.sync()?;
    Ok((official, teams))
}

fn record_visit(p: &Phone, rng: &mut StdRng, when: chrono::DateTime<Utc>) -> Result<(), String> {
    let (Some(team), Some(member)) = (p.team, p.member) else { return Ok(()) };
    let households = p.store.assignment_households(team, None).map_err(|e| e.to_string())?;
    // Prefer households not visited yet, as teams do.
    let pool: Vec<HouseholdId> = {
        let fresh: Vec<HouseholdId> = households.iter().filter(|h| h.visit_count == 0).map(|h| h.id).collect();
        if fresh.is_empty() || rng.random_bool(0.2) {
            households.iter().map(|h| h.id).collect()
        } else {
            fresh
        }
    };
    let campaign = p.store.campaigns().ok().and_then(|c| c.into_iter().next()).map(|c| c.id);
    let by = Visitor { team, volunteer: member, campaign };
    // Now and then a group session at a fixed point, with one or two people of each of
    // three to six households.
    if rng.random_bool(0.12) {
        let mut people = Vec::new();
        let n = rng.random_range(3..=6);
        let chosen: Vec<HouseholdId> = households.choose_multiple(rng, n).map(|h| h.id).collect();
        for h in chosen {
            let detail = p.store.household_detail(h).map_err(|e| e.to_string())?;
            people.extend(detail.members.iter().take(rng.random_range(1..=2)).map(|m| m.person.id));
        }
        if !people.is_empty() {
            let place = PLACES.choose(rng).copied().unwrap_or("Hội trường UBND xã");
            let v = group_session(rng, by, place, &people, when);
            p.store.record_visit(&v).map_err(|e| e.to_string())?;
            verify(p, rng, &v)?;
            return Ok(());
        }
    }
    let Some(h) = pool.choose(rng) else { return Ok(()) };
    let detail = p.store.household_detail(*h).map_err(|e| e.to_string())?;
    let mut people: Vec<PersonId> = detail.members.iter().map(|m| m.person.id).collect();
    // Whoever is at home, not always the head.
    let first = rng.random_range(0..people.len().max(1));
    people.rotate_left(first);
    let v = session(rng, by, *h, &people, when);
    p.store.record_visit(&v).map_err(|e| e.to_string())?;
    verify(p, rng, &v)?;
    // Some of those guided say an hour later that they can now do it themselves.
    for a in &v.attendees {
        if rng.random_bool(0.35) {
            let _ = p.store.record_self_report(&NewSelfReport {
                person_id: a.person_id,
                skills: some_skills(rng, 3..=5),
                channel: Channel::Volunteer,
                reported_at: when + Duration::hours(1),
            });
        }
    }
    Ok(())
}

/// A team leader who guided people sometimes sees one of them do a skill on their own, and
/// verifies it (only skills not verified yet: a level never goes down).
fn verify(p: &Phone, rng: &mut StdRng, v: &NewVisit) -> Result<(), String> {
    let (true, Some(leader)) = (p.leader, p.member) else { return Ok(()) };
    if !rng.random_bool(0.5) {
        return Ok(());
    }
    let Some(a) = v.attendees.choose(rng) else { return Ok(()) };
    let Some(who) = p.store.people_named(&[a.person_id]).map_err(|e| e.to_string())?.pop() else { return Ok(()) };
    let household = p.store.household_detail(who.household_id).map_err(|e| e.to_string())?;
    let Some(member) = household.members.iter().find(|m| m.person.id == a.person_id) else { return Ok(()) };
    let skills: Vec<String> = a
        .skills_guided
        .iter()
        .filter(|s| member.skills.iter().any(|k| &k.skill == *s && k.level < SkillLevel::Verified))
        .cloned()
        .collect();
    if !skills.is_empty() {
        p.store.verify_skills(a.person_id, &skills, leader).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The field: the campaign's ten days recorded quickly, then live sessions every few seconds.
fn field(dir: &std::path::Path, url: &str, official: Phone, codes: Vec<(String, String)>, stop: &AtomicBool) -> Result<(), String> {
    let mut rng = StdRng::seed_from_u64(1010);
    let mut phones = Vec::new();
    for (code, name) in codes {
        let mut p = Phone::open(dir, &name, url)?;
        p.enrol(&code, &name)?;
        p.sync()?;
        phones.push(p);
    }
    let year = demo_year();
    for day in 1..=10 {
        for p in &phones {
            for _ in 0..rng.random_range(2..6) {
                let hour = rng.random_range(7..18);
                let when = vietnam_time(year, 10, day, hour, rng.random_range(0..60));
                record_visit(p, &mut rng, when)?;
            }
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            p.sync()?;
        }
    }
    tracing::info!("demo: the campaign's ten days are recorded; live field activity continues");
    drop(official);
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(rng.random_range(1500..4000)));
        let Some(p) = phones.choose(&mut rng) else { break };
        record_visit(p, &mut rng, Utc::now())?;
        if let Err(e) = p.sync() {
            tracing::warn!(error = %e, "demo phone could not sync (will retry)");
        }
    }
    Ok(())
}
