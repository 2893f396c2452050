use super::{lookups::Lookups, renames::Renames};
use crate::domain::{User, UserId, UserName, Username};
use sqlx::{
    Row, SqlitePool,
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
    },
};
use std::{str::FromStr, time::Duration};

/// A user together with the stored password hash and token version, for
/// logging in.
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
    pub token_version: u32,
}

/// The users table. Every call is a single statement, so each is atomic on
/// its own.
///
/// SQLite lets one connection write at a time; a second writer waits in
/// SQLite's busy handler, which sleeps in steps of milliseconds. So writes
/// queue for the one `writer` connection (a fair, sleep-free queue in the
/// pool) while reads share several `reader` connections, which WAL lets run
/// alongside the writer.
///
/// The two hot paths run in groups (see `groups`): the token check's read
/// (`lookups`) and renames, the one write a signed-in user makes at will
/// (`renames`, through the same writer).
#[derive(Clone)]
pub struct UserStore {
    reader: SqlitePool,
    writer: SqlitePool,
    lookups: Lookups,
    renames: Renames,
}

/// A user as stored now, with the token version that decides which of
/// their tokens are still good.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentUser {
    pub user: User,
    pub token_version: u32,
}

impl UserStore {
    /// Opens (creating if needed) the database at `url` and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            // WAL lets readers go on while one writer commits; NORMAL sync in
            // WAL mode never loses a committed transaction on a process crash.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let writer = pool_options()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&writer).await?;
        let reader = pool_options()
            .max_connections(reader_connections())
            .connect_with(options)
            .await?;
        Ok(Self {
            lookups: Lookups::start(reader.clone()),
            renames: Renames::start(writer.clone()),
            reader,
            writer,
        })
    }

    /// Closes every connection, checkpointing the WAL.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    pub async fn find_credentials(
        &self,
        username: &Username,
    ) -> Result<Option<Credentials>, sqlx::Error> {
        sqlx::query(
            "SELECT id, username, name, password_hash, token_version FROM users WHERE username = ?",
        )
        .bind(username.as_str())
        .fetch_optional(&self.reader)
        .await?
        .map(|row| credentials_from_row(&row))
        .transpose()
    }

    /// Like [`find_credentials`](Self::find_credentials), by id.
    pub async fn find_credentials_by_id(
        &self,
        id: UserId,
    ) -> Result<Option<Credentials>, sqlx::Error> {
        sqlx::query(
            "SELECT id, username, name, password_hash, token_version FROM users WHERE id = ?",
        )
        .bind(id.get())
        .fetch_optional(&self.reader)
        .await?
        .map(|row| credentials_from_row(&row))
        .transpose()
    }

    /// User `id` and their token version: the token check's read, made
    /// in one query with every other waiting at the moment.
    pub async fn current_user(&self, id: UserId) -> Result<Option<CurrentUser>, sqlx::Error> {
        self.lookups.current_user(id).await
    }

    /// Refuses every token issued so far to user `id`; returns the new version.
    pub async fn bump_token_version(&self, id: UserId) -> Result<Option<u32>, sqlx::Error> {
        sqlx::query_scalar(
            "UPDATE users SET token_version = token_version + 1 WHERE id = ? RETURNING token_version",
        )
        .bind(id.get())
        .fetch_optional(&self.writer)
        .await
    }

    /// Stores a new password hash and, in the same statement, refuses every
    /// older token. Returns the new token version.
    pub async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
    ) -> Result<Option<u32>, sqlx::Error> {
        sqlx::query_scalar(
            "UPDATE users SET password_hash = ?, token_version = token_version + 1, \
             updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ? RETURNING token_version",
        )
        .bind(password_hash)
        .bind(id.get())
        .fetch_optional(&self.writer)
        .await
    }

    /// Creates a user with a fresh id; `None` if the username is taken.
    pub async fn create_user(
        &self,
        username: &Username,
        name: &UserName,
        password_hash: &str,
    ) -> Result<Option<User>, sqlx::Error> {
        sqlx::query(
            "INSERT INTO users (username, name, password_hash) VALUES (?, ?, ?) \
             ON CONFLICT (username) DO NOTHING RETURNING id, username, name",
        )
        .bind(username.as_str())
        .bind(name.as_str())
        .bind(password_hash)
        .fetch_optional(&self.writer)
        .await?
        .map(|row| user_from_row(&row))
        .transpose()
    }

    pub async fn find_by_id(&self, id: UserId) -> Result<Option<User>, sqlx::Error> {
        sqlx::query("SELECT id, username, name FROM users WHERE id = ?")
            .bind(id.get())
            .fetch_optional(&self.reader)
            .await?
            .map(|row| user_from_row(&row))
            .transpose()
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
        self.renames.rename(id, token_version, name).await
    }

    /// Inserts `user` unless its id or username is taken. Returns whether it
    /// was inserted; an existing row is never touched.
    pub async fn insert_if_absent(
        &self,
        user: &User,
        password_hash: &str,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(
            "INSERT INTO users (id, username, name, password_hash) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(user.id.get())
        .bind(user.username.as_str())
        .bind(user.name.as_str())
        .bind(password_hash)
        .execute(&self.writer)
        .await?;
        Ok(result.rows_affected() == 1)
    }
}

