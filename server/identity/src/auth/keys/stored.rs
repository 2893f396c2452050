//! The signing keys in PostgreSQL (`signing_keys`), shared by every app
//! instance: each signs with the same key and publishes the same JWKS, and a
//! rotation made anywhere reaches all of them without a restart.
//!
//! - Public halves are stored as they are. Private halves are sealed under
//!   the key-encryption key from each instance's environment (`sealed.rs`),
//!   and destroyed as soon as a newer key signs.
//! - A rotation adds a key that **activates later** (three refresh
//!   intervals): every instance publishes and accepts it within one refresh,
//!   so by the time any instance signs with it, every other instance and
//!   every JWKS cache that refetches on an unknown `kid` already has it.
//! - Each instance rereads the table every refresh interval, and at once
//!   when a token names a key it doesn't know (at most once a second).

use super::{
    KeyRing, PrivateKey, PublicKey, RingKeys,
    sealed::{KeyEncryptionKey, SealError},
};
use sqlx::{PgPool, Row};
use std::{sync::Arc, time::Duration};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoredKeysError {
    #[error("the signing keys table could not be read or written: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("the stored public key {0} is not a valid Ed25519 key")]
    BadPublicKey(String),
    #[error("no stored key may sign now (run `server keys rotate`)")]
    NoSigningKey,
}

/// One row of `signing_keys`, opened.
struct StoredKey {
    public: PublicKey,
    private: Option<PrivateKey>,
    activates_at: i64,
}

#[derive(Clone)]
pub struct StoredKeys {
    pool: PgPool,
    kek: KeyEncryptionKey,
    /// How long a retired key stays trusted (token lifetime plus leeway).
    keep_retired_for: Duration,
    refresh: Duration,
}

impl StoredKeys {
    pub fn new(
        pool: PgPool,
        kek: KeyEncryptionKey,
        keep_retired_for: Duration,
        refresh: Duration,
    ) -> Self {
        Self {
            pool,
            kek,
            keep_retired_for,
            refresh,
        }
    }

    /// How often each instance rereads the table.
    pub fn refresh(&self) -> Duration {
        self.refresh
    }

    /// How long after a rotation the new key starts signing.
    pub fn activation_delay(&self) -> Duration {
        self.refresh * 3
    }

