//! Recovery links: the support path for a person with nothing left (no
//! password, passkey or recovery code). An operator makes one with
//! `server users recovery-link USERNAME`; it opens a page that sets a new
//! password and ends every session. One use, 15 minutes, the newest only;
//! its secret travels in the link's fragment (`/recover/link#…`), which
//! browsers never send to a server, so it stays out of access logs and
//! `Referer` headers. Only its hash is stored.

use crate::{
    auth::refresh::RefreshToken,
    clock::unix_now_i64,
    db::{Pools, on_pool},
    domain::UserId,
};

/// How long a link works.
pub const LIFETIME_SECS: i64 = 15 * 60;

/// A link's secret: the same shape as a refresh token (256 random bits,
/// base64url), so the same type makes, checks and hashes it.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkSecret(RefreshToken);

impl LinkSecret {
    pub fn generate() -> Result<Self, getrandom::Error> {
        RefreshToken::generate().map(Self)
    }

    /// As the page sends it back; `None` unless it has the shape we make.
    pub fn parse(presented: &str) -> Option<Self> {
        RefreshToken::parse(presented).map(Self)
    }

    /// For the link itself (its fragment).
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    fn hash(&self) -> String {
        self.0.hash()
    }
}

/// Never printed: a log line must not hand out a way in.
impl std::fmt::Debug for LinkSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSecret(…)")
    }
}

#[derive(Clone)]
pub struct RecoveryLinks(Pools);

impl RecoveryLinks {
    /// In the main database (its migrations made the table).
    pub fn on(pools: Pools) -> Self {
        Self(pools)
    }

    /// A new link for `user`, voiding any older one in the same transaction
    /// (so the table holds at most one per person), and forgetting every
    /// expired one.
    pub async fn make(&self, user: UserId, secret: &LinkSecret) -> Result<(), sqlx::Error> {
        let now = unix_now_i64();
        on_pool!(&self.0, writer, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM recovery_links WHERE user_id = $1 OR expires_at <= $2")
                .bind(user.get())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO recovery_links (hash, user_id, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(secret.hash())
            .bind(user.get())
            .bind(now)
            .bind(now + LIFETIME_SECS)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Whose link `secret` is, if it still works (unused, unexpired): read
    /// before the new password is checked, so a refused password leaves
    /// the link usable.
    pub async fn holder(&self, secret: &LinkSecret) -> Result<Option<UserId>, sqlx::Error> {
        let id: Option<i64> = on_pool!(&self.0, reader, |pool| {
            sqlx::query_scalar(
                "SELECT user_id FROM recovery_links \
                 WHERE hash = $1 AND used_at IS NULL AND expires_at > $2",
            )
            .bind(secret.hash())
            .bind(unix_now_i64())
            .fetch_optional(pool)
            .await?
        });
        Ok(id.and_then(|id| UserId::new(id).ok()))
    }

    /// Spends `user`'s link `secret`: `true` once while it works, `false`
    /// after (of two uses at once, exactly one wins).
    pub async fn spend(&self, user: UserId, secret: &LinkSecret) -> Result<bool, sqlx::Error> {
        let now = unix_now_i64();
        let spent = on_pool!(&self.0, writer, |pool| {
            sqlx::query(
                "UPDATE recovery_links SET used_at = $1 \
                 WHERE hash = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $1",
            )
            .bind(now)
            .bind(secret.hash())
            .bind(user.get())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(spent == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_secret_is_256_random_bits_and_reads_back() {
        let secret = LinkSecret::generate().unwrap();
        assert_eq!(secret.as_str().len(), 43);
        assert_eq!(LinkSecret::parse(secret.as_str()), Some(secret.clone()));
        assert_ne!(LinkSecret::generate().unwrap(), secret);
        assert!(!format!("{secret:?}").contains(secret.as_str()));
        for bad in ["", "short", &secret.as_str()[1..], "not a secret at all"] {
            assert!(LinkSecret::parse(bad).is_none(), "{bad:?}");
        }
    }
}
