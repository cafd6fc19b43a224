//! Derived data, recomputed from the stored facts. Local saves update derived data
//! incrementally (fast, and exact because a local fact is always the newest); records
//! pulled from the server can be older than what the device already has, so for them
//! the store recomputes from scratch with these functions.

use crate::catalog;
use crate::error::CoreResult;
use crate::hlc::Hlc;
use crate::ids::{HouseholdId, PersonId};
use crate::model::SkillLevel;
use rusqlite::{params, Transaction};
use std::collections::BTreeMap;

/// One event that sets or raises a person's skill level, with its own time.
enum Event {
    Raise(String, SkillLevel, String),
    Set(String, SkillLevel, String),
}

/// Recompute a person's skill levels from every fact, in HLC order: visits raise to
/// guided, self-reports to self-reported, verifications to verified, and a leader's
/// correction sets the level. Also VNeID activation and the mastery counters.
pub(super) fn recompute_person(tx: &Transaction<'_>, person: PersonId) -> CoreResult<()> {
    let mut events: Vec<(String, Event)> = Vec::new();
    let mut st = tx.prepare_cached(
        "SELECT v.hlc, o.code, v.occurred_at FROM visit_outcomes o JOIN visits v ON v.id = o.visit_id WHERE o.person_id = ?1 AND o.kind = 'skill'",
    )?;
    let text3 = |r: &rusqlite::Row<'_>| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?));
    for row in st.query_map([person], text3)? {
        let (hlc, skill, at) = row?;
        events.push((hlc, Event::Raise(skill, SkillLevel::Guided, at)));
    }
    let mut st = tx.prepare_cached("SELECT hlc, skills, reported_at FROM self_reports WHERE person_id = ?1")?;
    for row in st.query_map([person], text3)? {
        let (hlc, skills, at) = row?;
        for s in skills.split(',').filter(|s| !s.is_empty()) {
            events.push((hlc.clone(), Event::Raise(s.to_owned(), SkillLevel::SelfReported, at.clone())));
        }
    }
    let mut st = tx.prepare_cached("SELECT hlc, skill, at FROM skill_verifications WHERE person_id = ?1")?;
    for row in st.query_map([person], text3)? {
        let (hlc, skill, at) = row?;
        events.push((hlc, Event::Raise(skill, SkillLevel::Verified, at)));
    }
    let mut st = tx.prepare_cached("SELECT hlc, skill, to_level, at FROM skill_corrections WHERE person_id = ?1")?;
    for row in
        st.query_map([person], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?)))?
    {
        let (hlc, skill, level, at) = row?;
        events.push((hlc, Event::Set(skill, SkillLevel::from_i64(level).unwrap_or(SkillLevel::NotStarted), at)));
    }
    // HLC text sorts like the HLC; parse to be safe against hand-made rows.
    events.sort_by(|a, b| match (a.0.parse::<Hlc>(), b.0.parse::<Hlc>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.0.cmp(&b.0),
    });
    // Each level with the time of the event that last changed it (as a local save dates it).
    let mut levels: BTreeMap<String, (SkillLevel, String)> = BTreeMap::new();
    for (_, e) in events {
        match e {
            Event::Raise(s, l, at) => {
                let cur = levels.entry(s).or_insert((SkillLevel::NotStarted, at.clone()));
                if l > cur.0 {
                    *cur = (l, at);
                }
            }
            Event::Set(s, l, at) => {
                levels.insert(s, (l, at));
            }
        }
    }
    tx.prepare_cached("DELETE FROM person_skills WHERE person_id = ?1")?.execute([person])?;
    let mut ins = tx.prepare_cached("INSERT INTO person_skills (person_id, skill, level, updated_at) VALUES (?1, ?2, ?3, ?4)")?;
    for (skill, (level, at)) in &levels {
        ins.execute(params![person, skill, *level as i64, at])?;
    }
    let mastered = catalog::SKILLS.iter().filter(|s| levels.get(s.code).is_some_and(|l| l.0 >= SkillLevel::MASTERY)).count() as i64;
    tx.prepare_cached(
        "UPDATE persons SET skills_mastered = ?2,
             vneid_activated = EXISTS (SELECT 1 FROM visit_outcomes o WHERE o.person_id = ?1 AND o.kind = 'action' AND o.code = 'vneid_activated')
         WHERE id = ?1",
    )?
    .execute(params![person, mastered])?;
    Ok(())
}

/// Recompute everything a household row keeps about itself.
pub(super) fn recompute_household(tx: &Transaction<'_>, h: HouseholdId) -> CoreResult<()> {
    tx.prepare_cached(
        "UPDATE households SET
            head_name = COALESCE((SELECT full_name FROM persons p WHERE p.id = households.head_id), ''),
            member_count = (SELECT count(*) FROM persons p WHERE p.household_id = ?1 AND p.deleted = 0),
            mastered_count = (SELECT count(*) FROM persons p WHERE p.household_id = ?1 AND p.deleted = 0 AND p.skills_mastered >= ?2),
            visit_count = (SELECT count(DISTINCT a.visit_id) FROM visit_attendees a
                WHERE a.household_id = ?1 AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = a.visit_id)),
            last_visit_at = (SELECT max(v.occurred_at) FROM visit_attendees a JOIN visits v ON v.id = a.visit_id
                WHERE a.household_id = ?1 AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = a.visit_id))
         WHERE id = ?1",
    )?
    .execute(params![h, catalog::SKILLS.len() as i64])?;
    refresh_search_key(tx, h)
}

/// The household search key covers its address, village (if the device has it) and
/// every member's name.
pub(super) fn refresh_search_key(tx: &Transaction<'_>, h: HouseholdId) -> CoreResult<()> {
    tx.prepare_cached(
        "UPDATE households SET search_key = tn_fold(address || ' ' || COALESCE((SELECT name FROM villages v WHERE v.id = households.village_id), '') || ' ' ||
            COALESCE((SELECT group_concat(p.full_name, ' ') FROM persons p WHERE p.household_id = households.id AND p.deleted = 0), ''))
         WHERE id = ?1",
    )?
    .execute([h])?;
    Ok(())
}
