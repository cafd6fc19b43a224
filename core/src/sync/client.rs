//! The device's sync client. It talks to the server through a [`Transport`] (the
//! production one is HTTP, in `http`; tests inject faults with their own), reports
//! progress to a [`SyncListener`], can be cancelled between round trips, retries with
//! backoff, and resumes after any interruption without resending acknowledged work:
//! everything it needs (outbox, cursor) lives in the store.

use super::codec::{self, CodecError, CONTENT_TYPE};
use super::protocol::*;
use crate::error::{CoreError, ErrorCode};
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

/// Why a sync or an enrolment failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Sync needs an enrolled device.
    NotEnrolled,
    /// The server answered with a refusal. `code` is the server's; when its answer carried
    /// none this app knows (no body, a proxy's page, a code from a newer server), the one
    /// the server documents for the status. The messages are the server's, or the code's.
    Server {
        status: u16,
        code: ApiErrorCode,
        message_vi: String,
        message_en: String,
    },
    /// Nothing is known about whether the server got the request.
    Network(String),
    Cancelled,
    Store(#[from] CoreError),
    /// The server's answer (or, in a bug, the request) could not be encoded or decoded.
    Codec(#[from] CodecError),
}

impl SyncError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SyncError::NotEnrolled => ErrorCode::NotEnrolled,
            SyncError::Server { code, .. } => code.error_code(),
            SyncError::Network(_) => ErrorCode::Network,
            SyncError::Cancelled => ErrorCode::Cancelled,
            SyncError::Store(e) => e.code(),
            // The server speaks a newer encoding than this app knows.
            SyncError::Codec(CodecError::UnknownVersion(_)) => ErrorCode::UpdateRequired,
            SyncError::Codec(_) => ErrorCode::UnreadableAnswer,
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            SyncError::Server { message_vi, .. } => message_vi.clone(),
            SyncError::Store(e) => e.message_vi(),
            _ => self.code().message_vi().to_owned(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            SyncError::Server { message_en, .. } => message_en.clone(),
            SyncError::Store(e) => e.message_en(),
            _ => self.code().message_en().to_owned(),
        }
    }

    /// What only a developer needs, for logs and bug reports; empty when there is nothing.
    pub fn detail(&self) -> String {
        match self {
            SyncError::Server { status, code, .. } => format!("HTTP {status}, {}", code.error_code()),
            SyncError::Network(detail) => detail.clone(),
            SyncError::Store(e) => e.detail(),
            SyncError::Codec(e) => e.to_string(),
            SyncError::NotEnrolled | SyncError::Cancelled => String::new(),
        }
    }

    /// Whether the same round trip may succeed if tried again at once (after a pause).
    fn retryable(&self) -> bool {
        matches!(self, SyncError::Network(_) | SyncError::Server { code: ApiErrorCode::Unavailable | ApiErrorCode::Internal, .. })
    }
}

impl std::fmt::Display for SyncError {
    /// Both messages, then the detail.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::error::shown(f, &self.message_vi(), &self.message_en(), &self.detail())
    }
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

/// The refusal in a non-2xx answer. Nothing in the body is trusted to be there: a code
/// this app does not know, or none, gives the code of the status; a missing message, the
/// code's message.
fn api_error(reply: &Reply) -> SyncError {
    let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    let code = body.get("code").and_then(|c| ApiErrorCode::deserialize(c).ok()).unwrap_or_else(|| ApiErrorCode::from_status(reply.status));
    let text = |field: &str, default: &str| {
        body.get(field).and_then(|m| m.as_str()).map(str::trim).filter(|m| !m.is_empty()).unwrap_or(default).to_owned()
    };
    SyncError::Server {
        status: reply.status,
        code,
        message_vi: text("message_vi", code.message_vi()),
        message_en: text("message_en", code.message_en()),
    }
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
        if !err.retryable() || attempt >= options.retries {
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
    enrol_at(store, transport, None, code, device_name)
}

/// [`enrol`], remembering which server the device enrolled with (`server_url`, the one
/// `transport` talks to) so the app syncs with it afterwards.
pub fn enrol_at(
    store: &Store,
    transport: &dyn Transport,
    server_url: Option<&str>,
    code: &str,
    device_name: &str,
) -> Result<Enrolment, SyncError> {
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
        server_url: server_url.map(str::to_owned),
    };
    store.save_enrolment(&e, offset(resp.server_time_ms, sent, received))?;
    Ok(e)
}

