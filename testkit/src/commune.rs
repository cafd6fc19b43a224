//! One seeded builder of a commune: villages, teams (a leader and volunteers) assigned to
//! them, a campaign, households of 3–4 people who consented, and, if asked, the
//! campaign's guidance sessions, self-reports and later corrections. It writes through
//! a core [`Store`] (the official's phone) and returns the ids it made.
//!
//! The same seed makes the same commune (names, sizes, times, choices) in every store;
//! only the ids differ. Benchmarks rely on this to compare two stores built alike.
//!
//! ```no_run
//! # use tungnha_testkit::commune::CommuneBuilder;
//! # let store: tungnha_core::Store = unimplemented!();
//! let commune = CommuneBuilder::new(7).village("Bản Nà Sài").households(300).build(&store).expect("a commune");
//! assert_eq!(commune.households.len(), 300);
//! ```
//!
//! Times: households are registered over the first days of the campaign (from its
//! launch), sessions happen through its days and are recorded shortly after. A store
//! whose clock cannot be moved must already be past those times; give the builder the
//! store's [`ManualClock`] ([`CommuneBuilder::clock`]) and it moves the clock as it goes,
//! so every record carries the time a real phone would have given it.

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::ops::RangeInclusive;
use std::sync::Arc;
use tungnha_core::clock::VIETNAM;
use tungnha_core::ids::{CampaignId, HouseholdId, MemberId, PersonId, TeamId, VillageId};
use tungnha_core::model::{AssignmentTarget, Channel, NewCampaign, NewSelfReport, NewTeam, Organisation, TeamMember};
use tungnha_core::store::PersonPatch;
use tungnha_core::{CoreResult, Store};

use crate::calendar::ten_day_campaign;
use crate::clock::ManualClock;
use crate::household::{Family, Registration, Shape};
use crate::names::Population;
use crate::people::{member, mobile, Duty, COURSE};
use crate::visits::{session, Visitor};

/// Organisations members come from, in the order teams take them.
const ORGANISATIONS: [Organisation; 6] = [
    Organisation::YouthUnion,
    Organisation::WomensUnion,
    Organisation::FarmersUnion,
    Organisation::PostOffice,
    Organisation::Telecom,
    Organisation::School,
];

/// A team to make: its name, members (named, or drawn from the population) and villages.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamPlan {
    pub name: String,
    /// The leader: `Some(None)` to draw a name, `None` for a team without one.
    pub leader: Option<Option<String>>,
    /// Volunteers: `None` draws a name.
    pub volunteers: Vec<Option<String>>,
    /// Indices of the villages assigned to the team (in the order they were added).
    pub villages: Vec<usize>,
}

impl TeamPlan {
    /// A team with no members and no village yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), leader: None, volunteers: vec![], villages: vec![] }
    }

    pub fn leader(mut self, name: &str) -> Self {
        self.leader = Some(Some(name.into()));
        self
    }

    pub fn drawn_leader(mut self) -> Self {
        self.leader = Some(None);
        self
    }

    pub fn volunteer(mut self, name: &str) -> Self {
        self.volunteers.push(Some(name.into()));
        self
    }

    pub fn drawn_volunteers(mut self, n: usize) -> Self {
        self.volunteers.extend(std::iter::repeat_n(None, n));
        self
    }

    pub fn villages(mut self, villages: impl IntoIterator<Item = usize>) -> Self {
        self.villages.extend(villages);
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
struct VillagePlan {
    name: String,
    /// `None`: a share of [`CommuneBuilder::households`].
    households: Option<usize>,
}

/// A village the builder made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MadeVillage {
    pub id: VillageId,
    pub name: String,
}

/// A team the builder made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MadeTeam {
    pub id: TeamId,
    pub name: String,
    pub leader: Option<MemberId>,
    pub volunteers: Vec<MemberId>,
    pub villages: Vec<VillageId>,
}

