//! The state behind each editing screen, written once for both apps: a draft holds what
//! the user typed, says what is wrong with every field as they type (the rules are
//! `core::validate`'s), and saves through the store. The Kotlin and Swift view-models
//! only hold a draft, render [`FormState`] and call `save`.

pub mod household;
pub mod self_report;
pub mod snapshot;
pub mod verification;
pub mod visit;

pub use household::{HouseholdDraft, MemberDraft};
pub use self_report::{skill_choices, PersonSkills, SelfReportDraft, SkillChoice};
pub use snapshot::{restore, snapshot, Snapshot};
pub use verification::{CorrectionDraft, VerificationDraft};
pub use visit::{AttendeeDraft, RosterRow, VisitDraft, WalkInDraft};

use crate::problem::{Problem, Problems};
use serde::Serialize;

/// What a form shows now: every problem (errors block the save, warnings only inform).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FormState {
    pub problems: Vec<Problem>,
    /// No error blocks the save (warnings may remain).
    pub can_save: bool,
}

impl From<Problems> for FormState {
    fn from(ps: Problems) -> Self {
        Self { can_save: !ps.has_errors(), problems: ps.0 }
    }
}

impl FormState {
    /// The problems of one field (`address`, `members[1].phone`, …), to show beside it.
    pub fn for_field<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Problem> + 'a {
        self.problems.iter().filter(move |p| p.field == field)
    }
}

/// The purpose kept with each consent (at most 200 characters): names the notice below
/// and its version, so what the citizen heard can always be looked up.
pub const CONSENT_PURPOSE: &str = "Hướng dẫn kỹ năng số và báo cáo kết quả lên UBND xã (thông báo đồng ý, phiên bản 1)";

/// What the citizen agrees to, read to them in full before any personal data is kept
/// (Law 91/2025/QH15: consent for a stated purpose). Vietnamese, English.
pub fn consent_purpose() -> (&'static str, &'static str) {
    (
        "Tổ công nghệ số cộng đồng ghi lại tên, năm sinh, số điện thoại (nếu có) của các thành viên trong hộ và các kỹ năng số đã được hướng dẫn, \
         để hướng dẫn tiếp và báo cáo kết quả phổ cập kỹ năng số lên Ủy ban nhân dân xã. Không thu số định danh cá nhân. \
         Người dân có thể yêu cầu xem, sửa hoặc xoá thông tin của mình bất cứ lúc nào.",
        "The community digital technology team records the names, birth years and phone numbers (if any) of the household's members and \
         the digital skills they were guided through, to keep guiding them and to report the results of the digital skills campaign to \
         the commune People's Committee. No national ID number is collected. People may ask to see, correct or erase their data at any time.",
    )
}
