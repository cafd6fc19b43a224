//! Rejections: why one op was refused, in words a volunteer understands.

use tungnha_core::problem::{Problem, ProblemCode};
use tungnha_core::sync::protocol::Op;
use tungnha_core::sync::{RejectCode, Rejection};

/// Why an op was refused, before it is tied to the op's id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Refusal {
    pub code: RejectCode,
    pub vi: String,
    pub en: String,
    pub problems: Vec<Problem>,
}

impl Refusal {
    pub fn into_rejection(self, op: &Op) -> Rejection {
        Rejection { op_id: op.op_id, code: self.code, message_vi: self.vi, message_en: self.en, problems: self.problems }
    }

    fn new(code: RejectCode, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self { code, vi: vi.into(), en: en.into(), problems: Vec::new() }
    }

    pub fn out_of_scope(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(RejectCode::OutOfScope, vi, en)
    }

    pub fn role() -> Self {
        Self::out_of_scope("Vai trò của bạn không được phép thực hiện thay đổi này", "Your role is not allowed to make this change")
    }

    pub fn outside_team_area() -> Self {
        Self::out_of_scope(
            "Hộ gia đình này không thuộc địa bàn được giao cho tổ của bạn",
            "This household is not in the area assigned to your team",
        )
    }

    pub fn outside_unit() -> Self {
        Self::out_of_scope(
            "Dữ liệu này thuộc địa bàn khác, ngoài phạm vi quản lý của bạn",
            "This record belongs to another area, outside the area you manage",
        )
    }

    /// A member removed from the team: the phone's scope is gone until it is given one.
    pub fn not_in_team() -> Self {
        Self::out_of_scope(
            "Bạn không còn là thành viên của tổ này; hãy liên hệ tổ trưởng hoặc cán bộ xã",
            "You are no longer a member of this team; contact your team leader or the commune",
        )
    }

    /// A different record under an id the server already has.
    pub fn id_taken() -> Self {
        Self::new(
            RejectCode::OpIdReused,
            "Mã bản ghi này đã được dùng cho một bản ghi khác",
            "This record id is already used by a different record",
        )
    }

    /// A field that is fixed once the record is made.
    pub fn not_editable(field: &str) -> Self {
        Self::one(
            field,
            ProblemCode::NotEditable,
            &format!("Không thể sửa trường \"{field}\" sau khi đã tạo"),
            &format!("Field \"{field}\" cannot be changed once the record is made"),
        )
    }

    /// The record names another person as its author than the one this device acts as.
    pub fn wrong_author(field: &str) -> Self {
        Self {
            code: RejectCode::OutOfScope,
            vi: "Bản ghi phải do chính người dùng máy này thực hiện".into(),
            en: "The record must be made by the person this device acts for".into(),
            problems: vec![Problem::error(
                field,
                ProblemCode::WrongAuthor,
                "Người thực hiện không phải người dùng máy này",
                "The author is not the person this device acts for",
            )],
        }
    }

    pub fn unknown_record() -> Self {
        Self::new(
            RejectCode::UnknownRecord,
            "Máy chủ không có bản ghi cần sửa (có thể chưa được đồng bộ)",
            "The server does not have the record to change (it may not have been synced)",
        )
    }

    pub fn id_reused() -> Self {
        Self::new(
            RejectCode::OpIdReused,
            "Mã thao tác này đã được dùng cho một thay đổi khác",
            "This operation id was already used for a different change",
        )
    }

    pub fn seq_reused() -> Self {
        Self::new(
            RejectCode::OpIdReused,
            "Số thứ tự thao tác này đã được dùng cho một thay đổi khác",
            "This operation's sequence number was already used for a different change",
        )
    }

    /// The payload does not have the shape of the record.
    pub fn malformed(detail: impl std::fmt::Display) -> Self {
        Self::new(
            RejectCode::Invalid,
            format!("Dữ liệu gửi lên không đúng định dạng: {detail}"),
            format!("The data sent is not in the expected format: {detail}"),
        )
    }

    /// Validation problems (errors only) of `core::validate`.
    pub fn invalid(problems: Vec<Problem>) -> Self {
        let (vi, en) = match problems.first() {
            Some(p) => (format!("Dữ liệu không hợp lệ: {}", p.message_vi), format!("Invalid data: {}", p.message_en)),
            None => ("Dữ liệu không hợp lệ".to_owned(), "Invalid data".to_owned()),
        };
        Self { code: RejectCode::Invalid, vi, en, problems }
    }

    pub fn one(field: &str, code: ProblemCode, vi: &str, en: &str) -> Self {
        Self::invalid(vec![Problem::error(field, code, vi, en)])
    }
}
