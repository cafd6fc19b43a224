//! The core's ids across the boundary: each id type crosses as its UUID text (Kotlin and
//! Swift see `typealias HouseholdId = String` and so on). A string that is not an id names
//! no record: lifting it fails with [`TungNhaError::NotFound`] naming the kind of record,
//! which the call returns like any other error.
//!
//! [`TungNhaError::NotFound`]: crate::TungNhaError::NotFound

use crate::error::parse_id;
use tungnha_core::ids::{
    AssignmentId, CampaignId, CorrectionId, DeviceId, HouseholdId, MemberId, OpId, PersonId, SelfReportId, TeamId, VerificationId,
    VillageId, VisitId,
};

/// `uniffi::custom_type!` for each id: lowered as its hyphenated UUID, lifted by parsing
/// (surrounding spaces ignored), a failure being "no such `entity`".
macro_rules! id_as_text {
    ($($id:ident => $entity:literal),+ $(,)?) => {
        $(
            uniffi::custom_type!($id, String, {
                remote,
                lower: |id| id.to_string(),
                try_lift: |text| Ok(parse_id::<$id>($entity, &text)?),
            });
        )+
    };
}

id_as_text!(
    HouseholdId => "household",
    PersonId => "person",
    VisitId => "visit",
    SelfReportId => "self_report",
    CampaignId => "campaign",
    TeamId => "team",
    MemberId => "member",
    VillageId => "village",
    AssignmentId => "assignment",
    DeviceId => "device",
    OpId => "operation",
    CorrectionId => "correction",
    VerificationId => "verification",
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TungNhaError;
    use uniffi::{Lift, Lower};

    #[test]
    fn ids_cross_as_uuid_text_and_a_bad_one_is_not_found() {
        let id = HouseholdId::new();
        let lowered = <HouseholdId as Lower<crate::UniFfiTag>>::lower(id);
        assert_eq!(<HouseholdId as Lift<crate::UniFfiTag>>::try_lift(lowered).expect("lift"), id);

        let text = <String as Lower<crate::UniFfiTag>>::lower("not-a-member".to_owned());
        let e = <MemberId as Lift<crate::UniFfiTag>>::try_lift(text).expect_err("not an id");
        // What a call returns when an argument does not lift: the error, as the call's own.
        let e = e.downcast::<TungNhaError>().expect("the bindings' error, through uniffi's context");
        assert!(matches!(e, TungNhaError::NotFound { ref entity, ref id, .. } if entity == "member" && id == "not-a-member"), "{e:?}");
    }
}
