//! The user store on PostgreSQL, for several app instances sharing one
//! database. Every call is one plain statement.
//!
//! The token check's read, on every authenticated request, runs in groups
//! (`lookups`), as on SQLite: measured, it cuts the database's CPU per
//! check to a quarter or a third and gives 1.3 to 1.8 times the `/api/me`
//! calls per second (BENCHMARKS.md, "Scale out"). Renames stay plain:
//! a grouped `UPDATE` from several instances would lock rows in no set
//! order and could deadlock, and PostgreSQL already shares a WAL flush
//! among commits that arrive together.

mod lookups;

use super::{Credentials, CurrentUser, DatabaseOptions, groups::Lookups, stored_user};
use crate::domain::{User, UserId, UserName, Username};
use sqlx::{
    PgPool, Row,
    postgres::{PgConnectOptions, PgPoolOptions, PgRow},
};
use std::str::FromStr;

#[derive(Clone)]
pub struct PostgresUsers {
    pool: PgPool,
    lookups: Lookups,
}

impl PostgresUsers {
    /// Connects to the database at `options.url` (once; see `connect` in the
    /// parent module for retries) and runs the migrations.
    pub async fn connect(options: &DatabaseOptions) -> Result<Self, sqlx::Error> {
        let connect = PgConnectOptions::from_str(&options.url)?
            .application_name("photo-spots")
            // A statement stuck behind a lock (or a database in trouble)
            // fails after this instead of holding a request forever.
            .options([(
                "statement_timeout",
                options.statement_timeout.as_millis().to_string(),
            )]);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.connect_timeout)
            .connect_with(connect)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self {
            lookups: Lookups::start(pool.clone(), lookups::read),
            pool,
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn find_credentials(
        &self,
        username: &Username,
    ) -> Result<Option<Credentials>, sqlx::Error> {
        sqlx::query(
            "SELECT id, username, name, password_hash, token_version, is_admin FROM users \
             WHERE username = $1",
        )
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await?
        .map(|row| credentials_from_row(&row))
        .transpose()
    }

    pub async fn find_credentials_by_id(
        &self,
        id: UserId,
    ) -> Result<Option<Credentials>, sqlx::Error> {
        sqlx::query(
            "SELECT id, username, name, password_hash, token_version, is_admin FROM users \
             WHERE id = $1",
        )
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await?
        .map(|row| credentials_from_row(&row))
        .transpose()
    }

    pub async fn current_user(&self, id: UserId) -> Result<Option<CurrentUser>, sqlx::Error> {
        self.lookups.current_user(id).await
    }

    pub async fn bump_token_version(&self, id: UserId) -> Result<Option<u32>, sqlx::Error> {
        sqlx::query(
            "UPDATE users SET token_version = token_version + 1 WHERE id = $1 RETURNING token_version",
        )
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await?
        .map(|row| token_version(&row))
        .transpose()
    }

    /// Grants or takes away admin; taking it away bumps the token version.
    pub async fn set_admin(
        &self,
        username: &Username,
        admin: bool,
    ) -> Result<Option<CurrentUser>, sqlx::Error> {
        // Every expression in SET sees the row as it was before the update.
        sqlx::query(
            "UPDATE users SET token_version = token_version \
               + CASE WHEN is_admin AND NOT $1 THEN 1 ELSE 0 END, \
             is_admin = $1, updated_at = now() \
             WHERE username = $2 RETURNING id, username, name, token_version, is_admin",
        )
        .bind(admin)
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await?
        .map(|row| current_user_from_row(&row))
        .transpose()
    }

    pub async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
    ) -> Result<Option<u32>, sqlx::Error> {
        sqlx::query(
            "UPDATE users SET password_hash = $1, token_version = token_version + 1, \
             updated_at = now() WHERE id = $2 RETURNING token_version",
        )
        .bind(password_hash)
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await?
        .map(|row| token_version(&row))
        .transpose()
    }

    pub async fn create_user(
        &self,
        username: &Username,
        name: &UserName,
        password_hash: &str,
    ) -> Result<Option<User>, sqlx::Error> {
        sqlx::query(
            "INSERT INTO users (username, name, password_hash) VALUES ($1, $2, $3) \
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
        sqlx::query("SELECT id, username, name FROM users WHERE id = $1")
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?
            .map(|row| user_from_row(&row))
            .transpose()
    }

    pub async fn update_name(
        &self,
        id: UserId,
        token_version: u32,
        name: &UserName,
    ) -> Result<Option<User>, sqlx::Error> {
        sqlx::query(
            "UPDATE users SET name = $1, updated_at = now() \
             WHERE id = $2 AND token_version = $3 RETURNING id, username, name",
        )
        .bind(name.as_str())
        .bind(id.get())
        .bind(i64::from(token_version))
        .fetch_optional(&self.pool)
        .await?
        .map(|row| user_from_row(&row))
        .transpose()
    }

    pub async fn insert_if_absent(
        &self,
        user: &User,
        password_hash: &str,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let result = sqlx::query(
            "INSERT INTO users (id, username, name, password_hash) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(user.id.get())
        .bind(user.username.as_str())
        .bind(user.name.as_str())
        .bind(password_hash)
        .execute(&mut *tx)
        .await?;
        // An explicit id doesn't move the identity sequence; without this the
        // next sign-up would be handed an id that is already taken.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('users', 'id'), \
             GREATEST((SELECT max(id) FROM users), 1))",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(result.rows_affected() == 1)
    }
}

fn credentials_from_row(row: &PgRow) -> Result<Credentials, sqlx::Error> {
    Ok(Credentials {
        user: user_from_row(row)?,
        password_hash: row.try_get("password_hash")?,
        token_version: token_version(row)?,
        is_admin: row.try_get("is_admin")?,
    })
}

/// A row with `id, username, name, token_version, is_admin`.
fn current_user_from_row(row: &PgRow) -> Result<CurrentUser, sqlx::Error> {
    Ok(CurrentUser {
        user: user_from_row(row)?,
        token_version: token_version(row)?,
        is_admin: row.try_get("is_admin")?,
    })
}

fn user_from_row(row: &PgRow) -> Result<User, sqlx::Error> {
    stored_user(
        row.try_get("id")?,
        row.try_get("username")?,
        row.try_get("name")?,
    )
}

/// PostgreSQL has no unsigned integers; the column is never negative.
fn token_version(row: &PgRow) -> Result<u32, sqlx::Error> {
    let version: i32 = row.try_get("token_version")?;
    u32::try_from(version).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
