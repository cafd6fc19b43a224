//! The local store, on real SQLite files in temp dirs.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::sync::Arc;
use tungnha_core::ids::PersonId;
use tungnha_core::model::*;
use tungnha_core::problem::ProblemCode;
use tungnha_core::store::{schema, HouseholdPatch, PersonPatch, StoreOptions};
use tungnha_core::sync::protocol::{Entity, OpKind};
use tungnha_core::{CoreError, Store};
use tungnha_testkit::calendar::{at, day};
use tungnha_testkit::catalog::{all_skills, skill_codes};
use tungnha_testkit::people::person;

fn codes(e: CoreError) -> Vec<(String, ProblemCode)> {
    match e {
        CoreError::Invalid(ps) => ps.0.into_iter().map(|p| (p.field, p.code)).collect(),
        other => panic!("expected invalid input, got {other}"),
    }
}

#[test]
fn household_with_members_and_consent() {
    let f = Fixture::new();
    let (h, people) = f.household("Số 12, tổ 3", "Lò Văn Pánh", &["Lò Thị Xuân", "Lò Văn Minh"]);
    let d = f.store.household_detail(h).unwrap();
    assert_eq!(d.village_name, "Bản Mòng");
    assert_eq!(d.members.len(), 3);
    assert_eq!(d.members[0].person.full_name, "Lò Văn Pánh", "head first");
    assert_eq!(d.members[0].person.id, people[0]);
    assert_eq!(d.status, HouseholdStatus::NotVisited);
    assert!(d.members.iter().all(|m| m.skills.len() == 5 && m.skills.iter().all(|s| s.level == SkillLevel::NotStarted)));

    // A person without consent is refused, and nothing is stored.
    let before = dump(f.store.path());
    let mut p = person("Lò Thị Hằng", Relation::Child, 2001, at(1, 8));
    p.consent = None;
    assert_eq!(codes(f.store.add_person(h, &p).unwrap_err()), vec![("consent".into(), ProblemCode::ConsentMissing)]);
    assert_eq!(dump(f.store.path()), before);
}

#[test]
fn a_visit_updates_progress_status_and_outbox_in_one_go() {
    let f = Fixture::new();
    let (h, people) = f.household("Số 5", "Cầm Văn Sơn", &["Cầm Thị Lan"]);
    let pending_before = f.store.pending_count().unwrap();
    let mut v = f.visit(h, &people, &["online_payment", "online_safety"], at(2, 9));
    v.attendees[0].actions = vec!["vneid_activated".into(), "app_installed".into()];
    v.attendees[0].apps_installed = vec!["VNeID".into()];
    let saved = f.store.record_visit(&v).unwrap();
    assert!(saved.warnings.is_empty());

    let d = f.store.household_detail(h).unwrap();
    assert_eq!(d.status, HouseholdStatus::Visited);
    assert!(d.members[0].person.vneid_activated);
    let lvl = |m: usize, s: &str| d.members[m].skills.iter().find(|x| x.skill == s).unwrap().level;
    assert_eq!(lvl(0, "online_payment"), SkillLevel::Guided);
    assert_eq!(lvl(1, "online_safety"), SkillLevel::Guided);
    assert_eq!(lvl(1, "public_services"), SkillLevel::NotStarted);
    assert_eq!(d.visits.len(), 1);
    let stored = &d.visits[0];
    assert_eq!(stored.id, saved.id);
    assert_eq!(stored.topics, vec!["online_public_services".to_string(), "vneid".to_string()]);
    let a0 = stored.attendees.iter().find(|a| a.person_id == people[0]).unwrap();
    assert_eq!(a0.apps_installed, vec!["VNeID".to_string()]);

    let ops = f.store.pending_ops(1000).unwrap();
    assert_eq!(ops.len() as u64, pending_before + 1);
    let op = ops.last().unwrap();
    assert_eq!((op.entity, op.kind, op.entity_id.clone()), (Entity::Visit, OpKind::Append, saved.id.to_string()));
    assert_eq!(op.fields["attendees"].as_array().unwrap().len(), 2);
    assert!(ops.windows(2).all(|w| w[0].seq + 1 == w[1].seq && w[0].hlc < w[1].hlc), "gap-free seq, increasing HLC");

    let summary = f.store.assignment_households(f.team, None).unwrap();
    let row = summary.iter().find(|s| s.id == h).unwrap();
    assert_eq!((row.visit_count, row.member_count, row.head_name.as_str()), (1, 2, "Cầm Văn Sơn"));
    assert_eq!(row.last_visit_at, Some(at(2, 9)));
}

