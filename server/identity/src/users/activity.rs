//! Each account's security activity: what happened to it, for its owner
//! (sign-ins, failed ones, sessions ended, password and passkey changes,
//! recovery codes, operator actions). Kept 90 days. Recording is best
//! effort: the change it describes has happened, so a failed record is
//! logged rather than turned into a failed call.

use crate::{
    clock::unix_now_i64,
    db::{Pools, on_pool},
    domain::{ActivityKind, UserId},
    wire::ActivityEvent,
};
use std::time::Duration;

/// How long events are kept.
pub const KEPT: Duration = Duration::from_secs(90 * 86_400);
/// Longest detail kept (a device label and a network fit many times over).
const MAX_DETAIL_CHARS: usize = 200;

/// `id, at, kind, detail`.
type EventRow = (i64, i64, String, String);

#[derive(Clone)]
pub struct ActivityLog(Pools);

impl ActivityLog {
    /// In the main database (its migrations made the table).
    pub fn on(pools: Pools) -> Self {
        Self(pools)
    }

    /// Records `kind` for `user` now, with `detail` (never a secret).
    pub async fn record(&self, user: UserId, kind: ActivityKind, detail: &str) {
        let detail: String = detail.chars().take(MAX_DETAIL_CHARS).collect();
        let recorded = on_pool!(&self.0, writer, |pool| {
            sqlx::query(
                "INSERT INTO account_activity (user_id, at, kind, detail) VALUES ($1, $2, $3, $4)",
            )
            .bind(user.get())
            .bind(unix_now_i64())
            .bind(kind.as_str())
            .bind(&detail)
            .execute(pool)
            .await
            .map(drop)
        });
        if let Err(error) = recorded {
            tracing::warn!(%user, kind = kind.as_str(), %error, "security activity not recorded");
        }
    }

    /// `user`'s events older than `before` (all, if `None`), newest first,
    /// at most `limit`.
    pub async fn page(
        &self,
        user: UserId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<ActivityEvent>, sqlx::Error> {
        let rows: Vec<EventRow> = on_pool!(&self.0, reader, |pool| {
            sqlx::query_as(
                "SELECT id, at, kind, detail FROM account_activity \
                 WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
            )
            .bind(user.get())
            .bind(before.unwrap_or(i64::MAX))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, at, kind, detail)| {
                let kind = ActivityKind::from_column(&kind).ok_or_else(|| {
                    sqlx::Error::Decode(format!("unknown activity kind {kind:?}").into())
                })?;
                Ok(ActivityEvent {
                    id,
                    at,
                    kind,
                    detail,
                })
            })
            .collect()
    }

    /// Forgets events older than [`KEPT`]; returns how many.
    pub async fn prune(&self, now: i64) -> Result<u64, sqlx::Error> {
        let oldest = now - i64::try_from(KEPT.as_secs()).unwrap_or(i64::MAX);
        on_pool!(&self.0, writer, |pool| {
            Ok(sqlx::query("DELETE FROM account_activity WHERE at < $1")
                .bind(oldest)
                .execute(pool)
                .await?
                .rows_affected())
        })
    }

    /// Prunes now and then every `period`, for as long as the process runs.
    pub fn prune_every(&self, period: Duration) {
        let log = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            loop {
                ticks.tick().await;
                if let Err(error) = log.prune(unix_now_i64()).await {
                    tracing::warn!(%error, "security activity pruning skipped");
                }
            }
        });
    }
}
