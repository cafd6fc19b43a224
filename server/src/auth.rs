//! Who is asking: the device behind a request's bearer token (see [`crate::credentials`]).

use crate::credentials::token_sha256;
use crate::engine::ports::Device;
use crate::error::ApiFailure;
use crate::storage::Storage;
use axum::http::{header, HeaderMap};

/// The bearer token of a request, if it carries one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 256)
}

/// The device behind a request's `Authorization: Bearer` token; 401 if there is none,
/// it is unknown, or it was revoked.
pub async fn authenticate(storage: &dyn Storage, headers: &HeaderMap) -> Result<Device, ApiFailure> {
    let token = bearer(headers).ok_or_else(ApiFailure::unauthorized)?;
    match storage.device_by_token(token_sha256(token)).await? {
        Some(d) if !d.revoked => Ok(d),
        _ => Err(ApiFailure::unauthorized()),
    }
}
