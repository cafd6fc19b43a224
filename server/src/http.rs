//! The HTTP surface: `GET /health`, `POST /v1/enrol`, `POST /v1/enrolment-codes`,
//! `POST /v1/sync`, and the dashboard. Every failure is a non-2xx status with a JSON
//! `ApiError`.
//!
//! Every byte a client sends is bounded before it costs anything: requests time out,
//! at most [`Limits::concurrent_syncs`] syncs run at once (more are answered 503 at
//! once), a sync's token is checked before its body is read, bodies and their decoded
//! size have limits, and so does the number of ops in one request. A panic in a handler
//! is answered 500 and logged; it never takes the server down.

use crate::auth::{authenticate, bearer};
use crate::enrolment::{self, CodeRequest, Issuer};
use crate::error::ApiFailure;
use crate::state::{AppState, Limits, Refused};
use axum::body::{Body, Bytes};
use axum::error_handling::HandleErrorLayer;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{BoxError, Json, Router};
use chrono::Utc;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;
use tower::ServiceBuilder;
use tungnha_core::sync::codec;
use tungnha_core::sync::{ApiErrorCode, EnrolRequest, SyncRequest, SyncResponse, DEFAULT_PAGE_BYTES, MIN_CLIENT_SCHEMA, PROTOCOL_VERSION};

/// The server's routes over `state`.
pub fn app(state: AppState) -> Router {
    let limits = state.limits;
    let sync_route = post(sync).layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(|e: BoxError| async move {
                tracing::warn!(error = %e, "sync refused: server at capacity");
                ApiFailure::unavailable()
            }))
            .load_shed()
            .concurrency_limit(limits.concurrent_syncs),
    );
    Router::new()
        .route("/health", get(health))
        .route("/v1/enrol", post(enrol))
        .route("/v1/enrolment-codes", post(issue_code))
        .route("/v1/sync", sync_route)
        .route("/", get(crate::dashboard::home))
        .route("/xa/{commune}", get(crate::dashboard::commune_page))
        .route("/api/figures", get(crate::dashboard::figures_json))
        .fallback(|| async {
            ApiFailure::new(StatusCode::NOT_FOUND, ApiErrorCode::BadRequest, "Không có địa chỉ này", "No such endpoint")
        })
        .layer(
            ServiceBuilder::new()
                .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
                    tracing::error!("a request handler panicked");
                    ApiFailure::internal().into_response()
                }))
                .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.request_timeout)),
        )
        .with_state(state)
}

/// Read a body up to `limit` bytes (413 beyond).
async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiFailure> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if too_large {
            ApiFailure::too_large(limit)
        } else {
            ApiFailure::undecodable(e)
        }
    })
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
    let mut body = serde_json::json!({
        "status": if ok { "ok" } else { "unavailable" },
        "db": app.storage.kind(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    if let Some(p) = &app.projection {
        body["dashboard"] = serde_json::to_value(p.status()).unwrap_or_default();
    }
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body)).into_response()
}

/// The client's address (the peer; behind a reverse proxy, the proxy's).
fn client_ip(req: &Request) -> IpAddr {
    req.extensions().get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip())
}

async fn enrol(State(app): State<AppState>, req: Request) -> Result<Response, ApiFailure> {
    let ip = client_ip(&req);
    if let Err(refused) = app.enrol_guard.attempt(ip, Instant::now()) {
        tracing::warn!(%ip, ?refused, "enrolment attempt refused");
        return Err(match refused {
            Refused::TooFast => ApiFailure::too_many_attempts(60),
            Refused::LockedOut { seconds } => ApiFailure::too_many_attempts(seconds),
        });
    }
    let (parts, body) = req.into_parts();
    let proof = bearer(&parts.headers).map(str::to_owned);
    let body = read_body(body, app.limits.json_body).await?;
    let req: EnrolRequest = serde_json::from_slice(&body).map_err(ApiFailure::undecodable)?;
    match enrolment::enrol(app.storage.as_ref(), req, proof.as_deref(), Utc::now()).await? {
        Some(response) => {
            app.enrol_guard.succeeded(ip);
            Ok(Json(response).into_response())
        }
        None => {
            let locked = app.enrol_guard.failed(ip, Instant::now());
            tracing::warn!(%ip, locked, "wrong, used or expired enrolment code");
            Err(ApiFailure::bad_code())
        }
    }
}

