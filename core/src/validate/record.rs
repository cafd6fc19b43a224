//! Rules for whole stored records and for edits, used where a record arrives already
//! made (the sync server, from any phone) and where a phone edits one. They reuse the
//! field rules of the parent module, so a household's address is checked by the same
//! code on the volunteer's screen, in the phone's store and on the server.

use super::{birth_year, collect, consent, location, optional_phone, person, text, time_not_future};
use crate::catalog;
use crate::model::{Household, HouseholdPatch, NewPerson, Person, PersonPatch, SkillCorrection, SkillVerification};
use crate::problem::{Problem, ProblemCode, Problems};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Check and clean a household record (the head is a separate person record).
pub fn household_record(h: &Household, now: DateTime<Utc>) -> (Option<Household>, Problems) {
    let mut ps = Problems::new();
    let address = collect(&mut ps, text::line("address", &h.address, text::ADDRESS_MAX_CHARS));
    let phone = optional_phone(&mut ps, "phone", h.phone.as_deref());
    let location = h.location.and_then(|l| collect(&mut ps, location("location", l)));
    time_not_future(&mut ps, "created_at", h.created_at, now);
    match address {
        Some(address) if !ps.has_content_errors() => (Some(Household { address, phone, location, ..h.clone() }), ps),
        _ => (None, ps),
    }
}

/// Check and clean a person record. `vneid_activated` is derived from visits by every
/// replica, never taken from a sender: a clean record has it `false`.
pub fn person_record(p: &Person, now: DateTime<Utc>) -> (Option<Person>, Problems) {
    let new = NewPerson {
        full_name: p.full_name.clone(),
        birth_year: p.birth_year,
        sex: p.sex,
        relation: p.relation,
        phone: p.phone.clone(),
        consent: Some(p.consent.clone()),
    };
    let (clean, ps) = person(&new, now);
    let clean = clean.and_then(|n| {
        Some(Person {
            id: p.id,
            household_id: p.household_id,
            full_name: n.full_name,
            birth_year: n.birth_year,
            sex: n.sex,
            relation: n.relation,
            phone: n.phone,
            vneid_activated: false,
            consent: n.consent?,
        })
    });
    (clean, ps)
}

/// Check and clean the changed fields of a household.
pub fn household_patch(p: &HouseholdPatch) -> (Option<HouseholdPatch>, Problems) {
    let mut ps = Problems::new();
    let mut clean = p.clone();
    if let Some(a) = &p.address {
        clean.address = collect(&mut ps, text::line("address", a, text::ADDRESS_MAX_CHARS));
    }
    if let Some(phone) = &p.phone {
        clean.phone = Some(optional_phone(&mut ps, "phone", phone.as_deref()));
    }
    if let Some(Some(l)) = p.location {
        clean.location = Some(collect(&mut ps, location("location", l)));
    }
    if ps.has_content_errors() {
        (None, ps)
    } else {
        (Some(clean), ps)
    }
}

/// Check and clean the changed fields of a person.
pub fn person_patch(p: &PersonPatch, now: DateTime<Utc>) -> (Option<PersonPatch>, Problems) {
    let mut ps = Problems::new();
    let mut clean = p.clone();
    if let Some(n) = &p.full_name {
        clean.full_name = collect(&mut ps, text::name("full_name", n));
    }
    if let Some(Some(y)) = p.birth_year {
        clean.birth_year = Some(collect(&mut ps, birth_year("birth_year", y, now)));
    }
    if let Some(phone) = &p.phone {
        clean.phone = Some(optional_phone(&mut ps, "phone", phone.as_deref()));
    }
    if ps.has_content_errors() {
        (None, ps)
    } else {
        (Some(clean), ps)
    }
}

/// What the store or server knows that a verification or correction is checked against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeaderContext {
    pub person_known: bool,
    /// The leader named is a team member whose role verifies skills, in a team the
    /// writer may act for.
    pub leader_can_verify: bool,
}

fn leader_problems(ps: &mut Problems, skill: &str, ctx: LeaderContext) {
    if !ctx.person_known {
        ps.push(Problem::error("person_id", ProblemCode::UnknownPerson, "Không tìm thấy người này", "Person not found"));
    }
    if catalog::skill(skill).is_none() {
        ps.push(Problem::error(
            "skill",
            ProblemCode::UnknownSkill,
            format!("Kỹ năng \"{skill}\" không có trong danh mục"),
            format!("Skill \"{skill}\" is not in the catalog"),
        ));
    }
    if !ctx.leader_can_verify {
        ps.push(Problem::error(
            "leader_id",
            ProblemCode::NotALeader,
            "Chỉ tổ trưởng (vai trò được xác nhận kỹ năng) mới được xác nhận hoặc sửa mức kỹ năng",
            "Only a team leader (a role that verifies skills) may verify or correct a skill level",
        ));
    }
}

