use crate::ids::{CorrectionId, MemberId, PersonId, VerificationId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How far a person has come with one skill. Ordered: progress only moves up, except an
/// explicit, audited correction by a team leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillLevel {
    NotStarted = 0,
    /// A volunteer guided the person through it.
    Guided = 1,
    /// The person says they can do it themselves.
    SelfReported = 2,
    /// A team leader saw the person do it.
    Verified = 3,
}

impl SkillLevel {
    pub const ALL: [SkillLevel; 4] = [Self::NotStarted, Self::Guided, Self::SelfReported, Self::Verified];

    pub fn from_i64(v: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|l| *l as i64 == v)
    }

    /// The level at which a person counts as mastering (thành thạo) a skill in reports.
    /// "Proficient" is not defined by the plans; having been shown once is not mastery,
    /// so we count a skill as mastered when the person states it or a leader verified it.
    pub const MASTERY: SkillLevel = SkillLevel::SelfReported;
}

/// One person's level in one skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillProgress {
    pub skill: String,
    pub level: SkillLevel,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A leader's correction of a level (the only way a level goes down), kept for audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillCorrection {
    pub id: CorrectionId,
    pub person_id: PersonId,
    pub skill: String,
    pub to_level: SkillLevel,
    pub leader_id: MemberId,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// A leader saw the person do the skill (raises it to `Verified`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillVerification {
    pub id: VerificationId,
    pub person_id: PersonId,
    pub skill: String,
    pub leader_id: MemberId,
    pub at: DateTime<Utc>,
}
