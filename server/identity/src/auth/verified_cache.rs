//! Tokens whose signature has already been checked, by their exact bytes.
//!
//! An Ed25519 verification costs about ten times an HMAC, and a browser
//! presents the same token on every call for its whole lifetime. Like Envoy's
//! `jwt_authn`, the verifier remembers tokens that verified: the next call
//! with the very same bytes skips the signature and the parsing, and nothing
//! else. Only a token that passed every check is ever inserted, so a flood of
//! forged tokens costs a lookup each and no memory.
//!
//! What can change while a token is remembered is checked again on each hit:
//! the clock (the entry is refused the same second the library would refuse
//! the token) and the key (a key that is no longer trusted refuses its tokens
//! at once). Revocation (token version, the user row) is the caller's check
//! on every call and never cached here.

use super::{Claims, LEEWAY_SECONDS};
use quick_cache::sync::Cache;
use std::sync::Arc;

/// How many verified tokens a verifier remembers unless told otherwise. An
/// entry is one token as we sign it (about 500 bytes) and its claims, so the
/// cache stays near 12 MB however many tokens it is shown (BENCHMARKS.md).
pub const DEFAULT_ENTRIES: usize = 10_000;

/// What a hit hands back: the claims as first verified and the key that
/// signed them (`None` in shared-secret mode).
#[derive(Clone, Debug)]
pub struct Remembered {
    pub claims: Arc<Claims>,
    pub kid: Option<Arc<str>>,
}

/// A bounded map from token bytes to verified claims; disabled with 0 entries.
pub struct VerifiedTokens {
    cache: Option<Cache<Box<str>, Remembered>>,
}

impl VerifiedTokens {
    pub fn new(entries: usize) -> Self {
        Self {
            cache: (entries > 0).then(|| Cache::new(entries)),
        }
    }

    /// The claims remembered for exactly `token`, if it has not expired by
    /// `now` (seconds since the epoch; the same leeway as the full check).
    /// An expired entry is dropped.
    pub fn get(&self, token: &str, now: u64) -> Option<Remembered> {
        let cache = self.cache.as_ref()?;
        let hit = cache.get(token)?;
        if hit.claims.exp.saturating_add(LEEWAY_SECONDS) < now {
            cache.remove(token);
            return None;
        }
        Some(hit)
    }

    /// Remembers `token`, which has just passed every check, and its claims.
    pub fn insert(&self, token: &str, claims: &Claims, kid: Option<&str>) {
        if let Some(cache) = &self.cache {
            let remembered = Remembered {
                claims: Arc::new(claims.clone()),
                kid: kid.map(Arc::from),
            };
            cache.insert(token.into(), remembered);
        }
    }

    /// Forgets `token` (its key is no longer trusted).
    pub fn forget(&self, token: &str) {
        if let Some(cache) = &self.cache {
            cache.remove(token);
        }
    }

    /// How many tokens are remembered now.
    pub fn len(&self) -> usize {
        self.cache.as_ref().map_or(0, Cache::len)
    }
}
