//! Fresh databases for tests: an SQLite file, and a PostgreSQL database in
//! the throw-away server that `scripts/test.sh` starts.

use super::{DatabaseOptions, UserStore};

/// The throw-away server's admin URL; each test gets its own database in it.
pub const POSTGRES_VAR: &str = "PHOTO_SPOTS_TEST_POSTGRES";

pub async fn sqlite_store() -> (tempfile::TempDir, UserStore) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
    let store = UserStore::connect(&DatabaseOptions::new(url))
        .await
        .unwrap();
    (dir, store)
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

pub async fn postgres_store() -> UserStore {
    UserStore::connect(&postgres_options().await).await.unwrap()
}

fn rand_u64() -> u64 {
    let mut bytes = [0; 8];
    getrandom::getrandom(&mut bytes).unwrap();
    u64::from_le_bytes(bytes)
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
                    let (_dir, store) = $crate::users::test_databases::sqlite_store().await;
                    super::$test(store).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(postgres_tests), ignore = "needs PostgreSQL: scripts/test.sh runs it")]
                async fn $test() {
                    super::$test($crate::users::test_databases::postgres_store().await).await;
                }
            )*
        }
    };
}
pub(crate) use on_both_databases;
