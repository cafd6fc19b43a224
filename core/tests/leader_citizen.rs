//! The team leader's and the citizen's screens (issue 10): what a device received when it
//! enrolled, a team's progress against its campaign (the figures' own counts, split by
//! member), a citizen's household, enrolment codes asked from the app and their QR payload.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use proptest::prelude::*;
use std::sync::Mutex;
use tungnha_core::catalog::SKILLS;
use tungnha_core::error::{ErrorAction, ErrorCode};
use tungnha_core::figures::{FigureQuery, Scope};
use tungnha_core::forms::{SelfReportDraft, VerificationDraft};
use tungnha_core::model::{Channel, HouseholdStatus, NewSelfReport, SkillLevel};
use tungnha_core::problem::ProblemCode;
use tungnha_core::store::Enrolment;
use tungnha_core::sync::client::{self, Reply, SyncError, Transport, TransportError};
use tungnha_core::sync::enrol_link::{self, EnrolTarget};
use tungnha_core::sync::{ApiErrorCode, CodeRequest, Role};
use tungnha_core::units;
use tungnha_core::validate::enrolment::CODE_ALPHABET;
use tungnha_testkit::calendar::at;

fn all_skills() -> Vec<String> {
    SKILLS.iter().map(|s| s.code.to_owned()).collect()
}

fn self_report(f: &Fixture, person: tungnha_core::ids::PersonId, day: u32) {
    let r = NewSelfReport { person_id: person, skills: all_skills(), channel: Channel::App, reported_at: at(day, 9) };
    f.store.record_self_report(&r).unwrap();
}

#[test]
fn team_progress_is_the_teams_figures_split_by_member() {
    let f = Fixture::new();
    let (h1, p1) = f.household("Số 1", "Lò Văn Pánh", &["Lò Thị Xuân"]);
    let (h2, p2) = f.household("Số 2", "Cầm Thị Ơn", &[]);
    f.household("Số 3", "Quàng Văn Mến", &[]);
    // The volunteer guides both people of h1; the leader guides h2's head, then the
    // volunteer's second visit of h2 is corrected (only the correction counts).
    f.store.record_visit(&f.visit(h1, &p1, &["online_payment"], at(3, 9))).unwrap();
    let mut by_leader = f.visit(h2, &p2, &["public_services"], at(4, 9));
    by_leader.volunteer_id = f.leader;
    f.store.record_visit(&by_leader).unwrap();
    let wrong = f.store.record_visit(&f.visit(h2, &p2, &["online_safety"], at(5, 9))).unwrap().id;
    let mut fixed = f.visit(h2, &p2, &["online_shopping"], at(5, 9));
    fixed.supersedes = Some(wrong);
    fixed.correction_reason = Some("Ghi nhầm kỹ năng".into());
    f.store.record_visit(&fixed).unwrap();
    // h1's head masters all 5 (so h1 reaches the goal of 1); the leader verifies a skill.
    self_report(&f, p1[0], 6);
    let mut v = VerificationDraft::new(p2[0], f.leader);
    v.toggle("public_services");
    v.save(&f.store).unwrap();

    let p = f.store.team_progress(f.team, Some(f.campaign)).unwrap();
    let figures = f.store.figures(&FigureQuery::for_campaign(Scope::Team(f.team), &f.store.campaign(f.campaign).unwrap())).unwrap();
    assert_eq!(p.figures, figures, "the team's figures are the reports' figures");
    assert_eq!((p.figures.households, p.figures.visits, p.figures.people_guided), (3, 3, 3));
    assert_eq!(p.household_goal, 1, "the campaign's goal");
    assert_eq!(p.households_goal_reached, 1);
    assert_eq!(p.households_goal_reached, figures.households_with_1_master);
    assert_eq!(p.campaign_name.as_deref(), Some("Chiến dịch 10 ngày cao điểm"));
    assert_eq!((p.first_day.unwrap().to_string(), p.last_day.unwrap().to_string()), ("2024-10-01".into(), "2024-10-10".into()));
    assert_eq!(p.households_visited_percent, None, "this campaign sets no count of households");

    assert_eq!(p.members.len(), 2, "every member, zeros included");
    let vol = p.members.iter().find(|m| m.member_id == f.volunteer).unwrap();
    let lead = p.members.iter().find(|m| m.member_id == f.leader).unwrap();
    assert_eq!((vol.visits, vol.people_guided, vol.households_visited, vol.households_goal_reached), (2, 3, 2, 1));
    assert_eq!((lead.visits, lead.people_guided, lead.households_visited, lead.households_goal_reached), (1, 1, 1, 0));
    assert_eq!((vol.verifications, lead.verifications), (0, 1));
    assert!(lead.can_verify && !vol.can_verify);
    assert_eq!(vol.last_activity_at, Some(at(5, 9)));
    assert!(lead.last_activity_at >= Some(at(4, 9)), "the verification is the leader's latest work");
    assert_eq!(p.members.iter().map(|m| m.visits).sum::<u32>(), figures.visits, "members' visits add up to the team's");

    // Without a campaign: all time, no targets, the device's goal.
    let all = f.store.team_progress(f.team, None).unwrap();
    assert_eq!(all.figures, f.store.figures(&FigureQuery::all_time(Scope::Team(f.team))).unwrap());
    assert_eq!((all.campaign_id, all.first_day, all.household_goal), (None, None, 1));
    assert!(f.store.team_progress(tungnha_core::ids::TeamId::new(), None).is_err(), "an unknown team is not found");
}

