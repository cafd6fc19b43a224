//! People as the model takes them: a person with their consent, a team member with a
//! role, a Vietnamese mobile number.

use chrono::{DateTime, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;
use tungnha_core::ids::MemberId;
use tungnha_core::model::{Consent, NewPerson, Organisation, Relation, Role, Training};

/// The purpose read to the citizen before their data is kept.
pub const PURPOSE: &str = "Hướng dẫn kỹ năng số và báo cáo kết quả";

/// The national online course most members have completed.
pub const COURSE: &str = "Phổ cập kỹ năng số cộng đồng";

/// Consent given by `given_by` at `at`, recorded by no one in particular.
pub fn consent(given_by: &str, at: DateTime<Utc>) -> Consent {
    Consent { given_by: given_by.into(), given_at: at, purpose: PURPOSE.into(), recorded_by: None }
}

/// A person who consented at `consent_at`, with no sex or phone given.
pub fn person(name: &str, relation: Relation, birth_year: i32, consent_at: DateTime<Utc>) -> NewPerson {
    NewPerson {
        full_name: name.into(),
        birth_year: Some(birth_year),
        sex: None,
        relation,
        phone: None,
        consent: Some(consent(name, consent_at)),
    }
}

/// What a member does in the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// Tổ trưởng: verifies skills and corrects levels.
    Leader,
    /// Tổ viên.
    Member,
}

impl Duty {
    pub fn role(self) -> Role {
        match self {
            Duty::Leader => Role { code: "leader".into(), name_vi: "Tổ trưởng".into(), can_verify: true },
            Duty::Member => Role { code: "member".into(), name_vi: "Tổ viên".into(), can_verify: false },
        }
    }
}

/// A team member with a fresh id, no phone and no training.
pub fn member(name: &str, duty: Duty, organisation: Organisation) -> TeamMemberBuilder {
    TeamMemberBuilder(tungnha_core::model::TeamMember {
        id: MemberId::new(),
        full_name: name.into(),
        phone: None,
        organisation,
        role: duty.role(),
        trainings: vec![],
    })
}

/// A [`member`] with a phone or a training added; `.into()` or [`Self::done`] gives the member.
#[derive(Debug, Clone)]
pub struct TeamMemberBuilder(tungnha_core::model::TeamMember);

impl TeamMemberBuilder {
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.0.phone = Some(phone.into());
        self
    }

    pub fn trained(mut self, course: &str, completed_on: chrono::NaiveDate) -> Self {
        self.0.trainings.push(Training { course: course.into(), completed_on });
        self
    }

    pub fn done(self) -> tungnha_core::model::TeamMember {
        self.0
    }
}

impl From<TeamMemberBuilder> for tungnha_core::model::TeamMember {
    fn from(b: TeamMemberBuilder) -> Self {
        b.0
    }
}

/// Mobile prefixes of Viettel, Vinaphone and MobiFone.
pub const MOBILE_PREFIXES: [&str; 11] = ["032", "033", "035", "038", "086", "088", "091", "094", "097", "098", "070"];

/// A Vietnamese mobile number, 10 digits.
pub fn mobile<R: Rng + ?Sized>(rng: &mut R) -> String {
    let prefix = MOBILE_PREFIXES.choose(rng).copied().unwrap_or("091");
    format!("{prefix}{:07}", rng.random_range(0..10_000_000u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn what_the_validator_accepts() {
        let now = crate::calendar::at(5, 10);
        let p = person("Lò Văn Pánh", Relation::Head, 1970, crate::calendar::at(1, 8));
        let (clean, problems) = tungnha_core::validate::person(&p, now);
        assert!(clean.is_some() && problems.is_empty(), "{problems:?}");
        let mut rng = StdRng::seed_from_u64(4);
        for _ in 0..100 {
            let n = mobile(&mut rng);
            assert!(tungnha_core::validate::phone::normalize("phone", &n).is_ok(), "{n}");
        }
        let m: tungnha_core::model::TeamMember = member("Lò Văn Thắng", Duty::Leader, Organisation::YouthUnion).phone("0912345678").into();
        assert!(m.role.can_verify && m.phone.is_some());
    }
}
