//! The one store interface the app uses, over either database.
//!
//! An enum rather than a trait object: both implementations are known, the
//! calls stay plain `async fn`s with static types, and each arm is a single
//! forwarding line.

use super::{
    Credentials, CurrentUser, DatabaseKind, DatabaseOptions, is_outage, postgres::PostgresUsers,
    sqlite::SqliteUsers,
};
use crate::domain::{User, UserId, UserName, Username};
use std::time::{Duration, Instant};

#[derive(Clone)]
pub enum UserStore {
    Sqlite(SqliteUsers),
    Postgres(PostgresUsers),
}

/// Forwards a call to whichever database this store is on.
macro_rules! forward {
    ($store:expr, $method:ident($($arg:expr),*)) => {
        match $store {
            UserStore::Sqlite(users) => users.$method($($arg),*).await,
            UserStore::Postgres(users) => users.$method($($arg),*).await,
        }
    };
}

impl UserStore {
    /// Opens the database `options.url` names and runs its migrations. A
    /// database that can't be reached is retried (with a log line each
    /// time) for up to `options.start_timeout`, so instances may start
    /// before it; any other error (a bad password, say) fails at once.
    pub async fn connect(options: &DatabaseOptions) -> Result<Self, sqlx::Error> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(250);
        loop {
            match Self::connect_once(options).await {
                Err(error) if is_outage(&error) && started.elapsed() < options.start_timeout => {
                    tracing::warn!(
                        database = %options.display_target(),
                        %error,
                        "the database is not reachable yet; retrying in {pause:?}"
                    );
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
                other => return other,
            }
        }
    }

    async fn connect_once(options: &DatabaseOptions) -> Result<Self, sqlx::Error> {
        match options.kind() {
            Some(DatabaseKind::Sqlite) => {
                Ok(Self::Sqlite(SqliteUsers::connect(&options.url).await?))
            }
            Some(DatabaseKind::Postgres) => {
                Ok(Self::Postgres(PostgresUsers::connect(options).await?))
            }
            None => Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite:// or postgres://".into(),
            )),
        }
    }

    /// The PostgreSQL pool, for other state every instance must share (the
    /// login throttle).
    pub fn postgres_pool(&self) -> Option<&sqlx::PgPool> {
        match self {
            Self::Postgres(users) => Some(users.pool()),
            Self::Sqlite(_) => None,
        }
    }

    /// Closes every connection (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        forward!(self, close())
    }

    pub async fn find_credentials(
        &self,
        username: &Username,
    ) -> Result<Option<Credentials>, sqlx::Error> {
        forward!(self, find_credentials(username))
    }

    /// Like [`find_credentials`](Self::find_credentials), by id.
    pub async fn find_credentials_by_id(
        &self,
        id: UserId,
    ) -> Result<Option<Credentials>, sqlx::Error> {
        forward!(self, find_credentials_by_id(id))
    }

    /// User `id` and their token version: the token check's read. Never
    /// cached, so a revocation is seen by the next request on any instance.
    pub async fn current_user(&self, id: UserId) -> Result<Option<CurrentUser>, sqlx::Error> {
        forward!(self, current_user(id))
    }

    /// Refuses every token issued so far to user `id`; returns the new version.
    pub async fn bump_token_version(&self, id: UserId) -> Result<Option<u32>, sqlx::Error> {
        forward!(self, bump_token_version(id))
    }

    /// Makes `username` an admin or not. Taking admin away also refuses
    /// every token issued so far (they say `admin: true`). `None` if there is
    /// no such user.
    pub async fn set_admin(
        &self,
        username: &Username,
        admin: bool,
    ) -> Result<Option<CurrentUser>, sqlx::Error> {
        forward!(self, set_admin(username, admin))
    }

    /// Stores a new password hash and, in the same statement, refuses every
    /// older token. Returns the new token version.
    pub async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
    ) -> Result<Option<u32>, sqlx::Error> {
        forward!(self, change_password(id, password_hash))
    }

    /// Creates a user with a fresh id; `None` if the username is taken.
    pub async fn create_user(
        &self,
        username: &Username,
        name: &UserName,
        password_hash: &str,
    ) -> Result<Option<User>, sqlx::Error> {
        forward!(self, create_user(username, name, password_hash))
    }

    pub async fn find_by_id(&self, id: UserId) -> Result<Option<User>, sqlx::Error> {
        forward!(self, find_by_id(id))
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
        forward!(self, update_name(id, token_version, name))
    }

    /// Inserts `user` unless its id or username is taken. Returns whether it
    /// was inserted; an existing row is never touched.
    pub async fn insert_if_absent(
        &self,
        user: &User,
        password_hash: &str,
    ) -> Result<bool, sqlx::Error> {
        forward!(self, insert_if_absent(user, password_hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::{
        domain::{User, UserId, UserName, Username},
        users::test_databases::on_both_databases,
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
        assert_eq!(found.password_hash, "$hash");
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
            (found.user.name.as_str(), found.password_hash.as_str()),
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
        let (_dir, store) = crate::users::test_databases::sqlite_store().await;
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
            (found.password_hash.as_str(), found.token_version),
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
        assert_eq!(kept.password_hash, "$h");
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
