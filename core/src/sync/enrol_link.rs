//! What an enrolment QR code holds, and what the enrol screen accepts: a leader's phone
//! encodes an issued code with its server's address ([`encode`]); the new phone's camera
//! reads it, or a person types the bare code, and [`parse`] gives the server (when the
//! payload names one) and the code. Anything else is refused with a typed problem on the
//! `code` field, never a panic: a camera reads whatever QR code it is pointed at.
//!
//! The payload is a URI, `tungnha://enrol?v=1&code=K7QX3MZP&server=https%3A%2F%2Fdongbo.example.vn`:
//! ASCII, short enough for a small QR code, and self-describing.

use crate::problem::{Problem, ProblemCode};
use crate::validate::enrolment::{enrolment_code, server_url};

/// The payload's scheme and path.
pub const PREFIX: &str = "tungnha://enrol?";
/// The payload's version.
pub const VERSION: u32 = 1;
/// The longest input looked at (a payload is about 100 characters).
pub const MAX_INPUT: usize = 512;
/// The form field problems are reported on.
pub const FIELD: &str = "code";

/// What a scanned or typed enrolment holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnrolTarget {
    /// The server named by a QR payload; `None` for a bare code (use the app's server).
    pub server_url: Option<String>,
    /// The code, normalised (`K7QX3MZP`).
    pub code: String,
}

impl EnrolTarget {
    /// The server to enrol with: the payload's, else `default`.
    pub fn server_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.server_url.as_deref().unwrap_or(default)
    }
}

/// The QR payload for `code` at `server_url`. Both are checked (a leader's phone only
/// encodes what the server issued and the app's own address, but a bad one must not
/// become a QR code nobody can use).
pub fn encode(server: &str, code: &str) -> Result<String, Problem> {
    let server = server_url("server_url", server)?;
    let code = enrolment_code(FIELD, code)?;
    Ok(format!("{PREFIX}v={VERSION}&code={code}&server={}", percent_encode(&server)))
}

/// A scanned payload or a typed code → where and what to enrol with.
pub fn parse(input: &str) -> Result<EnrolTarget, Problem> {
    let bad = || garbage();
    if input.len() > MAX_INPUT {
        return Err(bad());
    }
    let text = input.trim();
    if let Some(code) = crate::validate::enrolment::normalize_code(text) {
        return Ok(EnrolTarget { server_url: None, code });
    }
    let Some(query) = strip_prefix_ignore_case(text, PREFIX) else { return Err(bad()) };
    let (mut version, mut code, mut server) = (None, None, None);
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').ok_or_else(bad)?;
        let value = percent_decode(value).ok_or_else(bad)?;
        let slot = match key {
            "v" => &mut version,
            "code" => &mut code,
            "server" => &mut server,
            // A later version may add fields; this one ignores what it does not know.
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(bad());
        }
    }
    match version.as_deref().map(str::parse::<u32>) {
        Some(Ok(v)) if v == VERSION => {}
        Some(Ok(v)) if v > VERSION => return Err(newer()),
        _ => return Err(bad()),
    }
    let code = enrolment_code(FIELD, code.as_deref().ok_or_else(bad)?)?;
    let server_url = server.map(|s| server_url(FIELD, &s)).transpose()?;
    Ok(EnrolTarget { server_url, code })
}

fn garbage() -> Problem {
    Problem::error(
        FIELD,
        ProblemCode::BadEnrolmentCode,
        "Đây không phải mã đăng ký Từng Nhà; hãy quét mã QR do tổ trưởng hoặc cán bộ xã đưa, hoặc nhập mã 8 ký tự",
        "This is not a Từng Nhà enrolment code; scan the QR code your team leader or commune official gave you, or type the 8-character code",
    )
}

fn newer() -> Problem {
    Problem::error(
        FIELD,
        ProblemCode::BadEnrolmentCode,
        "Mã QR này do phiên bản mới hơn tạo ra; hãy cập nhật ứng dụng hoặc nhập mã 8 ký tự",
        "This QR code was made by a newer version; update the app or type the 8-character code",
    )
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// Percent-encode everything but unreserved characters (RFC 3986).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decode `%XX` escapes; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_round_trips_and_a_bare_code_is_accepted() {
        let p = encode("https://dongbo.example.vn/", "k7qx-3mzp").expect("payload");
        assert_eq!(p, "tungnha://enrol?v=1&code=K7QX3MZP&server=https%3A%2F%2Fdongbo.example.vn");
        assert!(p.len() < 100 && p.is_ascii());
        let t = parse(&p).expect("parse");
        assert_eq!(t, EnrolTarget { server_url: Some("https://dongbo.example.vn".into()), code: "K7QX3MZP".into() });
        assert_eq!(t.server_or("https://other.vn"), "https://dongbo.example.vn");
        let bare = parse("  k7qx 3mzp\n").expect("typed");
        assert_eq!(bare, EnrolTarget { server_url: None, code: "K7QX3MZP".into() });
        assert_eq!(bare.server_or("https://app.vn"), "https://app.vn");
        // Fields in any order, unknown ones ignored, scheme in any case.
        let t = parse("TUNGNHA://ENROL?server=http%3A%2F%2F127.0.0.1%3A8080&extra=1&code=K7QX3MZP&v=1").expect("reordered");
        assert_eq!(t.server_url.as_deref(), Some("http://127.0.0.1:8080"));
    }

    #[test]
    fn garbage_is_a_typed_problem_on_the_code_field() {
        for bad in [
            "",
            "xin chào",
            "https://evil.example/enrol?code=K7QX3MZP",
            "tungnha://enrol?",
            "tungnha://enrol?v=1",
            "tungnha://enrol?v=1&code=K7QX3MZO",
            "tungnha://enrol?v=1&code=K7QX3MZP&code=K7QX3MZP",
            "tungnha://enrol?v=x&code=K7QX3MZP",
            "tungnha://enrol?code=K7QX3MZP",
            "tungnha://enrol?v=1&code=K7QX3MZP&server=javascript%3Aalert(1)",
            "tungnha://enrol?v=1&code=K7QX3MZP&server=%ZZ",
            "tungnha://enrol?v=1&code=K7QX3MZP&server=%FF%FE",
            "tungnha://enrol?v=1&code=K7QX3MZP&server=https%3A%2F%2Fa%20b.vn",
            "tungnha://enrol?v=1&code=K7QX3MZP&server=%",
            "tungnha://enrol?v=1&code",
            "tungnha://enrol?v=1&code=K7QX3MZP&server=https%3A%2F%2Fx.vn%3F",
        ] {
            let p = parse(bad).expect_err(bad);
            assert_eq!(p.field, FIELD, "{bad}");
            assert!(matches!(p.code, ProblemCode::BadEnrolmentCode | ProblemCode::BadServerAddress), "{bad}: {p}");
            assert!(!p.message_vi.is_empty() && !p.message_en.is_empty());
        }
        let newer = parse("tungnha://enrol?v=2&code=K7QX3MZP").expect_err("v2");
        assert!(newer.message_en.contains("newer"), "{newer}");
        assert!(parse(&format!("tungnha://enrol?v=1&code=K7QX3MZP&x={}", "a".repeat(600))).is_err(), "bounded");
        assert!(encode("not a url", "K7QX3MZP").is_err());
        assert!(encode("https://x.vn", "nope").is_err());
    }
}