#[test]
fn progress_only_moves_up_except_a_leaders_audited_correction() {
    let f = Fixture::new();
    let (h, people) = f.household("Số 7", "Hà Văn Tư", &[]);
    let p = people[0];
    f.store
        .record_self_report(&NewSelfReport { person_id: p, skills: all_skills(), channel: Channel::Web, reported_at: at(3, 19) })
        .unwrap();
    assert_eq!(f.store.household_detail(h).unwrap().status, HouseholdStatus::GoalReached);
    // A later guidance session does not lower what the person reported.
    f.store.record_visit(&f.visit(h, &[p], &skill_codes(), at(4, 9))).unwrap();
    let d = f.store.household_detail(h).unwrap();
    assert!(d.members[0].skills.iter().all(|s| s.level == SkillLevel::SelfReported));
    assert!(d.members[0].masters_all);

    // A volunteer cannot correct; a leader can, with a reason.
    let e = f.store.correct_skill(p, "online_payment", SkillLevel::Guided, f.volunteer, "Chưa tự làm được").unwrap_err();
    assert_eq!(codes(e), vec![("leader_id".into(), ProblemCode::NotALeader)]);
    assert_eq!(
        codes(f.store.correct_skill(p, "online_payment", SkillLevel::Guided, f.leader, "  ").unwrap_err())[0].1,
        ProblemCode::Required
    );
    f.store.correct_skill(p, "online_payment", SkillLevel::Guided, f.leader, "Kiểm tra lại: chưa tự chuyển khoản được").unwrap();
    let d = f.store.household_detail(h).unwrap();
    assert_eq!(d.status, HouseholdStatus::Visited, "the household no longer reaches the goal");
    assert!(!d.members[0].masters_all);
    let ops = f.store.pending_ops(1000).unwrap();
    assert_eq!(ops.last().unwrap().entity, Entity::SkillCorrection);
    assert_eq!(ops.last().unwrap().fields["reason"], "Kiểm tra lại: chưa tự chuyển khoản được");

    // Verification raises to the top level.
    f.store.verify_skill(p, "online_payment", f.leader).unwrap();
    let d = f.store.household_detail(h).unwrap();
    assert_eq!(d.members[0].skills[2].level, SkillLevel::Verified);
    assert_eq!(d.status, HouseholdStatus::GoalReached);
}

#[test]
fn a_correction_supersedes_the_visit_it_corrects() {
    let f = Fixture::new();
    let (h, people) = f.household("Số 9", "Vì Văn Hùng", &["Vì Thị Mai"]);
    let (h2, people2) = f.household("Số 10", "Tòng Văn Ân", &[]);
    let first = f.store.record_visit(&f.visit(h, &people, &["online_payment"], at(2, 9))).unwrap().id;
    // The volunteer picked the wrong household: the correction moves the visit to h2.
    let mut fix = f.visit(h2, &people2, &["online_payment"], at(2, 9));
    fix.supersedes = Some(first);
    fix.correction_reason = Some("Ghi nhầm hộ".into());
    let second = f.store.record_visit(&fix).unwrap().id;

    let hs = f.store.assignment_households(f.team, None).unwrap();
    let count = |id| hs.iter().find(|s| s.id == id).unwrap().visit_count;
    assert_eq!((count(h), count(h2)), (0, 1));
    assert_eq!(f.store.visit(first).unwrap().superseded_by, Some(second));
    let figs = f.store.figures(&tungnha_core::figures::FigureQuery::all_time(tungnha_core::figures::Scope::All)).unwrap();
    assert_eq!((figs.visits, figs.households_visited, figs.people_guided), (1, 1, 1));

    // Correcting the old version again is refused: only the latest can be corrected.
    let mut again = f.visit(h, &people, &[], at(2, 10));
    again.supersedes = Some(first);
    again.correction_reason = Some("Sửa lần hai".into());
    assert_eq!(codes(f.store.record_visit(&again).unwrap_err()), vec![("supersedes".into(), ProblemCode::AlreadySuperseded)]);
}

