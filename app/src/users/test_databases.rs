//! Fresh databases for tests: an SQLite file, and a PostgreSQL database in
//! the throw-away server that `scripts/test.sh` starts.

use super::{DatabaseOptions, UserStore};

/// The throw-away server's admin URL; each test gets its own database in it.
pub const POSTGRES_VAR: &str = "PHOTO_SPOTS_TEST_POSTGRES";
/// Set (by `scripts/test.sh`) to make a missing server fail the PostgreSQL
/// tests instead of skipping them.
pub const REQUIRE_VAR: &str = "PHOTO_SPOTS_REQUIRE_POSTGRES";

pub async fn sqlite_store() -> (tempfile::TempDir, UserStore) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
    let store = UserStore::connect(&DatabaseOptions::new(url))
        .await
        .unwrap();
    (dir, store)
}

/// A new, empty database; `None` (the test is skipped, and says so) when no
/// test server is configured and none is required.
pub async fn postgres_options() -> Option<DatabaseOptions> {
    use sqlx::Connection;
    let Ok(admin) = std::env::var(POSTGRES_VAR) else {
        assert!(
            std::env::var_os(REQUIRE_VAR).is_none(),
            "{REQUIRE_VAR} is set but {POSTGRES_VAR} is not"
        );
        eprintln!("skipped on PostgreSQL: set {POSTGRES_VAR} (scripts/test.sh does)");
        return None;
    };
    let name = format!("test_{:016x}", rand_u64());
    let mut connection = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .unwrap();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    Some(DatabaseOptions::new(format!("{base}/{name}")))
}

pub async fn postgres_store() -> Option<UserStore> {
    let options = postgres_options().await?;
    Some(UserStore::connect(&options).await.unwrap())
}

fn rand_u64() -> u64 {
    let mut bytes = [0; 8];
    getrandom::getrandom(&mut bytes).unwrap();
    u64::from_le_bytes(bytes)
}

/// Runs each listed `async fn(UserStore)` as two tests, `on_sqlite::name`
/// and `on_postgres::name`.
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
                async fn $test() {
                    if let Some(store) = $crate::users::test_databases::postgres_store().await {
                        super::$test(store).await;
                    }
                }
            )*
        }
    };
}
pub(crate) use on_both_databases;
