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
    Memory(Mutex<SeenIds>),
    Postgres(sqlx::PgPool),
}

/// One instance's ids, each with the second after which it can be forgotten.
pub struct SeenIds {
    until: HashMap<[u8; 32], u64>,
    capacity: usize,
    /// The clock second of the last sweep. Ids are forgotten at whole seconds
    /// and every new one outlives the second it arrives in (its proof is at
    /// most five minutes old), so a second sweep within the same second frees
    /// nothing. Without this, each proof sent to a full cache would scan
    /// every id under the lock, holding a worker thread: a flood of proofs
    /// that filled it would slow every call the server answers, not only
    /// refuse new proofs (seen in a benchmark: p99 69 ms against 5).
    swept_at: u64,
}

impl SeenIds {
    fn new(capacity: usize) -> Self {
        Self {
            until: HashMap::new(),
            capacity,
            swept_at: 0,
        }
    }

    fn first_use(&mut self, id: [u8; 32], forget_at: u64, now: u64) -> Result<(), ReplayError> {
        if self.until.contains_key(&id) {
            return Err(ReplayError::Replayed);
        }
        if self.until.len() >= self.capacity && self.swept_at < now {
            self.sweep(now);
        }
        if self.until.len() >= self.capacity {
            return Err(ReplayError::Full);
        }
        self.until.insert(id, forget_at);
        Ok(())
    }

    fn sweep(&mut self, now: u64) {
        self.until.retain(|_, until| *until > now);
        self.swept_at = self.swept_at.max(now);
    }
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
        Self::Memory(Mutex::new(SeenIds::new(MAX_REMEMBERED)))
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
            Self::Memory(seen) => seen
                .lock()
                .first_use(id, forget_at, crate::clock::unix_now()),
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
                seen.lock().sweep(now);
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
            Self::Memory(seen) => Some(seen.lock().until.len()),
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

    const NOW: u64 = 1_000_000;

    fn id(n: u8) -> [u8; 32] {
        [n; 32]
    }

    #[test]
    fn a_full_cache_refuses_a_new_proof_rather_than_forget_a_live_one() {
        let mut seen = SeenIds::new(2);
        seen.first_use(id(1), NOW + 300, NOW).unwrap();
        seen.first_use(id(2), NOW + 300, NOW).unwrap();
        assert!(matches!(
            seen.first_use(id(3), NOW + 300, NOW + 1),
            Err(ReplayError::Full)
        ));
        // Both live ids are still refused as replays.
        assert!(matches!(
            seen.first_use(id(1), NOW + 300, NOW + 1),
            Err(ReplayError::Replayed)
        ));
    }

    #[test]
    fn a_full_cache_makes_room_once_its_oldest_ids_have_expired() {
        let mut seen = SeenIds::new(2);
        seen.first_use(id(1), NOW + 1, NOW - 299).unwrap();
        seen.first_use(id(2), NOW + 300, NOW).unwrap();
        seen.first_use(id(3), NOW + 301, NOW + 1).unwrap();
        assert_eq!(seen.until.len(), 2, "id 1 was forgotten to make room");
    }

    #[test]
    fn a_full_cache_is_swept_at_most_once_a_second() {
        let mut seen = SeenIds::new(3);
        seen.first_use(id(1), NOW + 300, NOW).unwrap();
        seen.first_use(id(2), NOW + 300, NOW).unwrap();
        seen.first_use(id(3), NOW + 300, NOW).unwrap();
        // Full: this sweep at NOW frees nothing, and the proof is refused.
        assert!(matches!(
            seen.first_use(id(4), NOW + 300, NOW),
            Err(ReplayError::Full)
        ));
        // An id that expired at NOW is planted (no proof could bring one now:
        // it would be too old) to show whether the next refusal in the same
        // second sweeps again: it must not, and the id stays.
        seen.until.remove(&id(3));
        seen.until.insert(id(9), NOW);
        assert!(matches!(
            seen.first_use(id(5), NOW + 300, NOW),
            Err(ReplayError::Full)
        ));
        assert!(seen.until.contains_key(&id(9)));
        // The next second sweeps, and the expired id makes room.
        seen.first_use(id(6), NOW + 301, NOW + 1).unwrap();
        assert!(!seen.until.contains_key(&id(9)));
    }
}
