//! A commune set up by its official's phone and synced: the test kit's builder
//! ([`tungnha_testkit::CommuneBuilder`]) run on an enrolled phone.

use chrono::Utc;
use tungnha_core::ids::{CampaignId, MemberId, TeamId, VillageId};
use tungnha_testkit::calendar::running_campaign;
use tungnha_testkit::{CommuneBuilder, Population, TeamPlan};

use crate::env::{official, Env, Phone};

/// Phường Ba Đình, Hà Nội (2025 structure).
pub const COMMUNE: &str = tungnha_testkit::units::BA_DINH;
/// Phường Ngọc Hà, Hà Nội: another commune of the same province.
pub const OTHER_COMMUNE: &str = tungnha_testkit::units::NGOC_HA;
/// Hà Nội.
pub const PROVINCE: &str = tungnha_testkit::units::HA_NOI;
/// Phường Thục Phán, Cao Bằng: another province.
pub const FAR_COMMUNE: &str = tungnha_testkit::units::THUC_PHAN;

/// Two villages, two teams (a leader and a volunteer each), village A assigned to team A
/// and village B to team B, a campaign running from today; set up on the official's phone.
#[derive(Debug)]
pub struct Commune {
    pub official: Phone,
    pub va: VillageId,
    pub vb: VillageId,
    pub team_a: TeamId,
    pub team_b: TeamId,
    pub leader_a: MemberId,
    pub volunteer_a: MemberId,
    pub leader_b: MemberId,
    pub volunteer_b: MemberId,
    pub campaign: CampaignId,
}

/// The two teams' names, villages and members.
#[derive(Debug, Clone, Copy)]
pub struct TwoTeams<'a> {
    pub villages: [&'a str; 2],
    pub teams: [&'a str; 2],
    /// Leader and volunteer of team A, then of team B.
    pub members: [&'a str; 4],
}

impl Default for TwoTeams<'_> {
    /// Two residential groups of a Hà Nội ward.
    fn default() -> Self {
        Self {
            villages: ["Tổ dân phố số 1", "Tổ dân phố số 2"],
            teams: ["Tổ CNSCĐ số 1", "Tổ CNSCĐ số 2"],
            members: ["Nguyễn Văn Tổ", "Trần Thị Hoa", "Lê Văn Bắc", "Phạm Thị Lan"],
        }
    }
}

/// [`commune_with`] the default names, in [`COMMUNE`].
pub fn commune(env: &Env) -> Commune {
    commune_with(env, COMMUNE, TwoTeams::default(), 0)
}

/// The official of `key` enrols, sets up the two teams with `households` households in
/// each village, and syncs (nothing refused).
pub fn commune_with(env: &Env, key: &str, names: TwoTeams<'_>, households: usize) -> Commune {
    let official_phone = env.phone("official", official(key));
    let [va, vb] = names.villages;
    let [la, ma, lb, mb] = names.members;
    let today = tungnha_core::clock::vietnam_date(Utc::now());
    let made = CommuneBuilder::new(0)
        .commune(key)
        .population(Population::HA_NOI)
        .village_with(va, households)
        .village_with(vb, households)
        .team(TeamPlan::new(names.teams[0]).leader(la).volunteer(ma).villages([0]))
        .team(TeamPlan::new(names.teams[1]).leader(lb).volunteer(mb).villages([1]))
        .campaign(running_campaign(today, 10))
        .build(&official_phone.store)
        .expect("the official sets the commune up");
    let report = env.sync(&official_phone);
    assert_eq!(report.progress.ops_rejected, 0, "{:?}", official_phone.store.rejected_ops());
    let (a, b) = (&made.teams[0], &made.teams[1]);
    Commune {
        va: made.villages[0].id,
        vb: made.villages[1].id,
        team_a: a.id,
        team_b: b.id,
        leader_a: a.leader(),
        volunteer_a: a.volunteers[0],
        leader_b: b.leader(),
        volunteer_b: b.volunteers[0],
        campaign: made.campaign(),
        official: official_phone,
    }
}
