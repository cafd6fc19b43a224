//! The progress figures officials report, computed from the stored facts for a team,
//! a village, a commune or everything, within a campaign window or a date range.
//!
//! Counting rules (documented here because reports depend on them):
//! - A visit counts once, and only if no later visit corrects (supersedes) it.
//! - A visit belongs to a scope if at least one person guided in it lives in a
//!   household of the scope; a group session can thus count in several villages.
//! - "People guided" are the distinct people present at counted visits.
//! - Skill levels and household indicators are the current state of the people and
//!   households in scope, whatever the window.
//! - A person masters the 5 skills when each is at least the chosen level (by default
//!   [`SkillLevel::MASTERY`]); a household reaches the plan's goal with ≥1 (or ≥2) such
//!   members. Both thresholds are reported because the plan says "1 to 2".
//! - Days are Vietnamese calendar days (UTC+7).
//! - Records pinned to a unit of an earlier structure (a village recorded in 2024 under
//!   its 2008 commune) count under today's unit: a 2008 commune under the 2025 commune it
//!   became (its default one if it was split), see [`crate::units::AdminTree::report_unit_on`].

use crate::catalog;
use crate::clock::VIETNAM;
use crate::error::CoreResult;
use crate::ids::{TeamId, VillageId};
use crate::model::{Campaign, SkillLevel};
use crate::store::Store;
use crate::units::AdminUnit;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

/// Whose figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Scope {
    All,
    /// A province in today's structure (key like `2025:p:14`): villages are counted
    /// through their commune, and a pre-2025 commune through the commune it became (its
    /// default one if it was split; its province where no commune is known).
    Province(String),
    /// A commune. Villages recorded under exactly this key count, and for a commune of
    /// today's structure (key like `2025:c:15349`) so do villages recorded under a
    /// pre-2025 commune that became it (its default one, for a split commune).
    Commune(String),
    Village(VillageId),
    /// The households assigned to a team (its villages and single households).
    Team(TeamId),
}

/// What to count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureQuery {
    pub scope: Scope,
    /// First and last Vietnamese day counted (inclusive); `None` = all time.
    pub days: Option<(NaiveDate, NaiveDate)>,
    /// The level each of the 5 skills must reach for a person to count as mastering them.
    pub mastery: SkillLevel,
}

impl FigureQuery {
    pub fn all_time(scope: Scope) -> Self {
        Self { scope, days: None, mastery: SkillLevel::MASTERY }
    }

    pub fn for_campaign(scope: Scope, c: &Campaign) -> Self {
        Self { scope, days: Some((c.starts_on, c.ends_on)), mastery: SkillLevel::MASTERY }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicFigure {
    pub topic: String,
    pub visits: u32,
    pub people: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionFigure {
    pub action: String,
    pub people: u32,
}

/// People in scope at each level of one skill.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillFigure {
    pub skill: String,
    pub not_started: u32,
    pub guided: u32,
    pub self_reported: u32,
    pub verified: u32,
}

/// Households answering yes / no / not asked to one indicator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorFigure {
    pub indicator: String,
    pub yes: u32,
    pub no: u32,
    pub unknown: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigure {
    pub day: NaiveDate,
    pub visits: u32,
    pub households_visited: u32,
    pub people_guided: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub households: u32,
    pub households_visited: u32,
    pub people: u32,
    pub people_guided: u32,
    pub visits: u32,
    pub household_visits: u32,
    pub group_sessions: u32,
    /// Catalog topics in catalog order (zeros included), then local topics by code.
    pub topics: Vec<TopicFigure>,
    pub actions: Vec<ActionFigure>,
    pub skills: Vec<SkillFigure>,
    pub people_mastering_all: u32,
    pub households_with_1_master: u32,
    pub households_with_2_masters: u32,
    pub indicators: Vec<IndicatorFigure>,
    /// Days with at least one counted visit, in order.
    pub days: Vec<DayFigure>,
}

/// Household indicator columns, in report order.
pub const INDICATORS: [&str; 4] = ["has_smartphone", "has_broadband", "has_epayment_adult", "uses_internet"];

fn bounds(days: Option<(NaiveDate, NaiveDate)>) -> (String, String) {
    let at = |d: NaiveDate| -> Option<DateTime<Utc>> {
        VIETNAM.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN)).single().map(|t| t.with_timezone(&Utc))
    };
    match days.and_then(|(a, b)| Some((at(a)?, at(b.succ_opt()?)?))) {
        Some((a, b)) => (crate::store::ts_text(a), crate::store::ts_text(b)),
        None => ("0000".into(), "9999".into()),
    }
}

