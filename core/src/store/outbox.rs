//! The outbox: every local change becomes an operation, written in the same
//! transaction as the change itself, so nothing saved can miss sync and nothing sent
//! can be a change that was rolled back. Sync sends pending operations in `seq` order
//! and deletes them once the server acknowledges them.

use super::{enum_text, parse_ts, text_enum, ts, Store, WriteTx};
use crate::error::CoreResult;
use crate::hlc::Hlc;
use crate::ids::OpId;
use crate::sync::protocol::{Entity, Op, OpKind};

use rusqlite::{params, TransactionBehavior};
use serde::Serialize;

impl WriteTx<'_> {
    /// Queue an operation for the change this transaction makes. Returns its HLC, which
    /// becomes the record's version.
    pub fn emit<T: Serialize>(
        &mut self,
        entity: Entity,
        entity_id: &str,
        kind: OpKind,
        base_version: Option<Hlc>,
        fields: &T,
    ) -> CoreResult<Hlc> {
        let hlc = self.tick();
        let payload = serde_json::to_string(fields)?;
        let op_id = OpId::new();
        let seq = *self.next_seq;
        self.tx.prepare_cached(
            "INSERT INTO outbox (seq, op_id, hlc, entity, entity_id, kind, base_version, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            seq,
            op_id,
            hlc.to_string(),
            enum_text(entity),
            entity_id,
            enum_text(kind),
            base_version.map(|h| h.to_string()),
            payload,
            ts(self.now)
        ])?;
        *self.next_seq += 1;
        self.ops += 1;
        Ok(hlc)
    }
}

impl Store {
    /// Operations not yet acknowledged by the server, oldest first.
    pub fn pending_ops(&self, limit: u32) -> CoreResult<Vec<Op>> {
        let device = self.device_id();
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT seq, op_id, hlc, entity, entity_id, kind, base_version, payload, created_at FROM outbox ORDER BY seq LIMIT ?1",
            )?;
            let rows = st.query_map([limit], |r| {
                let hlc: String = r.get(2)?;
                let base: Option<String> = r.get(6)?;
                let payload: String = r.get(7)?;
                let bad = |e: String| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into());
                Ok(Op {
                    seq: r.get(0)?,
                    op_id: r.get(1)?,
                    device_id: device,
                    hlc: hlc.parse().map_err(bad)?,
                    entity: text_enum(&r.get::<_, String>(3)?)?,
                    entity_id: r.get(4)?,
                    kind: text_enum(&r.get::<_, String>(5)?)?,
                    base_version: base.map(|b| b.parse()).transpose().map_err(bad)?,
                    schema_version: super::schema::SCHEMA_VERSION,
                    fields: serde_json::from_str(&payload).map_err(|e| bad(e.to_string()))?,
                    created_at: parse_ts(&r.get::<_, String>(8)?)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Number of operations waiting for sync.
    pub fn pending_count(&self) -> CoreResult<u64> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM outbox", [], |r| r.get::<_, i64>(0))? as u64))
    }

    /// Forget operations the server acknowledged (idempotent: unknown ids are ignored).
    pub fn acknowledge(&self, op_ids: &[OpId]) -> CoreResult<()> {
        let mut guard = self.lock_writer()?;
        let tx = guard.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut st = tx.prepare_cached("DELETE FROM outbox WHERE op_id = ?1")?;
            for id in op_ids {
                st.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
