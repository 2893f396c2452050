//! Login throttling: after a burst of failed logins, answer 429 without
//! running the password hash.
//!
//! Two fixed-window counters of *failures*: per client address and per
//! username. A ready-made rate limiter (governor) counts every request; here
//! successful logins must cost nothing and only failures may count, which a
//! small counter does directly.

use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// How many failures are tolerated, and for how long they are remembered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleLimits {
    /// Failed logins one address may make per window, whatever the usernames.
    pub per_address: u32,
    /// Failed logins one username may receive per window, from all addresses
    /// together. Higher than `per_address`, so that one address alone can't
    /// lock someone else's account, and a lock ends with the window.
    pub per_username: u32,
    pub window: Duration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self {
            per_address: 5,
            per_username: 20,
            window: Duration::from_secs(60),
        }
    }
}

pub struct LoginThrottle {
    per_address: FailureCounter<IpAddr>,
    per_username: FailureCounter<String>,
}

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            per_address: FailureCounter::new(limits.per_address, limits.window),
            per_username: FailureCounter::new(limits.per_username, limits.window),
        }
    }

    /// `Err(retry_after)` if this address or username has failed too often.
    pub fn check(&self, address: Option<IpAddr>, username: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let by_address = address.and_then(|a| self.per_address.blocked_for(&a, now));
        let by_username = self.per_username.blocked_for(username, now);
        match by_address.into_iter().chain(by_username).max() {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, address: Option<IpAddr>, username: &str) {
        let now = Instant::now();
        if let Some(address) = address {
            self.per_address.record(address, now);
        }
        self.per_username.record(username.to_owned(), now);
    }

    /// A correct password clears its address's failures (a typo or two
    /// shouldn't accumulate), but not the username's: those may be an attack
    /// from elsewhere.
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
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let &(failures, started) = entries.get(key)?;
        let ends = started + self.window;
        (failures >= self.max && now < ends).then(|| ends - now)
    }

    fn record(&self, key: K, now: Instant) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
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
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)));
    const CAFE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2)));

    fn throttle(per_address: u32, per_username: u32, window: Duration) -> LoginThrottle {
        LoginThrottle::new(ThrottleLimits {
            per_address,
            per_username,
            window,
        })
    }

    #[test]
    fn an_address_is_blocked_after_its_failures_and_told_how_long() {
        let throttle = throttle(3, 100, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(throttle.check(HOME, "john").is_ok());
            throttle.record_failure(HOME, "john");
        }
        let wait = throttle.check(HOME, "jack").unwrap_err();
        assert!(
            wait > Duration::from_secs(58) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(
            throttle.check(CAFE, "john").is_ok(),
            "another address is not blocked"
        );
    }

    #[test]
    fn a_username_is_blocked_after_failures_from_many_addresses() {
        let throttle = throttle(100, 4, Duration::from_secs(60));
        for i in 0..4u8 {
            throttle.record_failure(Some(IpAddr::from([10, 0, 1, i])), "john");
        }
        assert!(throttle.check(CAFE, "john").is_err());
        assert!(throttle.check(CAFE, "jack").is_ok());
    }

    #[test]
    fn blocks_end_with_the_window() {
        let throttle = throttle(1, 1, Duration::from_millis(50));
        throttle.record_failure(HOME, "john");
        assert!(throttle.check(HOME, "john").is_err());
        std::thread::sleep(Duration::from_millis(60));
        assert!(throttle.check(HOME, "john").is_ok());
    }

    #[test]
    fn success_clears_the_address_but_not_the_username() {
        let throttle = throttle(2, 2, Duration::from_secs(60));
        throttle.record_failure(HOME, "john");
        throttle.record_failure(CAFE, "john");
        throttle.record_success(HOME);
        throttle.record_failure(HOME, "jack");
        assert!(
            throttle.check(HOME, "jack").is_ok(),
            "the earlier failure was cleared"
        );
        assert!(
            throttle.check(None, "john").is_err(),
            "john's failures stay counted"
        );
    }
}
