//! The throttle's counters in PostgreSQL (`login_failures`, an unlogged
//! table), shared by every instance: five failures spread over three
//! instances count as five. Windows run on the database's clock, so the
//! instances' clocks don't matter.

use super::ThrottleLimits;
use sqlx::PgPool;
use std::{net::IpAddr, time::Duration};

pub struct PostgresThrottle {
    pool: PgPool,
    limits: ThrottleLimits,
}

impl PostgresThrottle {
    /// Also starts a task that deletes ended windows, so the table holds only
    /// the current window's failures; it stops when the pool closes.
    pub fn new(pool: PgPool, limits: ThrottleLimits) -> Self {
        tokio::spawn(sweep_forever(pool.clone(), limits.window));
        Self { pool, limits }
    }

    pub async fn blocked_for(
        &self,
        address: Option<IpAddr>,
        username: &str,
    ) -> Result<Option<Duration>, sqlx::Error> {
        let wait_ms: Option<f64> = sqlx::query_scalar(
            "SELECT (EXTRACT(EPOCH FROM max(window_started + make_interval(secs => $5) - now())) * 1000)::float8 \
             FROM login_failures \
             WHERE ((key = $1 AND failures >= $2) OR (key = $3 AND failures >= $4)) \
               AND window_started + make_interval(secs => $5) > now()",
        )
        .bind(address.map(address_key))
        .bind(i64::from(self.limits.per_address))
        .bind(username_key(username))
        .bind(i64::from(self.limits.per_username))
        .bind(self.limits.window.as_secs_f64())
        .fetch_one(&self.pool)
        .await?;
        Ok(wait_ms.map(|ms| Duration::from_millis(ms.max(0.0) as u64)))
    }

    pub async fn record_failure(
        &self,
        address: Option<IpAddr>,
        username: &str,
    ) -> Result<(), sqlx::Error> {
        let keys: Vec<String> = address
            .map(address_key)
            .into_iter()
            .chain([username_key(username)])
            .collect();
        // A window that has ended starts over at this failure.
        sqlx::query(
            "INSERT INTO login_failures (key, failures, window_started) \
             SELECT key, 1, now() FROM unnest($1::text[]) AS key \
             ON CONFLICT (key) DO UPDATE SET \
               failures = CASE WHEN login_failures.window_started + make_interval(secs => $2) <= now() \
                          THEN 1 ELSE LEAST(login_failures.failures + 1, 1000000000) END, \
               window_started = CASE WHEN login_failures.window_started + make_interval(secs => $2) <= now() \
                                THEN now() ELSE login_failures.window_started END",
        )
        .bind(keys)
        .bind(self.limits.window.as_secs_f64())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn record_success(&self, address: Option<IpAddr>) -> Result<(), sqlx::Error> {
        if let Some(address) = address {
            sqlx::query("DELETE FROM login_failures WHERE key = $1")
                .bind(address_key(address))
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }
}

fn address_key(address: IpAddr) -> String {
    format!("address:{address}")
}

fn username_key(username: &str) -> String {
    format!("username:{username}")
}

async fn sweep_forever(pool: PgPool, window: Duration) {
    let mut every = tokio::time::interval(window.max(Duration::from_secs(10)));
    while !pool.is_closed() {
        every.tick().await;
        let swept = sqlx::query(
            "DELETE FROM login_failures WHERE window_started + make_interval(secs => $1) <= now()",
        )
        .bind(window.as_secs_f64())
        .execute(&pool)
        .await;
        if let Err(error) = swept {
            tracing::debug!(%error, "could not sweep ended login-failure windows");
        }
    }
}
