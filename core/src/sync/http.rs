//! The production transport: HTTPS with ureq (rustls, gzip, timeouts). Kept out of the
//! domain modules and behind the `http` feature; everything else speaks [`Transport`].

use super::client::{Reply, Transport, TransportError};
use std::time::Duration;

/// Talks to a Từng Nhà server at `base_url` (e.g. `https://dongbo.example.vn`).
#[derive(Debug, Clone)]
pub struct HttpTransport {
    base_url: String,
    agent: ureq::Agent,
}

impl HttpTransport {
    /// `timeout` bounds each whole request: on 2G a 300-household page takes seconds, so
    /// keep it generous (60 s is the default of [`HttpTransport::with_defaults`]).
    pub fn new(base_url: &str, timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(Duration::from_secs(15)))
            .http_status_as_error(false)
            .user_agent(concat!("tungnha/", env!("CARGO_PKG_VERSION")))
            .build();
        Self { base_url: base_url.trim_end_matches('/').to_owned(), agent: config.into() }
    }

    pub fn with_defaults(base_url: &str) -> Self {
        Self::new(base_url, Duration::from_secs(60))
    }
}

impl Transport for HttpTransport {
    fn post(&self, path: &str, content_type: &str, token: Option<&str>, body: Vec<u8>) -> Result<Reply, TransportError> {
        let mut req = self.agent.post(format!("{}{path}", self.base_url)).header("Content-Type", content_type);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let mut resp = req.send(&body[..]).map_err(|e| TransportError(e.to_string()))?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(super::codec::MAX_DECODED_BYTES as u64)
            .read_to_vec()
            .map_err(|e| TransportError(e.to_string()))?;
        Ok(Reply { status, body })
    }
}
