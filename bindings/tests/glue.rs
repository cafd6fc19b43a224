//! The glue from Rust, on a real SQLite file: the same calls the apps make, checking that
//! values and errors convert faithfully at the edge. (The apps' own use is tested in
//! Kotlin on a real JVM: scripts/test-kotlin.sh.)
#![allow(clippy::unwrap_used)]

use chrono::{Duration, Utc};
use tungnha_bindings::*;
use tungnha_core::error::ErrorCode;
use tungnha_core::figures::Scope as FigureScope;
use tungnha_core::ids::{HouseholdId, VillageId};
use tungnha_core::model::{Attendee, Consent, HouseholdIndicators, HouseholdStatus, Organisation, Relation, SkillLevel, Team, VisitPlace};
use tungnha_core::problem::ProblemCode;

const COMMUNE: &str = "2025:c:03646";

fn ago(hours: i64) -> Timestamp {
    Utc::now() - Duration::hours(hours)
}

fn person(name: &str, relation: Relation) -> PersonInput {
    PersonInput {
        full_name: name.into(),
        relation,
        birth_year: Some(1980),
        sex: None,
        phone: None,
        consent: Some(Consent {
            given_by: name.into(), given_at: ago(24), purpose: "Hướng dẫn kỹ năng số".into(), recorded_by: None
        }),
    }
}

struct Setup {
    db: std::sync::Arc<Database>,
    _dir: tempfile::TempDir,
    team: Team,
    village: VillageId,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("device.db").to_string_lossy().into_owned(), None).unwrap();
    let village = db.add_village(COMMUNE.into(), "Bản Mòng".into()).unwrap();
    let team = db
        .add_team(TeamInput {
            commune_key: COMMUNE.into(),
            name: "Tổ CNSCĐ bản Mòng".into(),
            members: vec![TeamMemberInput {
                full_name: "Quàng Thị Hoa".into(),
                organisation: Organisation::Other("Chi đoàn bản".into()),
                role: TeamRole { code: "member".into(), name_vi: "Tổ viên".into(), can_verify: false },
                phone: None,
            }],
        })
        .unwrap();
    db.assign_village(team.id, village, None).unwrap();
    Setup { db, _dir: dir, team, village }
}

#[test]
fn a_visit_round_trips_through_the_surface() {
    let s = setup();
    assert_eq!(s.team.members[0].organisation, Organisation::Other("Chi đoàn bản".into()));
    let h =
        s.db.add_household(HouseholdInput {
            village_id: s.village,
            address: "Số 12".into(),
            head: person("Lò Văn Pánh", Relation::Head),
            phone: Some("0912 345 678".into()),
            location: Some(Location { lat: 21.3271, lon: 103.9144 }),
            indicators: HouseholdIndicators { has_smartphone: Some(true), ..Default::default() },
        })
        .unwrap();
    let detail = s.db.household_detail(h.id).unwrap();
    assert_eq!(detail.household.phone.as_deref(), Some("0912345678"), "the core normalised it");
    assert_eq!(detail.household.location, Some(Location { lat: 21.33, lon: 103.91 }), "rounded to ~1 km");
    assert_eq!(detail.household.indicators.has_smartphone, Some(true));
    let head = detail.members[0].person.id;

    let at = ago(2);
    let saved =
        s.db.record_visit(VisitInput {
            place: VisitPlace::Household { household_id: h.id },
            team_id: s.team.id,
            volunteer_id: s.team.members[0].id,
            occurred_at: at,
            attendees: vec![Attendee {
                person_id: head,
                skills_guided: vec!["online_payment".into()],
                actions: vec!["vneid_activated".into()],
                apps_installed: vec!["VNeID".into()],
                household_id: None,
            }],
            topics: vec!["vneid".into()],
            notes: String::new(),
            campaign_id: None,
            location: None,
            supersedes: None,
            correction_reason: None,
        })
        .unwrap();
    let detail = s.db.household_detail(h.id).unwrap();
    let v = &detail.visits[0];
    assert_eq!(v.id, saved.id);
    assert_eq!(v.occurred_at.timestamp_millis(), at.timestamp_millis(), "instants keep their milliseconds");
    assert_eq!(detail.status, HouseholdStatus::Visited);
    assert!(detail.members[0].person.vneid_activated);
    assert_eq!(detail.members[0].skills.iter().find(|p| p.skill == "online_payment").unwrap().level, SkillLevel::Guided);

    let f = s.db.figures(FigureScope::Village(s.village), None).unwrap();
    assert_eq!((f.households, f.visits, f.people_guided), (1, 1, 1));
    assert_eq!(f.actions.iter().find(|a| a.action == "vneid_activated").unwrap().people, 1);
    assert_eq!(f.days.len(), 1);
    let day = f.days[0].day;
    let window = DayRange { first: day, last: day };
    assert_eq!(s.db.figures(FigureScope::Team(s.team.id), Some(window)).unwrap().visits, 1);
}

