//! A real server on 127.0.0.1 (SQLite in a temp dir, or a fresh PostgreSQL database),
//! real phones (core `Store`s in the same temp dir) and the core's real sync client and
//! HTTP transport. Every scenario runs on both backends (`on_both_backends!`).
#![allow(dead_code, clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;
use tungnha_core::clock::Clock;
use tungnha_core::ids::{CampaignId, DeviceId, HouseholdId, MemberId, PersonId, TeamId, VillageId};
use tungnha_core::model::*;
use tungnha_core::store::{Enrolment, StoreOptions};
use tungnha_core::sync::client::{self, CancelToken, Reply, SyncOptions, SyncReport, Transport};
use tungnha_core::sync::http::HttpTransport;
use tungnha_core::sync::protocol::{Entity, Op};
use tungnha_core::sync::{codec, ApiError, Change, Cursor, Role as DeviceRole, SyncRequest, SyncResponse, PROTOCOL_VERSION};
use tungnha_core::Store;
use tungnha_server::enrolment::{self, CodeRequest, Issuer};
use tungnha_server::storage::{DatabaseConfig, Storage};
use tungnha_server::TestHooks;
use tungnha_server::{testing, RunningServer, ServerConfig};

/// Phường Ba Đình, Hà Nội (2025 structure).
pub const COMMUNE: &str = "2025:c:00004";
/// Phường Ngọc Hà, Hà Nội: another commune of the same province.
pub const OTHER_COMMUNE: &str = "2025:c:00008";
/// Hà Nội.
pub const PROVINCE: &str = "2025:p:01";
/// Phường Thục Phán, Cao Bằng: another province.
pub const FAR_COMMUNE: &str = "2025:c:01273";

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    pub fn postgres() -> Option<Backend> {
        testing::postgres_url_from_env().map(Backend::Postgres)
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Backend::Postgres(_))
    }
}

/// Generates `mod <name> { sqlite, postgres }` tests calling `fn <name>(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(super::Backend::Sqlite);
            }

            #[test]
            fn postgres() {
                match super::Backend::postgres() {
                    Some(b) => super::$name(b),
                    None => eprintln!("skipped: TUNGNHA_TEST_POSTGRES not set (run under scripts/with-postgres.sh)"),
                }
            }
        }
    )*};
}

pub struct Env {
    pub backend: Backend,
    pub rt: tokio::runtime::Runtime,
    pub database: DatabaseConfig,
    hooks: TestHooks,
    limits: tungnha_server::Limits,
    server: Mutex<Option<RunningServer>>,
    transport: Mutex<HttpTransport>,
    url: Mutex<String>,
    pub dir: TempDir,
}

pub fn sync_options() -> SyncOptions {
    SyncOptions { retries: 1, sleep: Arc::new(|_| {}), ..SyncOptions::default() }
}

impl Env {
    pub fn new(backend: &Backend) -> Env {
        Self::with_hooks(backend, TestHooks::default())
    }

    pub fn with_hooks(backend: &Backend, hooks: TestHooks) -> Env {
        Self::with_config(backend, hooks, tungnha_server::Limits::default())
    }

    /// A server with these hooks and limits, and the dashboard.
    pub fn with_config(backend: &Backend, hooks: TestHooks, limits: tungnha_server::Limits) -> Env {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let database = match backend {
            Backend::Sqlite => DatabaseConfig::Sqlite(dir.path().join("server.db")),
            Backend::Postgres(cluster) => DatabaseConfig::Postgres(rt.block_on(testing::fresh_postgres_database(cluster)).unwrap()),
        };
        let config = ServerConfig {
            database: database.clone(),
            hooks: hooks.clone(),
            limits,
            dashboard: Some(dir.path().join("dashboard.db")),
            ..ServerConfig::sqlite("unused")
        };
        let server = rt.block_on(tungnha_server::start(config)).unwrap();
        let url = server.url();
        Env {
            backend: backend.clone(),
            rt,
            database,
            hooks,
            limits,
            transport: Mutex::new(HttpTransport::new(&url, Duration::from_secs(60))),
            url: Mutex::new(url),
            server: Mutex::new(Some(server)),
            dir,
        }
    }

    pub fn url(&self) -> String {
        self.url.lock().unwrap().clone()
    }

