//! What every handler shares: the storage, the dashboard's projection, the limits the
//! server enforces, and the enrolment guard (attempts per address, lockouts).

use crate::projection::Projection;
use crate::storage::Storage;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Bounds on what one client may make the server do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest encoded (compressed) sync body.
    pub sync_body: usize,
    /// Memory a sync request may take once decoded (see `codec::decode_limited`).
    pub sync_decoded: usize,
    /// Operations in one sync request (the app sends at most 1,000).
    pub ops_per_request: usize,
    /// Largest JSON body of the small endpoints.
    pub json_body: usize,
    /// Largest page a client may ask for, in bytes of state JSON.
    pub page_bytes: usize,
    /// Sync requests handled at once; more are answered 503 at once (the phone retries).
    pub concurrent_syncs: usize,
    /// A request (body included) must be done in this time.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sync_body: 4 << 20,
            sync_decoded: 32 << 20,
            ops_per_request: 1_000,
            json_body: 64 << 10,
            page_bytes: 8 << 20,
            concurrent_syncs: 16,
            request_timeout: Duration::from_secs(60),
        }
    }
}

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    pub storage: Arc<dyn Storage>,
    /// The dashboard's read model; without it the dashboard routes answer 404.
    pub projection: Option<Arc<Projection>>,
    /// The commune the dashboard opens on (the demo's), if any.
    pub home_commune: Option<String>,
    pub limits: Limits,
    pub enrol_guard: Arc<EnrolGuard>,
}

impl AppState {
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        Self { storage, projection: None, home_commune: None, limits: Limits::default(), enrol_guard: Arc::new(EnrolGuard::default()) }
    }

    pub fn with_projection(mut self, projection: Arc<Projection>) -> Self {
        self.projection = Some(projection);
        self
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// How enrolment attempts are bounded. A code has 40 bits; with these bounds guessing one
/// from one address would take longer than any code lives, and every refusal is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnrolPolicy {
    /// Attempts per address per window, right or wrong.
    pub attempts_per_window: u32,
    pub window: Duration,
    /// Wrong codes from one address before it is locked out.
    pub failures_before_lockout: u32,
    pub lockout: Duration,
    /// Addresses remembered at most (the oldest are forgotten first).
    pub max_addresses: usize,
}

impl Default for EnrolPolicy {
    fn default() -> Self {
        Self {
            attempts_per_window: 20,
            window: Duration::from_secs(60),
            failures_before_lockout: 10,
            lockout: Duration::from_secs(15 * 60),
            max_addresses: 100_000,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Address {
    window_start: Instant,
    attempts: u32,
    failures: u32,
    locked_until: Option<Instant>,
    last_seen: Instant,
}

/// Counts enrolment attempts and wrong codes per client address.
#[derive(Debug, Default)]
pub struct EnrolGuard {
    policy: EnrolPolicy,
    addresses: Mutex<HashMap<IpAddr, Address>>,
}

/// Why an attempt is not even tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    TooFast,
    LockedOut { seconds: u64 },
}

impl EnrolGuard {
    pub fn new(policy: EnrolPolicy) -> Self {
        Self { policy, addresses: Mutex::default() }
    }

    /// Count an attempt from `ip`; `Err` if it must not be tried now.
    pub fn attempt(&self, ip: IpAddr, now: Instant) -> Result<(), Refused> {
        let mut map = self.addresses.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= self.policy.max_addresses && !map.contains_key(&ip) {
            // Forget addresses that are neither locked nor recent; if all are, any one.
            let window = self.policy.window;
            map.retain(|_, a| a.locked_until.is_some_and(|u| u > now) || now.duration_since(a.last_seen) < window);
            if map.len() >= self.policy.max_addresses {
                if let Some(k) = map.keys().next().copied() {
                    map.remove(&k);
                }
            }
        }
        let a = map.entry(ip).or_insert(Address { window_start: now, attempts: 0, failures: 0, locked_until: None, last_seen: now });
        a.last_seen = now;
        if let Some(until) = a.locked_until {
            if now < until {
                return Err(Refused::LockedOut { seconds: until.duration_since(now).as_secs().max(1) });
            }
            a.locked_until = None;
            a.failures = 0;
        }
        if now.duration_since(a.window_start) >= self.policy.window {
            a.window_start = now;
            a.attempts = 0;
        }
        a.attempts += 1;
        if a.attempts > self.policy.attempts_per_window {
            return Err(Refused::TooFast);
        }
        Ok(())
    }

    /// A wrong code from `ip`; `true` if the address is now locked out.
    pub fn failed(&self, ip: IpAddr, now: Instant) -> bool {
        let mut map = self.addresses.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(a) = map.get_mut(&ip) else { return false };
        a.failures += 1;
        if a.failures >= self.policy.failures_before_lockout {
            a.locked_until = Some(now + self.policy.lockout);
            return true;
        }
        false
    }

    /// A code that worked: the address starts afresh.
    pub fn succeeded(&self, ip: IpAddr) {
        let mut map = self.addresses.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(a) = map.get_mut(&ip) {
            a.failures = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_codes_lock_an_address_out_and_it_comes_back() {
        let g = EnrolGuard::new(EnrolPolicy { failures_before_lockout: 3, attempts_per_window: 100, ..EnrolPolicy::default() });
        let ip: IpAddr = [10, 0, 0, 1].into();
        let other: IpAddr = [10, 0, 0, 2].into();
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(g.attempt(ip, t0), Ok(()));
            assert_eq!(g.failed(ip, t0), i == 2);
        }
        assert!(matches!(g.attempt(ip, t0), Err(Refused::LockedOut { .. })));
        assert_eq!(g.attempt(other, t0), Ok(()), "another address is not locked");
        let later = t0 + EnrolPolicy::default().lockout + Duration::from_secs(1);
        assert_eq!(g.attempt(ip, later), Ok(()));
    }

    #[test]
    fn attempts_are_rate_limited_per_window_and_memory_is_bounded() {
        let g = EnrolGuard::new(EnrolPolicy { attempts_per_window: 5, max_addresses: 10, ..EnrolPolicy::default() });
        let ip: IpAddr = [10, 0, 0, 1].into();
        let t0 = Instant::now();
        for _ in 0..5 {
            assert_eq!(g.attempt(ip, t0), Ok(()));
        }
        assert_eq!(g.attempt(ip, t0), Err(Refused::TooFast));
        assert_eq!(g.attempt(ip, t0 + Duration::from_secs(61)), Ok(()));
        for i in 0..1000u32 {
            let _ = g.attempt(IpAddr::from(i.to_be_bytes()), t0);
        }
        assert!(g.addresses.lock().map(|m| m.len()).unwrap_or(0) <= 10);
    }
}
