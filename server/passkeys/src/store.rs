//! The passkeys people registered and their WebAuthn user handles, in the
//! main database (both kinds, one SQL text each).

use identity::db::{Pools, on_pool};
use photo_spots_core::{
    domain::{PasskeyName, UserId},
    wire::PasskeySummary,
};

/// A stored credential, for finishing a sign-in with it.
pub struct StoredCredential {
    pub user: UserId,
    /// The library's `Passkey`, as JSON.
    pub credential: String,
}

/// A new credential to keep.
pub struct NewPasskey<'a> {
    pub id: &'a str,
    pub user: UserId,
    pub name: &'a PasskeyName,
    pub credential: &'a str,
    pub synced: bool,
    pub now: i64,
}

#[derive(Clone)]
pub struct PasskeyStore(Pools);

type SummaryRow = (String, String, bool, i64, Option<i64>);

fn summary((id, name, synced, created_at, last_used_at): SummaryRow) -> PasskeySummary {
    PasskeySummary {
        id,
        name,
        synced,
        created_at,
        last_used_at,
    }
}

impl PasskeyStore {
    pub fn on(pools: Pools) -> Self {
        Self(pools)
    }

    /// `user`'s WebAuthn handle, made from `fresh` the first time.
    pub async fn handle(&self, user: UserId, fresh: &str) -> Result<Option<String>, sqlx::Error> {
        on_pool!(&self.0, writer, |pool| {
            sqlx::query_scalar(
                "UPDATE users SET passkey_handle = COALESCE(passkey_handle, $2) \
                 WHERE id = $1 RETURNING passkey_handle",
            )
            .bind(user.get())
            .bind(fresh)
            .fetch_optional(pool)
            .await
        })
    }