impl MadeTeam {
    /// The leader (panics for a team made without one).
    pub fn leader(&self) -> MemberId {
        self.leader.unwrap_or_else(|| panic!("{} has no leader", self.name))
    }

    /// The leader first, then the volunteers.
    pub fn members(&self) -> Vec<MemberId> {
        self.leader.iter().chain(&self.volunteers).copied().collect()
    }
}

/// A household the builder made: its village and its people, head first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MadeHousehold {
    pub id: HouseholdId,
    pub village: VillageId,
    pub people: Vec<PersonId>,
}

/// What [`CommuneBuilder::build`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commune {
    /// The commune's key in [`tungnha_core::units`].
    pub key: String,
    pub villages: Vec<MadeVillage>,
    pub teams: Vec<MadeTeam>,
    pub campaign: Option<CampaignId>,
    /// In the order they were registered.
    pub households: Vec<MadeHousehold>,
    pub visits: usize,
    pub self_reports: usize,
    pub corrections: usize,
}

impl Commune {
    /// People in every household.
    pub fn people(&self) -> usize {
        self.households.iter().map(|h| h.people.len()).sum()
    }

    /// The campaign (panics if the commune was built without one).
    pub fn campaign(&self) -> CampaignId {
        self.campaign.expect("the commune was built with a campaign")
    }

    /// The id of the village named `name`.
    pub fn village(&self, name: &str) -> VillageId {
        self.villages.iter().find(|v| v.name == name).map(|v| v.id).unwrap_or_else(|| panic!("no village {name}"))
    }
}

/// The seeded builder. Defaults: a commune of Sơn La, its people, one village "Bản Mòng"
/// with 30 households of 3–4 people, one team (a leader and a volunteer, names drawn)
/// assigned to every village, the 10-day campaign of October 2024; no sessions.
#[derive(Debug, Clone)]
pub struct CommuneBuilder {
    seed: u64,
    commune_key: Option<String>,
    population: Population,
    shape: Shape,
    villages: Vec<VillagePlan>,
    teams: Vec<TeamPlan>,
    households: usize,
    campaign: Option<NewCampaign>,
    registration: Option<(DateTime<Utc>, u32)>,
    visits_per_day: u32,
    self_report_every: Option<usize>,
    correction_every: Option<usize>,
    clock: Option<Arc<ManualClock>>,
}

