//! Guidance sessions as volunteers record them: one to three people of the household
//! present, a few skills guided, sometimes an action done or an app installed, one to
//! three topics, now and then a note. Codes come from the catalog (see [`crate::catalog`]).

use chrono::{DateTime, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;
use tungnha_core::ids::{CampaignId, HouseholdId, MemberId, PersonId, TeamId};
use tungnha_core::model::{Attendee, NewVisit, VisitPlace};

use crate::catalog::{some_actions, some_skills, some_topics};

/// Apps volunteers install (free text in the model).
pub const APPS: [&str; 6] = ["VNeID", "Zalo", "Cổng Dịch vụ công", "BIDV SmartBanking", "Shopee", "eTax Mobile"];

/// Notes volunteers leave.
pub const NOTES: [&str; 5] = [
    "Bà con hỏi nhiều về thanh toán tiền điện qua điện thoại",
    "Điện thoại yếu, cần đổi máy mới",
    "Hẹn quay lại vào cuối tuần để hướng dẫn thêm",
    "Cháu trong nhà giúp bố mẹ cài ứng dụng",
    "Chưa có sóng 4G ở cuối bản",
];

/// Who records a session, for which campaign.
#[derive(Debug, Clone, Copy)]
pub struct Visitor {
    pub team: TeamId,
    pub volunteer: MemberId,
    pub campaign: Option<CampaignId>,
}

/// The first one to three of `people` (the head first), guided through the same one to
/// three skills; 30% with one or two actions, 20% with one or two apps installed.
pub fn attendees<R: Rng + ?Sized>(rng: &mut R, people: &[PersonId]) -> Vec<Attendee> {
    let n = rng.random_range(1..=people.len().clamp(1, 3)).min(people.len());
    let skills = some_skills(rng, 1..=3);
    people[..n]
        .iter()
        .map(|p| Attendee {
            person_id: *p,
            skills_guided: skills.clone(),
            actions: if rng.random_bool(0.3) { some_actions(rng, 1..=2) } else { vec![] },
            apps_installed: if rng.random_bool(0.2) { some_apps(rng) } else { vec![] },
            ..Default::default()
        })
        .collect()
}

/// A household session with [`attendees`], one to three topics and, 15% of the time, a note.
pub fn session<R: Rng + ?Sized>(
    rng: &mut R,
    by: Visitor,
    household: HouseholdId,
    people: &[PersonId],
    occurred_at: DateTime<Utc>,
) -> NewVisit {
    let attendees = attendees(rng, people);
    let topics = some_topics(rng, 1..=3);
    let notes = if rng.random_bool(0.15) { NOTES.choose(rng).copied().unwrap_or_default().into() } else { String::new() };
    at_home(by, household, occurred_at, attendees, topics, notes)
}

/// Fixed points where teams hold group sessions.
pub const PLACES: [&str; 4] = ["Hội trường UBND xã", "Nhà văn hoá bản", "Trường THCS xã", "Điểm bưu điện văn hoá xã"];

/// A group session at `place` (see [`PLACES`]): everyone in `people` (usually of several
/// households) guided through the same one or two skills, 20% with an action, one or two
/// topics.
pub fn group_session<R: Rng + ?Sized>(rng: &mut R, by: Visitor, place: &str, people: &[PersonId], occurred_at: DateTime<Utc>) -> NewVisit {
    let skills = some_skills(rng, 1..=2);
    let attendees = people
        .iter()
        .map(|p| Attendee {
            person_id: *p,
            skills_guided: skills.clone(),
            actions: if rng.random_bool(0.2) { some_actions(rng, 1..=1) } else { vec![] },
            ..Default::default()
        })
        .collect();
    NewVisit {
        place: VisitPlace::Group { place: place.to_owned() },
        ..at_home(by, HouseholdId::default(), occurred_at, attendees, some_topics(rng, 1..=2), String::new())
    }
}

/// A plain household session: everyone in `people` guided through `skills`, with `topics`.
pub fn simple(
    by: Visitor,
    household: HouseholdId,
    people: &[PersonId],
    skills: &[&str],
    topics: &[&str],
    occurred_at: DateTime<Utc>,
) -> NewVisit {
    let owned = |codes: &[&str]| codes.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    let attendees = people.iter().map(|p| Attendee { person_id: *p, skills_guided: owned(skills), ..Default::default() }).collect();
    at_home(by, household, occurred_at, attendees, owned(topics), String::new())
}

fn at_home(
    by: Visitor,
    household: HouseholdId,
    occurred_at: DateTime<Utc>,
    attendees: Vec<Attendee>,
    topics: Vec<String>,
    notes: String,
) -> NewVisit {
    NewVisit {
        place: VisitPlace::Household { household_id: household },
        campaign_id: by.campaign,
        team_id: by.team,
        volunteer_id: by.volunteer,
        occurred_at,
        attendees,
        topics,
        notes,
        location: None,
        supersedes: None,
        correction_reason: None,
    }
}

fn some_apps<R: Rng + ?Sized>(rng: &mut R) -> Vec<String> {
    let n = rng.random_range(1..=2);
    APPS.choose_multiple(rng, n).map(|a| (*a).to_owned()).collect()
}
