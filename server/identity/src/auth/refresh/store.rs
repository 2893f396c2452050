//! The refresh tokens' tables, on whichever database the users are.
//!
//! Every statement is written once (both databases read `$1` parameters
//! and `RETURNING`), as in the spots' store. A rotation is one transaction
//! whose first statement claims the presented token (`rotated_at IS NULL`):
//! of two requests presenting the same token, on any instances, exactly one
//! wins, and the other is seen as reuse.

use crate::{
    auth::{Device, SignIn},
    db::{Pools, on_pool},
    domain::{SignInMethod, UserId},
    wire::SessionSummary,
};

/// A renewal records its session's last use only if the record is older
/// than this: a busy session is not a write on every renewal.
const LAST_USED_PRECISION_SECONDS: i64 = 60;

/// `id, created_at, auth_time, last_used_at, device, network, amr`.
type SessionRow = (
    String,
    i64,
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
);

#[derive(Clone)]
pub struct RefreshStore(Pools);

/// Why a presented token could not be claimed, inside the rotation's
/// transaction `$tx`; revokes its family if it was claimed before (reuse).
/// A macro, like `on_pool!`, so one text serves both databases' types.
macro_rules! why_not {
    ($tx:ident, $hash:expr, $now:expr) => {{
        type Found = (Option<i64>, Option<i64>, String, i64);
        let found: Option<Found> = sqlx::query_as(
            "SELECT t.rotated_at, f.revoked_at, f.id, f.user_id FROM refresh_tokens t \
             JOIN refresh_families f ON f.id = t.family_id WHERE t.hash = $1",
        )
        .bind($hash)
        .fetch_optional(&mut *$tx)
        .await?;
        match found {
            None => Rotation::Unknown,
            Some((None, Some(_), _, _)) => Rotation::Revoked,
            Some((None, None, _, _)) => Rotation::Expired,
            Some((Some(_), _, family_id, user)) => {
                sqlx::query(
                    "UPDATE refresh_families SET revoked_at = $1 \
                     WHERE id = $2 AND revoked_at IS NULL",
                )
                .bind($now)
                .bind(&family_id)
                .execute(&mut *$tx)
                .await?;
                Rotation::Reused(Family {
                    id: family_id,
                    user: stored_user_id(user)?,
                })
            }
        }
    }};
}

/// Which login a refresh token belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Family {
    pub id: String,
    pub user: UserId,
}

/// What presenting a refresh token came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rotation {
    /// Exchanged: the successor (already stored) is good until `expires_at`;
    /// the family's access tokens carry its sign-in method and DPoP key.
    Rotated {
        family: Family,
        expires_at: i64,
        login: SignIn,
    },
    /// The family is bound to a DPoP key and the request's proof (if any)
    /// was made by another: nothing changed, the token is not spent.
    WrongKey,
    /// No such token (never issued, or pruned after it ended).
    Unknown,
    /// Past its sliding or absolute end.
    Expired,
    /// Its family was revoked (log-out, log out everywhere, a password
    /// change, or an earlier reuse).
    Revoked,
    /// Already exchanged once: somebody else holds a copy. The family is
    /// revoked now, so the copy's successors stop working too.
    Reused(Family),
}

/// The token being exchanged and its successor.
pub struct Exchange<'a> {
    pub presented_hash: &'a str,
    pub successor_hash: &'a str,
    pub now: i64,
    /// The successor's sliding end; the family's end caps it.
    pub successor_expires_at: i64,
    /// The thumbprint of the key that signed the request's DPoP proof.
    pub proof_jkt: Option<&'a str>,
}

impl RefreshStore {
    /// In the main database (its migrations made the tables).
    pub fn on(pools: Pools) -> Self {
        Self(pools)
    }

