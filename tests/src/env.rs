//! A server and its phones for scenario tests: a [`TestServer`] with the dashboard on a
//! temp dir, phones that are real core stores enrolled with real codes, the core's
//! sync client and HTTP transport, and raw requests for what an honest client never sends.

use chrono::{DateTime, Utc};
use std::sync::Arc;
use tempfile::TempDir;
use tungnha_core::clock::Clock;
use tungnha_core::ids::{DeviceId, HouseholdId, MemberId, TeamId};
use tungnha_core::store::{Enrolment, StoreOptions};
use tungnha_core::sync::client::{self, CancelToken, Reply, SyncOptions, SyncReport, Transport};
use tungnha_core::sync::http::HttpTransport;
use tungnha_core::sync::protocol::Op;
use tungnha_core::sync::{codec, ApiError, Change, Cursor, Role, SyncRequest, SyncResponse, PROTOCOL_VERSION};
use tungnha_core::Store;
use tungnha_server::enrolment::CodeRequest;
use tungnha_server::storage::{DatabaseConfig, Storage};
use tungnha_server::{testing, Limits, ServerConfig, TestHooks};

use crate::server::{Backend, TestServer};

/// Sync options for tests: one retry, no waiting between attempts.
pub fn sync_options() -> SyncOptions {
    SyncOptions { retries: 1, sleep: Arc::new(|_| {}), ..SyncOptions::default() }
}

/// A code request for a commune official of `unit`.
pub fn official(unit: &str) -> CodeRequest {
    CodeRequest { commune_key: Some(unit.into()), ..CodeRequest::new(Role::CommuneOfficial) }
}

/// A code request for a province official; `unit` is a commune of the province.
pub fn province_official(unit: &str) -> CodeRequest {
    CodeRequest { commune_key: Some(unit.into()), ..CodeRequest::new(Role::ProvinceOfficial) }
}

pub fn volunteer(team: TeamId, member: MemberId) -> CodeRequest {
    CodeRequest { team_id: Some(team), member_id: Some(member), ..CodeRequest::new(Role::Volunteer) }
}

pub fn leader(team: TeamId, member: MemberId) -> CodeRequest {
    CodeRequest { team_id: Some(team), member_id: Some(member), ..CodeRequest::new(Role::TeamLeader) }
}

pub fn citizen(household: HouseholdId) -> CodeRequest {
    CodeRequest { household_id: Some(household), ..CodeRequest::new(Role::Citizen) }
}

/// The server of one test (with the dashboard) and the directory its phones live in.
pub struct Env {
    pub backend: Backend,
    pub database: DatabaseConfig,
    pub server: TestServer,
    pub rt: Arc<tokio::runtime::Runtime>,
    pub dir: TempDir,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env").field("backend", &self.backend).field("server", &self.server).finish()
    }
}

impl Env {
    pub fn new(backend: &Backend) -> Env {
        Self::with_hooks(backend, TestHooks::default())
    }

    pub fn with_hooks(backend: &Backend, hooks: TestHooks) -> Env {
        Self::with_config(backend, hooks, Limits::default())
    }

