//! The read-side screens (issue 10): the volunteer's home, a household's ladder and visit
//! history, the sync status with a refused visit fixed, the settings.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};
use tungnha_core::forms::{consent_purpose, VisitDraft};
use tungnha_core::ids::{HouseholdId, OpId};
use tungnha_core::model::{Channel, HouseholdStatus, NewSelfReport, SkillLevel, VisitPlace};
use tungnha_core::problem::{Problem, ProblemCode};
use tungnha_core::screens::{HomeQuery, HouseholdFilter, Language, RefusedAction, Settings, SkillSource};
use tungnha_core::search;
use tungnha_core::sync::protocol::{Cursor, Entity, RejectCode, Rejection, SyncResponse};
use tungnha_core::CoreError;
use tungnha_testkit::calendar::{at, day};

fn q(filter: HouseholdFilter, search: &str) -> HomeQuery {
    HomeQuery { filter, search: search.into(), ..HomeQuery::default() }
}

fn answer(acks: Vec<OpId>, rejected: Vec<Rejection>) -> SyncResponse {
    SyncResponse {
        server_time_ms: 0,
        acks,
        rejected,
        deferred: vec![],
        changes: vec![],
        next_cursor: Cursor("1".into()),
        more: false,
        purge: None,
    }
}

fn mastered(person: tungnha_core::ids::PersonId) -> NewSelfReport {
    let all5 = ["public_services", "online_shopping", "online_payment", "online_safety", "digital_platforms"];
    NewSelfReport { person_id: person, skills: all5.map(str::to_owned).to_vec(), channel: Channel::Volunteer, reported_at: at(10, 11) }
}

fn visit_ops(f: &Fixture) -> Vec<OpId> {
    f.store.pending_ops(10_000).unwrap().into_iter().filter(|op| op.entity == Entity::Visit).map(|op| op.op_id).collect()
}

#[test]
fn home_filters_searches_counts_and_shows_what_sync_left() {
    let f = Fixture::new();
    let (h1, p1) = f.household("Số 1, bản Mòng", "Lò Văn Pằng", &["Lò Thị Xuân"]);
    let (h2, p2) = f.household("Số 2, bản Mòng", "Cầm Thị Ơn", &[]);
    let (h3, _) = f.household("Số 3, bản Mòng", "Đặng Văn Lâm", &[]);
    f.store.record_visit(&f.visit(h1, &p1, &["public_services"], at(10, 9))).unwrap();
    let all5 = ["public_services", "online_shopping", "online_payment", "online_safety", "digital_platforms"];
    f.store.record_visit(&f.visit(h2, &p2, &all5, at(10, 10))).unwrap();
    // Mastery is self-reported or better: the head says she can do all 5.
    f.store.record_self_report(&mastered(p2[0])).unwrap();

    let home = f.store.home(f.team, f.volunteer, day(10), &q(HouseholdFilter::All, "")).unwrap();
    let assigned: Vec<HouseholdId> = f.store.assignment_households(f.team, Some(f.volunteer)).unwrap().iter().map(|h| h.id).collect();
    assert_eq!(home.households.iter().map(|h| h.id).collect::<Vec<_>>(), assigned, "assignment order without search");
    assert_eq!(home.today.visits_today, 2);
    assert_eq!((home.counts.all, home.counts.not_visited, home.counts.visited, home.counts.goal_reached), (3, 1, 1, 1));
    assert_eq!(home.villages.len(), 1);
    assert_eq!((home.villages[0].name.as_str(), home.villages[0].households), ("Bản Mòng", 3));
    assert!(home.unsent > 0);
    assert_eq!((home.refused, home.set_aside, home.conflicts, home.last_sync_at), (0, 0, 0, None));

    let not_visited = f.store.home(f.team, f.volunteer, day(10), &q(HouseholdFilter::NotVisited, "")).unwrap();
    assert_eq!(not_visited.households.iter().map(|h| h.id).collect::<Vec<_>>(), vec![h3]);
    assert_eq!(not_visited.counts, home.counts, "chips count every status within the village and search");
    assert_eq!(not_visited.villages[0].households, 1, "village chips count with the chosen status");

    // `dang` finds Đặng; `ban mong` finds everyone (address), best match first.
    let found = f.store.home(f.team, f.volunteer, day(10), &q(HouseholdFilter::All, "dang")).unwrap();
    assert_eq!(found.households.iter().map(|h| h.id).collect::<Vec<_>>(), vec![h3]);
    assert_eq!(found.counts.all, 1);
    let xuan = f.store.home(f.team, f.volunteer, day(10), &q(HouseholdFilter::Visited, "xuan")).unwrap();
    assert_eq!(xuan.households.iter().map(|h| h.id).collect::<Vec<_>>(), vec![h1]);
    let none = f.store.home(f.team, f.volunteer, day(10), &q(HouseholdFilter::GoalReached, "xuan")).unwrap();
    assert!(none.households.is_empty());
    assert_eq!(none.counts.visited, 1);

    // A page at a time.
    let mut query = q(HouseholdFilter::All, "");
    query.limit = 2;
    let first = f.store.home(f.team, f.volunteer, day(10), &query).unwrap();
    assert_eq!((first.households.len(), first.total, first.next_offset), (2, 3, Some(2)));
    query.offset = 2;
    let second = f.store.home(f.team, f.volunteer, day(10), &query).unwrap();
    assert_eq!((second.households.len(), second.next_offset), (1, None));
    query.village = Some(tungnha_core::ids::VillageId::new());
    assert_eq!(f.store.home(f.team, f.volunteer, day(10), &query).unwrap().counts.all, 0, "another village: nothing");

    // A sync answer is recorded with its time.
    let acks: Vec<OpId> = f.store.pending_ops(10_000).unwrap().into_iter().map(|o| o.op_id).collect();
    f.store.apply_sync_response(&answer(acks, vec![]), 0).unwrap();
    let synced = f.store.home(f.team, f.volunteer, day(10), &q(HouseholdFilter::All, "")).unwrap();
    assert_eq!((synced.unsent, synced.last_sync_at), (0, Some(at(10, 20))));
}

