//! Clocks a test moves: the core's [`Clock`] trait, set by hand.
//!
//! - [`ManualClock`] says whatever time it was last set to: a builder moves it through
//!   days of field work (registrations over three days, visits over ten) in a second.
//! - [`OffsetClock`] is the real clock plus an offset that can move: a phone whose owner
//!   set the wrong date, or changes it while the app runs.
//!
//! Both are shared as `Arc<…>`: the store holds one handle, the test the other.

use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, PoisonError};
use tungnha_core::clock::Clock;

/// A clock that stays where it is set.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = at;
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The system clock off by an offset that can be moved (`Default`: no offset).
#[derive(Debug, Default)]
pub struct OffsetClock(AtomicI64);

impl OffsetClock {
    /// A phone whose clock is off by `offset` (a clock set ten years ahead, three hours behind).
    pub fn new(offset: Duration) -> Self {
        Self(AtomicI64::new(offset.num_milliseconds()))
    }

    /// Move the clock by `by` (the owner changes the date).
    pub fn shift(&self, by: Duration) {
        self.0.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
    }

    pub fn offset(&self) -> Duration {
        Duration::milliseconds(self.0.load(Ordering::SeqCst))
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::local;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let c = ManualClock::new(local(1, 8, 0));
        assert_eq!(c.now(), local(1, 8, 0));
        c.advance(Duration::minutes(90));
        assert_eq!(c.now(), local(1, 9, 30));
        c.set(local(3, 7, 0));
        assert_eq!(c.now(), local(3, 7, 0));
    }

    #[test]
    fn an_offset_clock_follows_the_real_one() {
        let c = OffsetClock::new(Duration::days(3650));
        assert!(c.now() - Utc::now() > Duration::days(3649));
        c.shift(-Duration::days(3650));
        assert!((c.now() - Utc::now()).num_seconds().abs() < 5);
    }
}
