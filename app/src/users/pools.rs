//! The main database's pools, for the tables that live beside the users
//! (spots, refresh tokens): their stores write each statement once, and
//! [`on_pool!`] runs it on whichever database this is.

use super::UserStore;
use sqlx::{PgPool, SqlitePool};

#[derive(Clone)]
pub enum Pools {
    /// Reads share SQLite's reader connections; writes queue for the writer.
    Sqlite {
        reader: SqlitePool,
        writer: SqlitePool,
    },
    Postgres(PgPool),
}

impl Pools {
    /// The pools `users` runs on (the users' migrations made every table).
    pub fn of(users: &UserStore) -> Self {
        match users {
            UserStore::Sqlite(users) => {
                let (reader, writer) = users.pools();
                Self::Sqlite {
                    reader: reader.clone(),
                    writer: writer.clone(),
                }
            }
            UserStore::Postgres(users) => Self::Postgres(users.pool().clone()),
        }
    }
}

/// Runs `$body` with `$pool` bound to the pool for `$role` (`reader` or
/// `writer`; PostgreSQL has one pool for both). The body is expanded once
/// per database, so one SQL text and one block of code serve both types.
macro_rules! on_pool {
    ($pools:expr, $role:ident, |$pool:ident| $body:expr) => {
        match $pools {
            $crate::users::Pools::Sqlite { $role: $pool, .. } => $body,
            $crate::users::Pools::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;
