//! Registrations and sign-ins in progress, in the main database: any
//! instance can finish what another started. A ceremony is taken (deleted)
//! by the first attempt to finish it, so its challenge is never accepted
//! twice, nor after it expires, nor (a registration) for another user.

use identity::db::{Pools, on_pool};
use photo_spots_core::domain::UserId;

/// What a ceremony is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Adding a passkey to the signed-in user's account.
    Register,
    /// Signing in with a passkey, no username given.
    SignIn,
    /// The signed-in user confirming it's them with one of their passkeys.
    Reauth,
}

impl Purpose {
    fn column(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::SignIn => "sign_in",
            Self::Reauth => "reauth",
        }
    }
}

#[derive(Clone)]
pub struct Ceremonies(Pools);

impl Ceremonies {
    pub fn on(pools: Pools) -> Self {
        Self(pools)
    }

    /// Keeps the library's `state` (JSON) for ceremony `id` until
    /// `expires_at`; ended ones go at the same time.
    pub async fn keep(
        &self,
        id: &str,
        purpose: Purpose,
        user: Option<UserId>,
        state: &str,
        (now, expires_at): (i64, i64),
    ) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, writer, |pool| {
            sqlx::query("DELETE FROM passkey_ceremonies WHERE expires_at <= $1")
                .bind(now)
                .execute(pool)
                .await?;
            sqlx::query(
                "INSERT INTO passkey_ceremonies (id, purpose, user_id, state, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(purpose.column())
            .bind(user.map(UserId::get))
            .bind(state)
            .bind(expires_at)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Takes ceremony `id`'s state if it is for `purpose` (and `user`) and
    /// has not expired at `now`. Taken once: a second call gets `None`.
    pub async fn take(
        &self,
        id: &str,
        purpose: Purpose,
        user: Option<UserId>,
        now: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        // `user_id = $3` is not true for NULL = NULL, hence the two forms.
        on_pool!(&self.0, writer, |pool| {
            sqlx::query_scalar(
                "DELETE FROM passkey_ceremonies \
                 WHERE id = $1 AND purpose = $2 AND expires_at > $4 \
                 AND (user_id = $3 OR (user_id IS NULL AND $3 IS NULL)) \
                 RETURNING state",
            )
            .bind(id)
            .bind(purpose.column())
            .bind(user.map(UserId::get))
            .bind(now)
            .fetch_optional(pool)
            .await
        })
    }
}
