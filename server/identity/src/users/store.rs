//! The users table, on whichever database this is. Every statement is
//! written once: SQLite and PostgreSQL both read `$1` parameters,
//! `RETURNING`, `ON CONFLICT … DO NOTHING`, `CASE` and `CURRENT_TIMESTAMP`,
//! so [`on_pool!`] runs the same text on either pool. Every call is a single
//! statement (one transaction for `insert_if_absent`), so each is atomic on
//! its own.
//!
//! The two hot paths run in groups (see `db::groups`): the token check's
//! read (`lookups`, on both databases) and, on SQLite, renames, the one
//! write a signed-in user makes at will (`renames`).

use super::{
    Credentials, CurrentUser,
    lookups::{Lookups, SessionCheck},
    renames::Renames,
};
use crate::db::{DatabaseOptions, Pools, is_postgres, on_pool};
use crate::domain::{User, UserId, UserName, Username};

#[derive(Clone)]
pub struct UserStore {
    pools: Pools,
    lookups: Lookups,
    /// SQLite's grouped renames; `None` on PostgreSQL (see `renames`).
    renames: Option<Renames>,
}

/// `id, username, name`.
pub(super) type UserRow = (i64, String, String);
/// `id, username, name, token_version, is_admin`.
pub(super) type CurrentRow = (i64, String, String, i32, bool);
/// `id, username, name, password_hash, token_version, is_admin, disabled`.
type CredentialsRow = (i64, String, String, Option<String>, i32, bool, bool);

const CREDENTIALS: &str = "SELECT id, username, name, password_hash, token_version, is_admin, \
     disabled_at IS NOT NULL FROM users";

impl UserStore {
    /// The users of the database `pools` opened (its migrations made the table).
    pub fn on(pools: Pools) -> Self {
        let renames = match &pools {
            Pools::Sqlite { writer, .. } => Some(Renames::start(writer.clone())),
            Pools::Postgres(_) => None,
        };
        Self {
            lookups: Lookups::start(pools.clone()),
            renames,
            pools,
        }
    }

    /// Opens (and migrates) the database `options` names, for a command that
    /// needs only the users (`server users …`, `server keys …`).
    pub async fn connect(options: &DatabaseOptions) -> Result<Self, sqlx::Error> {
        Ok(Self::on(Pools::connect(options).await?))
    }

    /// The database underneath, for the stores beside the users.
    pub fn pools(&self) -> &Pools {
        &self.pools
    }

