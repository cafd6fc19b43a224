//! The wire codec on any bytes: an error or a message, never a panic, a hang or an
//! allocation beyond its budget (libFuzzer's `-rss_limit_mb` catches the last).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tungnha_core::sync::{codec, SyncRequest, SyncResponse};

fuzz_target!(|data: &[u8]| {
    // The server's budget for requests, and the phone's for answers.
    let _ = codec::decode_limited::<SyncRequest>(data, 32 << 20);
    let _ = codec::decode::<SyncResponse>(data);
    if let Ok(v) = codec::decode_limited::<serde_json::Value>(data, 8 << 20) {
        // What decodes encodes again and decodes to the same value.
        let again = codec::encode(&v).expect("a decoded message encodes");
        assert_eq!(codec::decode::<serde_json::Value>(&again).expect("and decodes"), v);
    }
});