/// SQL for the scope's households (`sh`), effective visits in the window (`ev`), and
/// their attendees from scope households (`ea`). Parameters: ?1 scope id, ?2/?3 window.
fn ctes(scope: &Scope) -> String {
    let households = match scope {
        Scope::All => "SELECT id FROM households WHERE deleted = 0 AND ?1 IS NULL",
        Scope::Province(_) | Scope::Commune(_) => {
            "SELECT h.id FROM households h JOIN villages v ON v.id = h.village_id
             WHERE h.deleted = 0 AND v.commune_key IN (SELECT value FROM json_each(?1))"
        }
        Scope::Village(_) => "SELECT id FROM households WHERE deleted = 0 AND village_id = ?1",
        Scope::Team(_) => {
            "SELECT id FROM households WHERE deleted = 0 AND (village_id IN (SELECT village_id FROM assignments WHERE team_id = ?1 AND village_id IS NOT NULL)
                OR id IN (SELECT household_id FROM assignments WHERE team_id = ?1 AND household_id IS NOT NULL))"
        }
    };
    format!(
        "WITH sh AS ({households}),
         ev AS (SELECT v.id, v.household_id, v.occurred_at FROM visits v
                WHERE v.occurred_at >= ?2 AND v.occurred_at < ?3 AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = v.id)),
         ea AS (SELECT a.visit_id, a.person_id, a.household_id, ev.occurred_at, ev.household_id AS at_household
                FROM visit_attendees a JOIN ev ON ev.id = a.visit_id WHERE a.household_id IN (SELECT id FROM sh)),
         sp AS (SELECT p.id, p.household_id FROM persons p WHERE p.deleted = 0 AND p.household_id IN (SELECT id FROM sh))"
    )
}

/// The commune keys stored on this database (on villages) that `keep` accepts, given
/// the unit each is reported under on `on` (`None`: unknown key, or nothing valid then).
fn stored_communes(c: &Connection, on: NaiveDate, keep: impl Fn(&str, Option<&AdminUnit>) -> bool) -> CoreResult<Vec<String>> {
    let tree = crate::units::official();
    let mut st = c.prepare_cached("SELECT DISTINCT commune_key FROM villages")?;
    let keys: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(keys.into_iter().filter(|k| keep(k, tree.report_unit_on(k, on))).collect())
}

fn scope_param(c: &Connection, scope: &Scope) -> CoreResult<Option<String>> {
    let tree = crate::units::official();
    let today = || crate::clock::vietnam_date(Utc::now());
    Ok(match scope {
        Scope::All => None,
        Scope::Province(p) => {
            let keys = stored_communes(c, today(), |_, unit| unit.and_then(|u| tree.province_of(&u.key)).is_some_and(|x| &x.key == p))?;
            Some(serde_json::to_string(&keys)?)
        }
        Scope::Commune(k) => {
            let keys = stored_communes(c, today(), |key, unit| key == k || unit.is_some_and(|u| &u.key == k))?;
            Some(serde_json::to_string(&keys)?)
        }
        Scope::Village(v) => Some(v.to_string()),
        Scope::Team(t) => Some(t.to_string()),
    })
}

/// [`ctes`] plus the people mastering all 5 skills at `mastery` (`pm`).
fn masters_cte(cte: &str, mastery: SkillLevel) -> String {
    let codes: Vec<&str> = catalog::SKILLS.iter().map(|s| s.code).collect();
    format!(
        "{cte}, pm AS (SELECT sp.id, sp.household_id FROM sp WHERE (SELECT count(*) FROM person_skills s WHERE s.person_id = sp.id AND s.level >= {}
            AND s.skill IN ('{}')) = {})",
        mastery as i64,
        codes.join("','"),
        codes.len()
    )
}

/// The window's bounds as stored times (for queries beside the figures').
pub(crate) fn window_bounds(days: Option<(NaiveDate, NaiveDate)>) -> (String, String) {
    bounds(days)
}