impl CommuneBuilder {
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            commune_key: None,
            population: Population::SON_LA,
            shape: Shape::default(),
            villages: vec![],
            teams: vec![],
            households: 30,
            campaign: Some(ten_day_campaign(crate::calendar::YEAR)),
            registration: None,
            visits_per_day: 0,
            self_report_every: None,
            correction_every: None,
            clock: None,
        }
    }

    /// A team's assignment as the wire budget test and the sync benchmark record it: one
    /// team (a leader and five volunteers) covering four villages of a Sơn La commune,
    /// 300 households of 2–5 people registered over the campaign's first three days, 60
    /// sessions a day through its ten days, a self-report from every fifth household the
    /// day after, a corrected phone number in every tenth the day after that.
    pub fn team_assignment(seed: u64) -> Self {
        Self::new(seed)
            .village("Bản Mòng")
            .village("Bản Co Sâu")
            .village("Bản Nà Sài")
            .village("Bản Huổi Hẹ")
            .team(
                TeamPlan::new("Tổ CNSCĐ xã Chiềng Sơn")
                    .leader("Lò Văn Thắng")
                    .volunteer("Quàng Thị Hoa")
                    .volunteer("Cầm Văn Sơn")
                    .volunteer("Lường Thị Mai")
                    .volunteer("Vì Văn Long")
                    .volunteer("Điêu Thị Ngọc")
                    .villages(0..4),
            )
            .households(300)
            .members(2..=5)
            .visits_per_day(60)
            .self_reports_every(5)
            .corrections_every(10)
    }

    /// The commune (default: the first commune of Sơn La, see [`crate::units::commune_key`]).
    pub fn commune(mut self, key: impl Into<String>) -> Self {
        self.commune_key = Some(key.into());
        self
    }

    /// Whose names households carry (default: [`Population::SON_LA`]).
    pub fn population(mut self, p: Population) -> Self {
        self.population = p;
        self
    }

    /// People per household, the head included (default 3–4).
    pub fn members(mut self, members: RangeInclusive<usize>) -> Self {
        self.shape.members = members;
        self
    }

    /// Where households are, roughly (default: Sơn La).
    pub fn near(mut self, lat: f64, lon: f64) -> Self {
        self.shape.near = (lat, lon);
        self
    }

    /// A village that takes its share of [`Self::households`], dealt in turn.
    pub fn village(mut self, name: &str) -> Self {
        self.villages.push(VillagePlan { name: name.into(), households: None });
        self
    }

    /// A village with exactly `households` households (0: a village with none yet).
    pub fn village_with(mut self, name: &str, households: usize) -> Self {
        self.villages.push(VillagePlan { name: name.into(), households: Some(households) });
        self
    }

    /// Households shared among the villages added with [`Self::village`] (default 30).
    pub fn households(mut self, n: usize) -> Self {
        self.households = n;
        self
    }

    pub fn team(mut self, team: TeamPlan) -> Self {
        self.teams.push(team);
        self
    }

    /// The campaign (default: the 10-day drive of October 2024).
    pub fn campaign(mut self, c: NewCampaign) -> Self {
        self.campaign = Some(c);
        self
    }

    pub fn no_campaign(mut self) -> Self {
        self.campaign = None;
        self
    }

    /// Households are registered over `days` days from `from`, about five minutes apart (default:
    /// from the campaign's launch, over 3 days; without a campaign, at the store's "now").
    pub fn registered(mut self, from: DateTime<Utc>, days: u32) -> Self {
        self.registration = Some((from, days.max(1)));
        self
    }

    /// Sessions recorded on each day of the campaign, at households of the villages the
    /// teams cover, by their volunteers (default 0).
    pub fn visits_per_day(mut self, n: u32) -> Self {
        self.visits_per_day = n;
        self
    }

    /// Every `n`-th household's youngest member reports 1–5 skills the day after the campaign.
    pub fn self_reports_every(mut self, n: usize) -> Self {
        self.self_report_every = Some(n.max(1));
        self
    }

    /// Every `n`-th household's head has a phone number corrected two days after the campaign.
    pub fn corrections_every(mut self, n: usize) -> Self {
        self.correction_every = Some(n.max(1));
        self
    }

    /// The store's movable clock: set to each record's time before it is written.
    pub fn clock(mut self, clock: Arc<ManualClock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Write the commune into `store`.
    pub fn build(&self, store: &Store) -> CoreResult<Commune> {
        let mut rng = StdRng::seed_from_u64(self.seed);
        let key = self.commune_key.clone().unwrap_or_else(|| crate::units::commune_key("Sơn La"));
        let plans: Vec<VillagePlan> = if self.villages.is_empty() {
            vec![VillagePlan { name: "Bản Mòng".into(), households: None }]
        } else {
            self.villages.clone()
        };
        let start = self.campaign.as_ref().map(|c| c.launch_at.unwrap_or_else(|| morning(c.starts_on, 8)));
        let registration = self.registration.or(start.map(|s| (s, 3)));
        if let Some((t, _)) = registration {
            self.set_clock(t - Duration::hours(1));
        }

        let villages: Vec<MadeVillage> = plans
            .iter()
            .map(|p| Ok(MadeVillage { id: store.add_village(&key, &p.name)?, name: p.name.clone() }))
            .collect::<CoreResult<_>>()?;
        let teams = self.make_teams(store, &mut rng, &key, &villages)?;
        let campaign = match &self.campaign {
            Some(c) => Some(store.add_campaign(c)?),
            None => None,
        };

        // Households, in turn across the villages, numbered within each.
        let order = registration_order(&plans, self.households);
        let per_day = order.len().div_ceil(registration.map_or(1, |(_, d)| d as usize)).max(1);
        // Five minutes apart, or closer if a day's share does not fit in ten hours.
        let spacing = (36_000 / per_day).min(300) as i64;
        let mut numbers = vec![0usize; villages.len()];
        let mut households = Vec::with_capacity(order.len());
        for (i, v) in order.into_iter().enumerate() {
            let at = match registration {
                Some((from, _)) => {
                    from + Duration::days((i / per_day) as i64)
                        + Duration::seconds((i % per_day) as i64 * spacing)
                        + Duration::minutes(rng.random_range(0..4))
                }
                None => store.now(),
            };
            let at = self.moment(store, at);
            numbers[v] += 1;
            let n = numbers[v];
            let village = &villages[v];
            let team = teams.iter().find(|t| t.villages.contains(&village.id));
            let by = team.and_then(|t| t.volunteers.choose(&mut rng).or(t.leader.as_ref()).copied());
            let address = crate::household::address(n, &village.name);
            let family = Family::draw(&mut rng, &self.population, &self.shape, &Registration { village: village.id, address, at, by });
            let (id, people) = family.add(store)?;
            households.push(MadeHousehold { id, village: village.id, people });
        }

        let visits = self.record_sessions(store, &mut rng, &teams, campaign, &households)?;
        let end = self.campaign.as_ref().map(|c| c.ends_on);
        let mut self_reports = 0;
        if let Some(every) = self.self_report_every {
            for (k, h) in households.iter().enumerate().filter(|(k, _)| k % every == 0) {
                let at = self.moment(store, after(end, 1, k));
                let Some(person) = h.people.last() else { continue };
                store.record_self_report(&NewSelfReport {
                    person_id: *person,
                    skills: crate::catalog::some_skills(&mut rng, 1..=5),
                    channel: if k % 2 == 0 { Channel::Web } else { Channel::App },
                    reported_at: at,
                })?;
                self_reports += 1;
            }
        }
        let mut corrections = 0;
        if let Some(every) = self.correction_every {
            for (k, h) in households.iter().enumerate().filter(|(k, _)| k % every == 3 % every) {
                self.moment(store, after(end, 2, k));
                let phone = Some(Some(mobile(&mut rng)));
                store.update_person(h.people[0], &PersonPatch { phone, ..Default::default() })?;
                corrections += 1;
            }
        }
        Ok(Commune { key, villages, teams, campaign, households, visits, self_reports, corrections })
    }

    fn make_teams(&self, store: &Store, rng: &mut StdRng, key: &str, villages: &[MadeVillage]) -> CoreResult<Vec<MadeTeam>> {
        let plans = if self.teams.is_empty() {
            let name = format!("Tổ CNSCĐ {}", villages.first().map_or("", |v| v.name.as_str()));
            vec![TeamPlan::new(name).drawn_leader().drawn_volunteers(1).villages(0..villages.len())]
        } else {
            self.teams.clone()
        };
        let trained = self.campaign.as_ref().map_or(crate::calendar::day(1), |c| c.starts_on) - Days::new(11);
        let mut made = Vec::with_capacity(plans.len());
        for plan in plans {
            let mut members: Vec<TeamMember> = vec![];
            let draw = |name: &Option<String>, duty: Duty, rng: &mut StdRng, i: usize| -> TeamMember {
                let sex = crate::names::sex(rng);
                let name = name.clone().unwrap_or_else(|| self.population.name(rng, sex));
                member(&name, duty, ORGANISATIONS[i % ORGANISATIONS.len()].clone()).phone(mobile(rng)).trained(COURSE, trained).done()
            };
            if let Some(leader) = &plan.leader {
                members.push(draw(leader, Duty::Leader, rng, 0));
            }
            for (i, v) in plan.volunteers.iter().enumerate() {
                members.push(draw(v, Duty::Member, rng, i + 1));
            }
            let leader = plan.leader.as_ref().map(|_| members[0].id);
            let volunteers = members.iter().skip(usize::from(leader.is_some())).map(|m| m.id).collect();
            let id = store.add_team(&NewTeam { commune_key: key.into(), name: plan.name.clone(), members })?;
            let mut assigned = vec![];
            for v in &plan.villages {
                let village = villages.get(*v).unwrap_or_else(|| panic!("{}: no village {v}", plan.name)).id;
                store.assign(id, None, AssignmentTarget::Village(village))?;
                assigned.push(village);
            }
            made.push(MadeTeam { id, name: plan.name, leader, volunteers, villages: assigned });
        }
        Ok(made)
    }

    /// `visits_per_day` sessions on each campaign day from 08:00, one every 9–14 minutes,
    /// each recorded 5–90 minutes after it ended.
    fn record_sessions(
        &self,
        store: &Store,
        rng: &mut StdRng,
        teams: &[MadeTeam],
        campaign: Option<CampaignId>,
        households: &[MadeHousehold],
    ) -> CoreResult<usize> {
        let (Some(c), true) = (&self.campaign, self.visits_per_day > 0) else { return Ok(0) };
        let covered: Vec<(&MadeHousehold, &MadeTeam)> =
            households.iter().filter_map(|h| teams.iter().find(|t| t.villages.contains(&h.village)).map(|t| (h, t))).collect();
        if covered.is_empty() {
            return Ok(0);
        }
        let mut visits = 0;
        for day in c.starts_on.iter_days().take_while(|d| *d <= c.ends_on) {
            for k in 0..self.visits_per_day {
                let (h, team) = covered[rng.random_range(0..covered.len())];
                let occurred = morning(day, 8) + Duration::minutes(i64::from((k / 6) * 60 + (k % 6) * 9) + rng.random_range(0..5));
                let recorded = occurred + Duration::minutes(rng.random_range(5..90));
                let occurred = occurred.min(self.moment(store, recorded));
                let volunteer = *team.volunteers.choose(rng).or(team.leader.as_ref()).expect("a team has members");
                let by = Visitor { team: team.id, volunteer, campaign };
                store.record_visit(&session(rng, by, h.id, &h.people, occurred))?;
                visits += 1;
            }
        }
        Ok(visits)
    }

    fn set_clock(&self, t: DateTime<Utc>) {
        if let Some(c) = &self.clock {
            c.set(t);
        }
    }

    /// The time to record something planned for `t`: the clock moves there, or, if it
    /// cannot, no later than the store's "now".
    fn moment(&self, store: &Store, t: DateTime<Utc>) -> DateTime<Utc> {
        match &self.clock {
            Some(c) => {
                c.set(t);
                t
            }
            None => t.min(store.now()),
        }
    }
}

