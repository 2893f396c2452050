//! The proof ids (`jti`) seen while their proofs could still be accepted:
//! a proof is good once. One instance keeps them in memory (bounded);
//! several share them in PostgreSQL, so a proof used on one instance is
//! refused on every other.

use super::{VerifiedProof, proof::MAX_AGE_SECONDS};
use crate::error::{ApiError, DpopProblem, Outage};
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// At most this many ids in memory (about 30 MB): ten minutes (the proof
/// window both ways) of 800 proofs a second. Past it, proofs are refused
/// (503) rather than an id forgotten early, which would let its proof be
/// used again.
pub const MAX_REMEMBERED: usize = 500_000;

pub enum ReplayCache {
    Memory(Mutex<HashMap<[u8; 32], u64>>),
    Postgres(sqlx::PgPool),
}

/// Why a proof's first use could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("this proof was used before")]
    Replayed,
    #[error("too many recent proofs to remember another")]
    Full,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<ReplayError> for ApiError {
    fn from(error: ReplayError) -> Self {
        match error {
            ReplayError::Replayed => Self::Dpop(DpopProblem::Replayed),
            ReplayError::Full => {
                tracing::warn!("DPoP replay cache full: proofs refused until it drains");
                Self::Unavailable(Outage::SigningKeys)
            }
            ReplayError::Database(error) => error.into(),
        }
    }
}

impl ReplayCache {
    pub fn in_memory() -> Self {
        Self::Memory(Mutex::new(HashMap::new()))
    }

    pub fn shared(pool: sqlx::PgPool) -> Self {
        Self::Postgres(pool)
    }

    /// Records `proof`'s id; `Replayed` if it was recorded before.
    pub async fn first_use(&self, proof: &VerifiedProof) -> Result<(), ReplayError> {
        let id = id_of(proof);
        // After this, the proof is too old to be accepted anyway.
        let forget_at = proof.iat.saturating_add(MAX_AGE_SECONDS + 1);

        match self {
            Self::Memory(seen) => {
                let mut seen = seen.lock();
                if seen.contains_key(&id) {
                    return Err(ReplayError::Replayed);
                }
                if seen.len() >= MAX_REMEMBERED {
                    let now = crate::clock::unix_now();
                    seen.retain(|_, until| *until > now);
                    if seen.len() >= MAX_REMEMBERED {
                        return Err(ReplayError::Full);
                    }
                }
                seen.insert(id, forget_at);
                Ok(())
            }
            Self::Postgres(pool) => {
                let inserted = sqlx::query(
                    "INSERT INTO dpop_proofs (id, forget_at) VALUES ($1, $2) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(hex(&id))
                .bind(i64::try_from(forget_at).unwrap_or(i64::MAX))
                .execute(pool)
                .await?;
                if inserted.rows_affected() == 0 {
                    return Err(ReplayError::Replayed);
                }
                Ok(())
            }
        }
    }

    /// Forgets ids whose proofs are too old to be accepted at `now`.
    pub async fn prune(&self, now: u64) -> Result<(), sqlx::Error> {
        match self {
            Self::Memory(seen) => {
                let mut seen = seen.lock();
                seen.retain(|_, until| *until > now);
                Ok(())
            }
            Self::Postgres(pool) => {
                sqlx::query("DELETE FROM dpop_proofs WHERE forget_at <= $1")
                    .bind(i64::try_from(now).unwrap_or(i64::MAX))
                    .execute(pool)
                    .await?;
                Ok(())
            }
        }
    }

    /// How many ids are remembered (in memory; for tests).
    pub fn remembered(&self) -> Option<usize> {
        match self {
            Self::Memory(seen) => Some(seen.lock().len()),
            Self::Postgres(_) => None,
        }
    }
}

/// A proof's id is its key's and its `jti` together: two keys may pick the
/// same `jti` without refusing each other.
fn id_of(proof: &VerifiedProof) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(proof.jkt.as_bytes());
    hash.update(b".");
    hash.update(proof.jti.as_bytes());
    hash.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proof(jkt: &str, jti: &str, iat: u64) -> VerifiedProof {
        VerifiedProof {
            jkt: jkt.into(),
            jti: jti.into(),
            iat,
        }
    }

    #[tokio::test]
    async fn a_proof_is_good_once() {
        let cache = ReplayCache::in_memory();
        let now = crate::clock::unix_now();
        cache.first_use(&proof("k", "a", now)).await.unwrap();
        assert!(matches!(
            cache.first_use(&proof("k", "a", now)).await,
            Err(ReplayError::Replayed)
        ));
        // Another key's proof with the same jti is another proof.
        cache.first_use(&proof("other", "a", now)).await.unwrap();
    }

    #[tokio::test]
    async fn ids_are_forgotten_once_their_proofs_are_too_old() {
        let cache = ReplayCache::in_memory();
        cache.first_use(&proof("k", "a", 1_000)).await.unwrap();
        cache.first_use(&proof("k", "b", 2_000)).await.unwrap();
        cache.prune(1_000 + MAX_AGE_SECONDS).await.unwrap();
        assert_eq!(cache.remembered(), Some(2), "a is still within its window");
        cache.prune(1_000 + MAX_AGE_SECONDS + 1).await.unwrap();
        assert_eq!(cache.remembered(), Some(1));
    }
}
