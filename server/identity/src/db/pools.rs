//! The main database's connections: opened (and migrated) once at start-up,
//! shared by every store (users, spots, refresh tokens, the throttle). Each
//! store writes its statements once and [`on_pool!`] runs them on whichever
//! database this is.

use super::{DatabaseKind, DatabaseOptions, is_outage};
use sqlx::{
    PgPool, SqlitePool,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{
    str::FromStr,
    time::{Duration, Instant},
};

#[derive(Clone)]
pub enum Pools {
    /// SQLite lets one connection write at a time; a second writer waits in
    /// SQLite's busy handler, which sleeps in steps of milliseconds. So
    /// writes queue for the one `writer` connection (a fair, sleep-free
    /// queue in the pool) while reads share several `reader` connections,
    /// which WAL lets run alongside the writer.
    Sqlite {
        reader: SqlitePool,
        writer: SqlitePool,
    },
    /// Several instances share one PostgreSQL: one pool for both roles.
    Postgres(PgPool),
}

impl Pools {
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
            Some(DatabaseKind::Sqlite) => sqlite(&options.url).await,
            Some(DatabaseKind::Postgres) => postgres(options).await,
            None => Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite:// or postgres://".into(),
            )),
        }
    }

    /// The PostgreSQL pool, for state every instance must share (the login
    /// throttle, DPoP proofs seen, signing keys); `None` on SQLite.
    pub fn postgres(&self) -> Option<&PgPool> {
        match self {
            Self::Postgres(pool) => Some(pool),
            Self::Sqlite { .. } => None,
        }
    }

    /// One round trip (`SELECT 1`), for readiness: an error means the
    /// database can't answer now.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        crate::on_pool!(self, reader, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Closes every connection (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        match self {
            Self::Sqlite { reader, writer } => {
                reader.close().await;
                writer.close().await;
            }
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

/// Opens (creating if needed) the SQLite file at `url`: one writer, several
/// readers.
async fn sqlite(url: &str) -> Result<Pools, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // WAL lets readers go on while one writer commits; NORMAL sync in
        // WAL mode never loses a committed transaction on a process crash.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    let writer = sqlite_pool_options()
        .max_connections(1)
        .connect_with(options.clone())
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
    let reader = sqlite_pool_options()
        .max_connections(reader_connections())
        .connect_with(options)
        .await?;
    Ok(Pools::Sqlite { reader, writer })
}

/// Connects to PostgreSQL (once; [`Pools::connect`] retries).
async fn postgres(options: &DatabaseOptions) -> Result<Pools, sqlx::Error> {
    let connect = PgConnectOptions::from_str(&options.url)?
        .application_name("photo-spots")
        // A statement stuck behind a lock (or a database in trouble) fails
        // after this instead of holding a request forever.
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
    Ok(Pools::Postgres(pool))
}

/// sqlx pings a connection before lending it out by default. An SQLite
/// connection is a file handle that cannot drop like a network link, and each
/// ping is a round trip to the connection's worker thread, so on the hot path
/// it would double the thread hand-offs per query.
fn sqlite_pool_options() -> SqlitePoolOptions {
    SqlitePoolOptions::new().test_before_acquire(false)
}

/// Reads wait on nothing but the CPU (WAL readers don't block), so a couple
/// of connections per core keeps every core busy.
fn reader_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cores * 2).unwrap_or(8).clamp(2, 16)
}

/// Whether a pool is PostgreSQL's, for the rare statement only it needs
/// (inside an [`on_pool!`] body, where the pool's type is all there is).
pub trait Backend {
    const IS_POSTGRES: bool;
}

impl Backend for SqlitePool {
    const IS_POSTGRES: bool = false;
}

impl Backend for PgPool {
    const IS_POSTGRES: bool = true;
}

/// `true` if `pool` is PostgreSQL's.
pub fn is_postgres<P: Backend>(_pool: &P) -> bool {
    P::IS_POSTGRES
}

/// Runs `$body` with `$pool` bound to the pool for `$role` (`reader` or
/// `writer`; PostgreSQL has one pool for both). The body is expanded once
/// per database, so one SQL text and one block of code serve both types.
/// Exported for the stores that live above this crate (the app's spots).
#[macro_export]
macro_rules! on_pool {
    ($pools:expr, $role:ident, |$pool:ident| $body:expr) => {
        match $pools {
            $crate::db::Pools::Sqlite { $role: $pool, .. } => $body,
            $crate::db::Pools::Postgres($pool) => $body,
        }
    };
}