    pub fn transport(&self) -> HttpTransport {
        self.transport.lock().unwrap().clone()
    }

    pub fn storage(&self) -> Arc<dyn Storage> {
        self.server.lock().unwrap().as_ref().expect("server running").storage.clone()
    }

    /// Graceful shutdown: returns once every in-flight request has finished.
    pub fn shutdown(&self) {
        let server = self.server.lock().unwrap().take().expect("server running");
        self.rt.block_on(server.shutdown()).unwrap();
    }

    /// Start again on the same database (after `shutdown`).
    pub fn restart(&self) {
        let config = ServerConfig {
            database: self.database.clone(),
            hooks: self.hooks.clone(),
            limits: self.limits,
            dashboard: Some(self.dir.path().join("dashboard.db")),
            ..ServerConfig::sqlite("unused")
        };
        let server = self.rt.block_on(tungnha_server::start(config)).unwrap();
        *self.url.lock().unwrap() = server.url();
        *self.transport.lock().unwrap() = HttpTransport::new(&server.url(), Duration::from_secs(60));
        *self.server.lock().unwrap() = Some(server);
    }

    /// An enrolment code issued by the operator (command line).
    pub fn issue(&self, req: CodeRequest) -> String {
        self.issue_at(req, Utc::now())
    }

    pub fn issue_at(&self, req: CodeRequest, now: DateTime<Utc>) -> String {
        let storage = self.storage();
        self.rt.block_on(enrolment::issue(storage.as_ref(), Issuer::Admin, req, now)).unwrap().code
    }

    pub fn store(&self, name: &str) -> Store {
        Store::open(self.dir.path().join(format!("{name}.db")), StoreOptions::default()).unwrap()
    }

    pub fn store_with_clock(&self, name: &str, clock: Arc<dyn Clock>) -> Store {
        Store::open(self.dir.path().join(format!("{name}.db")), StoreOptions { clock, household_goal: 1 }).unwrap()
    }

    /// A new phone enrolled with a fresh code for `req`.
    pub fn phone(&self, name: &str, req: CodeRequest) -> Phone {
        let store = self.store(name);
        self.enrol(store, req)
    }

    pub fn enrol(&self, store: Store, req: CodeRequest) -> Phone {
        let code = self.issue(req);
        let enrolment = client::enrol(&store, &self.transport(), &code, "Điện thoại thử").unwrap();
        Phone { store, enrolment }
    }

    /// Enrol an existing phone again (new role or scope; its data and sequence stay).
    pub fn re_enrol(&self, phone: &mut Phone, req: CodeRequest) {
        let code = self.issue(req);
        phone.enrolment = client::enrol(&phone.store, &self.transport(), &code, "Điện thoại thử").unwrap();
    }

    /// The core's sync client, to completion.
    pub fn sync(&self, phone: &Phone) -> SyncReport {
        client::sync(&phone.store, &self.transport(), None, &CancelToken::new(), &sync_options()).unwrap()
    }

    pub fn try_sync(&self, phone: &Phone) -> Result<SyncReport, client::SyncError> {
        client::sync(&phone.store, &self.transport(), None, &CancelToken::new(), &sync_options())
    }

    pub fn post(&self, path: &str, content_type: &str, token: Option<&str>, body: Vec<u8>) -> Reply {
        self.transport().post(path, content_type, token, body).unwrap()
    }

    pub fn post_json(&self, path: &str, token: Option<&str>, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let reply = self.post(path, "application/json", token, serde_json::to_vec(body).unwrap());
        (reply.status, serde_json::from_slice(&reply.body).unwrap_or(serde_json::Value::Null))
    }

    /// One raw sync round trip; a non-2xx answer comes back as its status and `ApiError`.
    pub fn raw_sync(&self, phone: &Phone, req: &SyncRequest) -> Result<SyncResponse, (u16, ApiError)> {
        let reply = self.post("/v1/sync", codec::CONTENT_TYPE, Some(phone.token()), codec::encode(req).unwrap());
        if reply.status == 200 {
            Ok(codec::decode(&reply.body).unwrap())
        } else {
            Err((reply.status, serde_json::from_slice(&reply.body).unwrap()))
        }
    }