#[test]
fn visit_outside_the_campaign_window_saves_with_a_warning() {
    let f = Fixture::at(at(12, 10));
    let (h, people) = f.household("Số 1", "Lường Văn Dũng", &[]);
    let saved = f.store.record_visit(&f.visit(h, &people, &["online_shopping"], at(12, 9))).unwrap();
    assert_eq!(saved.warnings.len(), 1);
    assert_eq!(saved.warnings[0].code, ProblemCode::OutsideCampaignWindow);
    assert!(saved.warnings[0].message_vi.contains("01/10/2024"));
}

#[test]
fn a_failed_save_leaves_the_database_unchanged() {
    let f = Fixture::new();
    let (h, people) = f.household("Số 3", "Điêu Chính Tơi", &["Điêu Thị Hiền"]);
    let (_, stranger) = f.household("Số 4", "Bạc Cầm Khuyên", &[]);
    f.store.record_visit(&f.visit(h, &people, &["online_payment"], at(2, 9))).unwrap();
    let path = f.store.path().to_path_buf();
    let before = dump(&path);
    let ops_before = f.store.pending_ops(1000).unwrap();

    // Rejected by validation: a person from another household, an unknown skill.
    let mut bad = f.visit(h, &[people[0], stranger[0]], &["cooking"], at(3, 9));
    bad.topics.push("  ".into());
    let e = codes(f.store.record_visit(&bad).unwrap_err());
    assert!(e.contains(&("attendees[1].person_id".into(), ProblemCode::PersonNotInHousehold)), "{e:?}");
    assert_eq!(dump(&path), before);

    // Fails inside SQLite after the visit rows, skills and counters were written: a
    // trigger makes the outbox insert abort. The whole transaction must roll back.
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox WHEN NEW.entity = 'visit' BEGIN SELECT RAISE(ABORT, 'injected fault'); END;").unwrap();
    }
    let with_trigger = dump(&path);
    let e = f.store.record_visit(&f.visit(h, &people, &skill_codes(), at(3, 9))).unwrap_err();
    assert!(matches!(e, CoreError::Storage(_)), "{e}");
    assert_eq!(dump(&path), with_trigger, "no visit, skill, counter or outbox row survives");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("DROP TRIGGER fail_outbox").unwrap();
    }
    assert_eq!(dump(&path), before);

    // The clock and sequence did not remember the rolled-back operation.
    f.store.record_visit(&f.visit(h, &people, &["online_safety"], at(3, 10))).unwrap();
    let ops = f.store.pending_ops(1000).unwrap();
    assert_eq!(ops.len(), ops_before.len() + 1);
    assert_eq!(ops.last().unwrap().seq, ops_before.last().unwrap().seq + 1);
}

