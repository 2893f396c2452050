//! Deleting an account: the user and everything of theirs, in one
//! transaction with the events that tell the other services.

use super::{UserStore, outbox};
use crate::db::{is_postgres, on_pool};
use crate::domain::{UserId, Username};

/// An account as it was deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedAccount {
    pub id: UserId,
    pub username: Username,
}

impl UserStore {
    /// Deletes user `id` and, by the tables' foreign keys, their sessions
    /// and refresh tokens, passkeys, ceremonies, recovery codes and links,
    /// and activity; the spots they added stay, credited to nobody. Their
    /// login-failure counts go too. In the same transaction it writes the
    /// "account purged" event for each of `receivers` (the other services'
    /// audience names), and keeps the id so that it is never given again.
    ///
    /// Every token of theirs is refused by the next request (the token check
    /// finds no user); the username is free at once. `None` if there is no
    /// such user (deleted already, say): nothing is written.
    pub async fn delete_account(
        &self,
        id: UserId,
        receivers: &[&str],
        now: u64,
    ) -> Result<Option<DeletedAccount>, sqlx::Error> {
        let at = outbox::seconds(now);
        let username: Option<String> = on_pool!(self.pools(), writer, |pool| {
            let mut tx = pool.begin().await?;
            let username: Option<String> =
                sqlx::query_scalar("DELETE FROM users WHERE id = $1 RETURNING username")
                    .bind(id.get())
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(username) = &username {
                sqlx::query("INSERT INTO deleted_accounts (id, deleted_at) VALUES ($1, $2)")
                    .bind(id.get())
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                // The shared throttle's counts (SQLite's are in memory and
                // forget themselves within a window).
                if is_postgres(pool) {
                    sqlx::query("DELETE FROM login_failures WHERE key = $1")
                        .bind(format!("username:{username}"))
                        .execute(&mut *tx)
                        .await?;
                }
                for receiver in receivers {
                    sqlx::query(outbox::ENQUEUE)
                        .bind(outbox::event_id()?)
                        .bind(outbox::ACCOUNT_PURGED)
                        .bind(id.get())
                        .bind(*receiver)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            username
        });
        let Some(username) = username else {
            return Ok(None);
        };
        let username =
            Username::parse(&username).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
        // The id only: the name of someone who asked to be forgotten stays
        // out of the logs.
        tracing::info!(user = %id, receivers = receivers.len(), "account deleted");
        Ok(Some(DeletedAccount { id, username }))
    }

    /// Whether `id` was an account that has been deleted.
    pub async fn was_deleted(&self, id: UserId) -> Result<bool, sqlx::Error> {
        let found: Option<i64> = on_pool!(self.pools(), reader, |pool| {
            sqlx::query_scalar("SELECT id FROM deleted_accounts WHERE id = $1")
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        Ok(found.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        domain::{ActivityKind, User, UserName},
        test_databases::on_both_databases,
        users::{ActivityLog, Outbox, outbox::ACCOUNT_PURGED},
    };
    use std::time::Duration;

    async fn john(store: &UserStore) -> UserId {
        let john = User {
            id: UserId::new(120).unwrap(),
            username: Username::parse("john").unwrap(),
            name: UserName::parse("John").unwrap(),
        };
        assert!(store.insert_if_absent(&john, "$hash").await.unwrap());
        john.id
    }

    async fn deleting_takes_the_user_and_theirs_and_writes_one_event_per_receiver(
        store: UserStore,
    ) {
        let id = john(&store).await;
        let activity = ActivityLog::on(store.pools().clone());
        activity
            .record(id, ActivityKind::SignedIn, "Firefox on Linux")
            .await;

        let deleted = store
            .delete_account(id, &["favorites", "other"], 1_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((deleted.id, deleted.username.as_str()), (id, "john"));
        assert!(store.find_by_id(id).await.unwrap().is_none());
        assert!(activity.page(id, None, 10).await.unwrap().is_empty());
        assert!(store.was_deleted(id).await.unwrap());

        let events = Outbox::on(store.pools().clone())
            .claim(1_000, Duration::from_secs(30), 10)
            .await
            .unwrap();
        let receivers: Vec<&str> = events.iter().map(|e| e.receiver.as_str()).collect();
        assert_eq!(receivers, ["favorites", "other"]);
        assert!(events.iter().all(|e| e.subject == id
            && e.event == ACCOUNT_PURGED
            && e.occurred_at == 1_000
            && e.attempts == 1));
        assert_ne!(events[0].jti, events[1].jti);
    }

    async fn deleting_twice_writes_nothing_the_second_time(store: UserStore) {
        let id = john(&store).await;
        assert!(
            store
                .delete_account(id, &["favorites"], 1)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .delete_account(id, &["favorites"], 2)
                .await
                .unwrap()
                .is_none()
        );
        let outbox = Outbox::on(store.pools().clone());
        assert_eq!(outbox.depth().await.unwrap(), 1);
    }

    async fn a_deleted_id_is_never_inserted_again_but_the_username_is_free(store: UserStore) {
        let id = john(&store).await;
        store.delete_account(id, &[], 1).await.unwrap();
        let again = User {
            id,
            username: Username::parse("john").unwrap(),
            name: UserName::parse("John").unwrap(),
        };
        assert!(!store.insert_if_absent(&again, "$hash").await.unwrap());
        let new = store
            .create_user(&again.username, &again.name, "$hash")
            .await
            .unwrap()
            .unwrap();
        assert!(new.id.get() > id.get(), "{} after {}", new.id, id);
    }

    on_both_databases!(
        deleting_takes_the_user_and_theirs_and_writes_one_event_per_receiver,
        deleting_twice_writes_nothing_the_second_time,
        a_deleted_id_is_never_inserted_again_but_the_username_is_free,
    );
}