#[test]
fn the_ladder_names_each_level_with_when_and_through_what() {
    let f = Fixture::new();
    let (h, p) = f.household("Số 7, bản Mòng", "Lò Văn Pằng", &["Lò Thị Xuân"]);
    let (other, q) = f.household("Số 8, bản Mòng", "Cầm Văn Xôm", &[]);
    let skill = "online_payment";
    let step = |person| {
        let s = f.store.household_screen(h).unwrap();
        let m = s.members.into_iter().find(|m| m.person.id == person).unwrap();
        assert_eq!(m.ladder.len(), 5, "all 5 skills, in catalog order");
        m.ladder.into_iter().find(|l| l.skill == skill).unwrap()
    };
    let start = step(p[1]);
    assert_eq!((start.level, start.since, start.source.clone()), (SkillLevel::NotStarted, None, None));
    assert!(!start.name_vi.is_empty() && !start.name_en.is_empty());

    f.store.record_visit(&f.visit(h, &p[1..], &[skill], at(10, 9))).unwrap();
    let guided = step(p[1]);
    assert_eq!(guided.level, SkillLevel::Guided);
    assert_eq!(guided.since, Some(at(10, 9)));
    match guided.source {
        Some(SkillSource::Visit { volunteer_id, volunteer_name, .. }) => {
            assert_eq!(volunteer_id, f.volunteer);
            assert_eq!(volunteer_name.as_deref(), Some("Quàng Thị Hoa"));
        }
        other => panic!("guided by a visit, not {other:?}"),
    }

    let report = NewSelfReport { person_id: p[1], skills: vec![skill.into()], channel: Channel::Web, reported_at: at(10, 11) };
    f.store.record_self_report(&report).unwrap();
    let reported = step(p[1]);
    assert_eq!(reported.level, SkillLevel::SelfReported);
    assert_eq!(reported.source, Some(SkillSource::SelfReport { channel: Channel::Web }));

    f.store.verify_skills(p[1], &[skill.to_owned()], f.leader).unwrap();
    let verified = step(p[1]);
    assert_eq!(verified.level, SkillLevel::Verified);
    assert!(
        matches!(verified.source, Some(SkillSource::Verification { leader_id, leader_name: Some(ref n) }) if leader_id == f.leader && n == "Lò Văn Thắng")
    );
    assert_eq!(step(p[0]).level, SkillLevel::NotStarted, "the head was not there");

    // A group session at the commune hall with a member of each household, then corrected.
    let mut session = VisitDraft::group_session("Nhà văn hoá bản Mòng", f.team, f.volunteer, Some(f.campaign));
    session.occurred_at = Some(at(10, 14));
    session.toggle_skill(p[0], "online_safety");
    session.toggle_skill(q[0], "online_safety");
    session.toggle_topic("vneid");
    let first = session.save(&f.store).unwrap().id;
    let mut fix = VisitDraft::correcting(&f.store, first).unwrap();
    fix.notes = "Sửa: thêm ghi chú".into();
    fix.correction_reason = "Thiếu ghi chú".into();
    let corrected = fix.save(&f.store).unwrap().id;

    let s = f.store.household_screen(h).unwrap();
    let group: Vec<_> = s.visits.iter().filter(|v| v.group_session).collect();
    assert_eq!(group.len(), 2, "the session and its correction");
    let old = group.iter().find(|v| v.visit_id == first).unwrap();
    assert!(old.superseded && old.superseded_by == Some(corrected));
    let new = group.iter().find(|v| v.visit_id == corrected).unwrap();
    assert!(!new.superseded && new.corrects == Some(first));
    assert_eq!(new.place, VisitPlace::Group { place: "Nhà văn hoá bản Mòng".into() });
    assert_eq!(new.attendees.iter().map(|a| a.full_name.as_str()).collect::<Vec<_>>(), vec!["Lò Văn Pằng"], "only this household's");
    assert_eq!(new.other_attendees, 1);
    assert_eq!(new.recorded_by_name.as_deref(), Some("Quàng Thị Hoa"));
    let home_visit = s.visits.iter().find(|v| !v.group_session).unwrap();
    assert_eq!(home_visit.attendees[0].skills_guided, vec![skill.to_owned()]);
    assert_eq!(s.visits.first().unwrap().occurred_at, at(10, 14), "newest first");
    assert_eq!(f.store.household_screen(other).unwrap().visits.len(), 2, "the other household sees the session too");
}

