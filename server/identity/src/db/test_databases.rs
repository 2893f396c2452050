//! Fresh databases for tests: an SQLite file, and a PostgreSQL database in
//! the throw-away server that `scripts/test.sh` starts.

use super::{DatabaseOptions, Pools};

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

/// A new, migrated PostgreSQL database's pool.
pub async fn postgres_pool() -> sqlx::PgPool {
    let pools = Pools::connect(&postgres_options().await).await.unwrap();
    pools.postgres().expect("a PostgreSQL database").clone()
}

fn rand_u64() -> u64 {
    let mut bytes = [0; 8];
    getrandom::getrandom(&mut bytes).unwrap();
    u64::from_le_bytes(bytes)
}
