//! Recovery codes: the way back in when the password is forgotten and the
//! passkeys are lost. A person makes ten (with a recent sign-in), keeps them
//! on paper, and signs in with one once (`POST /api/recover`); the codes are
//! stored only as hashes, a new set voids the old one. Server only.

mod code;
pub mod link;

pub use code::RecoveryCode;
pub use link::{LinkSecret, RecoveryLinks};

use crate::{
    clock::unix_now_i64,
    db::{Pools, on_pool},
    domain::UserId,
    error::ApiError,
};

/// How many codes a set holds.
pub const SET_SIZE: usize = 10;

#[derive(Clone)]
pub struct RecoveryCodes(Pools);

impl RecoveryCodes {
    /// In the main database (its migrations made the table).
    pub fn on(pools: Pools) -> Self {
        Self(pools)
    }

    /// A new set of codes for `user`, replacing (voiding) any older set in
    /// the same transaction. The codes are shown once: only hashes stay.
    pub async fn make(&self, user: UserId) -> Result<Vec<RecoveryCode>, ApiError> {
        let codes = (0..SET_SIZE)
            .map(|_| RecoveryCode::generate())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| {
                tracing::error!(%error, "no randomness for recovery codes");
                ApiError::Internal
            })?;
        let now = unix_now_i64();
        on_pool!(&self.0, writer, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user.get())
                .execute(&mut *tx)
                .await?;
            for code in &codes {
                sqlx::query(
                    "INSERT INTO recovery_codes (hash, user_id, created_at) VALUES ($1, $2, $3)",
                )
                .bind(code.hash())
                .bind(user.get())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        tracing::info!(%user, "recovery codes made; any older set is void");
        Ok(codes)
    }

    /// Whether `code` is one of `user`'s unused codes (spending it is
    /// [`spend`](Self::spend)'s, which alone settles a race).
    pub async fn is_unused(&self, user: UserId, code: &RecoveryCode) -> Result<bool, ApiError> {
        let found: Option<i64> = on_pool!(&self.0, reader, |pool| {
            sqlx::query_scalar(
                "SELECT user_id FROM recovery_codes \
                 WHERE hash = $1 AND user_id = $2 AND used_at IS NULL",
            )
            .bind(code.hash())
            .bind(user.get())
            .fetch_optional(pool)
            .await?
        });
        Ok(found.is_some())
    }

    /// Spends `user`'s unused `code`: `true` once, `false` for a used,
    /// voided or unknown code (of two uses at once, exactly one wins).
    pub async fn spend(&self, user: UserId, code: &RecoveryCode) -> Result<bool, ApiError> {
        let spent = on_pool!(&self.0, writer, |pool| {
            sqlx::query(
                "UPDATE recovery_codes SET used_at = $1 \
                 WHERE hash = $2 AND user_id = $3 AND used_at IS NULL",
            )
            .bind(unix_now_i64())
            .bind(code.hash())
            .bind(user.get())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(spent == 1)
    }

    /// How many of `user`'s codes are left unused.
    pub async fn left(&self, user: UserId) -> Result<u32, ApiError> {
        let left: i64 = on_pool!(&self.0, reader, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
            )
            .bind(user.get())
            .fetch_one(pool)
            .await?
        });
        Ok(u32::try_from(left).unwrap_or_default())
    }
}