#[test]
fn a_refused_visit_is_shown_with_its_reason_and_fixed() {
    let f = Fixture::new();
    let (h, p) = f.household("Số 9, bản Mòng", "Lò Văn Pằng", &["Lò Thị Xuân"]);
    let acks: Vec<OpId> = f.store.pending_ops(10_000).unwrap().into_iter().map(|o| o.op_id).collect();
    f.store.apply_sync_response(&answer(acks, vec![]), 0).unwrap();
    let mut v = f.visit(h, &p, &["public_services"], at(10, 9));
    v.notes = "Buổi sáng".into();
    f.store.record_visit(&v).unwrap();
    let op = visit_ops(&f)[0];
    let reason = Problem::error("topics[0]", ProblemCode::UnknownTopic, "Chủ đề không có", "Unknown topic");
    let refusal = Rejection {
        op_id: op,
        code: RejectCode::Invalid,
        message_vi: "Dữ liệu không hợp lệ".into(),
        message_en: "Invalid data".into(),
        problems: vec![reason.clone()],
    };
    f.store.apply_sync_response(&answer(vec![], vec![refusal]), 0).unwrap();

    let status = f.store.sync_status().unwrap();
    assert_eq!((status.pending, status.refused_total, status.set_aside, status.conflicts), (0, 1, 0, 0));
    assert_eq!(status.last_sync_at, Some(at(10, 20)));
    let item = &status.refused[0];
    assert_eq!((item.entity, item.title.as_str(), item.occurred_at), (Entity::Visit, "Số 9, bản Mòng", Some(at(10, 9))));
    assert_eq!(
        (item.code, item.reason_vi.as_str(), item.reason_en.as_str()),
        (RejectCode::Invalid, "Dữ liệu không hợp lệ", "Invalid data")
    );
    assert_eq!(item.problems, vec![reason]);
    assert_eq!(item.actions, vec![RefusedAction::Fix, RefusedAction::Discard]);
    assert_eq!(f.store.home(f.team, f.volunteer, day(10), &HomeQuery::default()).unwrap().refused, 1);

    // Fix: the refused content, prefilled; the person drops one topic and saves again.
    let mut draft = VisitDraft::from_refused(&f.store, op).unwrap();
    assert_eq!(draft.place, VisitPlace::Household { household_id: h });
    assert_eq!((draft.occurred_at, draft.notes.as_str(), draft.attendees.len()), (Some(at(10, 9)), "Buổi sáng", 2));
    assert_eq!(draft.topics, vec!["vneid".to_owned(), "online_public_services".to_owned()]);
    draft.toggle_topic("vneid");
    let saved = draft.save_replacing(&f.store, op).unwrap().id;
    let after = f.store.sync_status().unwrap();
    assert!(after.refused.is_empty());
    assert_eq!(after.pending, 1, "the fixed visit waits to be sent");
    let queued = &f.store.pending_ops(10).unwrap()[0];
    assert_eq!((queued.entity, queued.entity_id.clone()), (Entity::Visit, saved.to_string()));
    let s = f.store.household_screen(h).unwrap();
    assert_eq!(s.visits.iter().map(|v| v.visit_id).collect::<Vec<_>>(), vec![saved], "the refused visit is gone from the phone");
    assert_eq!(s.visits[0].topics, vec!["online_public_services".to_owned()]);
    assert_eq!(f.store.assignment_households(f.team, None).unwrap()[0].visit_count, 1);
    assert!(matches!(VisitDraft::from_refused(&f.store, op), Err(CoreError::NotFound { .. })), "the refused op is gone");
    assert!(matches!(draft.save_replacing(&f.store, op), Err(CoreError::NotFound { .. })), "and cannot be replaced twice");

    // A refusal that cannot be fixed here (out of scope): discard only, and it leaves the phone.
    let (h2, p2) = f.household("Số 10, bản Mòng", "Cầm Thị Ơn", &[]);
    f.store.record_visit(&f.visit(h2, &p2, &["online_safety"], at(10, 12))).unwrap();
    let op2 = *visit_ops(&f).last().unwrap();
    let refusal = Rejection {
        op_id: op2,
        code: RejectCode::OutOfScope,
        message_vi: "Ngoài địa bàn".into(),
        message_en: "Outside".into(),
        problems: vec![],
    };
    f.store.apply_sync_response(&answer(vec![], vec![refusal]), 0).unwrap();
    let item = f.store.sync_status().unwrap().refused.into_iter().find(|r| r.op_id == op2).unwrap();
    assert_eq!(item.actions, vec![RefusedAction::Discard]);
    let before = f.store.household_screen(h2).unwrap().members[0].ladder.iter().find(|l| l.skill == "online_safety").unwrap().level;
    assert_eq!(before, SkillLevel::Guided);
    f.store.discard_rejected(op2).unwrap();
    let s2 = f.store.household_screen(h2).unwrap();
    assert!(s2.visits.is_empty());
    assert_eq!(
        s2.members[0].ladder.iter().find(|l| l.skill == "online_safety").unwrap().level,
        SkillLevel::NotStarted,
        "levels recomputed"
    );
    assert_eq!(s2.status, HouseholdStatus::NotVisited);
}