#[test]
fn edits_send_only_changed_fields_with_their_base_version() {
    let f = Fixture::new();
    let (h, people) = f.household("Số 2", "Mè Văn Tiến", &[]);
    f.store
        .update_household(h, &HouseholdPatch { phone: Some(Some("+84 912 345 678".into())), indicators: None, ..Default::default() })
        .unwrap();
    f.store.update_person(people[0], &PersonPatch { full_name: Some("Mè Văn  Tiên".into()), ..Default::default() }).unwrap();
    let ops = f.store.pending_ops(1000).unwrap();
    let hh = ops.iter().rev().find(|o| o.entity == Entity::Household).unwrap();
    assert_eq!(hh.kind, OpKind::Update);
    assert_eq!(hh.fields, serde_json::json!({ "phone": "0912345678" }));
    let created = ops.iter().find(|o| o.entity == Entity::Household && o.kind == OpKind::Create).unwrap();
    assert_eq!(hh.base_version, Some(created.hlc));
    let d = f.store.household_detail(h).unwrap();
    assert_eq!(d.household.phone.as_deref(), Some("0912345678"));
    assert_eq!(d.members[0].person.full_name, "Mè Văn Tiên");
    assert_eq!(f.store.search("tien", None, 10).unwrap().len(), 1, "search key follows the rename");
    assert_eq!(
        codes(f.store.update_household(h, &HouseholdPatch { phone: Some(Some("123".into())), ..Default::default() }).unwrap_err())[0].1,
        ProblemCode::PhoneBadLength
    );
    assert!(matches!(f.store.update_person(PersonId::new(), &PersonPatch::default()).unwrap_err(), CoreError::NotFound { .. }));
}

#[test]
fn accent_insensitive_search() {
    let f = Fixture::new();
    let (h1, _) = f.household("Số 1, ngõ Đình", "Đặng Văn Lâm", &["Nguyễn Văn A"]);
    let (h2, _) = f.household("Số 2", "Nguyễn Thị Bình", &[]);
    let hits = f.store.search("dang", None, 10).unwrap();
    assert_eq!(hits.iter().map(|h| h.household_id).collect::<Vec<_>>(), vec![h1]);
    let hits = f.store.search("nguyen van a", None, 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].person_name.as_deref(), Some("Nguyễn Văn A"));
    assert_eq!(f.store.search("NGUYEN", None, 10).unwrap().len(), 2);
    assert_eq!(f.store.search("binh nguyen", None, 10).unwrap()[0].household_id, h2, "any word order");
    assert_eq!(f.store.search("ngo dinh", None, 10).unwrap()[0].household_id, h1, "addresses too");
    assert_eq!(f.store.search("ban mong", Some(f.village), 10).unwrap().len(), 2, "village names too");
    assert!(f.store.search("tran", None, 10).unwrap().is_empty());
    assert!(f.store.search(" %_ ", None, 10).unwrap().is_empty(), "LIKE wildcards are not searched");
}

#[test]
fn todays_work_of_a_volunteer() {
    let f = Fixture::new();
    let (h, people) = f.household("Số 1", "Lò Văn Pánh", &["Lò Thị Xuân"]);
    f.household("Số 2", "Lò Văn Khánh", &[]);
    f.store.record_visit(&f.visit(h, &people, &["online_payment"], at(5, 9))).unwrap();
    f.store.record_visit(&f.visit(h, &people[..1], &["online_safety"], at(5, 15))).unwrap();
    f.store.record_visit(&f.visit(h, &people[..1], &["online_safety"], at(6, 15))).unwrap();
    let w = f.store.todays_work(f.team, f.volunteer, day(5)).unwrap();
    assert_eq!((w.visits_today, w.people_guided_today, w.households_assigned, w.households_not_visited), (2, 2, 2, 1));
}

