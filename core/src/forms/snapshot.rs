//! Keeping a draft across process death (Android's `SavedStateHandle`, iOS scene storage):
//! a draft is plain data, written as JSON; on the way back it is read like any input from
//! outside — bounded in size and shape, and a damaged or hostile text becomes a typed
//! [`CoreError::Invalid`] on the field `snapshot`, never a panic. What the bounds let
//! through is then checked by the form's own rules, as if it had been typed.

use super::{CorrectionDraft, HouseholdDraft, SelfReportDraft, VerificationDraft, VisitDraft};
use crate::error::{CoreError, CoreResult};
use crate::problem::{Problem, ProblemCode, Problems};
use crate::validate::{MAX_ATTENDEES, MAX_CODES, MAX_MEMBERS};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The largest snapshot read back. A form at its largest (a group session of
/// [`MAX_ATTENDEES`] people, each with every skill and action) is far below it.
pub const MAX_SNAPSHOT_BYTES: usize = 4 << 20;

/// The field a damaged snapshot's problem names.
pub const SNAPSHOT_FIELD: &str = "snapshot";

/// A draft that can be kept as text. [`Snapshot::within_bounds`] says whether a draft read
/// back could have been made by its form: lists at most twice what the rules accept (the
/// form itself reports the excess as a problem the person can fix), nothing larger.
pub trait Snapshot: Serialize + DeserializeOwned {
    fn within_bounds(&self) -> bool;
}

/// The draft as text, to keep.
pub fn snapshot<T: Snapshot>(draft: &T) -> CoreResult<String> {
    Ok(serde_json::to_string(draft)?)
}

/// A draft from text [`snapshot`] wrote — or refused, with the reason as a problem.
pub fn restore<T: Snapshot>(text: &str) -> CoreResult<T> {
    if text.len() > MAX_SNAPSHOT_BYTES {
        return Err(damaged(ProblemCode::TooMany));
    }
    let draft: T = serde_json::from_str(text).map_err(|_| damaged(ProblemCode::Malformed))?;
    if !draft.within_bounds() {
        return Err(damaged(ProblemCode::TooMany));
    }
    Ok(draft)
}

fn damaged(code: ProblemCode) -> CoreError {
    CoreError::Invalid(Problems(vec![Problem::error(
        SNAPSHOT_FIELD,
        code,
        "Không đọc được bản nháp đã lưu trên máy; hãy nhập lại",
        "The draft kept on this device could not be read; enter it again",
    )]))
}

fn codes(list: &[String]) -> bool {
    list.len() <= 2 * MAX_CODES
}

impl Snapshot for VisitDraft {
    fn within_bounds(&self) -> bool {
        self.attendees.len() <= 2 * MAX_ATTENDEES
            && self.attendees.iter().all(|a| codes(&a.skills_guided) && codes(&a.actions))
            && codes(&self.topics)
    }
}

impl Snapshot for HouseholdDraft {
    fn within_bounds(&self) -> bool {
        !self.members.is_empty() && self.members.len() <= 2 * (MAX_MEMBERS + 1)
    }
}

impl Snapshot for SelfReportDraft {
    fn within_bounds(&self) -> bool {
        self.people.len() <= 2 * MAX_ATTENDEES && self.people.iter().all(|p| codes(&p.skills))
    }
}

impl Snapshot for VerificationDraft {
    fn within_bounds(&self) -> bool {
        codes(&self.skills)
    }
}

impl Snapshot for CorrectionDraft {
    fn within_bounds(&self) -> bool {
        true
    }
}