/// Ask the server for an enrolment code (a team leader for a member of their team or for
/// a household of their area; an official within their unit). The server decides who may
/// issue what: a refusal comes back as [`SyncError::Server`] with its code (`forbidden`
/// outside the issuer's team or area, `bad_request` for a person not in the team).
pub fn issue_code(store: &Store, transport: &dyn Transport, req: &CodeRequest) -> Result<IssuedCode, SyncError> {
    let enrolment = store.enrolment()?.ok_or(SyncError::NotEnrolled)?;
    let body = serde_json::to_vec(req).map_err(CodecError::from)?;
    let post = Post { path: "/v1/enrolment-codes", content_type: "application/json", token: Some(&enrolment.token), body: &body };
    let (reply, _, _) = post_with_retries(store, transport, &post, &SyncOptions::default(), &CancelToken::new(), || {})?;
    let issued: IssuedCode = serde_json::from_slice(&reply).map_err(CodecError::from)?;
    // A code this app could not put in a QR code or type is no code: a broken answer.
    if crate::validate::enrolment::normalize_code(&issued.code).as_deref() != Some(issued.code.as_str()) {
        return Err(SyncError::Codec(CodecError::Corrupt("the issued code is not an enrolment code")));
    }
    Ok(issued)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorAction;

    fn refusal(status: u16, body: &str) -> SyncError {
        api_error(&Reply { status, body: body.as_bytes().to_vec() })
    }

    #[test]
    fn a_refusal_keeps_the_servers_code_and_messages() {
        let body = r#"{"code":"update_required","message_vi":"Hãy cập nhật","message_en":"Update"}"#;
        let e = refusal(426, body);
        assert!(matches!(e, SyncError::Server { status: 426, code: ApiErrorCode::UpdateRequired, .. }), "{e:?}");
        assert_eq!((e.code(), e.message_vi(), e.message_en()), (ErrorCode::UpdateRequired, "Hãy cập nhật".into(), "Update".into()));
        // The code decides, not the status: a 400 that says "unauthorized" is unauthorized.
        let e = refusal(400, r#"{"code":"unauthorized","message_vi":"x","message_en":"y"}"#);
        assert_eq!(e.code(), ErrorCode::Unauthorized);
        assert_eq!(e.code().action(), ErrorAction::Enrol);
    }

    #[test]
    fn an_unknown_or_absent_code_falls_back_on_the_status_and_never_panics() {
        let cases = [
            (503, r#"{"code":"melting","message_vi":"Máy chủ đang bảo trì","message_en":"Maintenance"}"#, ApiErrorCode::Unavailable),
            (502, "<html>Bad Gateway</html>", ApiErrorCode::Unavailable),
            (408, "", ApiErrorCode::Unavailable),
            (500, "null", ApiErrorCode::Internal),
            (426, "[]", ApiErrorCode::UpdateRequired),
            (401, r#"{"code":42}"#, ApiErrorCode::Unauthorized),
            (403, r#"{"message_vi":"Không được phép"}"#, ApiErrorCode::Forbidden),
            (429, "{}", ApiErrorCode::TooManyAttempts),
            (413, "{", ApiErrorCode::BadRequest),
            (404, "\u{0}\u{ff}", ApiErrorCode::BadRequest),
            (302, "", ApiErrorCode::BadRequest),
        ];
        for (status, body, code) in cases {
            let e = refusal(status, body);
            assert!(matches!(e, SyncError::Server { code: c, .. } if c == code), "{status} {body}: {e:?}");
            assert!(!e.message_vi().is_empty() && !e.message_en().is_empty(), "{status} {body}");
        }
        // A message the server did send is kept even when its code is new to this app.
        assert_eq!(refusal(503, cases[0].1).message_vi(), "Máy chủ đang bảo trì");
        // None sent: the code's own message.
        assert_eq!(refusal(502, cases[1].1).message_vi(), ErrorCode::Unavailable.message_vi());
        assert_eq!(refusal(403, cases[6].1).message_en(), ErrorCode::Forbidden.message_en());
    }

    #[test]
    fn only_a_lost_connection_or_a_busy_or_failing_server_is_retried() {
        assert!(SyncError::Network("reset".into()).retryable());
        assert!(refusal(503, "").retryable());
        assert!(refusal(500, "").retryable());
        assert!(!refusal(429, "").retryable(), "an enrolment lockout lasts minutes: retrying at once only adds attempts");
        assert!(!refusal(426, "").retryable());
        assert!(!refusal(401, "").retryable());
        assert!(!SyncError::Cancelled.retryable());
    }

    #[test]
    fn every_variant_has_a_code_and_both_messages() {
        let all = [
            (SyncError::NotEnrolled, ErrorCode::NotEnrolled),
            (refusal(426, ""), ErrorCode::UpdateRequired),
            (SyncError::Network("connection refused".into()), ErrorCode::Network),
            (SyncError::Cancelled, ErrorCode::Cancelled),
            (SyncError::Store(CoreError::SchemaTooNew { found: 9, supported: 5 }), ErrorCode::SchemaTooNew),
            (SyncError::Codec(CodecError::UnknownVersion(9)), ErrorCode::UpdateRequired),
            (SyncError::Codec(CodecError::Corrupt("truncated")), ErrorCode::UnreadableAnswer),
        ];
        for (e, code) in all {
            assert_eq!(e.code(), code, "{e:?}");
            assert!(!e.message_vi().trim().is_empty() && !e.message_en().trim().is_empty(), "{e:?}");
            let shown = e.to_string();
            assert!(shown.contains(&e.message_vi()) && shown.contains(&e.message_en()), "{shown}");
        }
        assert!(SyncError::Network("connection refused".into()).to_string().contains("connection refused"), "the detail is logged");
    }
}