    /// `user`'s passkeys, oldest first.
    pub async fn list(&self, user: UserId) -> Result<Vec<PasskeySummary>, sqlx::Error> {
        let rows: Vec<SummaryRow> = on_pool!(&self.0, reader, |pool| {
            sqlx::query_as(
                "SELECT id, name, synced, created_at, last_used_at FROM passkeys \
                 WHERE user_id = $1 ORDER BY created_at, id",
            )
            .bind(user.get())
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(summary).collect())
    }

    /// The ids of `user`'s passkeys (to exclude when they add another).
    pub async fn ids(&self, user: UserId) -> Result<Vec<String>, sqlx::Error> {
        on_pool!(&self.0, reader, |pool| {
            sqlx::query_scalar("SELECT id FROM passkeys WHERE user_id = $1")
                .bind(user.get())
                .fetch_all(pool)
                .await
        })
    }

    /// The credential `id` of the user whose handle is `handle`: both must
    /// match, so a credential can't be presented as someone else's.
    pub async fn find(
        &self,
        id: &str,
        handle: &str,
    ) -> Result<Option<StoredCredential>, sqlx::Error> {
        let row: Option<(i64, String)> = on_pool!(&self.0, reader, |pool| {
            sqlx::query_as(
                "SELECT p.user_id, p.credential FROM passkeys p JOIN users u ON u.id = p.user_id \
                 WHERE p.id = $1 AND u.passkey_handle = $2",
            )
            .bind(id)
            .bind(handle)
            .fetch_optional(pool)
            .await?
        });
        row.map(|(user, credential)| {
            Ok(StoredCredential {
                user: UserId::new(user).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                credential,
            })
        })
        .transpose()
    }

    /// Keeps a new passkey; `false` if that credential is registered already.
    pub async fn insert(&self, new: NewPasskey<'_>) -> Result<bool, sqlx::Error> {
        let inserted = on_pool!(&self.0, writer, |pool| {
            sqlx::query(
                "INSERT INTO passkeys (id, user_id, name, credential, synced, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            )
            .bind(new.id)
            .bind(new.user.get())
            .bind(new.name.as_str())
            .bind(new.credential)
            .bind(new.synced)
            .bind(new.now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    /// After a sign-in: the credential's new counter and flags, and when.
    /// Only if the stored credential is still `before` (another sign-in
    /// with the same passkey in between loses: its counter was checked
    /// against a value that is no longer current). `false` then.
    pub async fn record_use(
        &self,
        id: &str,
        before: &str,
        after: &str,
        synced: bool,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let updated = on_pool!(&self.0, writer, |pool| {
            sqlx::query(
                "UPDATE passkeys SET credential = $3, synced = $4, last_used_at = $5 \
                 WHERE id = $1 AND credential = $2",
            )
            .bind(id)
            .bind(before)
            .bind(after)
            .bind(synced)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(updated == 1)
    }

    /// Renames `user`'s passkey `id`; `false` if they have no such passkey.
    pub async fn rename(
        &self,
        user: UserId,
        id: &str,
        name: &PasskeyName,
    ) -> Result<Option<PasskeySummary>, sqlx::Error> {
        let row: Option<SummaryRow> = on_pool!(&self.0, writer, |pool| {
            sqlx::query_as(
                "UPDATE passkeys SET name = $3 WHERE user_id = $1 AND id = $2 \
                 RETURNING id, name, synced, created_at, last_used_at",
            )
            .bind(user.get())
            .bind(id)
            .bind(name.as_str())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(summary))
    }

    /// Removes `user`'s passkey `id`, unless it is their last way to sign
    /// in (no password, no other passkey) and `last` says to keep it.
    pub async fn remove(
        &self,
        user: UserId,
        id: &str,
        last: LastWay,
    ) -> Result<Removal<()>, sqlx::Error> {
        on_pool!(&self.0, writer, |pool| {
            let mut tx = pool.begin().await?;
            // Two removals at once (this passkey and the password, or two
            // passkeys) must not both pass the check below: the first to
            // write the user's row holds it until it commits, and the
            // second then reads what the first left.
            sqlx::query(LOCK_USER)
                .bind(user.get())
                .execute(&mut *tx)
                .await?;
            let (exists, others, password): (bool, i64, bool) = sqlx::query_as(
                "SELECT EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1 AND id = $2), \
                 (SELECT COUNT(*) FROM passkeys WHERE user_id = $1 AND id <> $2), \
                 EXISTS (SELECT 1 FROM users WHERE id = $1 AND password_hash IS NOT NULL)",
            )
            .bind(user.get())
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if !exists {
                return Ok(Removal::Missing);
            }
            if others == 0 && !password && last == LastWay::Keep {
                return Ok(Removal::LastWay);
            }
            sqlx::query("DELETE FROM passkeys WHERE user_id = $1 AND id = $2")
                .bind(user.get())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Removal::Done(()))
        })
    }

    /// Removes `user`'s password (refusing every older token, as a
    /// password change does), unless they have no passkey to sign in
    /// with. `Done` holds the new token version.
    pub async fn remove_password(&self, user: UserId) -> Result<Removal<i32>, sqlx::Error> {
        on_pool!(&self.0, writer, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(LOCK_USER)
                .bind(user.get())
                .execute(&mut *tx)
                .await?;
            let (password, passkeys): (bool, bool) = sqlx::query_as(
                "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND password_hash IS NOT NULL), \
                 EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1)",
            )
            .bind(user.get())
            .fetch_one(&mut *tx)
            .await?;
            if !password {
                return Ok(Removal::Missing);
            }
            if !passkeys {
                return Ok(Removal::LastWay);
            }
            let version: i32 = sqlx::query_scalar(
                "UPDATE users SET password_hash = NULL, token_version = token_version + 1, \
                 updated_at = CURRENT_TIMESTAMP WHERE id = $1 RETURNING token_version",
            )
            .bind(user.get())
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Removal::Done(version))
        })
    }
}

/// Takes the user's row for the rest of the transaction (PostgreSQL locks
/// a row it updates, even to the same value; SQLite has one writer).
const LOCK_USER: &str = "UPDATE users SET token_version = token_version WHERE id = $1";

/// Whether removing a way to sign in may leave an account with none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastWay {
    /// Refuse: the person would be locked out (their own request).
    Keep,
    /// Allow: support removing a lost device, knowing the account then
    /// has no way in.
    Remove,
}

/// What became of a request to remove a way to sign in.
#[derive(Debug, PartialEq, Eq)]
pub enum Removal<T> {
    Done(T),
    /// Refused: it is the account's last way to sign in.
    LastWay,
    /// There was nothing of that kind to remove.
    Missing,
}