#[test]
fn outbox_sequence_survives_acknowledgement_and_reopening() {
    let f = Fixture::new();
    let (h, people) = f.household("Số 1", "Lò Văn Pánh", &[]);
    let ops = f.store.pending_ops(1000).unwrap();
    let last = ops.last().unwrap().seq;
    f.store.acknowledge(&ops.iter().map(|o| o.op_id).collect::<Vec<_>>()).unwrap();
    assert_eq!(f.store.pending_count().unwrap(), 0);
    let device = f.store.device_id();
    let path = f.store.path().to_path_buf();
    drop(f.store);
    let store = Store::open(&path, options(at(10, 20))).unwrap();
    assert_eq!(store.device_id(), device);
    let v = NewVisit {
        place: VisitPlace::Household { household_id: h },
        campaign_id: None,
        team_id: f.team,
        volunteer_id: f.volunteer,
        occurred_at: at(4, 9),
        attendees: vec![Attendee { person_id: people[0], ..Default::default() }],
        topics: vec!["internet_search".into()],
        notes: "Hẹn tuần sau quay lại".into(),
        location: Some(CoarseLocation { lat: 21.3256, lon: 103.9188 }),
        supersedes: None,
        correction_reason: None,
    };
    let id = store.record_visit(&v).unwrap().id;
    let ops = store.pending_ops(10).unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].seq, last + 1, "sequence numbers are never reused");
    assert!(ops[0].hlc.device == device);
    assert_eq!(store.visit(id).unwrap().location, Some(CoarseLocation { lat: 21.33, lon: 103.92 }), "location kept coarse");
}

#[test]
fn a_database_from_a_newer_app_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", schema::SCHEMA_VERSION + 1).unwrap();
    }
    match Store::open(&path, StoreOptions::default()) {
        Err(CoreError::SchemaTooNew { found, supported }) => {
            assert_eq!((found, supported), (schema::SCHEMA_VERSION + 1, schema::SCHEMA_VERSION))
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

#[test]
fn upgrades_a_database_made_by_the_first_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    let commune = commune_key();
    {
        // What the first released app wrote: schema 1 only, rows in its shape.
        let mut c = rusqlite::Connection::open(&path).unwrap();
        schema::migrate_to(&mut c, 1).unwrap();
        c.execute_batch(&format!(
            "INSERT INTO device (id, device_id) VALUES (1, '0190e7c0-0000-7000-8000-000000000001');
             INSERT INTO villages VALUES ('0190e7c0-0000-7000-8000-0000000000a1', '{commune}', 'Bản Hụm');
             INSERT INTO teams VALUES ('0190e7c0-0000-7000-8000-0000000000b1', '{commune}', 'Tổ bản Hụm');
             INSERT INTO households (id, village_id, address, head_id, created_at, version)
                 VALUES ('0190e7c0-0000-7000-8000-0000000000c1', '0190e7c0-0000-7000-8000-0000000000a1', 'Số 4',
                         '0190e7c0-0000-7000-8000-0000000000d1', '2024-10-01T01:00:00.000Z', '0001727744400000-000000-0190e7c0-0000-7000-8000-000000000001');
             INSERT INTO persons (id, household_id, full_name, relation, consent_given_by, consent_given_at, consent_purpose, created_at, version)
                 VALUES ('0190e7c0-0000-7000-8000-0000000000d1', '0190e7c0-0000-7000-8000-0000000000c1', 'Đặng Thị Hồng', 'head',
                         'Đặng Thị Hồng', '2024-10-01T01:00:00.000Z', 'Hướng dẫn', '2024-10-01T01:00:00.000Z', 'v'),
                        ('0190e7c0-0000-7000-8000-0000000000d2', '0190e7c0-0000-7000-8000-0000000000c1', 'Nguyễn Văn Nam', 'spouse',
                         'Đặng Thị Hồng', '2024-10-01T01:00:00.000Z', 'Hướng dẫn', '2024-10-01T01:00:00.000Z', 'v');
             INSERT INTO visits (id, household_id, team_id, volunteer_id, occurred_at, recorded_at, notes)
                 VALUES ('0190e7c0-0000-7000-8000-0000000000e1', '0190e7c0-0000-7000-8000-0000000000c1', '0190e7c0-0000-7000-8000-0000000000b1',
                         '0190e7c0-0000-7000-8000-0000000000f1', '2024-10-02T02:00:00.000Z', '2024-10-02T02:00:00.000Z', '');
             INSERT INTO visit_attendees VALUES ('0190e7c0-0000-7000-8000-0000000000e1', '0190e7c0-0000-7000-8000-0000000000d1', '0190e7c0-0000-7000-8000-0000000000c1');
             INSERT INTO person_skills SELECT '0190e7c0-0000-7000-8000-0000000000d2', value, 2, '2024-10-03T02:00:00.000Z'
                 FROM json_each('[\"public_services\",\"online_shopping\",\"online_payment\",\"online_safety\",\"digital_platforms\"]');
             INSERT INTO assignments VALUES ('0190e7c0-0000-7000-8000-000000000011', '0190e7c0-0000-7000-8000-0000000000b1', NULL, '0190e7c0-0000-7000-8000-0000000000a1', NULL);"
        ))
        .unwrap();
    }
    let store = Store::open(&path, options(at(10, 20))).unwrap();
    let version: i64 = rusqlite::Connection::open(&path).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, schema::SCHEMA_VERSION);
    // Migration 2 backfilled the search keys, migration 3 the household status.
    let hits = store.search("dang thi hong", None, 5).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].address, "Số 4");
    let team = "0190e7c0-0000-7000-8000-0000000000b1".parse().unwrap();
    let rows = store.assignment_households(team, None).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].head_name.as_str(), rows[0].member_count, rows[0].visit_count, rows[0].mastered_count), ("Đặng Thị Hồng", 2, 1, 1));
    assert_eq!(rows[0].status, HouseholdStatus::GoalReached);
    assert_eq!(rows[0].last_visit_at, Some(at(2, 9)));
    // And the upgraded database takes new writes.
    let h = rows[0].id;
    store.add_person(h, &person("Nguyễn Văn Bắc", Relation::Child, 2010, at(1, 8))).unwrap();
    assert_eq!(store.household_detail(h).unwrap().members.len(), 3);
}

