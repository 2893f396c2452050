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

/// The users table. Every query is a single statement, so each call is atomic
/// on its own.
#[derive(Clone)]
pub struct UserStore {
    pool: SqlitePool,
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
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    /// Closes every connection, checkpointing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn find_credentials(
        &self,
        username: &Username,
    ) -> Result<Option<Credentials>, sqlx::Error> {
        sqlx::query(
            "SELECT id, username, name, password_hash, token_version FROM users WHERE username = ?",
        )
        .bind(username.as_str())
        .fetch_optional(&self.pool)
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
        .fetch_optional(&self.pool)
        .await?
        .map(|row| credentials_from_row(&row))
        .transpose()
    }

    /// The current token version of user `id` (one primary-key read).
    pub async fn token_version(&self, id: UserId) -> Result<Option<u32>, sqlx::Error> {
        sqlx::query_scalar("SELECT token_version FROM users WHERE id = ?")
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await
    }

    /// Refuses every token issued so far to user `id`; returns the new version.
    pub async fn bump_token_version(&self, id: UserId) -> Result<Option<u32>, sqlx::Error> {
        sqlx::query_scalar(
            "UPDATE users SET token_version = token_version + 1 WHERE id = ? RETURNING token_version",
        )
        .bind(id.get())
        .fetch_optional(&self.pool)
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
        .fetch_optional(&self.pool)
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
        .fetch_optional(&self.pool)
        .await?
        .map(|row| user_from_row(&row))
        .transpose()
    }

    pub async fn find_by_id(&self, id: UserId) -> Result<Option<User>, sqlx::Error> {
        sqlx::query("SELECT id, username, name FROM users WHERE id = ?")
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?
            .map(|row| user_from_row(&row))
            .transpose()
    }

    /// Renames user `id`; `None` if there is no such user.
    pub async fn update_name(
        &self,
        id: UserId,
        name: &UserName,
    ) -> Result<Option<User>, sqlx::Error> {
        sqlx::query(
            "UPDATE users SET name = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') \
             WHERE id = ? RETURNING id, username, name",
        )
        .bind(name.as_str())
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await?
        .map(|row| user_from_row(&row))
        .transpose()
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
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }
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
fn user_from_row(row: &SqliteRow) -> Result<User, sqlx::Error> {
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
    async fn password_change_and_log_out_everywhere_bump_the_token_version() {
        let (_dir, store) = store().await;
        let john = user(120, "john", "John");
        store.insert_if_absent(&john, "$old").await.unwrap();
        assert_eq!(store.token_version(john.id).await.unwrap(), Some(0));
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
        assert_eq!(store.update_name(nobody, &name).await.unwrap(), None);
        assert_eq!(store.token_version(nobody).await.unwrap(), None);
        assert_eq!(store.bump_token_version(nobody).await.unwrap(), None);
    }
}
