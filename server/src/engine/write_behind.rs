//! Write-behind for a push: new records and op log rows are kept in memory and written
//! in batches (one statement each on PostgreSQL, instead of two round trips per op),
//! before anything could read them and at the end of the request, where new records go
//! in with their change numbers ([`Tx::finish_writes`]).
//!
//! What makes it safe:
//! - a new record is held back only if its key was absent when the request began
//!   ([`Tx::missing`], read once for all the request's keys) and it is not already held:
//!   every other insert goes through at once, as before;
//! - every read that could see a held row (a record's state, teams, topics, targets)
//!   writes what is held first; a placement of a held record is answered from memory;
//! - a concurrent transaction that created one of the held keys in between (PostgreSQL)
//!   makes the batch insert fewer rows than it holds: the request fails as contended
//!   (503) and the phone's retry merges into that record like any create of an existing
//!   key. SQLite has one writer, so it never happens there.

use super::ports::{NewRecord, OpLogEntry, Partition, Placement, PulledState, RecordKey, ScanRow, StoredRecord, TeamTargets, Tx};
use crate::error::StoreError;
use std::collections::{HashMap, HashSet};
use tungnha_core::ids::{DeviceId, OpId};
use tungnha_core::sync::protocol::Entity;

/// A transaction whose new records and op log rows are written in batches.
pub(crate) struct WriteBehind<T: Tx> {
    inner: T,
    /// Keys known to be absent that nothing has created yet.
    absent: HashSet<RecordKey>,
    /// Records held back, in op order, and where each key sits in that list.
    records: Vec<NewRecord>,
    held: HashMap<RecordKey, usize>,
    log: Vec<OpLogEntry>,
}

impl<T: Tx> WriteBehind<T> {
    /// Wrap `inner`; `keys` are the records the request's ops name (read once to learn
    /// which are absent).
    pub async fn new(mut inner: T, keys: &[RecordKey]) -> Result<Self, StoreError> {
        let absent = inner.missing(keys).await?.into_iter().collect();
        Ok(Self { inner, absent, records: Vec::new(), held: HashMap::new(), log: Vec::new() })
    }

    /// Write everything held.
    pub async fn flush(&mut self) -> Result<(), StoreError> {
        if !self.records.is_empty() {
            let written = self.inner.insert_records(&self.records).await?;
            self.written(written)?;
        }
        self.flush_log().await
    }

    async fn flush_log(&mut self) -> Result<(), StoreError> {
        if !self.log.is_empty() {
            self.inner.op_log_put_many(&self.log).await?;
            self.log.clear();
        }
        Ok(())
    }

    /// The held records were written (`written` of them): forget them, or fail as
    /// contended if another request created one of their keys in between.
    fn written(&mut self, written: usize) -> Result<(), StoreError> {
        let held = self.records.len();
        self.records.clear();
        self.held.clear();
        if written == held {
            Ok(())
        } else {
            Err(StoreError::Contended(format!("{} of {held} new records were created by another request meanwhile", held - written)))
        }
    }
}

impl<T: Tx> Tx for WriteBehind<T> {
    async fn device_row(&mut self, device: DeviceId) -> Result<Option<super::ports::DeviceRow>, StoreError> {
        self.inner.device_row(device).await
    }

    async fn set_last_seq(&mut self, device: DeviceId, seq: i64) -> Result<(), StoreError> {
        self.inner.set_last_seq(device, seq).await
    }

    async fn op_log_many(&mut self, ops: &[OpId]) -> Result<Vec<OpLogEntry>, StoreError> {
        self.flush().await?;
        self.inner.op_log_many(ops).await
    }

    async fn op_log_put(&mut self, entry: &OpLogEntry) -> Result<(), StoreError> {
        self.log.push(entry.clone());
        Ok(())
    }

    async fn op_log_put_many(&mut self, entries: &[OpLogEntry]) -> Result<(), StoreError> {
        self.log.extend_from_slice(entries);
        Ok(())
    }

    async fn missing(&mut self, keys: &[RecordKey]) -> Result<Vec<RecordKey>, StoreError> {
        self.flush().await?;
        self.inner.missing(keys).await
    }

    async fn placement(&mut self, entity: Entity, id: &str) -> Result<Option<(Placement, bool)>, StoreError> {
        if let Some(&i) = self.held.get(&(entity, id.to_owned())) {
            return Ok(Some((self.records[i].place.clone(), false)));
        }
        self.inner.placement(entity, id).await
    }

    async fn record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        self.flush().await?;
        self.inner.record(entity, id).await
    }

    async fn lock_record(&mut self, entity: Entity, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        self.flush().await?;
        self.inner.lock_record(entity, id).await
    }

    async fn insert_record(&mut self, record: &NewRecord) -> Result<bool, StoreError> {
        let key = (record.entity, record.id.clone());
        if self.absent.remove(&key) {
            self.held.insert(key, self.records.len());
            self.records.push(record.clone());
            return Ok(true);
        }
        // Not known to be absent (a conflict record, or a key this request already
        // made): write it now, after what is held, so writes keep op order.
        self.flush().await?;
        self.inner.insert_record(record).await
    }

    async fn insert_records(&mut self, records: &[NewRecord]) -> Result<usize, StoreError> {
        self.flush().await?;
        self.inner.insert_records(records).await
    }

    async fn update_record(&mut self, record: &StoredRecord) -> Result<(), StoreError> {
        self.flush().await?;
        self.inner.update_record(record).await
    }

    async fn local_topics(&mut self) -> Result<HashSet<String>, StoreError> {
        self.flush().await?;
        self.inner.local_topics().await
    }

    async fn records_in_unit(&mut self, entity: Entity, unit: &str) -> Result<Vec<StoredRecord>, StoreError> {
        self.flush().await?;
        self.inner.records_in_unit(entity, unit).await
    }

    async fn team_targets(&mut self, team: &str) -> Result<TeamTargets, StoreError> {
        self.flush().await?;
        self.inner.team_targets(team).await
    }

    async fn max_change_seq(&mut self) -> Result<i64, StoreError> {
        self.inner.max_change_seq().await
    }

    async fn scan(&mut self, part: &Partition, after: i64, upto: i64, limit: i64) -> Result<Vec<ScanRow>, StoreError> {
        self.flush().await?;
        self.inner.scan(part, after, upto, limit).await
    }

    async fn states(&mut self, keys: &[RecordKey]) -> Result<Vec<PulledState>, StoreError> {
        self.flush().await?;
        self.inner.states(keys).await
    }

    async fn scope_def(&mut self, hash: &str) -> Result<Option<String>, StoreError> {
        self.inner.scope_def(hash).await
    }

    async fn put_scope_def(&mut self, hash: &str, def: &str) -> Result<(), StoreError> {
        self.inner.put_scope_def(hash, def).await
    }

    async fn finish_writes(&mut self, held: &[NewRecord], order: &[RecordKey]) -> Result<usize, StoreError> {
        self.flush_log().await?;
        // What this wrapper holds goes in with the last writes: PostgreSQL then writes
        // each new row once, with its change number, instead of inserting and numbering.
        self.records.extend_from_slice(held);
        let written = self.inner.finish_writes(&self.records, order).await?;
        let all = self.records.len();
        self.written(written)?;
        Ok(all)
    }

    async fn commit(mut self) -> Result<(), StoreError> {
        self.flush().await?;
        self.inner.commit().await
    }

    async fn hold(&mut self, how_long: std::time::Duration) {
        self.inner.hold(how_long).await
    }
}
