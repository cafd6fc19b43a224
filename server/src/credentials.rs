//! Credentials: enrolment codes (short, single use, expiring) and device tokens (256
//! random bits). The server keeps only their SHA-256. Depends on nothing else of the
//! server, so storage and HTTP can both use it.

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};

/// The code alphabet, length and the rule for typed codes are the core's, so the app
/// checks a code (or a scanned QR code) exactly as the server does.
pub use tungnha_core::validate::enrolment::{normalize_code, CODE_ALPHABET, CODE_LEN};
/// How long a code stays valid unless the issuer says otherwise.
pub const DEFAULT_CODE_TTL_HOURS: i64 = 7 * 24;
/// The longest validity an issuer may ask for.
pub const MAX_CODE_TTL_HOURS: i64 = 30 * 24;

fn os_rng() -> StdRng {
    // Seeded from the operating system: unpredictable, as credentials must be.
    StdRng::from_os_rng()
}

/// A fresh enrolment code, e.g. `K7QX3MZP`.
pub fn new_code() -> String {
    let mut bytes = [0u8; CODE_LEN];
    os_rng().fill_bytes(&mut bytes);
    // 32 symbols divide 256 evenly: every symbol is equally likely.
    bytes.iter().map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()])).collect()
}

/// A fresh device token: 32 random bytes, hex.
pub fn new_token() -> String {
    random_hex(32)
}

pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    os_rng().fill_bytes(&mut buf);
    hex(&buf)
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// What the server stores instead of the token.
pub fn token_sha256(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// What the server stores instead of an enrolment code (a copy of the database does not
/// hand out usable codes).
pub fn code_sha256(code: &str) -> String {
    hex(&Sha256::digest(format!("tungnha-enrolment-code:{code}").as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unambiguous_and_normalise() {
        for _ in 0..200 {
            let c = new_code();
            assert_eq!(c.len(), CODE_LEN);
            assert!(!c.contains(['0', 'O', '1', 'I']), "{c}");
            assert_eq!(normalize_code(&c.to_lowercase()).as_deref(), Some(c.as_str()));
        }
        assert_eq!(normalize_code("k7qx-3mzp").as_deref(), Some("K7QX3MZP"));
        assert_eq!(normalize_code("K7QX 3MZ"), None);
        assert_eq!(normalize_code("K7QX3MZO"), None);
        let t = new_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, new_token());
        assert_eq!(token_sha256(&t).len(), 64);
    }
}
