//! A transport that loses, repeats and reorders requests, on purpose.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tungnha_core::sync::client::{Reply, Transport, TransportError};
use tungnha_core::sync::http::HttpTransport;

/// Probabilities of each fault, per request.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Faults {
    /// The request never reaches the server.
    pub drop: f64,
    /// The server commits, then the answer is lost.
    pub lose_response: f64,
    /// The request is delivered twice.
    pub duplicate: f64,
    /// A copy of the request is kept and delivered again later, after newer ones.
    pub reorder: f64,
}

impl Faults {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn random(rng: &mut StdRng) -> Self {
        Self {
            drop: rng.random_range(0.0..0.25),
            lose_response: rng.random_range(0.0..0.25),
            duplicate: rng.random_range(0.0..0.2),
            reorder: rng.random_range(0.0..0.2),
        }
    }
}

/// Counts of what was injected (printed with a failing seed).
#[derive(Debug, Default)]
pub struct Injected {
    pub dropped: AtomicU64,
    pub responses_lost: AtomicU64,
    pub duplicated: AtomicU64,
    pub reordered: AtomicU64,
    pub stale_delivered: AtomicU64,
    pub sent: AtomicU64,
}

type Request = (String, String, Option<String>, Vec<u8>);

/// Real HTTP to the server whose URL `url` holds (it changes when the server restarts).
pub struct FaultyTransport {
    url: Arc<Mutex<String>>,
    rng: Mutex<StdRng>,
    faults: Mutex<Faults>,
    stash: Mutex<Vec<Request>>,
    pub injected: Injected,
}

impl std::fmt::Debug for FaultyTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultyTransport").field("injected", &self.injected).finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl FaultyTransport {
    pub fn new(url: Arc<Mutex<String>>, seed: u64) -> Self {
        Self {
            url,
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            faults: Mutex::new(Faults::none()),
            stash: Mutex::new(vec![]),
            injected: Injected::default(),
        }
    }

    pub fn set_faults(&self, f: Faults) {
        *lock(&self.faults) = f;
        if f == Faults::none() {
            lock(&self.stash).clear();
        }
    }

    fn send(&self, r: &Request) -> Result<Reply, TransportError> {
        self.injected.sent.fetch_add(1, Ordering::Relaxed);
        let url = lock(&self.url).clone();
        HttpTransport::new(&url, std::time::Duration::from_secs(30)).post(&r.0, &r.1, r.2.as_deref(), r.3.clone())
    }
}

impl Transport for FaultyTransport {
    fn post(&self, path: &str, content_type: &str, token: Option<&str>, body: Vec<u8>) -> Result<Reply, TransportError> {
        let request: Request = (path.to_owned(), content_type.to_owned(), token.map(str::to_owned), body);
        let faults = *lock(&self.faults);
        let (roll, stale_now) = {
            let mut rng = lock(&self.rng);
            (rng.random_range(0.0..1.0), rng.random_bool(0.5))
        };
        // An old request arrives late, after newer ones.
        if stale_now {
            let stale = lock(&self.stash).pop();
            if let Some(stale) = stale {
                self.injected.stale_delivered.fetch_add(1, Ordering::Relaxed);
                let _ = self.send(&stale);
            }
        }
        let mut edge = faults.drop;
        if roll < edge {
            self.injected.dropped.fetch_add(1, Ordering::Relaxed);
            return Err(TransportError("injected: request dropped".into()));
        }
        edge += faults.lose_response;
        if roll < edge {
            self.injected.responses_lost.fetch_add(1, Ordering::Relaxed);
            let _ = self.send(&request);
            return Err(TransportError("injected: response lost after the server committed".into()));
        }
        edge += faults.duplicate;
        if roll < edge {
            self.injected.duplicated.fetch_add(1, Ordering::Relaxed);
            let _ = self.send(&request);
            return self.send(&request);
        }
        edge += faults.reorder;
        if roll < edge {
            self.injected.reordered.fetch_add(1, Ordering::Relaxed);
            lock(&self.stash).push(request.clone());
        }
        self.send(&request)
    }
}