#[test]
fn the_citizen_sees_each_person_and_the_households_progress() {
    let f = Fixture::new();
    let (h, people) = f.household("Số 7, bản Mòng", "Lò Văn Pánh", &["Lò Thị Xuân"]);
    let home = f.store.citizen_home(h).unwrap();
    assert_eq!((home.address.as_str(), home.village_name.as_str()), ("Số 7, bản Mòng", "Bản Mòng"));
    assert_eq!(home.people.len(), 2);
    assert!(home.people.iter().all(|p| p.skills.len() == 5 && p.skills.iter().all(|s| s.level == SkillLevel::NotStarted)));
    assert_eq!((home.people_mastering_all, home.mastering_all_percent, home.status), (0, 0, HouseholdStatus::NotVisited));

    // The citizen ticks everything for the head, two skills for the other, and submits.
    let mut d = SelfReportDraft::for_household(&f.store, h, Channel::App).unwrap();
    for s in SKILLS {
        d.toggle(people[0], s.code);
    }
    d.toggle(people[1], "online_safety");
    d.toggle(people[1], "public_services");
    assert!(d.state(at(10, 20)).can_save);
    d.save(&f.store).unwrap();
    let home = f.store.citizen_home(h).unwrap();
    let head = home.people.iter().find(|p| p.person_id == people[0]).unwrap();
    let other = home.people.iter().find(|p| p.person_id == people[1]).unwrap();
    assert!(head.masters_all && head.skills.iter().all(|s| s.level == SkillLevel::SelfReported));
    assert_eq!((other.skills_mastered, other.masters_all), (2, false));
    assert_eq!((home.people_mastering_all, home.mastering_all_percent, home.status), (1, 50, HouseholdStatus::GoalReached));
}

#[test]
fn the_enrolment_summary_names_the_role_and_area() {
    let f = Fixture::new();
    assert_eq!(f.store.enrolment_summary().unwrap(), None);
    let commune = commune_key();
    let tree = units::official();
    let member = |role, team, member| Enrolment {
        token: "t".into(),
        role,
        member_id: Some(member),
        team_id: Some(team),
        household_id: None,
        commune_key: Some(commune.clone()),
        server_url: Some("https://dongbo.example.vn".into()),
    };
    f.store.save_enrolment(&member(Role::Volunteer, f.team, f.volunteer), 0).unwrap();
    let s = f.store.enrolment_summary().unwrap().unwrap();
    assert_eq!(s.role, Role::Volunteer);
    assert_eq!(s.commune_name.as_deref(), Some(tree.get(&commune).unwrap().name.as_str()));
    assert_eq!(s.province_name.as_deref(), Some("Tỉnh Sơn La"));
    assert_eq!((s.team_name.as_deref(), s.member_name.as_deref()), (Some("Tổ CNSCĐ bản Mòng"), Some("Quàng Thị Hoa")));
    assert_eq!(s.server_url.as_deref(), Some("https://dongbo.example.vn"));

    // A team not pulled yet: the area at once, the names after the first sync.
    f.store.save_enrolment(&member(Role::TeamLeader, tungnha_core::ids::TeamId::new(), f.leader), 0).unwrap();
    let s = f.store.enrolment_summary().unwrap().unwrap();
    assert!(s.commune_name.is_some() && s.team_name.is_none() && s.member_name.is_none());

    let (h, _) = f.household("Số 9", "Cầm Văn Xôm", &[]);
    let citizen =
        Enrolment { role: Role::Citizen, member_id: None, team_id: None, household_id: Some(h), ..member(Role::Citizen, f.team, f.leader) };
    f.store.save_enrolment(&citizen, 0).unwrap();
    let s = f.store.enrolment_summary().unwrap().unwrap();
    assert_eq!((s.household_address.as_deref(), s.village_name.as_deref()), (Some("Số 9"), Some("Bản Mòng")));

    let province = tree.province_of(&commune).unwrap().key.clone();
    let official = Enrolment { role: Role::ProvinceOfficial, commune_key: Some(province), team_id: None, member_id: None, ..citizen };
    f.store.save_enrolment(&official, 0).unwrap();
    let s = f.store.enrolment_summary().unwrap().unwrap();
    assert_eq!((s.commune_name, s.province_name.as_deref()), (None, Some("Tỉnh Sơn La")));
}

/// A server that records what it was asked and answers with `reply`.
struct Answer {
    reply: Reply,
    seen: Mutex<Vec<(String, Option<String>, serde_json::Value)>>,
}

