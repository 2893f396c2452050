//! Fresh databases for tests: an SQLite file, and a PostgreSQL database in
//! the throw-away server that `scripts/test.sh` starts; user stores on them,
//! and a macro that runs a test on each database.
//!
//! Kept out of `src/`: the identity crate's unit tests include this file as
//! `crate::test_databases` (the crate names itself `identity` for them), and
//! so do other crates' test binaries, which see the same paths.

use identity::{
    db::{DatabaseOptions, Pools},
    users::UserStore,
};

/// The throw-away server's admin URL; each test gets its own database in it.
pub const POSTGRES_VAR: &str = "PHOTO_SPOTS_TEST_POSTGRES";

/// A new SQLite file in a directory that lives as long as the `TempDir`.
pub fn sqlite_options() -> (tempfile::TempDir, DatabaseOptions) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
    (dir, DatabaseOptions::new(url))
}

/// A new, empty database in the test server `POSTGRES_VAR` names.
pub async fn postgres_options() -> DatabaseOptions {
    use sqlx::Connection;
    let admin = std::env::var(POSTGRES_VAR).unwrap_or_else(|_| {
        panic!("{POSTGRES_VAR} must name a PostgreSQL server (scripts/test.sh starts one)")
    });
    let name = format!("test_{:016x}", rand_u64());
    let mut connection = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .unwrap();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    DatabaseOptions::new(format!("{base}/{name}"))
}

fn rand_u64() -> u64 {
    let mut bytes = [0; 8];
    getrandom::getrandom(&mut bytes).unwrap();
    u64::from_le_bytes(bytes)
}

pub async fn sqlite_store() -> (tempfile::TempDir, UserStore) {
    let (dir, options) = sqlite_options();
    let pools = Pools::connect(&options).await.unwrap();
    (dir, UserStore::on(pools))
}

pub async fn postgres_store() -> UserStore {
    let options = postgres_options().await;
    UserStore::on(Pools::connect(&options).await.unwrap())
}

/// Runs each listed `async fn(UserStore)` as two tests, `on_sqlite::name`
/// and `on_postgres::name`. The PostgreSQL ones run in builds made with
/// `PHOTO_SPOTS_REQUIRE_POSTGRES` set, as `scripts/test.sh` makes them (see
/// `build.rs`); elsewhere they are listed as ignored, with the reason.
macro_rules! on_both_databases {
    ($($test:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    let (_dir, store) = $crate::test_databases::sqlite_store().await;
                    super::$test(store).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(postgres_tests), ignore = "needs PostgreSQL: scripts/test.sh runs it")]
                async fn $test() {
                    super::$test($crate::test_databases::postgres_store().await).await;
                }
            )*
        }
    };
}
pub(crate) use on_both_databases;
