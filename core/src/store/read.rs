//! What the app screens read: an assignment's households with their status, household
//! detail, accent-insensitive search, a volunteer's work today.

use super::{parse_ts, text_enum, Store};
use crate::catalog;
use crate::clock::VIETNAM;
use crate::error::{CoreError, CoreResult};
use crate::ids::{HouseholdId, MemberId, PersonId, TeamId, VillageId, VisitId};
use crate::model::{
    Attendee, CoarseLocation, Consent, Household, HouseholdIndicators, HouseholdStatus, HouseholdSummary, Person, SelfReport, SkillLevel,
    SkillProgress, Visit, VisitPlace,
};
use crate::search;
use chrono::{NaiveDate, TimeZone};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use std::collections::HashMap;

/// One member with their progress in each of the 5 skills.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberDetail {
    pub person: Person,
    /// One entry per catalog skill, in catalog order.
    pub skills: Vec<SkillProgress>,
    pub masters_all: bool,
}

/// Everything the household screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseholdDetail {
    pub household: Household,
    pub village_name: String,
    pub status: HouseholdStatus,
    pub members: Vec<MemberDetail>,
    /// Newest first, corrected visits included (with `superseded_by` set).
    pub visits: Vec<Visit>,
    pub self_reports: Vec<SelfReport>,
}

/// A search hit's address, village name and members (id, name, folded name).
type PageDetail = (String, String, Vec<(PersonId, String, String)>);

/// One page of search results.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// Every match, on all pages.
    pub total: u32,
    /// Where the next page starts, if there is one.
    pub next_offset: Option<u32>,
}

/// A search result: a household, and the member whose name matched, if any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub household_id: HouseholdId,
    pub address: String,
    pub village_name: String,
    pub head_name: String,
    pub person_id: Option<PersonId>,
    pub person_name: Option<String>,
    /// How well it matched (results come best first).
    pub rank: search::MatchRank,
}

/// A person as a form names them: their name and their household's address and village
/// (to tell two people of the same name apart at a group session).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonRef {
    pub person_id: PersonId,
    pub full_name: String,
    pub household_id: HouseholdId,
    pub address: String,
    pub village_name: String,
}

/// A volunteer's day: what they did today and what is left.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TodaysWork {
    pub day: NaiveDate,
    pub visits_today: u32,
    pub people_guided_today: u32,
    pub households_assigned: u32,
    pub households_not_visited: u32,
    pub households_goal_reached: u32,
}

fn status(visit_count: u32, mastered: u32, goal: u32) -> HouseholdStatus {
    if mastered >= goal.max(1) {
        HouseholdStatus::GoalReached
    } else if visit_count > 0 {
        HouseholdStatus::Visited
    } else {
        HouseholdStatus::NotVisited
    }
}

/// Households in villages assigned to a team (or one volunteer of it), in village and
/// address order straight from the covering index `households_assignment`.
const ASSIGNED_VILLAGES: &str =
    "SELECT h.id, h.village_id, h.address, h.head_name, h.member_count, h.visit_count, h.last_visit_at, h.mastered_count
     FROM households h
     WHERE h.deleted = 0 AND h.village_id IN (SELECT village_id FROM assignments
         WHERE team_id = ?1 AND village_id IS NOT NULL AND (?2 IS NULL OR volunteer_id IS NULL OR volunteer_id = ?2))
     ORDER BY h.village_id, h.address";

/// Households assigned one by one (usually none). Kept apart from the village query:
/// an OR of the two defeats the index and costs a sort.
const ASSIGNED_HOUSEHOLDS: &str =
    "SELECT h.id, h.village_id, h.address, h.head_name, h.member_count, h.visit_count, h.last_visit_at, h.mastered_count
     FROM households h
     WHERE h.deleted = 0 AND h.id IN (SELECT household_id FROM assignments
         WHERE team_id = ?1 AND household_id IS NOT NULL AND (?2 IS NULL OR volunteer_id IS NULL OR volunteer_id = ?2))";

