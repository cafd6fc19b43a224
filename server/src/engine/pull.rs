//! Pull: the caller's records changed after the cursor, in change order, in pages bounded
//! by bytes of state JSON (docs/sync-protocol.md §2, pull). A pull walks only the
//! partitions of the caller's scope (its commune's, or its province's, change index),
//! so it costs what the scope holds, not what the server holds.
//!
//! Cursors are `<server id>:<enrolment>:<scope>:<change seq>`, opaque to clients. A
//! cursor made by another database, or before the device was enrolled again, starts
//! over. One made in a scope that has since changed starts over too if the scope grew
//! (so the new records arrive), and tells the phone what to forget if it shrank.

use super::ports::{Device, Partition, PulledState, RecordKey, ScanRow, Tx};
use super::scope::{DeviceScope, Reach, ScopeDef};
use crate::error::StoreError;
use std::collections::VecDeque;
use tungnha_core::hlc::Hlc;
use tungnha_core::ids::DeviceId;
use tungnha_core::model::{Visit, VisitPlace};
use tungnha_core::sync::protocol::Entity;
use tungnha_core::sync::{Change, Cursor, Purge};

/// Rows fetched per query while walking a partition, at most.
const CHUNK: i64 = 512;
/// States fetched per query, at most.
const STATE_BATCH: usize = 128;
/// A small record's state in bytes: a page of `max_bytes` holds about `max_bytes / this`
/// records, so a small page (a sync that mostly pushes) reads only what it can send.
const SMALL_STATE_BYTES: usize = 100;

/// How many rows to read per query for a page of `max_bytes`: what the page can hold,
/// within `[min, max]`.
fn batch_for(max_bytes: usize, min: usize, max: usize) -> usize {
    (max_bytes / SMALL_STATE_BYTES + 1).clamp(min, max)
}

/// One page of changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PullPage {
    pub changes: Vec<Change>,
    pub next_cursor: Cursor,
    pub more: bool,
    /// Bytes of state JSON in this page.
    pub bytes: usize,
    /// Records the device may no longer keep.
    pub purge: Option<Purge>,
    /// Rows of the change index read to fill the page.
    pub scanned: usize,
    /// A scope definition the new cursor refers to, for the backend to keep (pulls read
    /// a snapshot; this is written after, in its own small transaction).
    pub remember: Option<(String, String)>,
}

pub mod cursor {
    use tungnha_core::sync::Cursor;

    /// A parsed cursor.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Position {
        pub scope: String,
        pub seq: i64,
    }

    pub fn make(server_id: &str, enrolled_at_ms: i64, scope: &str, seq: i64) -> Cursor {
        Cursor(format!("{server_id}:{enrolled_at_ms}:{scope}:{seq}"))
    }

    /// Where a cursor points, if it was made by this database for this enrolment.
    pub fn parse(cursor: &Cursor, server_id: &str, enrolled_at_ms: i64) -> Option<Position> {
        let mut parts = cursor.0.splitn(4, ':');
        let (Some(id), Some(epoch), Some(scope), Some(seq)) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return None;
        };
        if id != server_id || epoch.parse::<i64>().ok() != Some(enrolled_at_ms) || scope.len() > 64 {
            return None;
        }
        let seq = seq.parse::<i64>().ok().filter(|s| *s >= 0)?;
        Some(Position { scope: scope.to_owned(), seq })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn foreign_or_stale_cursors_start_over() {
            let c = make("abc", 7, "f00d", 42);
            assert_eq!(parse(&c, "abc", 7), Some(Position { scope: "f00d".into(), seq: 42 }));
            assert_eq!(parse(&c, "other", 7), None);
            assert_eq!(parse(&c, "abc", 8), None, "enrolled again");
            assert_eq!(parse(&Cursor::default(), "abc", 7), None);
            assert_eq!(parse(&Cursor("abc:7:f:-5".into()), "abc", 7), None);
            assert_eq!(parse(&Cursor("abc:7:f:x".into()), "abc", 7), None);
            assert_eq!(parse(&Cursor("abc:7:42".into()), "abc", 7), None, "a cursor of the first protocol starts over");
        }
    }
}

/// One partition being walked.
struct Walk {
    part: Partition,
    pos: i64,
    rows: VecDeque<ScanRow>,
    done: bool,
}

/// Where to start for `device` and what to tell it, given the cursor it sent.
async fn start<T: Tx>(tx: &mut T, now: &ScopeDef, sent: Option<cursor::Position>) -> Result<(i64, Option<Purge>), StoreError> {
    let Some(sent) = sent else { return Ok((0, None)) };
    if sent.scope == now.fingerprint() {
        return Ok((sent.seq, None));
    }
    let before: Option<ScopeDef> = tx.scope_def(&sent.scope).await?.and_then(|t| serde_json::from_str(&t).ok());
    let Some(before) = before else { return Ok((0, None)) };
    let lost = Purge {
        teams: before.teams.difference(&now.teams).filter_map(|t| t.parse().ok()).collect(),
        villages: before.villages.difference(&now.villages).filter_map(|v| v.parse().ok()).collect(),
        households: before.households.difference(&now.households).filter_map(|h| h.parse().ok()).collect(),
        keep: now.households.iter().filter_map(|h| h.parse().ok()).collect(),
    };
    let purge = (!(lost.teams.is_empty() && lost.villages.is_empty() && lost.households.is_empty())).then_some(lost);
    // A scope that grew starts over, so records it now covers arrive; one that only
    // shrank goes on from where it was.
    let at = if now.within(&before) { sent.seq } else { 0 };
    Ok((at, purge))
}

