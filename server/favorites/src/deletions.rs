//! Accounts the main app has deleted (it says so with a Security Event
//! Token: `security_events`). This service trusts tokens without asking
//! the issuer, so a deleted person's token would go on working here until
//! it expires; it is refused instead, from the moment the event arrives.
//!
//! Every token check asks [`Deletions::refuses`]: an in-memory map, read
//! without a database call, loaded at start and written through.

use parking_lot::RwLock;
use photo_spots_core::domain::UserId;
use sqlx::SqlitePool;
use std::{collections::HashMap, sync::Arc};

/// How long a deletion is remembered: past the longest access token the
/// main app can issue (`JWT_TTL_SECONDS` is at most 30 days), so every
/// token issued before it has expired by then. Ids are never given again,
/// so no later token can name the same person.
pub const REMEMBERED_SECONDS: u64 = 31 * 86_400;

/// What applying an event did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// First time: the favourites are gone, the tokens refused.
    Done,
    /// This very event was applied before; nothing more changed.
    AlreadyDone,
    /// The `jti` was used by a different event: refused, nothing changed.
    JtiReused,
}

#[derive(Clone)]
pub struct Deletions {
    pool: SqlitePool,
    /// User → when their account was deleted (Unix seconds).
    deleted: Arc<RwLock<HashMap<UserId, u64>>>,
}

impl Deletions {
    /// The deletions remembered in `pool` (the favourites database).
    pub async fn load(pool: SqlitePool) -> Result<Self, sqlx::Error> {
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT user_id, deleted_at FROM deleted_accounts")
                .fetch_all(&pool)
                .await?;
        let deleted = rows
            .into_iter()
            .filter_map(|(user, at)| Some((UserId::new(user).ok()?, u64::try_from(at).ok()?)))
            .collect();
        Ok(Self {
            pool,
            deleted: Arc::new(RwLock::new(deleted)),
        })
    }

    /// Whether a token of `user` issued at `iat` is refused: it was issued
    /// before (or as) their account was deleted.
    pub fn refuses(&self, user: UserId, iat: u64) -> bool {
        let deleted = self.deleted.read();
        !deleted.is_empty() && deleted.get(&user).is_some_and(|at| iat <= *at)
    }

    /// Applies "account `user` deleted at `at`", reported by event `jti`
    /// whose content hashes to `fingerprint`: in one transaction, the event
    /// is recorded, the favourites deleted and the deletion remembered.
    pub async fn apply(
        &self,
        jti: &str,
        fingerprint: &str,
        user: UserId,
        at: u64,
        now: u64,
    ) -> Result<Applied, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        // A write first: the transaction takes SQLite's write lock at once
        // (waiting its turn), where a read first would have to upgrade, and
        // fail, when two events arrive together.
        let recorded = sqlx::query(
            "INSERT INTO received_events (jti, fingerprint, received_at) VALUES (?, ?, ?) \
             ON CONFLICT (jti) DO NOTHING",
        )
        .bind(jti)
        .bind(fingerprint)
        .bind(seconds(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if recorded == 0 {
            let seen: String =
                sqlx::query_scalar("SELECT fingerprint FROM received_events WHERE jti = ?")
                    .bind(jti)
                    .fetch_one(&mut *tx)
                    .await?;
            return Ok(if seen == fingerprint {
                Applied::AlreadyDone
            } else {
                Applied::JtiReused
            });
        }
        sqlx::query("DELETE FROM favorites WHERE user_id = ?")
            .bind(user.get())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO deleted_accounts (user_id, deleted_at) VALUES (?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET deleted_at = max(deleted_at, excluded.deleted_at)",
        )
        .bind(user.get())
        .bind(seconds(at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut deleted = self.deleted.write();
        let kept = deleted.entry(user).or_insert(at);
        *kept = (*kept).max(at);
        Ok(Applied::Done)
    }

    /// Forgets deletions older than [`REMEMBERED_SECONDS`], and the events
    /// received as long ago (a transmitter retries for far less).
    pub async fn prune(&self, now: u64) -> Result<(), sqlx::Error> {
        let before = seconds(now.saturating_sub(REMEMBERED_SECONDS));
        sqlx::query("DELETE FROM deleted_accounts WHERE deleted_at < ?")
            .bind(before)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM received_events WHERE received_at < ?")
            .bind(before)
            .execute(&self.pool)
            .await?;
        let before = u64::try_from(before).unwrap_or(0);
        self.deleted.write().retain(|_, at| *at >= before);
        Ok(())
    }

    /// Prunes once a day in the background.
    pub fn prune_every_day(&self) {
        let deletions = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(std::time::Duration::from_secs(86_400));
            loop {
                ticks.tick().await;
                if let Err(error) = deletions.prune(identity::clock::unix_now()).await {
                    tracing::warn!(%error, "could not prune the remembered deletions");
                }
            }
        });
    }
}

fn seconds(unix: u64) -> i64 {
    i64::try_from(unix).unwrap_or(i64::MAX)
}
