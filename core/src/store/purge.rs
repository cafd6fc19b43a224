//! Forgetting what the device may no longer see: when the server says a team, villages
//! or households left this device's scope (a member left the team, an assignment was
//! removed), their records go, in the same transaction as the rest of the answer.
//!
//! Operations still waiting in the outbox stay: the server decides what happens to them
//! (it refuses writes outside the scope, and the phone shows the refusal).

use crate::error::CoreResult;
use crate::sync::Purge;
use rusqlite::{params_from_iter, Transaction};

/// Statements that forget the households listed in the temporary table `purge_households`
/// and what hangs off them, in dependency order.
const FORGET_HOUSEHOLDS: &[&str] = &[
    "CREATE TEMP TABLE IF NOT EXISTS purge_persons (id TEXT PRIMARY KEY) WITHOUT ROWID",
    "DELETE FROM purge_persons",
    "INSERT OR IGNORE INTO purge_persons SELECT id FROM persons WHERE household_id IN (SELECT id FROM purge_households)",
    "DELETE FROM person_skills WHERE person_id IN (SELECT id FROM purge_persons)",
    "DELETE FROM self_reports WHERE person_id IN (SELECT id FROM purge_persons)",
    "DELETE FROM skill_verifications WHERE person_id IN (SELECT id FROM purge_persons)",
    "DELETE FROM skill_corrections WHERE person_id IN (SELECT id FROM purge_persons)",
    "DELETE FROM conflicts WHERE entity = 'person' AND entity_id IN (SELECT id FROM purge_persons)",
    "DELETE FROM visit_outcomes WHERE person_id IN (SELECT id FROM purge_persons)",
    "DELETE FROM visit_attendees WHERE household_id IN (SELECT id FROM purge_households) OR person_id IN (SELECT id FROM purge_persons)",
    // Sessions at these homes, and group sessions no one the device still sees attended.
    "CREATE TEMP TABLE IF NOT EXISTS purge_visits (id TEXT PRIMARY KEY) WITHOUT ROWID",
    "DELETE FROM purge_visits",
    "INSERT OR IGNORE INTO purge_visits SELECT id FROM visits WHERE household_id IN (SELECT id FROM purge_households)
        OR (household_id IS NULL AND NOT EXISTS (SELECT 1 FROM visit_attendees a WHERE a.visit_id = visits.id))",
    "DELETE FROM visit_topics WHERE visit_id IN (SELECT id FROM purge_visits)",
    "DELETE FROM visit_outcomes WHERE visit_id IN (SELECT id FROM purge_visits)",
    "DELETE FROM visit_attendees WHERE visit_id IN (SELECT id FROM purge_visits)",
    "DELETE FROM visits WHERE id IN (SELECT id FROM purge_visits)",
    "DELETE FROM persons WHERE id IN (SELECT id FROM purge_persons)",
    "DELETE FROM assignments WHERE household_id IN (SELECT id FROM purge_households)",
    "DELETE FROM households WHERE id IN (SELECT id FROM purge_households)",
];

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Forget what `p` lists; returns the number of households forgotten.
pub(super) fn purge(tx: &Transaction<'_>, p: &Purge) -> CoreResult<u32> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS purge_households (id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM purge_households;",
    )?;
    // Chunks keep the statements under SQLite's limit on parameters.
    let keep: Vec<String> = p.keep.iter().take(30_000).map(ToString::to_string).collect();
    for chunk in p.villages.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let sql = format!(
            "INSERT OR IGNORE INTO purge_households SELECT id FROM households WHERE village_id IN ({}) AND id NOT IN ({})",
            placeholders(ids.len()),
            if keep.is_empty() { "SELECT NULL WHERE 0".to_owned() } else { placeholders(keep.len()) }
        );
        tx.execute(&sql, params_from_iter(ids.iter().chain(keep.iter())))?;
    }
    for h in &p.households {
        tx.execute("INSERT OR IGNORE INTO purge_households (id) VALUES (?1)", [h.to_string()])?;
    }
    let households: i64 =
        tx.query_row("SELECT count(*) FROM households WHERE id IN (SELECT id FROM purge_households)", [], |r| r.get(0))?;
    for sql in FORGET_HOUSEHOLDS {
        tx.execute(sql, [])?;
    }
    for v in &p.villages {
        let still_used: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM households WHERE village_id = ?1)", [v.to_string()], |r| r.get(0))?;
        tx.execute("DELETE FROM assignments WHERE village_id = ?1", [v.to_string()])?;
        if !still_used {
            tx.execute("DELETE FROM villages WHERE id = ?1", [v.to_string()])?;
        }
    }
    for t in &p.teams {
        for sql in
            ["DELETE FROM assignments WHERE team_id = ?1", "DELETE FROM team_members WHERE team_id = ?1", "DELETE FROM teams WHERE id = ?1"]
        {
            tx.execute(sql, [t.to_string()])?;
        }
    }
    Ok(households as u32)
}
