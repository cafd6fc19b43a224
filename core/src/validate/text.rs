//! Names and free text: Unicode NFC (so `ệ` typed on any keyboard is one character and
//! compares equal), trimmed, inner whitespace collapsed, no control characters.

use crate::problem::{Problem, ProblemCode};
use unicode_normalization::UnicodeNormalization;

pub const NAME_MAX_CHARS: usize = 100;
pub const ADDRESS_MAX_CHARS: usize = 200;
pub const NOTES_MAX_CHARS: usize = 2_000;

fn clean(field: &str, raw: &str, keep_newlines: bool) -> Result<String, Problem> {
    let nfc: String = raw.nfc().collect();
    if let Some(c) = nfc.chars().find(|c| c.is_control() && !(keep_newlines && (*c == '\n' || *c == '\t' || *c == '\r'))) {
        return Err(Problem::error(
            field,
            ProblemCode::ControlCharacter,
            format!("Có ký tự điều khiển không hợp lệ (U+{:04X})", c as u32),
            format!("Contains an invalid control character (U+{:04X})", c as u32),
        ));
    }
    if keep_newlines {
        let lines: Vec<String> = nfc.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
        Ok(lines.join("\n").trim().to_owned())
    } else {
        Ok(nfc.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

fn check_len(field: &str, s: &str, max: usize) -> Result<(), Problem> {
    let n = s.chars().count();
    if n > max {
        return Err(Problem::error(
            field,
            ProblemCode::TooLong,
            format!("Quá dài ({n} ký tự, tối đa {max})"),
            format!("Too long ({n} characters, at most {max})"),
        ));
    }
    Ok(())
}

pub fn required(field: &str) -> Problem {
    Problem::error(field, ProblemCode::Required, "Không được để trống", "Required")
}

/// A person's name: required, with at least one letter.
pub fn name(field: &str, raw: &str) -> Result<String, Problem> {
    let s = clean(field, raw, false)?;
    if s.is_empty() {
        return Err(required(field));
    }
    check_len(field, &s, NAME_MAX_CHARS)?;
    if !s.chars().any(char::is_alphabetic) {
        return Err(Problem::error(field, ProblemCode::NoLetters, "Tên phải có chữ cái", "A name must contain letters"));
    }
    Ok(s)
}

/// A required single-line text (address, place, purpose).
pub fn line(field: &str, raw: &str, max: usize) -> Result<String, Problem> {
    let s = clean(field, raw, false)?;
    if s.is_empty() {
        return Err(required(field));
    }
    check_len(field, &s, max)?;
    Ok(s)
}

/// Optional multi-line notes.
pub fn notes(field: &str, raw: &str) -> Result<String, Problem> {
    let s = clean(field, raw, true)?;
    check_len(field, &s, NOTES_MAX_CHARS)?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_nfc_trimmed_and_collapsed() {
        let decomposed = "Nguye\u{302}\u{303}n   Va\u{306}n  A ";
        assert_eq!(name("full_name", decomposed).expect("ok"), "Nguyễn Văn A");
        assert_eq!(name("n", "  ").expect_err("empty").code, ProblemCode::Required);
        assert_eq!(name("n", "123").expect_err("digits").code, ProblemCode::NoLetters);
        assert_eq!(name("n", "Lò\u{7}Văn").expect_err("bell").code, ProblemCode::ControlCharacter);
        assert_eq!(name("n", &"a".repeat(101)).expect_err("long").code, ProblemCode::TooLong);
        assert_eq!(name("n", "Hà Thị Ơn").expect("ok"), "Hà Thị Ơn");
    }

    #[test]
    fn notes_keep_lines() {
        assert_eq!(notes("notes", " Đã cài VNeID \n  hẹn  quay lại ").expect("ok"), "Đã cài VNeID\nhẹn quay lại");
    }

    proptest! {
        #[test]
        fn cleaning_never_panics_and_is_idempotent(s in "\\PC{0,120}") {
            if let Ok(n) = name("n", &s) {
                prop_assert_eq!(name("n", &n).ok(), Some(n.clone()));
                prop_assert!(n.chars().count() <= NAME_MAX_CHARS && !n.starts_with(' ') && !n.ends_with(' '));
            }
        }
    }
}
