//! # tungnha-server
//!
//! The Từng Nhà sync server (binary `tungnha`): devices enrol with a short code, then
//! push their outbox and pull their scope through one endpoint, `POST /v1/sync`, as
//! `docs/sync-protocol.md` describes.
//!
//! A newcomer's path: [`http`] (routes, limits, handlers) → [`auth`] and [`enrolment`]
//! (who asks; codes and tokens) → [`engine`] (push: op log, sequence, clocks, scope,
//! canonical records, merge; pull: scoped pages in change order; it owns the
//! transaction port) → [`storage`] (SQLite and PostgreSQL implement that port with one
//! set of SQL). Layers only import downward: http → state, dashboard, auth, enrolment →
//! projection, storage → engine → credentials and the core.
//!
//! Run it in-process (tests, the e2e suite, the demo) with [`start`], or mount [`app`]
//! on your own listener.

pub mod auth;
pub mod credentials;
pub mod dashboard;
#[cfg(feature = "demo")]
pub mod demo;
pub mod engine;
pub mod enrolment;
pub mod error;
pub mod http;
pub mod projection;
pub mod qr;
pub mod state;
pub mod storage;
#[cfg(feature = "test-hooks")]
pub mod testing;

pub use engine::ports::TestHooks;
pub use error::{ApiFailure, StoreError};
pub use http::app;
pub use state::{AppState, Limits};
pub use storage::{open_storage, DatabaseConfig, Storage};

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How to run a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub database: DatabaseConfig,
    pub hooks: TestHooks,
    pub limits: Limits,
    /// Where the dashboard keeps its read model; no dashboard without it.
    pub dashboard: Option<PathBuf>,
}

impl ServerConfig {
    /// SQLite at `path`, on a free port of 127.0.0.1.
    pub fn sqlite(path: impl Into<PathBuf>) -> Self {
        Self::on(DatabaseConfig::Sqlite(path.into()))
    }

    /// PostgreSQL at `url`, on a free port of 127.0.0.1.
    pub fn postgres(url: impl Into<String>) -> Self {
        Self::on(DatabaseConfig::Postgres(url.into()))
    }

    fn on(database: DatabaseConfig) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database,
            hooks: TestHooks::default(),
            limits: Limits::default(),
            dashboard: None,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

/// A server running on a Tokio task.
#[derive(Debug)]
pub struct RunningServer {
    pub addr: SocketAddr,
    pub storage: Arc<dyn Storage>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop accepting connections; requests in flight run to completion.
    pub fn begin_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Shut down gracefully and wait until every in-flight request has finished.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        self.begin_shutdown();
        self.wait().await
    }

    /// Wait for the server to stop (after [`Self::begin_shutdown`] or a failure).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task.await.map_err(std::io::Error::other)?
    }
}

/// Open the database, bind the listener and serve until shut down.
pub async fn start(config: ServerConfig) -> Result<RunningServer, StartError> {
    let storage = open_storage(&config.database, config.hooks).await?;
    let mut state = AppState::new(storage).with_limits(config.limits);
    if let Some(path) = &config.dashboard {
        let projection = projection::Projection::open(path).map_err(|e| StartError::Store(StoreError::Data(e)))?;
        state = state.with_projection(std::sync::Arc::new(projection));
    }
    start_app(state, config.listen).await
}

/// Serve an already opened storage.
pub async fn start_with(storage: Arc<dyn Storage>, listen: SocketAddr) -> Result<RunningServer, StartError> {
    start_app(AppState::new(storage), listen).await
}

/// Serve with a prepared state (e.g. with the dashboard's projection).
pub async fn start_app(state: AppState, listen: SocketAddr) -> Result<RunningServer, StartError> {
    let storage = state.storage.clone();
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let router = app(state);
    let task = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    tracing::info!(%addr, db = storage.kind(), "listening");
    Ok(RunningServer { addr, storage, shutdown: Some(tx), task })
}

/// Run until `signal` completes, then shut down gracefully (in-flight syncs finish).
pub async fn serve(config: ServerConfig, signal: impl Future<Output = ()>) -> Result<(), StartError> {
    let mut server = start(config).await?;
    signal.await;
    tracing::info!("shutting down: finishing requests in flight");
    server.begin_shutdown();
    server.wait().await?;
    tracing::info!("stopped");
    Ok(())
}
