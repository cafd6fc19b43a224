//! `tungnha serve --demo`: a living demo commune. A fresh database in a temp dir; a
//! commune official's phone sets up villages, two teams and the 10-day campaign;
//! volunteers' phones enrol, pull their assignments, record the campaign's guidance
//! sessions and then keep recording live ones; a citizen self-reports. Every phone is a
//! real core `Store` syncing through the real `POST /v1/sync` over HTTP, so what the
//! dashboard shows is what the field would produce.

use crate::engine::ports::TestHooks;
use crate::enrolment::{issue, CodeRequest, Issuer};
use crate::projection::Projection;
use crate::state::AppState;
use crate::storage::{open_storage, DatabaseConfig};
use crate::{start_app, RunningServer};
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tungnha_core::clock::VIETNAM;
use tungnha_core::ids::{HouseholdId, MemberId, TeamId, VillageId};
use tungnha_core::model::*;
use tungnha_core::store::StoreOptions;
use tungnha_core::sync::client::{self, CancelToken, SyncOptions};
use tungnha_core::sync::http::HttpTransport;
use tungnha_core::sync::Role as SyncRole;
use tungnha_core::{units, Store};

const FAMILY: [&str; 18] =
    ["Lò", "Quàng", "Cầm", "Lường", "Vì", "Tòng", "Điêu", "Hà", "Mè", "Bạc", "Lự", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng"];
const MEN: [&str; 14] = ["Pánh", "Sơn", "Hùng", "Tiến", "An", "Thắng", "Khánh", "Minh", "Tú", "Hải", "Dũng", "Lợi", "Xuân", "Nam"];
const WOMEN: [&str; 14] = ["Hoa", "Hồng", "Ơn", "Ánh", "Duyên", "Xuân", "Lan", "Mai", "Hiền", "Thảo", "Nga", "Hương", "Chiến", "Ngân"];
const VILLAGES: [&str; 4] = ["Bản Mòng", "Bản Hụm", "Bản Cọ", "Bản Nà Sản"];
const SKILLS: [&str; 5] = ["public_services", "online_shopping", "online_payment", "online_safety", "digital_platforms"];
const TOPICS: [&str; 6] = ["online_public_services", "vneid", "cashless_payment", "ecommerce", "online_safety", "internet_search"];

fn some(rng: &mut StdRng, list: &[&str], min: usize, max: usize) -> Vec<String> {
    let n = rng.random_range(min..=max);
    list.choose_multiple(rng, n).map(|s| s.to_string()).collect()
}

fn full_name(rng: &mut StdRng, family: &str, woman: bool) -> String {
    let given = if woman { WOMEN.choose(rng) } else { MEN.choose(rng) }.copied().unwrap_or("An");
    format!("{family} {} {given}", if woman { "Thị" } else { "Văn" })
}

/// A phone in the demo.
struct Phone {
    store: Store,
    transport: HttpTransport,
    member: Option<MemberId>,
    team: Option<TeamId>,
}

impl Phone {
    fn open(dir: &std::path::Path, name: &str, url: &str) -> Result<Self, String> {
        let store = Store::open(dir.join(format!("{name}.db")), StoreOptions::default()).map_err(|e| e.to_string())?;
        Ok(Self { store, transport: HttpTransport::with_defaults(url), member: None, team: None })
    }

    fn enrol(&mut self, code: &str, name: &str) -> Result<(), String> {
        let e = client::enrol(&self.store, &self.transport, code, name).map_err(|e| e.to_string())?;
        self.member = e.member_id;
        self.team = e.team_id;
        Ok(())
    }

    fn sync(&self) -> Result<(), String> {
        client::sync(&self.store, &self.transport, None, &CancelToken::new(), &SyncOptions::default())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The demo's commune: a commune of Sơn La in today's structure.
pub fn demo_commune() -> String {
    let tree = units::official();
    let communes = tree.children("2025:p:14");
    communes.iter().find(|c| c.kind == "xã").or(communes.first()).map(|c| c.key.clone()).unwrap_or_else(|| "2025:c:04000".into())
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

fn member(name: &str, org: Organisation, leader: bool) -> TeamMember {
    TeamMember {
        id: MemberId::new(),
        full_name: name.into(),
        phone: None,
        organisation: org,
        role: Role {
            code: if leader { "leader".into() } else { "member".into() },
            name_vi: if leader { "Tổ trưởng".into() } else { "Tổ viên".into() },
            can_verify: leader,
        },
        trainings: vec![Training {
            course: "Phổ cập kỹ năng số cộng đồng năm 2023 - 2024".into(),
            completed_on: NaiveDate::from_ymd_opt(2024, 9, 20).unwrap_or_default(),
        }],
    }
}

/// The official's phone: villages, households, two teams, assignments, the campaign.
fn setup(dir: &std::path::Path, url: &str, code: &str, commune: &str) -> Result<(Phone, Teams), String> {
    let mut rng = StdRng::seed_from_u64(20_241_010);
    let mut official = Phone::open(dir, "official", url)?;
    official.enrol(code, "Máy cán bộ xã")?;
    let s = &official.store;
    let e = |e: tungnha_core::CoreError| e.to_string();
    let villages: Vec<VillageId> = VILLAGES.iter().map(|v| s.add_village(commune, v)).collect::<Result<_, _>>().map_err(e)?;
    let year = chrono::Utc::now().with_timezone(&VIETNAM).year();
    s.add_campaign(&NewCampaign {
        name: format!("Chiến dịch 10 ngày cao điểm \"đi từng ngõ, gõ từng nhà\" {year}"),
        starts_on: NaiveDate::from_ymd_opt(year, 10, 1).unwrap_or_default(),
        ends_on: NaiveDate::from_ymd_opt(year, 10, 10).unwrap_or_default(),
        launch_at: VIETNAM.with_ymd_and_hms(year, 10, 1, 8, 0, 0).single().map(|t| t.with_timezone(&Utc)),
        targets: Targets { masters_per_household: 1, ..Default::default() },
        deadlines: vec![
            Deadline { label: "Xã báo cáo kết quả".into(), due_on: NaiveDate::from_ymd_opt(year, 10, 12).unwrap_or_default() },
            Deadline { label: "Tỉnh tổng hợp gửi Bộ".into(), due_on: NaiveDate::from_ymd_opt(year, 11, 5).unwrap_or_default() },
        ],
        team_label: "Tổ công nghệ số cộng đồng".into(),
    })
    .map_err(e)?;
    let consent_at = VIETNAM.with_ymd_and_hms(year, 9, 28, 9, 0, 0).single().map(|t| t.with_timezone(&Utc)).unwrap_or_else(Utc::now);
    for (vi, village) in villages.iter().enumerate() {
        for n in 0..rng.random_range(40..60) {
            let family = *FAMILY.choose(&mut rng).unwrap_or(&"Lò");
            let woman = rng.random_bool(0.25);
            let head = full_name(&mut rng, family, woman);
            let consent = Consent {
                given_by: head.clone(),
                given_at: consent_at,
                purpose: "Hướng dẫn kỹ năng số và báo cáo kết quả".into(),
                recorded_by: None,
            };
            let tri = |rng: &mut StdRng, p: f64| Some(rng.random_bool(p));
            let h = s
                .add_household(&NewHousehold {
                    village_id: *village,
                    address: format!("Nhà số {}, tổ {}", n + 1, n / 15 + 1),
                    head: NewPerson {
                        full_name: head,
                        birth_year: Some(rng.random_range(1955..1995)),
                        sex: None,
                        relation: Relation::Head,
                        phone: None,
                        consent: Some(consent.clone()),
                    },
                    phone: rng.random_bool(0.6).then(|| {
                        let prefix = ["091", "094", "097", "098", "086", "088", "032", "035", "039", "070", "079"]
                            .choose(&mut rng)
                            .copied()
                            .unwrap_or("091");
                        format!("{prefix}{:07}", rng.random_range(0..10_000_000))
                    }),
                    location: Some(CoarseLocation::coarse(21.32 + vi as f64 * 0.02, 103.91 + vi as f64 * 0.02)),
                    indicators: HouseholdIndicators {
                        has_smartphone: tri(&mut rng, 0.85),
                        has_broadband: tri(&mut rng, 0.5),
                        has_epayment_adult: tri(&mut rng, 0.55),
                        uses_internet: tri(&mut rng, 0.8),
                    },
                })
                .map_err(e)?;
            for k in 0..rng.random_range(1..5) {
                let woman = rng.random_bool(0.5);
                let (relation, born) =
                    if k == 0 { (Relation::Spouse, rng.random_range(1958..1998)) } else { (Relation::Child, rng.random_range(1990..2012)) };
                let name = full_name(&mut rng, family, woman);
                let _ = s.add_person(
                    h.id,
                    &NewPerson {
                        full_name: name,
                        birth_year: Some(born),
                        sex: Some(if woman { Sex::Female } else { Sex::Male }),
                        relation,
                        phone: None,
                        consent: Some(consent.clone()),
                    },
                );
            }
        }
    }
    let mut teams = Vec::new();
    for (t, pair) in villages.chunks(2).enumerate() {
        let leader = member(if t == 0 { "Lò Văn Thắng" } else { "Cầm Thị Ngân" }, Organisation::YouthUnion, true);
        let members = vec![
            leader,
            member(if t == 0 { "Quàng Thị Hoa" } else { "Lường Văn Tú" }, Organisation::WomensUnion, false),
            member(if t == 0 { "Hà Văn Hải" } else { "Bạc Thị Mai" }, Organisation::PostOffice, false),
        ];
        let roles: Vec<(MemberId, SyncRole)> =
            members.iter().map(|m| (m.id, if m.role.can_verify { SyncRole::TeamLeader } else { SyncRole::Volunteer })).collect();
        let team = s
            .add_team(&NewTeam {
                commune_key: commune.to_owned(),
                name: format!("Tổ CNSCĐ {} – {}", VILLAGES[t * 2], VILLAGES[t * 2 + 1]),
                members,
            })
            .map_err(e)?;
        for v in pair {
            s.assign(team, None, AssignmentTarget::Village(*v)).map_err(e)?;
        }
        teams.push((team, roles));
    }
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
    let Some(h) = pool.choose(rng) else { return Ok(()) };
    let detail = p.store.household_detail(*h).map_err(|e| e.to_string())?;
    let n = rng.random_range(1..=detail.members.len().clamp(1, 3));
    let attendees = detail
        .members
        .choose_multiple(rng, n)
        .map(|m| Attendee {
            person_id: m.person.id,
            household_id: None,
            skills_guided: some(rng, &SKILLS, 1, 3),
            actions: if rng.random_bool(0.3) {
                vec!["vneid_activated".into()]
            } else if rng.random_bool(0.2) {
                vec!["app_installed".into()]
            } else {
                vec![]
            },
            apps_installed: vec![],
        })
        .collect();
    let campaign = p.store.campaigns().ok().and_then(|c| c.into_iter().next()).map(|c| c.id);
    let v = NewVisit {
        place: VisitPlace::Household { household_id: *h },
        campaign_id: campaign,
        team_id: team,
        volunteer_id: member,
        occurred_at: when,
        attendees,
        topics: some(rng, &TOPICS, 1, 3),
        notes: String::new(),
        location: None,
        supersedes: None,
    };
    p.store.record_visit(&v).map_err(|e| e.to_string())?;
    // Some of those guided say a few days later that they can now do it themselves.
    for a in &v.attendees {
        if rng.random_bool(0.35) {
            let skills = some(rng, &SKILLS, 3, 5);
            let _ = p.store.record_self_report(&NewSelfReport {
                person_id: a.person_id,
                skills,
                channel: Channel::Volunteer,
                reported_at: when + Duration::hours(1),
            });
        }
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
    let year = chrono::Utc::now().with_timezone(&VIETNAM).year();
    for day in 1..=10 {
        for p in &phones {
            for _ in 0..rng.random_range(2..6) {
                let hour = rng.random_range(7..18);
                let when = VIETNAM
                    .with_ymd_and_hms(year, 10, day, hour, rng.random_range(0..60), 0)
                    .single()
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_else(Utc::now);
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
