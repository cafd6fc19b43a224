//! The HTTP surface: `GET /health`, `POST /v1/enrol`, `POST /v1/enrolment-codes`,
//! `POST /v1/sync`. Every failure is a non-2xx status with a JSON `ApiError`.

use crate::auth::authenticate;
use crate::enrolment::{self, CodeRequest, Issuer};
use crate::error::ApiFailure;
use crate::storage::{role_text, PushOutcome, Storage};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use std::sync::Arc;
use std::time::Instant;
use tungnha_core::sync::codec;
use tungnha_core::sync::{ApiErrorCode, EnrolRequest, SyncRequest, SyncResponse, DEFAULT_PAGE_BYTES, MIN_CLIENT_SCHEMA, PROTOCOL_VERSION};

/// Largest encoded (compressed) sync body accepted.
pub const MAX_SYNC_BODY: usize = 16 << 20;
/// Largest JSON body accepted by the small endpoints.
pub const MAX_JSON_BODY: usize = 64 << 10;
/// Largest page a client may ask for, in bytes of state JSON.
pub const MAX_PAGE_BYTES: usize = 8 << 20;

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    pub storage: Arc<dyn Storage>,
    /// The dashboard's read model; without it the dashboard routes answer 404.
    pub projection: Option<Arc<crate::projection::Projection>>,
    /// The commune the dashboard opens on (the demo's), if any.
    pub home_commune: Option<String>,
}

impl AppState {
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        Self { storage, projection: None, home_commune: None }
    }

    pub fn with_projection(mut self, projection: Arc<crate::projection::Projection>) -> Self {
        self.projection = Some(projection);
        self
    }
}

/// The server's routes over `state`.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/v1/enrol", post(enrol).layer(DefaultBodyLimit::max(MAX_JSON_BODY)))
        .route("/v1/enrolment-codes", post(issue_code).layer(DefaultBodyLimit::max(MAX_JSON_BODY)))
        .route("/v1/sync", post(sync).layer(DefaultBodyLimit::max(MAX_SYNC_BODY)))
        .route("/", get(crate::dashboard::home))
        .route("/xa/{commune}", get(crate::dashboard::commune_page))
        .route("/api/figures", get(crate::dashboard::figures_json))
        .fallback(|| async {
            ApiFailure::new(StatusCode::NOT_FOUND, ApiErrorCode::BadRequest, "Không có địa chỉ này", "No such endpoint")
        })
        .with_state(state)
}

/// Cursors are `<server id>:<enrolment>:<change seq>`: opaque to clients. A cursor made
/// by another database, or before the device was enrolled again (its scope may have
/// changed), starts over instead of skipping records.
pub mod cursor {
    use tungnha_core::sync::Cursor;

    pub fn make(server_id: &str, enrolled_at_ms: i64, seq: i64) -> Cursor {
        Cursor(format!("{server_id}:{enrolled_at_ms}:{seq}"))
    }

    /// The change sequence to continue after (0 for an empty or foreign cursor).
    pub fn parse(cursor: &Cursor, server_id: &str, enrolled_at_ms: i64) -> i64 {
        let mut parts = cursor.0.splitn(3, ':');
        let (Some(id), Some(epoch), Some(seq)) = (parts.next(), parts.next(), parts.next()) else { return 0 };
        if id != server_id || epoch.parse::<i64>().ok() != Some(enrolled_at_ms) {
            return 0;
        }
        seq.parse::<i64>().ok().filter(|seq| *seq >= 0).unwrap_or(0)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn foreign_or_stale_cursors_start_over() {
            let c = make("abc", 7, 42);
            assert_eq!(parse(&c, "abc", 7), 42);
            assert_eq!(parse(&c, "other", 7), 0);
            assert_eq!(parse(&c, "abc", 8), 0, "enrolled again");
            assert_eq!(parse(&Cursor::default(), "abc", 7), 0);
            assert_eq!(parse(&Cursor("abc:7:-5".into()), "abc", 7), 0);
            assert_eq!(parse(&Cursor("abc:7:x".into()), "abc", 7), 0);
        }
    }
}

