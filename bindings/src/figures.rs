//! The progress figures screen: which scope, which days, and the counts the core computes
//! (the counting rules live in `tungnha_core::figures`; its types cross as remote types).

use crate::time::LocalDay;
use tungnha_core::figures::{ActionFigure, DayFigure, Figures, IndicatorFigure, Scope, SkillFigure, TopicFigure};
use tungnha_core::ids::{TeamId, VillageId};

/// Whose figures.
pub type FigureScope = Scope;
#[uniffi::remote(Enum)]
pub enum FigureScope {
    All,
    /// A province in today's structure, e.g. `2025:p:14`.
    Province(String),
    /// A commune, e.g. `2025:c:15349` (pre-2025 villages count under the commune they became).
    Commune(String),
    Village(VillageId),
    /// The households assigned to a team.
    Team(TeamId),
}

/// First and last Vietnamese day counted, both included (e.g. a campaign's window).
///
/// Hand-made: the core's query holds the window as a tuple, which uniffi cannot carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct DayRange {
    pub first: LocalDay,
    pub last: LocalDay,
}

#[uniffi::remote(Record)]
pub struct TopicFigure {
    pub topic: String,
    pub visits: u32,
    pub people: u32,
}

#[uniffi::remote(Record)]
pub struct ActionFigure {
    pub action: String,
    pub people: u32,
}

/// People in scope at each level of one skill.
#[uniffi::remote(Record)]
pub struct SkillFigure {
    pub skill: String,
    pub not_started: u32,
    pub guided: u32,
    pub self_reported: u32,
    pub verified: u32,
}

/// Households answering yes / no / not asked to one indicator.
#[uniffi::remote(Record)]
pub struct IndicatorFigure {
    pub indicator: String,
    pub yes: u32,
    pub no: u32,
    pub unknown: u32,
}

#[uniffi::remote(Record)]
pub struct DayFigure {
    pub day: LocalDay,
    pub visits: u32,
    pub households_visited: u32,
    pub people_guided: u32,
}

#[uniffi::remote(Record)]
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
