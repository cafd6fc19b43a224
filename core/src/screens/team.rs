//! A team leader's overview: the team's figures against its campaign's targets, and each
//! member's work. The figures are [`crate::figures`]' (same rules, same queries), for the
//! team's scope and the campaign's window.

use crate::error::CoreResult;
use crate::figures::{self, FigureQuery, Figures, Scope};
use crate::ids::{CampaignId, MemberId, TeamId};
use crate::model::Targets;
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// One member's work in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberActivity {
    pub member_id: MemberId,
    pub full_name: String,
    /// The member's role in the team, as the province names it.
    pub role_name: String,
    /// Whether the role verifies skills (a team leader).
    pub can_verify: bool,
    /// Counted visits they recorded (a corrected visit counts once, as its correction).
    pub visits: u32,
    pub group_sessions: u32,
    pub people_guided: u32,
    pub households_visited: u32,
    /// Of the households they visited, those that reached the household goal.
    pub households_goal_reached: u32,
    /// Skills they verified (leaders).
    pub verifications: u32,
    /// Their latest visit or verification, in or out of the window; `None`: nothing yet.
    pub last_activity_at: Option<DateTime<Utc>>,
}

/// A team's progress, for a campaign or for all time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamProgress {
    pub team_id: TeamId,
    pub team_name: String,
    pub campaign_id: Option<CampaignId>,
    pub campaign_name: Option<String>,
    /// The window counted (the campaign's days); `None`: all time.
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    /// The campaign's targets (none without a campaign).
    pub targets: Targets,
    /// Members mastering all 5 skills a household needs to reach the goal: the campaign's
    /// `masters_per_household`, else the device's setting (1 by default).
    pub household_goal: u32,
    /// Households of the team's scope that reached the goal.
    pub households_goal_reached: u32,
    /// Households visited against `targets.households_to_visit`, in per cent; `None`
    /// without that target.
    pub households_visited_percent: Option<u32>,
    /// People guided against `targets.people_to_guide`, in per cent; `None` without it.
    pub people_guided_percent: Option<u32>,
    /// The team's figures (scope: its assignments), as every report counts them.
    pub figures: Figures,
    /// Every member of the team, in the team's order, with their work (zeros included).
    pub members: Vec<MemberActivity>,
}

/// `done` of `target` in per cent (beyond 100 when the target is passed).
fn percent(done: u32, target: Option<u32>) -> Option<u32> {
    target.filter(|t| *t > 0).map(|t| u32::try_from(u64::from(done) * 100 / u64::from(t)).unwrap_or(u32::MAX))
}

impl Store {
    /// Team `team`'s progress in `campaign` (its window and targets), or over all time.
    pub fn team_progress(&self, team: TeamId, campaign: Option<CampaignId>) -> CoreResult<TeamProgress> {
        let t = self.team(team)?;
        let campaign = campaign.map(|c| self.campaign(c)).transpose()?;
        let query = match &campaign {
            Some(c) => FigureQuery::for_campaign(Scope::Team(team), c),
            None => FigureQuery::all_time(Scope::Team(team)),
        };
        let targets = campaign.as_ref().map(|c| c.targets.clone()).unwrap_or_default();
        let goal = match targets.masters_per_household {
            0 => self.options().household_goal.max(1),
            n => n,
        };
        let fig = self.figures(&query)?;
        let households_goal_reached = if goal <= 1 {
            fig.households_with_1_master
        } else if goal == 2 {
            fig.households_with_2_masters
        } else {
            self.read(|c| figures::households_with_masters(c, &query, goal))?
        };
        let (per_volunteer, verifications, last_verified) = self.read(|c| {
            let per = figures::per_volunteer(c, team, &query, goal)?;
            let (from, to) = figures::window_bounds(query.days);
            let mut st = c.prepare_cached(
                "SELECT leader_id, count(CASE WHEN at >= ?2 AND at < ?3 THEN 1 END), max(at) FROM skill_verifications
                 WHERE leader_id IN (SELECT id FROM team_members WHERE team_id = ?1) GROUP BY leader_id",
            )?;
            let mut counts = std::collections::HashMap::new();
            let mut last = std::collections::HashMap::new();
            for row in
                st.query_map(params![team, from, to], |r| Ok((r.get::<_, MemberId>(0)?, r.get::<_, u32>(1)?, r.get::<_, String>(2)?)))?
            {
                let (m, n, at) = row?;
                counts.insert(m, n);
                last.insert(m, crate::store::parse_ts(&at)?);
            }
            Ok((per, counts, last))
        })?;
        let last_visits = self.read(|c| {
            let mut st = c.prepare_cached("SELECT volunteer_id, max(occurred_at) FROM visits WHERE team_id = ?1 GROUP BY volunteer_id")?;
            let rows = st.query_map([team], |r| Ok((r.get::<_, MemberId>(0)?, r.get::<_, String>(1)?)))?;
            let mut last = std::collections::HashMap::new();
            for row in rows {
                let (m, at) = row?;
                last.insert(m, crate::store::parse_ts(&at)?);
            }
            Ok(last)
        })?;
        let members = t
            .members
            .iter()
            .map(|m| {
                let f = per_volunteer.iter().find(|f| f.volunteer_id == m.id).cloned().unwrap_or_default();
                let last_activity_at = [last_visits.get(&m.id), last_verified.get(&m.id)].into_iter().flatten().max().copied();
                MemberActivity {
                    member_id: m.id,
                    full_name: m.full_name.clone(),
                    role_name: m.role.name_vi.clone(),
                    can_verify: m.role.can_verify,
                    visits: f.visits,
                    group_sessions: f.group_sessions,
                    people_guided: f.people_guided,
                    households_visited: f.households_visited,
                    households_goal_reached: f.households_goal_reached,
                    verifications: verifications.get(&m.id).copied().unwrap_or_default(),
                    last_activity_at,
                }
            })
            .collect();
        Ok(TeamProgress {
            team_id: team,
            team_name: t.name,
            campaign_id: campaign.as_ref().map(|c| c.id),
            campaign_name: campaign.as_ref().map(|c| c.name.clone()),
            first_day: query.days.map(|d| d.0),
            last_day: query.days.map(|d| d.1),
            household_goal: goal,
            households_goal_reached,
            households_visited_percent: percent(fig.households_visited, targets.households_to_visit),
            people_guided_percent: percent(fig.people_guided, targets.people_to_guide),
            targets,
            figures: fig,
            members,
        })
    }
}
