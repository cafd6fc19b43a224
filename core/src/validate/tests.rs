use super::*;
use crate::ids::{MemberId, TeamId};
use crate::model::{Attendee, Relation};
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 10, 3, 3, 0, 0).single().expect("valid")
}

fn consent() -> Consent {
    Consent { given_by: "Lò Văn Pánh".into(), given_at: now(), purpose: "Hướng dẫn kỹ năng số".into(), recorded_by: None }
}

fn new_person(name: &str) -> NewPerson {
    NewPerson { full_name: name.into(), birth_year: Some(1980), sex: None, relation: Relation::Head, phone: None, consent: Some(consent()) }
}

#[test]
fn person_without_consent_is_refused() {
    let mut p = new_person("Lò Văn Pánh");
    p.consent = None;
    let (clean, ps) = person(&p, now());
    assert!(clean.is_none());
    let e = ps.errors().next().expect("error");
    assert_eq!((e.field.as_str(), e.code), ("consent", ProblemCode::ConsentMissing));
    assert!(e.message_vi.contains("đồng ý"));
}

#[test]
fn person_fields_are_cleaned_and_all_problems_reported_together() {
    let mut p = new_person("  Lò   Văn Pánh ");
    p.phone = Some("+84 912.345.678".into());
    let (clean, ps) = person(&p, now());
    let clean = clean.expect("valid");
    assert!(ps.is_empty());
    assert_eq!(clean.full_name, "Lò Văn Pánh");
    assert_eq!(clean.phone.as_deref(), Some("0912345678"));

    p.birth_year = Some(2025);
    p.phone = Some("12345".into());
    p.full_name = "".into();
    let (clean, ps) = person(&p, now());
    assert!(clean.is_none());
    let fields: Vec<_> = ps.errors().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["full_name", "birth_year", "phone"]);
}

#[test]
fn household_head_problems_are_prefixed() {
    let mut head = new_person("Hà Thị Ơn");
    head.phone = Some("0212345678".into());
    let h = NewHousehold {
        village_id: crate::ids::VillageId::new(),
        address: "Số 5, tổ 3".into(),
        head,
        phone: None,
        location: Some(CoarseLocation { lat: 48.0, lon: 2.3 }),
        indicators: Default::default(),
    };
    let (clean, ps) = household(&h, now());
    assert!(clean.is_none());
    let fields: Vec<_> = ps.errors().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["location", "head.phone"]);
}

#[test]
fn visit_rules() {
    let hh = HouseholdId::new();
    let other_hh = HouseholdId::new();
    let p1 = PersonId::new();
    let p2 = PersonId::new();
    let ctx = VisitContext {
        person_households: [(p1, hh), (p2, other_hh)].into_iter().collect(),
        household_exists: true,
        team_exists: true,
        campaign: Some(Campaign {
            id: crate::ids::CampaignId::new(),
            name: "Đợt 10/10".into(),
            starts_on: chrono::NaiveDate::from_ymd_opt(2024, 10, 1).expect("d"),
            ends_on: chrono::NaiveDate::from_ymd_opt(2024, 10, 10).expect("d"),
            launch_at: None,
            targets: Default::default(),
            deadlines: vec![],
            team_label: "Tổ CNSCĐ".into(),
        }),
        ..Default::default()
    };
    let v = NewVisit {
        place: VisitPlace::Household { household_id: hh },
        campaign_id: None,
        team_id: TeamId::new(),
        volunteer_id: MemberId::new(),
        occurred_at: now(),
        attendees: vec![Attendee {
            person_id: p1,
            skills_guided: vec!["online_payment".into(), "online_payment".into()],
            ..Default::default()
        }],
        topics: vec!["vneid".into()],
        notes: String::new(),
        location: None,
        supersedes: None,
        correction_reason: None,
    };
    let (clean, ps) = visit(&v, &ctx, now());
    assert!(ps.is_empty(), "{ps}");
    assert_eq!(clean.expect("valid").attendees[0].skills_guided, vec!["online_payment"], "duplicates folded");

    // Outside the window: a warning, not an error.
    let mut late = v.clone();
    late.occurred_at = Utc.with_ymd_and_hms(2024, 10, 12, 3, 0, 0).single().expect("valid");
    let (clean, ps) = visit(&late, &ctx, Utc.with_ymd_and_hms(2024, 10, 12, 4, 0, 0).single().expect("valid"));
    assert!(clean.is_some());
    assert_eq!(ps.warnings()[0].code, ProblemCode::OutsideCampaignWindow);

    let mut bad = v.clone();
    bad.occurred_at = now() + Duration::hours(2);
    bad.topics = vec!["cooking".into()];
    bad.attendees.push(Attendee { person_id: p2, skills_guided: vec!["vneid".into()], ..Default::default() });
    bad.attendees.push(Attendee { person_id: PersonId::new(), actions: vec!["vneid_activated".into()], ..Default::default() });
    let (clean, ps) = visit(&bad, &ctx, now());
    assert!(clean.is_none());
    let got: Vec<_> = ps.errors().map(|e| (e.field.as_str(), e.code)).collect();
    assert_eq!(
        got,
        vec![
            ("occurred_at", ProblemCode::TimeInFuture),
            ("topics[0]", ProblemCode::UnknownTopic),
            ("attendees[1].person_id", ProblemCode::PersonNotInHousehold),
            ("attendees[1].skills_guided[0]", ProblemCode::UnknownSkill),
            ("attendees[2].person_id", ProblemCode::UnknownPerson),
        ]
    );

    // Within the clock tolerance is fine.
    let mut soon = v.clone();
    soon.occurred_at = now() + Duration::minutes(10);
    assert!(visit(&soon, &ctx, now()).0.is_some());
}

#[test]
fn group_sessions_take_people_from_several_households() {
    let (p1, p2) = (PersonId::new(), PersonId::new());
    let ctx = VisitContext {
        person_households: [(p1, HouseholdId::new()), (p2, HouseholdId::new())].into_iter().collect(),
        team_exists: true,
        ..Default::default()
    };
    let v = NewVisit {
        place: VisitPlace::Group { place: " Nhà văn hoá  bản Mòng ".into() },
        campaign_id: None,
        team_id: TeamId::new(),
        volunteer_id: MemberId::new(),
        occurred_at: now(),
        attendees: vec![Attendee { person_id: p1, ..Default::default() }, Attendee { person_id: p2, ..Default::default() }],
        topics: vec!["online_safety".into()],
        notes: String::new(),
        location: None,
        supersedes: None,
        correction_reason: None,
    };
    let (clean, ps) = visit(&v, &ctx, now());
    assert!(ps.is_empty(), "{ps}");
    assert_eq!(clean.expect("valid").place, VisitPlace::Group { place: "Nhà văn hoá bản Mòng".into() });
}

#[test]
fn birth_years() {
    assert!(birth_year("y", 1899, now()).is_err());
    assert!(birth_year("y", 1900, now()).is_ok());
    assert!(birth_year("y", 2024, now()).is_ok());
    assert_eq!(birth_year("y", 2025, now()).expect_err("future").code, ProblemCode::BirthYearOutOfRange);
}

proptest::proptest! {
    #[test]
    fn birth_year_accepts_exactly_the_range(y in -10_000i32..10_000) {
        let ok = birth_year("y", y, now()).is_ok();
        proptest::prop_assert_eq!(ok, (1900..=2024).contains(&y));
    }
}