/// One page after the cursor `sent` for `device` (every record for `None`): at least one
/// change if any is waiting, then as many as fit in `max_bytes`. Reads one snapshot (the
/// backend's read transaction), so the page and its cursor agree.
pub async fn pull<T: Tx>(
    tx: &mut T,
    server_id: &str,
    device: Option<&Device>,
    sent: &Cursor,
    max_bytes: usize,
) -> Result<PullPage, StoreError> {
    let (scope, enrolled) = match device {
        Some(d) => (DeviceScope::of(tx, d).await?, d.enrolled_at_ms),
        None => (DeviceScope::everything(), 0),
    };
    let def = scope.def();
    let fingerprint = def.fingerprint();
    let sent = cursor::parse(sent, server_id, enrolled);
    let remember = match &sent {
        Some(p) if p.scope == fingerprint => None,
        _ => Some((fingerprint.clone(), serde_json::to_string(&def)?)),
    };
    let (after, purge) = start(tx, &def, sent).await?;
    // Everything up to `upto` is committed (the backends number changes in commit order),
    // so a page that reaches the end can move the cursor to `upto`, past other scopes' rows.
    let upto = tx.max_change_seq().await?;
    let mut walks: Vec<Walk> =
        scope.partitions.iter().map(|p| Walk { part: p.clone(), pos: after, rows: VecDeque::new(), done: false }).collect();
    let mut page = PullPage { purge, remember, ..PullPage::default() };
    let mut cursor = after;
    let mut batch: Vec<ScanRow> = Vec::new();
    // Rows the scope does not admit are skipped, so a walk reads a few more than it sends.
    let chunk = batch_for(max_bytes, 32, CHUNK as usize) as i64;
    let state_batch = batch_for(max_bytes, 2, STATE_BATCH);
    'fill: loop {
        for w in walks.iter_mut().filter(|w| w.rows.is_empty() && !w.done && w.pos < upto) {
            let rows = tx.scan(&w.part, w.pos, upto, chunk).await?;
            w.done = (rows.len() as i64) < chunk;
            if let Some(last) = rows.last() {
                w.pos = last.change_seq;
            }
            page.scanned += rows.len();
            w.rows.extend(rows);
        }
        // The next row in change order among the partitions; a partition that still has
        // rows to fetch must be refilled first, so nothing overtakes it.
        let next = walks.iter().enumerate().filter(|(_, w)| !w.rows.is_empty()).min_by_key(|(_, w)| w.rows[0].change_seq).map(|(i, _)| i);
        let Some(i) = next else {
            if !flush(tx, &scope, &mut batch, &mut page, max_bytes, &mut cursor).await? {
                break 'fill;
            }
            cursor = upto.max(after);
            break 'fill;
        };
        let Some(row) = walks[i].rows.pop_front() else { break 'fill };
        let seq = row.change_seq;
        if scope.admits(&row) {
            batch.push(row);
            if batch.len() >= state_batch && !flush(tx, &scope, &mut batch, &mut page, max_bytes, &mut cursor).await? {
                break 'fill;
            }
        }
        if batch.is_empty() {
            cursor = seq;
        }
    }
    page.next_cursor = cursor::make(server_id, enrolled, &fingerprint, cursor);
    Ok(page)
}

/// Add the batch's records to the page while they fit; `false` when the page is full
/// (`cursor` then points after the last record sent).
async fn flush<T: Tx>(
    tx: &mut T,
    scope: &DeviceScope,
    batch: &mut Vec<ScanRow>,
    page: &mut PullPage,
    max_bytes: usize,
    cursor: &mut i64,
) -> Result<bool, StoreError> {
    if batch.is_empty() {
        return Ok(true);
    }
    let keys: Vec<RecordKey> = batch.iter().map(|r| (r.entity, r.id.clone())).collect();
    let states = tx.states(&keys).await?;
    for (row, state) in batch.drain(..).zip(states) {
        let change = change_for(scope, row.entity, row.id, state)?;
        let size = change.state.to_string().len();
        if !page.changes.is_empty() && page.bytes + size > max_bytes {
            page.more = true;
            return Ok(false);
        }
        page.bytes += size;
        *cursor = row.change_seq;
        page.changes.push(change);
    }
    Ok(true)
}

/// A record as this device receives it: citizens see a group session with only their
/// own household's people, and without the volunteer's notes.
fn change_for(scope: &DeviceScope, entity: Entity, id: String, s: PulledState) -> Result<Change, StoreError> {
    let mut state: serde_json::Value = serde_json::from_str(&s.fields).map_err(|e| StoreError::Data(format!("stored fields: {e}")))?;
    if let (Reach::Household { household, .. }, Entity::Visit) = (&scope.reach, entity) {
        if let Ok(mut v) = serde_json::from_value::<Visit>(state.clone()) {
            if matches!(v.place, VisitPlace::Group { .. }) {
                v.attendees.retain(|a| a.household_id.is_some_and(|h| &h.to_string() == household));
                v.notes.clear();
                v.location = None;
                state = serde_json::to_value(&v)?;
            }
        }
    }
    Ok(Change {
        entity,
        id,
        version: s.version.unwrap_or(Hlc { millis: 0, counter: 0, device: DeviceId(uuid::Uuid::nil()) }),
        deleted: s.deleted,
        state,
    })
}