    /// Pull page after page from `cursor` until `more` is false: (pages, final cursor).
    pub fn pull_pages(&self, phone: &Phone, cursor: Cursor, max_bytes: u32) -> (Vec<Vec<Change>>, Cursor) {
        let mut cursor = cursor;
        let mut pages = Vec::new();
        for _ in 0..10_000 {
            let resp = self.raw_sync(phone, &phone.request(vec![], cursor.clone(), max_bytes)).unwrap();
            cursor = resp.next_cursor.clone();
            pages.push(resp.changes);
            if !resp.more {
                return (pages, cursor);
            }
        }
        panic!("pull never ended");
    }

    /// Everything the phone may see, from the start.
    pub fn pull_all(&self, phone: &Phone) -> Vec<Change> {
        self.pull_pages(phone, Cursor::default(), 0).0.into_iter().flatten().collect()
    }
}

pub struct Phone {
    pub store: Store,
    pub enrolment: Enrolment,
}

impl Phone {
    pub fn device_id(&self) -> DeviceId {
        self.store.device_id()
    }

    pub fn token(&self) -> &str {
        &self.enrolment.token
    }

    pub fn pending(&self) -> Vec<Op> {
        self.store.pending_ops(10_000).unwrap()
    }

    pub fn request(&self, ops: Vec<Op>, cursor: Cursor, max_bytes: u32) -> SyncRequest {
        SyncRequest {
            protocol: PROTOCOL_VERSION,
            schema_version: tungnha_core::store::schema::SCHEMA_VERSION,
            device_id: self.device_id(),
            client_time_ms: Utc::now().timestamp_millis(),
            ops,
            cursor,
            max_bytes,
        }
    }
}

/// Ids by entity, from pulled changes.
pub fn ids(changes: &[Change]) -> HashMap<Entity, BTreeSet<String>> {
    let mut out: HashMap<Entity, BTreeSet<String>> = HashMap::new();
    for c in changes {
        out.entry(c.entity).or_default().insert(c.id.clone());
    }
    out
}

pub fn has(changes: &[Change], entity: Entity, id: impl ToString) -> bool {
    let id = id.to_string();
    changes.iter().any(|c| c.entity == entity && c.id == id)
}

pub fn official(unit: &str) -> CodeRequest {
    CodeRequest { commune_key: Some(unit.into()), ..CodeRequest::new(DeviceRole::CommuneOfficial) }
}

pub fn province_official(unit: &str) -> CodeRequest {
    CodeRequest { commune_key: Some(unit.into()), ..CodeRequest::new(DeviceRole::ProvinceOfficial) }
}

pub fn volunteer(team: TeamId, member: MemberId) -> CodeRequest {
    CodeRequest { team_id: Some(team), member_id: Some(member), ..CodeRequest::new(DeviceRole::Volunteer) }
}

pub fn leader(team: TeamId, member: MemberId) -> CodeRequest {
    CodeRequest { team_id: Some(team), member_id: Some(member), ..CodeRequest::new(DeviceRole::TeamLeader) }
}

pub fn citizen(household: HouseholdId) -> CodeRequest {
    CodeRequest { household_id: Some(household), ..CodeRequest::new(DeviceRole::Citizen) }
}

pub fn member(name: &str, can_verify: bool) -> TeamMember {
    TeamMember {
        id: MemberId::new(),
        full_name: name.into(),
        phone: None,
        organisation: Organisation::YouthUnion,
        role: Role { code: if can_verify { "leader".into() } else { "member".into() }, name_vi: "Thành viên".into(), can_verify },
        trainings: vec![],
    }
}

pub fn consent(name: &str, at: DateTime<Utc>) -> Option<Consent> {
    Some(Consent {
        given_by: name.into(), given_at: at, purpose: "Hướng dẫn kỹ năng số và báo cáo kết quả".into(), recorded_by: None
    })
}

pub fn person(name: &str, relation: Relation, at: DateTime<Utc>) -> NewPerson {
    NewPerson { full_name: name.into(), birth_year: Some(1975), sex: None, relation, phone: None, consent: consent(name, at) }
}