fn household_row(r: &Row<'_>) -> rusqlite::Result<Household> {
    let lat: Option<f64> = r.get("lat")?;
    let lon: Option<f64> = r.get("lon")?;
    Ok(Household {
        id: r.get("id")?,
        village_id: r.get("village_id")?,
        address: r.get("address")?,
        head_id: r.get("head_id")?,
        phone: r.get("phone")?,
        location: lat.zip(lon).map(|(lat, lon)| CoarseLocation { lat, lon }),
        indicators: HouseholdIndicators {
            has_smartphone: r.get("has_smartphone")?,
            has_broadband: r.get("has_broadband")?,
            has_epayment_adult: r.get("has_epayment_adult")?,
            uses_internet: r.get("uses_internet")?,
        },
        created_at: parse_ts(&r.get::<_, String>("created_at")?)?,
    })
}

fn person_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get("id")?,
        household_id: r.get("household_id")?,
        full_name: r.get("full_name")?,
        birth_year: r.get("birth_year")?,
        sex: r.get::<_, Option<String>>("sex")?.map(|s| text_enum(&s)).transpose()?,
        relation: text_enum(&r.get::<_, String>("relation")?)?,
        phone: r.get("phone")?,
        vneid_activated: r.get("vneid_activated")?,
        consent: Consent {
            given_by: r.get("consent_given_by")?,
            given_at: parse_ts(&r.get::<_, String>("consent_given_at")?)?,
            purpose: r.get("consent_purpose")?,
            recorded_by: r.get("consent_recorded_by")?,
        },
    })
}