    /// Closes every connection (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        self.pools.close().await;
    }

    pub async fn find_credentials(
        &self,
        username: &Username,
    ) -> Result<Option<Credentials>, sqlx::Error> {
        let sql = format!("{CREDENTIALS} WHERE username = $1");
        let row: Option<CredentialsRow> = on_pool!(&self.pools, reader, |pool| {
            sqlx::query_as(&sql)
                .bind(username.as_str())
                .fetch_optional(pool)
                .await?
        });
        row.map(credentials).transpose()
    }

    /// Like [`find_credentials`](Self::find_credentials), by id.
    pub async fn find_credentials_by_id(
        &self,
        id: UserId,
    ) -> Result<Option<Credentials>, sqlx::Error> {
        let sql = format!("{CREDENTIALS} WHERE id = $1");
        let row: Option<CredentialsRow> = on_pool!(&self.pools, reader, |pool| {
            sqlx::query_as(&sql)
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        row.map(credentials).transpose()
    }

    /// User `id` and their token version: the token check's read, made in
    /// one query with every other waiting at the moment. Never cached, so a
    /// revocation is seen by the next request on any instance.
    pub async fn current_user(&self, id: UserId) -> Result<Option<CurrentUser>, sqlx::Error> {
        Ok(self.lookups.check(id, "").await?.map(|check| check.current))
    }

    /// As [`current_user`](Self::current_user), and whether their session
    /// `session` is live, in the same query: an ended session's tokens are
    /// refused by the next request, on any instance.
    pub async fn check_session(
        &self,
        id: UserId,
        session: &str,
    ) -> Result<Option<SessionCheck>, sqlx::Error> {
        self.lookups.check(id, session).await
    }

    /// Refuses every token issued so far to user `id`; returns the new version.
    pub async fn bump_token_version(&self, id: UserId) -> Result<Option<u32>, sqlx::Error> {
        let version: Option<i32> = on_pool!(&self.pools, writer, |pool| {
            sqlx::query_scalar(
                "UPDATE users SET token_version = token_version + 1 WHERE id = $1 \
                 RETURNING token_version",
            )
            .bind(id.get())
            .fetch_optional(pool)
            .await?
        });
        version.map(token_version).transpose()
    }

    /// Makes `username` an admin or not. Taking admin away also refuses
    /// every token issued so far (they say `admin: true`). `None` if there is
    /// no such user.
    pub async fn set_admin(
        &self,
        username: &Username,
        admin: bool,
    ) -> Result<Option<CurrentUser>, sqlx::Error> {
        // Every expression in SET sees the row as it was before the update.
        let row: Option<CurrentRow> = on_pool!(&self.pools, writer, |pool| {
            sqlx::query_as(
                "UPDATE users SET token_version = token_version \
                   + CASE WHEN is_admin AND NOT $1 THEN 1 ELSE 0 END, \
                 is_admin = $1, updated_at = CURRENT_TIMESTAMP \
                 WHERE username = $2 RETURNING id, username, name, token_version, is_admin",
            )
            .bind(admin)
            .bind(username.as_str())
            .fetch_optional(pool)
            .await?
        });
        row.map(current_user).transpose()
    }

    /// Disables `username`'s account (`true`: its sign-ins are refused, and
    /// in the same statement every token issued so far) or enables it again.
    /// `None` if there is no such user.
    pub async fn set_disabled(
        &self,
        username: &Username,
        disabled: bool,
        now: i64,
    ) -> Result<Option<CurrentUser>, sqlx::Error> {
        let row: Option<CurrentRow> = on_pool!(&self.pools, writer, |pool| {
            sqlx::query_as(
                "UPDATE users SET \
                   token_version = token_version + CASE WHEN $1 THEN 1 ELSE 0 END, \
                   disabled_at = CASE WHEN $1 THEN COALESCE(disabled_at, $2) ELSE NULL END, \
                   updated_at = CURRENT_TIMESTAMP \
                 WHERE username = $3 RETURNING id, username, name, token_version, is_admin",
            )
            .bind(disabled)
            .bind(now)
            .bind(username.as_str())
            .fetch_optional(pool)
            .await?
        });
        row.map(current_user).transpose()
    }

    /// Whether user `id`'s account is disabled (`false` for no such user).
    pub async fn is_disabled(&self, id: UserId) -> Result<bool, sqlx::Error> {
        let disabled: Option<bool> = on_pool!(&self.pools, reader, |pool| {
            sqlx::query_scalar("SELECT disabled_at IS NOT NULL FROM users WHERE id = $1")
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        Ok(disabled.unwrap_or(false))
    }

    /// Stores a new password hash and, in the same statement, refuses every
    /// older token. Returns the new token version.
    pub async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
    ) -> Result<Option<u32>, sqlx::Error> {
        let version: Option<i32> = on_pool!(&self.pools, writer, |pool| {
            sqlx::query_scalar(
                "UPDATE users SET password_hash = $1, token_version = token_version + 1, \
                 updated_at = CURRENT_TIMESTAMP WHERE id = $2 RETURNING token_version",
            )
            .bind(password_hash)
            .bind(id.get())
            .fetch_optional(pool)
            .await?
        });
        version.map(token_version).transpose()
    }

    /// Gives user `id` a password if they have none (they signed in with
    /// passkeys only); `false` if they have one already, or no such user.
    pub async fn set_first_password(
        &self,
        id: UserId,
        password_hash: &str,
    ) -> Result<bool, sqlx::Error> {
        let updated = on_pool!(&self.pools, writer, |pool| {
            sqlx::query(
                "UPDATE users SET password_hash = $1, updated_at = CURRENT_TIMESTAMP \
                 WHERE id = $2 AND password_hash IS NULL",
            )
            .bind(password_hash)
            .bind(id.get())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(updated == 1)
    }

    /// Creates a user with a fresh id; `None` if the username is taken.
    pub async fn create_user(
        &self,
        username: &Username,
        name: &UserName,
        password_hash: &str,
    ) -> Result<Option<User>, sqlx::Error> {
        let row: Option<UserRow> = on_pool!(&self.pools, writer, |pool| {
            sqlx::query_as(
                "INSERT INTO users (username, name, password_hash) VALUES ($1, $2, $3) \
                 ON CONFLICT (username) DO NOTHING RETURNING id, username, name",
            )
            .bind(username.as_str())
            .bind(name.as_str())
            .bind(password_hash)
            .fetch_optional(pool)
            .await?
        });
        row.map(user).transpose()
    }

    pub async fn find_by_id(&self, id: UserId) -> Result<Option<User>, sqlx::Error> {
        let row: Option<UserRow> = on_pool!(&self.pools, reader, |pool| {
            sqlx::query_as("SELECT id, username, name FROM users WHERE id = $1")
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        row.map(user).transpose()
    }

    /// Renames user `id` if their token version is still `token_version`;
    /// `None` if there is no such user or the version moved on (a password
    /// change or "log out everywhere" that raced with this request).
    pub async fn update_name(
        &self,
        id: UserId,
        token_version: u32,
        name: &UserName,
    ) -> Result<Option<User>, sqlx::Error> {
        if let Some(renames) = &self.renames {
            return renames.rename(id, token_version, name).await;
        }
        let row: Option<UserRow> = on_pool!(&self.pools, writer, |pool| {
            sqlx::query_as(
                "UPDATE users SET name = $1, updated_at = CURRENT_TIMESTAMP \
                 WHERE id = $2 AND token_version = $3 RETURNING id, username, name",
            )
            .bind(name.as_str())
            .bind(id.get())
            .bind(i64::from(token_version))
            .fetch_optional(pool)
            .await?
        });
        row.map(user).transpose()
    }

    /// Inserts `user` unless its id or username is taken, or the id was a
    /// deleted account's. Returns whether it was inserted; an existing row
    /// is never touched.
    pub async fn insert_if_absent(
        &self,
        user: &User,
        password_hash: &str,
    ) -> Result<bool, sqlx::Error> {
        on_pool!(&self.pools, writer, |pool| {
            let mut tx = pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO users (id, username, name, password_hash) \
                 SELECT $1, $2, $3, $4 WHERE NOT EXISTS \
                 (SELECT 1 FROM deleted_accounts WHERE id = $1) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(user.id.get())
            .bind(user.username.as_str())
            .bind(user.name.as_str())
            .bind(password_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            // An explicit id doesn't move PostgreSQL's identity sequence
            // (SQLite's AUTOINCREMENT follows the largest id by itself);
            // without this the next sign-up would be handed a taken id.
            // Deleted ids count too: the sequence never goes back to hand
            // one out again.
            if inserted && is_postgres(pool) {
                sqlx::query(
                    "SELECT setval(pg_get_serial_sequence('users', 'id'), \
                     GREATEST((SELECT max(id) FROM users), \
                     (SELECT max(id) FROM deleted_accounts), 1))",
                )
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(inserted)
        })
    }
}

/// Rows go through the domain constructors too: a row that breaks the rules
/// (edited by hand, say) is an error, not a user.
pub(super) fn user((id, username, name): UserRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: UserId::new(id).map_err(decode)?,
        username: Username::parse(&username).map_err(decode)?,
        name: UserName::parse(&name).map_err(decode)?,
    })
}

pub(super) fn current_user(
    (id, username, name, version, is_admin): CurrentRow,
) -> Result<CurrentUser, sqlx::Error> {
    Ok(CurrentUser {
        user: user((id, username, name))?,
        token_version: token_version(version)?,
        is_admin,
    })
}

fn credentials(
    (id, username, name, password_hash, version, is_admin, disabled): CredentialsRow,
) -> Result<Credentials, sqlx::Error> {
    Ok(Credentials {
        user: user((id, username, name))?,
        password_hash,
        token_version: token_version(version)?,
        is_admin,
        disabled,
    })
}

/// The column is an `INTEGER` on both databases (PostgreSQL has no unsigned
/// integers); it is never negative.
fn token_version(version: i32) -> Result<u32, sqlx::Error> {
    u32::try_from(version).map_err(decode)
}

fn decode(error: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::{
        domain::{User, UserId, UserName, Username},
        test_databases::on_both_databases,
    };

    fn user(id: i64, username: &str, name: &str) -> User {
        User {
            id: UserId::new(id).unwrap(),
            username: Username::parse(username).unwrap(),
            name: UserName::parse(name).unwrap(),
        }
    }

    async fn inserted_user_is_found_by_username_and_id(store: UserStore) {
        let john = user(120, "john", "John");
        assert!(store.insert_if_absent(&john, "$hash").await.unwrap());
        let found = store
            .find_credentials(&john.username)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.user, john);
        assert_eq!(found.password_hash.as_deref(), Some("$hash"));
        assert_eq!(store.find_by_id(john.id).await.unwrap(), Some(john));
    }

    async fn insert_if_absent_never_overwrites(store: UserStore) {
        assert!(
            store
                .insert_if_absent(&user(120, "john", "John"), "$one")
                .await
                .unwrap()
        );
        assert!(
            !store
                .insert_if_absent(&user(120, "john", "Johnny"), "$two")
                .await
                .unwrap()
        );
        let found = store
            .find_credentials(&Username::parse("john").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                found.user.name.as_str(),
                found.password_hash.as_deref().unwrap_or_default()
            ),
            ("John", "$one")
        );
    }

    async fn with_users(store: &UserStore, count: i64) {
        for id in 1..=count {
            store
                .insert_if_absent(&user(id, &format!("user-{id}"), "Before"), "$h")
                .await
                .unwrap();
        }
    }

    /// Queues every `(id, name)` rename (at token version 0) before any
    /// commit, so they go in groups; the answers come back in the same order.
    async fn renames_at_once(
        store: &UserStore,
        renames: impl IntoIterator<Item = (i64, String)>,
    ) -> Vec<Result<Option<User>, sqlx::Error>> {
        let renames = renames.into_iter().map(|(id, name)| {
            let store = store.clone();
            async move {
                let name = UserName::parse(&name).unwrap();
                store.update_name(UserId::new(id).unwrap(), 0, &name).await
            }
        });
        futures::future::join_all(renames).await
    }

    async fn name_of(store: &UserStore, id: i64) -> String {
        let user = store.find_by_id(UserId::new(id).unwrap()).await.unwrap();
        user.unwrap().name.to_string()
    }

    async fn many_renames_at_once_each_apply_and_each_caller_gets_their_user(store: UserStore) {
        with_users(&store, 60).await;

        let answers =
            renames_at_once(&store, (1..=60).map(|id| (id, format!("Renamed {id}")))).await;

        for (id, answer) in (1..=60).zip(answers) {
            let user = answer.unwrap().expect("renamed");
            assert_eq!(user.id.get(), id);
            assert_eq!(user.name.as_str(), format!("Renamed {id}"));
            assert_eq!(name_of(&store, id).await, format!("Renamed {id}"));
        }
    }

    async fn many_token_checks_at_once_each_get_their_own_user(store: UserStore) {
        with_users(&store, 5).await;
        store
            .bump_token_version(UserId::new(3).unwrap())
            .await
            .unwrap();

        // Ids 1 to 7, each asked for three times; 6 and 7 don't exist.
        let ids: Vec<i64> = (0..21).map(|n| n % 7 + 1).collect();
        let lookups = ids.iter().map(|&id| {
            let store = store.clone();
            async move { store.current_user(UserId::new(id).unwrap()).await }
        });
        let answers = futures::future::join_all(lookups).await;

        for (id, answer) in ids.into_iter().zip(answers) {
            let found = answer.unwrap();
            match id {
                1..=5 => {
                    let current = found.expect("an existing user");
                    assert_eq!(current.user.id.get(), id);
                    assert_eq!(current.user.username.as_str(), format!("user-{id}"));
                    assert_eq!(current.token_version, u32::from(id == 3));
                }
                _ => assert_eq!(found, None, "user {id}"),
            }
        }
    }

    async fn simultaneous_renames_of_one_user_each_see_their_own_and_one_wins(store: UserStore) {
        with_users(&store, 3).await;

        // user 1 is renamed 10 times between other users' renames.
        let answers =
            renames_at_once(&store, (0..30).map(|n| (n % 3 + 1, format!("Name {n}")))).await;
        for (n, answer) in answers.into_iter().enumerate() {
            // Each caller sees the user as their own rename left them.
            let user = answer.unwrap().expect("renamed");
            assert_eq!(user.name.as_str(), format!("Name {n}"));
        }
        for id in 1..=3 {
            let name = name_of(&store, id).await;
            let applied = (0..30)
                .filter(|n| n % 3 + 1 == id)
                .map(|n| format!("Name {n}"));
            assert!(applied.clone().any(|n| n == name), "user {id}: {name}");
        }
    }

    /// SQLite's rename queue is stricter than the database: renames queued
    /// at once apply in the order they were queued. (On PostgreSQL they run
    /// side by side, and the database orders them.)
    #[tokio::test]
    async fn on_sqlite_renames_of_one_user_apply_in_the_order_they_were_made() {
        let (_dir, store) = crate::test_databases::sqlite_store().await;
        with_users(&store, 3).await;
        renames_at_once(&store, (0..30).map(|n| (n % 3 + 1, format!("Name {n}")))).await;
        assert_eq!(name_of(&store, 1).await, "Name 27");
        assert_eq!(name_of(&store, 2).await, "Name 28");
        assert_eq!(name_of(&store, 3).await, "Name 29");
    }

    async fn a_revoked_rename_in_a_group_changes_nothing_and_spares_the_others(store: UserStore) {
        with_users(&store, 3).await;
        store
            .bump_token_version(UserId::new(2).unwrap())
            .await
            .unwrap();

        let answers: Vec<_> = renames_at_once(&store, (1..=3).map(|id| (id, "After".to_owned())))
            .await
            .into_iter()
            .map(|answer| answer.unwrap().map(|user| user.id.get()))
            .collect();

        assert_eq!(answers, [Some(1), None, Some(3)]);
        assert_eq!(name_of(&store, 1).await, "After");
        assert_eq!(name_of(&store, 2).await, "Before");
        assert_eq!(name_of(&store, 3).await, "After");
    }

    async fn update_name_changes_only_that_user(store: UserStore) {
        store
            .insert_if_absent(&user(120, "john", "John"), "$h")
            .await
            .unwrap();
        store
            .insert_if_absent(&user(121, "jack", "Jack"), "$h")
            .await
            .unwrap();
        let renamed = store
            .update_name(
                UserId::new(120).unwrap(),
                0,
                &UserName::parse("Johnny").unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(renamed.map(|u| u.name.to_string()), Some("Johnny".into()));
        let jack = store
            .find_by_id(UserId::new(121).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(jack.name.as_str(), "Jack");
    }

    async fn a_rename_under_a_revoked_token_version_changes_nothing(store: UserStore) {
        let john = user(120, "john", "John");
        store.insert_if_absent(&john, "$h").await.unwrap();
        store.bump_token_version(john.id).await.unwrap();

        let stale = store
            .update_name(john.id, 0, &UserName::parse("Mallory").unwrap())
            .await
            .unwrap();

        assert_eq!(stale, None);
        let current = store.current_user(john.id).await.unwrap().unwrap();
        assert_eq!((current.user, current.token_version), (john, 1));
    }

    async fn password_change_and_log_out_everywhere_bump_the_token_version(store: UserStore) {
        let john = user(120, "john", "John");
        store.insert_if_absent(&john, "$old").await.unwrap();
        let current = store.current_user(john.id).await.unwrap();
        assert_eq!(current.map(|c| c.token_version), Some(0));
        assert_eq!(
            store.change_password(john.id, "$new").await.unwrap(),
            Some(1)
        );
        assert_eq!(store.bump_token_version(john.id).await.unwrap(), Some(2));
        let found = store
            .find_credentials_by_id(john.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                found.password_hash.as_deref().unwrap_or_default(),
                found.token_version
            ),
            ("$new", 2)
        );
    }

    /// Whether `user` is an admin, and their token version, by both reads.
    async fn admin_state(store: &UserStore, user: &User) -> (bool, u32) {
        let found = store
            .find_credentials(&user.username)
            .await
            .unwrap()
            .unwrap();
        let current = store.current_user(user.id).await.unwrap().unwrap();
        assert_eq!(found.is_admin, current.is_admin, "both reads agree");
        (current.is_admin, current.token_version)
    }

    async fn only_taking_admin_away_refuses_the_tokens_issued_so_far(store: UserStore) {
        let ada = user(122, "ada", "Ada");
        store.insert_if_absent(&ada, "$hash").await.unwrap();
        assert_eq!(
            admin_state(&store, &ada).await,
            (false, 0),
            "nobody is an admin at first"
        );

        let granted = store.set_admin(&ada.username, true).await.unwrap().unwrap();
        assert_eq!((granted.is_admin, granted.token_version), (true, 0));
        assert_eq!(
            admin_state(&store, &ada).await,
            (true, 0),
            "granting keeps her tokens"
        );
        store.set_admin(&ada.username, true).await.unwrap();
        assert_eq!(
            admin_state(&store, &ada).await,
            (true, 0),
            "granting twice changes nothing"
        );

        let revoked = store
            .set_admin(&ada.username, false)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((revoked.is_admin, revoked.token_version), (false, 1));
        store.set_admin(&ada.username, false).await.unwrap();
        assert_eq!(
            admin_state(&store, &ada).await,
            (false, 1),
            "revoking twice bumps once"
        );

        let nobody = Username::parse("nobody").unwrap();
        assert!(store.set_admin(&nobody, true).await.unwrap().is_none());
    }

    async fn created_users_get_new_ids_and_usernames_stay_unique(store: UserStore) {
        store
            .insert_if_absent(&user(121, "jack", "Jack"), "$h")
            .await
            .unwrap();
        let username = Username::parse("ansel").unwrap();
        let name = UserName::parse("Ansel").unwrap();
        let ansel = store
            .create_user(&username, &name, "$h")
            .await
            .unwrap()
            .unwrap();
        assert!(ansel.id.get() > 121);
        assert_eq!(
            store.create_user(&username, &name, "$other").await.unwrap(),
            None
        );
        let kept = store.find_credentials(&username).await.unwrap().unwrap();
        assert_eq!(kept.password_hash.as_deref(), Some("$h"));
    }

    async fn unknown_users_are_none(store: UserStore) {
        let nobody = UserId::new(999).unwrap();
        assert_eq!(store.find_by_id(nobody).await.unwrap(), None);
        let name = UserName::parse("X").unwrap();
        assert_eq!(store.update_name(nobody, 0, &name).await.unwrap(), None);
        assert_eq!(store.current_user(nobody).await.unwrap(), None);
        assert_eq!(store.bump_token_version(nobody).await.unwrap(), None);
    }

    on_both_databases!(
        inserted_user_is_found_by_username_and_id,
        insert_if_absent_never_overwrites,
        many_renames_at_once_each_apply_and_each_caller_gets_their_user,
        many_token_checks_at_once_each_get_their_own_user,
        simultaneous_renames_of_one_user_each_see_their_own_and_one_wins,
        a_revoked_rename_in_a_group_changes_nothing_and_spares_the_others,
        update_name_changes_only_that_user,
        a_rename_under_a_revoked_token_version_changes_nothing,
        password_change_and_log_out_everywhere_bump_the_token_version,
        only_taking_admin_away_refuses_the_tokens_issued_so_far,
        created_users_get_new_ids_and_usernames_stay_unique,
        unknown_users_are_none,
    );
}
