//! The glue from Rust, on a real SQLite file: the same calls the apps make, checking that
//! values and errors convert faithfully at the edge. (The apps' own use is tested in
//! Kotlin on a real JVM: scripts/test-kotlin.sh.)
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime};
use tungnha_bindings::*;

const COMMUNE: &str = "2025:c:03646";

fn ago(hours: u64) -> SystemTime {
    SystemTime::now() - Duration::from_secs(hours * 3600)
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
    village: String,
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
                organisation: Organisation::Other { name: "Chi đoàn bản".into() },
                role_code: "member".into(),
                role_name_vi: "Tổ viên".into(),
                can_verify: false,
                phone: None,
            }],
        })
        .unwrap();
    db.assign_village(team.id.clone(), village.clone(), None).unwrap();
    Setup { db, _dir: dir, team, village }
}

#[test]
fn a_visit_round_trips_through_the_surface() {
    let s = setup();
    assert_eq!(s.team.members[0].organisation, Organisation::Other { name: "Chi đoàn bản".into() });
    let h =
        s.db.add_household(HouseholdInput {
            village_id: s.village.clone(),
            address: "Số 12".into(),
            head: person("Lò Văn Pánh", Relation::Head),
            phone: Some("0912 345 678".into()),
            location: Some(Location { lat: 21.3271, lon: 103.9144 }),
            indicators: HouseholdIndicators { has_smartphone: Some(true), ..Default::default() },
        })
        .unwrap();
    let detail = s.db.household_detail(h.id.clone()).unwrap();
    assert_eq!(detail.household.phone.as_deref(), Some("0912345678"), "the core normalised it");
    assert_eq!(detail.household.location, Some(Location { lat: 21.33, lon: 103.91 }), "rounded to ~1 km");
    assert_eq!(detail.household.indicators.has_smartphone, Some(true));
    let head = detail.members[0].person.id.clone();

    let at = ago(2);
    let saved =
        s.db.record_visit(VisitInput {
            place: VisitPlace::Household { household_id: h.id.clone() },
            team_id: s.team.id.clone(),
            volunteer_id: s.team.members[0].id.clone(),
            occurred_at: at,
            attendees: vec![Attendee {
                person_id: head.clone(),
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
        })
        .unwrap();
    let detail = s.db.household_detail(h.id.clone()).unwrap();
    let v = &detail.visits[0];
    assert_eq!(v.id, saved.id);
    let millis = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_millis();
    assert_eq!(millis(v.occurred_at), millis(at), "instants keep their milliseconds");
    assert_eq!(detail.status, HouseholdStatus::Visited);
    assert!(detail.members[0].person.vneid_activated);
    assert_eq!(detail.members[0].skills.iter().find(|p| p.skill == "online_payment").unwrap().level, SkillLevel::Guided);

    let f = s.db.figures(FigureScope::Village { village_id: s.village.clone() }, None).unwrap();
    assert_eq!((f.households, f.visits, f.people_guided), (1, 1, 1));
    assert_eq!(f.actions.iter().find(|a| a.action == "vneid_activated").unwrap().people, 1);
    assert_eq!(f.days.len(), 1);
    let day = f.days[0].day;
    let window = DayRange { first: day, last: day };
    assert_eq!(s.db.figures(FigureScope::Team { team_id: s.team.id.clone() }, Some(window)).unwrap().visits, 1);
}

#[test]
fn errors_arrive_as_the_small_enum() {
    let s = setup();
    match s.db.add_household(HouseholdInput {
        village_id: s.village.clone(),
        address: " ".into(),
        head: PersonInput { consent: None, ..person("Hà Văn Tư", Relation::Head) },
        phone: None,
        location: None,
        indicators: HouseholdIndicators::default(),
    }) {
        Err(TungNhaError::Validation { code, problems, message_vi, .. }) => {
            assert_eq!(code, ErrorCode::Invalid);
            let fields: Vec<(&str, &str)> = problems.iter().map(|p| (p.field.as_str(), p.code.as_str())).collect();
            assert!(fields.contains(&("address", "required")), "{fields:?}");
            assert!(fields.contains(&("head.consent", "consent_missing")), "{fields:?}");
            assert!(message_vi.contains("đồng ý"), "{message_vi}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(matches!(s.db.household_detail("x".into()), Err(TungNhaError::NotFound { .. })));
    assert!(matches!(
        s.db.assignment_households(s.team.id.clone(), Some("not-a-member".into())),
        Err(TungNhaError::NotFound { entity, .. }) if entity == "member"
    ));
    assert!(matches!(s.db.sync("http://127.0.0.1:9".into(), None, None, None), Err(TungNhaError::NotEnrolled { .. })));
    assert!(matches!(s.db.discard_rejected("nope".into()), Err(TungNhaError::NotFound { .. })));
}

#[test]
fn catalogs_are_the_cores() {
    assert_eq!(skills().len(), 5);
    assert!(topics().iter().any(|t| t.code == "vneid"));
    assert!(actions().iter().any(|a| a.code == "app_installed"));
}
