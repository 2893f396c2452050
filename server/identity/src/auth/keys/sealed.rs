//! Private signing keys sealed under a key-encryption key (KEK), so they can
//! be kept in the shared database: a copy of the database (a backup, a
//! replica, a leaked dump) can't sign tokens without the KEK, which lives
//! only in each instance's environment.
//!
//! ChaCha20-Poly1305 with a random 96-bit nonce per sealing. The key id is
//! the associated data: a sealed key moved to another row does not open.

use super::{KeyError, PrivateKey};
use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use std::fmt;
use thiserror::Error;
use zeroize::Zeroizing;

const KEK_LEN: usize = 32;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SealError {
    #[error(
        "the key-encryption key must be {KEK_LEN} random bytes in base64 (create one with `server keys new-kek`)"
    )]
    BadKek,
    #[error(
        "the key-encryption key does not open the stored signing key {0} (a different JWT_KEY_ENCRYPTION_KEY, or a damaged row)"
    )]
    WrongKek(String),
    #[error("could not get random bytes from the operating system: {0}")]
    Random(String),
    #[error("could not seal the private key")]
    Sealing,
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// The key-encryption key: 32 bytes, never printed, wiped when dropped.
#[derive(Clone)]
pub struct KeyEncryptionKey(Zeroizing<[u8; KEK_LEN]>);

impl KeyEncryptionKey {
    /// From base64 (standard or URL-safe, padded or not) of exactly 32 bytes.
    pub fn parse(text: &str) -> Result<Self, SealError> {
        let text = text.trim();
        let bytes = STANDARD
            .decode(text)
            .or_else(|_| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
            .map(Zeroizing::new)
            .map_err(|_| SealError::BadKek)?;
        let bytes = Zeroizing::new(
            <[u8; KEK_LEN]>::try_from(bytes.as_slice()).map_err(|_| SealError::BadKek)?,
        );
        if bytes.iter().all(|b| *b == bytes[0]) {
            // All zeros (or one repeated byte) is a placeholder, not a key.
            return Err(SealError::BadKek);
        }
        Ok(Self(bytes))
    }

    /// A fresh KEK from the operating system's random source, as base64.
    pub fn generate() -> Result<String, SealError> {
        let mut bytes = Zeroizing::new([0u8; KEK_LEN]);
        getrandom::getrandom(bytes.as_mut()).map_err(|e| SealError::Random(e.to_string()))?;
        Ok(STANDARD.encode(bytes))
    }

    fn aead(&self) -> LessSafeKey {
        // Cannot fail: the length is fixed above.
        LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, self.0.as_ref()).expect("32-byte key"))
    }

    /// `nonce || ciphertext || tag` of the key's seed, bound to its key id.
    pub fn seal(&self, key: &PrivateKey) -> Result<Vec<u8>, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::getrandom(&mut nonce).map_err(|e| SealError::Random(e.to_string()))?;
        let mut sealed = key.seed().to_vec();
        self.aead()
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(key.kid().as_bytes()),
                &mut sealed,
            )
            .map_err(|_| SealError::Sealing)?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    /// The private key sealed as `kid`, if this KEK sealed it.
    pub fn open(&self, kid: &str, sealed: &[u8]) -> Result<PrivateKey, SealError> {
        let wrong = || SealError::WrongKek(kid.chars().take(64).collect());
        if sealed.len() <= NONCE_LEN {
            return Err(wrong());
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| wrong())?;
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        let seed = self
            .aead()
            .open_in_place(nonce, Aad::from(kid.as_bytes()), &mut buffer)
            .map_err(|_| wrong())?;
        let seed = Zeroizing::new(<[u8; 32]>::try_from(&*seed).map_err(|_| wrong())?);
        let key = PrivateKey::from_seed(&seed)?;
        if key.kid() != kid {
            return Err(wrong());
        }
        Ok(key)
    }
}

impl fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyEncryptionKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kek() -> KeyEncryptionKey {
        KeyEncryptionKey::parse(&KeyEncryptionKey::generate().unwrap()).unwrap()
    }

    #[test]
    fn a_sealed_key_opens_with_its_kek_and_kid() {
        let kek = kek();
        let key = PrivateKey::generate().unwrap();
        let sealed = kek.seal(&key).unwrap();
        assert_eq!(kek.open(key.kid(), &sealed).unwrap().kid(), key.kid());
    }

    #[test]
    fn the_sealed_bytes_do_not_contain_the_private_key() {
        let kek = kek();
        let key = PrivateKey::generate().unwrap();
        let sealed = kek.seal(&key).unwrap();
        assert!(!sealed.windows(32).any(|w| w == key.seed().as_slice()));
        // A fresh nonce each time: sealing twice gives different bytes.
        assert_ne!(sealed, kek.seal(&key).unwrap());
    }

    #[test]
    fn another_kek_a_moved_row_or_a_flipped_bit_does_not_open() {
        let kek = kek();
        let key = PrivateKey::generate().unwrap();
        let other = PrivateKey::generate().unwrap();
        let sealed = kek.seal(&key).unwrap();
        let wrong = |r: Result<PrivateKey, SealError>| matches!(r, Err(SealError::WrongKek(_)));
        assert!(wrong(self::kek().open(key.kid(), &sealed)));
        assert!(wrong(kek.open(other.kid(), &sealed)));
        let mut flipped = sealed.clone();
        flipped[20] ^= 1;
        assert!(wrong(kek.open(key.kid(), &flipped)));
        assert!(wrong(kek.open(key.kid(), &sealed[..10])));
    }

    #[test]
    fn only_32_random_looking_bytes_make_a_kek() {
        for text in [
            "",
            "short",
            &STANDARD.encode([7u8; 31]),
            &STANDARD.encode([0u8; 32]),
        ] {
            assert_eq!(
                KeyEncryptionKey::parse(text).unwrap_err(),
                SealError::BadKek,
                "{text}"
            );
        }
        let generated = KeyEncryptionKey::generate().unwrap();
        assert!(KeyEncryptionKey::parse(&generated).is_ok());
        let url_safe = URL_SAFE_NO_PAD.encode(STANDARD.decode(&generated).unwrap());
        assert!(KeyEncryptionKey::parse(&url_safe).is_ok());
    }

    #[test]
    fn debug_output_hides_the_kek() {
        let text = KeyEncryptionKey::generate().unwrap();
        let debug = format!("{:?}", KeyEncryptionKey::parse(&text).unwrap());
        assert!(!debug.contains(&text[..8]));
    }
}
