//! The volunteer's home: today's work, the assignment filtered by village, status and
//! search, the counts the filter chips show, and what sync has left to look at.

use crate::error::CoreResult;
use crate::ids::{HouseholdId, MemberId, TeamId, VillageId};
use crate::model::{HouseholdStatus, HouseholdSummary};
use crate::search;
use crate::store::{Store, TodaysWork};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Which households the list shows, by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdFilter {
    #[default]
    All,
    NotVisited,
    Visited,
    GoalReached,
}

impl HouseholdFilter {
    pub fn accepts(self, status: HouseholdStatus) -> bool {
        match self {
            Self::All => true,
            Self::NotVisited => status == HouseholdStatus::NotVisited,
            Self::Visited => status == HouseholdStatus::Visited,
            Self::GoalReached => status == HouseholdStatus::GoalReached,
        }
    }
}

/// The most rows one home page holds.
pub const MAX_HOME_PAGE: u32 = 200;
/// Search text beyond this many characters is ignored (names and addresses are shorter).
pub const MAX_SEARCH_CHARS: usize = 200;

/// What the volunteer chose on the home screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeQuery {
    /// One village of the assignment, or all of them.
    pub village: Option<VillageId>,
    pub filter: HouseholdFilter,
    /// Accent-insensitive search text (`dang` finds `Đặng`); blank for none.
    pub search: String,
    /// Where the page starts among the matching households.
    pub offset: u32,
    /// Rows per page (at most [`MAX_HOME_PAGE`]).
    pub limit: u32,
}

impl Default for HomeQuery {
    fn default() -> Self {
        Self { village: None, filter: HouseholdFilter::All, search: String::new(), offset: 0, limit: 50 }
    }
}

/// How many households each status chip would show (within the chosen village and search).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterCounts {
    pub all: u32,
    pub not_visited: u32,
    pub visited: u32,
    pub goal_reached: u32,
}

impl FilterCounts {
    pub fn get(&self, f: HouseholdFilter) -> u32 {
        match f {
            HouseholdFilter::All => self.all,
            HouseholdFilter::NotVisited => self.not_visited,
            HouseholdFilter::Visited => self.visited,
            HouseholdFilter::GoalReached => self.goal_reached,
        }
    }

    fn add(&mut self, status: HouseholdStatus) {
        self.all += 1;
        match status {
            HouseholdStatus::NotVisited => self.not_visited += 1,
            HouseholdStatus::Visited => self.visited += 1,
            HouseholdStatus::GoalReached => self.goal_reached += 1,
        }
    }
}

/// One village chip: its name and how many households it would show (with the chosen
/// status filter and search).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageChip {
    pub village_id: VillageId,
    pub name: String,
    pub households: u32,
}

/// Everything the volunteer's home screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HomeScreen {
    pub today: TodaysWork,
    /// The page of households matching the query: in search rank order with search text,
    /// else in assignment order (village, address).
    pub households: Vec<HouseholdSummary>,
    /// Households matching the query, on all pages.
    pub total: u32,
    /// Where the next page starts, if there is one.
    pub next_offset: Option<u32>,
    /// Per status, within the chosen village and search.
    pub counts: FilterCounts,
    /// Every village of the assignment, in assignment order, with the chosen filter and search.
    pub villages: Vec<VillageChip>,
    /// Local changes not yet sent (or not yet acknowledged).
    pub unsent: u64,
    /// Changes the server refused, waiting for the person to fix or discard them.
    pub refused: u32,
    /// Records from the server this app version could not read.
    pub set_aside: u32,
    /// Unresolved conflicts.
    pub conflicts: u32,
    pub last_sync_at: Option<DateTime<Utc>>,
}

impl Store {
    /// The volunteer's home on a Vietnamese calendar day.
    pub fn home(&self, team: TeamId, volunteer: MemberId, day: NaiveDate, q: &HomeQuery) -> CoreResult<HomeScreen> {
        let today = self.todays_work(team, volunteer, day)?;
        let assigned = self.assignment_households(team, Some(volunteer))?;
        let text: String = q.search.chars().take(MAX_SEARCH_CHARS).collect();
        let matched = self.home_search(&assigned, &text)?;
        let mut counts = FilterCounts::default();
        let mut per_village: HashMap<VillageId, u32> = HashMap::new();
        let mut rows = Vec::new();
        for h in matched {
            let in_village = q.village.is_none_or(|v| v == h.village_id);
            if in_village {
                counts.add(h.status);
            }
            if q.filter.accepts(h.status) {
                *per_village.entry(h.village_id).or_default() += 1;
                if in_village {
                    rows.push(h);
                }
            }
        }
        let names: HashMap<VillageId, String> = self.villages()?.into_iter().map(|v| (v.id, v.name)).collect();
        let mut order: Vec<VillageId> = Vec::new();
        for h in &assigned {
            if !order.contains(&h.village_id) {
                order.push(h.village_id);
            }
        }
        let villages = order
            .into_iter()
            .map(|id| VillageChip {
                village_id: id,
                name: names.get(&id).cloned().unwrap_or_default(),
                households: per_village.get(&id).copied().unwrap_or(0),
            })
            .collect();
        let total = rows.len();
        let limit = q.limit.clamp(1, MAX_HOME_PAGE) as usize;
        let from = (q.offset as usize).min(total);
        let to = from.saturating_add(limit).min(total);
        let households: Vec<HouseholdSummary> = rows.drain(from..to).collect();
        let (refused, set_aside, conflicts) = self.sync_counts()?;
        Ok(HomeScreen {
            today,
            households,
            total: total as u32,
            next_offset: (to < total).then_some(to as u32),
            counts,
            villages,
            unsent: self.pending_count()?,
            refused,
            set_aside,
            conflicts,
            last_sync_at: self.last_sync_at()?,
        })
    }

    /// The assigned households the search text finds, best first (every hit of the
    /// store's search, kept if assigned); all of them in assignment order for blank text.
    fn home_search(&self, assigned: &[HouseholdSummary], text: &str) -> CoreResult<Vec<HouseholdSummary>> {
        if search::query_terms(text).is_empty() {
            return Ok(assigned.to_vec());
        }
        let mut by_id: HashMap<HouseholdId, &HouseholdSummary> = assigned.iter().map(|h| (h.id, h)).collect();
        let mut found = Vec::new();
        let mut offset = 0;
        loop {
            let page = self.search_page(text, None, offset, search::MAX_PAGE)?;
            found.extend(page.hits.iter().filter_map(|hit| by_id.remove(&hit.household_id)).cloned());
            match page.next_offset {
                Some(next) if next > offset && !by_id.is_empty() => offset = next,
                _ => break,
            }
        }
        Ok(found)
    }

    /// Refused operations, set-aside records and unresolved conflicts.
    pub(crate) fn sync_counts(&self) -> CoreResult<(u32, u32, u32)> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM quarantine), (SELECT count(*) FROM inbound_quarantine), (SELECT count(*) FROM conflicts WHERE resolved = 0)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
    }
}
