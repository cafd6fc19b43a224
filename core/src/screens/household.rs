//! A household's detail as its screen shows it: each member's ladder in the 5 skills
//! (not started → guided → self-reported → verified), with when each level was reached
//! and through what (a visit and its volunteer, a self-report and its channel, a leader's
//! verification or correction); the visit history, group sessions included, with who
//! recorded each and corrected visits marked as superseded.

use crate::catalog;
use crate::error::CoreResult;
use crate::hlc::Hlc;
use crate::ids::{HouseholdId, MemberId, PersonId, VisitId};
use crate::model::{Channel, Household, HouseholdStatus, Person, SelfReport, SkillLevel, VisitPlace};
use crate::store::Store;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;

/// What raised (or set) a skill to its current level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SkillSource {
    /// A volunteer guided the person through it at a visit or group session.
    Visit { visit_id: VisitId, volunteer_id: MemberId, volunteer_name: Option<String> },
    /// The person said they can do it (on their phone, on the web, or told a volunteer).
    SelfReport { channel: Channel },
    /// A team leader saw the person do it.
    Verification { leader_id: MemberId, leader_name: Option<String> },
    /// A team leader corrected the level, with the reason (kept for audit).
    Correction { leader_id: MemberId, leader_name: Option<String>, reason: String },
}

/// One skill of one person: its catalog names, the level, since when and through what.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LadderStep {
    pub skill: String,
    pub name_vi: String,
    pub name_en: String,
    pub level: SkillLevel,
    /// When the current level was reached; `None` while not started.
    pub since: Option<DateTime<Utc>>,
    /// `None` while not started.
    pub source: Option<SkillSource>,
}

/// A member with their ladder in each of the 5 skills (catalog order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberLadder {
    pub person: Person,
    pub ladder: Vec<LadderStep>,
    /// Skills at the mastery level or above.
    pub skills_mastered: u32,
    pub masters_all: bool,
}

/// A member of this household present at a visit, with what was done with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitAttendee {
    pub person_id: PersonId,
    pub full_name: String,
    pub skills_guided: Vec<String>,
    pub actions: Vec<String>,
}

/// One entry of the visit history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisitEntry {
    pub visit_id: VisitId,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    /// At the home, or a group session with its place (commune hall, school…).
    pub place: VisitPlace,
    pub group_session: bool,
    pub recorded_by: MemberId,
    /// The volunteer's name, if this device knows their team.
    pub recorded_by_name: Option<String>,
    /// This household's members who were there.
    pub attendees: Vec<VisitAttendee>,
    /// People of other households at the same session.
    pub other_attendees: u32,
    pub topics: Vec<String>,
    pub notes: String,
    /// A later visit corrects this one: show it struck through; it does not count.
    pub superseded: bool,
    pub superseded_by: Option<VisitId>,
    /// The visit this one corrects.
    pub corrects: Option<VisitId>,
}

/// Everything the household screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseholdScreen {
    pub household: Household,
    pub village_name: String,
    pub status: HouseholdStatus,
    /// The head first, then by birth year and name.
    pub members: Vec<MemberLadder>,
    /// Newest first, corrected visits included (marked `superseded`).
    pub visits: Vec<VisitEntry>,
    /// Newest first.
    pub self_reports: Vec<SelfReport>,
}

/// One fact about one skill, replayed in HLC order as the store derives levels.
struct Event {
    hlc: String,
    skill: String,
    at: String,
    set: bool,
    level: SkillLevel,
    source: SkillSource,
}

fn member_names(c: &Connection) -> CoreResult<HashMap<MemberId, String>> {
    let mut st = c.prepare_cached("SELECT id, full_name FROM team_members")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn events(c: &Connection, person: PersonId, names: &HashMap<MemberId, String>) -> CoreResult<Vec<Event>> {
    let name = |m: &MemberId| names.get(m).cloned();
    let mut out = Vec::new();
    let mut st = c.prepare_cached(
        "SELECT v.hlc, o.code, v.occurred_at, v.id, v.volunteer_id FROM visit_outcomes o JOIN visits v ON v.id = o.visit_id
         WHERE o.person_id = ?1 AND o.kind = 'skill'",
    )?;
    let rows = st.query_map([person], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, MemberId>(4)?)))?;
    for row in rows {
        let (hlc, skill, at, visit_id, volunteer_id) = row?;
        let source = SkillSource::Visit { visit_id, volunteer_id, volunteer_name: name(&volunteer_id) };
        out.push(Event { hlc, skill, at, set: false, level: SkillLevel::Guided, source });
    }
    let mut st = c.prepare_cached("SELECT hlc, skills, reported_at, channel FROM self_reports WHERE person_id = ?1")?;
    let rows =
        st.query_map([person], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?;
    for row in rows {
        let (hlc, skills, at, channel) = row?;
        let channel: Channel = serde_json::from_value(serde_json::Value::String(channel))?;
        for skill in skills.split(',').filter(|s| !s.is_empty()) {
            let source = SkillSource::SelfReport { channel };
            out.push(Event {
                hlc: hlc.clone(),
                skill: skill.to_owned(),
                at: at.clone(),
                set: false,
                level: SkillLevel::SelfReported,
                source,
            });
        }
    }
    let mut st = c.prepare_cached("SELECT hlc, skill, at, leader_id FROM skill_verifications WHERE person_id = ?1")?;
    let rows = st.query_map([person], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, MemberId>(3)?)))?;
    for row in rows {
        let (hlc, skill, at, leader_id) = row?;
        let source = SkillSource::Verification { leader_id, leader_name: name(&leader_id) };
        out.push(Event { hlc, skill, at, set: false, level: SkillLevel::Verified, source });
    }
    let mut st = c.prepare_cached("SELECT hlc, skill, at, leader_id, to_level, reason FROM skill_corrections WHERE person_id = ?1")?;
    let rows = st.query_map([person], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, MemberId>(3)?, r.get::<_, i64>(4)?, r.get::<_, String>(5)?))
    })?;
    for row in rows {
        let (hlc, skill, at, leader_id, level, reason) = row?;
        let source = SkillSource::Correction { leader_id, leader_name: name(&leader_id), reason };
        let level = SkillLevel::from_i64(level).unwrap_or(SkillLevel::NotStarted);
        out.push(Event { hlc, skill, at, set: true, level, source });
    }
    out.sort_by(|a, b| match (a.hlc.parse::<Hlc>(), b.hlc.parse::<Hlc>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.hlc.cmp(&b.hlc),
    });
    Ok(out)
}