/// A household with its head and other members; returns (household, [head, others...]).
pub fn household(store: &Store, village: VillageId, address: &str, head: &str, others: &[&str]) -> (HouseholdId, Vec<PersonId>) {
    let now = store.now();
    let h = store
        .add_household(&NewHousehold {
            village_id: village,
            address: address.into(),
            head: person(head, Relation::Head, now),
            phone: None,
            location: None,
            indicators: HouseholdIndicators::default(),
        })
        .unwrap()
        .id;
    let mut people = vec![store.household_detail(h).unwrap().household.head_id];
    for o in others {
        people.push(store.add_person(h, &person(o, Relation::Child, now)).unwrap().id);
    }
    (h, people)
}

pub fn visit(store: &Store, team: TeamId, volunteer: MemberId, household: HouseholdId, people: &[PersonId]) -> NewVisit {
    NewVisit {
        place: VisitPlace::Household { household_id: household },
        campaign_id: None,
        team_id: team,
        volunteer_id: volunteer,
        occurred_at: store.now(),
        attendees: people
            .iter()
            .map(|p| Attendee { person_id: *p, skills_guided: vec!["online_payment".into()], ..Default::default() })
            .collect(),
        topics: vec!["vneid".into()],
        notes: String::new(),
        location: None,
        supersedes: None,
    }
}

/// A commune set up by its official: two villages, two teams (leader + volunteer each),
/// village A assigned to team A and village B to team B, a campaign; all synced.
pub struct Commune {
    pub official: Phone,
    pub va: VillageId,
    pub vb: VillageId,
    pub team_a: TeamId,
    pub team_b: TeamId,
    pub leader_a: MemberId,
    pub volunteer_a: MemberId,
    pub leader_b: MemberId,
    pub volunteer_b: MemberId,
    pub campaign: CampaignId,
}

pub fn commune(env: &Env) -> Commune {
    let official = env.phone("official", official(COMMUNE));
    let s = &official.store;
    let va = s.add_village(COMMUNE, "Tổ dân phố số 1").unwrap();
    let vb = s.add_village(COMMUNE, "Tổ dân phố số 2").unwrap();
    let (la, ma, lb, mb) =
        (member("Nguyễn Văn Tổ", true), member("Trần Thị Hoa", false), member("Lê Văn Bắc", true), member("Phạm Thị Lan", false));
    let ids = (la.id, ma.id, lb.id, mb.id);
    let team_a = s.add_team(&NewTeam { commune_key: COMMUNE.into(), name: "Tổ CNSCĐ số 1".into(), members: vec![la, ma] }).unwrap();
    let team_b = s.add_team(&NewTeam { commune_key: COMMUNE.into(), name: "Tổ CNSCĐ số 2".into(), members: vec![lb, mb] }).unwrap();
    s.assign(team_a, None, AssignmentTarget::Village(va)).unwrap();
    s.assign(team_b, None, AssignmentTarget::Village(vb)).unwrap();
    let today = tungnha_core::clock::vietnam_date(Utc::now());
    let campaign = s
        .add_campaign(&NewCampaign {
            name: "Chiến dịch cao điểm".into(),
            starts_on: today,
            ends_on: today + chrono::Days::new(9),
            launch_at: None,
            targets: Targets { masters_per_household: 1, ..Default::default() },
            deadlines: vec![],
            team_label: "Tổ công nghệ số cộng đồng".into(),
        })
        .unwrap();
    let report = env.sync(&official);
    assert_eq!(report.progress.ops_rejected, 0, "{:?}", official.store.rejected_ops());
    Commune { official, va, vb, team_a, team_b, leader_a: ids.0, volunteer_a: ids.1, leader_b: ids.2, volunteer_b: ids.3, campaign }
}

/// A device clock that can be moved (a phone whose owner changes the date).
#[derive(Debug, Default)]
pub struct MovableClock(pub AtomicI64);

impl MovableClock {
    pub fn shift(&self, by: chrono::Duration) {
        self.0.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
    }
}

impl Clock for MovableClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::milliseconds(self.0.load(Ordering::SeqCst))
    }
}

/// Hooks that hold the sync transactions of chosen devices open for `delay`.
pub fn slow_devices(delay: Duration) -> (TestHooks, Arc<Mutex<BTreeSet<DeviceId>>>) {
    let slow: Arc<Mutex<BTreeSet<DeviceId>>> = Arc::default();
    let s = slow.clone();
    let hooks =
        TestHooks { before_commit: Some(Arc::new(move |d| s.lock().unwrap().contains(&d).then_some(delay))), ..TestHooks::default() };
    (hooks, slow)
}
