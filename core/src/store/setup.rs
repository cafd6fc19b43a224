//! Records that set the field up: villages, campaigns, teams and their members,
//! assignments, local topics. Officials create them (on the server or a leader's phone);
//! devices receive them through sync.

use super::{json_col, Store};
use crate::error::{CoreError, CoreResult};
use crate::ids::{AssignmentId, CampaignId, MemberId, TeamId, VillageId};
use crate::model::{Assignment, AssignmentTarget, Campaign, LocalTopic, NewCampaign, NewTeam, Team, TeamMember, Village};
use crate::problem::{Problem, ProblemCode, Problems};
use crate::sync::protocol::{Entity, OpKind};
use crate::validate;
use rusqlite::{params, OptionalExtension};

fn one_problem(p: Problem) -> CoreError {
    CoreError::Invalid(Problems(vec![p]))
}

impl Store {
    /// Add a village (thôn, bản, ấp, tổ dân phố) under a commune of the official list.
    pub fn add_village(&self, commune_key: &str, name: &str) -> CoreResult<VillageId> {
        let (village, _warnings) = {
            let (clean, problems) =
                validate::village(&Village { id: VillageId::new(), commune_key: commune_key.to_owned(), name: name.to_owned() });
            Problems::accept(clean, problems)?
        };
        self.write(|w| {
            w.tx.execute(
                "INSERT INTO villages (id, commune_key, name) VALUES (?1, ?2, ?3)",
                params![village.id, village.commune_key, village.name],
            )?;
            w.emit(Entity::Village, &village.id.to_string(), OpKind::Create, None, &village)?;
            Ok(village.id)
        })
    }

