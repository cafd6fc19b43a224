//! Pull: the caller's records changed after the cursor, in change-sequence order, in
//! pages bounded by bytes of state JSON (docs/sync-protocol.md §2, pull).

use super::scope::unit_contains;
use crate::error::StoreError;
use crate::storage::{parse_state, Device, PullFilter, PullPage, Tx};
use std::collections::BTreeSet;
use tungnha_core::hlc::Hlc;
use tungnha_core::ids::DeviceId;
use tungnha_core::store::outbox::Entity;
use tungnha_core::sync::{Change, Role};

/// Rows fetched per query while filling a page.
const CHUNK: i64 = 256;

/// What this device pulls.
pub(crate) async fn filter_for<T: Tx>(tx: &mut T, device: &Device) -> Result<PullFilter, StoreError> {
    let unit = device.commune_key.clone().unwrap_or_default();
    Ok(match device.role {
        Role::Citizen => {
            let household = device.household_id.map(|h| h.to_string()).unwrap_or_default();
            // The village comes too: the household screen shows its name.
            let village = tx.record(Entity::Household, &household).await?.and_then(|r| r.place.village_id);
            PullFilter::Household { household, village }
        }
        Role::Volunteer | Role::TeamLeader => {
            let team = device.team_id.map(|t| t.to_string()).unwrap_or_default();
            let targets = tx.team_targets(&team).await?;
            let in_scope = tx.households_in(&targets).await?;
            let mut villages: BTreeSet<String> = targets.villages.iter().cloned().collect();
            villages.extend(in_scope.iter().filter_map(|(_, v)| v.clone()));
            PullFilter::Team { team, villages: villages.into_iter().collect(), households: in_scope.into_iter().map(|(h, _)| h).collect() }
        }
        Role::CommuneOfficial => PullFilter::Communes(vec![unit]),
        Role::ProvinceOfficial => PullFilter::Communes(tx.communes().await?.into_iter().filter(|c| unit_contains(&unit, c)).collect()),
    })
}

/// One page after `after` for `device` (every record for `None`): at least one change
/// if any is waiting, then as many as fit in `max_bytes`. Reads one snapshot (the
/// backend's read transaction), so the page and `next_seq` agree.
pub(crate) async fn pull<T: Tx>(tx: &mut T, device: Option<&Device>, after: i64, max_bytes: usize) -> Result<PullPage, StoreError> {
    let filter = match device {
        Some(d) => filter_for(tx, d).await?,
        None => PullFilter::Everything,
    };
    // Everything up to `upto` is committed (the backends number changes in commit order),
    // so a page that reaches the end can move the cursor to `upto`, past rows of other scopes.
    let upto = tx.max_change_seq().await?;
    let mut page = PullPage::default();
    let mut cursor = after;
    'fill: while cursor < upto {
        let rows = tx.pull_rows(&filter, cursor, upto, CHUNK).await?;
        let full = rows.len() as i64 == CHUNK;
        for row in rows {
            let state = parse_state(&row.state)?;
            let size = serde_json::to_vec(&state.fields)?.len();
            if !page.changes.is_empty() && page.bytes + size > max_bytes {
                page.more = true;
                break 'fill;
            }
            page.bytes += size;
            cursor = row.change_seq;
            page.changes.push(Change {
                entity: row.entity,
                id: row.id,
                version: state.version().unwrap_or(Hlc { millis: 0, counter: 0, device: DeviceId(uuid::Uuid::nil()) }),
                deleted: state.deleted.is_some(),
                state: serde_json::Value::Object(state.fields),
            });
        }
        if !full {
            break;
        }
    }
    page.next_seq = if page.more { cursor } else { upto.max(after) };
    Ok(page)
}