#[test]
fn settings_are_kept_and_bounded() {
    let f = Fixture::new();
    let screen = f.store.settings_screen().unwrap();
    assert_eq!(screen.settings, Settings::default());
    assert_eq!(screen.settings.language, Language::Vi, "Vietnamese first");
    assert_eq!((screen.privacy.text_vi.as_str(), screen.privacy.text_en.as_str()), consent_purpose());
    assert_eq!(screen.server_url, None, "not enrolled");

    let big = Settings { language: Language::En, text_scale: 1.5 };
    f.store.save_settings(&big).unwrap();
    assert_eq!(f.store.settings().unwrap(), big);
    for bad in [0.5, 2.5, f32::NAN, f32::INFINITY] {
        match f.store.save_settings(&Settings { language: Language::Vi, text_scale: bad }) {
            Err(CoreError::Invalid(ps)) => {
                let p = &ps.0[0];
                assert_eq!((p.field.as_str(), p.code), ("text_scale", ProblemCode::ValueOutOfRange));
                assert!(p.message_vi.contains("Cỡ chữ") && p.message_en.contains("text size"));
            }
            other => panic!("{bad} refused, not {other:?}"),
        }
    }
    assert_eq!(f.store.settings().unwrap(), big, "a refused change changes nothing");

    // Reopened, the settings stay.
    let path = f.store.path().to_owned();
    drop(f.store);
    let again = tungnha_core::Store::open(&path, options(at(10, 20))).unwrap();
    assert_eq!(again.settings().unwrap(), big);
    assert_eq!(again.settings_screen().unwrap().server_url, None, "no server before enrolment");
    let enrolment = tungnha_core::store::Enrolment {
        token: "t".into(),
        role: tungnha_core::sync::Role::Volunteer,
        member_id: None,
        team_id: None,
        household_id: None,
        commune_key: None,
        server_url: Some("https://tungnha.example.vn".into()),
    };
    again.save_enrolment(&enrolment, 0).unwrap();
    assert_eq!(again.settings_screen().unwrap().server_url.as_deref(), Some("https://tungnha.example.vn"), "the server enrolled with");
}

