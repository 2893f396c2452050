//! The security events outbox: events that other services must hear of (an
//! account deleted), written in the same transaction as the change they
//! report, and handed out to deliverers until each is acknowledged.
//!
//! Claiming is one statement that leases the due rows: the row's next
//! attempt moves past the lease, so no other deliverer (another instance,
//! or this one's next round) takes it meanwhile. On PostgreSQL the rows are
//! picked `FOR UPDATE SKIP LOCKED`: two instances claiming at the same
//! moment get different rows, and neither waits for the other. An instance
//! that dies mid-send leaves its lease to run out, and the event goes again
//! (at least once; receivers treat a `jti` seen before as done).

use crate::db::{Pools, on_pool};
use crate::domain::UserId;
use std::time::Duration;

/// RISC's "account purged" (OpenID RISC Event Types 1.0): the account the
/// subject names is gone for good.
pub const ACCOUNT_PURGED: &str =
    "https://schemas.openid.net/secevent/risc/event-type/account-purged";

/// Longest error kept on a row (a receiver's answer is cut to this).
const MAX_ERROR_CHARS: usize = 300;

/// An event to send to one receiver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingEvent {
    pub id: i64,
    /// The SET's `jti`, the same on every attempt.
    pub jti: String,
    /// The event type's URI.
    pub event: String,
    pub subject: UserId,
    /// The receiver's audience name.
    pub receiver: String,
    /// When it happened (Unix seconds): the SET's `iat`.
    pub occurred_at: u64,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// `id, jti, event, subject, receiver, occurred_at, attempts`.
type PendingRow = (i64, String, String, i64, String, i64, i32);

#[derive(Clone)]
pub struct Outbox(Pools);

impl Outbox {
    /// In the main database (its migrations made the table).
    pub fn on(pools: Pools) -> Self {
        Self(pools)
    }

