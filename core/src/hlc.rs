//! Hybrid logical clock (HLC) timestamps for ordering changes.
//!
//! Phone clocks in the field are often wrong, sometimes by years. An HLC never goes
//! backwards on one device, always moves past every timestamp the device has seen
//! (so causality is kept), and stays close to real time when the device's wall clock
//! is corrected by the offset the sync server reports. Ties between devices break on
//! the device id, so every pair of changes has one agreed order.

use crate::ids::DeviceId;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// One HLC timestamp: milliseconds since the Unix epoch, a counter for events within the
/// same millisecond, and the device that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hlc {
    pub millis: i64,
    pub counter: u32,
    pub device: DeviceId,
}

impl Ord for Hlc {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.millis, self.counter, self.device).cmp(&(other.millis, other.counter, other.device))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Hlc {
    /// Fixed-width, so the text form sorts like the value (negative millis are clamped
    /// to zero: a device clock before 1970 still gets a valid, early timestamp).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:013}-{:06}-{}", self.millis.max(0), self.counter, self.device)
    }
}

impl FromStr for Hlc {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.splitn(3, '-');
        let millis = parts.next().and_then(|p| p.parse().ok()).ok_or("bad hlc millis")?;
        let counter = parts.next().and_then(|p| p.parse().ok()).ok_or("bad hlc counter")?;
        let device = parts.next().and_then(|p| p.parse().ok()).ok_or("bad hlc device")?;
        Ok(Self { millis, counter, device })
    }
}

/// How far ahead of this device's corrected time a received timestamp may pull its clock.
pub const MAX_REMOTE_AHEAD_MS: i64 = 60 * 60 * 1000;

/// The clock state of one device.
#[derive(Debug, Clone)]
pub struct HlcClock {
    device: DeviceId,
    last: Option<(i64, u32)>,
    /// Server time minus device time, in ms, learned at each sync (0 until then).
    offset_ms: i64,
}

impl HlcClock {
    pub fn new(device: DeviceId, last: Option<Hlc>, offset_ms: i64) -> Self {
        Self { device, last: last.map(|h| (h.millis, h.counter)), offset_ms }
    }

    pub fn device(&self) -> DeviceId {
        self.device
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms
    }

    /// Remember how far the device clock is from the server's.
    pub fn set_offset_ms(&mut self, offset_ms: i64) {
        self.offset_ms = offset_ms;
    }

    /// A new timestamp for a local event, given the device's wall clock in ms.
    pub fn tick(&mut self, wall_ms: i64) -> Hlc {
        let physical = wall_ms.saturating_add(self.offset_ms);
        let (millis, counter) = match self.last {
            Some((m, c)) if m >= physical => (m, c.saturating_add(1)),
            _ => (physical, 0),
        };
        self.last = Some((millis, counter));
        Hlc { millis, counter, device: self.device }
    }

    /// Move past a timestamp received from elsewhere (a pulled change). A timestamp more
    /// than [`MAX_REMOTE_AHEAD_MS`] ahead of this device's (server-corrected) time is
    /// taken as that far ahead only: the server never stores one (it re-stamps clocks
    /// from the future), and one that slipped through must not drag this clock to the
    /// end of time, where every later edit would lose to it.
    pub fn observe(&mut self, remote: Hlc, wall_ms: i64) {
        let physical = wall_ms.saturating_add(self.offset_ms);
        let (lm, lc) = self.last.unwrap_or((i64::MIN, 0));
        let remote = Hlc { millis: remote.millis.min(physical.saturating_add(MAX_REMOTE_AHEAD_MS)), ..remote };
        let millis = physical.max(lm).max(remote.millis);
        let counter = if millis == lm && millis == remote.millis {
            lc.max(remote.counter).saturating_add(1)
        } else if millis == lm {
            lc.saturating_add(1)
        } else if millis == remote.millis {
            remote.counter.saturating_add(1)
        } else {
            0
        };
        self.last = Some((millis, counter));
    }

    pub fn last(&self) -> Option<Hlc> {
        self.last.map(|(millis, counter)| Hlc { millis, counter, device: self.device })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_form_round_trips_and_sorts() {
        let d = DeviceId::new();
        let a = Hlc { millis: 1_727_740_800_000, counter: 2, device: d };
        let b = Hlc { millis: 1_727_740_800_000, counter: 10, device: d };
        assert_eq!(a.to_string().parse::<Hlc>().expect("parse"), a);
        assert!(a < b && a.to_string() < b.to_string());
    }

    /// Issue 8: a pulled version at the end of time saturated phones' clocks, so later
    /// edits were acknowledged and then lost to it.
    #[test]
    fn a_timestamp_from_the_far_future_does_not_capture_the_clock() {
        let wall = 1_727_740_800_000;
        let mut clock = HlcClock::new(DeviceId::new(), None, 0);
        clock.observe(Hlc { millis: i64::MAX, counter: u32::MAX, device: DeviceId::new() }, wall);
        let next = clock.tick(wall + 1);
        assert!(next.millis <= wall + MAX_REMOTE_AHEAD_MS + 1, "{next:?}");
        let later = clock.tick(wall + 2 * MAX_REMOTE_AHEAD_MS);
        assert!(later > next && later.millis == wall + 2 * MAX_REMOTE_AHEAD_MS, "the clock follows real time again");
    }

    proptest! {
        /// Whatever the wall clock does (jumps back years, stands still), timestamps
        /// from one device strictly increase, and every observed timestamp that is not
        /// from the far future is passed.
        #[test]
        fn monotonic_under_any_wall_clock(walls in proptest::collection::vec(-400_000_000_000i64..4_000_000_000_000, 1..50),
                                          remote in proptest::collection::vec(0i64..4_000_000_000_000, 0..10)) {
            let mut clock = HlcClock::new(DeviceId::new(), None, 0);
            let other = DeviceId::new();
            let mut prev: Option<Hlc> = None;
            for (i, w) in walls.iter().enumerate() {
                if let Some(r) = remote.get(i) {
                    let rh = Hlc { millis: *r, counter: 3, device: other };
                    clock.observe(rh, *w);
                    let next = clock.tick(*w);
                    if rh.millis <= w + MAX_REMOTE_AHEAD_MS {
                        prop_assert!((next.millis, next.counter) > (rh.millis, rh.counter));
                    }
                }
                let h = clock.tick(*w);
                if let Some(p) = prev { prop_assert!(h > p); }
                prev = Some(h);
            }
        }
    }
}