    /// A server with these hooks and limits, and the dashboard.
    pub fn with_config(backend: &Backend, hooks: TestHooks, limits: Limits) -> Env {
        let rt = Arc::new(tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("a runtime"));
        let dir = tempfile::tempdir().expect("a temp dir");
        let database = match backend {
            Backend::Sqlite => DatabaseConfig::Sqlite(dir.path().join("server.db")),
            Backend::Postgres(cluster) => {
                DatabaseConfig::Postgres(rt.block_on(testing::fresh_postgres_database(cluster)).expect("a fresh PostgreSQL database"))
            }
        };
        let config = ServerConfig {
            database: database.clone(),
            hooks,
            limits,
            dashboard: Some(dir.path().join("dashboard.db")),
            ..ServerConfig::sqlite("unused")
        };
        let server = TestServer::start(rt.clone(), config).expect("the server starts");
        Env { backend: backend.clone(), database, server, rt, dir }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn transport(&self) -> HttpTransport {
        self.server.transport()
    }

    pub fn storage(&self) -> Arc<dyn Storage> {
        self.server.storage()
    }

    /// Graceful shutdown: returns once every in-flight request has finished.
    pub fn shutdown(&self) {
        self.server.shutdown().expect("the server stops");
    }

    /// Start again on the same database (after `shutdown`).
    pub fn restart(&self) {
        self.server.restart().expect("the server starts again");
    }

    /// An enrolment code issued by the operator (command line).
    pub fn issue(&self, req: CodeRequest) -> String {
        self.server.issue(req)
    }

    pub fn issue_at(&self, req: CodeRequest, now: DateTime<Utc>) -> String {
        self.server.issue_at(req, now)
    }

    /// A phone's store in the test's directory (the system clock).
    pub fn store(&self, name: &str) -> Store {
        Store::open(self.dir.path().join(format!("{name}.db")), StoreOptions::default()).expect("a store")
    }

    pub fn store_with_clock(&self, name: &str, clock: Arc<dyn Clock>) -> Store {
        Store::open(self.dir.path().join(format!("{name}.db")), StoreOptions { clock, household_goal: 1 }).expect("a store")
    }

    /// A new phone enrolled with a fresh code for `req`.
    pub fn phone(&self, name: &str, req: CodeRequest) -> Phone {
        let store = self.store(name);
        self.enrol(store, req)
    }

    pub fn enrol(&self, store: Store, req: CodeRequest) -> Phone {
        let code = self.issue(req);
        let enrolment = client::enrol(&store, &self.transport(), &code, "Điện thoại thử").expect("the phone enrols");
        Phone { store, enrolment }
    }

    /// Enrol an existing phone again (new role or scope; its data and sequence stay).
    pub fn re_enrol(&self, phone: &mut Phone, req: CodeRequest) {
        let code = self.issue(req);
        phone.enrolment = client::enrol(&phone.store, &self.transport(), &code, "Điện thoại thử").expect("the phone enrols again");
    }

    /// The core's sync client, to completion.
    pub fn sync(&self, phone: &Phone) -> SyncReport {
        self.try_sync(phone).expect("the phone syncs")
    }

    pub fn try_sync(&self, phone: &Phone) -> Result<SyncReport, client::SyncError> {
        client::sync(&phone.store, &self.transport(), None, &CancelToken::new(), &sync_options())
    }

    /// Sync until nothing is pending (at most `rounds` times).
    pub fn sync_until_sent(&self, phone: &Phone, rounds: usize) -> Result<(), String> {
        for _ in 0..rounds {
            self.try_sync(phone).map_err(|e| e.to_string())?;
            if phone.store.pending_count().map_err(|e| e.to_string())? == 0 {
                return Ok(());
            }
        }
        Err(format!("ops still pending after {rounds} syncs"))
    }

    pub fn post(&self, path: &str, content_type: &str, token: Option<&str>, body: Vec<u8>) -> Reply {
        self.transport().post(path, content_type, token, body).expect("the server answers")
    }

    pub fn post_json(&self, path: &str, token: Option<&str>, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let reply = self.post(path, "application/json", token, serde_json::to_vec(body).expect("JSON"));
        (reply.status, serde_json::from_slice(&reply.body).unwrap_or(serde_json::Value::Null))
    }

    /// One raw sync round trip; a non-2xx answer comes back as its status and `ApiError`.
    pub fn raw_sync(&self, phone: &Phone, req: &SyncRequest) -> Result<SyncResponse, (u16, ApiError)> {
        let reply = self.post("/v1/sync", codec::CONTENT_TYPE, Some(phone.token()), codec::encode(req).expect("a request encodes"));
        if reply.status == 200 {
            Ok(codec::decode(&reply.body).expect("an answer decodes"))
        } else {
            Err((reply.status, serde_json::from_slice(&reply.body).expect("an error body")))
        }
    }

    /// Pull page after page from `cursor` until `more` is false: (pages, final cursor).
    pub fn pull_pages(&self, phone: &Phone, cursor: Cursor, max_bytes: u32) -> (Vec<Vec<Change>>, Cursor) {
        let mut cursor = cursor;
        let mut pages = Vec::new();
        for _ in 0..10_000 {
            let resp = self.raw_sync(phone, &phone.request(vec![], cursor.clone(), max_bytes)).expect("a pull");
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

/// An enrolled phone: its store and what enrolment gave it.
#[derive(Debug)]
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
        self.store.pending_ops(10_000).expect("pending ops")
    }

    /// A sync request of this phone, as the client would build it.
    pub fn request(&self, ops: Vec<Op>, cursor: Cursor, max_bytes: u32) -> SyncRequest {
        request(self.device_id(), ops, cursor, max_bytes)
    }
}

/// A sync request from `device`, stamped now.
pub fn request(device: DeviceId, ops: Vec<Op>, cursor: Cursor, max_bytes: u32) -> SyncRequest {
    SyncRequest {
        protocol: PROTOCOL_VERSION,
        schema_version: tungnha_core::store::schema::SCHEMA_VERSION,
        device_id: device,
        client_time_ms: Utc::now().timestamp_millis(),
        ops,
        cursor,
        max_bytes,
    }
}
