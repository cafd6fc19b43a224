//! Vietnamese mobile numbers.
//!
//! Accepts what people write: spaces, dots, dashes, brackets, and the prefixes `+84`,
//! `0084`, `84` or `0`. Normalises to the 10-digit national form `0xxxxxxxxx`.
//! Rejects wrong lengths (including the old 11-digit numbers renumbered in 2018) and
//! prefixes no mobile network uses.

use crate::problem::{Problem, ProblemCode};

/// Two-digit mobile prefixes after the leading 0 (Viettel 32–39, 86, 96–98; VinaPhone
/// 81–85, 88, 91, 94; MobiFone 70, 76–79, 89, 90, 93; Vietnamobile 52, 56, 58, 92;
/// Gmobile 59, 99; Reddi 55; iTel 87).
const MOBILE_PREFIXES: [&str; 32] = [
    "32", "33", "34", "35", "36", "37", "38", "39", "52", "55", "56", "58", "59", "70", "76", "77", "78", "79", "81", "82", "83", "84",
    "85", "86", "87", "88", "89", "90", "91", "92", "93", "94",
];
const MOBILE_PREFIXES_9X: [&str; 4] = ["96", "97", "98", "99"];

/// Normalise a mobile number, or say what is wrong with it.
pub fn normalize(field: &str, raw: &str) -> Result<String, Problem> {
    let trimmed = raw.trim();
    let mut digits = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        match c {
            '0'..='9' => digits.push(c),
            // Before any digit, wherever the brackets put it: `(+84) 912-345-678`.
            '+' if digits.is_empty() => digits.push('+'),
            // Separators people write, including typographic dashes and no-break spaces.
            ' ' | '\t' | '.' | '-' | '/' | '(' | ')' | '\u{a0}' | '\u{2010}'..='\u{2015}' | '\u{202f}' => {}
            _ => {
                return Err(Problem::error(
                    field,
                    ProblemCode::PhoneBadCharacters,
                    format!("Số điện thoại chỉ được có chữ số (có ký tự lạ \"{c}\")"),
                    format!("A phone number may only contain digits (found \"{c}\")"),
                ))
            }
        }
    }
    let national = if let Some(rest) = digits.strip_prefix("+84") {
        rest
    } else if let Some(rest) = digits.strip_prefix("0084") {
        rest
    } else if digits.len() == 11 && digits.starts_with("84") {
        &digits[2..]
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest
    } else {
        digits.as_str()
    };
    let national = national.strip_prefix('0').unwrap_or(national);
    if national.len() != 9 || national.contains('+') {
        let total = national.len() + 1;
        return Err(Problem::error(
            field,
            ProblemCode::PhoneBadLength,
            format!("Số di động phải có 10 chữ số, bắt đầu bằng 0 (số này có {total}); số 11 chữ số cũ đã được chuyển sang 10 chữ số từ năm 2018"),
            format!("A mobile number has 10 digits starting with 0 (this one has {total}); old 11-digit numbers were changed to 10 digits in 2018"),
        ));
    }
    let prefix = &national[..2];
    if !MOBILE_PREFIXES.contains(&prefix) && !MOBILE_PREFIXES_9X.contains(&prefix) {
        return Err(Problem::error(
            field,
            ProblemCode::PhoneUnknownPrefix,
            format!("Đầu số 0{prefix} không phải đầu số di động Việt Nam"),
            format!("0{prefix} is not a Vietnamese mobile prefix"),
        ));
    }
    Ok(format!("0{national}"))
}

/// Display form for people: `0912 345 678`.
pub fn display(normalized: &str) -> String {
    if normalized.len() == 10 && normalized.is_ascii() {
        format!("{} {} {}", &normalized[..4], &normalized[4..7], &normalized[7..])
    } else {
        normalized.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(s: &str) -> String {
        normalize("phone", s).unwrap_or_else(|p| panic!("{s}: {p}"))
    }
    fn code(s: &str) -> ProblemCode {
        normalize("phone", s).expect_err(s).code
    }

    #[test]
    fn accepts_common_ways_of_writing() {
        for s in [
            "0912345678",
            "0912 345 678",
            "0912.345.678",
            "+84 912 345 678",
            "84912345678",
            "+84912345678",
            "0084912345678",
            "(091) 234-5678",
            "+840912345678",
            "(+84) 912-345-678",
            "(+84)912345678",
            "+84 (0) 912 345 678",
            "0912/345/678",
            "0912\u{a0}345\u{a0}678",
            "0912–345–678",
            " 0912\t345 678 ",
        ] {
            assert_eq!(ok(s), "0912345678", "{s}");
        }
        assert_eq!(ok("0386 123 456"), "0386123456");
        assert_eq!(display("0912345678"), "0912 345 678");
    }

    #[test]
    fn rejects_bad_numbers_with_the_right_code() {
        assert_eq!(code("091234567"), ProblemCode::PhoneBadLength);
        assert_eq!(code("01689123456"), ProblemCode::PhoneBadLength);
        assert_eq!(code("0212345678"), ProblemCode::PhoneUnknownPrefix, "02x is a landline area code");
        assert_eq!(code("0112345678"), ProblemCode::PhoneUnknownPrefix);
        assert_eq!(code("0912a45678"), ProblemCode::PhoneBadCharacters);
        assert_eq!(code("09+12345678"), ProblemCode::PhoneBadCharacters);
        assert_eq!(code(""), ProblemCode::PhoneBadLength);
        let p = normalize("head.phone", "0212345678").expect_err("landline");
        assert_eq!(p.field, "head.phone");
        assert!(p.message_vi.contains("đầu số") || p.message_vi.contains("Đầu số"));
    }

    proptest! {
        #[test]
        fn never_panics_and_output_is_canonical(s in "\\PC{0,24}") {
            if let Ok(n) = normalize("phone", &s) {
                prop_assert_eq!(n.len(), 10);
                prop_assert!(n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(normalize("phone", &n).ok(), Some(n.clone()));
            }
        }

        #[test]
        fn every_valid_number_normalises_from_every_written_form(p in 0usize..36, rest in 0u32..10_000_000) {
            let prefix = MOBILE_PREFIXES.iter().chain(MOBILE_PREFIXES_9X.iter()).nth(p).copied().unwrap_or("91");
            let canonical = format!("0{prefix}{rest:07}");
            let spaced = format!("+84 {} {} {}", &canonical[1..4], &canonical[4..7], &canonical[7..]);
            let dotted = format!("{}.{}.{}", &canonical[..4], &canonical[4..7], &canonical[7..]);
            prop_assert_eq!(ok(&spaced), canonical.clone());
            prop_assert_eq!(ok(&dotted), canonical.clone());
            prop_assert_eq!(ok(&format!("84{}", &canonical[1..])), canonical);
        }
    }
}
