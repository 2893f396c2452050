//! The favourites table (SQLite, its own database file).

use app::domain::{SpotSlug, UserId};
use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{str::FromStr, time::Duration};
use thiserror::Error;

/// How many favourites one person may keep: far more than anyone stars by
/// hand, and a bound on what one token can make us store.
pub const MAX_FAVORITES_PER_USER: i64 = 1000;

#[derive(Debug, Error)]
pub enum FavoritesStoreError {
    #[error("already {MAX_FAVORITES_PER_USER} favourites")]
    Full,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

#[derive(Clone)]
pub struct FavoritesStore {
    pool: SqlitePool,
}

impl FavoritesStore {
    /// Opens (creating if needed) the database at `url` and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/favorites").run(&pool).await?;
        Ok(Self { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// `user`'s favourites, oldest first.
    pub async fn list(&self, user: UserId) -> Result<Vec<SpotSlug>, sqlx::Error> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT spot FROM favorites WHERE user_id = ? ORDER BY created_at, spot",
        )
        .bind(user.get())
        .fetch_all(&self.pool)
        .await?;
        // Only valid slugs are ever written; a row that isn't one was not
        // written by us and is left out rather than served.
        Ok(rows
            .into_iter()
            .filter_map(|raw| SpotSlug::parse(&raw).ok())
            .collect())
    }

    /// Adds `spot` to `user`'s favourites; adding it again changes nothing.
    pub async fn add(&self, user: UserId, spot: &SpotSlug) -> Result<(), FavoritesStoreError> {
        // One statement: the count and the insert can't be split by another
        // request of the same user.
        let inserted = sqlx::query(
            "INSERT INTO favorites (user_id, spot)
             SELECT ?1, ?2 WHERE (SELECT COUNT(*) FROM favorites WHERE user_id = ?1) < ?3
             ON CONFLICT (user_id, spot) DO NOTHING",
        )
        .bind(user.get())
        .bind(spot.as_str())
        .bind(MAX_FAVORITES_PER_USER)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if inserted == 1 || self.contains(user, spot).await? {
            Ok(())
        } else {
            Err(FavoritesStoreError::Full)
        }
    }

    /// Removes `spot` from `user`'s favourites, if it is there.
    pub async fn remove(&self, user: UserId, spot: &SpotSlug) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM favorites WHERE user_id = ? AND spot = ?")
            .bind(user.get())
            .bind(spot.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn contains(&self, user: UserId, spot: &SpotSlug) -> Result<bool, sqlx::Error> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM favorites WHERE user_id = ? AND spot = ?")
                .bind(user.get())
                .bind(spot.as_str())
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, FavoritesStore) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/favorites.db?mode=rwc", dir.path().display());
        let store = FavoritesStore::connect(&url).await.unwrap();
        (dir, store)
    }

    fn user(id: i64) -> UserId {
        UserId::new(id).unwrap()
    }

    fn slug(raw: &str) -> SpotSlug {
        SpotSlug::parse(raw).unwrap()
    }

    #[tokio::test]
    async fn adding_and_removing_are_idempotent() {
        let (_dir, store) = store().await;
        store.add(user(120), &slug("kirkjufell")).await.unwrap();
        store.add(user(120), &slug("kirkjufell")).await.unwrap();
        store.add(user(120), &slug("trolltunga")).await.unwrap();
        assert_eq!(
            store.list(user(120)).await.unwrap(),
            vec![slug("kirkjufell"), slug("trolltunga")]
        );
        store.remove(user(120), &slug("kirkjufell")).await.unwrap();
        store.remove(user(120), &slug("kirkjufell")).await.unwrap();
        assert_eq!(
            store.list(user(120)).await.unwrap(),
            vec![slug("trolltunga")]
        );
    }

    #[tokio::test]
    async fn each_user_has_their_own_list() {
        let (_dir, store) = store().await;
        store.add(user(121), &slug("moraine-lake")).await.unwrap();
        assert!(store.list(user(120)).await.unwrap().is_empty());
        store
            .remove(user(120), &slug("moraine-lake"))
            .await
            .unwrap();
        assert_eq!(
            store.list(user(121)).await.unwrap(),
            vec![slug("moraine-lake")]
        );
    }

    #[tokio::test]
    async fn a_full_list_refuses_new_spots_but_not_old_ones() {
        let (_dir, store) = store().await;
        for n in 0..MAX_FAVORITES_PER_USER {
            store
                .add(user(120), &slug(&format!("spot-{n}")))
                .await
                .unwrap();
        }
        assert!(matches!(
            store.add(user(120), &slug("one-more")).await,
            Err(FavoritesStoreError::Full)
        ));
        store.add(user(120), &slug("spot-7")).await.unwrap();
        store.add(user(121), &slug("one-more")).await.unwrap();
    }
}