    /// Leases up to `limit` due events (oldest first) for `lease`; each
    /// counts one more attempt.
    pub async fn claim(
        &self,
        now: u64,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<PendingEvent>, sqlx::Error> {
        // Every instance looks every second: a read that finds nothing due
        // keeps the write (and, on SQLite, the one writer) out of it.
        let due: Option<i64> = on_pool!(&self.0, reader, |pool| {
            sqlx::query_scalar(
                "SELECT id FROM security_event_outbox \
                 WHERE delivered_at IS NULL AND next_attempt_at <= $1 LIMIT 1",
            )
            .bind(seconds(now))
            .fetch_optional(pool)
            .await?
        });
        if due.is_none() {
            return Ok(Vec::new());
        }
        let until = seconds(now.saturating_add(lease.as_secs()));
        let rows: Vec<PendingRow> = on_pool!(&self.0, writer, |pool| {
            // SQLite has one writer at a time: its statement is claim enough.
            let lock = if crate::db::is_postgres(pool) {
                "FOR UPDATE SKIP LOCKED"
            } else {
                ""
            };
            let sql = format!(
                "UPDATE security_event_outbox SET next_attempt_at = $1, attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM security_event_outbox \
                   WHERE delivered_at IS NULL AND next_attempt_at <= $2 \
                   ORDER BY id LIMIT $3 {lock}) \
                 RETURNING id, jti, event, subject, receiver, occurred_at, attempts"
            );
            sqlx::query_as(&sql)
                .bind(until)
                .bind(seconds(now))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?
        });
        let mut events: Vec<PendingEvent> = rows.into_iter().filter_map(pending).collect();
        events.sort_by_key(|event| event.id);
        Ok(events)
    }

    /// The receiver acknowledged event `id`: it is never sent again.
    pub async fn delivered(&self, id: i64, now: u64) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, writer, |pool| {
            sqlx::query(
                "UPDATE security_event_outbox SET delivered_at = $1, last_error = NULL WHERE id = $2",
            )
            .bind(seconds(now))
            .bind(id)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Event `id` was not acknowledged: it goes again at `retry_at`.
    pub async fn failed(&self, id: i64, retry_at: u64, error: &str) -> Result<(), sqlx::Error> {
        let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
        on_pool!(&self.0, writer, |pool| {
            sqlx::query(
                "UPDATE security_event_outbox SET next_attempt_at = $1, last_error = $2 \
                 WHERE id = $3 AND delivered_at IS NULL",
            )
            .bind(seconds(retry_at))
            .bind(&error)
            .bind(id)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Events not yet acknowledged (the outbox's depth, for `/metrics`).
    pub async fn depth(&self) -> Result<u64, sqlx::Error> {
        let depth: i64 = on_pool!(&self.0, reader, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM security_event_outbox WHERE delivered_at IS NULL",
            )
            .fetch_one(pool)
            .await?
        });
        Ok(u64::try_from(depth).unwrap_or(0))
    }

    /// Forgets events acknowledged before `before` (kept a while, so an
    /// operator can see what went where).
    pub async fn prune(&self, before: u64) -> Result<u64, sqlx::Error> {
        let pruned = on_pool!(&self.0, writer, |pool| {
            sqlx::query("DELETE FROM security_event_outbox WHERE delivered_at < $1")
                .bind(seconds(before))
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(pruned)
    }
}

/// Writes one event for one receiver: `jti, event, subject, receiver,
/// occurred_at` (Unix seconds; due at once). Run inside the transaction
/// of the change it reports (`users::deletion`).
pub(super) const ENQUEUE: &str = "INSERT INTO security_event_outbox \
     (jti, event, subject, receiver, occurred_at, next_attempt_at) \
     VALUES ($1, $2, $3, $4, $5, $5)";

/// 128 random bits, base64url: unguessable and never repeated.
pub(super) fn event_id() -> Result<String, sqlx::Error> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn pending(row: PendingRow) -> Option<PendingEvent> {
    let (id, jti, event, subject, receiver, occurred_at, attempts) = row;
    Some(PendingEvent {
        id,
        jti,
        event,
        // Only valid ids are ever written; a row that isn't one was not
        // written by us and is left alone rather than sent.
        subject: UserId::new(subject).ok()?,
        receiver,
        occurred_at: u64::try_from(occurred_at).ok()?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
    })
}

pub(super) fn seconds(unix: u64) -> i64 {
    i64::try_from(unix).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        domain::{User, UserName, Username},
        test_databases::on_both_databases,
        users::UserStore,
    };

    const LEASE: Duration = Duration::from_secs(30);

    /// An outbox holding `n` events (accounts 1‥n deleted at time 100).
    async fn with_events(store: &UserStore, n: i64) -> Outbox {
        for id in 1..=n {
            let user = User {
                id: UserId::new(id).unwrap(),
                username: Username::parse(&format!("user-{id}")).unwrap(),
                name: UserName::parse("Someone").unwrap(),
            };
            store.insert_if_absent(&user, "$hash").await.unwrap();
            store
                .delete_account(user.id, &["favorites"], 100)
                .await
                .unwrap();
        }
        Outbox::on(store.pools().clone())
    }

    async fn a_claimed_event_waits_out_its_lease_and_a_delivered_one_is_done(store: UserStore) {
        let outbox = with_events(&store, 1).await;
        let first = outbox.claim(100, LEASE, 10).await.unwrap();
        assert_eq!(first.len(), 1);
        assert!(
            outbox.claim(129, LEASE, 10).await.unwrap().is_empty(),
            "leased"
        );
        let again = outbox.claim(130, LEASE, 10).await.unwrap();
        assert_eq!(
            (again[0].id, again[0].attempts),
            (first[0].id, 2),
            "the lease ran out"
        );
        outbox.delivered(again[0].id, 131).await.unwrap();
        assert!(outbox.claim(10_000, LEASE, 10).await.unwrap().is_empty());
        assert_eq!(outbox.depth().await.unwrap(), 0);
        assert_eq!(outbox.prune(132).await.unwrap(), 1);
    }

    async fn a_failed_event_goes_again_at_its_retry(store: UserStore) {
        let outbox = with_events(&store, 1).await;
        let event = outbox.claim(100, LEASE, 10).await.unwrap().remove(0);
        outbox
            .failed(event.id, 104, "connection refused")
            .await
            .unwrap();
        assert!(outbox.claim(103, LEASE, 10).await.unwrap().is_empty());
        assert_eq!(outbox.claim(104, LEASE, 10).await.unwrap()[0].attempts, 2);
        assert_eq!(outbox.depth().await.unwrap(), 1);
    }

    async fn deliverers_claiming_at_once_never_share_an_event(store: UserStore) {
        let outbox = with_events(&store, 12).await;
        let claims: Vec<_> = (0..4)
            .map(|_| {
                let outbox = outbox.clone();
                tokio::spawn(async move { outbox.claim(100, LEASE, 5).await.unwrap() })
            })
            .collect();
        let mut ids = Vec::new();
        for claim in claims {
            ids.extend(claim.await.unwrap().into_iter().map(|event| event.id));
        }
        let claimed = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), claimed, "an event claimed twice");
        assert_eq!(claimed, 12, "every event claimed");
    }

    on_both_databases!(
        a_claimed_event_waits_out_its_lease_and_a_delivered_one_is_done,
        a_failed_event_goes_again_at_its_retry,
        deliverers_claiming_at_once_never_share_an_event,
    );
}