    /// Adds a key that signs at once if no key can sign now (a new
    /// database). Several instances starting together add one key between
    /// them. Returns the new key id, if one was added.
    pub async fn create_if_missing(&self) -> Result<Option<String>, StoredKeysError> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx).await?;
        // `statement_timestamp()`, not `now()`: `now()` is when this
        // transaction began, possibly before the one we waited for on the
        // lock created its key, which would then look not yet active.
        let signing: Option<String> = sqlx::query_scalar(
            "SELECT kid FROM signing_keys \
             WHERE activates_at <= statement_timestamp() AND sealed_private_key IS NOT NULL \
             LIMIT 1",
        )
        .fetch_optional(&mut *tx)
        .await?;
        if signing.is_some() {
            return Ok(None);
        }
        let kid = self.insert(&mut tx, Duration::ZERO).await?;
        tx.commit().await?;
        Ok(Some(kid))
    }

    /// Adds a new key that starts signing after the activation delay; the
    /// current one signs until then, and verifies until its tokens expire.
    /// Returns the new key id.
    pub async fn rotate(&self) -> Result<String, StoredKeysError> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx).await?;
        let kid = self.insert(&mut tx, self.activation_delay()).await?;
        tx.commit().await?;
        Ok(kid)
    }

    async fn insert(
        &self,
        tx: &mut sqlx::PgConnection,
        delay: Duration,
    ) -> Result<String, StoredKeysError> {
        let key = PrivateKey::generate().map_err(SealError::from)?;
        let sealed = self.kek.seal(&key)?;
        sqlx::query(
            "INSERT INTO signing_keys (kid, public_key, sealed_private_key, activates_at) \
             VALUES ($1, $2, $3, now() + make_interval(secs => $4))",
        )
        .bind(key.kid())
        .bind(key.public().bytes().as_slice())
        .bind(sealed)
        .bind(delay.as_secs_f64())
        .execute(&mut *tx)
        .await?;
        Ok(key.kid().to_owned())
    }

    /// Every stored key as this instance should use it now: the newest active
    /// key signs, later ones are published ahead of signing, earlier ones
    /// verify until their window ends.
    pub async fn load(&self) -> Result<RingKeys, StoredKeysError> {
        let rows = sqlx::query(
            "SELECT kid, public_key, sealed_private_key, \
                    floor(EXTRACT(EPOCH FROM activates_at))::bigint AS activates_at, \
                    floor(EXTRACT(EPOCH FROM now()))::bigint AS now \
             FROM signing_keys ORDER BY activates_at, kid",
        )
        .fetch_all(&self.pool)
        .await?;
        let now = match rows.first() {
            Some(row) => row.try_get::<i64, _>("now")?,
            None => return Err(StoredKeysError::NoSigningKey),
        };
        let keys = rows
            .iter()
            .map(|row| self.open_row(row))
            .collect::<Result<Vec<_>, _>>()?;
        ring_keys(keys, now)
    }

    fn open_row(&self, row: &sqlx::postgres::PgRow) -> Result<StoredKey, StoredKeysError> {
        let kid: String = row.try_get("kid")?;
        let public: Vec<u8> = row.try_get("public_key")?;
        let public = <[u8; 32]>::try_from(public)
            .ok()
            .and_then(|bytes| PublicKey::from_bytes(bytes).ok())
            .filter(|key| key.kid() == kid)
            .ok_or_else(|| StoredKeysError::BadPublicKey(kid.chars().take(64).collect()))?;
        let sealed: Option<Vec<u8>> = row.try_get("sealed_private_key")?;
        let private = sealed
            .map(|sealed| self.kek.open(&kid, &sealed))
            .transpose()?;
        Ok(StoredKey {
            public,
            private,
            activates_at: row.try_get("activates_at")?,
        })
    }

    /// Destroys the private half of every key a newer active key replaced,
    /// and deletes keys whose tokens have all expired.
    pub async fn prune(&self) -> Result<(), StoredKeysError> {
        sqlx::query(
            "UPDATE signing_keys SET sealed_private_key = NULL \
             WHERE sealed_private_key IS NOT NULL AND activates_at < \
               (SELECT max(activates_at) FROM signing_keys WHERE activates_at <= now())",
        )
        .execute(&self.pool)
        .await?;
        // A key retires when its successor activates.
        sqlx::query(
            "DELETE FROM signing_keys k WHERE EXISTS (SELECT 1 FROM signing_keys n \
               WHERE n.activates_at > k.activates_at \
                 AND n.activates_at + make_interval(secs => $1) < now())",
        )
        .bind(self.keep_retired_for.as_secs_f64())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Keeps `ring` in step with the table until the pool closes: every
    /// refresh interval, at each key's activation, and when the ring asks
    /// (a token named a key it doesn't know). A database outage keeps the
    /// keys already loaded.
    pub fn spawn_refresh(self, ring: Arc<KeyRing>) {
        tokio::spawn(async move {
            while !self.pool.is_closed() {
                let wait = match self.refresh_once(&ring).await {
                    Ok(until_activation) => until_activation.min(self.refresh),
                    Err(error) => {
                        tracing::warn!(%error, "could not reload the signing keys; keeping the ones loaded");
                        self.refresh
                    }
                };
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = ring.reload_requested() => {}
                }
            }
        });
    }

    /// Returns how long until the next stored key activates.
    async fn refresh_once(&self, ring: &KeyRing) -> Result<Duration, StoredKeysError> {
        self.prune().await?;
        let keys = self.load().await?;
        let until = keys.until_next_activation().unwrap_or(self.refresh);
        ring.replace(keys);
        Ok(until)
    }
}

/// Serialises key creation and rotation across instances and operators.
async fn lock(tx: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await
        .map(drop)
}

