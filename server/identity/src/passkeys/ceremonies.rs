//! Registrations and sign-ins in progress, in the main database: any
//! instance can finish what another started. A ceremony is taken (deleted)
//! by the first attempt to finish it, so its challenge is never accepted
//! twice, nor after it expires, nor (a registration) for another user.

use crate::{
    db::{Pools, on_pool},
    domain::UserId,
};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        domain::{User, UserName, Username},
        users::{UserStore, test_databases::on_both_databases},
    };

    const NOW: i64 = 1_800_000_000;

    async fn user(users: &UserStore, name: &str) -> UserId {
        let user: User = users
            .create_user(
                &Username::parse(name).unwrap(),
                &UserName::parse(name).unwrap(),
                "hash",
            )
            .await
            .unwrap()
            .unwrap();
        user.id
    }

    on_both_databases! {
        a_ceremony_is_taken_once_and_only_before_it_expires,
        a_registration_is_only_for_the_user_who_started_it,
        a_sign_in_ceremony_is_not_a_registration,
    }

    async fn a_ceremony_is_taken_once_and_only_before_it_expires(users: UserStore) {
        let ceremonies = Ceremonies::on(users.pools().clone());
        ceremonies
            .keep("c1", Purpose::SignIn, None, "state-1", (NOW, NOW + 60))
            .await
            .unwrap();
        let take = |at| ceremonies.take("c1", Purpose::SignIn, None, at);
        assert_eq!(take(NOW + 1).await.unwrap().as_deref(), Some("state-1"));
        assert_eq!(take(NOW + 2).await.unwrap(), None, "never twice");

        ceremonies
            .keep("c2", Purpose::SignIn, None, "state-2", (NOW, NOW + 60))
            .await
            .unwrap();
        let late = ceremonies.take("c2", Purpose::SignIn, None, NOW + 60).await;
        assert_eq!(late.unwrap(), None, "not at or after its end");
    }

    async fn a_registration_is_only_for_the_user_who_started_it(users: UserStore) {
        let ceremonies = Ceremonies::on(users.pools().clone());
        let (ann, bob) = (user(&users, "ann").await, user(&users, "bob").await);
        ceremonies
            .keep("r1", Purpose::Register, Some(ann), "ann's", (NOW, NOW + 60))
            .await
            .unwrap();
        let take = |who| ceremonies.take("r1", Purpose::Register, who, NOW + 1);
        assert_eq!(take(Some(bob)).await.unwrap(), None);
        assert_eq!(take(None).await.unwrap(), None);
        // Bob's attempts took nothing: Ann can still finish.
        assert_eq!(take(Some(ann)).await.unwrap().as_deref(), Some("ann's"));
    }

    async fn a_sign_in_ceremony_is_not_a_registration(users: UserStore) {
        let ceremonies = Ceremonies::on(users.pools().clone());
        ceremonies
            .keep("s1", Purpose::SignIn, None, "sign-in", (NOW, NOW + 60))
            .await
            .unwrap();
        let taken = ceremonies
            .take("s1", Purpose::Register, None, NOW + 1)
            .await;
        assert_eq!(taken.unwrap(), None);
    }
}