#[test]
fn errors_arrive_as_the_small_enum() {
    let s = setup();
    match s.db.add_household(HouseholdInput {
        village_id: s.village,
        address: " ".into(),
        head: PersonInput { consent: None, ..person("Hà Văn Tư", Relation::Head) },
        phone: None,
        location: None,
        indicators: HouseholdIndicators::default(),
    }) {
        Err(TungNhaError::Validation { code, problems, message_vi, .. }) => {
            assert_eq!(code, ErrorCode::Invalid);
            let fields: Vec<(&str, ProblemCode)> = problems.iter().map(|p| (p.field.as_str(), p.code)).collect();
            assert!(fields.contains(&("address", ProblemCode::Required)), "{fields:?}");
            assert!(fields.contains(&("head.consent", ProblemCode::ConsentMissing)), "{fields:?}");
            assert!(message_vi.contains("đồng ý"), "{message_vi}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(matches!(s.db.household_detail(HouseholdId::new()), Err(TungNhaError::NotFound { .. })));
    assert!(matches!(s.db.sync("http://127.0.0.1:9".into(), None, None, None), Err(TungNhaError::NotEnrolled { .. })));
}

#[test]
fn catalogs_are_the_cores() {
    assert_eq!(skills().len(), 5);
    assert!(topics().iter().any(|t| t.code == "vneid"));
    assert!(actions().iter().any(|a| a.code == "app_installed"));
}

#[test]
fn forms_hold_the_cores_drafts_and_save_through_the_store() {
    let s = setup();
    let form = HouseholdForm::new(Some(s.village)).unwrap();
    let before = form.state();
    assert!(!before.can_save);
    let fields: Vec<&str> = before.problems.iter().map(|p| p.field.as_str()).collect();
    assert!(fields.contains(&"address") && fields.contains(&"members[0].full_name") && fields.contains(&"consent"), "{fields:?}");

    form.set_address("Số 3, tổ 1".into());
    form.set_member_name(0, "Lò Văn Pánh".into());
    let child = form.add_member(Relation::Child);
    form.set_member_name(child, "Lò Thị Xuân".into());
    form.set_member_birth_year(child, "năm ngoái".into());
    assert!(form.state().problems.iter().any(|p| p.field == "members[1].birth_year"), "{:?}", form.state());
    form.set_member_birth_year(child, "2001".into());
    form.record_consent();
    assert!(form.state().can_save, "{:?}", form.state());

    // Kept as text across process death, and back.
    let again = HouseholdForm::from_json(form.to_json().unwrap()).unwrap();
    assert_eq!(again.draft(), form.draft());
    // A damaged snapshot is outside input: refused on its own field, the person enters it again.
    match HouseholdForm::from_json("{".into()) {
        Err(TungNhaError::Validation { code: ErrorCode::Invalid, problems, .. }) => assert_eq!(problems[0].field, "snapshot"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(VisitForm::from_json("[".repeat(10_000)).is_err(), "deep nesting is refused, not a stack overflow");

    let saved = again.save(&s.db, Some(s.team.members[0].id)).unwrap();
    let detail = s.db.household_detail(saved.id).unwrap();
    assert_eq!(detail.members.len(), 2);
    assert_eq!(detail.members[0].person.consent.recorded_by, Some(s.team.members[0].id));

    let visit = VisitForm::at_household(saved.id, s.team.id, s.team.members[0].id, None).unwrap();
    assert!(!visit.state(&s.db).unwrap().can_save);
    visit.toggle_skill(detail.members[1].person.id, "online_payment".into()).unwrap();
    visit.toggle_topic("cashless_payment".into());
    assert!(visit.state(&s.db).unwrap().can_save);
    let v = visit.save(&s.db).unwrap();
    assert_eq!(s.db.visit(v.id).unwrap().attendees[0].person_id, detail.members[1].person.id);

    let page = s.db.search_page("lo".into(), Some(s.village), 0, 1).unwrap();
    assert_eq!((page.total, page.hits.len(), page.next_offset), (1, 1, None));
    assert_eq!(skill_choices().len(), 5);
    assert!(!consent_purpose().text_vi.is_empty() && learn_more().url.starts_with("https://"));
}
