//! Identifiers: UUIDv7 made on the device, so records created offline never collide and
//! sort roughly by creation time. An id never embeds an administrative code: communes
//! were merged in 2025 and will be again.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh time-ordered id (UUIDv7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.0.hyphenated().to_string()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

id_type!(
    /// A household (hộ gia đình).
    HouseholdId
);
id_type!(
    /// A person, always a member of one household.
    PersonId
);
id_type!(
    /// One guidance session (lượt hướng dẫn).
    VisitId
);
id_type!(
    /// A citizen's own statement of their skills.
    SelfReportId
);
id_type!(
    /// A campaign window (đợt cao điểm).
    CampaignId
);
id_type!(
    /// A Community Digital Technology Team (Tổ CNSCĐ).
    TeamId
);
id_type!(
    /// A team member or official acting in the app (volunteer, leader, ...).
    MemberId
);
id_type!(
    /// A village, hamlet or residential group under a commune (thôn, bản, ấp, tổ dân phố).
    VillageId
);
id_type!(
    /// An assignment of villages or households to a team or volunteer.
    AssignmentId
);
id_type!(
    /// A device that records changes (one per installed app).
    DeviceId
);
id_type!(
    /// One operation in the outbox (the unit of sync).
    OpId
);
id_type!(
    /// A leader's audited correction of a skill level.
    CorrectionId
);
id_type!(
    /// A leader's verification that a person can do a skill.
    VerificationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_time_ordered() {
        let a = VisitId::new();
        let b = VisitId::new();
        assert!(a < b, "UUIDv7 made later sorts later");
        let parsed: VisitId = a.to_string().parse().expect("parse");
        assert_eq!(a, parsed);
        assert!("not-a-uuid".parse::<VisitId>().is_err());
    }
}
