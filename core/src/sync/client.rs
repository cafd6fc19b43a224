//! The device's sync client. It talks to the server through a [`Transport`] (the
//! production one is HTTP, in `http`; tests inject faults with their own), reports
//! progress to a [`SyncListener`], can be cancelled between round trips, retries with
//! backoff, and resumes after any interruption without resending acknowledged work:
//! everything it needs (outbox, cursor) lives in the store.

use super::codec::{self, CodecError, CONTENT_TYPE};
use super::protocol::*;
use crate::error::CoreError;
use crate::store::{schema, Enrolment, Store};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A network failure: nothing is known about whether the server got the request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub String);

/// An HTTP-like answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// How requests reach the server.
pub trait Transport: Send + Sync {
    /// POST `body` to `path` (e.g. `/v1/sync`) with an optional bearer token.
    fn post(&self, path: &str, content_type: &str, token: Option<&str>, body: Vec<u8>) -> Result<Reply, TransportError>;
}

/// Where a sync is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    Sending,
    Applying,
    Retrying,
    Done,
}

/// Progress, reported after every step, for a progress bar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncProgress {
    pub phase: Option<SyncPhase>,
    pub round_trips: u32,
    pub ops_sent: u32,
    pub ops_acked: u32,
    pub ops_rejected: u32,
    pub ops_pending: u64,
    pub changes_received: u32,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

/// Receives progress (apps implement this to drive their progress bar).
pub trait SyncListener: Send + Sync {
    fn on_progress(&self, progress: &SyncProgress);
}

/// A cancel button: cancelling stops the sync before its next round trip.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Clone)]
pub struct SyncOptions {
    /// Operations sent per request.
    pub max_ops: u32,
    /// Page budget for pulled changes.
    pub max_bytes: u32,
    /// Retries of one round trip after network or server-unavailable failures.
    pub retries: u32,
    /// First backoff; doubles each retry.
    pub backoff: Duration,
    /// How to wait between retries (tests pass a no-op).
    pub sleep: Arc<dyn Fn(Duration) + Send + Sync>,
    /// Safety stop: at most this many round trips per call.
    pub max_round_trips: u32,
}

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("max_ops", &self.max_ops)
            .field("max_bytes", &self.max_bytes)
            .field("retries", &self.retries)
            .finish()
    }
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            max_ops: 1000,
            max_bytes: DEFAULT_PAGE_BYTES,
            retries: 4,
            backoff: Duration::from_millis(500),
            sleep: Arc::new(std::thread::sleep),
            max_round_trips: 1000,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("thiết bị chưa đăng ký / this device is not enrolled")]
    NotEnrolled,
    #[error("{message_vi} / {message_en}")]
    UpdateRequired { message_vi: String, message_en: String },
    #[error("{message_vi} / {message_en}")]
    Unauthorized { message_vi: String, message_en: String },
    #[error("mất kết nối / network error: {0}")]
    Network(String),
    #[error("máy chủ từ chối ({status}) / server refused ({status}): {message_vi} / {message_en}")]
    Server { status: u16, message_vi: String, message_en: String },
    #[error("đã huỷ đồng bộ / sync cancelled")]
    Cancelled,
    #[error(transparent)]
    Store(#[from] CoreError),
    #[error("dữ liệu từ máy chủ không đọc được / unreadable server answer: {0}")]
    Codec(#[from] CodecError),
}

/// The result of one sync call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    pub progress: SyncProgress,
    /// Pulled records this app could not apply, set aside (see `Store::inbound_quarantine`).
    pub skipped: u32,
    /// Households forgotten because this device's scope shrank.
    pub purged: u32,
}

/// The device's own clock (the store's, which tests and apps may set), in ms: the clock
/// whose offset from the server's the store learns.
fn now_ms(store: &Store) -> i64 {
    store.options().clock.now().timestamp_millis()
}

fn api_error(reply: &Reply) -> SyncError {
    let parsed: Option<ApiError> = serde_json::from_slice(&reply.body).ok();
    let (vi, en) = parsed
        .as_ref()
        .map(|e| (e.message_vi.clone(), e.message_en.clone()))
        .unwrap_or_else(|| ("Máy chủ trả lời không hợp lệ".into(), String::from_utf8_lossy(&reply.body).chars().take(200).collect()));
    match parsed.map(|e| e.code) {
        Some(ApiErrorCode::UpdateRequired) => SyncError::UpdateRequired { message_vi: vi, message_en: en },
        Some(ApiErrorCode::Unauthorized) => SyncError::Unauthorized { message_vi: vi, message_en: en },
        _ if reply.status == 426 => SyncError::UpdateRequired { message_vi: vi, message_en: en },
        _ if reply.status == 401 => SyncError::Unauthorized { message_vi: vi, message_en: en },
        _ => SyncError::Server { status: reply.status, message_vi: vi, message_en: en },
    }
}

/// Whether a failed round trip may succeed if tried again.
fn retryable(e: &SyncError) -> bool {
    matches!(e, SyncError::Network(_)) || matches!(e, SyncError::Server { status, .. } if *status >= 500 || *status == 429)
}

/// One request to post.
struct Post<'a> {
    path: &'a str,
    content_type: &'a str,
    token: Option<&'a str>,
    body: &'a [u8],
}