async fn issue_code(State(app): State<AppState>, req: Request) -> Result<Response, ApiFailure> {
    let (parts, body) = req.into_parts();
    let device = authenticate(app.storage.as_ref(), &parts.headers).await?;
    let body = read_body(body, app.limits.json_body).await?;
    let req: CodeRequest = serde_json::from_slice(&body).map_err(ApiFailure::undecodable)?;
    let issued = enrolment::issue(app.storage.as_ref(), Issuer::Device(&device), req, Utc::now()).await?;
    Ok(Json(issued).into_response())
}

/// The page budget a client asked for, within the server's bounds.
fn page_budget(asked: u32, limits: &Limits) -> usize {
    match asked {
        0 => DEFAULT_PAGE_BYTES as usize,
        n => (n as usize).min(limits.page_bytes),
    }
}

async fn sync(State(app): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, ApiFailure> {
    let started = Instant::now();
    let limits = app.limits;
    // Who asks, before a byte of the body is read.
    let device = authenticate(app.storage.as_ref(), &headers).await?;
    let body = read_body(body, limits.sync_body).await?;
    let bytes_in = body.len();
    let req: SyncRequest = blocking(move || codec::decode_limited(&body, limits.sync_decoded)).await?.map_err(|e| {
        tracing::warn!(device = %device.device_id, bytes_in, error = %e, "undecodable sync request");
        match e {
            codec::CodecError::TooLarge(_) => ApiFailure::too_large(limits.sync_decoded),
            e => ApiFailure::undecodable(e),
        }
    })?;
    if req.protocol != PROTOCOL_VERSION || req.schema_version < MIN_CLIENT_SCHEMA {
        tracing::info!(device = %device.device_id, protocol = req.protocol, schema = req.schema_version, "old app told to update");
        return Err(ApiFailure::update_required());
    }
    if req.device_id != device.device_id {
        return Err(ApiFailure::unauthorized());
    }
    if req.ops.len() > limits.ops_per_request {
        return Err(ApiFailure::too_many_ops(limits.ops_per_request));
    }
    let ops_in = req.ops.len();
    let push = if req.ops.is_empty() { Default::default() } else { app.storage.push(device.clone(), req.ops, Utc::now()).await? };
    let page = app.storage.pull(device.clone(), req.cursor, page_budget(req.max_bytes, &limits)).await?;
    let (acked, rejected, deferred, changes_out, state_bytes, scanned) =
        (push.acks.len(), push.rejected.len(), push.deferred.len(), page.changes.len(), page.bytes, page.scanned);
    let response = SyncResponse {
        server_time_ms: Utc::now().timestamp_millis(),
        acks: push.acks,
        rejected: push.rejected,
        deferred: push.deferred,
        changes: page.changes,
        next_cursor: page.next_cursor,
        more: page.more,
        purge: page.purge,
    };
    let purge = response.purge.is_some();
    let encoded = blocking(move || codec::encode(&response)).await?.map_err(|e| {
        tracing::error!(error = %e, "could not encode a sync response");
        ApiFailure::internal()
    })?;
    tracing::info!(
        device = %device.device_id,
        role = crate::engine::ports::role_text(device.role),
        ops_in,
        applied = push.applied,
        acked,
        rejected,
        deferred,
        restamped = push.restamped,
        changes_out,
        scanned,
        state_bytes,
        purge,
        bytes_in,
        bytes_out = encoded.len(),
        ms = started.elapsed().as_millis() as u64,
        "sync"
    );
    Ok(([(header::CONTENT_TYPE, codec::CONTENT_TYPE)], encoded).into_response())
}