/// Households of `q`'s scope with at least `goal` members mastering all 5 skills (the
/// figures report 1 and 2; a campaign may ask for more).
pub(crate) fn households_with_masters(c: &Connection, q: &FigureQuery, goal: u32) -> CoreResult<u32> {
    let masters = masters_cte(&ctes(&q.scope), q.mastery);
    let (from, to) = bounds(q.days);
    let sql =
        format!("{masters} SELECT count(*) FROM (SELECT household_id FROM pm GROUP BY household_id HAVING count(*) >= {})", goal.max(1));
    Ok(c.prepare_cached(&sql)?.query_row(params![scope_param(c, &q.scope)?, from, to], |r| r.get(0))?)
}

/// One team member's counted work: the visits they recorded for their team, by the
/// rules of [`Figures`] (a visit counts once, a corrected one not at all, only people of
/// the scope's households, days in the window).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolunteerFigures {
    pub volunteer_id: crate::ids::MemberId,
    pub visits: u32,
    pub group_sessions: u32,
    pub people_guided: u32,
    pub households_visited: u32,
    /// Of the households they visited, those whose members mastering all 5 skills reach `goal`.
    pub households_goal_reached: u32,
    /// Their latest counted visit.
    pub last_visit_at: Option<DateTime<Utc>>,
}