/// Check a leader's verification of a skill.
pub fn verification(v: &SkillVerification, ctx: LeaderContext, now: DateTime<Utc>) -> (Option<SkillVerification>, Problems) {
    let mut ps = Problems::new();
    leader_problems(&mut ps, &v.skill, ctx);
    time_not_future(&mut ps, "at", v.at, now);
    if ps.has_content_errors() {
        (None, ps)
    } else {
        (Some(v.clone()), ps)
    }
}

/// Check a leader's correction of a level (the reason is cleaned).
pub fn correction(c: &SkillCorrection, ctx: LeaderContext, now: DateTime<Utc>) -> (Option<SkillCorrection>, Problems) {
    let mut ps = Problems::new();
    leader_problems(&mut ps, &c.skill, ctx);
    let reason = collect(&mut ps, super::correction_reason("reason", &c.reason));
    time_not_future(&mut ps, "at", c.at, now);
    match reason {
        Some(reason) if !ps.has_content_errors() => (Some(SkillCorrection { reason, ..c.clone() }), ps),
        _ => (None, ps),
    }
}

/// Consent as stored on a person: its rule, for records that carry it whole.
pub fn stored_consent(c: &crate::model::Consent, now: DateTime<Utc>) -> Problems {
    let mut ps = Problems::new();
    consent(&mut ps, "consent", Some(c), now);
    ps
}

/// The dotted path of the first object key that `sent` has and `clean` has not: a field
/// the model does not know (an old or new app, or a hostile sender). Values may differ
/// (cleaning trims names, drops repeated codes); keys the model knows are never missing
/// from `clean`.
pub fn unknown_field(sent: &Value, clean: &Value) -> Option<String> {
    fn walk(sent: &Value, clean: &Value, path: &mut String) -> bool {
        match (sent, clean) {
            (Value::Object(s), Value::Object(c)) => {
                for (k, v) in s {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    match c.get(k) {
                        None => return true,
                        Some(cv) if walk(v, cv, path) => return true,
                        Some(_) => path.truncate(len),
                    }
                }
                false
            }
            (Value::Array(s), Value::Array(c)) => {
                // Cleaning may drop repeated items: compare objects item by item only
                // while the lists line up, and any object item against the first clean one.
                s.iter().enumerate().any(|(i, v)| {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    let found = match c.get(i).or_else(|| c.first()) {
                        Some(cv) => walk(v, cv, path),
                        None => v.as_object().is_some_and(|o| !o.is_empty()),
                    };
                    if !found {
                        path.truncate(len);
                    }
                    found
                })
            }
            // A structure where the model has a plain value.
            (Value::Object(s), _) => !s.is_empty(),
            (Value::Array(s), c) if !c.is_array() => !s.is_empty() && !c.is_null(),
            _ => false,
        }
    }
    let mut path = String::new();
    walk(sent, clean, &mut path).then_some(path)
}

/// [`unknown_field`] as a problem.
pub fn unknown_field_problem(sent: &Value, clean: &Value) -> Option<Problem> {
    unknown_field(sent, clean).map(|path| {
        Problem::error(
            path.clone(),
            ProblemCode::Malformed,
            format!("Trường \"{path}\" không có trong mẫu dữ liệu"),
            format!("Field \"{path}\" is not part of the record"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_found_at_any_depth() {
        let clean = json!({"a": 1, "list": [{"x": 1, "y": null}], "o": {"p": "q"}, "n": null});
        assert_eq!(unknown_field(&json!({"a": 2}), &clean), None);
        assert_eq!(unknown_field(&json!({"a": 2, "z": 1}), &clean).as_deref(), Some("z"));
        assert_eq!(unknown_field(&json!({"list": [{"x": 1}, {"x": 2, "evil": {}}]}), &clean).as_deref(), Some("list[1].evil"));
        assert_eq!(unknown_field(&json!({"o": {"p": "q", "deep": [[[{}]]]}}), &clean).as_deref(), Some("o.deep"));
        assert_eq!(unknown_field(&json!({"a": {"nested": 1}}), &clean).as_deref(), Some("a"));
        assert_eq!(unknown_field(&json!({"n": {"x": 1}}), &clean).as_deref(), Some("n"));
        // Cleaning dropped repeated items: not an unknown field.
        assert_eq!(unknown_field(&json!({"list": [{"x": 1}, {"x": 1}, {"x": 1}]}), &json!({"list": [{"x": 1}]})), None);
    }
}
