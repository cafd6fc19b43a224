//! Property tests of the drafts not covered in `forms.rs`: whatever is ticked or typed,
//! the form allows the save exactly when the save succeeds, a draft survives a round
//! trip through its snapshot, and what is saved reads back.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use proptest::prelude::*;
use tungnha_core::forms::{CorrectionDraft, SelfReportDraft, VerificationDraft};
use tungnha_core::model::{Channel, SkillLevel};
use tungnha_core::CoreError;
use tungnha_testkit::calendar::at;

/// The five skills, and codes a buggy or hostile client might send.
fn skill_code() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(tungnha_core::catalog::SKILLS.iter().map(|s| s.code.to_owned()).collect::<Vec<_>>()),
        1 => prop_oneof![Just(String::new()), Just("not_a_skill".to_owned()), Just("ONLINE_SAFETY".to_owned()), "[a-z_]{1,12}"],
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_self_report_form_and_its_save_agree(
        ticks in proptest::collection::vec((0usize..3, skill_code()), 0..12),
    ) {
        let f = Fixture::new();
        let (h, people) = f.household("Số 7", "Sùng A Páo", &["Sùng Thị Mai", "Sùng A Lử"]);
        let mut d = SelfReportDraft::for_household(&f.store, h, Channel::App).unwrap();
        for (who, skill) in &ticks {
            d.toggle(people[*who], skill);
        }
        let json = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(&serde_json::from_str::<SelfReportDraft>(&json).unwrap(), &d);
        let state = d.state(at(10, 20));
        match d.save(&f.store) {
            Ok(saved) => {
                prop_assert!(state.can_save, "saved although the form said {:?}", state.problems);
                let ticked: Vec<_> = d.people.iter().filter(|p| !p.skills.is_empty()).collect();
                prop_assert_eq!(saved.len(), ticked.len(), "one report per person who ticked something");
                let detail = f.store.household_detail(h).unwrap();
                for p in ticked {
                    let m = detail.members.iter().find(|m| m.person.id == p.person_id).unwrap();
                    for code in &p.skills {
                        let level = m.skills.iter().find(|s| &s.skill == code).unwrap().level;
                        prop_assert_eq!(level, SkillLevel::SelfReported, "{} of {}", code, p.full_name);
                    }
                }
            }
            Err(CoreError::Invalid(ps)) => {
                prop_assert!(!state.can_save, "the form allowed a save that failed: {}", ps);
                prop_assert!(f.store.household_detail(h).unwrap().self_reports.is_empty(), "nothing half-saved");
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn a_verification_form_and_its_save_agree(skills in proptest::collection::vec(skill_code(), 0..7)) {
        let f = Fixture::new();
        let (h, people) = f.household("Số 8", "Giàng A Chư", &[]);
        let mut d = VerificationDraft::new(people[0], f.leader);
        for s in &skills {
            d.toggle(s);
        }
        let json = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(&serde_json::from_str::<VerificationDraft>(&json).unwrap(), &d);
        let state = d.state();
        match d.save(&f.store) {
            Ok(ids) => {
                prop_assert!(state.can_save, "saved although the form said {:?}", state.problems);
                prop_assert_eq!(ids.len(), d.skills.len(), "one audited fact per skill");
                let member = f.store.household_detail(h).unwrap().members.remove(0);
                for code in &d.skills {
                    let level = member.skills.iter().find(|s| &s.skill == code).unwrap().level;
                    prop_assert_eq!(level, SkillLevel::Verified);
                }
            }
            Err(CoreError::Invalid(ps)) => {
                prop_assert!(!state.can_save, "the form allowed a save that failed: {}", ps);
                let member = f.store.household_detail(h).unwrap().members.remove(0);
                prop_assert!(member.skills.iter().all(|s| s.level == SkillLevel::NotStarted), "all or none");
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn a_correction_form_and_its_save_agree(
        skill in skill_code(),
        to_level in prop_oneof![Just(SkillLevel::Guided), Just(SkillLevel::SelfReported), Just(SkillLevel::Verified)],
        reason in prop_oneof![Just(String::new()), Just("   ".to_owned()), Just("Ghi nhầm người".to_owned()), "[a-zà-ỹ ]{0,40}", "x{2001}"],
    ) {
        let f = Fixture::new();
        let (h, people) = f.household("Số 9", "Thào A Dế", &[]);
        let mut d = CorrectionDraft::new(people[0], f.leader, &skill, to_level);
        d.reason = reason;
        let json = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(&serde_json::from_str::<CorrectionDraft>(&json).unwrap(), &d);
        let state = d.state();
        match d.save(&f.store) {
            Ok(_) => {
                prop_assert!(state.can_save, "saved although the form said {:?}", state.problems);
                let member = f.store.household_detail(h).unwrap().members.remove(0);
                prop_assert_eq!(member.skills.iter().find(|s| s.skill == d.skill).unwrap().level, to_level);
            }
            Err(CoreError::Invalid(ps)) => prop_assert!(!state.can_save, "the form allowed a save that failed: {}", ps),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}