/// The village index of each household, in registration order: shared villages take
/// turns (the first ones get the remainder), villages with a count take part in the
/// turns until they have it.
fn registration_order(plans: &[VillagePlan], shared: usize) -> Vec<usize> {
    let sharing = plans.iter().filter(|p| p.households.is_none()).count();
    let want: Vec<usize> = {
        let mut k = 0;
        plans
            .iter()
            .map(|p| {
                p.households.unwrap_or_else(|| {
                    k += 1;
                    shared / sharing + usize::from(k <= shared % sharing)
                })
            })
            .collect()
    };
    let mut left = want.clone();
    let mut order = Vec::with_capacity(want.iter().sum());
    while left.iter().any(|n| *n > 0) {
        for (v, n) in left.iter_mut().enumerate() {
            if *n > 0 {
                *n -= 1;
                order.push(v);
            }
        }
    }
    order
}

/// `h:00` on `day`, Vietnamese time.
fn morning(day: NaiveDate, h: u32) -> DateTime<Utc> {
    day.and_hms_opt(h, 0, 0).and_then(|t| t.and_local_timezone(VIETNAM).single()).expect("a valid time").with_timezone(&Utc)
}

/// `days` after `end` (or after today, without a campaign), from 09:00, `k` minutes in.
fn after(end: Option<NaiveDate>, days: u64, k: usize) -> DateTime<Utc> {
    let end = end.unwrap_or_else(|| tungnha_core::clock::vietnam_date(Utc::now()));
    morning(end + Days::new(days), 9) + Duration::minutes(k as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tungnha_core::store::StoreOptions;

    fn open(dir: &tempfile::TempDir, name: &str, clock: Arc<ManualClock>) -> Store {
        Store::open(dir.path().join(name), StoreOptions { clock, household_goal: 1 }).expect("a store")
    }

    #[test]
    fn turns_across_villages() {
        let p = |n: Option<usize>| VillagePlan { name: String::new(), households: n };
        assert_eq!(registration_order(&[p(None), p(None)], 5), vec![0, 1, 0, 1, 0]);
        assert_eq!(registration_order(&[p(None), p(Some(0)), p(Some(3))], 2), vec![0, 2, 0, 2, 2]);
        assert_eq!(registration_order(&[p(Some(1)), p(None)], 3), vec![0, 1, 1, 1]);
    }

    #[test]
    fn the_same_seed_builds_the_same_commune_in_two_stores() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let builder = CommuneBuilder::new(11)
            .village("Bản Mòng")
            .village("Bản Hụm")
            .households(40)
            .members(2..=5)
            .team(TeamPlan::new("Tổ 1").leader("Lò Văn Thắng").drawn_volunteers(2).villages([0, 1]))
            .visits_per_day(4)
            .self_reports_every(5)
            .corrections_every(10);
        let snapshot = |store: &Store, c: &Commune| {
            let mut out = vec![];
            for h in &c.households {
                let d = store.household_detail(h.id).expect("detail");
                out.push(format!("{} {} {}", d.household.address, d.members.len(), d.visits.len()));
                out.extend(d.members.iter().map(|m| format!("{} {:?} {:?}", m.person.full_name, m.person.birth_year, m.person.phone)));
            }
            out
        };
        let build = |name: &str| {
            // The builder moves the clock the store was opened with.
            let clock = Arc::new(ManualClock::new(crate::calendar::at(1, 7)));
            let store = open(&dir, name, clock.clone());
            let made = builder.clone().clock(clock).build(&store).expect("built");
            (store, made)
        };
        let ((a2, ca2), (b2, cb2)) = (build("a.db"), build("b.db"));
        assert_eq!(ca2.households.len(), 40);
        assert_eq!(ca2.visits, 40);
        assert_eq!((ca2.self_reports, ca2.corrections), (8, 4));
        assert!(ca2.households.iter().all(|h| (2..=5).contains(&h.people.len())));
        assert_eq!(snapshot(&a2, &ca2), snapshot(&b2, &cb2));
        assert_ne!(ca2.households[0].id, cb2.households[0].id, "only the ids differ");
        assert_eq!(a2.pending_ops(u32::MAX).expect("ops").len(), b2.pending_ops(u32::MAX).expect("ops").len());
        assert!(a2.rejected_ops().expect("rejected").is_empty());
    }

    #[test]
    fn defaults_make_a_small_commune_with_a_fixed_clock() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = Store::open(
            dir.path().join("c.db"),
            StoreOptions { clock: Arc::new(tungnha_core::clock::FixedClock(crate::calendar::at(5, 10))), household_goal: 1 },
        )
        .expect("a store");
        let c = CommuneBuilder::new(1).build(&store).expect("built");
        assert_eq!((c.villages.len(), c.teams.len(), c.households.len()), (1, 1, 30));
        assert!(c.teams[0].leader.is_some() && c.teams[0].volunteers.len() == 1);
        assert!(c.households.iter().all(|h| (3..=4).contains(&h.people.len())));
        let list = store.assignment_households(c.teams[0].id, None).expect("assignment");
        assert_eq!(list.len(), 30);
    }
}
