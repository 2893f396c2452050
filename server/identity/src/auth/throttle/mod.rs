//! Login throttling: after a burst of failed logins, answer 429 without
//! running the password hash.
//!
//! Two fixed-window counters of *failures*: per client address and per
//! username. A ready-made rate limiter (governor) counts every request; here
//! successful logins must cost nothing and only failures may count, which a
//! small counter does directly. One instance keeps them in memory; several
//! instances share them in PostgreSQL.

mod memory;
mod postgres;

use memory::MemoryThrottle;
use postgres::PostgresThrottle;
use std::{net::IpAddr, time::Duration};

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

pub enum LoginThrottle {
    Memory(MemoryThrottle),
    Postgres(PostgresThrottle),
}

impl LoginThrottle {
    /// Counters in this process: right for one instance.
    pub fn in_memory(limits: ThrottleLimits) -> Self {
        Self::Memory(MemoryThrottle::new(limits))
    }

    /// Counters in PostgreSQL, shared by every instance on that database.
    pub fn shared(pool: sqlx::PgPool, limits: ThrottleLimits) -> Self {
        Self::Postgres(PostgresThrottle::new(pool, limits))
    }

    /// How long until this address and username may try again, if either
    /// has failed too often.
    pub async fn blocked_for(
        &self,
        address: Option<IpAddr>,
        username: &str,
    ) -> Result<Option<Duration>, sqlx::Error> {
        match self {
            Self::Memory(counters) => Ok(counters.blocked_for(address, username)),
            Self::Postgres(counters) => counters.blocked_for(address, username).await,
        }
    }

    pub async fn record_failure(
        &self,
        address: Option<IpAddr>,
        username: &str,
    ) -> Result<(), sqlx::Error> {
        match self {
            Self::Memory(counters) => {
                counters.record_failure(address, username);
                Ok(())
            }
            Self::Postgres(counters) => counters.record_failure(address, username).await,
        }
    }

    /// A correct password clears its address's failures (a typo or two
    /// shouldn't accumulate), but not the username's: those may be an attack
    /// from elsewhere.
    pub async fn record_success(&self, address: Option<IpAddr>) -> Result<(), sqlx::Error> {
        match self {
            Self::Memory(counters) => {
                counters.record_success(address);
                Ok(())
            }
            Self::Postgres(counters) => counters.record_success(address).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new, migrated PostgreSQL database's pool.
    async fn postgres_pool() -> sqlx::PgPool {
        let options = crate::test_databases::postgres_options().await;
        let pools = crate::db::Pools::connect(&options).await.unwrap();
        pools.postgres().expect("a PostgreSQL database").clone()
    }

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)));
    const CAFE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2)));

    fn limits(per_address: u32, per_username: u32, window: Duration) -> ThrottleLimits {
        ThrottleLimits {
            per_address,
            per_username,
            window,
        }
    }

    async fn blocked(throttle: &LoginThrottle, address: Option<IpAddr>, username: &str) -> bool {
        throttle
            .blocked_for(address, username)
            .await
            .unwrap()
            .is_some()
    }

    async fn fail(throttle: &LoginThrottle, address: Option<IpAddr>, username: &str) {
        throttle.record_failure(address, username).await.unwrap();
    }

    async fn an_address_is_blocked_after_its_failures_and_told_how_long(
        throttle: impl Fn(ThrottleLimits) -> LoginThrottle,
    ) {
        let throttle = throttle(limits(3, 100, Duration::from_secs(60)));
        for _ in 0..3 {
            assert!(!blocked(&throttle, HOME, "john").await);
            fail(&throttle, HOME, "john").await;
        }
        let wait = throttle.blocked_for(HOME, "jack").await.unwrap().unwrap();
        assert!(
            wait > Duration::from_secs(58) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(
            !blocked(&throttle, CAFE, "john").await,
            "another address is not blocked"
        );
    }

    async fn a_username_is_blocked_after_failures_from_many_addresses(
        throttle: impl Fn(ThrottleLimits) -> LoginThrottle,
    ) {
        let throttle = throttle(limits(100, 4, Duration::from_secs(60)));
        for i in 0..4u8 {
            fail(&throttle, Some(IpAddr::from([10, 0, 1, i])), "john").await;
        }
        assert!(blocked(&throttle, CAFE, "john").await);
        assert!(!blocked(&throttle, CAFE, "jack").await);
    }

    async fn blocks_end_with_the_window(throttle: impl Fn(ThrottleLimits) -> LoginThrottle) {
        let throttle = throttle(limits(2, 2, Duration::from_millis(300)));
        fail(&throttle, HOME, "john").await;
        fail(&throttle, HOME, "john").await;
        assert!(blocked(&throttle, HOME, "john").await);
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert!(!blocked(&throttle, HOME, "john").await);
        // The next failure starts a new window at one, not at three.
        fail(&throttle, HOME, "john").await;
        assert!(!blocked(&throttle, HOME, "john").await);
    }

    async fn success_clears_the_address_but_not_the_username(
        throttle: impl Fn(ThrottleLimits) -> LoginThrottle,
    ) {
        let throttle = throttle(limits(2, 2, Duration::from_secs(60)));
        fail(&throttle, HOME, "john").await;
        fail(&throttle, CAFE, "john").await;
        throttle.record_success(HOME).await.unwrap();
        fail(&throttle, HOME, "jack").await;
        assert!(
            !blocked(&throttle, HOME, "jack").await,
            "the earlier failure was cleared"
        );
        assert!(
            blocked(&throttle, None, "john").await,
            "john's failures stay counted"
        );
    }

    /// Two throttles on one database stand for two instances.
    async fn failures_on_two_instances_add_up(pool: sqlx::PgPool) {
        let limits = limits(5, 100, Duration::from_secs(60));
        let a = LoginThrottle::shared(pool.clone(), limits);
        let b = LoginThrottle::shared(pool, limits);
        for n in 0..5 {
            let instance = if n % 2 == 0 { &a } else { &b };
            fail(instance, HOME, "john").await;
        }
        assert!(blocked(&a, HOME, "john").await);
        assert!(blocked(&b, HOME, "john").await);
    }

    macro_rules! on_memory_and_postgres {
        ($($test:ident),* $(,)?) => {
            mod in_memory {
                $(
                    #[tokio::test]
                    async fn $test() {
                        super::$test(super::LoginThrottle::in_memory).await;
                    }
                )*
            }
            mod on_postgres {
                use super::*;
                $(
                    #[tokio::test]
                    #[cfg_attr(not(postgres_tests), ignore = "needs PostgreSQL: scripts/test.sh runs it")]
                    async fn $test() {
                        let pool = postgres_pool().await;
                        super::$test(move |limits| LoginThrottle::shared(pool.clone(), limits)).await;
                    }
                )*

                #[tokio::test]
                #[cfg_attr(not(postgres_tests), ignore = "needs PostgreSQL: scripts/test.sh runs it")]
                async fn failures_on_two_instances_add_up() {
                    let pool = postgres_pool().await;
                    super::failures_on_two_instances_add_up(pool).await;
                }
            }
        };
    }

    on_memory_and_postgres!(
        an_address_is_blocked_after_its_failures_and_told_how_long,
        a_username_is_blocked_after_failures_from_many_addresses,
        blocks_end_with_the_window,
        success_clears_the_address_but_not_the_username,
    );
}
