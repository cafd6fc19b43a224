//! A real `tungnha` server on 127.0.0.1 for tests and benchmarks, on SQLite or a fresh
//! PostgreSQL database: started, stopped, restarted on the same database, and asked for
//! enrolment codes as the operator would on the command line.

use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tungnha_core::sync::http::HttpTransport;
use tungnha_server::enrolment::{issue, CodeRequest, Issuer};
use tungnha_server::storage::{DatabaseConfig, Storage};
use tungnha_server::{start, testing, RunningServer, ServerConfig};

/// Which database a test runs against.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// The URL of a PostgreSQL cluster; each server gets a fresh database in it.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL, if `TUNGNHA_TEST_POSTGRES` names a cluster (scripts/with-postgres.sh sets it).
    pub fn postgres() -> Option<Backend> {
        testing::postgres_url_from_env().map(Backend::Postgres)
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Backend::Postgres(_))
    }
}

/// Generates `mod <name> { sqlite, postgres }` tests calling `fn <name>(Backend)`; the
/// PostgreSQL one is skipped (and says so) when no cluster is given.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name($crate::Backend::Sqlite);
            }

            #[test]
            fn postgres() {
                match $crate::Backend::postgres() {
                    Some(b) => super::$name(b),
                    None => eprintln!("skipped: TUNGNHA_TEST_POSTGRES not set (run under scripts/with-postgres.sh)"),
                }
            }
        }
    )*};
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running server, restartable on the same database and configuration.
pub struct TestServer {
    pub rt: Arc<tokio::runtime::Runtime>,
    config: ServerConfig,
    running: Mutex<Option<RunningServer>>,
    /// The current URL (it changes when the server restarts on a new port).
    url: Arc<Mutex<String>>,
    transport: Mutex<HttpTransport>,
    restarts: AtomicU32,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer").field("url", &self.url()).field("restarts", &self.restarts()).finish()
    }
}

impl TestServer {
    /// Start a server with `config` (its `listen` address is kept: port 0 picks a free one).
    pub fn start(rt: Arc<tokio::runtime::Runtime>, config: ServerConfig) -> Result<Self, String> {
        let running = rt.block_on(start(config.clone())).map_err(|e| format!("server start: {e}"))?;
        let url = running.url();
        Ok(Self {
            rt,
            config,
            transport: Mutex::new(HttpTransport::new(&url, Duration::from_secs(60))),
            url: Arc::new(Mutex::new(url)),
            running: Mutex::new(Some(running)),
            restarts: AtomicU32::new(0),
        })
    }

    /// A server on `database` with the default limits, no hooks and no dashboard.
    pub fn on(rt: Arc<tokio::runtime::Runtime>, database: DatabaseConfig) -> Result<Self, String> {
        Self::start(rt, ServerConfig { database, ..ServerConfig::sqlite("unused") })
    }

    pub fn url(&self) -> String {
        lock(&self.url).clone()
    }

    /// The URL as a shared cell that follows restarts (for transports that outlive one).
    pub fn shared_url(&self) -> Arc<Mutex<String>> {
        self.url.clone()
    }

    /// The core's HTTP transport to this server.
    pub fn transport(&self) -> HttpTransport {
        lock(&self.transport).clone()
    }

    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// The server's storage (panics while it is stopped).
    pub fn storage(&self) -> Arc<dyn Storage> {
        lock(&self.running).as_ref().expect("the server is running").storage.clone()
    }

    /// How many times the server was started again.
    pub fn restarts(&self) -> u32 {
        self.restarts.load(Ordering::SeqCst)
    }

    /// Graceful shutdown: returns once every in-flight request has finished.
    pub fn shutdown(&self) -> Result<(), String> {
        let running = lock(&self.running).take();
        match running {
            Some(r) => self.rt.block_on(r.shutdown()).map_err(|e| format!("server shutdown: {e}")),
            None => Ok(()),
        }
    }

    /// Shut down and wait, ignoring errors (the end of a run).
    pub fn stop(self) {
        let _ = self.shutdown();
    }

    /// Begin a graceful shutdown without waiting (a sync may be in flight).
    pub fn begin_shutdown(&self) {
        if let Some(r) = lock(&self.running).as_mut() {
            r.begin_shutdown();
        }
    }

    /// Stop (if running) and start again on the same database.
    pub fn restart(&self) -> Result<(), String> {
        self.shutdown()?;
        let running = self.rt.block_on(start(self.config.clone())).map_err(|e| format!("server restart: {e}"))?;
        let url = running.url();
        *lock(&self.transport) = HttpTransport::new(&url, Duration::from_secs(60));
        *lock(&self.url) = url;
        *lock(&self.running) = Some(running);
        self.restarts.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// An enrolment code, as the operator issues it on the command line.
    pub fn try_issue_at(&self, req: CodeRequest, now: DateTime<Utc>) -> Result<String, String> {
        let storage = lock(&self.running).as_ref().ok_or("the server is not running")?.storage.clone();
        let issued = self.rt.block_on(issue(storage.as_ref(), Issuer::Admin, req, now)).map_err(|e| format!("issue a code: {e:?}"))?;
        Ok(issued.code)
    }

    pub fn try_issue(&self, req: CodeRequest) -> Result<String, String> {
        self.try_issue_at(req, Utc::now())
    }

    pub fn issue(&self, req: CodeRequest) -> String {
        self.try_issue(req).expect("an enrolment code")
    }

    pub fn issue_at(&self, req: CodeRequest, now: DateTime<Utc>) -> String {
        self.try_issue_at(req, now).expect("an enrolment code")
    }
}