#[test]
fn many_threads_saving_at_once_lose_nothing() {
    let f = Fixture::new();
    let (h, people) = f.household("Số 1", "Lò Văn Pánh", &["Lò Thị Xuân", "Lò Văn An"]);
    let store = Arc::new(f.store);
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store = Arc::clone(&store);
            let people = people.clone();
            let (team, volunteer, campaign) = (f.team, f.volunteer, f.campaign);
            std::thread::spawn(move || {
                for i in 0..25 {
                    let v = NewVisit {
                        place: VisitPlace::Household { household_id: h },
                        campaign_id: Some(campaign),
                        team_id: team,
                        volunteer_id: volunteer,
                        occurred_at: at(1 + (t + i) % 9, 9),
                        attendees: vec![Attendee {
                            person_id: people[(t + i) as usize % 3],
                            skills_guided: vec![skill_codes()[i as usize % 5].into()],
                            ..Default::default()
                        }],
                        topics: vec!["ecommerce".into()],
                        notes: format!("luồng {t} lần {i}"),
                        location: None,
                        supersedes: None,
                        correction_reason: None,
                    };
                    store.record_visit(&v).unwrap();
                    store.household_detail(h).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let d = store.household_detail(h).unwrap();
    assert_eq!(d.visits.len(), 200);
    let rows = store.assignment_households(f.team, None).unwrap();
    assert_eq!(rows[0].visit_count, 200);
    let ops = store.pending_ops(10_000).unwrap();
    assert_eq!(ops.iter().filter(|o| o.entity == Entity::Visit).count(), 200);
    assert!(ops.windows(2).all(|w| w[0].seq + 1 == w[1].seq && w[0].hlc < w[1].hlc));
}

mod bad_input {
    use super::*;
    use chrono::{DateTime, Utc};
    use proptest::prelude::*;

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof!["\\PC{0,30}", "[a-z_\\.]{0,20}", "[\\x00-\\x1f ]{0,5}", Just(String::new()), Just("online_payment".to_string())]
    }

    fn any_time() -> impl Strategy<Value = DateTime<Utc>> {
        prop_oneof![
            (-8_000_000_000_000_000i64..8_000_000_000_000_000).prop_map(|ms| DateTime::from_timestamp_millis(ms).unwrap_or_default()),
            (0i64..20 * 86_400_000).prop_map(|ms| at(1, 0) + chrono::Duration::milliseconds(ms)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever a buggy app or a hostile sync peer sends, the store answers with an
        /// error or a saved record: never a panic, never a half-written record.
        #[test]
        fn random_visits_and_households_never_panic_or_half_write(
            topics in proptest::collection::vec(any_text(), 0..3),
            skills in proptest::collection::vec(any_text(), 0..3),
            actions in proptest::collection::vec(any_text(), 0..2),
            apps in proptest::collection::vec(any_text(), 0..2),
            notes in any_text(),
            place in any_text(),
            group in any::<bool>(),
            use_stranger in any::<bool>(),
            unknown_person in any::<bool>(),
            when in any_time(),
            lat in -100.0f64..100.0,
            name in any_text(),
            phone in any_text(),
            address in any_text(),
            birth_year in -5000i32..5000,
        ) {
            let f = Fixture::new();
            let (h, people) = f.household("Số 1", "Lò Văn Pánh", &["Lò Thị Xuân"]);
            let (_, stranger) = f.household("Số 2", "Cầm Văn Sơn", &[]);
            let path = f.store.path().to_path_buf();
            let before = dump(&path);
            let mut attendee = Attendee { person_id: people[0], household_id: None, skills_guided: skills, actions, apps_installed: apps };
            if use_stranger { attendee.person_id = stranger[0]; }
            if unknown_person { attendee.person_id = PersonId::new(); }
            let v = NewVisit {
                place: if group { VisitPlace::Group { place } } else { VisitPlace::Household { household_id: h } },
                campaign_id: Some(f.campaign),
                team_id: f.team,
                volunteer_id: f.volunteer,
                occurred_at: when,
                attendees: vec![attendee],
                topics,
                notes,
                location: Some(CoarseLocation { lat, lon: 105.0 }),
                supersedes: None,
                correction_reason: None,
            };
            match f.store.record_visit(&v) {
                Ok(saved) => {
                    // Whatever was accepted reads back whole.
                    let got = f.store.visit(saved.id).unwrap();
                    prop_assert_eq!(got.occurred_at, v.occurred_at);
                    f.store.household_detail(h).unwrap();
                }
                Err(CoreError::Invalid(ps)) => {
                    prop_assert!(ps.has_errors());
                    prop_assert!(ps.errors().all(|p| !p.message_vi.is_empty() && !p.message_en.is_empty() && !p.field.is_empty()));
                    prop_assert_eq!(dump(&path), before.clone());
                }
                Err(other) => prop_assert!(false, "unexpected error {}", other),
            }

            let before = dump(&path);
            let mut head = person(&name, Relation::Head, birth_year, at(1, 8));
            head.phone = Some(phone);
            let nh = NewHousehold { village_id: f.village, address, head, phone: None, location: None, indicators: HouseholdIndicators::default() };
            match f.store.add_household(&nh) {
                Ok(saved) => { f.store.household_detail(saved.id).unwrap(); }
                Err(CoreError::Invalid(ps)) => {
                    prop_assert!(ps.has_errors());
                    prop_assert_eq!(dump(&path), before);
                }
                Err(other) => prop_assert!(false, "unexpected error {}", other),
            }
        }
    }
}

#[test]
fn patches_distinguish_cleared_from_untouched_fields() {
    let cleared: HouseholdPatch = serde_json::from_str(r#"{"phone": null}"#).unwrap();
    assert_eq!(cleared.phone, Some(None));
    let untouched: HouseholdPatch = serde_json::from_str("{}").unwrap();
    assert_eq!(untouched.phone, None);
    assert_eq!(serde_json::to_value(&cleared).unwrap(), serde_json::json!({"phone": null}));
}