/// The search key a household is found by, computed by hand: address, village, names.
fn brute_key(f: &Fixture, h: HouseholdId) -> String {
    let d = f.store.household_detail(h).unwrap();
    let names: Vec<String> = d.members.iter().map(|m| m.person.full_name.clone()).collect();
    search::fold(&format!("{} {} {}", d.household.address, d.village_name, names.join(" ")))
}

const NAMES: &[&str] = &["Lò Văn Pằng", "Cầm Thị Ơn", "Đặng Văn Lâm", "Quàng Thị Hoa", "Lường Văn Dân", "Hà Thị Lan"];
const QUERIES: &[&str] = &["", "van", "thi", "dang", "lo", "so 1", "ban mong", "lan", "zzz", "  "];

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// Filter ∘ search equals brute force over the assignment; chip counts sum right.
    #[test]
    fn home_equals_brute_force(
        homes in proptest::collection::vec((0..NAMES.len(), 0..3u8), 1..9),
        query in 0..QUERIES.len(),
    ) {
        let f = Fixture::new();
        for (i, (name, visits)) in homes.iter().enumerate() {
            let (h, p) = f.household(&format!("Số {}, bản Mòng", i + 1), NAMES[*name], &[]);
            let skills: &[&str] = match visits {
                0 => &[],
                1 => &["public_services"],
                _ => &["public_services", "online_shopping", "online_payment", "online_safety", "digital_platforms"],
            };
            if !skills.is_empty() {
                f.store.record_visit(&f.visit(h, &p, skills, at(10, 9))).unwrap();
            }
            if *visits == 2 {
                f.store.record_self_report(&mastered(p[0])).unwrap();
            }
        }
        let text = QUERIES[query];
        let terms = search::query_terms(text);
        let assigned = f.store.assignment_households(f.team, Some(f.volunteer)).unwrap();
        let keys: HashMap<HouseholdId, String> = assigned.iter().map(|h| (h.id, brute_key(&f, h.id))).collect();
        let found: Vec<_> = assigned.iter().filter(|h| terms.is_empty() || search::matches(&keys[&h.id], &terms)).collect();
        for filter in [HouseholdFilter::All, HouseholdFilter::NotVisited, HouseholdFilter::Visited, HouseholdFilter::GoalReached] {
            let mut hq = q(filter, text);
            hq.limit = 500;
            let home = f.store.home(f.team, f.volunteer, day(10), &hq).unwrap();
            let expected: BTreeSet<HouseholdId> = found.iter().filter(|h| filter.accepts(h.status)).map(|h| h.id).collect();
            let got: BTreeSet<HouseholdId> = home.households.iter().map(|h| h.id).collect();
            prop_assert_eq!(&got, &expected);
            prop_assert_eq!(got.len(), home.households.len(), "no household twice");
            prop_assert_eq!(home.total as usize, expected.len());
            prop_assert_eq!(home.counts.get(filter), home.total);
            let c = home.counts;
            prop_assert_eq!(c.all, c.not_visited + c.visited + c.goal_reached);
            prop_assert_eq!(c.all as usize, found.len());
            prop_assert_eq!(home.villages.iter().map(|v| v.households).sum::<u32>(), home.total);
            if terms.is_empty() {
                let order: Vec<HouseholdId> = assigned.iter().filter(|h| filter.accepts(h.status)).map(|h| h.id).collect();
                prop_assert_eq!(home.households.iter().map(|h| h.id).collect::<Vec<_>>(), order);
            } else {
                let ranked: Vec<HouseholdId> = f.store.search_page(text, None, 0, 200).unwrap().hits.iter().map(|h| h.household_id).filter(|id| expected.contains(id)).collect();
                prop_assert_eq!(home.households.iter().map(|h| h.id).collect::<Vec<_>>(), ranked, "search rank order");
            }
        }
    }
}
