//! The screens' drafts (issue 10): what a form says as the user types is what the save
//! decides, and what is saved reads back as it was typed (cleaned).
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use proptest::prelude::*;
use tungnha_core::forms::{consent_purpose, HouseholdDraft, VisitDraft, CONSENT_PURPOSE};
use tungnha_core::model::{Relation, Sex};
use tungnha_core::problem::ProblemCode;
use tungnha_core::CoreError;
use tungnha_testkit::calendar::at;

fn filled(f: &Fixture, head: &str) -> HouseholdDraft {
    let mut d = HouseholdDraft::new(Some(f.village));
    d.address = "Số 12, bản Mòng".into();
    d.members[0].full_name = head.into();
    d.members[0].birth_year = "1968".into();
    let i = d.add_member(Relation::Spouse);
    d.members[i].full_name = "Lò Thị Ơn".into();
    d.members[i].sex = Some(Sex::Female);
    d.members[i].phone = "(+84) 912-345-678".into();
    d.record_consent(at(5, 9));
    d
}

#[test]
fn a_household_form_says_what_is_missing_then_saves_everyone_at_once() {
    let f = Fixture::new();
    let empty = HouseholdDraft::new(None);
    let state = empty.state(at(5, 9));
    assert!(!state.can_save);
    let fields: Vec<&str> = state.problems.iter().map(|p| p.field.as_str()).collect();
    for field in ["village_id", "address", "members[0].full_name", "consent"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    assert!(consent_purpose().0.contains("định danh"), "the purpose says no ID number is taken");

    let mut d = filled(&f, "Lò Văn Pằng");
    d.members[1].birth_year = "19x0".into();
    let state = d.state(at(5, 9));
    assert_eq!(state.for_field("members[1].birth_year").next().unwrap().code, ProblemCode::BirthYearOutOfRange);
    assert!(matches!(d.save(&f.store, Some(f.volunteer)), Err(CoreError::Invalid(_))), "nothing saved with a problem");
    assert!(f.store.search("pang", None, 10).unwrap().is_empty());

    d.members[1].birth_year = "1970".into();
    assert!(d.state(at(5, 9)).can_save, "{:?}", d.state(at(5, 9)).problems);
    let id = d.save(&f.store, Some(f.volunteer)).unwrap().id;
    let detail = f.store.household_detail(id).unwrap();
    let names: Vec<&str> = detail.members.iter().map(|m| m.person.full_name.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Lò Văn Pằng") && names.contains(&"Lò Thị Ơn"));
    let spouse = detail.members.iter().find(|m| m.person.relation == Relation::Spouse).unwrap();
    assert_eq!(spouse.person.phone.as_deref(), Some("0912345678"));
    let consent = &spouse.person.consent;
    assert_eq!((consent.given_by.as_str(), consent.recorded_by), ("Lò Văn Pằng", Some(f.volunteer)));
    assert_eq!(consent.purpose, CONSENT_PURPOSE, "the purpose kept names the notice shown");

    // The same head again in the village: the form warns before a second registration.
    let again = filled(&f, "Lò Văn Pằng");
    assert_eq!(again.similar(&f.store).unwrap().iter().map(|h| h.household_id).collect::<Vec<_>>(), vec![id]);
    let other = filled(&f, "Cầm Văn Xôm");
    let mut other = other;
    other.address = "Số 40".into();
    assert!(other.similar(&f.store).unwrap().is_empty());
}

#[test]
fn a_second_head_is_refused_at_its_row() {
    let f = Fixture::new();
    let mut d = filled(&f, "Lò Văn Pằng");
    d.members[1].relation = Relation::Head;
    let state = d.state(at(5, 9));
    assert_eq!(state.for_field("members[1].relation").next().unwrap().code, ProblemCode::HeadMustBeMember);
}

#[test]
fn a_visit_form_checks_against_the_store_and_a_correction_replaces_the_visit() {
    let f = Fixture::new();
    let (h, people) = f.household("Số 1", "Quàng Văn Sáng", &["Quàng Thị Hiên"]);
    let mut d = VisitDraft::at_household(h, f.team, f.volunteer, Some(f.campaign));
    let state = d.state(&f.store).unwrap();
    assert!(!state.can_save, "nobody present yet: {:?}", state.problems);
    d.toggle_skill(people[0], "online_payment");
    d.toggle_action(people[0], "vneid_activated");
    d.toggle_topic("vneid");
    assert!(d.state(&f.store).unwrap().can_save, "{:?}", d.state(&f.store).unwrap().problems);
    // Someone from another household at a household visit: refused at their row.
    let (_, stranger) = f.household("Số 2", "Lường Văn Kiên", &[]);
    d.toggle_present(stranger[0]);
    assert!(!d.state(&f.store).unwrap().can_save);
    d.toggle_present(stranger[0]);
    let saved = d.save(&f.store).unwrap().id;

    let mut fix = VisitDraft::correcting(&f.store, saved).unwrap();
    assert_eq!(fix.attendees.len(), 1);
    fix.toggle_skill(people[1], "online_safety");
    // A correction says why: without a reason the form and the save refuse it.
    let state = fix.state(&f.store).unwrap();
    assert!(!state.can_save);
    assert!(state.problems.iter().any(|p| p.field == "correction_reason" && p.code == ProblemCode::Required), "{:?}", state.problems);
    assert!(matches!(fix.save(&f.store), Err(CoreError::Invalid(_))));
    fix.correction_reason = "  Quên ghi kỹ năng   của người thứ hai ".into();
    let fixed = fix.save(&f.store).unwrap().id;
    let visits = f.store.household_detail(h).unwrap().visits;
    let old = visits.iter().find(|v| v.id == saved).unwrap();
    assert_eq!(old.superseded_by, Some(fixed));
    let new = visits.iter().find(|v| v.id == fixed).unwrap();
    assert_eq!(new.correction_reason.as_deref(), Some("Quên ghi kỹ năng của người thứ hai"), "kept, cleaned, for audit");
    // Drafts survive the app being killed: they are plain data.
    let json = serde_json::to_string(&fix).unwrap();
    assert_eq!(serde_json::from_str::<VisitDraft>(&json).unwrap(), fix);
}

#[test]
fn a_group_session_gathers_people_of_several_households() {
    let f = Fixture::new();
    let (ha, a) = f.household("Số 1", "Hà Văn Tâm", &[]);
    let (hb, b) = f.household("Số 2", "Vì Thị Mai", &[]);
    let mut d = VisitDraft::group_session("Nhà văn hoá bản Mòng", f.team, f.volunteer, Some(f.campaign));
    d.toggle_topic("online_safety");
    d.toggle_skill(a[0], "online_safety");
    d.toggle_skill(b[0], "online_safety");
    let id = d.save(&f.store).unwrap().id;
    let v = f.store.visit(id).unwrap();
    assert_eq!(v.attendees.len(), 2);
    let mut households: Vec<_> = v.attendees.iter().map(|a| a.household_id).collect();
    households.sort();
    let mut expected = vec![Some(ha), Some(hb)];
    expected.sort();
    assert_eq!(households, expected, "each attendee reads back with their household");
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Lò Văn Pằng".to_owned()),
        Just("Đặng Thị Hồng".to_owned()),
        Just(String::new()),
        Just("   ".to_owned()),
        Just("12345".to_owned()),
        "[A-Za-zÀ-ỹ ]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever is typed: the form allows the save exactly when the save succeeds, and
    /// what was saved reads back as typed (names trimmed, phones in national form).
    #[test]
    fn the_form_and_the_save_agree(
        head in name(),
        spouse in name(),
        address in prop_oneof![Just(String::new()), Just("Số 3".to_owned()), "[a-zA-Z0-9 ,]{0,30}"],
        year in prop_oneof![Just(String::new()), Just("1980".to_owned()), Just("1850".to_owned()), Just("abc".to_owned()), "[0-9]{1,5}"],
        phone in prop_oneof![Just(String::new()), Just("0912 345 678".to_owned()), Just("(+84) 98-765-4321".to_owned()), Just("12".to_owned())],
        consent in any::<bool>(),
    ) {
        let f = Fixture::new();
        let mut d = HouseholdDraft::new(Some(f.village));
        d.address = address;
        d.members[0].full_name = head;
        d.members[0].birth_year = year;
        d.phone = phone;
        let i = d.add_member(Relation::Child);
        d.members[i].full_name = spouse;
        if consent {
            d.record_consent(at(5, 9));
        }
        let state = d.state(at(5, 9));
        let json = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(&serde_json::from_str::<HouseholdDraft>(&json).unwrap(), &d);
        match d.save(&f.store, None) {
            Ok(saved) => {
                prop_assert!(state.can_save, "saved although the form said {:?}", state.problems);
                let detail = f.store.household_detail(saved.id).unwrap();
                prop_assert_eq!(detail.members.len(), 2);
                prop_assert_eq!(detail.household.address, d.address.split_whitespace().collect::<Vec<_>>().join(" "), "addresses keep single spaces");
                let head = detail.members.iter().find(|m| m.person.relation == Relation::Head).unwrap();
                prop_assert_eq!(head.person.full_name.as_str(), d.members[0].full_name.split_whitespace().collect::<Vec<_>>().join(" "));
            }
            Err(CoreError::Invalid(ps)) => {
                prop_assert!(!state.can_save, "the form allowed a save that failed: {}", ps);
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}

#[test]
fn a_household_self_reports_for_everyone_in_one_save() {
    use tungnha_core::forms::{skill_choices, SelfReportDraft};
    use tungnha_core::model::{Channel, SkillLevel};
    let f = Fixture::new();
    let (h, people) = f.household("Số 3", "Mè Văn Chiến", &["Mè Thị Ngân"]);
    let choices = skill_choices();
    assert_eq!(choices.len(), 5);
    assert!(choices.iter().all(|c| !c.plain_vi.is_empty() && !c.plain_en.is_empty()));
    assert!(tungnha_core::catalog::LEARN_MORE.url.starts_with("https://"));

    let mut d = SelfReportDraft::for_household(&f.store, h, Channel::App).unwrap();
    assert!(!d.state(at(10, 20)).can_save, "nothing ticked");
    d.toggle(people[0], "online_safety");
    d.toggle(people[0], "public_services");
    d.toggle(people[1], "online_payment");
    assert_eq!(d.people[0].skills, ["public_services", "online_safety"], "catalog order");
    d.toggle(people[1], "not_a_skill");
    let state = d.state(at(10, 20));
    assert!(!state.can_save);
    assert!(state.problems.iter().any(|p| p.field.starts_with("people[1]")), "{:?}", state.problems);
    assert!(d.save(&f.store).is_err());
    assert!(f.store.household_detail(h).unwrap().self_reports.is_empty(), "nothing half-saved");
    d.toggle(people[1], "not_a_skill");
    assert_eq!(d.save(&f.store).unwrap().len(), 2);
    let detail = f.store.household_detail(h).unwrap();
    assert_eq!(detail.self_reports.len(), 2);
    let head = detail.members.iter().find(|m| m.person.id == people[0]).unwrap();
    let safety = head.skills.iter().find(|s| s.skill == "online_safety").unwrap();
    assert_eq!(safety.level, SkillLevel::SelfReported);
}

#[test]
fn a_leader_verifies_several_skills_at_once_or_none() {
    use tungnha_core::forms::{CorrectionDraft, VerificationDraft};
    use tungnha_core::model::SkillLevel;
    let f = Fixture::new();
    let (h, people) = f.household("Số 4", "Tòng Văn Ước", &[]);
    let mut d = VerificationDraft::new(people[0], f.leader);
    assert!(!d.state().can_save);
    d.toggle("online_payment");
    d.toggle("online_safety");
    assert!(d.state().can_save);
    // A volunteer who is not a leader: nothing is verified.
    let not_leader = VerificationDraft { leader_id: f.volunteer, ..d.clone() };
    assert!(not_leader.save(&f.store).is_err());
    assert_eq!(d.save(&f.store).unwrap().len(), 2);
    let member = f.store.household_detail(h).unwrap().members.remove(0);
    assert!(member.skills.iter().filter(|s| s.level == SkillLevel::Verified).count() == 2);

    let mut fix = CorrectionDraft {
        person_id: people[0],
        leader_id: f.leader,
        skill: "online_payment".into(),
        to_level: SkillLevel::Guided,
        reason: String::new(),
    };
    assert!(!fix.state().can_save, "a correction needs its reason");
    fix.reason = "Ghi nhầm người".into();
    assert!(fix.state().can_save);
    fix.save(&f.store).unwrap();
}

#[test]
fn a_registered_household_is_edited_later_and_only_what_changed_is_sent() {
    let f = Fixture::new();
    let saved = filled(&f, "Lò Văn Pằng").save(&f.store, Some(f.volunteer)).unwrap().id;
    let before = f.store.pending_count().unwrap();

    let mut d = HouseholdDraft::editing(&f.store, saved).unwrap();
    assert_eq!(d.household_id, Some(saved));
    assert_eq!(d.members.len(), 2);
    assert_eq!(d.members[0].full_name, "Lò Văn Pằng", "head first, as stored");
    assert!(d.members.iter().all(|m| m.person_id.is_some()));
    assert!(d.state(at(10, 20)).can_save, "a stored household is valid as it is: {:?}", d.state(at(10, 20)).problems);
    // Saved unchanged: nothing new to send.
    d.save(&f.store, Some(f.volunteer)).unwrap();
    assert_eq!(f.store.pending_count().unwrap(), before, "nothing changed, nothing sent");

    // A wrong birth year on a new member: refused, nothing written.
    d.members[1].full_name = "Lò Thị Ơn Em".into();
    let i = d.add_member(Relation::Child);
    d.members[i].full_name = "Lò Văn Nhỏ".into();
    d.members[i].birth_year = "3000".into();
    assert!(!d.state(at(10, 20)).can_save);
    assert!(matches!(d.save(&f.store, Some(f.volunteer)), Err(CoreError::Invalid(_))));
    assert_eq!(f.store.pending_count().unwrap(), before, "nothing half-written");
    assert_eq!(f.store.household_detail(saved).unwrap().members.len(), 2);

    d.members[i].birth_year = "2015".into();
    d.save(&f.store, Some(f.volunteer)).unwrap();
    let after = f.store.household_detail(saved).unwrap();
    let names: Vec<_> = after.members.iter().map(|m| m.person.full_name.as_str()).collect();
    assert!(names.contains(&"Lò Thị Ơn Em") && names.contains(&"Lò Văn Nhỏ"), "{names:?}");
    assert_eq!(f.store.pending_count().unwrap(), before + 2, "one update for the renamed member, one create for the new one");
    assert_eq!(f.store.search("nho", None, 5).unwrap().len(), 1, "the new member is found by search");
}
