//! Signing and verification keys (server only).
//!
//! By default the main app signs with an Ed25519 private key that only it
//! holds and publishes the public half as a JWKS; other services verify with
//! that and can't mint tokens. [`KeySet`] is how a verifier finds the public
//! key a token names: the main app's [`KeyRing`], or another service's copy
//! of the published JWKS. One machine keeps the keys in a file; several keep
//! them in PostgreSQL, sealed under a key-encryption key (`stored.rs`).

mod ed25519;
mod jwk;
mod key_ring;
mod sealed;
mod stored;

pub use ed25519::{KeyError, PrivateKey, PublicKey};
pub use jwk::{JwkError, JwkSet, PublicJwk};
pub use key_ring::{KeyRing, KeyRingError, RingKeys, retired_path};
pub use sealed::{KeyEncryptionKey, SealError};
pub use stored::{StoredKeys, StoredKeysError};

use super::TokenError;
use jsonwebtoken::DecodingKey;

/// Public keys by key id (`kid`).
pub trait KeySet: Send + Sync {
    /// The key named `kid`: `UnknownKey` if this set has no such key, or
    /// `KeysUnavailable` if it could not load any keys yet.
    fn find(&self, kid: &str) -> Result<DecodingKey, TokenError>;
}
