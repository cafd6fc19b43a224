//! A small real commune for tests: a village in Sơn La, a team with a leader and a
//! volunteer, the 10-day campaign of October 2024, and households with members.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::sync::Arc;
use tempfile::TempDir;
use tungnha_core::clock::FixedClock;
use tungnha_core::ids::{CampaignId, HouseholdId, MemberId, PersonId, TeamId, VillageId};
use tungnha_core::model::*;
use tungnha_core::store::StoreOptions;
use tungnha_core::{units, Store};

pub fn at(d: u32, h: u32) -> DateTime<Utc> {
    // Hours are Vietnamese local time (UTC+7).
    chrono_tz::Asia::Ho_Chi_Minh.with_ymd_and_hms(2024, 10, d, h, 0, 0).single().unwrap().with_timezone(&Utc)
}

pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 10, d).unwrap()
}

/// A commune of Sơn La in today's structure.
pub fn commune_key() -> String {
    units::official().children("2025:p:14").first().expect("Sơn La has communes").key.clone()
}

pub fn consent(name: &str) -> Option<Consent> {
    Some(Consent {
        given_by: name.into(),
        given_at: at(1, 8),
        purpose: "Hướng dẫn kỹ năng số và báo cáo kết quả".into(),
        recorded_by: None,
    })
}

pub fn person(name: &str, relation: Relation, birth_year: i32) -> NewPerson {
    NewPerson { full_name: name.into(), birth_year: Some(birth_year), sex: None, relation, phone: None, consent: consent(name) }
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

pub fn member(name: &str, role: &str, can_verify: bool, org: Organisation) -> TeamMember {
    TeamMember {
        id: MemberId::new(),
        full_name: name.into(),
        phone: None,
        organisation: org,
        role: Role { code: role.into(), name_vi: role.into(), can_verify },
        trainings: vec![],
    }
}

impl Fixture {
    pub fn new() -> Self {
        Self::at(at(10, 20))
    }

    pub fn at(now: DateTime<Utc>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("device.db"), options(now)).unwrap();
        let commune = commune_key();
        let village = store.add_village(&commune, "Bản Mòng").unwrap();
        let leader = member("Lò Văn Thắng", "leader", true, Organisation::YouthUnion);
        let volunteer = member("Quàng Thị Hoa", "member", false, Organisation::WomensUnion);
        let (leader_id, volunteer_id) = (leader.id, volunteer.id);
        let team =
            store.add_team(&NewTeam { commune_key: commune, name: "Tổ CNSCĐ bản Mòng".into(), members: vec![leader, volunteer] }).unwrap();
        store.assign(team, None, AssignmentTarget::Village(village)).unwrap();
        let campaign = store
            .add_campaign(&NewCampaign {
                name: "Chiến dịch 10 ngày cao điểm".into(),
                starts_on: day(1),
                ends_on: day(10),
                launch_at: Some(at(1, 8)),
                targets: Targets { masters_per_household: 1, ..Default::default() },
                deadlines: vec![Deadline { label: "Báo cáo UBND tỉnh".into(), due_on: NaiveDate::from_ymd_opt(2024, 11, 5).unwrap() }],
                team_label: "Tổ chuyển đổi số cộng đồng".into(),
            })
            .unwrap();
        Self { dir, store, village, team, leader: leader_id, volunteer: volunteer_id, campaign }
    }

    /// A household with a head and the given other members; returns ids (head first).
    pub fn household(&self, address: &str, head: &str, others: &[&str]) -> (HouseholdId, Vec<PersonId>) {
        let h = self
            .store
            .add_household(&NewHousehold {
                village_id: self.village,
                address: address.into(),
                head: person(head, Relation::Head, 1970),
                phone: None,
                location: None,
                indicators: HouseholdIndicators::default(),
            })
            .unwrap();
        let detail = self.store.household_detail(h.id).unwrap();
        let mut ids = vec![detail.household.head_id];
        for (i, o) in others.iter().enumerate() {
            ids.push(self.store.add_person(h.id, &person(o, Relation::Child, 1995 + i as i32)).unwrap().id);
        }
        (h.id, ids)
    }

    pub fn visit(&self, household: HouseholdId, people: &[PersonId], skills: &[&str], when: DateTime<Utc>) -> NewVisit {
        NewVisit {
            place: VisitPlace::Household { household_id: household },
            campaign_id: Some(self.campaign),
            team_id: self.team,
            volunteer_id: self.volunteer,
            occurred_at: when,
            attendees: people
                .iter()
                .map(|p| Attendee { person_id: *p, skills_guided: skills.iter().map(|s| s.to_string()).collect(), ..Default::default() })
                .collect(),
            topics: vec!["vneid".into(), "online_public_services".into()],
            notes: String::new(),
            location: None,
            supersedes: None,
        }
    }
}

pub const ALL_SKILLS: [&str; 5] = ["public_services", "online_shopping", "online_payment", "online_safety", "digital_platforms"];

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