/// [`VolunteerFigures`] for each member of team `team` who recorded a counted visit, in a
/// team scope query `q` (its scope must be [`Scope::Team`] of the same team).
pub(crate) fn per_volunteer(c: &Connection, team: TeamId, q: &FigureQuery, goal: u32) -> CoreResult<Vec<VolunteerFigures>> {
    let scope = Scope::Team(team);
    let masters = masters_cte(&ctes(&scope), q.mastery);
    let (from, to) = bounds(q.days);
    let p = params![scope_param(c, &scope)?, from, to];
    let sql = format!(
        "{masters}, goal AS (SELECT household_id FROM pm GROUP BY household_id HAVING count(*) >= {goal}),
         mine AS (SELECT v.volunteer_id, ea.* FROM ea JOIN visits v ON v.id = ea.visit_id WHERE v.team_id = ?1)
         SELECT volunteer_id, count(DISTINCT visit_id), count(DISTINCT CASE WHEN at_household IS NULL THEN visit_id END),
                count(DISTINCT person_id), count(DISTINCT household_id),
                count(DISTINCT CASE WHEN household_id IN (SELECT household_id FROM goal) THEN household_id END), max(occurred_at)
         FROM mine GROUP BY volunteer_id ORDER BY volunteer_id",
        goal = goal.max(1)
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map(p, |r| {
        Ok(VolunteerFigures {
            volunteer_id: r.get(0)?,
            visits: r.get(1)?,
            group_sessions: r.get(2)?,
            people_guided: r.get(3)?,
            households_visited: r.get(4)?,
            households_goal_reached: r.get(5)?,
            last_visit_at: r.get::<_, Option<String>>(6)?.map(|t| crate::store::parse_ts(&t)).transpose()?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn compute(c: &Connection, q: &FigureQuery) -> CoreResult<Figures> {
    let cte = ctes(&q.scope);
    let (from, to) = bounds(q.days);
    let scope = scope_param(c, &q.scope)?;
    let p = params![scope, from, to];
    let one = |sql: &str| -> CoreResult<u32> { Ok(c.prepare_cached(&format!("{cte} {sql}"))?.query_row(p, |r| r.get(0))?) };
    let mut f = Figures {
        households: one("SELECT count(*) FROM sh")?,
        people: one("SELECT count(*) FROM sp")?,
        households_visited: one("SELECT count(DISTINCT household_id) FROM ea")?,
        people_guided: one("SELECT count(DISTINCT person_id) FROM ea")?,
        visits: one("SELECT count(DISTINCT visit_id) FROM ea")?,
        household_visits: one("SELECT count(DISTINCT visit_id) FROM ea WHERE at_household IS NOT NULL")?,
        group_sessions: one("SELECT count(DISTINCT visit_id) FROM ea WHERE at_household IS NULL")?,
        ..Default::default()
    };

    let mut topics: Vec<TopicFigure> = catalog::TOPICS.iter().map(|t| TopicFigure { topic: t.code.into(), ..Default::default() }).collect();
    let mut st = c.prepare_cached(&format!(
        "{cte} SELECT t.topic, count(DISTINCT ea.visit_id), count(DISTINCT ea.person_id) FROM ea JOIN visit_topics t ON t.visit_id = ea.visit_id
         GROUP BY t.topic ORDER BY t.topic"
    ))?;
    for row in st.query_map(p, |r| Ok(TopicFigure { topic: r.get(0)?, visits: r.get(1)?, people: r.get(2)? }))? {
        let row = row?;
        match topics.iter_mut().find(|t| t.topic == row.topic) {
            Some(t) => *t = row,
            None => topics.push(row),
        }
    }
    f.topics = topics;

    let mut actions: Vec<ActionFigure> = catalog::ACTIONS.iter().map(|a| ActionFigure { action: a.code.into(), people: 0 }).collect();
    let mut st = c.prepare_cached(&format!(
        "{cte} SELECT o.code, count(DISTINCT o.person_id) FROM ea JOIN visit_outcomes o ON o.visit_id = ea.visit_id AND o.person_id = ea.person_id
         WHERE o.kind = 'action' GROUP BY o.code"
    ))?;
    for row in st.query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))? {
        let (code, people) = row?;
        if let Some(a) = actions.iter_mut().find(|a| a.action == code) {
            a.people = people;
        }
    }
    f.actions = actions;

    let mut st = c.prepare_cached(&format!(
        "{cte} SELECT s.skill, s.level, count(*) FROM sp JOIN person_skills s ON s.person_id = sp.id GROUP BY s.skill, s.level"
    ))?;
    let mut skills: Vec<SkillFigure> = catalog::SKILLS.iter().map(|s| SkillFigure { skill: s.code.into(), ..Default::default() }).collect();
    for row in st.query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, u32>(2)?)))? {
        let (skill, level, n) = row?;
        let Some(sf) = skills.iter_mut().find(|s| s.skill == skill) else { continue };
        match SkillLevel::from_i64(level) {
            Some(SkillLevel::Guided) => sf.guided += n,
            Some(SkillLevel::SelfReported) => sf.self_reported += n,
            Some(SkillLevel::Verified) => sf.verified += n,
            _ => {}
        }
    }
    for sf in &mut skills {
        sf.not_started = f.people - sf.guided - sf.self_reported - sf.verified;
    }
    f.skills = skills;

    let masters = masters_cte(&cte, q.mastery);
    let m = |sql: &str| -> CoreResult<u32> { Ok(c.prepare_cached(&format!("{masters} {sql}"))?.query_row(p, |r| r.get(0))?) };
    f.people_mastering_all = m("SELECT count(*) FROM pm")?;
    f.households_with_1_master = m("SELECT count(*) FROM (SELECT household_id FROM pm GROUP BY household_id HAVING count(*) >= 1)")?;
    f.households_with_2_masters = m("SELECT count(*) FROM (SELECT household_id FROM pm GROUP BY household_id HAVING count(*) >= 2)")?;

    for ind in INDICATORS {
        let (yes, no, unknown) = c
            .prepare_cached(&format!(
                "{cte} SELECT coalesce(sum(h.{ind} = 1), 0), coalesce(sum(h.{ind} = 0), 0), coalesce(sum(h.{ind} IS NULL), 0)
                 FROM households h WHERE h.id IN (SELECT id FROM sh)"
            ))?
            .query_row(p, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        f.indicators.push(IndicatorFigure { indicator: ind.into(), yes, no, unknown });
    }

    let mut st = c.prepare_cached(&format!(
        "{cte} SELECT date(occurred_at, '+7 hours') AS day, count(DISTINCT visit_id), count(DISTINCT household_id), count(DISTINCT person_id)
         FROM ea GROUP BY day ORDER BY day"
    ))?;
    for row in st.query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))? {
        let (day, visits, households_visited, people_guided) = row?;
        if let Ok(day) = day.parse() {
            f.days.push(DayFigure { day, visits, households_visited, people_guided });
        }
    }
    Ok(f)
}

impl Store {
    /// Progress figures for a scope and window (see the module docs for the rules).
    pub fn figures(&self, q: &FigureQuery) -> CoreResult<Figures> {
        self.read(|c| compute(c, q))
    }
}

#[cfg(test)]
mod tests;
