//! The wire encoding of sync messages: serde JSON compressed with zstd.
//!
//! Kept behind two functions so the layout can get more compact without touching the
//! client or the server.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Content type of encoded bodies.
pub const CONTENT_TYPE: &str = "application/vnd.tungnha.v1+zstd";

/// zstd level: high enough to pay off on 2G, cheap enough for a low-end phone.
const LEVEL: i32 = 9;

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("could not compress or decompress the body: {0}")]
    Compression(#[from] std::io::Error),
    #[error("the body is not a valid message: {0}")]
    Format(#[from] serde_json::Error),
    #[error("the body is larger than {0} bytes once decompressed")]
    TooLarge(usize),
}

/// Largest decompressed body accepted (protects the server from zip bombs).
pub const MAX_DECODED_BYTES: usize = 64 << 20;

pub fn encode<T: Serialize>(message: &T) -> Result<Vec<u8>, CodecError> {
    let json = serde_json::to_vec(message)?;
    Ok(zstd::bulk::compress(&json, LEVEL)?)
}

pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, CodecError> {
    use std::io::Read;
    let mut json = Vec::new();
    let mut decoder = zstd::stream::read::Decoder::new(body)?.take(MAX_DECODED_BYTES as u64 + 1);
    decoder.read_to_end(&mut json)?;
    if json.len() > MAX_DECODED_BYTES {
        return Err(CodecError::TooLarge(MAX_DECODED_BYTES));
    }
    Ok(serde_json::from_slice(&json)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage_is_an_error() {
        let v = serde_json::json!({"a": [1, 2, 3], "b": "Nguyễn"});
        let back: serde_json::Value = decode(&encode(&v).expect("encode")).expect("decode");
        assert_eq!(back, v);
        assert!(decode::<serde_json::Value>(b"not zstd").is_err());
        let not_json = zstd::bulk::compress(b"{nope", 3).expect("zstd");
        assert!(matches!(decode::<serde_json::Value>(&not_json), Err(CodecError::Format(_))));
    }
}
