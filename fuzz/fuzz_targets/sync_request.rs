//! The sync endpoint's request path — authentication, body limits, decoding, the push
//! engine (clocks, scope, canonical records, merge) and the pull — on any body, from an
//! enrolled commune official's phone, through the real router on a real SQLite file.
//! No input may get a 500 or panic the handler.
//!
//! Inputs that decode as a request get the fuzz device's id and its next sequence
//! numbers, so the fuzzer explores op contents rather than being turned away at the seq.
#![no_main]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tower::ServiceExt;
use tungnha_core::ids::DeviceId;
use tungnha_core::sync::{codec, Role, SyncRequest};
use tungnha_server::credentials::{code_sha256, token_sha256};
use tungnha_server::enrolment::{issue, CodeRequest, Issuer};
use tungnha_server::storage::{sqlite::SqliteStorage, Enrolment, Storage};
use tungnha_server::{app, AppState, TestHooks};

struct Harness {
    rt: tokio::runtime::Runtime,
    router: axum::Router,
    token: String,
    device: DeviceId,
    db: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// The device the seeds in `fuzz/corpus/sync_request` were made for.
const FUZZ_DEVICE: u128 = 0x0192_4598_44e0_7725_aab5_cbbf_5828_2ddc;
const TOKEN: &str = "fuzz-token";

fn harness() -> &'static Harness {
    static H: OnceLock<Harness> = OnceLock::new();
    H.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
        let dir = tempfile::tempdir().expect("a temp dir");
        let db = dir.path().join("fuzz.db");
        let storage = rt.block_on(SqliteStorage::open(db.clone(), TestHooks::default())).expect("storage");
        let device = DeviceId(uuid::Uuid::from_u128(FUZZ_DEVICE));
        let mut req = CodeRequest::new(Role::CommuneOfficial);
        req.commune_key = Some("2025:c:00004".into());
        let code = rt.block_on(issue(&storage, Issuer::Admin, req, chrono::Utc::now())).expect("a code").code;
        let enrolment = Enrolment {
            device_id: device,
            device_name: "fuzz".into(),
            token_sha256: token_sha256(TOKEN),
            proof_sha256: None,
            at: chrono::Utc::now(),
        };
        rt.block_on(storage.redeem_code(code_sha256(&code), enrolment)).expect("enrols").expect("the code works");
        let router = app(AppState::new(std::sync::Arc::new(storage)));
        Harness { rt, router, token: TOKEN.into(), device, db, _dir: dir }
    })
}

/// The fuzz device's last applied sequence number.
fn last_seq(h: &Harness) -> i64 {
    rusqlite::Connection::open(&h.db)
        .and_then(|c| c.query_row("SELECT last_seq FROM devices WHERE device_id = ?1", [h.device.to_string()], |r| r.get(0)))
        .unwrap_or(0)
}

fuzz_target!(|data: &[u8]| {
    let h = harness();
    let body = match codec::decode_limited::<SyncRequest>(data, 32 << 20) {
        Ok(mut req) => {
            req.device_id = h.device;
            let next = last_seq(h) + 1;
            for (i, op) in req.ops.iter_mut().enumerate() {
                op.device_id = h.device;
                op.seq = next + i as i64;
            }
            codec::encode(&req).unwrap_or_else(|_| data.to_vec())
        }
        Err(_) => data.to_vec(),
    };
    let request = Request::post("/v1/sync")
        .header(header::AUTHORIZATION, format!("Bearer {}", h.token))
        .header(header::CONTENT_TYPE, codec::CONTENT_TYPE)
        .body(Body::from(body))
        .expect("a request");
    let response = h.rt.block_on(h.router.clone().oneshot(request)).expect("the router answers");
    assert_ne!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "the server failed on a client's bytes");
});
