//! The progress figures screen: which scope, which days, and the counts the core computes
//! (the counting rules live in `tungnha_core::figures`).

use crate::error::{parse_id, Result};
use crate::time::LocalDay;
use tungnha_core::figures as core;

/// Whose figures.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FigureScope {
    All,
    /// A province in today's structure, e.g. `2025:p:14`.
    Province {
        key: String,
    },
    Commune {
        key: String,
    },
    Village {
        village_id: String,
    },
    /// The households assigned to a team.
    Team {
        team_id: String,
    },
}

impl FigureScope {
    pub(crate) fn into_core(self) -> Result<core::Scope> {
        Ok(match self {
            Self::All => core::Scope::All,
            Self::Province { key } => core::Scope::Province(key),
            Self::Commune { key } => core::Scope::Commune(key),
            Self::Village { village_id } => core::Scope::Village(parse_id("village", &village_id)?),
            Self::Team { team_id } => core::Scope::Team(parse_id("team", &team_id)?),
        })
    }
}

/// First and last Vietnamese day counted, both included (e.g. a campaign's window).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct DayRange {
    pub first: LocalDay,
    pub last: LocalDay,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TopicFigure {
    pub topic: String,
    pub visits: u32,
    pub people: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ActionFigure {
    pub action: String,
    pub people: u32,
}

/// People in scope at each level of one skill.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SkillFigure {
    pub skill: String,
    pub not_started: u32,
    pub guided: u32,
    pub self_reported: u32,
    pub verified: u32,
}

/// Households answering yes / no / not asked to one indicator.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IndicatorFigure {
    pub indicator: String,
    pub yes: u32,
    pub no: u32,
    pub unknown: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DayFigure {
    pub day: LocalDay,
    pub visits: u32,
    pub households_visited: u32,
    pub people_guided: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Figures {
    pub households: u32,
    pub households_visited: u32,
    pub people: u32,
    pub people_guided: u32,
    pub visits: u32,
    pub household_visits: u32,
    pub group_sessions: u32,
    /// Catalog topics in catalog order (zeros included), then local topics.
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

impl From<core::Figures> for Figures {
    fn from(f: core::Figures) -> Self {
        Self {
            households: f.households,
            households_visited: f.households_visited,
            people: f.people,
            people_guided: f.people_guided,
            visits: f.visits,
            household_visits: f.household_visits,
            group_sessions: f.group_sessions,
            topics: f.topics.into_iter().map(|t| TopicFigure { topic: t.topic, visits: t.visits, people: t.people }).collect(),
            actions: f.actions.into_iter().map(|a| ActionFigure { action: a.action, people: a.people }).collect(),
            skills: f
                .skills
                .into_iter()
                .map(|s| SkillFigure {
                    skill: s.skill,
                    not_started: s.not_started,
                    guided: s.guided,
                    self_reported: s.self_reported,
                    verified: s.verified,
                })
                .collect(),
            people_mastering_all: f.people_mastering_all,
            households_with_1_master: f.households_with_1_master,
            households_with_2_masters: f.households_with_2_masters,
            indicators: f
                .indicators
                .into_iter()
                .map(|i| IndicatorFigure { indicator: i.indicator, yes: i.yes, no: i.no, unknown: i.unknown })
                .collect(),
            days: f
                .days
                .into_iter()
                .map(|d| DayFigure {
                    day: LocalDay(d.day),
                    visits: d.visits,
                    households_visited: d.households_visited,
                    people_guided: d.people_guided,
                })
                .collect(),
        }
    }
}