/// sqlx pings a connection before lending it out by default. An SQLite
/// connection is a file handle that cannot drop like a network link, and each
/// ping is a round trip to the connection's worker thread, so on the hot path
/// it would double the thread hand-offs per query.
fn pool_options() -> SqlitePoolOptions {
    SqlitePoolOptions::new().test_before_acquire(false)
}

/// Reads wait on nothing but the CPU (WAL readers don't block), so a couple
/// of connections per core keeps every core busy.
fn reader_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cores * 2).unwrap_or(8).clamp(2, 16)
}

fn credentials_from_row(row: &SqliteRow) -> Result<Credentials, sqlx::Error> {
    Ok(Credentials {
        user: user_from_row(row)?,
        password_hash: row.try_get("password_hash")?,
        token_version: row.try_get("token_version")?,
    })
}

/// Rows go through the domain constructors too: a row that breaks the rules
/// (edited by hand, say) is an error, not a user.
pub(super) fn user_from_row(row: &SqliteRow) -> Result<User, sqlx::Error> {
    let decode = |e: crate::domain::ValidationError| sqlx::Error::Decode(Box::new(e));
    Ok(User {
        id: UserId::new(row.try_get("id")?).map_err(decode)?,
        username: Username::parse(row.try_get("username")?).map_err(decode)?,
        name: UserName::parse(row.try_get("name")?).map_err(decode)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh database file; the directory lives as long as the test.
    async fn store() -> (tempfile::TempDir, UserStore) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/test.db", dir.path().display());
        let store = UserStore::connect(&url).await.unwrap();
        (dir, store)
    }

    fn user(id: i64, username: &str, name: &str) -> User {
        User {
            id: UserId::new(id).unwrap(),
            username: Username::parse(username).unwrap(),
            name: UserName::parse(name).unwrap(),
        }
    }

    #[tokio::test]
    async fn inserted_user_is_found_by_username_and_id() {
        let (_dir, store) = store().await;
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

    #[tokio::test]
    async fn insert_if_absent_never_overwrites() {
        let (_dir, store) = store().await;
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

    #[tokio::test]
    async fn many_renames_at_once_each_apply_and_each_caller_gets_their_user() {
        let (_dir, store) = store().await;
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

    #[tokio::test]
    async fn many_token_checks_at_once_each_get_their_own_user() {
        let (_dir, store) = store().await;
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

    #[tokio::test]
    async fn renames_of_one_user_apply_in_the_order_they_were_made() {
        let (_dir, store) = store().await;
        with_users(&store, 3).await;

        // user 1 is renamed 10 times between other users' renames.
        let answers =
            renames_at_once(&store, (0..30).map(|n| (n % 3 + 1, format!("Name {n}")))).await;
        for (n, answer) in answers.into_iter().enumerate() {
            // Each caller sees the user as their own rename left them.
            let user = answer.unwrap().expect("renamed");
            assert_eq!(user.name.as_str(), format!("Name {n}"));
        }

        assert_eq!(name_of(&store, 1).await, "Name 27");
        assert_eq!(name_of(&store, 2).await, "Name 28");
        assert_eq!(name_of(&store, 3).await, "Name 29");
    }

    #[tokio::test]
    async fn a_revoked_rename_in_a_group_changes_nothing_and_spares_the_others() {
        let (_dir, store) = store().await;
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

    #[tokio::test]
    async fn update_name_changes_only_that_user() {
        let (_dir, store) = store().await;
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

    #[tokio::test]
    async fn a_rename_under_a_revoked_token_version_changes_nothing() {
        let (_dir, store) = store().await;
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

    #[tokio::test]
    async fn password_change_and_log_out_everywhere_bump_the_token_version() {
        let (_dir, store) = store().await;
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

    #[tokio::test]
    async fn created_users_get_new_ids_and_usernames_stay_unique() {
        let (_dir, store) = store().await;
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

    #[tokio::test]
    async fn unknown_users_are_none() {
        let (_dir, store) = store().await;
        let nobody = UserId::new(999).unwrap();
        assert_eq!(store.find_by_id(nobody).await.unwrap(), None);
        let name = UserName::parse("X").unwrap();
        assert_eq!(store.update_name(nobody, 0, &name).await.unwrap(), None);
        assert_eq!(store.current_user(nobody).await.unwrap(), None);
        assert_eq!(store.bump_token_version(nobody).await.unwrap(), None);
    }
}
