//! The server's own read model for the dashboard: a core [`Store`] kept up to date from
//! the server's change feed ([`Storage::changes`]), applied exactly as a phone applies a
//! pull. Figures on the dashboard are therefore computed by the same code, from the
//! same facts, as on every phone.

use crate::storage::Storage;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::Mutex;
use tungnha_core::store::StoreOptions;
use tungnha_core::sync::SyncResponse;
use tungnha_core::Store;

/// Page size when catching up with the change feed.
const PAGE_BYTES: usize = 4 << 20;

#[derive(Debug)]
pub struct Projection {
    store: Arc<Store>,
    /// Serialises refreshes (one reader of the feed at a time).
    refreshing: Mutex<()>,
    status: std::sync::Mutex<ProjectionStatus>,
}

/// How the dashboard's read model is doing (shown on `/health`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProjectionStatus {
    /// Changes applied since the server started.
    pub applied: u64,
    /// Records it could not apply, set aside (kept, retried after an update); the
    /// figures leave them out until then.
    pub set_aside: u64,
    /// The last refresh's failure, if it failed.
    pub last_error: Option<String>,
}

impl Projection {
    /// Open (or create) the projection database at `path`.
    pub fn open(path: &Path) -> Result<Self, String> {
        let store = Store::open(path, StoreOptions::default()).map_err(|e| format!("projection: {e}"))?;
        Ok(Self { store: Arc::new(store), refreshing: Mutex::new(()), status: std::sync::Mutex::default() })
    }

    pub fn status(&self) -> ProjectionStatus {
        let mut s = self.status.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        s.set_aside = self.store.inbound_quarantine_count().unwrap_or(s.set_aside);
        s
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Apply every change the server committed since the last refresh.
    pub async fn refresh(&self, storage: &dyn Storage) -> Result<u32, String> {
        let result = self.catch_up(storage).await;
        let mut status = self.status.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match &result {
            Ok(n) => {
                status.applied += u64::from(*n);
                status.last_error = None;
            }
            Err(e) => status.last_error = Some(e.clone()),
        }
        result
    }

    async fn catch_up(&self, storage: &dyn Storage) -> Result<u32, String> {
        let _guard = self.refreshing.lock().await;
        let mut applied = 0;
        loop {
            let cursor = self.store.sync_cursor().map_err(|e| e.to_string())?;
            let page = storage.changes(cursor.clone(), PAGE_BYTES).await.map_err(|e| format!("projection: {e}"))?;
            if page.changes.is_empty() && page.next_cursor == cursor {
                return Ok(applied);
            }
            let more = page.more;
            let resp = SyncResponse {
                server_time_ms: chrono::Utc::now().timestamp_millis(),
                acks: vec![],
                rejected: vec![],
                deferred: vec![],
                changes: page.changes,
                next_cursor: page.next_cursor,
                more,
                purge: None,
            };
            let store = self.store.clone();
            let report = tokio::task::spawn_blocking(move || store.apply_sync_response(&resp, 0))
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| format!("projection: {e}"))?;
            applied += report.changes;
            if !more {
                return Ok(applied);
            }
        }
    }
}