fn body_failure(r: BytesRejection, limit: usize) -> ApiFailure {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiFailure::too_large(limit)
    } else {
        ApiFailure::undecodable(r.body_text())
    }
}

/// CPU-heavy work (zstd, big JSON) off the async workers.
async fn blocking<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Result<R, ApiFailure> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!(error = %e, "blocking task failed");
        ApiFailure::internal()
    })
}

async fn health(State(app): State<AppState>) -> Response {
    let ok = app.storage.ping().await.is_ok();
    let body = serde_json::json!({
        "status": if ok { "ok" } else { "unavailable" },
        "db": app.storage.kind(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body)).into_response()
}

async fn enrol(State(app): State<AppState>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiFailure> {
    let body = body.map_err(|r| body_failure(r, MAX_JSON_BODY))?;
    let req: EnrolRequest = serde_json::from_slice(&body).map_err(ApiFailure::undecodable)?;
    let response = enrolment::enrol(app.storage.as_ref(), req, Utc::now()).await?;
    Ok(Json(response).into_response())
}

async fn issue_code(State(app): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiFailure> {
    let device = authenticate(app.storage.as_ref(), &headers).await?;
    let body = body.map_err(|r| body_failure(r, MAX_JSON_BODY))?;
    let req: CodeRequest = serde_json::from_slice(&body).map_err(ApiFailure::undecodable)?;
    let issued = enrolment::issue(app.storage.as_ref(), Issuer::Device(&device), req, Utc::now()).await?;
    Ok(Json(issued).into_response())
}

/// The page budget a client asked for, within the server's bounds.
fn page_budget(asked: u32) -> usize {
    match asked {
        0 => DEFAULT_PAGE_BYTES as usize,
        n => (n as usize).min(MAX_PAGE_BYTES),
    }
}

async fn sync(State(app): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiFailure> {
    let started = Instant::now();
    let device = authenticate(app.storage.as_ref(), &headers).await?;
    let body = body.map_err(|r| body_failure(r, MAX_SYNC_BODY))?;
    let bytes_in = body.len();
    let req: SyncRequest = blocking(move || codec::decode(&body)).await?.map_err(|e| {
        tracing::warn!(device = %device.device_id, bytes_in, error = %e, "undecodable sync request");
        ApiFailure::undecodable(e)
    })?;
    if req.protocol != PROTOCOL_VERSION || req.schema_version < MIN_CLIENT_SCHEMA {
        tracing::info!(device = %device.device_id, protocol = req.protocol, schema = req.schema_version, "old app told to update");
        return Err(ApiFailure::update_required());
    }
    if req.device_id != device.device_id {
        return Err(ApiFailure::unauthorized());
    }
    let ops_in = req.ops.len();
    let push = if req.ops.is_empty() { PushOutcome::default() } else { app.storage.push(device.clone(), req.ops, Utc::now()).await? };
    let server_id = app.storage.server_id().to_owned();
    let after = cursor::parse(&req.cursor, &server_id, device.enrolled_at_ms);
    let page = app.storage.pull(device.clone(), after, page_budget(req.max_bytes)).await?;
    let (acked, rejected, deferred, changes_out, state_bytes) =
        (push.acks.len(), push.rejected.len(), push.deferred.len(), page.changes.len(), page.bytes);
    let response = SyncResponse {
        server_time_ms: Utc::now().timestamp_millis(),
        acks: push.acks,
        rejected: push.rejected,
        deferred: push.deferred,
        changes: page.changes,
        next_cursor: cursor::make(&server_id, device.enrolled_at_ms, page.next_seq),
        more: page.more,
    };
    let encoded = blocking(move || codec::encode(&response)).await?.map_err(|e| {
        tracing::error!(error = %e, "could not encode a sync response");
        ApiFailure::internal()
    })?;
    tracing::info!(
        device = %device.device_id,
        role = role_text(device.role),
        ops_in,
        applied = push.applied,
        acked,
        rejected,
        deferred,
        changes_out,
        state_bytes,
        more = page.more,
        bytes_in,
        bytes_out = encoded.len(),
        ms = started.elapsed().as_millis() as u64,
        "sync"
    );
    Ok(([(header::CONTENT_TYPE, codec::CONTENT_TYPE)], encoded).into_response())
}