/// Sorted by activation: the last one active at `now` signs.
fn ring_keys(keys: Vec<StoredKey>, now: i64) -> Result<RingKeys, StoredKeysError> {
    let signing_index = keys
        .iter()
        .rposition(|key| key.activates_at <= now)
        .ok_or(StoredKeysError::NoSigningKey)?;
    let mut retired = Vec::new();
    let mut upcoming = Vec::new();
    let mut signing = None;
    for (index, key) in keys.iter().enumerate() {
        if index < signing_index {
            // Retired when the next key activated.
            let retired_at = keys[index + 1].activates_at;
            retired.push((key.public.clone(), u64::try_from(retired_at).unwrap_or(0)));
        } else if index == signing_index {
            signing = key.private.clone();
        } else {
            let until = u64::try_from(key.activates_at - now).unwrap_or(0);
            upcoming.push((key.public.clone(), Duration::from_secs(until)));
        }
    }
    let signing = signing.ok_or(StoredKeysError::NoSigningKey)?;
    Ok(RingKeys::new(signing, retired, upcoming))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new, migrated PostgreSQL database's pool.
    async fn postgres_pool() -> sqlx::PgPool {
        let options = crate::test_databases::postgres_options().await;
        let pools = crate::db::Pools::connect(&options).await.unwrap();
        pools.postgres().expect("a PostgreSQL database").clone()
    }

    const KEEP: Duration = Duration::from_secs(3600);
    const REFRESH: Duration = Duration::from_secs(1);

    fn kek() -> KeyEncryptionKey {
        KeyEncryptionKey::parse(&KeyEncryptionKey::generate().unwrap()).unwrap()
    }

    /// A fresh PostgreSQL database with the migrations run, and its key table.
    async fn stored(kek: KeyEncryptionKey) -> (sqlx::PgPool, StoredKeys) {
        let pool = postgres_pool().await;
        (pool.clone(), StoredKeys::new(pool, kek, KEEP, REFRESH))
    }

    fn kids(keys: &[PublicKey]) -> Vec<String> {
        keys.iter().map(|k| k.kid().to_owned()).collect()
    }

    /// Moves a key's activation, as if it had been rotated in earlier.
    async fn set_activation(keys: &StoredKeys, kid: &str, seconds_from_now: f64) {
        sqlx::query(
            "UPDATE signing_keys SET activates_at = now() + make_interval(secs => $2) WHERE kid = $1",
        )
        .bind(kid)
        .bind(seconds_from_now)
        .execute(&keys.pool)
        .await
        .unwrap();
    }

    #[tokio::test]
    #[cfg_attr(
        not(postgres_tests),
        ignore = "needs PostgreSQL: scripts/test.sh runs it"
    )]
    async fn instances_starting_together_create_one_first_key() {
        let (_pool, keys) = stored(kek()).await;
        let created = futures::future::join_all((0..4).map(|_| keys.create_if_missing())).await;
        let created: Vec<String> = created.into_iter().filter_map(|r| r.unwrap()).collect();
        assert_eq!(created.len(), 1, "{created:?}");
        assert_eq!(keys.load().await.unwrap().signing.kid(), created[0]);
    }

    #[tokio::test]
    #[cfg_attr(
        not(postgres_tests),
        ignore = "needs PostgreSQL: scripts/test.sh runs it"
    )]
    async fn the_table_holds_no_private_key_in_the_clear() {
        let (_pool, keys) = stored(kek()).await;
        keys.create_if_missing().await.unwrap();
        let signing = keys.load().await.unwrap().signing;
        let sealed: Vec<u8> = sqlx::query_scalar("SELECT sealed_private_key FROM signing_keys")
            .fetch_one(&keys.pool)
            .await
            .unwrap();
        assert!(!sealed.windows(32).any(|w| w == signing.seed().as_slice()));
    }

    #[tokio::test]
    #[cfg_attr(
        not(postgres_tests),
        ignore = "needs PostgreSQL: scripts/test.sh runs it"
    )]
    async fn another_kek_cannot_load_the_keys() {
        let (pool, keys) = stored(kek()).await;
        keys.create_if_missing().await.unwrap();
        let other = StoredKeys::new(pool, kek(), KEEP, REFRESH);
        assert!(matches!(
            other.load().await,
            Err(StoredKeysError::Seal(SealError::WrongKek(_)))
        ));
    }

    #[tokio::test]
    #[cfg_attr(
        not(postgres_tests),
        ignore = "needs PostgreSQL: scripts/test.sh runs it"
    )]
    async fn a_rotated_key_is_published_at_once_and_signs_after_the_delay() {
        let (_pool, keys) = stored(kek()).await;
        let first = keys.create_if_missing().await.unwrap().unwrap();
        let new = keys.rotate().await.unwrap();
        let loaded = keys.load().await.unwrap();
        assert_eq!(
            loaded.signing.kid(),
            first,
            "the new key waits for the delay"
        );
        assert_eq!(
            kids(&loaded.published(0, KEEP)),
            vec![first.clone(), new.clone()]
        );
        let until = loaded.until_next_activation().unwrap();
        assert!(until <= keys.activation_delay() && until >= keys.activation_delay() - REFRESH);

        set_activation(&keys, &first, -10.0).await;
        set_activation(&keys, &new, -1.0).await;
        let loaded = keys.load().await.unwrap();
        assert_eq!(loaded.signing.kid(), new);
        assert_eq!(kids(&loaded.published(0, KEEP)), vec![new, first]);
    }

    #[tokio::test]
    #[cfg_attr(
        not(postgres_tests),
        ignore = "needs PostgreSQL: scripts/test.sh runs it"
    )]
    async fn a_replaced_key_loses_its_private_half_and_leaves_after_its_window() {
        let (_pool, keys) = stored(kek()).await;
        let first = keys.create_if_missing().await.unwrap().unwrap();
        let new = keys.rotate().await.unwrap();
        keys.prune().await.unwrap();
        let private_halves = || async {
            sqlx::query_scalar::<_, String>(
                "SELECT kid FROM signing_keys WHERE sealed_private_key IS NOT NULL ORDER BY activates_at",
            )
            .fetch_all(&keys.pool)
            .await
            .unwrap()
        };
        assert_eq!(private_halves().await, vec![first.clone(), new.clone()]);

        set_activation(&keys, &first, -10.0).await;
        set_activation(&keys, &new, -1.0).await;
        keys.prune().await.unwrap();
        assert_eq!(private_halves().await, vec![new.clone()]);
        assert!(kids(&keys.load().await.unwrap().published(0, KEEP)).contains(&first));

        set_activation(&keys, &first, -(KEEP.as_secs_f64() + 10.0)).await;
        set_activation(&keys, &new, -(KEEP.as_secs_f64() + 1.0)).await;
        keys.prune().await.unwrap();
        let remaining: Vec<String> = sqlx::query_scalar("SELECT kid FROM signing_keys")
            .fetch_all(&keys.pool)
            .await
            .unwrap();
        assert_eq!(remaining, vec![new]);
    }

    /// A ring fed by a refresh task, after the task's first refresh.
    async fn running_ring(keys: &StoredKeys) -> Arc<KeyRing> {
        keys.create_if_missing().await.unwrap();
        let ring = Arc::new(KeyRing::pushed(keys.load().await.unwrap(), KEEP));
        let initial = ring.current();
        keys.clone().spawn_refresh(ring.clone());
        while Arc::ptr_eq(&initial, &ring.current()) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        ring
    }

    #[tokio::test]
    #[cfg_attr(
        not(postgres_tests),
        ignore = "needs PostgreSQL: scripts/test.sh runs it"
    )]
    async fn a_token_naming_an_unknown_key_makes_the_ring_reload_at_once() {
        use super::super::KeySet;
        let (pool, _) = stored(kek()).await;
        // Refreshes a minute apart: only the request can explain a reload.
        let keys = StoredKeys::new(pool, kek(), KEEP, Duration::from_secs(60));
        let ring = running_ring(&keys).await;
        let new = keys.rotate().await.unwrap();
        // That first token is refused; the reload serves the next ones.
        assert!(ring.find(&new).is_err());
        tokio::time::timeout(Duration::from_secs(5), async {
            while ring.find(&new).is_err() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
        .expect("reloaded long before the next refresh");
    }

    #[tokio::test]
    #[cfg_attr(
        not(postgres_tests),
        ignore = "needs PostgreSQL: scripts/test.sh runs it"
    )]
    async fn a_running_ring_signs_with_a_rotated_key_after_the_delay() {
        let (_pool, keys) = stored(kek()).await;
        let ring = running_ring(&keys).await;
        let new = keys.rotate().await.unwrap();
        tokio::time::timeout(keys.activation_delay() + 2 * REFRESH, async {
            while ring.current().signing.kid() != new {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
        .expect("signs with the new key after the delay");
    }
}
