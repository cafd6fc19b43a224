//! A small real commune for tests, made by the test kit: a village of a commune of Sơn
//! La, a team with a leader and a volunteer, the 10-day campaign of October 2024, and
//! households with members.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use std::sync::Arc;
use tempfile::TempDir;
use tungnha_core::clock::FixedClock;
use tungnha_core::ids::{CampaignId, HouseholdId, MemberId, PersonId, TeamId, VillageId};
use tungnha_core::model::*;
use tungnha_core::store::StoreOptions;
use tungnha_core::Store;
use tungnha_testkit::visits::{self, Visitor};
use tungnha_testkit::{CommuneBuilder, TeamPlan};

use tungnha_testkit::calendar::at;

/// A commune of Sơn La in today's structure (the first of the list).
pub fn commune_key() -> String {
    tungnha_testkit::units::commune_key("Sơn La")
}

pub struct Fixture {
    pub dir: TempDir,
    pub store: Store,
    pub village: VillageId,
    pub team: TeamId,
    pub leader: MemberId,
    pub volunteer: MemberId,
    pub campaign: CampaignId,
}

pub fn options(now: DateTime<Utc>) -> StoreOptions {
    StoreOptions { clock: Arc::new(FixedClock(now)), household_goal: 1 }
}

impl Fixture {
    pub fn new() -> Self {
        Self::at(at(10, 20))
    }

    pub fn at(now: DateTime<Utc>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("device.db"), options(now)).unwrap();
        let c = CommuneBuilder::new(0)
            .commune(commune_key())
            .village_with("Bản Mòng", 0)
            .team(TeamPlan::new("Tổ CNSCĐ bản Mòng").leader("Lò Văn Thắng").volunteer("Quàng Thị Hoa").villages([0]))
            .build(&store)
            .unwrap();
        let team = &c.teams[0];
        Self {
            dir,
            village: c.villages[0].id,
            team: team.id,
            leader: team.leader(),
            volunteer: team.volunteers[0],
            campaign: c.campaign(),
            store,
        }
    }

    /// A household with a head and the given other members; returns ids (head first).
    pub fn household(&self, address: &str, head: &str, others: &[&str]) -> (HouseholdId, Vec<PersonId>) {
        tungnha_testkit::household::named(&self.store, self.village, address, head, others).unwrap()
    }

    /// The volunteer's session at `household` for the campaign: everyone in `people`
    /// guided through `skills`, on VNeID and online public services.
    pub fn visit(&self, household: HouseholdId, people: &[PersonId], skills: &[&str], when: DateTime<Utc>) -> NewVisit {
        let by = Visitor { team: self.team, volunteer: self.volunteer, campaign: Some(self.campaign) };
        visits::simple(by, household, people, skills, &["vneid", "online_public_services"], when)
    }
}

/// Every row of every table, in a stable order: to prove a failed save changed nothing.
pub fn dump(path: &std::path::Path) -> Vec<String> {
    let c = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let mut st = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = st.column_count();
        let mut rows: Vec<String> = st
            .query_map([], |r| {
                let mut s = format!("{t}:");
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    s.push_str(&format!("{v:?}|"));
                }
                Ok(s)
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.extend(rows);
    }
    out
}
