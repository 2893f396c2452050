//! The favourites table (SQLite, its own database file).

use crate::kept_lists::{KeptLists, List, MAX_KEPT_SPOTS};
use identity::db::groups::{Answer, Groups, together_or_alone};
use photo_spots_core::domain::{SpotSlug, UserId};
use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{collections::HashMap, str::FromStr, sync::Arc, time::Duration};
use thiserror::Error;

/// How many favourites one person may keep: far more than anyone stars by
/// hand, and a bound on what one token can make us store.
pub const MAX_FAVORITES_PER_USER: i64 = 1000;
/// Bounds one grouped read: at most this many lists in one statement.
const MAX_LISTS_PER_READ: usize = 32;

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
    lists: Groups<UserId, Answer<Vec<SpotSlug>>>,
    kept: Arc<KeptLists>,
}

impl FavoritesStore {
    /// Opens (creating if needed) the database at `url` and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5));
        // No ping before lending a connection: an SQLite connection is a
        // file handle, and the ping is a round trip to its worker thread.
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        let reader = pool.clone();
        let lists = Groups::start(
            MAX_LISTS_PER_READ,
            |_, _| false,
            move |group| {
                let reader = reader.clone();
                async move {
                    together_or_alone(
                        group,
                        |user| *user,
                        |users| read_lists(reader.clone(), users),
                    )
                    .await;
                }
            },
        );
        let kept = Arc::new(KeptLists::new(MAX_KEPT_SPOTS));
        Ok(Self { pool, lists, kept })
    }

    /// The database, for the tables beside the favourites (`deletions`).
    pub fn pool(&self) -> SqlitePool {
        self.pool.clone()
    }

    /// Forgets `user`'s kept list, after their favourites were deleted
    /// outside [`add`](Self::add) and [`remove`](Self::remove).
    pub fn forget_list(&self, user: UserId) {
        self.kept.forget(user);
    }

    /// One round trip, for readiness.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(drop)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// `user`'s favourites, oldest first.
    ///
    /// Every authenticated call of the service's hottest endpoint reads one
    /// list. A list read before is kept until its owner changes it
    /// ([`KeptLists`]: this process makes every write, and forgets the list
    /// before the write is answered, so an answered add or remove is always
    /// seen). Lists asked for at the same moment are read with one statement
    /// (`identity::db::groups`, as the app reads its users), paying the driver's
    /// thread hand-offs once per group.
    pub async fn list(&self, user: UserId) -> Result<List, sqlx::Error> {
        if let Some(list) = self.kept.get(user) {
            return Ok(list);
        }
        let ticket = self.kept.ticket();
        let list: List = self.lists.call(user).await??.unwrap_or_default().into();
        self.kept.keep(ticket, user, &list);
        Ok(list)
    }

    /// Adds `spot` to `user`'s favourites; adding it again changes nothing.
    pub async fn add(&self, user: UserId, spot: &SpotSlug) -> Result<(), FavoritesStoreError> {
        let (pool, spot_text) = (self.pool.clone(), spot.as_str().to_owned());
        let inserted = self
            .write_then_forget(user, async move {
                // One statement: the count and the insert can't be split by
                // another request of the same user.
                sqlx::query(
                    "INSERT INTO favorites (user_id, spot)
                     SELECT ?1, ?2 WHERE (SELECT COUNT(*) FROM favorites WHERE user_id = ?1) < ?3
                     ON CONFLICT (user_id, spot) DO NOTHING",
                )
                .bind(user.get())
                .bind(spot_text)
                .bind(MAX_FAVORITES_PER_USER)
                .execute(&pool)
                .await
            })
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
        let (pool, spot_text) = (self.pool.clone(), spot.as_str().to_owned());
        self.write_then_forget(user, async move {
            sqlx::query("DELETE FROM favorites WHERE user_id = ? AND spot = ?")
                .bind(user.get())
                .bind(spot_text)
                .execute(&pool)
                .await
        })
        .await
        .map(drop)
    }

    /// Runs `write` to its end in a task of its own, then forgets `user`'s
    /// kept list, whatever the answer (an error may come after a commit).
    /// A request whose client goes away is dropped mid-await, but the
    /// driver still runs a statement it was handed: forgetting in the
    /// request itself could be skipped after a committed write, leaving a
    /// stale list kept.
    async fn write_then_forget<T: Send + 'static>(
        &self,
        user: UserId,
        write: impl Future<Output = Result<T, sqlx::Error>> + Send + 'static,
    ) -> Result<T, sqlx::Error> {
        let kept = self.kept.clone();
        let task = tokio::spawn(async move {
            let written = write.await;
            kept.forget(user);
            written
        });
        match task.await {
            Ok(written) => written,
            Err(failed) if failed.is_panic() => std::panic::resume_unwind(failed.into_panic()),
            // Only a runtime shutting down cancels the task.
            Err(_) => Err(sqlx::Error::PoolClosed),
        }
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

/// The favourites of every user in `users` that has any, oldest first.
async fn read_lists(
    reader: SqlitePool,
    users: Vec<UserId>,
) -> Result<HashMap<UserId, Vec<SpotSlug>>, sqlx::Error> {
    let sql = format!(
        "SELECT user_id, spot FROM favorites WHERE user_id IN ({}) ORDER BY user_id, created_at, spot",
        vec!["?"; users.len()].join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for user in users {
        query = query.bind(user.get());
    }
    let mut lists: HashMap<UserId, Vec<SpotSlug>> = HashMap::new();
    for (user, spot) in query.fetch_all(&reader).await? {
        // Only valid ids and slugs are ever written; a row that isn't one
        // was not written by us and is left out rather than served.
        if let (Ok(user), Ok(spot)) = (UserId::new(user), SpotSlug::parse(&spot)) {
            lists.entry(user).or_default().push(spot);
        }
    }
    Ok(lists)
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
            store.list(user(120)).await.unwrap().to_vec(),
            vec![slug("kirkjufell"), slug("trolltunga")]
        );
        store.remove(user(120), &slug("kirkjufell")).await.unwrap();
        store.remove(user(120), &slug("kirkjufell")).await.unwrap();
        assert_eq!(
            store.list(user(120)).await.unwrap().to_vec(),
            vec![slug("trolltunga")]
        );
    }

    #[tokio::test]
    async fn a_list_read_before_shows_each_change_at_once() {
        let (_dir, store) = store().await;
        store.add(user(120), &slug("kirkjufell")).await.unwrap();
        // Read twice: the second read is the kept list.
        for _ in 0..2 {
            assert_eq!(
                store.list(user(120)).await.unwrap().to_vec(),
                vec![slug("kirkjufell")]
            );
        }
        store.add(user(120), &slug("trolltunga")).await.unwrap();
        assert_eq!(
            store.list(user(120)).await.unwrap().to_vec(),
            vec![slug("kirkjufell"), slug("trolltunga")]
        );
        store.remove(user(120), &slug("kirkjufell")).await.unwrap();
        assert_eq!(
            store.list(user(120)).await.unwrap().to_vec(),
            vec![slug("trolltunga")]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn reads_racing_writes_never_hide_an_answered_write() {
        let (_dir, store) = store().await;
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let (store, done) = (store.clone(), done.clone());
                tokio::spawn(async move {
                    while !done.load(std::sync::atomic::Ordering::Relaxed) {
                        store.list(user(120)).await.unwrap();
                        // A kept list answers without waiting: let the
                        // writer (and the runtime's shutdown) have a turn.
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        let mut expected = Vec::new();
        for n in 0..40 {
            let spot = slug(&format!("spot-{n:02}"));
            store.add(user(120), &spot).await.unwrap();
            expected.push(spot);
            assert_eq!(store.list(user(120)).await.unwrap().to_vec(), expected);
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        for reader in readers {
            reader.await.unwrap();
        }
    }

    #[tokio::test]
    async fn a_write_whose_caller_went_away_is_still_seen_by_the_next_read() {
        let (_dir, store) = store().await;
        assert!(store.list(user(120)).await.unwrap().is_empty()); // now kept
        // The request is polled once, so the write is under way, and then
        // dropped, as when its client disconnects.
        let spot = slug("kirkjufell");
        let mut add = Box::pin(store.add(user(120), &spot));
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(add.as_mut().poll(&mut context).is_pending());
        drop(add);
        let mut seen = Vec::new();
        for _ in 0..200 {
            seen = store.list(user(120)).await.unwrap().to_vec();
            if !seen.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(seen, vec![slug("kirkjufell")]);
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
            store.list(user(121)).await.unwrap().to_vec(),
            vec![slug("moraine-lake")]
        );
    }

    #[tokio::test]
    async fn lists_read_together_each_go_to_their_own_user() {
        let (_dir, store) = store().await;
        for id in 1..=40 {
            store
                .add(user(id), &slug(&format!("a-spot-of-{id}")))
                .await
                .unwrap();
            store.add(user(id), &slug("z-shared")).await.unwrap();
        }
        // 80 calls at once: more than one group, some users asked twice,
        // one with no favourites.
        let calls: Vec<_> = (1..=80)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(
                    async move { (n, store.list(user(n % 41 + 1)).await.unwrap().to_vec()) },
                )
            })
            .collect();
        for call in calls {
            let (n, list) = call.await.unwrap();
            let id = n % 41 + 1;
            let expected = if id == 41 {
                vec![]
            } else {
                vec![slug(&format!("a-spot-of-{id}")), slug("z-shared")]
            };
            assert_eq!(list, expected, "user {id}");
        }
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