/// Load visits (with attendees, outcomes and topics) matching a WHERE clause on `v`.
pub(crate) fn load_visits(c: &Connection, where_clause: &str, param: &dyn rusqlite::ToSql) -> CoreResult<Vec<Visit>> {
    let sql = format!(
        "SELECT v.id, v.household_id, v.place, v.campaign_id, v.team_id, v.volunteer_id, v.occurred_at, v.recorded_at, v.notes, v.lat, v.lon,
                v.supersedes, (SELECT c.id FROM visits c WHERE c.supersedes = v.id), v.correction_reason
         FROM visits v WHERE {where_clause} ORDER BY v.occurred_at DESC, v.id DESC"
    );
    let mut st = c.prepare_cached(&sql)?;
    let mut visits: Vec<Visit> = st
        .query_map([param], |r| {
            let household: Option<HouseholdId> = r.get(1)?;
            let place: Option<String> = r.get(2)?;
            let lat: Option<f64> = r.get(9)?;
            let lon: Option<f64> = r.get(10)?;
            Ok(Visit {
                id: r.get(0)?,
                place: match household {
                    Some(household_id) => VisitPlace::Household { household_id },
                    None => VisitPlace::Group { place: place.unwrap_or_default() },
                },
                campaign_id: r.get(3)?,
                team_id: r.get(4)?,
                volunteer_id: r.get(5)?,
                occurred_at: parse_ts(&r.get::<_, String>(6)?)?,
                recorded_at: parse_ts(&r.get::<_, String>(7)?)?,
                attendees: vec![],
                topics: vec![],
                notes: r.get(8)?,
                location: lat.zip(lon).map(|(lat, lon)| CoarseLocation { lat, lon }),
                supersedes: r.get(11)?,
                correction_reason: r.get(13)?,
                superseded_by: r.get(12)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut topics = c.prepare_cached("SELECT topic FROM visit_topics WHERE visit_id = ?1 ORDER BY topic")?;
    let mut attendees = c.prepare_cached("SELECT person_id, household_id FROM visit_attendees WHERE visit_id = ?1 ORDER BY person_id")?;
    let mut outcomes =
        c.prepare_cached("SELECT person_id, kind, code FROM visit_outcomes WHERE visit_id = ?1 ORDER BY person_id, kind, code")?;
    for v in &mut visits {
        v.topics = topics.query_map([v.id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let mut by_person: Vec<Attendee> = attendees
            .query_map([v.id], |r| Ok(Attendee { person_id: r.get(0)?, household_id: r.get(1)?, ..Default::default() }))?
            .collect::<Result<_, _>>()?;
        let index: HashMap<PersonId, usize> = by_person.iter().enumerate().map(|(i, a)| (a.person_id, i)).collect();
        let rows = outcomes.query_map([v.id], |r| Ok((r.get::<_, PersonId>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (p, kind, code) = row?;
            let Some(a) = index.get(&p).and_then(|i| by_person.get_mut(*i)) else { continue };
            match kind.as_str() {
                "skill" => a.skills_guided.push(code),
                "action" => a.actions.push(code),
                _ => a.apps_installed.push(code),
            }
        }
        v.attendees = std::mem::take(&mut by_person);
    }
    Ok(visits)
}

impl Store {
    /// The households a team (or one volunteer of it) works on, with their status.
    pub fn assignment_households(&self, team: TeamId, volunteer: Option<MemberId>) -> CoreResult<Vec<HouseholdSummary>> {
        let goal = self.options.household_goal;
        let row = |r: &Row<'_>| {
            let visit_count: u32 = r.get(5)?;
            let mastered_count: u32 = r.get(7)?;
            Ok(HouseholdSummary {
                id: r.get(0)?,
                village_id: r.get(1)?,
                address: r.get(2)?,
                head_name: r.get(3)?,
                member_count: r.get(4)?,
                visit_count,
                last_visit_at: r.get::<_, Option<String>>(6)?.map(|s| parse_ts(&s)).transpose()?,
                mastered_count,
                status: status(visit_count, mastered_count, goal),
            })
        };
        self.read(|c| {
            let mut rows: Vec<HouseholdSummary> =
                c.prepare_cached(ASSIGNED_VILLAGES)?.query_map(params![team, volunteer], row)?.collect::<Result<_, _>>()?;
            let singles: Vec<HouseholdSummary> =
                c.prepare_cached(ASSIGNED_HOUSEHOLDS)?.query_map(params![team, volunteer], row)?.collect::<Result<_, _>>()?;
            if !singles.is_empty() {
                let seen: std::collections::HashSet<HouseholdId> = rows.iter().map(|r| r.id).collect();
                rows.extend(singles.into_iter().filter(|s| !seen.contains(&s.id)));
                // Same order as SQLite's: village id text, then address bytes.
                rows.sort_by(|a, b| (a.village_id.to_string(), &a.address).cmp(&(b.village_id.to_string(), &b.address)));
            }
            Ok(rows)
        })
    }

    /// A household with its members, their skills, its visits and self-reports.
    pub fn household_detail(&self, id: HouseholdId) -> CoreResult<HouseholdDetail> {
        let goal = self.options.household_goal;
        self.read(|c| {
            let (household, village_name, visit_count, mastered) = c
                .prepare_cached(
                    "SELECT h.*, COALESCE(v.name, '') AS village_name FROM households h LEFT JOIN villages v ON v.id = h.village_id WHERE h.id = ?1 AND h.deleted = 0",
                )?
                .query_row([id], |r| Ok((household_row(r)?, r.get::<_, String>("village_name")?, r.get::<_, u32>("visit_count")?, r.get::<_, u32>("mastered_count")?)))
                .optional()?
                .ok_or_else(|| CoreError::NotFound { entity: "household", id: id.to_string() })?;
            let mut st = c.prepare_cached("SELECT * FROM persons WHERE household_id = ?1 AND deleted = 0 ORDER BY relation = 'head' DESC, birth_year, full_name")?;
            let persons: Vec<Person> = st.query_map([id], person_row)?.collect::<Result<_, _>>()?;
            let mut skill_st = c.prepare_cached("SELECT skill, level, updated_at FROM person_skills WHERE person_id = ?1")?;
            let mut members = Vec::with_capacity(persons.len());
            for person in persons {
                let mut levels: HashMap<String, (SkillLevel, Option<String>)> = HashMap::new();
                for row in skill_st.query_map([person.id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))? {
                    let (skill, level, at) = row?;
                    levels.insert(skill, (SkillLevel::from_i64(level).unwrap_or(SkillLevel::NotStarted), Some(at)));
                }
                let skills: Vec<SkillProgress> = catalog::SKILLS
                    .iter()
                    .map(|s| {
                        let (level, at) = levels.remove(s.code).unwrap_or((SkillLevel::NotStarted, None));
                        Ok(SkillProgress { skill: s.code.to_owned(), level, updated_at: at.map(|a| parse_ts(&a)).transpose()? })
                    })
                    .collect::<rusqlite::Result<_>>()?;
                let masters_all = skills.iter().all(|s| s.level >= SkillLevel::MASTERY);
                members.push(MemberDetail { person, skills, masters_all });
            }
            let visits = load_visits(c, "v.id IN (SELECT visit_id FROM visit_attendees WHERE household_id = ?1)", &id)?;
            let mut sr = c.prepare_cached(
                "SELECT s.id, s.person_id, s.skills, s.channel, s.reported_at FROM self_reports s JOIN persons p ON p.id = s.person_id
                 WHERE p.household_id = ?1 ORDER BY s.reported_at DESC",
            )?;
            let self_reports = sr
                .query_map([id], |r| {
                    Ok(SelfReport {
                        id: r.get(0)?,
                        person_id: r.get(1)?,
                        skills: r.get::<_, String>(2)?.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
                        channel: text_enum(&r.get::<_, String>(3)?)?,
                        reported_at: parse_ts(&r.get::<_, String>(4)?)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            Ok(HouseholdDetail { household, village_name, status: status(visit_count, mastered, goal), members, visits, self_reports })
        })
    }

    /// One visit by id.
    pub fn visit(&self, id: VisitId) -> CoreResult<Visit> {
        self.read(|c| load_visits(c, "v.id = ?1", &id)?.pop().ok_or_else(|| CoreError::NotFound { entity: "visit", id: id.to_string() }))
    }

    /// Accent-insensitive search over names, addresses and villages: `dang` finds
    /// `Đặng`, `nguyen van a` finds `Nguyễn Văn A`. Optionally within one village. The
    /// first `limit` hits of [`Self::search_page`].
    pub fn search(&self, query: &str, village: Option<VillageId>, limit: u32) -> CoreResult<Vec<SearchHit>> {
        Ok(self.search_page(query, village, 0, limit)?.hits)
    }

    /// Every household matching every word of `query` (in any order, anywhere in its
    /// address, village or members' names), best first — a member's whole name, then
    /// words that begin words, then substrings ([`search::MatchRank`]), then by head's name —
    /// and the page of them from `offset` (at most [`search::MAX_PAGE`] hits).
    pub fn search_page(&self, query: &str, village: Option<VillageId>, offset: u32, limit: u32) -> CoreResult<SearchPage> {
        let terms = search::query_terms(query);
        if terms.is_empty() {
            return Ok(SearchPage::default());
        }
        let limit = limit.min(search::MAX_PAGE) as usize;
        let whole = terms.join(" ");
        self.read(|c| {
            let row = |r: &Row<'_>| Ok((r.get::<_, HouseholdId>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?));
            // The trigram index finds the households holding every term of three letters or
            // more; shorter terms (`Lê`, `A`) are checked on the key below.
            let mut candidates: Vec<(HouseholdId, String, String)> = match search::fts_query(&terms) {
                Some(fts) => c
                    .prepare_cached(
                        "SELECT household_id, head_name, key FROM household_search
                         WHERE household_search MATCH ?1 AND (?2 IS NULL OR village_id = ?2)",
                    )?
                    .query_map(params![fts, village], row)?
                    .collect::<Result<_, _>>()?,
                None => c
                    .prepare_cached(
                        "SELECT household_id, head_name, key FROM household_search
                         WHERE instr(key, ?1) > 0 AND (?2 IS NULL OR village_id = ?2)",
                    )?
                    .query_map(params![terms[0], village], row)?
                    .collect::<Result<_, _>>()?,
            };
            candidates.retain(|(_, _, key)| search::matches(key, &terms));
            let whole_name: std::collections::HashSet<HouseholdId> = c
                .prepare_cached("SELECT household_id FROM persons WHERE search_key = ?1 AND deleted = 0")?
                .query_map([&whole], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut ranked: Vec<(search::MatchRank, String, HouseholdId)> =
                candidates.into_iter().map(|(id, head, key)| (search::rank(&key, &terms, whole_name.contains(&id)), head, id)).collect();
            ranked.sort_unstable();
            let total = ranked.len();
            let from = (offset as usize).min(total);
            let to = from.saturating_add(limit).min(total);
            let page: Vec<(search::MatchRank, String, HouseholdId)> = ranked.drain(from..to).collect();
            // The page's addresses, villages and members in one statement.
            let mut details: HashMap<HouseholdId, PageDetail> = HashMap::new();
            if !page.is_empty() {
                let marks = vec!["?"; page.len()].join(", ");
                let mut st = c.prepare(&format!(
                    "SELECT h.id, h.address, COALESCE(v.name, ''), p.id, p.full_name, p.search_key FROM households h
                     LEFT JOIN villages v ON v.id = h.village_id LEFT JOIN persons p ON p.household_id = h.id AND p.deleted = 0
                     WHERE h.id IN ({marks}) ORDER BY p.full_name"
                ))?;
                let mut rows = st.query(rusqlite::params_from_iter(page.iter().map(|(_, _, id)| *id)))?;
                while let Some(r) = rows.next()? {
                    let entry = details.entry(r.get(0)?).or_insert_with(|| (String::new(), String::new(), Vec::new()));
                    entry.0 = r.get(1)?;
                    entry.1 = r.get(2)?;
                    if let Some(person) = r.get::<_, Option<PersonId>>(3)? {
                        entry.2.push((person, r.get(4)?, r.get(5)?));
                    }
                }
            }
            let mut hits = Vec::with_capacity(page.len());
            for (rank, head_name, household_id) in page {
                let (address, village_name, people) = details.remove(&household_id).unwrap_or_default();
                // The member the query names: their whole name, else every word in their name.
                let person = people
                    .iter()
                    .find(|(_, _, k)| *k == whole)
                    .or_else(|| people.iter().find(|(_, _, k)| search::matches(k, &terms)))
                    .map(|(id, name, _)| (*id, name.clone()));
                hits.push(SearchHit {
                    household_id,
                    address,
                    village_name,
                    head_name,
                    person_id: person.as_ref().map(|p| p.0),
                    person_name: person.map(|p| p.1),
                    rank,
                });
            }
            let next_offset = (to < total).then_some(to as u32);
            Ok(SearchPage { hits, total: total as u32, next_offset })
        })
    }

    /// The people of `ids` this device holds (not deleted), in the order asked; ids not
    /// found are left out.
    pub fn people_named(&self, ids: &[PersonId]) -> CoreResult<Vec<PersonRef>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT p.full_name, h.id, h.address, COALESCE(v.name, '') FROM persons p
                 JOIN households h ON h.id = p.household_id LEFT JOIN villages v ON v.id = h.village_id
                 WHERE p.id = ?1 AND p.deleted = 0",
            )?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let row = st
                    .query_row([id], |r| {
                        Ok(PersonRef {
                            person_id: *id,
                            full_name: r.get(0)?,
                            household_id: r.get(1)?,
                            address: r.get(2)?,
                            village_name: r.get(3)?,
                        })
                    })
                    .optional()?;
                out.extend(row);
            }
            Ok(out)
        })
    }

    /// A volunteer's work on a Vietnamese calendar day.
    pub fn todays_work(&self, team: TeamId, volunteer: MemberId, day: NaiveDate) -> CoreResult<TodaysWork> {
        let households = self.assignment_households(team, Some(volunteer))?;
        let start = VIETNAM.from_local_datetime(&day.and_time(chrono::NaiveTime::MIN)).single().map(|t| t.with_timezone(&chrono::Utc));
        let Some(start) = start else { return Err(CoreError::NotFound { entity: "day", id: day.to_string() }) };
        let end = start + chrono::Duration::days(1);
        let (visits, people): (u32, u32) = self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT count(DISTINCT v.id), count(DISTINCT a.person_id) FROM visits v JOIN visit_attendees a ON a.visit_id = v.id
                 WHERE v.volunteer_id = ?1 AND v.occurred_at >= ?2 AND v.occurred_at < ?3
                   AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = v.id)",
            )?
            .query_row(params![volunteer, super::ts(start), super::ts(end)], |r| Ok((r.get(0)?, r.get(1)?)))?)
        })?;
        Ok(TodaysWork {
            day,
            visits_today: visits,
            people_guided_today: people,
            households_assigned: households.len() as u32,
            households_not_visited: households.iter().filter(|h| h.status == HouseholdStatus::NotVisited).count() as u32,
            households_goal_reached: households.iter().filter(|h| h.status == HouseholdStatus::GoalReached).count() as u32,
        })
    }
}
