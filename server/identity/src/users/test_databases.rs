//! User stores on fresh databases (`db::test_databases`), and a macro that
//! runs a test on each database.

use super::UserStore;
use crate::db::{Pools, test_databases};

pub async fn sqlite_store() -> (tempfile::TempDir, UserStore) {
    let (dir, options) = test_databases::sqlite_options();
    let pools = Pools::connect(&options).await.unwrap();
    (dir, UserStore::on(pools))
}

pub async fn postgres_store() -> UserStore {
    let options = test_databases::postgres_options().await;
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