    /// Starts a family for a new login, with its first token; it keeps how
    /// the person signed in and the DPoP key the login is bound to, if any.
    pub async fn start_family(
        &self,
        family: &Family,
        (login, device): (&SignIn, &Device),
        token_hash: &str,
        now: i64,
        (token_expires_at, family_expires_at): (i64, i64),
    ) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, writer, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO refresh_families (id, user_id, created_at, expires_at, dpop_jkt, amr, \
                 auth_time, last_used_at, device, network, passkey) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $3, $8, $9, $10)",
            )
            .bind(&family.id)
            .bind(family.user.get())
            .bind(now)
            .bind(family_expires_at)
            .bind(login.jkt.as_deref())
            .bind(login.method.to_column())
            .bind(stored_time(login.auth_time))
            .bind(&device.label)
            .bind(&device.network)
            .bind(device.passkey.as_deref())
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO refresh_tokens (hash, family_id, issued_at, expires_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(token_hash)
            .bind(&family.id)
            .bind(now)
            .bind(token_expires_at.min(family_expires_at))
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })
    }

    /// Exchanges a presented token for its successor, or says why not
    /// (revoking the family on reuse).
    pub async fn rotate(&self, exchange: Exchange<'_>) -> Result<Rotation, sqlx::Error> {
        let Exchange {
            presented_hash,
            successor_hash,
            now,
            successor_expires_at,
            proof_jkt,
        } = exchange;
        on_pool!(&self.0, writer, |pool| {
            let mut tx = pool.begin().await?;
            // Only a live token of a live family is claimed: a dead one
            // stays as it was, so presenting it again is not taken for reuse.
            let claimed: Option<String> = sqlx::query_scalar(
                "UPDATE refresh_tokens SET rotated_at = $1 \
                 WHERE hash = $2 AND rotated_at IS NULL AND expires_at > $1 \
                 AND family_id IN (SELECT id FROM refresh_families \
                                   WHERE revoked_at IS NULL AND expires_at > $1) \
                 RETURNING family_id",
            )
            .bind(now)
            .bind(presented_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let rotation = match claimed {
                None => why_not!(tx, presented_hash, now),
                Some(family_id) => {
                    type FamilyRow = (i64, i64, Option<String>, String, i64);
                    let (user, family_end, jkt, amr, auth_time): FamilyRow = sqlx::query_as(
                        "SELECT user_id, expires_at, dpop_jkt, amr, auth_time \
                         FROM refresh_families WHERE id = $1",
                    )
                    .bind(&family_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    if jkt.is_some() && jkt.as_deref() != proof_jkt {
                        // Dropped uncommitted: the claim is undone, so a
                        // copy of the cookie without the key can't spend
                        // (and so end) the login.
                        return Ok(Rotation::WrongKey);
                    }
                    let expires_at = successor_expires_at.min(family_end);
                    sqlx::query(
                        "INSERT INTO refresh_tokens (hash, family_id, issued_at, expires_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(successor_hash)
                    .bind(&family_id)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "UPDATE refresh_families SET last_used_at = $1 \
                         WHERE id = $2 AND last_used_at <= $3",
                    )
                    .bind(now)
                    .bind(&family_id)
                    .bind(now - LAST_USED_PRECISION_SECONDS)
                    .execute(&mut *tx)
                    .await?;
                    Rotation::Rotated {
                        family: Family {
                            id: family_id,
                            user: stored_user_id(user)?,
                        },
                        expires_at,
                        login: SignIn {
                            method: stored_method(&amr)?,
                            jkt,
                            auth_time: u64::try_from(auth_time).unwrap_or_default(),
                        },
                    }
                }
            };
            tx.commit().await?;
            Ok(rotation)
        })
    }

    /// Revokes the family of the token `hash` (log-out on one device).
    pub async fn revoke_family_of(
        &self,
        hash: &str,
        now: i64,
    ) -> Result<Option<Family>, sqlx::Error> {
        let row: Option<(String, i64)> = on_pool!(&self.0, writer, |pool| {
            sqlx::query_as(
                "UPDATE refresh_families SET revoked_at = COALESCE(revoked_at, $1) \
                 WHERE id = (SELECT family_id FROM refresh_tokens WHERE hash = $2) \
                 RETURNING id, user_id",
            )
            .bind(now)
            .bind(hash)
            .fetch_optional(pool)
            .await?
        });
        row.map(|(id, user)| {
            Ok(Family {
                id,
                user: stored_user_id(user)?,
            })
        })
        .transpose()
    }

    /// Revokes every family of `user` (log out everywhere, a password
    /// change); returns how many were live.
    pub async fn revoke_all(&self, user: UserId, now: i64) -> Result<u64, sqlx::Error> {
        on_pool!(&self.0, writer, |pool| {
            Ok(sqlx::query(
                "UPDATE refresh_families SET revoked_at = $1 \
                 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(user.get())
            .execute(pool)
            .await?
            .rows_affected())
        })
    }

    /// `user`'s live sessions, the most recently used first.
    pub async fn sessions(
        &self,
        user: UserId,
        now: i64,
    ) -> Result<Vec<SessionSummary>, sqlx::Error> {
        let rows: Vec<SessionRow> = on_pool!(&self.0, reader, |pool| {
            sqlx::query_as(
                "SELECT id, created_at, auth_time, last_used_at, device, network, amr, passkey \
                 FROM refresh_families \
                 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 \
                 ORDER BY last_used_at DESC, created_at DESC",
            )
            .bind(user.get())
            .bind(now)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(session_summary).collect()
    }

    /// Ends `user`'s live session `id`, answering its device's label;
    /// `None` if they have no such session (another user's id included),
    /// which changes nothing.
    pub async fn end_session(
        &self,
        user: UserId,
        id: &str,
        now: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        on_pool!(&self.0, writer, |pool| {
            sqlx::query_scalar(
                "UPDATE refresh_families SET revoked_at = $1 \
                 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL AND expires_at > $1 \
                 RETURNING device",
            )
            .bind(now)
            .bind(id)
            .bind(user.get())
            .fetch_optional(pool)
            .await
        })
    }

    /// Ends every live session of `user` but `keep`; returns how many.
    pub async fn end_others(&self, user: UserId, keep: &str, now: i64) -> Result<u64, sqlx::Error> {
        on_pool!(&self.0, writer, |pool| {
            Ok(sqlx::query(
                "UPDATE refresh_families SET revoked_at = $1 \
                 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(user.get())
            .bind(keep)
            .execute(pool)
            .await?
            .rows_affected())
        })
    }

    /// Records that the person behind `user`'s live session `id` proved who
    /// they are at `auth_time`; `false` if the session has ended.
    pub async fn reauthenticated(
        &self,
        user: UserId,
        id: &str,
        auth_time: u64,
    ) -> Result<bool, sqlx::Error> {
        let at = stored_time(auth_time);
        let updated = on_pool!(&self.0, writer, |pool| {
            sqlx::query(
                "UPDATE refresh_families SET auth_time = $1 \
                 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL AND expires_at > $1",
            )
            .bind(at)
            .bind(id)
            .bind(user.get())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(updated == 1)
    }

    /// Forgets what can no longer be used: families past their absolute
    /// end (with their tokens) and tokens past their own end.
    pub async fn prune(&self, now: i64) -> Result<(), sqlx::Error> {
        on_pool!(&self.0, writer, |pool| {
            sqlx::query("DELETE FROM refresh_tokens WHERE expires_at <= $1")
                .bind(now)
                .execute(pool)
                .await?;
            sqlx::query("DELETE FROM refresh_families WHERE expires_at <= $1")
                .bind(now)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Whether family `family_id` is revoked (`None`: no such family).
    #[cfg(test)]
    async fn is_revoked(&self, family_id: &str) -> Result<Option<bool>, sqlx::Error> {
        let revoked: Option<Option<i64>> = on_pool!(&self.0, reader, |pool| {
            sqlx::query_scalar("SELECT revoked_at FROM refresh_families WHERE id = $1")
                .bind(family_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(revoked.map(|at| at.is_some()))
    }
}

fn stored_user_id(id: i64) -> Result<UserId, sqlx::Error> {
    UserId::new(id).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn stored_time(seconds: u64) -> i64 {
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

fn session_summary(
    (id, created_at, auth_time, last_used_at, label, address, amr, passkey): SessionRow,
) -> Result<SessionSummary, sqlx::Error> {
    Ok(SessionSummary {
        id,
        current: false,
        label,
        address,
        created_at,
        auth_time,
        last_used_at,
        amr: stored_method(&amr)?,
        passkey,
    })
}

fn stored_method(amr: &str) -> Result<SignInMethod, sqlx::Error> {
    SignInMethod::from_column(amr)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown sign-in method {amr:?}").into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        auth::refresh::RefreshToken,
        domain::{User, UserName, Username},
        test_databases::on_both_databases,
        users::UserStore,
    };

    const NOW: i64 = 1_800_000_000;
    const DAY: i64 = 86_400;

    async fn john(users: &UserStore) -> UserId {
        let id = UserId::new(120).unwrap();
        let user = User {
            id,
            username: Username::parse("john").unwrap(),
            name: UserName::parse("John").unwrap(),
        };
        users.insert_if_absent(&user, "$hash").await.unwrap();
        id
    }

    /// A password sign-in at NOW, bound to `jkt` if given.
    fn signed_in_at_now(jkt: Option<&str>) -> SignIn {
        SignIn {
            method: SignInMethod::Password,
            jkt: jkt.map(str::to_owned),
            auth_time: NOW as u64,
        }
    }

    /// A family started at NOW (30-day tokens, 90-day family) and its first token.
    async fn login(store: &RefreshStore, user: UserId, id: &str) -> (Family, RefreshToken) {
        bound_login(store, user, id, None).await
    }

    async fn bound_login(
        store: &RefreshStore,
        user: UserId,
        id: &str,
        jkt: Option<&str>,
    ) -> (Family, RefreshToken) {
        let login = signed_in_at_now(jkt);
        let family = Family {
            id: id.to_owned(),
            user,
        };
        let token = RefreshToken::generate().unwrap();
        let ends = (NOW + 30 * DAY, NOW + 90 * DAY);
        store
            .start_family(
                &family,
                (&login, &Device::default()),
                &token.hash(),
                NOW,
                ends,
            )
            .await
            .unwrap();
        (family, token)
    }

    async fn exchange(
        store: &RefreshStore,
        presented: &RefreshToken,
        at: i64,
    ) -> (Rotation, RefreshToken) {
        exchange_with_key(store, presented, at, None).await
    }

    async fn exchange_with_key(
        store: &RefreshStore,
        presented: &RefreshToken,
        at: i64,
        proof_jkt: Option<&str>,
    ) -> (Rotation, RefreshToken) {
        let successor = RefreshToken::generate().unwrap();
        let rotation = store
            .rotate(Exchange {
                presented_hash: &presented.hash(),
                successor_hash: &successor.hash(),
                now: at,
                successor_expires_at: at + 30 * DAY,
                proof_jkt,
            })
            .await
            .unwrap();
        (rotation, successor)
    }

    async fn a_bound_family_is_renewed_only_with_its_keys_proof(users: UserStore) {
        let store = RefreshStore::on(users.pools().clone());
        let user = john(&users).await;
        let (_, token) = bound_login(&store, user, "bound", Some("key-a")).await;
        for wrong in [None, Some("key-b")] {
            let (rotation, _) = exchange_with_key(&store, &token, NOW + 1, wrong).await;
            assert_eq!(rotation, Rotation::WrongKey, "{wrong:?}");
        }
        // Refused without being spent: the right key still renews it, and
        // the successor stays bound to the same key.
        let (rotation, _) = exchange_with_key(&store, &token, NOW + 2, Some("key-a")).await;
        assert!(
            matches!(&rotation, Rotation::Rotated { login, .. } if login.jkt.as_deref() == Some("key-a")),
            "{rotation:?}"
        );
    }

    async fn rotation_replaces_the_token_and_slides_its_end(users: UserStore) {
        let store = RefreshStore::on(users.pools().clone());
        let (family, first) = login(&store, john(&users).await, "f1").await;
        let (rotation, second) = exchange(&store, &first, NOW + 10 * DAY).await;
        assert_eq!(
            rotation,
            Rotation::Rotated {
                family: family.clone(),
                expires_at: NOW + 40 * DAY,
                login: signed_in_at_now(None),
            }
        );
        let (rotation, _) = exchange(&store, &second, NOW + 20 * DAY).await;
        assert!(
            matches!(rotation, Rotation::Rotated { expires_at, .. } if expires_at == NOW + 50 * DAY)
        );
    }

    async fn reuse_of_a_spent_token_revokes_the_whole_family(users: UserStore) {
        let store = RefreshStore::on(users.pools().clone());
        let user = john(&users).await;
        let (family, first) = login(&store, user, "stolen").await;
        let (_, other_device) = login(&store, user, "other-device").await;
        let (_, newest) = exchange(&store, &first, NOW + 60).await;
        // The thief (or the victim) presents the spent token.
        let (rotation, _) = exchange(&store, &first, NOW + 120).await;
        assert_eq!(rotation, Rotation::Reused(family.clone()));
        assert_eq!(store.is_revoked(&family.id).await.unwrap(), Some(true));
        // The newest token of that family is refused from now on...
        let (rotation, _) = exchange(&store, &newest, NOW + 180).await;
        assert_eq!(rotation, Rotation::Revoked);
        // ...and the user's other logins are untouched.
        let (rotation, _) = exchange(&store, &other_device, NOW + 180).await;
        assert!(matches!(rotation, Rotation::Rotated { .. }));
    }

    async fn of_two_exchanges_of_one_token_at_once_exactly_one_wins(users: UserStore) {
        let store = RefreshStore::on(users.pools().clone());
        let (family, token) = login(&store, john(&users).await, "raced").await;
        let (one, two) = tokio::join!(
            exchange(&store, &token, NOW + 60),
            exchange(&store, &token, NOW + 60)
        );
        let mut outcomes = [one.0, two.0];
        outcomes.sort_by_key(|rotation| matches!(rotation, Rotation::Reused(_)));
        assert!(
            matches!(outcomes[0], Rotation::Rotated { .. }),
            "{outcomes:?}"
        );
        assert_eq!(outcomes[1], Rotation::Reused(family));
    }

    async fn a_token_past_its_end_is_refused(users: UserStore) {
        let store = RefreshStore::on(users.pools().clone());
        let (_, token) = login(&store, john(&users).await, "idle").await;
        let (rotation, _) = exchange(&store, &token, NOW + 30 * DAY).await;
        assert_eq!(rotation, Rotation::Expired);
    }

    async fn no_renewal_goes_past_the_familys_absolute_end(users: UserStore) {
        let store = RefreshStore::on(users.pools().clone());
        let (_, mut token) = login(&store, john(&users).await, "busy").await;
        // Renewed every 20 days: each successor would slide 30 days on...
        for day in [20, 40, 60, 80] {
            let (rotation, next) = exchange(&store, &token, NOW + day * DAY).await;
            let Rotation::Rotated { expires_at, .. } = rotation else {
                panic!("day {day}: {rotation:?}");
            };
            assert!(expires_at <= NOW + 90 * DAY, "capped at the family's end");
            token = next;
        }
        // ...but on day 90 the login ends, however active.
        let (rotation, _) = exchange(&store, &token, NOW + 90 * DAY).await;
        assert_eq!(rotation, Rotation::Expired);
    }

    async fn revoked_families_refuse_their_tokens(users: UserStore) {
        let store = RefreshStore::on(users.pools().clone());
        let user = john(&users).await;
        let (family, one) = login(&store, user, "one").await;
        let (_, two) = login(&store, user, "two").await;
        let (_, three) = login(&store, user, "three").await;
        assert_eq!(
            store.revoke_family_of(&one.hash(), NOW).await.unwrap(),
            Some(family)
        );
        assert_eq!(exchange(&store, &one, NOW + 1).await.0, Rotation::Revoked);
        assert!(matches!(
            exchange(&store, &two, NOW + 1).await.0,
            Rotation::Rotated { .. }
        ));
        // Everywhere: the two live families.
        assert_eq!(store.revoke_all(user, NOW + 2).await.unwrap(), 2);
        assert_eq!(exchange(&store, &three, NOW + 3).await.0, Rotation::Revoked);
        // Presented again, a dead family's token is still only "revoked":
        // it was never spent, so it is no sign of theft.
        assert_eq!(exchange(&store, &three, NOW + 4).await.0, Rotation::Revoked);
        let unknown = RefreshToken::generate().unwrap();
        assert_eq!(exchange(&store, &unknown, NOW).await.0, Rotation::Unknown);
        assert_eq!(
            store.revoke_family_of(&unknown.hash(), NOW).await.unwrap(),
            None
        );
    }

    async fn the_table_holds_hashes_never_tokens(users: UserStore) {
        let store = RefreshStore::on(users.pools().clone());
        let (_, first) = login(&store, john(&users).await, "f").await;
        let (_, second) = exchange(&store, &first, NOW + 1).await;
        let stored: Vec<String> = on_pool!(&store.0, reader, |pool| {
            sqlx::query_scalar("SELECT hash FROM refresh_tokens")
                .fetch_all(pool)
                .await
                .unwrap()
        });
        assert_eq!(stored.len(), 2);
        for token in [&first, &second] {
            assert!(stored.contains(&token.hash()));
            assert!(!stored.iter().any(|hash| hash.contains(token.as_str())));
        }
    }

    async fn pruning_forgets_only_what_has_ended(users: UserStore) {
        let store = RefreshStore::on(users.pools().clone());
        let (family, token) = login(&store, john(&users).await, "f").await;
        store.prune(NOW + DAY).await.unwrap();
        assert_eq!(store.is_revoked(&family.id).await.unwrap(), Some(false));
        assert!(matches!(
            exchange(&store, &token, NOW + 2 * DAY).await.0,
            Rotation::Rotated { .. }
        ));
        store.prune(NOW + 90 * DAY).await.unwrap();
        assert_eq!(store.is_revoked(&family.id).await.unwrap(), None);
    }

    on_both_databases!(
        a_bound_family_is_renewed_only_with_its_keys_proof,
        rotation_replaces_the_token_and_slides_its_end,
        reuse_of_a_spent_token_revokes_the_whole_family,
        of_two_exchanges_of_one_token_at_once_exactly_one_wins,
        a_token_past_its_end_is_refused,
        no_renewal_goes_past_the_familys_absolute_end,
        revoked_families_refuse_their_tokens,
        the_table_holds_hashes_never_tokens,
        pruning_forgets_only_what_has_ended,
    );
}