impl Transport for Answer {
    fn post(&self, path: &str, _ct: &str, token: Option<&str>, body: Vec<u8>) -> Result<Reply, TransportError> {
        self.seen.lock().unwrap().push((path.into(), token.map(Into::into), serde_json::from_slice(&body).unwrap()));
        Ok(self.reply.clone())
    }
}

fn answer(status: u16, body: &str) -> Answer {
    Answer { reply: Reply { status, body: body.as_bytes().to_vec() }, seen: Mutex::new(vec![]) }
}

#[test]
fn a_leader_asks_the_server_for_a_code_and_refusals_are_typed() {
    let f = Fixture::new();
    let req = CodeRequest::household(tungnha_core::ids::HouseholdId::new());
    let ok = answer(200, r#"{"code":"K7QX3MZP","expires_at":"2024-10-17T13:00:00Z","role":"citizen","commune_key":"2025:c:03646"}"#);
    assert!(matches!(client::issue_code(&f.store, &ok, &req), Err(SyncError::NotEnrolled)), "enrolled devices only");
    let e = Enrolment {
        token: "leader-token".into(),
        role: Role::TeamLeader,
        member_id: Some(f.leader),
        team_id: Some(f.team),
        household_id: None,
        commune_key: Some(commune_key()),
        server_url: None,
    };
    f.store.save_enrolment(&e, 0).unwrap();
    let issued = client::issue_code(&f.store, &ok, &req).unwrap();
    assert_eq!((issued.code.as_str(), issued.role), ("K7QX3MZP", Role::Citizen));
    let seen = ok.seen.lock().unwrap();
    let (path, token, body) = &seen[0];
    assert_eq!((path.as_str(), token.as_deref()), ("/v1/enrolment-codes", Some("leader-token")));
    assert_eq!(serde_json::from_value::<CodeRequest>(body.clone()).unwrap(), req, "the request the server reads is the one asked");

    let refused = answer(403, r#"{"code":"forbidden","message_vi":"Bạn không được cấp mã","message_en":"You may not"}"#);
    let err = client::issue_code(&f.store, &refused, &req).unwrap_err();
    assert!(matches!(err, SyncError::Server { status: 403, code: ApiErrorCode::Forbidden, .. }), "{err:?}");
    assert_eq!((err.code(), err.code().action()), (ErrorCode::Forbidden, ErrorAction::ContactLeader));
    assert_eq!(err.message_vi(), "Bạn không được cấp mã");
    assert_eq!(refused.seen.lock().unwrap().len(), 1, "a refusal is not retried");

    for garbage in [r#"{"code":"0000","expires_at":"2024-10-17T13:00:00Z","role":"citizen","commune_key":null}"#, "[]", "<html>"] {
        let err = client::issue_code(&f.store, &answer(200, garbage), &req).unwrap_err();
        assert_eq!(err.code(), ErrorCode::UnreadableAnswer, "{garbage}");
    }
}

fn code_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(0..CODE_ALPHABET.len(), 8).prop_map(|ix| ix.into_iter().map(|i| char::from(CODE_ALPHABET[i])).collect())
}

fn server_strategy() -> impl Strategy<Value = String> {
    ("(http|https)", "[a-z0-9][a-z0-9-]{0,20}(\\.[a-z0-9-]{1,10}){0,3}", proptest::option::of(1u16..), "(/[A-Za-z0-9._~-]{1,10}){0,2}")
        .prop_map(|(scheme, host, port, path)| format!("{scheme}://{host}{}{path}", port.map(|p| format!(":{p}")).unwrap_or_default()))
}

proptest! {
    #[test]
    fn a_payload_parses_back_to_its_server_and_code(code in code_strategy(), server in server_strategy(), dash in 0usize..9, lower: bool) {
        let payload = enrol_link::encode(&server, &code).unwrap();
        prop_assert!(payload.len() <= enrol_link::MAX_INPUT && payload.is_ascii());
        let t = enrol_link::parse(&payload).unwrap();
        prop_assert_eq!(t, EnrolTarget { server_url: Some(server.trim_end_matches('/').to_owned()), code: code.clone() });
        // The same code typed by a person, with a dash somewhere and in any case.
        let mut typed = code.clone();
        typed.insert(dash.min(8), '-');
        let typed = if lower { typed.to_lowercase() } else { typed };
        prop_assert_eq!(enrol_link::parse(&typed).unwrap(), EnrolTarget { server_url: None, code });
    }

    #[test]
    fn parsing_anything_never_panics_and_garbage_is_a_problem_on_the_code_field(s in "\\PC{0,600}", tail in ".{0,300}") {
        for input in [s.clone(), format!("{}{tail}", enrol_link::PREFIX), format!("{}v=1&code={s}&server={tail}", enrol_link::PREFIX)] {
            match enrol_link::parse(&input) {
                Ok(t) => prop_assert_eq!(t.code.len(), 8),
                Err(p) => {
                    prop_assert_eq!(p.field.as_str(), enrol_link::FIELD);
                    prop_assert!(matches!(p.code, ProblemCode::BadEnrolmentCode | ProblemCode::BadServerAddress));
                }
            }
        }
    }
}