/// Replay a person's facts the way the store derives levels, keeping for each skill the
/// fact that last changed it.
fn sources(events: Vec<Event>) -> HashMap<String, (SkillLevel, String, SkillSource)> {
    let mut by_skill: HashMap<String, (SkillLevel, String, SkillSource)> = HashMap::new();
    for e in events {
        match by_skill.get(&e.skill) {
            Some((level, _, _)) if !e.set && e.level <= *level => {}
            _ => {
                by_skill.insert(e.skill, (e.level, e.at, e.source));
            }
        }
    }
    by_skill
}

impl Store {
    /// A household as its detail screen shows it.
    pub fn household_screen(&self, id: HouseholdId) -> CoreResult<HouseholdScreen> {
        let detail = self.household_detail(id)?;
        self.read(|c| {
            let names = member_names(c)?;
            let mut members = Vec::with_capacity(detail.members.len());
            for m in detail.members {
                let mut replayed = sources(events(c, m.person.id, &names)?);
                let ladder: Vec<LadderStep> = catalog::SKILLS
                    .iter()
                    .map(|s| {
                        let stored = m.skills.iter().find(|p| p.skill == s.code);
                        let level = stored.map_or(SkillLevel::NotStarted, |p| p.level);
                        // The stored level is the truth; the replay names its source.
                        let source = replayed.remove(s.code).filter(|(l, _, _)| *l == level && level > SkillLevel::NotStarted);
                        LadderStep {
                            skill: s.code.to_owned(),
                            name_vi: s.name_vi.to_owned(),
                            name_en: s.name_en.to_owned(),
                            level,
                            since: stored.filter(|_| level > SkillLevel::NotStarted).and_then(|p| p.updated_at),
                            source: source.map(|(_, _, src)| src),
                        }
                    })
                    .collect();
                let skills_mastered = ladder.iter().filter(|s| s.level >= SkillLevel::MASTERY).count() as u32;
                members.push(MemberLadder { person: m.person, ladder, skills_mastered, masters_all: m.masters_all });
            }
            let mut person_names: HashMap<PersonId, String> = HashMap::new();
            let mut st = c.prepare_cached("SELECT id, full_name FROM persons WHERE household_id = ?1")?;
            for row in st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))? {
                let (p, n) = row?;
                person_names.insert(p, n);
            }
            let visits = detail
                .visits
                .into_iter()
                .map(|v| {
                    let (mine, others): (Vec<_>, Vec<_>) =
                        v.attendees.into_iter().partition(|a| a.household_id == Some(id) || person_names.contains_key(&a.person_id));
                    VisitEntry {
                        visit_id: v.id,
                        occurred_at: v.occurred_at,
                        recorded_at: v.recorded_at,
                        group_session: matches!(v.place, VisitPlace::Group { .. }),
                        place: v.place,
                        recorded_by: v.volunteer_id,
                        recorded_by_name: names.get(&v.volunteer_id).cloned(),
                        attendees: mine
                            .into_iter()
                            .map(|a| VisitAttendee {
                                full_name: person_names.get(&a.person_id).cloned().unwrap_or_default(),
                                person_id: a.person_id,
                                skills_guided: a.skills_guided,
                                actions: a.actions,
                            })
                            .collect(),
                        other_attendees: others.len() as u32,
                        topics: v.topics,
                        notes: v.notes,
                        superseded: v.superseded_by.is_some(),
                        superseded_by: v.superseded_by,
                        corrects: v.supersedes,
                    }
                })
                .collect();
            Ok(HouseholdScreen {
                household: detail.household,
                village_name: detail.village_name,
                status: detail.status,
                members,
                visits,
                self_reports: detail.self_reports,
            })
        })
    }
}