/// Post with retries and exponential backoff. Returns the reply body and the device
/// times just before sending and after receiving (for the clock offset).
fn post_with_retries(
    store: &Store,
    transport: &dyn Transport,
    post: &Post<'_>,
    options: &SyncOptions,
    cancel: &CancelToken,
    mut on_retry: impl FnMut(),
) -> Result<(Vec<u8>, i64, i64), SyncError> {
    let mut attempt = 0;
    loop {
        if cancel.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        let sent = now_ms(store);
        let err = match transport.post(post.path, post.content_type, post.token, post.body.to_vec()) {
            Ok(reply) if (200..300).contains(&reply.status) => return Ok((reply.body, sent, now_ms(store))),
            Ok(reply) => api_error(&reply),
            Err(e) => SyncError::Network(e.0),
        };
        if !retryable(&err) || attempt >= options.retries {
            return Err(err);
        }
        on_retry();
        (options.sleep)(options.backoff * 2u32.saturating_pow(attempt));
        attempt += 1;
    }
}

/// Offset of the server clock from the device clock, assuming the answer was made
/// halfway through the round trip.
fn offset(server_ms: i64, sent: i64, received: i64) -> i64 {
    server_ms - (sent + (received - sent) / 2)
}

/// Exchange an enrolment code for a device token, and keep it in the store.
pub fn enrol(store: &Store, transport: &dyn Transport, code: &str, device_name: &str) -> Result<Enrolment, SyncError> {
    let req = EnrolRequest {
        code: code.trim().to_uppercase(),
        device_id: store.device_id(),
        device_name: device_name.to_owned(),
        schema_version: schema::SCHEMA_VERSION,
    };
    let body = serde_json::to_vec(&req).map_err(CodecError::from)?;
    // A phone enrolling again proves it is the device already enrolled under its id by
    // presenting its current token; without that the server gives it a new id.
    let current = store.enrolment()?.map(|e| e.token);
    let post = Post { path: "/v1/enrol", content_type: "application/json", token: current.as_deref(), body: &body };
    let (reply, sent, received) = post_with_retries(store, transport, &post, &SyncOptions::default(), &CancelToken::new(), || {})?;
    let resp: EnrolResponse = serde_json::from_slice(&reply).map_err(CodecError::from)?;
    if let Some(id) = resp.device_id {
        store.adopt_device_id(id)?;
    }
    let e = Enrolment {
        token: resp.token,
        role: resp.role,
        member_id: resp.member_id,
        team_id: resp.team_id,
        household_id: resp.household_id,
        commune_key: resp.commune_key,
    };
    store.save_enrolment(&e, offset(resp.server_time_ms, sent, received))?;
    Ok(e)
}

/// Send everything pending and pull everything new, in as many round trips as needed.
pub fn sync(
    store: &Store,
    transport: &dyn Transport,
    listener: Option<&dyn SyncListener>,
    cancel: &CancelToken,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let enrolment = store.enrolment()?.ok_or(SyncError::NotEnrolled)?;
    let mut report = SyncReport::default();
    let notify = |p: &SyncProgress| {
        if let Some(l) = listener {
            l.on_progress(p);
        }
    };
    loop {
        if cancel.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        let ops = store.pending_ops(options.max_ops)?;
        let request = SyncRequest {
            protocol: PROTOCOL_VERSION,
            schema_version: schema::SCHEMA_VERSION,
            device_id: store.device_id(),
            client_time_ms: now_ms(store),
            cursor: store.sync_cursor()?,
            max_bytes: options.max_bytes,
            ops,
        };
        let body = codec::encode(&request)?;
        let p = &mut report.progress;
        p.phase = Some(SyncPhase::Sending);
        p.ops_sent += request.ops.len() as u32;
        p.bytes_sent += body.len() as u64;
        notify(p);
        let mut retry_progress = p.clone();
        let post = Post { path: "/v1/sync", content_type: CONTENT_TYPE, token: Some(&enrolment.token), body: &body };
        let (reply, sent, received) = post_with_retries(store, transport, &post, options, cancel, || {
            retry_progress.phase = Some(SyncPhase::Retrying);
            notify(&retry_progress);
        })?;
        let response: SyncResponse = codec::decode(&reply)?;
        let p = &mut report.progress;
        p.round_trips += 1;
        p.bytes_received += reply.len() as u64;
        p.phase = Some(SyncPhase::Applying);
        notify(p);
        let applied = store.apply_sync_response(&response, offset(response.server_time_ms, sent, received))?;
        let p = &mut report.progress;
        p.ops_acked += applied.acked;
        p.ops_rejected += applied.rejected;
        p.changes_received += applied.changes;
        report.skipped += applied.skipped;
        report.purged += applied.purged;
        p.ops_pending = store.pending_count()?;
        notify(p);
        let progressed = applied.acked + applied.rejected + applied.changes + applied.skipped + applied.purged > 0;
        let done = p.ops_pending == 0 && !response.more;
        if done || !progressed || p.round_trips >= options.max_round_trips {
            break;
        }
    }
    report.progress.phase = Some(SyncPhase::Done);
    notify(&report.progress);
    Ok(report)
}
