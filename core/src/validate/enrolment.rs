//! Enrolment codes and server addresses, as a person types them or a camera reads them.
//! The server checks codes with the same rule ([`enrolment_code`]).

use crate::problem::{Problem, ProblemCode};

/// Characters of enrolment codes: digits and capitals without the look-alikes 0/O and 1/I.
pub const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Length of an enrolment code (40 bits).
pub const CODE_LEN: usize = 8;
/// The longest server address accepted.
pub const SERVER_URL_MAX: usize = 200;

/// A code as typed by a person: spaces and dashes dropped, letters upper-cased. `None` if
/// it cannot be a code. Input longer than a code with generous separators is not looked at.
pub fn normalize_code(input: &str) -> Option<String> {
    if input.len() > 4 * CODE_LEN {
        return None;
    }
    let code: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

fn bad_code(field: &str) -> Problem {
    Problem::error(
        field,
        ProblemCode::BadEnrolmentCode,
        format!("Mã đăng ký gồm {CODE_LEN} chữ và số (không có 0, O, 1, I); hãy nhập lại hoặc quét lại mã QR"),
        format!("An enrolment code has {CODE_LEN} letters and digits (no 0, O, 1 or I); type it again or scan the QR code again"),
    )
}

/// An enrolment code, normalised (`k7qx-3mzp` → `K7QX3MZP`).
pub fn enrolment_code(field: &str, input: &str) -> Result<String, Problem> {
    normalize_code(input).ok_or_else(|| bad_code(field))
}

/// A server address: `http(s)://host[:port][/path]` (a name or an IPv4 address), no spaces, no credentials, no query,
/// at most [`SERVER_URL_MAX`] characters; returned without a trailing slash.
pub fn server_url(field: &str, input: &str) -> Result<String, Problem> {
    let bad = || {
        Problem::error(
            field,
            ProblemCode::BadServerAddress,
            "Địa chỉ máy chủ không hợp lệ (phải bắt đầu bằng https://); hãy hỏi tổ trưởng hoặc cán bộ xã",
            "The server address is not valid (it must start with https://); ask your team leader or the commune official",
        )
    };
    let url = input.trim();
    if url.is_empty() || url.len() > SERVER_URL_MAX || !url.is_ascii() {
        return Err(bad());
    }
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or_else(bad)?;
    let host = rest.split('/').next().unwrap_or_default();
    let host_ok = !host.is_empty()
        && !host.starts_with(':')
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b))
        && host.split(':').count() <= 2
        && host.split(':').nth(1).is_none_or(|port| port.parse::<u16>().is_ok_and(|p| p > 0));
    let path_ok = rest.bytes().all(|b| b.is_ascii_graphic() && !b"?#@\\\"'<>`{}|^".contains(&b));
    if !host_ok || !path_ok {
        return Err(bad());
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised_or_refused() {
        assert_eq!(enrolment_code("code", " k7qx-3mzp ").as_deref(), Ok("K7QX3MZP"));
        assert_eq!(normalize_code("K7QX 3MZ"), None);
        assert_eq!(normalize_code("K7QX3MZO"), None, "O is not in the alphabet");
        assert_eq!(normalize_code(&"-".repeat(10_000)), None);
        let p = enrolment_code("code", "xin chào").expect_err("not a code");
        assert_eq!((p.field.as_str(), p.code), ("code", ProblemCode::BadEnrolmentCode));
        assert!(p.message_vi.contains("Mã đăng ký") && p.message_en.contains("enrolment code"));
    }

    #[test]
    fn server_addresses() {
        assert_eq!(server_url("s", "https://dongbo.example.vn/").as_deref(), Ok("https://dongbo.example.vn"));
        assert_eq!(server_url("s", "http://127.0.0.1:8080").as_deref(), Ok("http://127.0.0.1:8080"));
        assert_eq!(server_url("s", "https://example.vn/tungnha").as_deref(), Ok("https://example.vn/tungnha"));
        for bad in [
            "",
            "dongbo.example.vn",
            "ftp://example.vn",
            "https://",
            "https://a b.vn",
            "https://user@evil.vn",
            "https://example.vn/?x=1",
            "https://máy.vn",
            "javascript:alert(1)",
            "https://example.vn:99999999",
            "https://:80",
        ] {
            let p = server_url("s", bad).expect_err(bad);
            assert_eq!(p.code, ProblemCode::BadServerAddress, "{bad}");
        }
        assert!(server_url("s", &format!("https://{}.vn", "a".repeat(300))).is_err());
    }
}
