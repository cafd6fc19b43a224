//! A group session at a fixed point (issue 10): attendees found by search across the
//! households this device holds, a walk-in added quickly to a household (with consent, by
//! the registration's rules), skills and actions per person, catalog and local topics, the
//! place — all from the draft; and drafts kept as text across the app being killed, read
//! back as outside input.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use proptest::prelude::*;
use std::collections::BTreeSet;
use tungnha_core::catalog;
use tungnha_core::forms::{restore, snapshot, HouseholdDraft, VisitDraft, CONSENT_PURPOSE};
use tungnha_core::ids::PersonId;
use tungnha_core::model::{Relation, VisitPlace};
use tungnha_core::problem::ProblemCode;
use tungnha_core::CoreError;

fn codes_of(e: &CoreError) -> Vec<(String, ProblemCode)> {
    match e {
        CoreError::Invalid(ps) => ps.0.iter().map(|p| (p.field.clone(), p.code)).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn a_group_session_with_people_found_by_search_and_a_walk_in() {
    let f = Fixture::new();
    let (ha, a) = f.household("Số 1, bản Mòng", "Hà Văn Tâm", &["Hà Thị Lụa"]);
    let (hb, b) = f.household("Số 2, bản Mòng", "Vì Thị Mai", &[]);
    let local = f.store.add_local_topic("che_shan_tuyet", "Bán chè Shan tuyết qua sàn", "Selling Shan tuyet tea online").unwrap();

    let mut d = VisitDraft::group_session("", f.team, f.volunteer, Some(f.campaign));
    assert!(d.state(&f.store).unwrap().for_field("place.place").next().is_some(), "a session needs its place");
    d.set_place("Nhà văn hoá bản Mòng");

    // Attendees found by search, without accents, across households.
    let page = d.search_people(&f.store, "ha thi lua", 0, 10).unwrap();
    assert_eq!(page.hits[0].person_id, Some(a[1]));
    let page = d.search_people(&f.store, "vi thi mai", 0, 10).unwrap();
    assert_eq!(page.hits[0].household_id, hb);
    d.toggle_present(a[1]);
    d.toggle_skill(b[0], "online_payment");
    d.toggle_action(b[0], "epayment_account_opened");

    // A walk-in: Mai's son, not registered yet.
    d.start_walk_in(None);
    let state = d.walk_in_state(f.store.now());
    assert!(!state.can_save);
    let fields: BTreeSet<&str> = state.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, BTreeSet::from(["walk_in.household_id", "walk_in.full_name", "walk_in.consent"]), "{:?}", state.problems);
    d.edit_walk_in(|w| {
        w.household_id = Some(hb);
        w.full_name = "  Lò  Văn Sơn ".into();
        w.birth_year = "19x5".into();
        w.relation = Relation::Child;
    });
    assert!(matches!(d.add_walk_in(&f.store, Some(f.volunteer)), Err(CoreError::Invalid(_))), "nothing saved with a problem");
    assert!(d.walk_in.is_some(), "the walk-in stays on the form to fix");
    let state = d.walk_in_state(f.store.now());
    assert_eq!(state.for_field("walk_in.birth_year").next().unwrap().code, ProblemCode::BirthYearOutOfRange);
    assert_eq!(state.for_field("walk_in.consent").next().unwrap().code, ProblemCode::ConsentMissing);
    d.edit_walk_in(|w| w.birth_year = "1995".into());
    d.edit_walk_in(|w| w.record_consent(f.store.now()));
    assert!(d.walk_in_state(f.store.now()).can_save, "{:?}", d.walk_in_state(f.store.now()).problems);
    let pending = f.store.pending_count().unwrap();
    let son = d.add_walk_in(&f.store, Some(f.volunteer)).unwrap().id;
    assert!(d.walk_in.is_none());
    assert!(f.store.pending_count().unwrap() > pending, "the walk-in travels like any registration");
    assert!(d.attendees.iter().any(|x| x.person_id == son), "the walk-in is present");
    d.toggle_skill(son, "public_services");
    d.toggle_action(son, "vneid_activated");

    let member = f.store.household_detail(hb).unwrap().members.into_iter().find(|m| m.person.id == son).unwrap();
    assert_eq!(member.person.full_name, "Lò Văn Sơn");
    assert_eq!(member.person.birth_year, Some(1995));
    assert_eq!(member.person.relation, Relation::Child);
    let consent = &member.person.consent;
    assert_eq!(
        (consent.given_by.as_str(), consent.purpose.as_str(), consent.recorded_by),
        ("Lò Văn Sơn", CONSENT_PURPOSE, Some(f.volunteer))
    );

    // The form names everyone present, with their households.
    let roster = d.roster(&f.store).unwrap();
    assert_eq!(roster.iter().map(|r| r.full_name.as_str()).collect::<Vec<_>>(), ["Hà Thị Lụa", "Vì Thị Mai", "Lò Văn Sơn"]);
    assert!(roster.iter().all(|r| r.present && r.village_name == "Bản Mòng"));
    assert_eq!(roster[2].household_id, Some(hb));
    assert_eq!(roster[1].actions, ["epayment_account_opened"]);

    assert!(!d.state(&f.store).unwrap().can_save, "no topic yet");
    d.toggle_topic("cashless_payment");
    d.toggle_topic(&local);
    assert!(d.state(&f.store).unwrap().can_save, "{:?}", d.state(&f.store).unwrap().problems);
    let id = d.save(&f.store).unwrap().id;
    let v = f.store.visit(id).unwrap();
    assert_eq!(v.place, VisitPlace::Group { place: "Nhà văn hoá bản Mòng".into() });
    assert_eq!(v.topics, ["cashless_payment".to_owned(), local]);
    let by_person: std::collections::HashMap<PersonId, _> = v.attendees.iter().map(|x| (x.person_id, x)).collect();
    assert_eq!(by_person.len(), 3);
    assert_eq!(by_person[&a[1]].household_id, Some(ha));
    assert_eq!(by_person[&son].household_id, Some(hb));
    assert_eq!(by_person[&son].skills_guided, ["public_services"]);
    assert!(f.store.household_detail(hb).unwrap().members.iter().any(|m| m.person.id == son && m.person.vneid_activated));
}

#[test]
fn a_walk_in_follows_the_registration_rules() {
    let f = Fixture::new();
    let (h, _) = f.household("Số 5", "Mè Văn Chiến", &[]);
    // At a household visit the walk-in joins the household visited.
    let mut d = VisitDraft::at_household(h, f.team, f.volunteer, Some(f.campaign));
    d.start_walk_in(None);
    assert_eq!(d.walk_in.as_ref().unwrap().household_id, Some(h));
    d.edit_walk_in(|w| {
        w.full_name = "Mè Văn Ước".into();
        w.relation = Relation::Head;
        w.record_consent(f.store.now());
    });
    let refused = d.add_walk_in(&f.store, None).unwrap_err();
    assert_eq!(codes_of(&refused), [("walk_in.relation".to_owned(), ProblemCode::HeadMustBeMember)]);

    // A household this device does not hold: refused at its field, nothing written.
    d.edit_walk_in(|w| {
        w.relation = Relation::Grandchild;
        w.household_id = Some(tungnha_core::ids::HouseholdId::new());
    });
    let refused = d.add_walk_in(&f.store, None).unwrap_err();
    assert_eq!(codes_of(&refused), [("walk_in.household_id".to_owned(), ProblemCode::UnknownHousehold)]);
    d.edit_walk_in(|w| w.household_id = Some(h));
    let grandchild = d.add_walk_in(&f.store, None).unwrap().id;
    assert_eq!(d.attendees.iter().map(|a| a.person_id).collect::<Vec<_>>(), [grandchild]);
    d.toggle_topic("vneid");
    assert!(d.state(&f.store).unwrap().can_save, "a walk-in of the household visited may be guided there");

    // Nothing to add when no walk-in was started.
    let mut e = VisitDraft::at_household(h, f.team, f.volunteer, None);
    assert!(e.add_walk_in(&f.store, None).is_err());
    e.start_walk_in(None);
    e.cancel_walk_in();
    assert!(e.walk_in.is_none());
}

#[test]
fn a_snapshot_restores_the_draft_and_a_damaged_one_is_a_typed_error() {
    let f = Fixture::new();
    let (_, people) = f.household("Số 9", "Tòng Văn Ninh", &["Tòng Thị Ỏn"]);
    let mut d = VisitDraft::group_session("Trường tiểu học bản Mòng", f.team, f.volunteer, Some(f.campaign));
    d.toggle_skill(people[1], "online_safety");
    d.start_walk_in(None);
    d.edit_walk_in(|w| w.full_name = "Tòng Văn Pó".into());
    let kept = snapshot(&d).unwrap();
    let back: VisitDraft = restore(&kept).unwrap();
    assert_eq!(back, d, "a half-typed walk-in survives too");

    // A snapshot kept before walk-ins existed still reads.
    let mut old: serde_json::Value = serde_json::from_str(&kept).unwrap();
    old.as_object_mut().unwrap().remove("walk_in");
    let back: VisitDraft = restore(&old.to_string()).unwrap();
    assert_eq!(back.attendees, d.attendees);

    let damaged = |text: &str| {
        let e = restore::<VisitDraft>(text).unwrap_err();
        let codes = codes_of(&e);
        assert_eq!(codes.len(), 1);
        assert_eq!(codes[0].0, "snapshot", "{text:.60}");
        codes[0].1
    };
    assert_eq!(damaged(""), ProblemCode::Malformed);
    assert_eq!(damaged(&kept[..kept.len() / 2]), ProblemCode::Malformed);
    assert_eq!(damaged(&kept.replace(&people[1].to_string(), "not-a-person")), ProblemCode::Malformed);
    assert_eq!(damaged(&"[".repeat(100_000)), ProblemCode::Malformed);
    assert_eq!(damaged(&" ".repeat(5 << 20)), ProblemCode::TooMany);
    // Too many attendees to have been ticked by hand.
    let mut many: serde_json::Value = serde_json::from_str(&kept).unwrap();
    let one = many["attendees"][0].clone();
    many["attendees"] = serde_json::Value::Array(
        (0..2_500)
            .map(|_| {
                let mut a = one.clone();
                a["person_id"] = serde_json::Value::String(PersonId::new().to_string());
                a
            })
            .collect(),
    );
    assert_eq!(damaged(&many.to_string()), ProblemCode::TooMany);
    // The other forms are read the same way.
    assert!(restore::<HouseholdDraft>(r#"{"members": []}"#).is_err());
    let h = HouseholdDraft::new(Some(f.village));
    assert_eq!(restore::<HouseholdDraft>(&snapshot(&h).unwrap()).unwrap(), h);
}

fn skills() -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(catalog::SKILLS.iter().map(|s| s.code.to_owned()).collect::<Vec<_>>(), 0..=5)
}

fn actions() -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(catalog::ACTIONS.iter().map(|s| s.code.to_owned()).collect::<Vec<_>>(), 0..=3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any group session ticked on the form — some people of several households, their
    /// skills and actions, topics, a place — survives being kept as text and read back,
    /// saves when the form says it can, and reads back from the store as ticked.
    #[test]
    fn a_group_session_saves_and_reads_back_as_ticked(
        present in proptest::collection::vec((any::<bool>(), skills(), actions()), 5),
        topics in proptest::sample::subsequence(catalog::TOPICS.iter().map(|t| t.code.to_owned()).collect::<Vec<_>>(), 0..=3),
        place in prop_oneof![Just("Hội trường UBND xã".to_owned()), Just("Nhà văn hoá bản Mòng".to_owned()), Just(String::new()), "[a-zA-Z ]{0,20}"],
        notes in prop_oneof![Just(String::new()), Just("Mang theo CCCD".to_owned())],
    ) {
        let f = Fixture::new();
        let (_, a) = f.household("Số 1", "Hà Văn Tâm", &["Hà Thị Lụa", "Hà Văn Dũng"]);
        let (_, b) = f.household("Số 2", "Vì Thị Mai", &["Lò Văn Sơn"]);
        let people: Vec<PersonId> = a.into_iter().chain(b).collect();
        let mut d = VisitDraft::group_session("", f.team, f.volunteer, Some(f.campaign));
        d.set_place(&place);
        d.notes = notes;
        for t in &topics {
            d.toggle_topic(t);
        }
        for (p, (here, skills, actions)) in people.iter().zip(&present) {
            if *here {
                d.toggle_present(*p);
            }
            for s in skills {
                d.toggle_skill(*p, s);
            }
            for x in actions {
                d.toggle_action(*p, x);
            }
        }
        let d: VisitDraft = restore(&snapshot(&d).unwrap()).unwrap();
        let state = d.state(&f.store).unwrap();
        match d.save(&f.store) {
            Ok(saved) => {
                prop_assert!(state.can_save, "saved although the form said {:?}", state.problems);
                let v = f.store.visit(saved.id).unwrap();
                prop_assert_eq!(&v.place, &VisitPlace::Group { place: place.split_whitespace().collect::<Vec<_>>().join(" ") });
                // Codes read back as a set (the store keeps its own order).
                let set = |c: &[String]| c.iter().cloned().collect::<BTreeSet<_>>();
                prop_assert_eq!(set(&v.topics), set(&topics));
                let mut want: Vec<_> = d.attendees.iter().map(|x| (x.person_id, set(&x.skills_guided), set(&x.actions))).collect();
                let mut got: Vec<_> = v.attendees.iter().map(|x| (x.person_id, set(&x.skills_guided), set(&x.actions))).collect();
                want.sort();
                got.sort();
                prop_assert_eq!(got, want);
                prop_assert!(v.attendees.iter().all(|x| x.household_id.is_some()));
                // The correction form opens on what was saved.
                let again = VisitDraft::correcting(&f.store, saved.id).unwrap();
                prop_assert_eq!(again.attendees.len(), d.attendees.len());
            }
            Err(CoreError::Invalid(ps)) => {
                prop_assert!(!state.can_save, "the form allowed a save that failed: {}", ps);
                prop_assert!(d.attendees.is_empty() || topics.is_empty() || place.trim().is_empty(), "{}", ps);
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    /// Whatever text comes back as a snapshot, reading it never panics.
    #[test]
    fn any_text_restores_or_is_refused(text in ".{0,200}", bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = restore::<VisitDraft>(&text);
        let _ = restore::<HouseholdDraft>(&text);
        let _ = restore::<VisitDraft>(&String::from_utf8_lossy(&bytes));
    }
}