    pub fn villages(&self) -> CoreResult<Vec<Village>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT id, commune_key, name FROM villages ORDER BY name")?;
            let rows = st.query_map([], |r| Ok(Village { id: r.get(0)?, commune_key: r.get(1)?, name: r.get(2)? }))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn add_campaign(&self, c: &NewCampaign) -> CoreResult<CampaignId> {
        let (c, _warnings) = {
            let (clean, problems) = validate::campaign(c);
            Problems::accept(clean, problems)?
        };
        let campaign = Campaign {
            id: CampaignId::new(),
            name: c.name,
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            launch_at: c.launch_at,
            targets: c.targets,
            deadlines: c.deadlines,
            team_label: c.team_label,
        };
        self.write(|w| {
            w.tx.execute(
                "INSERT INTO campaigns (id, name, starts_on, ends_on, launch_at, targets, deadlines, team_label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    campaign.id,
                    campaign.name,
                    campaign.starts_on.to_string(),
                    campaign.ends_on.to_string(),
                    campaign.launch_at.map(super::ts),
                    serde_json::to_string(&campaign.targets)?,
                    serde_json::to_string(&campaign.deadlines)?,
                    campaign.team_label
                ],
            )?;
            w.emit(Entity::Campaign, &campaign.id.to_string(), OpKind::Create, None, &campaign)?;
            Ok(campaign.id)
        })
    }

    /// Every campaign, the latest first.
    pub fn campaigns(&self) -> CoreResult<Vec<Campaign>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT id FROM campaigns ORDER BY starts_on DESC, id")?;
            let ids: Vec<CampaignId> = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            ids.into_iter().filter_map(|id| load_campaign(c, id).transpose()).collect()
        })
    }

    /// Guidance topics a locality added: (code, Vietnamese name, English name).
    pub fn local_topics(&self) -> CoreResult<Vec<(String, String, String)>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT code, name_vi, name_en FROM local_topics ORDER BY code")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
    }

    pub fn campaign(&self, id: CampaignId) -> CoreResult<Campaign> {
        self.read(|c| load_campaign(c, id)?.ok_or_else(|| CoreError::NotFound { entity: "campaign", id: id.to_string() }))
    }

    pub fn add_team(&self, t: &NewTeam) -> CoreResult<TeamId> {
        let (NewTeam { commune_key, name, members }, _warnings) = {
            let (clean, problems) = validate::team(t);
            Problems::accept(clean, problems)?
        };
        let team = Team { id: TeamId::new(), commune_key, name, members };
        self.write(|w| {
            w.tx.execute("INSERT INTO teams (id, commune_key, name) VALUES (?1, ?2, ?3)", params![team.id, team.commune_key, team.name])?;
            for m in &team.members {
                insert_member(&w.tx, team.id, m)?;
            }
            w.emit(Entity::Team, &team.id.to_string(), OpKind::Create, None, &team)?;
            Ok(team.id)
        })
    }

    pub fn team(&self, id: TeamId) -> CoreResult<Team> {
        self.read(|c| {
            let (commune_key, name) = c
                .query_row("SELECT commune_key, name FROM teams WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or_else(|| CoreError::NotFound { entity: "team", id: id.to_string() })?;
            let mut st = c.prepare_cached(
                "SELECT id, full_name, phone, organisation, role, trainings FROM team_members WHERE team_id = ?1 ORDER BY full_name",
            )?;
            let members = st
                .query_map([id], |r| {
                    Ok(TeamMember {
                        id: r.get(0)?,
                        full_name: r.get(1)?,
                        phone: r.get(2)?,
                        organisation: json_col(&r.get::<_, String>(3)?)?,
                        role: json_col(&r.get::<_, String>(4)?)?,
                        trainings: json_col(&r.get::<_, String>(5)?)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            Ok(Team { id, commune_key, name, members })
        })
    }

    /// Assign a village or a household to a team, optionally to one volunteer of it.
    pub fn assign(&self, team_id: TeamId, volunteer_id: Option<MemberId>, target: AssignmentTarget) -> CoreResult<AssignmentId> {
        let a = Assignment { id: AssignmentId::new(), team_id, volunteer_id, target };
        self.write(|w| {
            let team_known: bool = w.tx.query_row("SELECT EXISTS (SELECT 1 FROM teams WHERE id = ?1)", [team_id], |r| r.get(0))?;
            if !team_known {
                return Err(one_problem(Problem::error("team_id", ProblemCode::UnknownTeam, "Không tìm thấy tổ", "Team not found")));
            }
            let (village, household) = match target {
                AssignmentTarget::Village(v) => (Some(v), None),
                AssignmentTarget::Household(h) => (None, Some(h)),
            };
            w.tx.execute(
                "INSERT INTO assignments (id, team_id, volunteer_id, village_id, household_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![a.id, a.team_id, a.volunteer_id, village, household],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => one_problem(Problem::error(
                    "target",
                    ProblemCode::UnknownVillage,
                    "Không tìm thấy thôn/bản hoặc hộ được giao",
                    "The assigned village or household was not found",
                )),
                e => e.into(),
            })?;
            w.emit(Entity::Assignment, &a.id.to_string(), OpKind::Create, None, &a)?;
            Ok(a.id)
        })
    }

    /// Add a locality's own guidance topic (its code gets the `local.` prefix and, once
    /// the device is enrolled, its unit: see [`validate::local_topic_code`]).
    pub fn add_local_topic(&self, slug: &str, name_vi: &str, name_en: &str) -> CoreResult<String> {
        let mut ps = Problems::new();
        let unit = self.enrolment()?.and_then(|e| e.commune_key);
        let code = validate::local_topic_code(unit.as_deref(), slug).map_err(|p| ps.push(p)).unwrap_or_default();
        let (clean, problems) = validate::local_topic(&LocalTopic { code, name_vi: name_vi.to_owned(), name_en: name_en.to_owned() });
        ps.extend(problems);
        let Some(topic) = clean.filter(|_| !ps.has_errors()) else { return Err(CoreError::Invalid(ps)) };
        self.write(|w| {
            w.tx.execute(
                "INSERT OR REPLACE INTO local_topics (code, name_vi, name_en) VALUES (?1, ?2, ?3)",
                params![topic.code, topic.name_vi, topic.name_en],
            )?;
            w.emit(Entity::LocalTopic, &topic.code, OpKind::Create, None, &topic)?;
            Ok(topic.code.clone())
        })
    }
}

fn insert_member(tx: &rusqlite::Transaction<'_>, team: TeamId, m: &TeamMember) -> CoreResult<()> {
    tx.execute(
        "INSERT INTO team_members (id, team_id, full_name, phone, organisation, role, trainings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            m.id,
            team,
            m.full_name,
            m.phone,
            serde_json::to_string(&m.organisation)?,
            serde_json::to_string(&m.role)?,
            serde_json::to_string(&m.trainings)?
        ],
    )?;
    Ok(())
}

pub(super) fn load_campaign(c: &rusqlite::Connection, id: CampaignId) -> CoreResult<Option<Campaign>> {
    let row = c
        .prepare_cached("SELECT name, starts_on, ends_on, launch_at, targets, deadlines, team_label FROM campaigns WHERE id = ?1")?
        .query_row([id], |r| {
            let date = |i: usize| -> rusqlite::Result<chrono::NaiveDate> {
                r.get::<_, String>(i)?
                    .parse()
                    .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
            };
            Ok(Campaign {
                id,
                name: r.get(0)?,
                starts_on: date(1)?,
                ends_on: date(2)?,
                launch_at: r.get::<_, Option<String>>(3)?.map(|s| super::parse_ts(&s)).transpose()?,
                targets: json_col(&r.get::<_, String>(4)?)?,
                deadlines: json_col(&r.get::<_, String>(5)?)?,
                team_label: r.get(6)?,
            })
        })
        .optional()?;
    Ok(row)
}

/// The role of a member, if known on this device.
pub(super) fn member_can_verify(c: &rusqlite::Connection, member: MemberId) -> CoreResult<bool> {
    let role: Option<String> =
        c.prepare_cached("SELECT role FROM team_members WHERE id = ?1")?.query_row([member], |r| r.get(0)).optional()?;
    Ok(match role {
        Some(r) => json_col::<crate::model::Role>(&r)?.can_verify,
        None => false,
    })
}
