//! The throttle's counters in this process's memory: for one instance (the
//! SQLite mode).

use super::ThrottleLimits;
use parking_lot::Mutex;
use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    time::{Duration, Instant},
};

pub struct MemoryThrottle {
    per_address: FailureCounter<IpAddr>,
    per_username: FailureCounter<String>,
}

impl MemoryThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            per_address: FailureCounter::new(limits.per_address, limits.window),
            per_username: FailureCounter::new(limits.per_username, limits.window),
        }
    }

    pub fn blocked_for(&self, address: Option<IpAddr>, username: &str) -> Option<Duration> {
        let now = Instant::now();
        let by_address = address.and_then(|a| self.per_address.blocked_for(&a, now));
        let by_username = self.per_username.blocked_for(username, now);
        by_address.into_iter().chain(by_username).max()
    }

    pub fn record_failure(&self, address: Option<IpAddr>, username: &str) {
        let now = Instant::now();
        if let Some(address) = address {
            self.per_address.record(address, now);
        }
        self.per_username.record(username.to_owned(), now);
    }

    pub fn record_success(&self, address: Option<IpAddr>) {
        if let Some(address) = address {
            self.per_address.clear(&address);
        }
    }
}

/// Failures per key in fixed windows.
struct FailureCounter<K> {
    max: u32,
    window: Duration,
    /// key → (failures in the window, when the window started)
    entries: Mutex<HashMap<K, (u32, Instant)>>,
}

/// Above this many keys, expired windows are swept out so memory stays bounded.
const SWEEP_ABOVE: usize = 10_000;

impl<K: Eq + Hash> FailureCounter<K> {
    fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn blocked_for<Q>(&self, key: &Q, now: Instant) -> Option<Duration>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let entries = self.entries.lock();
        let &(failures, started) = entries.get(key)?;
        let ends = started + self.window;
        (failures >= self.max && now < ends).then(|| ends - now)
    }

    fn record(&self, key: K, now: Instant) {
        let mut entries = self.entries.lock();
        if entries.len() > SWEEP_ABOVE {
            entries.retain(|_, (_, started)| now < *started + self.window);
        }
        let entry = entries.entry(key).or_insert((0, now));
        if now >= entry.1 + self.window {
            *entry = (0, now);
        }
        entry.0 = entry.0.saturating_add(1);
    }

    fn clear<Q>(&self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let mut entries = self.entries.lock();
        entries.remove(key);
    }
}
