//! The user store on SQLite: the embedded default.

mod lookups;
mod renames;

use super::{Credentials, CurrentUser, groups::Lookups};
use crate::domain::{User, UserId, UserName, Username};
use renames::Renames;
use sqlx::{
    Row, SqlitePool,
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
    },
};
use std::{str::FromStr, time::Duration};

/// The users table. Every call is a single statement, so each is atomic on
/// its own.
///
/// SQLite lets one connection write at a time; a second writer waits in
/// SQLite's busy handler, which sleeps in steps of milliseconds. So writes
/// queue for the one `writer` connection (a fair, sleep-free queue in the
/// pool) while reads share several `reader` connections, which WAL lets run
/// alongside the writer.
///
/// The two hot paths run in groups (see `users::groups`): the token check's read
/// (`lookups`) and renames, the one write a signed-in user makes at will
/// (`renames`, through the same writer).
#[derive(Clone)]
pub struct SqliteUsers {
    reader: SqlitePool,
    writer: SqlitePool,
    lookups: Lookups,
    renames: Renames,
}

impl SqliteUsers {
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
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        let reader = pool_options()
            .max_connections(reader_connections())
            .connect_with(options)
            .await?;
        Ok(Self {
            lookups: Lookups::start(reader.clone(), lookups::read),
            renames: Renames::start(writer.clone()),
            reader,
            writer,
        })
    }

    /// The pools, for other tables of the main database (the spots): reads
    /// share the readers, writes queue for the one writer.
    pub fn pools(&self) -> (&SqlitePool, &SqlitePool) {
        (&self.reader, &self.writer)
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
            "SELECT id, username, name, password_hash, token_version, is_admin FROM users \
             WHERE username = ?",
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
            "SELECT id, username, name, password_hash, token_version, is_admin FROM users \
             WHERE id = ?",
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

    /// Grants or takes away admin; taking it away bumps the token version.
    pub async fn set_admin(
        &self,
        username: &Username,
        admin: bool,
    ) -> Result<Option<CurrentUser>, sqlx::Error> {
        // Every expression in SET sees the row as it was before the update.
        sqlx::query(
            "UPDATE users SET token_version = token_version + (is_admin AND NOT ?1), \
             is_admin = ?1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') \
             WHERE username = ?2 RETURNING id, username, name, token_version, is_admin",
        )
        .bind(admin)
        .bind(username.as_str())
        .fetch_optional(&self.writer)
        .await?
        .map(|row| current_user_from_row(&row))
        .transpose()
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
        is_admin: row.try_get("is_admin")?,
    })
}

/// A row with `id, username, name, token_version, is_admin`.
pub(super) fn current_user_from_row(row: &SqliteRow) -> Result<CurrentUser, sqlx::Error> {
    Ok(CurrentUser {
        user: user_from_row(row)?,
        token_version: row.try_get("token_version")?,
        is_admin: row.try_get("is_admin")?,
    })
}

pub(super) fn user_from_row(row: &SqliteRow) -> Result<User, sqlx::Error> {
    super::stored_user(
        row.try_get("id")?,
        row.try_get("username")?,
        row.try_get("name")?,
    )
}
