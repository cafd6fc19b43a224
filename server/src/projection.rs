//! The server's own read model for the dashboard: a core [`Store`] kept up to date from
//! the server's change feed ([`Storage::changes`]), applied exactly as a phone applies a
//! pull. Figures on the dashboard are therefore computed by the same code, from the
//! same facts, as on every phone.

use crate::storage::Storage;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::Mutex;
use tungnha_core::store::StoreOptions;
use tungnha_core::sync::{Cursor, SyncResponse};
use tungnha_core::Store;

/// Page size when catching up with the change feed.
const PAGE_BYTES: usize = 4 << 20;

#[derive(Debug)]
pub struct Projection {
    store: Arc<Store>,
    /// Serialises refreshes (one reader of the feed at a time).
    refreshing: Mutex<()>,
}

impl Projection {
    /// Open (or create) the projection database at `path`.
    pub fn open(path: &Path) -> Result<Self, String> {
        let store = Store::open(path, StoreOptions::default()).map_err(|e| format!("projection: {e}"))?;
        Ok(Self { store: Arc::new(store), refreshing: Mutex::new(()) })
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Apply every change the server committed since the last refresh.
    pub async fn refresh(&self, storage: &dyn Storage) -> Result<u32, String> {
        let _guard = self.refreshing.lock().await;
        let mut applied = 0;
        loop {
            let after: i64 = self.store.sync_cursor().map_err(|e| e.to_string())?.0.parse().unwrap_or(0);
            let page = storage.changes(after, PAGE_BYTES).await.map_err(|e| format!("projection: {e}"))?;
            if page.changes.is_empty() && page.next_seq <= after {
                return Ok(applied);
            }
            let more = page.more;
            let resp = SyncResponse {
                server_time_ms: chrono::Utc::now().timestamp_millis(),
                acks: vec![],
                rejected: vec![],
                deferred: vec![],
                changes: page.changes,
                next_cursor: Cursor(page.next_seq.to_string()),
                more,
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
